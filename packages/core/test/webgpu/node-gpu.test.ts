/**
 * The webgpu device in Node (issue 17) through the optional `webgpu` package (Dawn's Node bindings).
 *
 * - The loader's messages, in this process with the package mocked: no adapter (and the SwiftShader retry,
 *   which sets VK_ICD_FILENAMES only while Dawn looks for an adapter), a package without `create`.
 * - The device checks of the browser test (page.ts, report-tests.ts) run on Dawn in a child Node process
 *   (node-run.ts; jest's module system cannot load the package, an ES module). Without the package or
 *   without an adapter they are skipped with a warning; TAPEGRAD_REQUIRE_WEBGPU=1 makes that a failure.
 * - Without the package, init() in a child process names the package to install (the real resolution
 *   error of Node's import(), not a mock).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Report } from './page';
import { reportTests, type ReportRun } from './report-tests';

import { RUN_TS, requireWebgpu, runNode, dawnInstalled, dawnUnusable } from './dawn';


describe('the Node loader of the webgpu package (mocked)', () => {
  afterEach(() => {
    jest.resetModules();
    jest.dontMock('webgpu');
  });

  test('no adapter: the error names what was tried and what to install; VK_ICD_FILENAMES is set only during the SwiftShader retry', async () => {
    const seen: (string | undefined)[] = [];
    jest.doMock('webgpu', () => ({
      create: () => {
        seen.push(process.env.VK_ICD_FILENAMES);
        return { requestAdapter: async () => null };
      },
    }), { virtual: true });
    const saved = { icd: process.env.VK_ICD_FILENAMES, drv: process.env.VK_DRIVER_FILES };
    delete process.env.VK_ICD_FILENAMES;
    delete process.env.VK_DRIVER_FILES;
    try {
      const { nodeGpu } = await import('../../src/webgpu/node-gpu');
      const chromium = existsSync('/usr/lib/chromium/vk_swiftshader_icd.json') && existsSync('/usr/lib/chromium/libvk_swiftshader.so');
      if (chromium) {
        await expect(nodeGpu()).rejects.toThrow(/^webgpu\.init: the `webgpu` package \(Dawn\) found no adapter on this machine \(nor with the SwiftShader Vulkan driver of \/usr\/lib\/chromium\): install a Vulkan driver \(Debian\/Ubuntu: apt-get install libvulkan1 mesa-vulkan-drivers\) or Chromium/);
        expect(seen[seen.length - 1]).toBe('/usr/lib/chromium/vk_swiftshader_icd.json');
        expect(seen.slice(0, -1).every((v) => v === undefined)).toBe(true);
      } else {
        await expect(nodeGpu()).rejects.toThrow(/^webgpu\.init: the `webgpu` package \(Dawn\) found no adapter on this machine: /);
        expect(seen).toEqual([undefined]);
      }
      expect(process.env.VK_ICD_FILENAMES).toBeUndefined();
    } finally {
      if (saved.icd !== undefined) process.env.VK_ICD_FILENAMES = saved.icd;
      if (saved.drv !== undefined) process.env.VK_DRIVER_FILES = saved.drv;
    }
  });

  test("the user's own VK_ICD_FILENAMES is left alone and named in the error", async () => {
    const seen: (string | undefined)[] = [];
    jest.doMock('webgpu', () => ({ create: () => { seen.push(process.env.VK_ICD_FILENAMES); return { requestAdapter: async () => null }; } }), { virtual: true });
    const saved = process.env.VK_ICD_FILENAMES;
    process.env.VK_ICD_FILENAMES = '/nowhere/icd.json';
    try {
      const { nodeGpu } = await import('../../src/webgpu/node-gpu');
      await expect(nodeGpu()).rejects.toThrow(process.platform === 'linux' && existsSync('/usr/lib/chromium/vk_swiftshader_icd.json')
        ? /found no adapter on this machine \(VK_ICD_FILENAMES \/ VK_DRIVER_FILES is set: \/nowhere\/icd\.json\)/
        : /found no adapter on this machine/);
      expect(seen).toEqual(['/nowhere/icd.json']);
      expect(process.env.VK_ICD_FILENAMES).toBe('/nowhere/icd.json');
    } finally {
      if (saved === undefined) delete process.env.VK_ICD_FILENAMES;
      else process.env.VK_ICD_FILENAMES = saved;
    }
  });

  test('a package that is not Dawn\'s (no create) is named as failing to load', async () => {
    jest.doMock('webgpu', () => ({ globals: {} }), { virtual: true });
    const { nodeGpu } = await import('../../src/webgpu/node-gpu');
    await expect(nodeGpu()).rejects.toThrow(/^webgpu\.init: WebGPU is not available: this is Node [\d.]+, which has no navigator\.gpu, and the `webgpu` package \(Dawn\) failed to load: it exports no create\(\)$/);
  });
});

describe('webgpu.init() in a Node process without the webgpu package', () => {
  let dir: string;
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  test("names the package to install (Node's own resolution error)", async () => {
    // An entry outside the repository, so that `webgpu` does not resolve from its folder.
    dir = mkdtempSync(path.join(os.tmpdir(), 'tapegrad-nogpu-'));
    const entry = path.join(dir, 'entry.ts');
    writeFileSync(entry, "import { webgpu } from '@tapegrad/core';\nwebgpu.init().then(() => console.log('opened'), (e: Error) => console.log(e.message));\n");
    const r = await runNode([RUN_TS, entry], 60_000);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toMatch(/^webgpu\.init: WebGPU is not available: this is Node [\d.]+, which has no navigator\.gpu; the webgpu device needs the optional `webgpu` package \(Dawn's Node bindings\): npm install webgpu$/);
  });
});

const installed = dawnInstalled;
if (!installed) {
  const why = 'webgpu node: SKIPPED — the optional `webgpu` package is not installed (npm install webgpu)';
  if (requireWebgpu) test('the webgpu package is installed (TAPEGRAD_REQUIRE_WEBGPU=1)', () => { throw new Error(why); });
  else console.warn(why);
}

(installed ? describe : describe.skip)('webgpu device in Node (Dawn, from the webgpu package)', () => {
  let run: ReportRun;

  beforeAll(async () => {
    const unusable = await dawnUnusable();
    if (unusable !== null) {
      run = { report: { initError: unusable } as Report, consoleErrors: [], noAdapter: true };
      return;
    }
    const r = await runNode(['--expose-gc', RUN_TS, path.join(__dirname, 'node-run.ts')], 240_000);
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.code !== 0 || !line.startsWith('{')) throw new Error(`node-run.ts exited with ${r.code}: ${r.stderr}${r.stdout}`.slice(0, 4000));
    const report = JSON.parse(line) as Report;
    // Dawn prints its own warnings (`Warning: …` with an `    at …` source line) to stderr; anything else counts.
    const consoleErrors = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/^Warning: |^ {4}at /.test(l));
    run = { report, consoleErrors, noAdapter: report.initError !== undefined && /adapter|not available/i.test(report.initError) };
    // WEBGPU_REPORT=file.json keeps the whole report for a look.
    if (process.env.WEBGPU_REPORT) writeFileSync(process.env.WEBGPU_REPORT, JSON.stringify({ report, stderr: r.stderr }, null, 1));
  }, 300_000);

  reportTests('webgpu node', 'Dawn opened no WebGPU adapter', () => run);
});
