/**
 * compile(fn) with gradient clipping inside the step (issue 15 §3): `clipGradNorm_` reads the grads'
 * values, scales them when the norm says so and returns the norm; as one kernel it does all of that again
 * on every replay, so the step replays, equal to eager mode bit for bit, whether clipping bites or not,
 * and a non-finite norm with `errorIfNonfinite` throws on a replay as it does eagerly.
 */
import { compile, defaultGenerator, manualSeed, randn, randint, tensor, Tensor } from '@tapegrad/core';
import type { CompileStats } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { functional as F } from '@tapegrad/nn';
import { Adam, SGD } from '@tapegrad/optim';

type Batch = [Tensor, Tensor];
const bits = (t: Tensor | null): string => (t === null ? 'null' : Buffer.from(Float64Array.from(t.dataSync() as ArrayLike<number>).buffer).toString('hex'));

function batches(n: number): Batch[] {
  manualSeed(100);
  // every third batch is scaled up so that its gradient norm passes maxNorm, the others stay below it
  return Array.from({ length: n }, (_, i) => [randn([8, 20]).mul(i % 3 === 0 ? 20 : 0.05), randint(0, 5, [8], { dtype: 'int32' })]);
}

/** Trains an MLP on `data` eagerly and compiled from seed 0 with `step`; every result, parameter and grad must agree. */
function same(step: (m: nn.Module, opt: SGD | Adam, x: Tensor, y: Tensor) => unknown, data: Batch[], adam = false): CompileStats {
  const logs: string[][] = [];
  let stats: CompileStats | null = null;
  for (const compiled of [false, true]) {
    manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(20, 16), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(16, 5));
    const opt = adam ? new Adam(model.parameters(), { lr: 0.01 }) : new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const f = (x: Tensor, y: Tensor) => step(model, opt, x, y);
    const run = compiled ? compile(f) : f;
    logs.push(data.map(([x, y]) => {
      let out: string;
      try { out = (run(x, y) as Tensor[]).map(bits).join(' '); } catch (e) { out = `threw ${(e as Error).message}`; }
      const ps = [...model.parameters()];
      return [out, ...ps.map(bits), ...ps.map((p) => bits(p._peekGrad())), defaultGenerator.getState().join()].join(' ');
    }));
    if (compiled) stats = (run as ReturnType<typeof compile>).stats();
  }
  expect(logs[1]).toEqual(logs[0]);
  return stats as CompileStats;
}

describe('compile: clipGradNorm_ inside the step', () => {
  test.each([[2], [1], ['inf' as const]])('norm type %s: the step replays, equal to eager, clipping on some steps only', (normType) => {
    const data = batches(12);
    const st = same((m, opt, x, y) => {
      opt.zeroGrad();
      const l = F.crossEntropy(m.call(x) as Tensor, y);
      l.backward();
      const norm = nn.utils.clipGradNorm_(m.parameters(), 1.0, normType);
      opt.step();
      return [l, norm];
    }, data, normType === 1);
    expect(st).toMatchObject({ replays: 10, fallbacks: [] });
  });

  test('with gradient accumulation (two backwards per call, clipped once)', () => {
    const st = same((m, opt, x, y) => {
      opt.zeroGrad();
      const ls = [0, 4].map((h) => { const l = F.crossEntropy(m.call(x.narrow(0, h, 4)) as Tensor, y.narrow(0, h, 4)).div(2); l.backward(); return l; });
      const norm = nn.utils.clipGradNorm_(m.parameters(), { maxNorm: 0.5 });
      opt.step();
      return [...ls, norm];
    }, batches(12));
    expect(st).toMatchObject({ replays: 10, fallbacks: [] });
  });

  test('errorIfNonfinite: a replay whose norm is not finite throws as eager mode does, and the next call is right again', () => {
    const data = batches(8);
    data[5] = [tensor(Array.from({ length: 160 }, () => NaN)).reshape([8, 20]), data[5][1]];
    const st = same((m, opt, x, y) => {
      opt.zeroGrad();
      const l = F.crossEntropy(m.call(x) as Tensor, y);
      l.backward();
      nn.utils.clipGradNorm_(m.parameters(), 1.0, { errorIfNonfinite: true });
      opt.step();
      return [l];
    }, data);
    expect(st.replays).toBe(6);
  });
});
