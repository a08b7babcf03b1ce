/**
 * The tests of a device report (page.ts's checks: ops and gradients against the cpu device, the oracle's
 * cases, an MLP's and a CNN's loss curves, the per-step counters, the error messages), shared by the browser
 * test (webgpu.e2e.test.ts: the page in headless Chromium) and the Node test (node-gpu.test.ts: the same
 * checks on Dawn from the `webgpu` package).
 */
import type { Report } from './page';

/** What one run of the checks gave: the report, what was logged as an error, and whether no adapter opened. */
export interface ReportRun { report: Report; consoleErrors: string[]; noAdapter: boolean }

/**
 * Defines the report's tests (call inside a describe; `run` is read when each test runs, after beforeAll).
 * Without an adapter the device checks skip with a warning naming `noAdapterWhy`; TAPEGRAD_REQUIRE_WEBGPU=1
 * makes that a failure.
 */
export function reportTests(where: string, noAdapterWhy: string, run: () => ReportRun): void {
  const gpuTest = (name: string, fn: (r: ReportRun) => void): void => {
    test(name, () => {
      const r = run();
      if (r.noAdapter && process.env.TAPEGRAD_REQUIRE_WEBGPU !== '1') {
        console.warn(`${where}: '${name}' SKIPPED — ${noAdapterWhy} (${r.report.initError})`);
        return;
      }
      fn(r);
    });
  };

  gpuTest('opens a webgpu device', ({ report }) => {
    expect(report.initError).toBeUndefined();
    expect(report.adapter).not.toBe('');
  });

  gpuTest('every float32 op, gradient and optimizer update matches the cpu device (rtol 1e-4)', ({ report }) => {
    const failed = report.checks.filter((c) => !(c.worst <= 1)).map((c) => `${c.name}: ${c.error ?? `worst ${c.worst.toFixed(2)}× tolerance`}`);
    expect(failed).toEqual([]);
    expect(report.checks.length).toBeGreaterThan(60);
  });

  gpuTest("the oracle's op, loss and MLP cases pass on the device in float32 (1e-4 of PyTorch's float64), or name what is missing", ({ report }) => {
    const failed = report.oracle.filter((r) => r.status === 'failed').map((r) => `${r.id}: ${r.message}`);
    expect(failed).toEqual([]);
    const ok = report.oracle.filter((r) => r.status === 'ok').length;
    const missing = report.oracle.filter((r) => r.status === 'unsupported');
    // eslint-disable-next-line no-console
    console.log(`${where} oracle: ${ok} of ${report.oracle.length} cases pass on the device; not on the device yet: ${missing.map((r) => r.id).join(', ')}`);
    expect(ok).toBeGreaterThanOrEqual(202);
  });

  gpuTest('no device validation errors and nothing logged as an error', ({ report, consoleErrors }) => {
    expect(report.deviceErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  gpuTest('an MLP trained on webgpu follows the cpu loss curve; a step neither reads back nor waits', ({ report }) => {
    const m = report.mlp;
    if (!m) throw new Error('no MLP report');
    expect(m.gpu.length).toBe(m.cpu.length);
    for (let i = 0; i < m.cpu.length; i++) expect(Math.abs(m.gpu[i] - m.cpu[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(m.cpu[i])));
    expect(m.cpu[m.cpu.length - 1]).toBeLessThan(m.cpu[0]); // it learns
    expect(m.paramErr).toBeLessThanOrEqual(1);
    for (const s of m.steps) {
      expect(s.bytesReadBack).toBe(0);
      expect(s.bytesUploaded).toBe(0);
      expect(s.dispatches).toBeGreaterThan(0);
      expect(s.submissions).toBeLessThanOrEqual(1);
    }
    // Once the collector has returned freed tensors' buffers to the pool, a step allocates none.
    expect(m.steady).not.toBeNull();
    expect(m.steady?.buffersCreated).toBe(0);
    // eslint-disable-next-line no-console
    console.log(`${where} MLP step (8-32-16-3, batch 64, SGD momentum): ${JSON.stringify(m.steps[m.steps.length - 1])}, after a collection ${JSON.stringify(m.steady)}; losses cpu ${m.cpu.map((v) => v.toFixed(5)).join(' ')}`);
  });

  gpuTest('a CNN (conv2d, ReLU, MaxPool2d, Flatten, Linear) trained with Adam on webgpu follows the cpu loss curve', ({ report }) => {
    expect(report.errors.cnn).toBeUndefined();
    const c = report.cnn;
    if (!c) throw new Error('no CNN report');
    expect(c.gpu.length).toBe(5);
    for (let i = 0; i < c.cpu.length; i++) expect(Math.abs(c.gpu[i] - c.cpu[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(c.cpu[i])));
    expect(c.cpu[4]).toBeLessThan(c.cpu[0]);
  });

  // issue 17: the models that need normalization, embedding lookup and attention on the device
  gpuTest('a Transformer encoder layer (Embedding, MultiheadAttention with a causal mask, LayerNorm) trained with Adam on webgpu follows the cpu loss curve, eager and compiled', ({ report }) => {
    expect(report.errors.transformer).toBeUndefined();
    const t = report.transformer;
    if (!t) throw new Error('no Transformer report');
    expect(t.gpu.length).toBe(5);
    for (let i = 0; i < t.cpu.length; i++) expect(Math.abs(t.gpu[i] - t.cpu[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(t.cpu[i])));
    expect(t.cpu[4]).toBeLessThan(t.cpu[0]);
    // compile(step) replays it (one command buffer per step) with the eager device step's bits
    expect(t.fallbacks).toEqual([]);
    expect(t.replays).toBe(3);
    expect(t.compiled).toEqual(t.gpu);
  });

  gpuTest('a BatchNorm1d model trained with RMSprop on webgpu follows the cpu loss curve, with the same running statistics and eval loss', ({ report }) => {
    expect(report.errors.batchNormNet).toBeUndefined();
    const b = report.batchNormNet;
    if (!b) throw new Error('no BatchNorm report');
    expect(b.gpu.length).toBe(6);
    for (let i = 0; i < b.cpu.length; i++) expect(Math.abs(b.gpu[i] - b.cpu[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(b.cpu[i])));
    expect(b.cpu[4]).toBeLessThan(b.cpu[0]);
    expect(b.runningErr).toBeLessThanOrEqual(1);
  });

  gpuTest('what the device lacks, or cannot check, fails naming the op and the device', ({ report }) => {
    const e = report.errors;
    expect(e.lbfgsOnDevice).toMatch(/^LBFGS\.step: not implemented for webgpu parameters yet/);
    expect(e.intCumsum).toMatch(/^cumsum: the webgpu device scans float32 tensors only, got int32/);
    expect(e.intCumprod).toMatch(/^cumprod: the webgpu device scans float32 tensors only, got int32/);
    expect(e.mixLayerNorm).toMatch(/^layerNorm: Expected all tensors to be on the same device, but found webgpu and cpu/);
    expect(e.mixIndexSelect).toMatch(/^indexSelect: Expected all tensors to be on the same device, but found webgpu and cpu/);
    expect(e.adaptivePool).toMatch(/^adaptiveMaxPool2d: not implemented on the webgpu device yet for output sizes that do not divide/);
    expect(e.longSort).toMatch(/^topk: the webgpu device sorts lines of at most 1024 elements for now, got 1025/);
    expect(e.indexRange).toMatch(/^indexSelect: index 9 is out of bounds for dim 0 with size 3/);
  });

  gpuTest('mixing devices and synchronous readers fail with messages naming the op and the async call', ({ report }) => {
    const e = report.errors;
    expect(e.mixAdd).toMatch(/^add: Expected all tensors to be on the same device, but found webgpu and cpu/);
    expect(e.mixMatmul).toMatch(/^bmm: Expected all tensors to be on the same device, but found webgpu and cpu/);
    expect(e.mixLinear).toMatch(/^linear: Expected all tensors to be on the same device, but found webgpu and cpu/);
    expect(e.scalarOk).toBe('no error'); // a 0-d cpu tensor is a scalar operand, as in PyTorch
    expect(e.item).toMatch(/^item: .*webgpu.*await x\.itemAsync\(\)/);
    expect(e.dataSync).toMatch(/^dataSync: .*await x\.dataAsync\(\)/);
    expect(e.toArray).toMatch(/^toArray: .*await x\.toArrayAsync\(\)/);
    expect(e.toString).toBe('no error');
    expect(e.printed).toBe("tensor(<3 values on webgpu: print (await x.cpuAsync())>, shape=[3], dtype=float32, device='webgpu')");
    expect(e.float64).toMatch(/float64 tensors cannot move to the webgpu device/);
    expect(e.toCpu).toMatch(/await x\.cpuAsync\(\)/);
    expect(e.itemAsync).toBe('6');
    expect(e.toArrayAsync).toBe('[[1],[2],[3]]');
    expect(e.cpuAsync).toBe('tensor([2., 4., 6.])');
    expect(e.boolData).toBe('[0,1,1]');
    expect(e.intData).toBe('[6,7]');
    expect(e.devices).toBe('webgpu,cpu,webgpu,webgpu');
    expect(e.initTwice).toBe('no error');
    expect(e.gradToHost).toMatch(/^backward: gradients do not flow from a webgpu tensor back to the cpu tensor/);
    // compile falls back to eager mode for webgpu tensors (and gives the eager values)
    expect(e.compiled).toBe('[0,9.5] [0,9.5] [0,9.5] replays 1 fallbacks ');
    expect(e.loadStateDict).toBe('true true');
  });
}
