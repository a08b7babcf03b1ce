/**
 * "A compiled step allocates nothing" (issue 15, targets): a replay runs its kernels over the capture's
 * arena, so a training step (the bench's 784 -> 128 -> 10 MLP, a LeNet-style CNN, LSTMs, a GRU, a
 * Transformer encoder layer, an LSTM language model) constructs no typed array at all while replaying,
 * apart from the copied-out results (made with slice(), not counted here), and takes nothing from the
 * engine's pool. Counted by wrapping the typed-array constructors the engine allocates with; the same
 * counter sees an eager step allocate, so a count of zero is not the counter missing them.
 */
import { compile, getDefaultDtype, kernelBackend, manualSeed, randn, randint, setDefaultDtype, setKernelBackend, Tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { functional as F } from '@tapegrad/nn';
import { Adam, AdamW, Optimizer, SGD } from '@tapegrad/optim';
import { _poolStats } from '../../../core/src/pool';

const KINDS = ['Float32Array', 'Float64Array', 'Int32Array', 'Uint8Array', 'ArrayBuffer', 'SharedArrayBuffer'] as const;

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

type Loss = (out: Tensor, y: Tensor) => Tensor;
const sgd = (p: Iterable<Tensor>): Optimizer => new SGD(p, { lr: 0.01, momentum: 0.9 });
const ce: Loss = (o, y) => F.crossEntropy(o, y);
const classes = (n: number, k = 10): Tensor => randint(0, k, [n], { dtype: 'int32' });

/**
 * A model's step compiled and run 3 times (trace, capture, first replay), then 5 replays counted; they
 * must construct no array and take no buffer from the pool (a pool hit would hide an allocation from the
 * constructor count). The replays' results equal an eager twin's, bit for bit, from the same seed.
 */
function expectNoAllocation(make: () => { model: nn.Module; forward: (x: Tensor) => Tensor }, x: Tensor, y: Tensor, loss: Loss = ce, makeOpt = sgd): void {
  const run = (compiled: boolean): { losses: number[]; params: Float64Array[]; replayed: number; taken: number; stats: unknown } => {
    manualSeed(0);
    const { model, forward } = make();
    const opt = makeOpt(model.parameters());
    const step = (a: Tensor, b: Tensor): Tensor => { opt.zeroGrad(); const l = loss(forward(a), b); l.backward(); opt.step(); return l; };
    const fn = compiled ? compile(step, { modules: [model] }) : step;
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) losses.push(fn(x, y).item());
    const taken = _poolStats().taken;
    let out: Tensor[] = [];
    const replayed = constructions(() => { out = Array.from({ length: 5 }, () => fn(x, y)); });
    const took = _poolStats().taken - taken;
    losses.push(...out.map((l) => l.item()));
    const stats = compiled ? (fn as ReturnType<typeof compile>).stats() : null;
    return { losses, params: [...model.parameters()].map((p) => Float64Array.from(p.dataSync())), replayed, taken: took, stats };
  };
  const c = run(true), e = run(false);
  expect(c.stats).toMatchObject({ replays: 6, fallbacks: [] });
  expect(c.replayed).toBe(0);
  expect(c.taken).toBe(0);
  expect(e.replayed).toBeGreaterThan(0); // the counter does see this model's eager steps allocate
  c.losses.forEach((v, i) => expect(Object.is(v, e.losses[i])).toBe(true));
  c.params.forEach((p, i) => expect(Buffer.from(p.buffer).equals(Buffer.from(e.params[i].buffer))).toBe(true));
  expect(c.losses[7]).not.toBe(c.losses[0]); // it trained
}

