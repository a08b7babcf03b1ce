/**
 * Fused compiled steps on Dawn in Node (issue 17): fuse-checks.ts in a child Node process (fuse-run.ts;
 * jest's module system cannot load the `webgpu` package, an ES module), with fuse-expect.ts's expectations.
 * Skipped with a warning without the package or an adapter; TAPEGRAD_REQUIRE_WEBGPU=1 makes that a failure.
 */
import path from 'node:path';
import type { FuseReport } from './fuse-checks';
import { fuseTests, type FuseReportRun } from './fuse-expect';
import { RUN_TS, dawnInstalled, dawnUnusable, runNode } from './dawn';

const installed = dawnInstalled;
if (!installed) {
  const why = 'webgpu fusion node: SKIPPED — the optional `webgpu` package is not installed (npm install webgpu)';
  if (process.env.TAPEGRAD_REQUIRE_WEBGPU === '1') test('the webgpu package is installed (TAPEGRAD_REQUIRE_WEBGPU=1)', () => { throw new Error(why); });
  else console.warn(why);
}

(installed ? describe : describe.skip)('fused compiled steps on Dawn (Node, the webgpu package)', () => {
  let run: FuseReportRun;

  beforeAll(async () => {
    const unusable = await dawnUnusable();
    if (unusable !== null) {
      run = { report: { initError: unusable } as FuseReport, consoleErrors: [], noAdapter: true };
      return;
    }
    const r = await runNode(['--expose-gc', RUN_TS, path.join(__dirname, 'fuse-run.ts')], 240_000);
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.code !== 0 || !line.startsWith('{')) throw new Error(`fuse-run.ts exited with ${r.code}: ${r.stderr}${r.stdout}`.slice(0, 4000));
    const report = JSON.parse(line) as FuseReport;
    // Dawn prints its own warnings (`Warning: …` with an `    at …` line) to stderr; anything else counts
    const consoleErrors = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/^Warning: |^ {4}at /.test(l));
    run = { report, consoleErrors, noAdapter: report.initError !== undefined && /adapter|not available/i.test(report.initError) };
  }, 300_000);

  fuseTests('webgpu fusion node', 'Dawn opened no WebGPU adapter', () => run);
});
