// div's rounding modes, floorDivide, remainder and fmod against PyTorch 1.13 (values printed by
// torch: the script is fixtures/pytorch/audit3_division.py, whose output is copied into the expectations).
import { tensor, div, floorDivide, remainder, fmod, Tensor } from '../../src';

const i32 = (v: number[]): Tensor => tensor(v, { dtype: 'int32' });
const vals = (t: Tensor): [string, unknown] => [t.dtype, t.toArray()];

describe('div with roundingMode', () => {
  test('int32 trunc and floor stay int32; true division gives float', () => {
    expect(vals(i32([3, -3]).div(i32([2, 2])))).toEqual(['float32', [1.5, -1.5]]);
    expect(vals(i32([3, -3]).div(2, { roundingMode: 'trunc' }))).toEqual(['int32', [1, -1]]);
    expect(vals(i32([3, -3]).div(2, { roundingMode: 'floor' }))).toEqual(['int32', [1, -2]]);
    expect(vals(div(i32([5]), 2.5, { roundingMode: 'floor' }))).toEqual(['float32', [2]]);
    expect(vals(i32([3, -3]).div(2, { roundingMode: null }))).toEqual(['float32', [1.5, -1.5]]);
  });
  test('floats', () => {
    expect(vals(tensor([3.5, -3.5]).div(2, { roundingMode: 'floor' }))).toEqual(['float32', [1, -2]]);
    expect(vals(tensor([3.5, -3.5]).div(2, { roundingMode: 'trunc' }))).toEqual(['float32', [1, -1]]);
    expect(tensor([3.5, -3.5, 0]).div(0, { roundingMode: 'floor' }).toArray()).toEqual([Infinity, -Infinity, NaN]);
    expect(tensor([3.5, -3.5, 0]).div(0, { roundingMode: 'trunc' }).toArray()).toEqual([Infinity, -Infinity, NaN]);
  });
  test('integer division by zero throws; a bad mode or option is refused', () => {
    expect(() => i32([3]).div(0, { roundingMode: 'trunc' })).toThrow(/ZeroDivisionError/);
    expect(() => i32([3]).div(i32([0]), { roundingMode: 'floor' })).toThrow(/ZeroDivisionError/);
    expect(() => tensor([3]).div(2, { roundingMode: 'round' as never })).toThrow(/one of null, 'trunc', or 'floor' but found "round"/);
    expect(() => tensor([3]).div(2, { rounding_mode: 'floor' } as never)).toThrow(/roundingMode/);
  });
  test('the gradient of a rounded quotient is zero, as in PyTorch', () => {
    const x = tensor([5, -7, 2], { requiresGrad: true }), y = tensor([2, 3, -3], { requiresGrad: true });
    x.div(y, { roundingMode: 'floor' }).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
    expect(y.grad!.toArray()).toEqual([0, 0, 0]);
  });
  test('div_ takes the rounding mode too', () => {
    expect(tensor([7, -7]).div_(2, { roundingMode: 'floor' }).toArray()).toEqual([3, -4]);
  });
});

describe('floorDivide', () => {
  test('floors (PyTorch 1.13), keeps int32, has no derivative', () => {
    expect(vals(floorDivide(i32([3, -3]), 2))).toEqual(['int32', [1, -2]]);
    expect(vals(tensor([3.5, -3.5]).floorDivide(-2))).toEqual(['float32', [-2, 1]]);
    const x = tensor([1.5], { requiresGrad: true });
    expect(() => x.floorDivide(2).sum().backward()).toThrow(/derivative for floorDivide is not implemented/);
  });
});

describe('remainder and fmod', () => {
  test('remainder takes the divisor\'s sign', () => {
    expect(remainder(tensor([-3, 3, 5.5, -5.5]), 2).toArray()).toEqual([1, 1, 1.5, 0.5]);
    expect(tensor([-3, 3]).remainder(-2).toArray()).toEqual([-1, -1]);
    expect(vals(i32([-3, 3]).remainder(-2))).toEqual(['int32', [-1, -1]]);
    expect(remainder(5, tensor([3, -3])).toArray()).toEqual([2, -1]);
    expect(vals(i32([5]).remainder(1.5))).toEqual(['float32', [0.5]]);
    expect(tensor([-3, 3]).remainder(0).toArray()).toEqual([NaN, NaN]);
    expect(() => i32([-3, 3]).remainder(0)).toThrow(/ZeroDivisionError/);
  });
  test('fmod takes the dividend\'s sign', () => {
    expect(fmod(tensor([-3, 3, 5.5, -5.5]), 2).toArray()).toEqual([-1, 1, 1.5, -1.5]);
    expect(vals(i32([-3, 3]).fmod(-2))).toEqual(['int32', [-1, 1]]);
    expect(() => i32([-3, 3]).fmod(0)).toThrow(/ZeroDivisionError/);
  });
  test('gradients as PyTorch: (1, -floor(a/b)) and (1, -trunc(a/b))', () => {
    const x = tensor([5, -7, 2], { requiresGrad: true }), y = tensor([2, 3, -3], { requiresGrad: true });
    const r = x.remainder(y);
    expect(r.toArray()).toEqual([1, 2, -1]);
    r.sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 1, 1]);
    expect(y.grad!.toArray()).toEqual([-2, 3, 1]);
    x.grad = null; y.grad = null;
    const f = x.fmod(y);
    expect(f.toArray()).toEqual([1, -1, 2]);
    f.sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 1, 1]);
    expect(y.grad!.toArray()).toEqual([-2, 2, 0]);
  });
});
