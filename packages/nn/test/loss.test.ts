/** Loss modules: constructor options, forward(input, target), weights as buffers, defaults. */
import { tensor, Tensor } from '@tapegrad/core';
import {
  F, MSELoss, L1Loss, HuberLoss, SmoothL1Loss, BCELoss, BCEWithLogitsLoss, NLLLoss, CrossEntropyLoss, Sequential, Linear,
} from '@tapegrad/nn';
import { expectClose } from './helpers';

const f64 = { dtype: 'float64' as const };
const X = tensor([[0.2, -1.3, 0.7, 2.1], [1.5, 0.3, -0.4, -2.2], [-0.6, 0.9, 1.1, 0.05]], f64);
const T = tensor([3, 0, 1], { dtype: 'int32' });
const A = tensor([[0.3, -1.2, 2.5], [0.0, 0.8, -0.4]], f64);
const B = tensor([[0.1, -0.2, 0.5], [1.5, 0.8, 0.3]], f64);
const same = (a: Tensor, b: Tensor): void => expectClose(a, Array.from(b.dataSync()), 0);

describe('loss modules equal their functions', () => {
  it('regression losses with options', () => {
    same(new MSELoss().call(A, B), F.mseLoss(A, B));
    same(new MSELoss({ reduction: 'sum' }).call(A, B), F.mseLoss(A, B, { reduction: 'sum' }));
    same(new L1Loss({ reduction: 'none' }).call(A, B), F.l1Loss(A, B, { reduction: 'none' }));
    same(new HuberLoss({ delta: 0.6 }).call(A, B), F.huberLoss(A, B, { delta: 0.6 }));
    same(new SmoothL1Loss({ beta: 0.3 }).call(A, B), F.smoothL1Loss(A, B, { beta: 0.3 }));
    // mse by hand
    const a = [0.3, -1.2, 2.5, 0.0, 0.8, -0.4], b = [0.1, -0.2, 0.5, 1.5, 0.8, 0.3];
    expect(new MSELoss().call(A, B).item()).toBeCloseTo(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / 6, 14);
  });
  it('binary losses; weight and posWeight are buffers', () => {
    const p = A.sigmoid(), t = tensor([[0, 1, 0], [1, 1, 0]], f64);
    same(new BCELoss().call(p, t), F.binaryCrossEntropy(p, t));
    const w = tensor([1, 2, 0.5], f64), pw = tensor([3, 1, 1], f64);
    const m = new BCEWithLogitsLoss({ weight: w, posWeight: pw, reduction: 'sum' });
    same(m.call(A, t), F.binaryCrossEntropyWithLogits(A, t, { weight: w, posWeight: pw, reduction: 'sum' }));
    expect(Object.keys(m.stateDict())).toEqual(['weight', 'posWeight']);
    expect(Object.keys(new BCEWithLogitsLoss().stateDict())).toEqual([]);
  });
  it('classification losses', () => {
    const w = tensor([0.5, 2, 1, 1.5], f64);
    const ce = new CrossEntropyLoss({ weight: w, ignoreIndex: 0, labelSmoothing: 0.1 });
    same(ce.call(X, T), F.crossEntropy(X, T, { weight: w, ignoreIndex: 0, labelSmoothing: 0.1 }));
    expect([ce.reduction, ce.ignoreIndex, ce.labelSmoothing]).toEqual(['mean', 0, 0.1]);
    expect([...ce.buffers()]).toEqual([w]);
    same(new NLLLoss({ reduction: 'none' }).call(X.logSoftmax(1), T), F.crossEntropy(X, T, { reduction: 'none' }));
    const d = new CrossEntropyLoss();
    expect([d.reduction, d.ignoreIndex, d.labelSmoothing, d.weight]).toEqual(['mean', -100, 0, null]);
  });
  it('a criterion is used as in the training loop: criterion.call(model.call(x), y)', () => {
    const model = new Sequential(new Linear(4, 3, { dtype: 'float64' }));
    const loss = new CrossEntropyLoss().call(model.call(X), tensor([0, 2, 1], { dtype: 'int32' }));
    loss.backward();
    expect(model.get<Linear>(0).weight.grad!.shape).toEqual([3, 4]);
  });
  it('bad options and shapes are errors naming the loss', () => {
    expect(() => new MSELoss({ reduction: 'mean ' as never })).toThrow(/MSELoss: 'mean ' is not a valid value for reduction/);
    expect(() => new HuberLoss({ delta: -1 })).toThrow(/HuberLoss: delta must be positive/);
    expect(() => new CrossEntropyLoss({ labelSmoothing: -0.1 })).toThrow(/labelSmoothing must be between 0.0 and 1.0/);
    expect(() => new MSELoss().call(A, tensor([1, 2], f64))).toThrow('mseLoss: shapes [2, 3] and [2] cannot be broadcast together');
    expect(() => new CrossEntropyLoss().call(X, tensor([0, 1, 9], { dtype: 'int32' }))).toThrow(/target class index 9/);
  });
  it("a Tensor as the first argument is PyTorch's positional weight: new CrossEntropyLoss(classWeights)", () => {
    const w = tensor([0.5, 2, 1, 1.5], f64);
    // torch: nn.CrossEntropyLoss(w)(X, T) with X, T, w as here (float64) -> 0.7101256721670168; same for nn.NLLLoss(w)(X.log_softmax(1), T)
    expect(new CrossEntropyLoss(w).call(X, T).item()).toBeCloseTo(0.7101256721670168, 14);
    expect(new NLLLoss(w).call(X.logSoftmax(1), T).item()).toBeCloseTo(0.7101256721670168, 14);
    expect(new CrossEntropyLoss(w).weight).toBe(w);
    expect(new BCELoss(w).weight).toBe(w);
    expect(new BCEWithLogitsLoss(w).weight).toBe(w);
  });
  it('a positional value or a snake_case key is an error, not silently ignored', () => {
    // Without the check, destructuring would read new MSELoss('sum') as {} and compute a mean.
    expect(() => new MSELoss('sum' as never)).toThrow(/MSELoss: expected an options object \{ reduction \}, got 'sum'/);
    expect(() => new HuberLoss(0.5 as never)).toThrow('HuberLoss: argument 1 (reduction) must be a string, got number 0.5'); // PyTorch's HuberLoss(reduction, delta)
    expect(() => new CrossEntropyLoss({ label_smoothing: 0.1 } as never)).toThrow(/CrossEntropyLoss: unknown option 'label_smoothing'.*expected one of reduction, weight, ignoreIndex, labelSmoothing/);
    expect(() => new BCEWithLogitsLoss({ pos_weight: tensor([2], f64) } as never)).toThrow(/unknown option 'pos_weight'/);
    expect(() => F.crossEntropy(X, T, { ignore_index: 0 } as never)).toThrow(/crossEntropy: unknown option 'ignore_index'/);
    expect(() => F.mseLoss(A, B, 'sum' as never)).toThrow(/mseLoss: expected an options object/);
  });
  it('repr shows non-default reduction', () => {
    expect(String(new L1Loss({ reduction: 'sum' }))).toBe("L1Loss(reduction='sum')");
    expect(String(new MSELoss())).toBe('MSELoss()');
  });
});

describe('loss constructors refuse PyTorch\'s deprecated positional arguments instead of ignoring them', () => {
  test('MSELoss(null, null, \'sum\') and friends are errors naming the options form', () => {
    const ctor = (C: unknown, ...args: unknown[]) => () => new (C as new (...a: unknown[]) => unknown)(...args);
    expect(ctor(MSELoss, null, null, 'sum')).toThrow(/MSELoss: takes one options object .*\{ reduction: 'sum' \}.*size_average\/reduce/);
    expect(ctor(CrossEntropyLoss, null, null, 0)).toThrow(/CrossEntropyLoss: takes one options object/);
    expect(ctor(L1Loss, {}, true)).toThrow(/L1Loss/);
    // the one-argument forms still work
    expect(new MSELoss({ reduction: 'sum' }).reduction).toBe('sum');
  });
});
