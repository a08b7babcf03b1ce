/**
 * Elementwise losses given a target of another (broadcastable) shape: PyTorch 1.13 broadcasts, warning
 * "Using a target size (...) that is different to the input size (...)" in mse/l1/huber/smooth-L1 (and
 * silently in kl_div, poisson_nll_loss, soft_margin_loss, where tapegrad warns too). Values and input
 * gradients are PyTorch 1.13's, float64, for x = [[0.3, -1.2, 2.5], [0.1, 0.8, -0.4]] and t = [0.5, -0.7, 2.0]:
 *   F.mse_loss(x, t) etc., then .backward(); reduction 'mean'.
 */
import { tensor, Tensor } from '@tapegrad/core';
import { F } from '@tapegrad/nn';

const f64 = { dtype: 'float64' as const };
const X = [[0.3, -1.2, 2.5], [0.1, 0.8, -0.4]];
const T = [0.5, -0.7, 2.0];

let warn: jest.SpyInstance;
beforeEach(() => { warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined); });
afterEach(() => warn.mockRestore());

function close(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  Array.from(actual).forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-14));
}

const CASES: [string, (x: Tensor, t: Tensor) => Tensor, number, number[]][] = [
  ['mseLoss', (x, t) => F.mseLoss(x, t), 1.4516666666666664, [-0.06666666666666667, -0.16666666666666666, 0.16666666666666666, -0.13333333333333333, 0.5, -0.7999999999999999]],
  ['l1Loss', (x, t) => F.l1Loss(x, t), 0.9166666666666666, [-1 / 6, -1 / 6, 1 / 6, -1 / 6, 1 / 6, -1 / 6]],
  ['huberLoss', (x, t) => F.huberLoss(x, t, { delta: 0.5 }), 0.3416666666666666, [-0.03333333333333333, -0.08333333333333333, 0.08333333333333333, -0.06666666666666667, 0.08333333333333333, -0.08333333333333333]],
  ['smoothL1Loss', (x, t) => F.smoothL1Loss(x, t, { beta: 0.5 }), 0.6833333333333332, [-0.06666666666666667, -1 / 6, 1 / 6, -0.13333333333333333, 1 / 6, -1 / 6]],
  ['poissonNllLoss', (x, t) => F.poissonNllLoss(x, t), 2.1924298121325725, [0.14164313459600053, 0.16686570198536702, 1.6970823267839121, 0.10086181967927461, 0.4875901547487446, -0.22161332566072678]],
  ['softMarginLoss', (x) => F.softMarginLoss(x, tensor([1, -1, 1], f64)), 0.6041733374200682, [-0.07092624719805683, 0.03857920275016373, -0.012643030003540593, -0.07917013542017666, 0.11499574685460208, -0.09978127668540866]],
];

// First in the file: each warning is shown once per process, as Python's default filter shows it once.
describe('klDiv', () => {
  it("klDiv with reduction 'mean' gives PyTorch 1.13's warning about 'batchmean'", () => {
    F.klDiv(tensor(X, f64), tensor(X, f64).exp(), { reduction: 'sum' });
    expect(warn).not.toHaveBeenCalled();
    F.klDiv(tensor(X, f64), tensor(X, f64).exp());
    expect(warn.mock.calls.flat().join('\n')).toContain("klDiv: reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size");
  });

});

describe('a [3] target against a [2, 3] input is broadcast, as PyTorch 1.13', () => {
  it.each(CASES)('%s: PyTorch\'s value and input gradient, and its warning', (name, fn, value, grad) => {
    const x = tensor(X, f64).requiresGrad_(true);
    const l = fn(x, tensor(T, f64));
    expect(Math.abs(l.item() - value)).toBeLessThan(1e-14);
    l.backward();
    close(x.grad!.dataSync(), grad);
    expect(warn.mock.calls.flat().join('\n')).toContain(`${name}: Using a target size ([3]) that is different to the input size ([2, 3]). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`);
  });

  it("klDiv 'batchmean' with a [3] target of probabilities", () => {
    // torch: lp = log_softmax(X, 1); F.kl_div(lp, t, reduction='batchmean') with t = [0.2, 0.3, 0.5]
    const lp = tensor([-2.327096582800486, -3.827096582800486, -0.12709658280048583, -1.2865523010014774, -0.5865523010014775, -1.7865523010014777], f64).reshape([2, 3]).requiresGrad_(true);
    const l = F.klDiv(lp, tensor([0.2, 0.3, 0.5], f64), { reduction: 'batchmean' });
    expect(Math.abs(l.item() - 0.4721714278364083)).toBeLessThan(1e-14);
    l.backward();
    close(lp.grad!.dataSync(), [-0.1, -0.15, -0.25, -0.1, -0.15, -0.25]);
  });

  it("'none' has the broadcast shape, and both sides' gradients sum back: [3, 1] input, [1, 4] target", () => {
    // torch: F.mse_loss(x, t, reduction='none') -> [3, 4]; (l * arange(12).reshape(3, 4)).sum().backward()
    const x = tensor([[1], [2], [3]], f64).requiresGrad_(true);
    const t = tensor([[0.5, 1.5, -1, 2]], f64).requiresGrad_(true);
    const l = F.mseLoss(x, t, { reduction: 'none' });
    expect(l.shape).toEqual([3, 4]);
    l.mul(tensor([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], f64)).sum().backward();
    close(x.grad!.dataSync(), [1, 53, 169]);
    close(t.grad!.dataSync(), [-52, -31, -124, -16]);
  });

  it('shapes that do not broadcast are an error naming the loss (PyTorch: "The size of tensor a (4) must match ...")', () => {
    const x = tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], f64);
    const t = tensor([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]], f64);
    for (const [name, fn] of [['mseLoss', F.mseLoss], ['l1Loss', F.l1Loss], ['huberLoss', F.huberLoss], ['smoothL1Loss', F.smoothL1Loss], ['klDiv', F.klDiv], ['poissonNllLoss', F.poissonNllLoss], ['softMarginLoss', F.softMarginLoss]] as const) {
      expect(() => (fn as (a: Tensor, b: Tensor) => Tensor)(x, t)).toThrow(`${name}: shapes [3, 4] and [3, 5] cannot be broadcast together`);
    }
  });

  it('equal shapes do not warn', () => {
    F.mseLoss(tensor(X, f64), tensor(X, f64));
    F.l1Loss(tensor(X, f64), tensor(X, f64));
    expect(warn).not.toHaveBeenCalled();
  });
});