// BatchNorm2d on the second conv only: its eager statistics over [0, 2, 3] are slow on the first one's
// 32 x 6 x 24 x 24 output (~80 ms a step here), and the replay's kernels are the same either way.
const lenet = (norm: boolean) => (): { model: nn.Module; forward: (x: Tensor) => Tensor } => {
  const model = norm
    ? new nn.Sequential(new nn.Conv2d(1, 6, 5), new nn.ReLU(), new nn.AvgPool2d(2), new nn.Conv2d(6, 16, 5), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(256, 120), new nn.ReLU(), new nn.Linear(120, 10))
    : new nn.Sequential(new nn.Conv2d(1, 6, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(256, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10));
  return { model, forward: (x) => model.call(x) as Tensor };
};

/** An RNN and a Linear on its last output (time dim `tDim` of the output). */
const recurrent = (rnn: () => nn.LSTM | nn.GRU, features: number, tDim: number) => (): { model: nn.Module; forward: (x: Tensor) => Tensor } => {
  const r = rnn(), head = new nn.Linear(features, 10);
  return { model: new nn.ModuleList([r, head]), forward: (x) => head.call(r.call(x)[0].select(tDim, -1)) as Tensor };
};

const encoder = (dropout: number) => (): { model: nn.Module; forward: (x: Tensor) => Tensor } => {
  const model = new nn.TransformerEncoderLayer(64, 4, { dimFeedforward: 128, dropout, batchFirst: true });
  return { model, forward: (x) => model.call(x) as Tensor };
};

describe('compile: replays of CNN, RNN and Transformer steps allocate no buffers, and equal eager', () => {
  test('LeNet-style CNN (Conv2d, ReLU, MaxPool2d, Linear), batch 32, 28x28, SGD with momentum', () => {
    expectNoAllocation(lenet(false), randn([32, 1, 28, 28]), classes(32));
  });

  test('the CNN with AvgPool2d after the first conv and BatchNorm2d after the second', () => {
    expectNoAllocation(lenet(true), randn([32, 1, 28, 28]), classes(32));
  });

  test.each([
    ['batchFirst', true, [16, 32, 32], 1],
    ['sequence first', false, [32, 16, 32], 0],
  ])('LSTM(32, 128), %s, seq 32, batch 16, Linear on the last output, SGD', (_name, batchFirst, shape, tDim) => {
    expectNoAllocation(recurrent(() => new nn.LSTM(32, 128, { batchFirst }), 128, tDim), randn(shape), classes(16));
  });

  test('GRU(32, 64), bidirectional, 2 layers, seq 16, batch 16, Adam', () => {
    const adam = (p: Iterable<Tensor>): Optimizer => new Adam(p, { lr: 1e-3 });
    expectNoAllocation(recurrent(() => new nn.GRU(32, 64, { numLayers: 2, bidirectional: true }), 128, 0), randn([16, 16, 32]), classes(16), ce, adam);
  });

  test.each([
    ['dropout 0', 0],
    ['dropout 0.1', 0.1],
  ])('TransformerEncoderLayer(64, 4), batchFirst, seq 64, batch 16, mseLoss, AdamW, %s', (_name, dropout) => {
    const adamw = (p: Iterable<Tensor>): Optimizer => new AdamW(p, { lr: 1e-3 });
    expectNoAllocation(encoder(dropout), randn([16, 64, 64]), randn([16, 64, 64]), (o, y) => F.mseLoss(o, y), adamw);
  });

  test('Embedding + LSTM language model, crossEntropy over every position, SGD', () => {
    const lm = (): { model: nn.Module; forward: (x: Tensor) => Tensor } => {
      const emb = new nn.Embedding(100, 32), lstm = new nn.LSTM(32, 64, { batchFirst: true }), head = new nn.Linear(64, 100);
      return { model: new nn.ModuleList([emb, lstm, head]), forward: (x) => (head.call(lstm.call(emb.call(x) as Tensor)[0]) as Tensor).reshape([-1, 100]) };
    };
    expectNoAllocation(lm, randint(0, 100, [8, 16], { dtype: 'int32' }), classes(8 * 16, 100));
  });
});

describe('compile: replays allocate nothing in float64 and on the js backend too (their JS fallbacks)', () => {
  const masked = (): { model: nn.Module; forward: (x: Tensor) => Tensor } => {
    const model = new nn.TransformerEncoderLayer(32, 4, { dimFeedforward: 64, dropout: 0.1, batchFirst: true });
    const mask = nn.Transformer.generateSquareSubsequentMask(16);
    return { model, forward: (x) => model.call(x, { srcMask: mask }) as Tensor };
  };
  const lm = (): { model: nn.Module; forward: (x: Tensor) => Tensor } => {
    const emb = new nn.Embedding(50, 16), lstm = new nn.LSTM(16, 32, { batchFirst: true }), head = new nn.Linear(32, 50);
    return { model: new nn.ModuleList([emb, lstm, head]), forward: (x) => (head.call(lstm.call(emb.call(x) as Tensor)[0]) as Tensor).reshape([-1, 50]) };
  };
  const adamw = (p: Iterable<Tensor>): Optimizer => new AdamW(p, { lr: 1e-3 });

  test.each([
    ['float32, WebAssembly', 'float32', 'auto'],
    ['float64', 'float64', 'auto'],
    ['float32, js backend', 'float32', 'js'],
  ] as const)('TransformerEncoderLayer with a causal srcMask, and an Embedding+LSTM model: %s', (_name, dtype, backend) => {
    const dtypeBefore = getDefaultDtype(), backendBefore = kernelBackend();
    setDefaultDtype(dtype);
    setKernelBackend(backend);
    try {
      expectNoAllocation(masked, randn([4, 16, 32]), randn([4, 16, 32]), (o, y) => F.mseLoss(o, y), adamw);
      expectNoAllocation(lm, randint(0, 50, [4, 12], { dtype: 'int32' }), classes(4 * 12, 50));
    } finally {
      setDefaultDtype(dtypeBefore);
      setKernelBackend('auto');
    }
    expect(kernelBackend()).toBe(backendBefore);
  });
});
