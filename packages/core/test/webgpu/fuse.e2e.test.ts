/**
 * Fused compiled steps (issue 17, webgpu/fuse.ts) in headless Chromium with SwiftShader (browser.ts):
 * fuse-checks.ts in a page, with fuse-expect.ts's expectations. Skipped without /usr/bin/chromium unless CI is set.
 */
import path from 'node:path';
import { CHROMIUM, haveChromium, openGpuPage, type GpuPage } from './browser';
import type { FuseReport } from './fuse-checks';
import { fuseTests, type FuseReportRun } from './fuse-expect';

const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
if (!haveChromium() && !inCi) console.warn(`webgpu fusion e2e: SKIPPED — no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

(haveChromium() || inCi ? describe : describe.skip)('fused compiled steps on the webgpu device (headless Chromium, SwiftShader)', () => {
  let gp: GpuPage;
  let run: FuseReportRun;

  beforeAll(async () => {
    if (!haveChromium()) throw new Error(`CI is set but Chromium is missing at ${CHROMIUM}`);
    gp = await openGpuPage(path.join(__dirname, 'fuse-page.ts'));
    await gp.page.waitForFunction(() => typeof window.fuseChecks === 'function');
    const report: FuseReport = await gp.page.evaluate(() => window.fuseChecks());
    run = { report, consoleErrors: gp.consoleErrors, noAdapter: report.initError !== undefined && /adapter|navigator\.gpu/i.test(report.initError) };
  }, 180_000);

  afterAll(async () => {
    await gp?.close();
  });

  fuseTests('webgpu fusion e2e', 'this Chromium opened no WebGPU adapter', () => run);
});
