/**
 * The webgpu device in a real browser (issue 17): page.ts is bundled and opened in Debian's headless
 * Chromium with SwiftShader's software WebGPU adapter (browser.ts). It checks
 * the float32 ops and gradients against the cpu device (rtol 1e-4), the optimizer kernels, an MLP's
 * loss curve on both devices, the device-mixing and sync-reader errors, and that a training step
 * neither reads back nor waits (counters per step).
 *
 * Without /usr/bin/chromium the test is skipped with a message, unless CI is set: then it fails.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHROMIUM, haveChromium as chromiumInstalled, openGpuPage, type GpuPage } from './browser';
import type { Report } from './page';
import { reportTests } from './report-tests';

const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const haveChromium = chromiumInstalled();
if (!haveChromium && !inCi) console.warn(`webgpu e2e: SKIPPED — no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
const describeBrowser = haveChromium || inCi ? describe : describe.skip;

describeBrowser('webgpu device in headless Chromium (SwiftShader)', () => {
  let gp: GpuPage;
  let report: Report;
  // A Chromium without a WebGPU adapter (no SwiftShader Vulkan in its build) skips the device checks with a
  // warning (report-tests.ts); TAPEGRAD_REQUIRE_WEBGPU=1 makes that a failure.
  let noAdapter = false;

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI is set but Chromium is missing at ${CHROMIUM}`);
    gp = await openGpuPage(path.join(__dirname, 'page.ts'));
    const page = gp.page;
    await page.waitForFunction(() => typeof window.webgpuChecks === 'function');
    report = await page.evaluate(() => window.webgpuChecks());
    noAdapter = report.initError !== undefined && /adapter|navigator\.gpu/i.test(report.initError);
    // WEBGPU_REPORT=file.json keeps the page's whole report (per-check errors, counters) for a look.
    if (process.env.WEBGPU_REPORT) writeFileSync(process.env.WEBGPU_REPORT, JSON.stringify({ report, consoleErrors: gp.consoleErrors }, null, 1));
  }, 180_000);

  afterAll(async () => {
    await gp?.close();
  });

  reportTests('webgpu e2e', 'this Chromium opened no WebGPU adapter', () => ({ report, consoleErrors: gp.consoleErrors, noAdapter }));
});
