/**
 * Elementwise edge cases where tapegrad once differed from PyTorch (binary.ts, unary.ts): bool
 * arithmetic, integer powers, clamp's type promotion, sign of -0 and NaN, and gradients at ties,
 * NaNs and zero exponents. Every expected value was printed by PyTorch 1.13 (snippet beside it).
 */
import { Tensor, tensor, pow } from '@tapegrad/core';

const f64 = (v: number[], requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

describe('bool and integer arithmetic PyTorch refuses', () => {
  test('sub with a bool operand and neg/abs/relu of a bool tensor throw, naming the op', () => {
    // torch.tensor([True]) - torch.tensor([False]) -> RuntimeError: Subtraction, the `-` operator, with two bool tensors is not supported
    expect(() => tensor([true]).sub(tensor([false]))).toThrow(/sub: .*bool/);
    // torch.tensor([1]).sub(torch.tensor([True])), torch.tensor([1.5]).sub(True) -> the same RuntimeError
    expect(() => tensor([1], { dtype: 'int32' }).sub(tensor([true]))).toThrow(/sub: .*bool.*logicalNot/);
    expect(() => tensor([1.5]).sub(true)).toThrow(/sub: .*bool/);
    // -torch.tensor([True]) -> RuntimeError: Negation, the `-` operator, on a bool tensor is not supported
    expect(() => tensor([true]).neg()).toThrow(/neg: .*bool.*logicalNot/);
    // torch.tensor([True]).abs() -> "abs_cpu" not implemented for 'Bool'; torch.relu(torch.tensor([True])) -> Boolean inputs not supported
    expect(() => tensor([true]).abs()).toThrow(/abs: .*bool/);
    expect(() => tensor([true]).relu()).toThrow(/relu: .*bool/);
    // add of bools stays allowed: torch.tensor([True]) + torch.tensor([True]) -> tensor([True])
    expect(tensor([true]).add(tensor([true])).toArray()).toEqual([true]);
  });

  test('an integer tensor to a negative integer number power throws; tensor exponents truncate', () => {
    // torch.tensor([2, 3]).pow(-1) -> RuntimeError: Integers to negative integer powers are not allowed.
    expect(() => tensor([2, 3], { dtype: 'int32' }).pow(-1)).toThrow(/pow: integers to negative integer powers/);
    expect(() => tensor([true]).pow(-1)).toThrow(/pow: integers to negative integer powers/);
    // torch.tensor([2, 3]).pow(torch.tensor([-1, 1])) -> tensor([0, 3])
    const r = tensor([2, 3], { dtype: 'int32' }).pow(tensor([-1, 1], { dtype: 'int32' }));
    expect([r.dtype, r.toArray()]).toEqual(['int32', [0, 3]]);
    // torch.tensor([2., 3.]).pow(-1) -> tensor([0.5000, 0.3333])
    expect(tensor([2, 4], { dtype: 'float64' }).pow(-1).toArray()).toEqual([0.5, 0.25]);
  });

  test('square of a bool tensor is int32 (torch.square(torch.tensor([True])) -> tensor([1]))', () => {
    const s = tensor([true, false]).square();
    expect([s.dtype, s.toArray()]).toEqual(['int32', [1, 0]]);
  });
});

describe('clamp and sign values', () => {
  test('clamp of an integer tensor with a fractional bound promotes to float', () => {
    // torch.tensor([1, 2, 3]).clamp(1.5) -> tensor([1.5000, 2.0000, 3.0000])
    const a = tensor([1, 2, 3], { dtype: 'int32' }).clamp(1.5);
    expect([a.dtype, a.toArray()]).toEqual(['float32', [1.5, 2, 3]]);
    // torch.tensor([1, 2, 3]).clamp(0, 2.5) -> tensor([1.0000, 2.0000, 2.5000])
    expect(tensor([1, 2, 3], { dtype: 'int32' }).clamp(0, 2.5).toArray()).toEqual([1, 2, 2.5]);
    // torch.tensor([1, 2, 3]).clamp(2) -> tensor([2, 2, 3]) (int64 there)
    const b = tensor([1, 2, 3], { dtype: 'int32' }).clamp(2);
    expect([b.dtype, b.toArray()]).toEqual(['int32', [2, 2, 3]]);
    // the in-place form cannot change the dtype: torch.tensor([1, 2]).clamp_(1.5) -> RuntimeError (Float can't be cast to Long)
    expect(() => tensor([1, 2], { dtype: 'int32' }).clamp_(1.5)).toThrow(/clamp_/);
  });

  test('sign(-0) and sign(NaN) are +0', () => {
    // torch.tensor([-0.0, 0., float('nan'), -2., 3.]).sign() -> tensor([0., 0., 0., -1., 1.]) (all zeros positive)
    const s = tensor([-0, 0, NaN, -2, 3], { dtype: 'float64' }).sign().toArray() as number[];
    expect(s).toEqual([0, 0, 0, -1, 1]);
    expect(Object.is(s[0], 0)).toBe(true);
  });
});

describe('gradients at ties, NaNs and zero exponents', () => {
  test('maximum/minimum: a NaN operand gets the whole gradient, ties split it', () => {
    // x = torch.tensor([nan, 1.], dtype=torch.float64, requires_grad=True)
    // torch.maximum(x, torch.tensor([1., 1.], dtype=torch.float64)).sum().backward(); x.grad -> tensor([1.0000, 0.5000])
    const x = f64([NaN, 1]);
    x.maximum(f64([1, 1], false)).sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 0.5]);
    const y = f64([NaN, 1, 3]);
    const o = f64([1, 1, 2]);
    // same with minimum and both requiring grad: y.grad -> [1, 0.5, 0], o.grad -> [1, 0.5, 1]
    y.minimum(o).sum().backward();
    expect(y.grad!.toArray()).toEqual([1, 0.5, 0]);
    expect(o.grad!.toArray()).toEqual([1, 0.5, 1]);
  });

  test('pow with a tensor exponent of 0 has zero gradient for the base, also at base 0', () => {
    // x = torch.tensor([0., 2.], dtype=torch.float64, requires_grad=True)
    // x.pow(torch.tensor([0., 0.], dtype=torch.float64)).sum().backward(); x.grad -> tensor([0., 0.])
    const x = f64([0, 2]);
    x.pow(f64([0, 0], false)).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0]);
    // and the exponent's gradient: e = [0, 2, 0.5]; torch.tensor([0., 0., -1.]).pow(e).sum().backward()
    // e.grad -> tensor([0., 0., nan])
    const e = f64([0, 2, 0.5]);
    pow(tensor([0, 0, -1], { dtype: 'float64' }), e).sum().backward();
    const ge = e.grad!.toArray() as number[];
    expect(ge.slice(0, 2)).toEqual([0, 0]);
    expect(ge[2]).toBeNaN();
  });
});

