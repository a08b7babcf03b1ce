/**
 * The device half of the fusion tests (issue 17): compiled webgpu steps with their elementwise chains fused
 * (webgpu/fuse.ts), against the eager steps and the unfused replays, bit for bit, with the dispatches of a
 * replay. Run in SwiftShader Chromium (fuse-page.ts, fuse.e2e.test.ts) and on Dawn in Node (fuse-run.ts,
 * fuse-node.test.ts); the expectations are fuse-expect.ts.
 */
import { Tensor, compile, tensor, webgpu, where } from '@tapegrad/core';
import { SGD } from '@tapegrad/optim';
import { setFusion } from '../../src/webgpu/fuse';
import { measure } from './structure';

/** One compiled function run eagerly, compiled with fusion and compiled without. */
export interface FuseRun {
  /** Each call's outputs as float32 bit patterns (so that NaN, −0 and every rounding compare exactly). */
  eager: number[][];
  fused: number[][];
  unfused: number[][];
  /** Dispatches of the last call (a replay) with and without fusion. */
  dispatchesFused: number;
  dispatchesUnfused: number;
  replays: number;
  fallbacks: string[];
}

export interface FuseReport {
  initError?: string;
  models: Record<'mlp' | 'cnn', FuseRun>;
  cases: Record<string, FuseRun>;
  deviceErrors: string[];
}

const bits = (a: ArrayLike<number>): number[] => Array.from(new Uint32Array(Float32Array.from(a).buffer));

async function outputs(r: Tensor | Tensor[]): Promise<number[]> {
  const out: number[] = [];
  for (const t of Array.isArray(r) ? r : [r]) out.push(...bits(await t.dataAsync()));
  return out;
}

/** `make()` builds fresh state and the step; `args(k)` the k-th call's arguments (uploaded outside the step). */
async function compare(make: () => (...a: Tensor[]) => Tensor | Tensor[], args: (k: number) => Tensor[], calls = 5, between?: (k: number) => void): Promise<FuseRun> {
  const runs: number[][][] = [];
  const counts: number[] = [];
  let replays = 0;
  let fallbacks: string[] = [];
  for (const mode of ['eager', 'fused', 'unfused'] as const) {
    const prev = setFusion(mode !== 'unfused');
    try {
      const f = make();
      const step = mode === 'eager' ? f : compile(f);
      const vals: number[][] = [];
      let d = 0;
      for (let k = 0; k < calls; k++) {
        between?.(k);
        const a = args(k);
        await webgpu.sync();
        const before = webgpu.counters().dispatches;
        const r = step(...a);
        d = webgpu.counters().dispatches - before;
        vals.push(await outputs(r));
      }
      runs.push(vals);
      counts.push(d);
      if (mode === 'fused') {
        const st = (step as ReturnType<typeof compile>).stats();
        replays = st.replays;
        fallbacks = st.fallbacks.map((b) => b.reason);
      }
    } finally {
      setFusion(prev);
    }
  }
  return { eager: runs[0], fused: runs[1], unfused: runs[2], dispatchesFused: counts[1], dispatchesUnfused: counts[2], replays, fallbacks };
}

/** Values with every rounding case nearby: signs, tiny and large magnitudes, exact zeros. */
function values(n: number, k: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const t = Math.sin((i + 1) * 12.9898 + k * 78.233 + seed) * 43758.5453;
    const u = t - Math.floor(t);
    return i % 17 === 0 ? 0 : (u - 0.5) * 2 ** ((i % 9) - 3);
  });
}
const dev = (n: number, k: number, seed: number, shape?: number[]): Tensor => {
  const t = tensor(values(n, k, seed), { device: 'webgpu' });
  return shape ? t.reshape(shape) : t;
};

