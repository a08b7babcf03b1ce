/**
 * Opens a page bundled from a TypeScript entry in Debian's headless Chromium with SwiftShader's software
 * WebGPU adapter (issue 17): esbuild with the playground's aliases (@tapegrad/* are the TypeScript
 * sources), served from 127.0.0.1 (WebGPU needs a secure context). Shared by the webgpu e2e tests and
 * bench/webgpu-structure.ts.
 */
import { build } from 'esbuild';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStatic, type StaticServer } from '../../../playground/test/helpers/static-server';

export const CHROMIUM = '/usr/bin/chromium';

/** A page and what to close after it; `consoleErrors` collects the page's errors (not a favicon's 404). */
export interface GpuPage {
  page: Page;
  consoleErrors: string[];
  close(): Promise<void>;
}

export const haveChromium = (): boolean => existsSync(CHROMIUM);

/**
 * Bundles `entry` into a page, serves it and opens it (the flags give SwiftShader's adapter; `gc()` is
 * exposed). `packages` is the monorepo's packages folder (given by callers bundled elsewhere, as the bench).
 */
export async function openGpuPage(entry: string, packages = path.resolve(__dirname, '../../..')): Promise<GpuPage> {
  const PACKAGES = packages;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tapegrad-webgpu-'));
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await build({
      entryPoints: [entry],
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
    const consoleErrors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text()); });
    if (process.env.WEBGPU_PAGE_LOG) page.on('console', (m) => console.log(m.text())); // WEBGPU_PAGE_LOG=1: the page's console, for a look
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(server.url);
    return { page, consoleErrors, close };
  } catch (e) {
    await close();
    throw e;
  }
}
