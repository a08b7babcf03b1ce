/**
 * The playground on the GPU (issue 17): the built page in headless Chromium with SwiftShader's software
 * WebGPU adapter (--enable-unsafe-webgpu --use-webgpu-adapter=swiftshader, served from 127.0.0.1) picks the
 * webgpu device, says so in its Device readout, and trains there: its losses follow the same Trainer run
 * on the cpu in Node (float32 tolerance). playground.e2e.test.ts checks the cpu fallback.
 *
 * Without /usr/bin/chromium the test is skipped with a message, unless CI is set: then it fails.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PlaygroundState } from '../src/api';
import { resolveConfig } from '../src/config';
import { Trainer } from '../src/trainer';
import { serveStatic, type StaticServer } from './helpers/static-server';

const CHROMIUM = '/usr/bin/chromium';
const PACKAGE_DIR = path.resolve(__dirname, '..');
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !inCi) console.warn(`playground webgpu e2e: SKIPPED — no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
const describeBrowser = haveChromium || inCi ? describe : describe.skip;

describeBrowser('playground on the webgpu device (headless Chromium, SwiftShader)', () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI is set but Chromium is missing at ${CHROMIUM}`);
    execFileSync(process.execPath, [path.join(PACKAGE_DIR, 'build.mjs')], { stdio: 'pipe' });
    server = await serveStatic(path.join(PACKAGE_DIR, 'dist'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan', '--no-sandbox'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(server.url);
    await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('says it trains on the webgpu device and follows the cpu run of the same settings', async () => {
    const shown = await page.locator('#device').innerText();
    const s0 = await page.evaluate(() => window.playground.state());
    if (s0.device !== 'webgpu' && process.env.TAPEGRAD_REQUIRE_WEBGPU !== '1') {
      // A Chromium build without SwiftShader's Vulkan opens no adapter: the page falls back and says so.
      console.warn(`playground webgpu e2e: SKIPPED — the page runs on ${s0.device} (${await page.locator('#device').getAttribute('title')})`);
      expect(shown).toBe('cpu');
      return;
    }
    expect(shown).toMatch(/^webgpu \(.+\)$/);
    // eslint-disable-next-line no-console
    console.log(`playground webgpu e2e: Device readout "${shown}"`);
    expect(await page.locator('#device').getAttribute('data-value')).toBe('webgpu');
    const changes = { dataset: 'circles', hidden: '8,8', activation: 'tanh', optimizer: 'adam', lr: 0.03 } as const;
    await page.evaluate((c) => window.playground.setConfig(c), changes);
    const epochs = 5, steps = 9 * epochs; // 280 training points in batches of 32
    const s: PlaygroundState = await page.evaluate((n) => window.playground.train(n), steps);
    expect(s).toMatchObject({ device: 'webgpu', epoch: epochs, steps, diverged: false, error: null });
    const cpu = new Trainer(resolveConfig(changes));
    cpu.trainSteps(steps);
    expect(cpu.metrics.epoch).toBe(epochs);
    expect(Math.abs(s.trainLoss - cpu.metrics.trainLoss)).toBeLessThan(1e-4 * Math.max(1, cpu.metrics.trainLoss));
    expect(Math.abs(s.testLoss - cpu.metrics.testLoss)).toBeLessThan(1e-4 * Math.max(1, cpu.metrics.testLoss));
    expect(s.testAccuracy).toBeCloseTo(cpu.metrics.testAccuracy, 2);
    expect(Number(await page.locator('#epoch').innerText())).toBe(epochs);
    // Live training through the button goes on and repaints on the device.
    await page.locator('#train').click();
    await page.waitForFunction((n) => window.playground.state().steps > n + 18, steps, { timeout: 30_000 });
    await page.locator('#train').click();
    const after = await page.evaluate(() => window.playground.state());
    expect(after.trainLoss).toBeLessThan(s.trainLoss);
    expect(problems).toEqual([]);
  }, 90_000);
});