async function models(): Promise<Record<'mlp' | 'cnn', FuseRun>> {
  const out = {} as Record<'mlp' | 'cnn', FuseRun>;
  for (const which of ['mlp', 'cnn'] as const) {
    const e = await measure(which, 'eager');
    const c = await measure(which, 'compiled');
    const prev = setFusion(false);
    let u;
    try { u = await measure(which, 'compiled'); } finally { setFusion(prev); }
    const last = (r: typeof e): number => r.collected.dispatches;
    out[which] = {
      eager: [bits(Float32Array.from(e.losses)), bits(Float32Array.from(e.params))],
      fused: [bits(Float32Array.from(c.losses)), bits(Float32Array.from(c.params))],
      unfused: [bits(Float32Array.from(u.losses)), bits(Float32Array.from(u.params))],
      dispatchesFused: last(c), dispatchesUnfused: last(u), replays: c.replays ?? 0, fallbacks: c.fallbacks ?? [],
    };
    // the eager step's count rides along in the unfused replay's (the same dispatches), checked by the expectations
    if (last(u) !== last(e)) out[which].fallbacks.push(`unfused replay made ${last(u)} dispatches, eager ${last(e)}`);
  }
  return out;
}

async function cases(): Promise<Record<string, FuseRun>> {
  const out: Record<string, FuseRun> = {};
  const n = 300; // beyond one workgroup (64) and not a multiple of it
  // exp's result is returned: it stays a kernel of its own (and stored); the rest fuses
  out['intermediate returned'] = await compare(() => (x) => { const y = x.exp(); return [y, y.mul(2).add(1)]; }, (k) => [dev(n, k, 1)]);
  out['chain'] = await compare(() => (x) => x.exp().mul(2).add(1), (k) => [dev(n, k, 1)]);
  // products flowing into sums: an fma contraction across the fused ops would change the rounding
  out['mul add'] = await compare(() => (a, b, c) => a.mul(b).add(c).mul(a).sub(b), (k) => [dev(n, k, 2), dev(n, k, 3), dev(n, k, 4)]);
  // a host scalar in the closure whose value changes between calls: the fused slot takes each call's value
  const s = tensor(1.5);
  out['live scalar'] = await compare(() => (x) => x.mul(s).add(0.25).neg(), () => [dev(n, 0, 5)], 5, (k) => { s.fill_(1.5 + k); });
  // a bool intermediate converted and multiplied, and a division
  out['bool and div'] = await compare(() => (x) => x.gt(0).float().mul(x).div(x.abs().add(1)), (k) => [dev(n, k, 6)]);
  // a broadcast bias, relu, then a product with the input (two reads of x, one load)
  const b = dev(6, 0, 7);
  out['bias relu'] = await compare(() => (x) => x.add(b).relu().mul(x), (k) => [dev(50 * 6, k, 8, [50, 6])]);
  // a transpose of the intermediate: not element for element, so the chain is cut there
  out['transposed read'] = await compare(() => (x) => x.exp().t().neg(), (k) => [dev(20 * 15, k, 9, [20, 15])]);
  // the functions of MATH (sigmoid, tanh, erf) in one chain
  out['math'] = await compare(() => (x) => x.sigmoid().mul(x.tanh()).add(x.erf()), (k) => [dev(n, k, 10)]);
  // where's three operands (a bool condition) over two computed branches
  out['where'] = await compare(() => (x) => where(x.gt(0), x.exp(), x.neg()).mul(2), (k) => [dev(n, k, 13)]);
  // a training step: tanh's output is saved for its backward (stored), the leaf and its grad are the caller's
  out['training'] = await compare(() => {
    const w = tensor(values(n, 0, 11), { device: 'webgpu', requiresGrad: true });
    const opt = new SGD([w], { lr: 0.05, momentum: 0.5 });
    return (x) => {
      opt.zeroGrad();
      const loss = x.mul(w).add(0.5).tanh().mul(x).sum();
      loss.backward();
      opt.step();
      return [loss.detach(), w.detach()];
    };
  }, (k) => [dev(n, k, 12)]);
  return out;
}

export async function fuseChecks(): Promise<FuseReport> {
  try {
    await webgpu.init();
  } catch (e) {
    return { initError: String((e as Error).message), models: {} as FuseReport['models'], cases: {}, deviceErrors: [] };
  }
  const m = await models();
  const c = await cases();
  await webgpu.sync();
  return { models: m, cases: c, deviceErrors: webgpu.info().errors };
}
