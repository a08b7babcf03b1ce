/**
 * compile() of a webgpu step whose optimizer has no device kernel (RMSprop: its update is tensor ops, so
 * its kernel allocates device tensors): the capture must fall back to eager, naming why, never replay
 * over other buffers. Runs in a child Node process on Dawn (webgpu-optim-run.ts); skipped with the reason
 * when no device opens (TAPEGRAD_REQUIRE_WEBGPU=1 makes that a failure).
 */
import path from 'node:path';
import { RUN_TS, dawnInstalled, dawnUnusable, requireWebgpu, runNode } from '../../../core/test/webgpu/dawn';

interface Result { skipped?: string; eager: number[]; compiled: number[]; stats: { replays: number; fallbacks: { reason: string }[] } }

(dawnInstalled ? describe : describe.skip)('compile on webgpu with an optimizer written in tensor ops (Dawn)', () => {
  let r: Result;
  beforeAll(async () => {
    const unusable = await dawnUnusable();
    if (unusable !== null) {
      if (requireWebgpu) throw new Error(`no webgpu device: ${unusable}`);
      console.warn(`webgpu optim compile: SKIPPED — ${unusable}`);
      r = { skipped: unusable } as Result;
      return;
    }
    const c = await runNode([RUN_TS, path.join(__dirname, 'webgpu-optim-run.ts')], 120_000);
    if (c.code !== 0) throw new Error(`webgpu-optim-run.ts exited with ${c.code ?? c.signal}: ${c.stderr}${c.stdout}`.slice(0, 4000));
    r = JSON.parse(c.stdout.trim().split('\n').pop() ?? '{}') as Result;
  }, 180_000);

  test('the step stays eager, says why, and gives the eager losses', () => {
    if (r.skipped !== undefined) return;
    expect(r.stats.replays).toBe(0);
    expect(r.stats.fallbacks.map((f) => f.reason)).toEqual([expect.stringMatching(/a kernel allocates device tensors/)]);
    expect(r.compiled).toEqual(r.eager);
    expect(r.eager[4]).toBeLessThan(r.eager[0]);
  });
});
