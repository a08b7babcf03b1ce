/**
 * The Node half of webgpu.node.test.ts: runs page.ts's device checks (the ones the browser test runs in
 * Chromium) in this Node process, where `webgpu.init()` opens Dawn from the optional `webgpu` package, and
 * prints the report as one JSON line. Run as its own process (`node --expose-gc scripts/run-ts.cjs
 * packages/core/test/webgpu/node-run.ts`): jest's module system cannot load the package, an ES module.
 */
import type { Report } from './page';

async function main(): Promise<void> {
  // page.ts hands its checks to the test through `window`.
  (globalThis as unknown as { window: unknown }).window = globalThis;
  await import('./page');
  const report: Report = await (globalThis as unknown as Window).webgpuChecks();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  () => process.exit(0), // not left to Dawn: the `webgpu` package's README warns that a live instance can keep Node running
  (e: unknown) => {
    process.stderr.write(`${String((e as Error).stack ?? e)}\n`);
    process.exit(1);
  },
);
