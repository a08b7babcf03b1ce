/**
 * The losses of issue 14 against PyTorch 1.13 (../fixtures/torch-losses-issue14.json, written by
 * ../fixtures/torch-losses-issue14.py): value and the gradient of every input that requires grad, per
 * reduction and option set — plus crossEntropy on [N, C, d1, d2] with class weights, ignoreIndex and
 * label smoothing together. Also their modules, errors and float32.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, tensor } from '@tapegrad/core';
import {
  F, KLDivLoss, PoissonNLLLoss, GaussianNLLLoss, CosineEmbeddingLoss, MarginRankingLoss, HingeEmbeddingLoss, TripletMarginLoss,
  MultiLabelSoftMarginLoss, MultiMarginLoss, SoftMarginLoss,
} from '@tapegrad/nn';

interface T { shape: number[]; data: number[] }
interface LossCase {
  fn: string; options: Record<string, unknown>; inputs: (T & { int: boolean; requiresGrad: boolean })[];
  kwTensors: Record<string, T>; output: T; upstream: number[]; grads: (number[] | null)[];
}
const ref = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'torch-losses-issue14.json'), 'utf8')) as { cases: LossCase[] };

type AnyLoss = (...args: unknown[]) => Tensor;
const fns = F as unknown as Record<string, AnyLoss>;

function close(actual: ArrayLike<number>, expected: number[], rel: number, what: string): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1, ...expected.map(Math.abs));
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= rel * scale)) throw new Error(`${what}[${i}] = ${actual[i]}, PyTorch ${expected[i]}`);
  }
}

function run(c: LossCase, dtype: 'float64' | 'float32') {
  const xs = c.inputs.map((x) => (x.int
    ? tensor(x.data, { dtype: 'int32' }).reshape(x.shape)
    : tensor(x.data, { dtype }).reshape(x.shape).detach().requiresGrad_(x.requiresGrad)));
  const opts: Record<string, unknown> = { ...c.options };
  for (const [k, v] of Object.entries(c.kwTensors)) opts[k] = tensor(v.data, { dtype }).reshape(v.shape);
  const out = fns[c.fn](...xs, opts);
  out.mul(tensor(c.upstream, { dtype }).reshape(c.output.shape)).sum().backward();
  return { xs, out };
}

describe('issue 14 losses against PyTorch 1.13', () => {
  it('covers every new loss and the combined crossEntropy', () => {
    const names = new Set(ref.cases.map((c) => c.fn));
    for (const n of ['klDiv', 'poissonNllLoss', 'gaussianNllLoss', 'cosineEmbeddingLoss', 'marginRankingLoss', 'hingeEmbeddingLoss',
      'tripletMarginLoss', 'multiLabelSoftMarginLoss', 'multiMarginLoss', 'softMarginLoss', 'crossEntropy']) expect([n, names.has(n)]).toEqual([n, true]);
  });
  for (const dtype of ['float64', 'float32'] as const) {
    ref.cases.forEach((c, k) => {
      it(`${dtype} #${k} ${c.fn} ${JSON.stringify(c.options)}${Object.keys(c.kwTensors).length ? ' + ' + Object.keys(c.kwTensors).join(', ') : ''}`, () => {
        const rel = dtype === 'float64' ? 1e-12 : 2e-5;
        const { xs, out } = run(c, dtype);
        expect(out.shape).toEqual(c.output.shape);
        close(out.dataSync(), c.output.data, rel, 'output');
        c.grads.forEach((g, i) => {
          if (g === null) return;
          close(xs[i].grad!.dataSync(), g, rel, `grad of input ${i}`);
        });
      });
    });
  }
});

describe('loss modules equal their functions', () => {
  const f64 = { dtype: 'float64' as const };
  const a = tensor([[0.3, -1.2, 2.5], [0.1, 0.8, -0.4]], f64), b = tensor([[0.1, -0.2, 0.5], [1.5, 0.8, 0.3]], f64);
  const y = tensor([1, -1], f64), y23 = tensor([[1, -1, 1], [-1, -1, 1]], f64);
  const eq = (m: Tensor, f: Tensor) => expect(Array.from(m.dataSync())).toEqual(Array.from(f.dataSync()));
  it('two- and three-input modules', () => {
    eq(new KLDivLoss({ reduction: 'batchmean' }).call(a.logSoftmax(1), b.softmax(1)) as Tensor, F.klDiv(a.logSoftmax(1), b.softmax(1), { reduction: 'batchmean' }));
    eq(new PoissonNLLLoss({ full: true }).call(a, b.abs()) as Tensor, F.poissonNllLoss(a, b.abs(), { full: true }));
    eq(new GaussianNLLLoss({ reduction: 'sum' }).call(a, b, b.abs()) as Tensor, F.gaussianNllLoss(a, b, b.abs(), { reduction: 'sum' }));
    eq(new CosineEmbeddingLoss({ margin: 0.2 }).call(a, b, y) as Tensor, F.cosineEmbeddingLoss(a, b, y, { margin: 0.2 }));
    eq(new MarginRankingLoss({ margin: 0.2 }).call(a, b, y23) as Tensor, F.marginRankingLoss(a, b, y23, { margin: 0.2 }));
    eq(new HingeEmbeddingLoss({ reduction: 'none' }).call(a, y23) as Tensor, F.hingeEmbeddingLoss(a, y23, { reduction: 'none' }));
    eq(new TripletMarginLoss({ swap: true }).call(a, b, b.neg()) as Tensor, F.tripletMarginLoss(a, b, b.neg(), { swap: true }));
    eq(new SoftMarginLoss().call(a, y23) as Tensor, F.softMarginLoss(a, y23));
    const w = tensor([1, 2, 0.5], f64);
    const ml = new MultiLabelSoftMarginLoss(w);
    expect([...ml.namedBuffers()].map(([n]) => n)).toEqual(['weight']);
    eq(ml.call(a, y23.gt(0).to('float64')) as Tensor, F.multiLabelSoftMarginLoss(a, y23.gt(0).to('float64'), { weight: w }));
    const t = tensor([2, 0], { dtype: 'int32' });
    eq(new MultiMarginLoss({ p: 2, weight: w }).call(a, t) as Tensor, F.multiMarginLoss(a, t, { p: 2, weight: w }));
  });
});

describe('errors name the loss and what was expected', () => {
  const f64 = { dtype: 'float64' as const };
  const x = tensor([[0.3, -1.2, 2.5], [0.1, 0.8, -0.4]], f64);
  it('klDiv: reduction, shapes', () => {
    expect(() => F.klDiv(x, x, { reduction: 'batchsum' as 'sum' })).toThrow("klDiv: 'batchsum' is not a valid value for reduction");
    expect(() => F.klDiv(x, x.sum(1))).toThrow('klDiv: shapes [2, 3] and [2] cannot be broadcast together');
    expect(() => new KLDivLoss({ log_target: true } as never)).toThrow("KLDivLoss: unknown option 'log_target'");
  });
  it('gaussianNllLoss: var of the wrong size or negative', () => {
    expect(() => F.gaussianNllLoss(x, x, tensor([1, 2, 3], f64))).toThrow('gaussianNllLoss: var is of incorrect size: [3] for input of shape [2, 3]');
    expect(() => F.gaussianNllLoss(x, x, x)).toThrow('gaussianNllLoss: var has negative entry/entries');
  });
  it('cosineEmbeddingLoss, marginRankingLoss, tripletMarginLoss: dims', () => {
    expect(() => F.cosineEmbeddingLoss(x, x, tensor([[1]], f64))).toThrow('cosineEmbeddingLoss: 0D or 1D target tensor expected, multi-target not supported');
    expect(() => F.cosineEmbeddingLoss(x.sum(1), x.sum(1), tensor([1, 1], f64))).toThrow('cosineEmbeddingLoss: 1D target tensor expects 2D input tensors, but found inputs with sizes [2] and [2]');
    expect(() => F.marginRankingLoss(x, x.sum(1), x)).toThrow('marginRankingLoss: All input tensors should have same dimension but got sizes: input1: [2, 3], input2: [2], target: [2, 3]');
    expect(() => F.tripletMarginLoss(x, x, x.sum(1))).toThrow('tripletMarginLoss: The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor 2D, positive 2D, and negative 1D inputs');
  });
  it('multiMarginLoss: p, target range and dtype, weight shape', () => {
    const t = tensor([2, 0], { dtype: 'int32' });
    expect(() => F.multiMarginLoss(x, t, { p: 3 })).toThrow('multiMarginLoss: only p == 1 and p == 2 supported, got 3');
    expect(() => F.multiMarginLoss(x, tensor([3, 0], { dtype: 'int32' }))).toThrow('multiMarginLoss: target 3 (at position 0) is out of range for 3 classes');
    expect(() => F.multiMarginLoss(x, tensor([1, 0], f64))).toThrow('multiMarginLoss: expected int32 class indices as target, got float64');
    expect(() => F.multiMarginLoss(x, t, { weight: tensor([1, 2], f64) })).toThrow('multiMarginLoss: weight must be one-dimensional with 3 entries (one per class), got shape [2]');
  });
});
