/**
 * What the Dawn tests (node-gpu, fuse-node, tapegrad's webgpu-checkpoint) share: whether the optional
 * `webgpu` package is installed, a child-process runner (jest's module system cannot load that ES module),
 * and a preflight that opens the device in a child once and runs one kernel. A machine where that preflight
 * fails — no adapter, or a Vulkan stack that crashes Dawn outright — skips the Dawn checks with a warning
 * saying why, instead of failing them for the machine's sake; TAPEGRAD_REQUIRE_WEBGPU=1 makes it a failure.
 * Once the preflight passes, the checks run and fail as usual.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../../..');
export const RUN_TS = path.join(ROOT, 'scripts/run-ts.cjs');
export const requireWebgpu = process.env.TAPEGRAD_REQUIRE_WEBGPU === '1';

export interface ChildResult { code: number | null; signal: string | null; stdout: string; stderr: string }

/** Runs `node args…` from the repository root; never rejects. */
export function runNode(args: string[], timeout: number, cwd = ROOT): Promise<ChildResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, timeout, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { signal?: string | null }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

/** Whether the optional `webgpu` package resolves from the repository. */
export const dawnInstalled: boolean = (() => {
  try {
    require.resolve('webgpu/package.json', { paths: [ROOT] });
    return true;
  } catch {
    return false;
  }
})();

let preflight: Promise<string | null> | null = null;

/** null when Dawn opens a device and runs a kernel in a child process, else why not (cached per test file). */
export function dawnUnusable(): Promise<string | null> {
  preflight ??= runNode([RUN_TS, path.join(__dirname, 'dawn-probe.ts')], 120_000).then((r) => {
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.code === 0 && line.startsWith('{')) {
      const o = JSON.parse(line) as { ok?: unknown; initError?: string };
      return o.initError !== undefined ? o.initError : null;
    }
    const tail = (r.stderr.split('\n').filter((l) => l.trim() !== '' && !/^Warning: |^ {4}at /.test(l)).pop() ?? '').slice(0, 300);
    return `the Dawn preflight (dawn-probe.ts) ${r.signal ? `was killed by ${r.signal}` : `exited with ${r.code}`}${tail ? `: ${tail}` : ''}`;
  });
  return preflight;
}
