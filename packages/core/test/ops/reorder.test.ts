import fc from 'fast-check';
import * as c from '@tapegrad/core';
import { Tensor } from '@tapegrad/core';
import { expectValues } from '../helpers/approx';

const f64 = (v: number[], shape: number[]): Tensor => c.tensor(Float64Array.from(v)).reshape(shape);
const int = (v: number[]): Tensor => c.tensor(v, { dtype: 'int32' });
const x23 = (): Tensor => f64([1, 2, 3, 4, 5, 6], [2, 3]);

describe('flip', () => {
  test('hand values, negative dims, a view, 0-d, int32', () => {
    expectValues(c.flip(x23(), [1]), [2, 3], [3, 2, 1, 6, 5, 4]);
    expectValues(x23().flip(0, -1), [2, 3], [6, 5, 4, 3, 2, 1]);
    expectValues(x23().t().flip(0), [3, 2], [3, 6, 2, 5, 1, 4]);
    expectValues(f64([5], []).flip([]), [], [5]);
    expect(int([1, 2]).flip(0).dtype).toBe('int32');
  });
  test('the result is a copy (writing to it leaves x alone)', () => {
    const x = x23();
    c.flip(x, 0).fill_(0);
    expectValues(x, [2, 3], [1, 2, 3, 4, 5, 6]);
  });
  test('errors: repeated or out-of-range dims', () => {
    expect(() => x23().flip(0, 0)).toThrow(/flip: dim \[0, 0\] appears more than once/);
    expect(() => x23().flip(2)).toThrow(/flip: dim 2 is out of range for a tensor of rank 2/);
  });
  test('property: flipping twice is the identity', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }), fc.nat(), (shape, pick) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = f64(Array.from({ length: n }, (_, i) => i), shape);
      const dims = shape.map((_, i) => i).filter((i) => (pick >> i) & 1);
      expectValues(x.flip(dims).flip(dims), shape, Array.from({ length: n }, (_, i) => i));
    }));
  });
});

describe('roll', () => {
  test('without dims: flattened, rolled, reshaped', () => {
    expectValues(c.roll(x23(), 1), [2, 3], [6, 1, 2, 3, 4, 5]);
    expectValues(x23().roll(-7), [2, 3], [2, 3, 4, 5, 6, 1]);
  });
  test('with dims and several shifts', () => {
    expectValues(x23().roll(1, 1), [2, 3], [3, 1, 2, 6, 4, 5]);
    expectValues(x23().roll([1, -1], [0, -1]), [2, 3], [5, 6, 4, 2, 3, 1]);
    expectValues(x23().roll(3, 1), [2, 3], [1, 2, 3, 4, 5, 6]);
  });
  test('gradient rolls back', () => {
    const x = f64([1, 2, 3], [3]).requiresGrad_();
    x.roll(1).mul(f64([10, 20, 30], [3])).sum().backward();
    expectValues(x.grad!, [3], [20, 30, 10]);
  });
  test('errors', () => {
    expect(() => x23().roll([1, 2])).toThrow(/roll: without dims, shifts must be a single number/);
    expect(() => x23().roll([1, 2], [0])).toThrow(/roll: shifts \[1, 2\] and dims \[0\] must have the same length/);
    expect(() => x23().roll(1, 2)).toThrow(/roll: dim 2 is out of range/);
  });
});

describe('repeatInterleave', () => {
  test('an int, a tensor, an array of repeats; with and without dim', () => {
    expectValues(c.repeatInterleave(x23(), 2), [12], [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    expectValues(x23().repeatInterleave(int([0, 2]), 0), [2, 3], [4, 5, 6, 4, 5, 6]);
    expectValues(x23().repeatInterleave([1, 0, 2], -1), [2, 3], [1, 3, 3, 4, 6, 6]);
    expectValues(x23().repeatInterleave(int([2]), 1), [2, 6], [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    expectValues(x23().repeatInterleave(2, 0, { outputSize: 4 }), [4, 3], [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
  });
  test('gradient adds the copies', () => {
    const x = f64([1, 2], [2]).requiresGrad_();
    x.repeatInterleave([3, 1]).mul(f64([1, 2, 3, 4], [4])).sum().backward();
    expectValues(x.grad!, [2], [6, 4]);
  });
  test('errors: repeats of the wrong length, negative, wrong dtype; outputSize; unknown option', () => {
    expect(() => x23().repeatInterleave([1, 2], 1)).toThrow(/repeatInterleave: repeats has 2 entries but dim 1 of the input has size 3/);
    expect(() => x23().repeatInterleave(int([1, 2, 3]), 0)).toThrow(/repeats has 3 entries but dim 0 of the input has size 2/);
    expect(() => x23().repeatInterleave(-1)).toThrow(/non-negative integers/);
    expect(() => x23().repeatInterleave(c.tensor([1.5, 1], { dtype: 'float32' }), 0)).toThrow(/repeats must be an int32 tensor, got float32/);
    expect(() => x23().repeatInterleave(2, 0, { outputSize: 5 })).toThrow(/outputSize 5 does not match the sum of repeats 4/);
    expect(() => x23().repeatInterleave(2, 0, { output_size: 4 } as object)).toThrow(/unknown option 'output_size'/);
  });
});
