/**
 * isclose, allclose and equal: PyTorch's comparisons of whole tensors (tutorials port: `torch.allclose(a.grad, 9 * a ** 2)`).
 * Not differentiable (bool results), as in PyTorch.
 */
import { Tensor } from '../tensor';
import { noGrad } from '../autograd/grad-mode';
import { checkOptions } from '../options';
import { sameShape } from '../shape';

/** `rtol`, `atol` and `equalNan` of torch.isclose / torch.allclose (defaults 1e-5, 1e-8, false). */
export interface CloseOptions { rtol?: number; atol?: number; equalNan?: boolean }

/**
 * Elementwise |a − b| ≤ atol + rtol·|b| (broadcasting), as `torch.isclose`: infinities are close only to the
 * same infinity, NaN only to NaN with `equalNan`.
 * @example isclose(tensor([1, 2]), tensor([1 + 1e-7, 2.1])); // [true, false]
 */
export function isclose(a: Tensor, b: Tensor | number, opts?: CloseOptions): Tensor {
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = checkOptions('isclose', opts, ['rtol', 'atol', 'equalNan']);
  if (!(a instanceof Tensor)) throw new TypeError(`isclose: expected a Tensor, got ${typeof a}`);
  if (!(rtol >= 0) || !(atol >= 0)) throw new RangeError(`isclose: rtol and atol must be non-negative, got rtol ${rtol} and atol ${atol}`);
  return noGrad(() => {
    const eq = a.eq(b);
    if (a.dtype === 'bool') return eq; // bools are close when equal, as in PyTorch
    const bt = b instanceof Tensor ? b : a.newFull([], b);
    const diff = a.sub(bt).abs();
    // finite and within the tolerance, or exactly equal (the same infinity); |b| of an infinite b makes the bound infinite
    let close = eq.logicalOr(diff.le(bt.abs().mul(rtol).add(atol)).logicalAnd(diff.isfinite()));
    if (equalNan) close = close.logicalOr(a.isnan().logicalAnd(bt.isnan()));
    return close;
  });
}

/**
 * Whether every element of `a` is close to `b` (`torch.allclose`): see {@link isclose}.
 * @example allclose(a.grad!, a.pow(2).mul(9)); // true
 */
export function allclose(a: Tensor, b: Tensor | number, opts?: CloseOptions): boolean {
  return isclose(a, b, opts).all().item() === 1;
}

/**
 * Whether `a` and `b` have the same shape and the same values (`torch.equal`; NaN is not equal to itself).
 * @example equal(tensor([1, 2]), tensor([1, 2])); // true
 */
export function equal(a: Tensor, b: Tensor): boolean {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new TypeError('equal: expected two Tensors');
  return sameShape(a.shape, b.shape) && noGrad(() => a.eq(b).all().item() === 1);
}
