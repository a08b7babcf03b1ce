/**
 * The webgpu device in a real browser (issue 17): page.ts is bundled with esbuild (the playground's
 * aliases: @tapegrad/* are the TypeScript sources), served on 127.0.0.1 (WebGPU needs a secure
 * context), and run in Debian's headless Chromium with SwiftShader's software WebGPU adapter. It checks
 * the float32 ops and gradients against the cpu device (rtol 1e-4), the optimizer kernels, an MLP's
 * loss curve on both devices, the device-mixing and sync-reader errors, and that a training step
 * neither reads back nor waits (counters per step).
 *
 * Without /usr/bin/chromium the test is skipped with a message, unless CI is set: then it fails.
 */
import { build } from 'esbuild';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { serveStatic, type StaticServer } from '../../../playground/test/helpers/static-server';
import type { Report } from './page';
import { reportTests } from './report-tests';

const CHROMIUM = '/usr/bin/chromium';
const PACKAGES = path.resolve(__dirname, '../../..');
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !inCi) console.warn(`webgpu e2e: SKIPPED — no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
const describeBrowser = haveChromium || inCi ? describe : describe.skip;

describeBrowser('webgpu device in headless Chromium (SwiftShader)', () => {
  let dir: string;
  let server: StaticServer;
  let browser: Browser;
  let report: Report;
  // A Chromium without a WebGPU adapter (no SwiftShader Vulkan in its build) skips the device checks with a
  // warning (report-tests.ts); TAPEGRAD_REQUIRE_WEBGPU=1 makes that a failure.
  let noAdapter = false;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI is set but Chromium is missing at ${CHROMIUM}`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'tapegrad-webgpu-'));
    await build({
      entryPoints: [path.join(__dirname, 'page.ts')],
      outfile: path.join(dir, 'page.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2020'],
      logLevel: 'warning',
      alias: {
        '@tapegrad/core/internal': path.join(PACKAGES, 'core/src/internal.ts'),
        '@tapegrad/core': path.join(PACKAGES, 'core/src/index.ts'),
        '@tapegrad/nn': path.join(PACKAGES, 'nn/src/index.ts'),
        '@tapegrad/optim': path.join(PACKAGES, 'optim/src/index.ts'),
      },
    });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><body><script type="module" src="page.js"></script></body></html>');
    server = await serveStatic(dir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan', '--no-sandbox', '--js-flags=--expose-gc'],
    });
    const page = await browser.newPage();
    // (the browser's own request for /favicon.ico is a 404 the page did not make)
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(server.url);
    await page.waitForFunction(() => typeof window.webgpuChecks === 'function');
    report = await page.evaluate(() => window.webgpuChecks());
    noAdapter = report.initError !== undefined && /adapter|navigator\.gpu/i.test(report.initError);
    // WEBGPU_REPORT=file.json keeps the page's whole report (per-check errors, counters) for a look.
    if (process.env.WEBGPU_REPORT) writeFileSync(process.env.WEBGPU_REPORT, JSON.stringify({ report, consoleErrors }, null, 1));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  reportTests('webgpu e2e', 'this Chromium opened no WebGPU adapter', () => ({ report, consoleErrors, noAdapter }));
});
