/** Loss functions against PyTorch 1.13 values and gradients (see loss.ref.ts for the script). */
import { tensor, Tensor, onesLike, ones, randn, Generator } from '@tapegrad/core';
import { F } from '@tapegrad/nn';
import { REF } from './loss.ref';
import { expectClose } from '../helpers';

const f64 = { dtype: 'float64' as const };
const X = [[0.2, -1.3, 0.7, 2.1], [1.5, 0.3, -0.4, -2.2], [-0.6, 0.9, 1.1, 0.05]];
const T = [3, 0, 1];
const W = [0.5, 2.0, 1.0, 1.5];
const P = [[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [0.7, 0.1, 0.1, 0.1]];
const X3 = [[[0.1, -0.5], [1.2, 0.3], [-0.7, 0.8]], [[0.4, 0.0], [-1.1, 2.0], [0.6, -0.3]]];
const T3 = [[2, 0], [1, -100]];
const A = [[0.3, -1.2, 2.5], [0.0, 0.8, -0.4]];
const B = [[0.1, -0.2, 0.5], [1.5, 0.8, 0.3]];
const PR = [[0.3, 0.9, 0.05], [0.6, 0.5, 0.99]];
const TB = [[0.0, 1.0, 0.2], [1.0, 0.0, 1.0]];

const idx = (v: number[] | number[][] | number): Tensor => tensor(v, { dtype: 'int32' });
const t64 = (v: number[] | number[][] | number[][][]): Tensor => tensor(v, f64);

/** Runs fn on a fresh leaf built from `data`, backprops ones, and compares with REF[name]. */
function check(name: string, data: number[] | number[][] | number[][][], fn: (x: Tensor) => Tensor, opts: { grad?: boolean } = {}): void {
  const ref = REF[name];
  if (!ref) throw new Error(`no reference '${name}'`);
  const x = tensor(data, { dtype: 'float64', requiresGrad: true });
  const out = fn(x);
  expectClose(out, ref.out, 1e-12);
  if (opts.grad === false) return;
  out.backward(onesLike(out));
  expectClose(x.grad, ref.grad, 1e-12);
}

const reductions = ['mean', 'sum', 'none'] as const;

describe('crossEntropy with class indices vs PyTorch', () => {
  for (const r of reductions) {
    it(`plain, reduction ${r}`, () => check(`ce_${r}`, X, (x) => F.crossEntropy(x, idx(T), { reduction: r })));
    it(`class weights (mean divides by the sum of target weights), ${r}`, () =>
      check(`ce_w_${r}`, X, (x) => F.crossEntropy(x, idx(T), { weight: t64(W), reduction: r })));
    it(`weights + ignored target (-100), ${r}`, () =>
      check(`ce_w_ign_${r}`, X, (x) => F.crossEntropy(x, idx([3, -100, 1]), { weight: t64(W), reduction: r })));
    it(`ignoreIndex = 1, ${r}`, () => check(`ce_ign1_${r}`, X, (x) => F.crossEntropy(x, idx(T), { ignoreIndex: 1, reduction: r })));
    it(`labelSmoothing 0.2, ${r}`, () => check(`ce_ls_${r}`, X, (x) => F.crossEntropy(x, idx(T), { labelSmoothing: 0.2, reduction: r })));
    it(`labelSmoothing + weight + ignored, ${r}`, () =>
      check(`ce_ls_w_ign_${r}`, X, (x) => F.crossEntropy(x, idx([3, -100, 1]), { weight: t64(W), labelSmoothing: 0.2, reduction: r })));
    it(`[N, C, d] input with weights and an ignored position, ${r}`, () =>
      check(`ce_3d_${r}`, X3, (x) => F.crossEntropy(x, idx(T3), { weight: t64([1, 2, 0.5]), reduction: r })));
    it(`[N, C, d] input with label smoothing, ${r}`, () =>
      check(`ce_3d_ls_${r}`, X3, (x) => F.crossEntropy(x, idx(T3), { labelSmoothing: 0.1, reduction: r })));
    it(`nllLoss with weights and ignored target, ${r}`, () =>
      check(`nll_w_ign_${r}`, X, (x) => F.nllLoss(x, idx([3, -100, 1]), { weight: t64(W), reduction: r })));
  }
  it('1-D input [C] with a 0-d target', () => {
    check('ce_1d', X[0], (x) => F.crossEntropy(x, idx(2)));
    check('ce_1d_none', X[0], (x) => F.crossEntropy(x, idx(2), { reduction: 'none', labelSmoothing: 0.1 }));
    expect(F.crossEntropy(t64(X[0]), idx(2), { reduction: 'none' }).shape).toEqual([]);
  });
  it('unbatched [C]: nllLoss with a 0-d target and crossEntropy with [C] probabilities (torch 1.13 values)', () => {
    // x = torch.tensor([0.1, -0.5, 2.0], dtype=float64, requires_grad=True); t = torch.tensor(2); loss.backward()
    const run = (f: (x: Tensor) => Tensor): [number[], number, number[]] => {
      const x = tensor([0.1, -0.5, 2.0], { ...f64, requiresGrad: true });
      const l = f(x);
      l.backward();
      return [l.shape, l.item(), x.grad!.tolist() as number[]];
    };
    const close = ([shape, v, g]: [number[], number, number[]], want: number, wantGrad: number[]) => {
      expect(shape).toEqual([]);
      expect(v).toBeCloseTo(want, 12);
      wantGrad.forEach((w, i) => expect(g[i]).toBeCloseTo(w, 12));
    };
    const lsGrad = [0.12143724262682397, 0.0666461718087745, -0.1880834144355985];
    close(run((x) => F.nllLoss(x.logSoftmax(0), idx(2))), 0.2083576712346894, lsGrad); // F.nll_loss(x.log_softmax(0), t)
    close(run((x) => F.nllLoss(x, idx(2), { reduction: 'none' })), -2.0, [0, 0, -1]);
    close(run((x) => F.crossEntropy(x, idx(2), { weight: t64([1, 2, 3]) })), 0.2083576712346894, lsGrad); // weight cancels in the mean
    // F.cross_entropy(x, torch.tensor([0.2, 0.3, 0.5], dtype=float64))
    close(run((x) => F.crossEntropy(x, t64([0.2, 0.3, 0.5]))), 1.3383576712346894,
      [-0.07856275737317604, -0.2333538281912255, 0.3119165855644015]);
    // F.nll_loss(x, t, ignore_index=2): the only target ignored, mean NaN, gradient zero
    const [, v, g] = run((x) => F.nllLoss(x, idx(2), { ignoreIndex: 2 }));
    expect(v).toBeNaN();
    expect(g).toEqual([0, 0, 0]);
  });
  it('all targets ignored: mean is NaN, gradient zero (as PyTorch)', () => check('ce_all_ignored', X, (x) => F.crossEntropy(x, idx([-100, -100, -100]))));
  it('the hand formula: −log softmax(x)[t] averaged', () => {
    const x = t64(X);
    const want = X.map((row, n) => Math.log(row.reduce((a, v) => a + Math.exp(v), 0)) - row[T[n]]);
    expectClose(F.crossEntropy(x, idx(T), { reduction: 'none' }), want, 1e-12);
    expectClose(F.crossEntropy(x, idx(T)), [(want[0] + want[1] + want[2]) / 3], 1e-12);
  });
});

describe('crossEntropy with class probabilities vs PyTorch', () => {
  for (const r of reductions) {
    it(`plain, ${r} (mean divides by N)`, () => check(`ce_prob_${r}`, X, (x) => F.crossEntropy(x, t64(P), { reduction: r })));
    it(`weights + labelSmoothing 0.3, ${r}`, () =>
      check(`ce_prob_w_ls_${r}`, X, (x) => F.crossEntropy(x, t64(P), { weight: t64(W), labelSmoothing: 0.3, reduction: r })));
  }
  it('one-hot probabilities equal class indices', () => {
    const oneHot = T.map((c) => [0, 1, 2, 3].map((k) => (k === c ? 1 : 0)));
    expectClose(F.crossEntropy(t64(X), t64(oneHot)), F.crossEntropy(t64(X), idx(T)).dataSync(), 1e-12);
  });
});

describe('regression and binary losses vs PyTorch', () => {
  for (const r of reductions) {
    it(`mseLoss ${r}`, () => check(`mse_${r}`, A, (x) => F.mseLoss(x, t64(B), { reduction: r })));
    it(`l1Loss ${r}`, () => check(`l1_${r}`, A, (x) => F.l1Loss(x, t64(B), { reduction: r })));
    it(`huberLoss delta 0.6 ${r}`, () => check(`huber_${r}`, A, (x) => F.huberLoss(x, t64(B), { reduction: r, delta: 0.6 })));
    it(`smoothL1Loss beta 0.6 ${r}`, () => check(`sl1_${r}`, A, (x) => F.smoothL1Loss(x, t64(B), { reduction: r, beta: 0.6 })));
    it(`binaryCrossEntropy ${r}`, () => check(`bce_${r}`, PR, (x) => F.binaryCrossEntropy(x, t64(TB), { reduction: r })));
    it(`binaryCrossEntropy with weight ${r}`, () =>
      check(`bce_w_${r}`, PR, (x) => F.binaryCrossEntropy(x, t64(TB), { weight: t64([1, 2, 0.5]), reduction: r })));
    it(`binaryCrossEntropyWithLogits ${r}`, () => check(`bcel_${r}`, A, (x) => F.binaryCrossEntropyWithLogits(x, t64(TB), { reduction: r })));
    it(`binaryCrossEntropyWithLogits with posWeight and weight ${r}`, () =>
      check(`bcel_pw_w_${r}`, A, (x) =>
        F.binaryCrossEntropyWithLogits(x, t64(TB), { posWeight: t64([3, 0.5, 2]), weight: t64([[1], [0.25]]), reduction: r })));
  }
  it('binaryCrossEntropy clamps the logs at −100 (values as PyTorch; p = 0 and 1 stay finite)', () => {
    check('bce_extreme', [0, 1, 1e-50], (x) => F.binaryCrossEntropy(x, t64([1, 0, 0.5]), { reduction: 'none' }), { grad: false });
    const x = tensor([0, 1], { dtype: 'float64', requiresGrad: true });
    F.binaryCrossEntropy(x, t64([1, 0])).backward();
    expect(Array.from(x.grad!.dataSync()).every(Number.isFinite)).toBe(true);
  });
  it('binaryCrossEntropyWithLogits is stable for huge logits', () => check('bcel_big', [800, -800, 30, 0], (x) => F.binaryCrossEntropyWithLogits(x, t64([0, 1, 1, 0]), { reduction: 'none' })));
  it('default reduction is mean and float32 stays float32', () => {
    const l = F.mseLoss(tensor([1, 2, 3], { dtype: 'float32' }), tensor([1, 1, 1], { dtype: 'float32' }));
    expect(l.dtype).toBe('float32');
    expect(l.shape).toEqual([]);
    expect(l.item()).toBeCloseTo(5 / 3, 6);
  });
});

describe('loss errors', () => {
  it('shape mismatch names both shapes', () => {
    expect(() => F.mseLoss(t64([1, 2, 3]), t64([1, 2]))).toThrow('mseLoss: shapes [3] and [2] cannot be broadcast together');
    expect(() => F.binaryCrossEntropyWithLogits(t64([1, 2]), t64([1]))).toThrow(/binaryCrossEntropyWithLogits: target shape \[1\]/);
  });
  it('bad reduction', () => {
    expect(() => F.l1Loss(t64([1]), t64([1]), { reduction: 'avg' as never })).toThrow(/l1Loss: 'avg' is not a valid value for reduction/);
  });
  it('class index out of range is named', () => {
    expect(() => F.crossEntropy(t64(X), idx([0, 4, 1]))).toThrow(/crossEntropy: target class index 4 \(at flat position 1\) is out of range for 4 classes/);
    expect(() => F.nllLoss(t64(X), idx([0, -1, 1]))).toThrow(/nllLoss: target class index -1/);
  });
  it('float target where class indices are expected', () => {
    expect(() => F.crossEntropy(t64(X), t64([0, 1, 2]))).toThrow(/crossEntropy: expected int32 class indices .* got a float64 target of shape \[3\]/);
    expect(() => F.nllLoss(t64(X), t64([0, 1, 2]))).toThrow(/nllLoss: expected int32 class indices/);
  });
  it('int target of the input shape is not probabilities', () => {
    expect(() => F.crossEntropy(t64(X), idx([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0]]))).toThrow(/expected a floating point target with class probabilities/);
  });
  it('wrong target shape for class indices', () => {
    expect(() => F.crossEntropy(t64(X), idx([0, 1]))).toThrow(/crossEntropy: expected target of shape \[3\] for input of shape \[3, 4\].*got \[2\]/);
  });
  it('weight of the wrong size, bad labelSmoothing, bad delta, ignoreIndex with probabilities', () => {
    expect(() => F.crossEntropy(t64(X), idx(T), { weight: t64([1, 2, 3]) })).toThrow(/weight tensor should be defined either for all 4 classes/);
    expect(() => F.crossEntropy(t64(X), idx(T), { labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be between 0.0 and 1.0/);
    expect(() => F.huberLoss(t64([1]), t64([1]), { delta: 0 })).toThrow(/huberLoss: delta must be positive/);
    expect(() => F.crossEntropy(t64(X), t64(P), { ignoreIndex: 0 })).toThrow(/ignoreIndex is not supported/);
  });
  it('binaryCrossEntropy rejects inputs outside [0, 1]', () => {
    expect(() => F.binaryCrossEntropy(t64([0.5, 1.2]), t64([0, 1]))).toThrow(/between 0 and 1, found 1.2/);
  });
});

describe('crossEntropy / nllLoss without weights or ignored targets (the mask-free path)', () => {
  it('gives bitwise the loss and gradient of the general path (all-ones class weights), every reduction, float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        const x0 = randn([13, 5], { generator: new Generator(11), dtype });
        const y = tensor(Array.from({ length: 13 }, (_, i) => (i * 3) % 5), { dtype: 'int32' });
        const run = (weight: Tensor | null, fn: 'crossEntropy' | 'nllLoss') => {
          const x = x0.clone().requiresGrad_();
          const input = fn === 'crossEntropy' ? x : x.logSoftmax(1);
          const loss = F[fn](input, y, weight ? { reduction, weight } : { reduction });
          loss.sum().backward();
          return { loss: Array.from(loss.dataSync()), grad: Array.from(x.grad!.dataSync()) };
        };
        for (const fn of ['crossEntropy', 'nllLoss'] as const) {
          expect(run(null, fn)).toEqual(run(ones([5], { dtype }), fn));
        }
      }
    }
  });

  it('mean is −(1/N)·Σ log p[n, yₙ] (hand-computed on two rows)', () => {
    const x = tensor([[0, 0], [0, Math.log(3)]], { dtype: 'float64' });
    // row 0: p = [1/2, 1/2], target 0; row 1: p = [1/4, 3/4], target 1
    expect(F.crossEntropy(x, tensor([0, 1], { dtype: 'int32' })).item()).toBeCloseTo(-(Math.log(0.5) + Math.log(0.75)) / 2, 12);
  });
});

