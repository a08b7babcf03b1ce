#!/usr/bin/env node
// Checks the kernels in a real browser main thread (not a test: needs a local Chromium).
//   node packages/core/scripts/browser-check-gemm.mjs [/path/to/chromium]
// Bundles src/kernels/gemm.ts as a classic script, evaluates it in a page, and prints whether
// the wasm backend was ready synchronously at import, the documented example's result, and
// 512^3 float32 GFLOP/s per transpose form.
import { buildSync } from 'esbuild';
import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const executablePath = process.argv[2] ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(existsSync);
if (!executablePath) {
  console.error('browser-check-gemm: no Chromium found; pass its path as the first argument');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'browser-gemm-'));
writeFileSync(join(dir, 'entry.ts'), `export * from ${JSON.stringify(join(here, '..', 'src', 'kernels', 'gemm.ts'))};`);
buildSync({ entryPoints: [join(dir, 'entry.ts')], bundle: true, platform: 'browser', format: 'iife', globalName: 'K', outfile: join(dir, 'k.js'), logLevel: 'warning' });
const code = readFileSync(join(dir, 'k.js'), 'utf8');

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><title>gemm</title>');
  const res = await page.evaluate((src) => {
    (0, eval)(src); // a classic script on the main thread, like a bundled app
    /* global K */
    const out = { userAgent: navigator.userAgent, backendRightAfterImport: K.kernelBackend() };
    const C = new Float32Array(4);
    K.gemm(false, false, 2, 2, 3, 1, new Float32Array([1, 2, 3, 4, 5, 6]), 0, 3, new Float32Array([1, 0, 0, 1, 1, 1]), 0, 2, 0, C, 0, 2);
    out.example = Array.from(C).join(',') + ' (want 4,5,10,11)';
    const n = 512;
    const X = new Float32Array(n * n).map(() => Math.random()), Y = X.map((v) => 1 - v), Z = new Float32Array(n * n);
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
      for (let i = 0; i < 5; i++) K.gemm(tA, tB, n, n, n, 1, X, 0, n, Y, 0, n, 0, Z, 0, n);
      const t0 = performance.now();
      let r = 0;
      while (performance.now() - t0 < 1000) { K.gemm(tA, tB, n, n, n, 1, X, 0, n, Y, 0, n, 0, Z, 0, n); r++; }
      out[`GFLOP/s 512^3 transA=${tA} transB=${tB}`] = +((2 * n ** 3 * r) / ((performance.now() - t0) / 1e3) / 1e9).toFixed(1);
    }
    return out;
  }, code);
  console.log(res);
} finally {
  await browser.close();
}
