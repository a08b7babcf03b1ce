/** In-place ops: values (with broadcasting, alpha, value), dtype rules, version bumps, and their gradients. */
import { tensor, zeros, ones, noGrad, Tensor } from '@tapegrad/core';
import { expectClose, expectThrowMessage } from '../helpers/approx';

const f = (v: number[]): Tensor => tensor(v, { dtype: 'float32' });

describe('in-place values', () => {
  test('add_/sub_ with alpha, mul_/div_/pow_ with broadcasting, returning the tensor itself', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float32' });
    expect(x.add_(f([10, 20]), 2)).toBe(x);
    expect(x.toArray()).toEqual([[21, 42], [23, 44]]);
    x.sub_(1, 3);
    expect(x.toArray()).toEqual([[18, 39], [20, 41]]);
    x.mul_(f([1, 0.5])).div_(2);
    expect(x.toArray()).toEqual([[9, 9.75], [10, 10.25]]);
    const p = f([2, 3]);
    p.pow_(2);
    expect(p.toArray()).toEqual([4, 9]);
  });

  test('addcmul_ / addcdiv_ (optimizer updates): x += value·t1·t2, x += value·t1/t2', () => {
    const x = f([1, 1]);
    x.addcmul_(f([2, 3]), f([4, 5]), 0.5);
    expect(x.toArray()).toEqual([5, 8.5]);
    x.addcdiv_(f([1, 3]), f([2, 4]), -2);
    expect(x.toArray()).toEqual([4, 7]);
  });

  test('sqrt_, neg_, exp_, relu_, clamp_, maskedFill_, zero_, fill_, copy_ (broadcast)', () => {
    expect(f([4, 9]).sqrt_().toArray()).toEqual([2, 3]);
    expect(f([1, -2]).neg_().toArray()).toEqual([-1, 2]);
    expectClose(tensor([0, 1], { dtype: 'float64' }).exp_(), [1, Math.E]);
    expect(f([-1, 2]).relu_().toArray()).toEqual([0, 2]);
    expect(f([-5, 0.5, 5]).clamp_(-1, 1).toArray()).toEqual([-1, 0.5, 1]);
    expect(f([1, 2]).maskedFill_(tensor([true, false]), 9).toArray()).toEqual([9, 2]);
    expect(f([1, 2]).zero_().toArray()).toEqual([0, 0]);
    expect(zeros([2, 2]).fill_(3).toArray()).toEqual([[3, 3], [3, 3]]);
    expect(zeros([2, 2]).copy_(f([1, 2])).toArray()).toEqual([[1, 2], [1, 2]]);
    expect(zeros([2]).copy_(5).toArray()).toEqual([5, 5]);
  });

  test('writes through non-contiguous views land in the right places', () => {
    const x = zeros([2, 3]);
    x.t().add_(tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float32' }));
    expect(x.toArray()).toEqual([[1, 3, 5], [2, 4, 6]]);
    x.narrow(1, 1, 2).mul_(10);
    expect(x.toArray()).toEqual([[1, 30, 50], [2, 40, 60]]);
  });

  test('dtype rules: a float result into an int tensor is refused; float64 into float32 is rounded', () => {
    expectThrowMessage(() => tensor([1, 2], { dtype: 'int32' }).mul_(1.5), 'mul_', 'float32', 'int32');
    expect(tensor([1, 2], { dtype: 'int32' }).add_(3).toArray()).toEqual([4, 5]);
    const x = f([0]);
    x.add_(tensor([0.1], { dtype: 'float64' }));
    expect(x.item()).toBe(Math.fround(0.1));
    expect(x.dtype).toBe('float32');
  });

  test('every in-place op bumps the version once', () => {
    const x = ones([2]);
    const ops: ((t: Tensor) => unknown)[] = [(t) => t.add_(1), (t) => t.mul_(2), (t) => t.zero_(), (t) => t.fill_(1), (t) => t.copy_(ones([2])), (t) => t.clamp_(0, 1), (t) => t.uniform_()];
    ops.forEach((op, i) => { op(x); expect(x._version).toBe(i + 1); });
  });

  test('optimizer-style updates on parameters under noGrad leave them leaves with unchanged grads', () => {
    const w = f([1, 2]).requiresGrad_();
    w.mul(w).sum().backward();
    noGrad(() => { w.addcmul_(w.grad!, w.grad!, -0.1); w.grad!.mul_(0.5); });
    expectClose(w, [1 - 0.4, 2 - 1.6], 1e-6);
    expect(w.grad!.toArray()).toEqual([1, 2]);
    expect(w.isLeaf).toBe(true);
  });
});