describe('crossEntropy layouts and ignored rows (PyTorch 1.13 behaviour)', () => {
  const logSoftmaxAt = (row: number[], c: number): number => {
    const m = Math.max(...row);
    return row[c] - m - Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  };

  it('[C] input with a 0-d target, and [N, C, d] inputs, match −log softmax at the target (mask-free path)', () => {
    const v = [0.3, -1.2, 2.0, 0.7];
    expect(F.crossEntropy(tensor(v, f64), tensor(2, { dtype: 'int32' })).item()).toBeCloseTo(-logSoftmaxAt(v, 2), 12);
    // [N=2, C=3, d=2]: class dim 1; targets [N, d]
    const x = [[[0.1, -0.5], [1.2, 0.3], [-0.7, 0.8]], [[0.4, 0.0], [-1.1, 2.0], [0.6, -0.3]]];
    const y = [[2, 0], [1, 2]];
    const per: number[] = [];
    for (let n = 0; n < 2; n++) for (let d = 0; d < 2; d++) per.push(-logSoftmaxAt([0, 1, 2].map((c) => x[n][c][d]), y[n][d]));
    const none = F.crossEntropy(tensor(x, f64), tensor(y, { dtype: 'int32' }), { reduction: 'none' });
    expect(none.shape).toEqual([2, 2]);
    Array.from(none.dataSync()).forEach((l, i) => expect(l).toBeCloseTo(per[i], 12));
    expect(F.crossEntropy(tensor(x, f64), tensor(y, { dtype: 'int32' })).item()).toBeCloseTo(per.reduce((a, b) => a + b) / 4, 12);
  });

  it('an ignored row with a non-finite logit at the placeholder class adds nothing (not 0·∞ = NaN), as in PyTorch', () => {
    const inf = Infinity;
    const rows = [[-inf, 0.5, 1.0], [0.2, 0.1, -0.3]];
    const y = tensor([1, 2], { dtype: 'int32' }); // row 0 ignored (ignoreIndex 1); its class-0 log-probability is -inf
    const want = -logSoftmaxAt(rows[1], 2); // torch: 1.4208
    for (const reduction of ['sum', 'mean'] as const) {
      expect(F.crossEntropy(tensor(rows, f64), y, { ignoreIndex: 1, reduction }).item()).toBeCloseTo(want, 12);
    }
    expect(Array.from(F.crossEntropy(tensor(rows, f64), y, { ignoreIndex: 1, reduction: 'none' }).dataSync())).toEqual([0, expect.closeTo(want, 12)]);
    const x = tensor(rows, f64).requiresGrad_();
    F.nllLoss(x.logSoftmax(1), y, { ignoreIndex: 1, reduction: 'sum' }).backward();
    expect(Array.from(x.grad!.dataSync()).slice(0, 3)).toEqual([0, 0, 0]);
  });
});