describe('add/sub alpha', () => {
  test('a fractional alpha with integer operands throws; with a float operand it scales', () => {
    // torch.tensor([1, 2]).add(torch.tensor([1, 1]), alpha=0.5) -> RuntimeError: For integral input tensors, argument alpha must not be a floating point number.
    expect(() => tensor([1, 2], { dtype: 'int32' }).add(tensor([1, 1], { dtype: 'int32' }), 0.5)).toThrow(/add: for integral input tensors, alpha must not be a floating point number/);
    expect(() => tensor([1, 2], { dtype: 'int32' }).sub(1, 0.5)).toThrow(/sub: .*alpha/);
    expect(() => tensor([1, 2], { dtype: 'int32' }).add_(tensor([1], { dtype: 'int32' }), 0.5)).toThrow(/alpha/);
    // torch.tensor([1, 2]).add(torch.tensor([1.5]), alpha=0.5) -> tensor([1.7500, 2.7500])
    expect(tensor([1, 2], { dtype: 'int32' }).add(tensor([1.5]), 0.5).toArray()).toEqual([1.75, 2.75]);
    // torch.tensor([1, 2]).add(torch.tensor([1, 1]), alpha=2) -> tensor([3, 4])
    expect(tensor([1, 2], { dtype: 'int32' }).add(tensor([1, 1], { dtype: 'int32' }), 2).toArray()).toEqual([3, 4]);
  });
});
