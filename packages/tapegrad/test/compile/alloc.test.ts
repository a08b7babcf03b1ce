/**
 * "A compiled step allocates nothing" (issue 15, targets): a replay runs its kernels over the capture's
 * arena, so the bench's training step (784 -> 128 -> 10, batch 64) constructs no typed array at all
 * while replaying, apart from the copied-out results (made with slice(), not counted here). Counted by
 * wrapping the typed-array constructors the engine allocates with; the same counter sees an eager step
 * allocate, so a count of zero is not the counter missing them.
 */
import { compile, manualSeed, randn, randint, Tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { functional as F } from '@tapegrad/nn';
import { Adam, Optimizer, SGD } from '@tapegrad/optim';

const KINDS = ['Float32Array', 'Float64Array', 'Int32Array', 'Uint8Array', 'ArrayBuffer'] as const;

/** How many typed arrays (and ArrayBuffers) `fn` constructs. */
function constructions(fn: () => void): number {
  let n = 0;
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = KINDS.map((k) => g[k]);
  KINDS.forEach((k, i) => {
    g[k] = new Proxy(saved[i] as new (...a: unknown[]) => object, { construct(t, args, nt) { n++; return Reflect.construct(t, args, nt); } });
  });
  try { fn(); } finally { KINDS.forEach((k, i) => { g[k] = saved[i]; }); }
  return n;
}

describe('compile: a replayed training step allocates no buffers', () => {
  test.each([
    ['SGD with momentum', false, (p: Iterable<Tensor>) => new SGD(p, { lr: 0.05, momentum: 0.9 })],
    ['Adam', false, (p: Iterable<Tensor>) => new Adam(p, { lr: 1e-3 })],
    ['SGD with momentum, Dropout', true, (p: Iterable<Tensor>) => new SGD(p, { lr: 0.05, momentum: 0.9 })],
  ])('784 -> 128 -> 10, batch 64, %s', (_name, dropout, makeOpt: (p: Iterable<Tensor>) => Optimizer) => {
    manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), ...(dropout ? [new nn.Dropout(0.2)] : []), new nn.Linear(128, 10));
    const opt = makeOpt(model.parameters());
    const step = (x: Tensor, y: Tensor): Tensor => { opt.zeroGrad(); const l = F.crossEntropy(model.call(x) as Tensor, y); l.backward(); opt.step(); return l; };
    const compiled = compile(step);
    const x = randn([64, 784]), y = randint(0, 10, [64], { dtype: 'int32' });
    for (let i = 0; i < 3; i++) compiled(x, y);
    expect(constructions(() => { for (let i = 0; i < 5; i++) compiled(x, y); })).toBe(0);
    expect(compiled.stats()).toMatchObject({ replays: 6, fallbacks: [] });
    expect(constructions(() => step(x, y))).toBeGreaterThan(0);
  });
});
