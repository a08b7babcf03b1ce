/**
 * Fused compiled steps on Dawn in Node (issue 17): fuse-checks.ts in a child Node process (fuse-run.ts;
 * jest's module system cannot load the `webgpu` package, an ES module), with fuse-expect.ts's expectations.
 * Skipped with a warning without the package or an adapter; TAPEGRAD_REQUIRE_WEBGPU=1 makes that a failure.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { FuseReport } from './fuse-checks';
import { fuseTests, type FuseReportRun } from './fuse-expect';

const ROOT = path.resolve(__dirname, '../../../..');
let installed = true;
try { require.resolve('webgpu/package.json', { paths: [ROOT] }); } catch { installed = false; }
if (!installed) {
  const why = 'webgpu fusion node: SKIPPED — the optional `webgpu` package is not installed (npm install webgpu)';
  if (process.env.TAPEGRAD_REQUIRE_WEBGPU === '1') test('the webgpu package is installed (TAPEGRAD_REQUIRE_WEBGPU=1)', () => { throw new Error(why); });
  else console.warn(why);
}

(installed ? describe : describe.skip)('fused compiled steps on Dawn (Node, the webgpu package)', () => {
  let run: FuseReportRun;

  beforeAll(async () => {
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--expose-gc', path.join(ROOT, 'scripts/run-ts.cjs'), path.join(__dirname, 'fuse-run.ts')], { cwd: ROOT, timeout: 240_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
      });
    });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.code !== 0 || !line.startsWith('{')) throw new Error(`fuse-run.ts exited with ${r.code}: ${r.stderr}${r.stdout}`.slice(0, 4000));
    const report = JSON.parse(line) as FuseReport;
    // Dawn prints its own warnings (`Warning: …` with an `    at …` line) to stderr; anything else counts
    const consoleErrors = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/^Warning: |^ {4}at /.test(l));
    run = { report, consoleErrors, noAdapter: report.initError !== undefined && /adapter|not available/i.test(report.initError) };
  }, 300_000);

  fuseTests('webgpu fusion node', 'Dawn opened no WebGPU adapter', () => run);
});
