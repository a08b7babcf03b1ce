/** clipGradNorm_ / clipGradValue_ against PyTorch 1.13's torch.nn.utils on the same gradients. */
import { zeros, tensor, Tensor } from '@tapegrad/core';
import { utils, Linear } from '@tapegrad/nn';
import { expectClose } from '../helpers';

// PyTorch:
//   a = zeros(2, 2, requires_grad=True); a.grad = tensor([[3., -4.], [1., 2.]])
//   b = zeros(3, requires_grad=True);    b.grad = tensor([0.5, -6., 2.])
//   c = zeros(1, requires_grad=True)     # no grad
//   clip_grad_norm_([a, b, c], 5.0, norm_type) -> total norm; grads scaled by 5/(total + 1e-6)
function params(): Tensor[] {
  const a = zeros([2, 2], { requiresGrad: true, dtype: 'float64' });
  a.grad = tensor([[3, -4], [1, 2]], { dtype: 'float64' });
  const b = zeros([3], { requiresGrad: true, dtype: 'float64' });
  b.grad = tensor([0.5, -6, 2], { dtype: 'float64' });
  const c = zeros([1], { requiresGrad: true, dtype: 'float64' });
  return [a, b, c];
}
const G = [3, -4, 1, 2, 0.5, -6, 2];

describe('clipGradNorm_', () => {
  it.each([
    [2, 8.381526947021484, Math.sqrt(70.25)],
    [1, 18.5, 18.5],
    [3, 6.86916971206665, Math.cbrt(27 + 64 + 1 + 8 + 0.125 + 216 + 8)],
    [Infinity, 6.0, 6],
  ])('normType %p: total norm as PyTorch (%p), grads scaled by maxNorm/(total + 1e-6)', (p, torchNorm, exact) => {
    const ps = params();
    const total = utils.clipGradNorm_(ps, 5, p);
    expect(total.shape).toEqual([]);
    expect(total.item()).toBeCloseTo(torchNorm, 5); // PyTorch computed it in float32
    expect(total.item()).toBeCloseTo(exact, 12);
    const coef = 5 / (exact + 1e-6);
    expectClose(ps[0].grad, G.slice(0, 4).map((g) => g * coef), 1e-12);
    expectClose(ps[1].grad, G.slice(4).map((g) => g * coef), 1e-12);
    expect(ps[2].grad).toBeNull();
  });
  it("'inf' string works like Infinity; a norm below maxNorm leaves grads alone", () => {
    expect(utils.clipGradNorm_(params(), 5, 'inf').item()).toBe(6);
    const ps = params();
    expect(utils.clipGradNorm_(ps, 100).item()).toBeCloseTo(Math.sqrt(70.25), 12);
    expect(Array.from(ps[0].grad!.dataSync())).toEqual([3, -4, 1, 2]);
  });
  it('takes model.parameters() or a single tensor; no grads gives 0', () => {
    const lin = new Linear(2, 2);
    expect(utils.clipGradNorm_(lin.parameters(), 1).item()).toBe(0);
    const t = zeros([2], { requiresGrad: true });
    t.grad = tensor([3, 4], { dtype: 'float32' });
    expect(utils.clipGradNorm_(t, 1).item()).toBeCloseTo(5, 6);
    expect(t.grad.dataSync()[1]).toBeCloseTo(4 / 5, 5);
  });
  it('errorIfNonfinite', () => {
    const ps = params();
    ps[0].grad = tensor([[NaN, 1], [1, 1]], { dtype: 'float64' });
    expect(() => utils.clipGradNorm_(ps, 1, 2, { errorIfNonfinite: true })).toThrow(/total norm of order 2 for gradients from parameters is non-finite \(NaN\)/);
    expect(Number.isNaN(utils.clipGradNorm_(ps, 1).item())).toBe(true);
    expect(() => utils.clipGradNorm_(ps, 1, -1)).toThrow(/normType must be a positive number/);
  });
});

describe('clipGradValue_', () => {
  it('clamps every entry into [−c, c] (PyTorch: [2.5, -2.5, 1, 2], [0.5, -2.5, 2])', () => {
    const ps = params();
    utils.clipGradValue_(ps, 2.5);
    expect(Array.from(ps[0].grad!.dataSync())).toEqual([2.5, -2.5, 1, 2]);
    expect(Array.from(ps[1].grad!.dataSync())).toEqual([0.5, -2.5, 2]);
  });
});

describe('parametersToVector / vectorToParameters', () => {
  it('round-trips', () => {
    const lin = new Linear(3, 2);
    const v = utils.parametersToVector(lin.parameters());
    expect(v.shape).toEqual([8]);
    utils.vectorToParameters(v.mul(0).add(1), lin.parameters());
    expect(Array.from(lin.bias!.dataSync())).toEqual([1, 1]);
    expect(() => utils.vectorToParameters(zeros([3]), lin.parameters())).toThrow(/expected a 1-D vector of 8 elements/);
  });
});

describe("PyTorch's keyword arguments as an options object", () => {
  // torch: p = tensor([3., 4.], requires_grad=True); p.grad = tensor([3., 4.])
  //        clip_grad_norm_([p], max_norm=1.0, norm_type=1) -> tensor(7.), p.grad -> [3/7, 4/7] (×(1/(7+1e-6)))
  const param = (): Tensor => {
    const p = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    p.grad = tensor([3, 4], { dtype: 'float64' });
    return p;
  };
  it('clipGradNorm_(params, { maxNorm, normType }) and clipGradNorm_(params, maxNorm, { normType })', () => {
    for (const call of [
      (p: Tensor) => utils.clipGradNorm_([p], { maxNorm: 1, normType: 1 }),
      (p: Tensor) => utils.clipGradNorm_([p], 1, { normType: 1 }),
      (p: Tensor) => utils.clipGradNorm_([p], 1, 1),
    ]) {
      const p = param();
      expect(call(p).item()).toBe(7);
      expectClose(p.grad!, [3 / (7 + 1e-6), 4 / (7 + 1e-6)], 1e-15);
    }
    const p = param();
    p.grad = tensor([NaN, 1], { dtype: 'float64' });
    expect(() => utils.clipGradNorm_([p], { maxNorm: 1, errorIfNonfinite: true })).toThrow(/non-finite/);
    expect(() => utils.clipGradNorm_([p], { max_norm: 1 } as never)).toThrow(/clipGradNorm_: unknown option 'max_norm'/);
  });
  it('clipGradValue_(params, { clipValue })', () => {
    const p = param();
    utils.clipGradValue_([p], { clipValue: 3.5 });
    expect(p.grad!.toArray()).toEqual([3, 3.5]);
  });
});
