/**
 * compile(fn) on the webgpu device (issue 17), in headless Chromium with SwiftShader (browser.ts): a
 * compiled MLP and CNN training step replay their recorded dispatches as one command buffer per call,
 * read nothing back and create no buffer after warm-up, and give the eager step's values; the structural
 * targets are asserted as counts. Skipped without /usr/bin/chromium unless CI is set.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHROMIUM, haveChromium, openGpuPage, type GpuPage } from './browser';
import type { CompileReport } from './compile-page';
import type { StructureRow } from './structure';

const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
if (!haveChromium() && !inCi) console.warn(`webgpu compile e2e: SKIPPED — no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
const describeBrowser = haveChromium() || inCi ? describe : describe.skip;
// fusion (issue 17): the MLP's mean gradient (fill, ÷N, −) is one kernel; the CNN's also each bias-add + ReLU
const EAGER_DISPATCHES: Record<string, number> = { mlp: 32, cnn: 49 };
const FUSED_DISPATCHES: Record<string, number> = { mlp: 30, cnn: 45 };

describeBrowser('compile(fn) on the webgpu device (headless Chromium, SwiftShader)', () => {
  let gp: GpuPage;
  let report: CompileReport;
  let noAdapter = false;
  const gpuTest = (name: string, fn: () => void): void => {
    test(name, () => {
      if (noAdapter && process.env.TAPEGRAD_REQUIRE_WEBGPU !== '1') {
        console.warn(`webgpu compile e2e: '${name}' SKIPPED — this Chromium opened no WebGPU adapter (${report.initError})`);
        return;
      }
      fn();
    });
  };
  const row = (model: string, mode: string): StructureRow => {
    const r = report.rows.find((x) => x.model === model && x.mode === mode);
    if (!r) throw new Error(`no ${model} ${mode} row`);
    return r;
  };

  beforeAll(async () => {
    if (!haveChromium()) throw new Error(`CI is set but Chromium is missing at ${CHROMIUM}`);
    gp = await openGpuPage(path.join(__dirname, 'compile-page.ts'));
    await gp.page.waitForFunction(() => typeof window.compileChecks === 'function');
    report = await gp.page.evaluate(() => window.compileChecks());
    noAdapter = report.initError !== undefined && /adapter|navigator\.gpu/i.test(report.initError);
    // WEBGPU_REPORT=file.json keeps the page's whole report for a look.
    if (process.env.WEBGPU_REPORT) writeFileSync(process.env.WEBGPU_REPORT, JSON.stringify({ report, consoleErrors: gp.consoleErrors }, null, 1));
  }, 180_000);

  afterAll(async () => {
    await gp?.close();
  });

  gpuTest('no device validation errors and nothing logged as an error', () => {
    expect(report.initError).toBeUndefined();
    expect(report.deviceErrors).toEqual([]);
    expect(gp.consoleErrors).toEqual([]);
  });

  for (const model of ['mlp', 'cnn']) {
    gpuTest(`${model}: the compiled step gives the eager step's losses and parameters`, () => {
      const e = row(model, 'eager'), c = row(model, 'compiled');
      expect(c.fallbacks).toEqual([]);
      expect(c.replays).toBe(c.losses.length - 2); // trace, capture, then every call replays
      expect(c.losses).toEqual(e.losses); // the same kernels in the same order: the same bits
      expect(c.params).toEqual(e.params);
      expect(e.losses[e.losses.length - 1]).toBeLessThan(e.losses[0]); // it learns
    });

    gpuTest(`${model}: a compiled step is one submission, no readback, no upload, no new buffer after warm-up`, () => {
      const e = row(model, 'eager'), c = row(model, 'compiled');
      // calls 1 and 2 trace and capture (eagerly); the first replay also submits the capture call's work
      expect(c.steps[2].submissions).toBeLessThanOrEqual(2);
      const warm = c.steps.slice(3);
      for (const s of [...warm, c.collected]) {
        expect(s.submissions).toBe(1);
        expect(s.bytesReadBack).toBe(0);
        expect(s.bytesUploaded).toBe(0);
        // the eager step's dispatches, recorded once, less those of its fused elementwise chains (webgpu/fuse.ts)
        expect(s.dispatches).toBe(FUSED_DISPATCHES[model]);
      }
      expect(e.collected.dispatches).toBe(EAGER_DISPATCHES[model]);
      // The copy of the returned loss is the one buffer a call needs: from the pool once the collector returned the earlier ones.
      expect(c.collected.buffersCreated).toBe(0);
      for (const s of warm) expect(s.buffersCreated).toBeLessThanOrEqual(1);
      expect(e.collected.bytesReadBack).toBe(0);
      expect(e.collected.submissions).toBeLessThanOrEqual(1);
      // eslint-disable-next-line no-console
      console.log(`webgpu ${model} step, ${e.ops} ops: eager ${JSON.stringify(e.collected)} (first warm step without a collection ${JSON.stringify(e.steps[2])}); compiled ${JSON.stringify(c.collected)} (without a collection ${JSON.stringify(c.steps[c.steps.length - 1])})`);
    });
  }

  gpuTest('mlp: dispatches per step are at most twice the ops of the step', () => {
    const c = row('mlp', 'compiled');
    expect(c.ops).toBeGreaterThan(0);
    expect(c.collected.dispatches).toBeLessThanOrEqual(2 * c.ops);
  });

  gpuTest('replays give the eager values, fall back where they cannot, and check arguments again', () => {
    const k = report.cases;
    expect(k.forward).toBe('0.000000,9.500000 0.000000,16.50000 0.000000,23.50000 0.000000,30.50000 replays 2');
    expect(k['upload inside fn']).toMatch(/^1\.000000,2\.000000 2\.000000,3\.000000 3\.000000,4\.000000 replays 0 fallbacks cannot be replayed: .*host upload to the webgpu device inside the step/);
    expect(k['scheduler outside fn']).toBe('same replays 3');
    // tensors made after a capture never get a buffer its replays write (without the pins: 2 of 54 overwritten)
    expect(k['pinned buffers']).toBe('0 of 54 overwritten, replays 4');
    // calls: trace, capture, 2 replays, (a .grad read) capture, replay, (another batch shape) trace, 2 replays
    expect(k.recapture).toBe('same captures 2 replays 5 signatures 2');
    // 8 tanh nodes: each VJP's own temporaries (3 per node: y², 1 − y², the product) are left to the collector,
    // but the walk's gradients go back to the pool as they are consumed (without that: 32 buffers)
    const [created, finite] = /^(\d+) buffers, grad finite (\w+)$/.exec(k['backward temporaries'])?.slice(1) ?? [];
    expect(finite).toBe('true');
    expect(Number(created)).toBeLessThanOrEqual(3 * 8 + 2);
    expect(k['targets checked on replay']).toMatch(/^replays 1: crossEntropy: target class index 5 .* out of range for 3 classes/);
  });
});
