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
  });  it('multiLabelSoftMarginLoss: a weight that does not broadcast is named', () => {
    expect(() => F.multiLabelSoftMarginLoss(x, x, { weight: tensor([1, 2], f64) })).toThrow("multiLabelSoftMarginLoss: weight of shape [2] does not broadcast to the input's shape [2, 3]");
  });
});

describe('loss module constructors take PyTorch 1.13\'s positional parameters', () => {
  const f64 = { dtype: 'float64' as const };
  it('PoissonNLLLoss(logInput, full): torch.nn.PoissonNLLLoss(False, True)(x, t)', () => {
    const x = tensor([[0.5, 1.2], [2.0, 0.3]], f64), t = tensor([[1, 2], [3, 0]], f64);
    const m = new PoissonNLLLoss(false, true);
    expect([m.logInput, m.full]).toEqual([false, true]);
    expect(Math.abs((m.call(x, t) as Tensor).item() - 1.1662376254432816)).toBeLessThan(1e-14);
    // torch.nn.PoissonNLLLoss(False, True, eps=0.1, reduction='sum')(x, t)
    expect(Math.abs((new PoissonNLLLoss(false, true, { eps: 0.1, reduction: 'sum' }).call(x, t) as Tensor).item() - 4.17617308879047)).toBeLessThan(1e-14);
    expect(() => new PoissonNLLLoss('yes' as never)).toThrow('PoissonNLLLoss: argument 1 (logInput) must be a boolean');
  });
  it('every loss with only deprecated positionals after its options says so for a second argument', () => {
    for (const [name, C] of [['KLDivLoss', KLDivLoss], ['GaussianNLLLoss', GaussianNLLLoss], ['SoftMarginLoss', SoftMarginLoss], ['MultiLabelSoftMarginLoss', MultiLabelSoftMarginLoss]] as const) {
      expect(() => new (C as unknown as new (...a: unknown[]) => unknown)({}, null, 'sum')).toThrow(`${name}: takes one options object`);
    }
  });
});

describe('tripletMarginLoss on [B, N, D] inputs, as PyTorch 1.13 (2.x allows only 1D/2D)', () => {
  it("PyTorch's value and gradients (distance over the last dim, swap)", () => {
    // torch 1.13: a, p, n as below reshaped to [2, 2, 3]; F.triplet_margin_loss(a, p, n, margin=0.5, swap=True).backward()
    const f64 = { dtype: 'float64' as const };
    const mk = (v: number[]) => tensor(v, f64).reshape([2, 2, 3]).requiresGrad_(true);
    const a = mk([1.5, -0.3, -2.2, 0.6, -1.1, -1.4, 0.4, 0.8, -0.7, -0.4, -0.6, 0.2]);
    const p = mk([-0.9, 1.1, -1.1, 0.1, -0.6, 0.4, -0.9, -1.5, 0.4, 1.5, 0.9, 0.8]);
    const n = mk([0.2, 1.3, -1.3, -0.8, 0, -0.7, 0.5, -1.3, 0.2, 0.5, -2.2, 0.3]);
    const l = F.tripletMarginLoss(a, p, n, { margin: 0.5, swap: true });
    expect(Math.abs(l.item() - 1.5831895198331791)).toBeLessThan(1e-14);
    l.backward();
    const want = (got: Tensor, w: number[]) => Array.from(got.dataSync()).forEach((v, i) => expect(Math.abs(v - w[i])).toBeLessThan(1e-14));
    want(a.grad!, [0.20078243033075632, -0.11712295189903194, -0.09202515856510128, 0.06463612162957529, -0.06463586308560587, -0.23268944321534132, 0.11356424333640874, 0.2009212863974593, -0.09609266001011255, -0.06807396216649111, -0.36793271230836694, -0.046546389985013]);
    want(n.grad!, [-0.24212398558893977, -0.04402236274196826, 0.04402280296779681, 0.14584591405838704, -0.09723033928753208, 0.17825608117117625, -0.24504900784065647, -0.035006851089981805, 0.03500720116024307, -0.12238370826755043, 0.21757141464800403, -0.013598068934573009]);
    expect(() => F.tripletMarginLoss(tensor(1, f64), tensor(1, f64), tensor(1, f64))).toThrow('tripletMarginLoss: expected inputs with a feature dim ([D], [N, D], ...), got 0-d tensors');
  });
});
