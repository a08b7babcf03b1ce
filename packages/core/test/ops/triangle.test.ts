import * as c from '@tapegrad/core';
import { Tensor } from '@tapegrad/core';
import { expectValues } from '../helpers/approx';

const f64 = (v: number[], shape: number[]): Tensor => c.tensor(Float64Array.from(v)).reshape(shape);
const x34 = (): Tensor => f64(Array.from({ length: 12 }, (_, i) => i + 1), [3, 4]);

describe('tril and triu', () => {
  test('diagonal offsets', () => {
    expectValues(c.tril(x34()), [3, 4], [1, 0, 0, 0, 5, 6, 0, 0, 9, 10, 11, 0]);
    expectValues(x34().tril(1), [3, 4], [1, 2, 0, 0, 5, 6, 7, 0, 9, 10, 11, 12]);
    expectValues(x34().tril(-2), [3, 4], [0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0]);
    expectValues(c.triu(x34()), [3, 4], [1, 2, 3, 4, 0, 6, 7, 8, 0, 0, 11, 12]);
    expectValues(x34().triu(2), [3, 4], [0, 0, 3, 4, 0, 0, 0, 8, 0, 0, 0, 0]);
    expectValues(x34().triu(-1), [3, 4], [1, 2, 3, 4, 5, 6, 7, 8, 0, 10, 11, 12]);
  });
  test('batched, int32 keeps its dtype', () => {
    const b = c.ones([2, 2, 2], { dtype: 'int32' }).tril();
    expect(b.dtype).toBe('int32');
    expectValues(b, [2, 2, 2], [1, 0, 1, 1, 1, 0, 1, 1]);
  });
  test('gradient is masked the same way', () => {
    const x = c.ones([2, 2], { dtype: 'float64', requiresGrad: true });
    x.triu().sum().backward();
    expectValues(x.grad!, [2, 2], [1, 1, 0, 1]);
  });
  test('errors', () => {
    expect(() => c.tril(f64([1, 2], [2]))).toThrow(/tril: input tensor must have at least 2 dimensions, got shape \[2\]/);
    expect(() => x34().triu(0.5)).toThrow(/triu: diagonal must be an integer/);
  });
});

describe('diagonal and diagEmbed', () => {
  test('diagonal: offsets, dims, a view sharing storage', () => {
    expectValues(c.diagonal(x34()), [3], [1, 6, 11]);
    expectValues(x34().diagonal(1), [3], [2, 7, 12]);
    expectValues(x34().diagonal(2), [2], [3, 8]);
    expectValues(x34().diagonal(-1), [2], [5, 10]);
    expectValues(x34().diagonal(5), [0], []);
    const y = f64(Array.from({ length: 8 }, (_, i) => i), [2, 2, 2]);
    expectValues(y.diagonal(0, 0, 2), [2, 2], [0, 5, 2, 7]);
    expectValues(y.diagonal(0, -1, -2), [2, 2], [0, 3, 4, 7]);
    const x = x34();
    x.diagonal().fill_(0);
    expectValues(x.diagonal(), [3], [0, 0, 0]);
  });
  test('diagEmbed: offsets and dims', () => {
    expectValues(c.diagEmbed(f64([1, 2], [2])), [2, 2], [1, 0, 0, 2]);
    expectValues(f64([1, 2], [2]).diagEmbed(1), [3, 3], [0, 1, 0, 0, 0, 2, 0, 0, 0]);
    expectValues(f64([1, 2], [2]).diagEmbed(-1), [3, 3], [0, 0, 0, 1, 0, 0, 0, 2, 0]);
    // x [2, 2]: rows of x become diagonals over dims 0 and 2: out[i, b, i] = x[b, i].
    expectValues(f64([1, 2, 3, 4], [2, 2]).diagEmbed(0, 0, 2), [2, 2, 2], [1, 0, 3, 0, 0, 2, 0, 4]);
  });
  test('gradients: each is the other\'s adjoint', () => {
    const x = x34().requiresGrad_();
    x.diagonal(1).mul(f64([1, 2, 3], [3])).sum().backward();
    expectValues(x.grad!, [3, 4], [0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3]);
    const v = f64([1, 2], [2]).requiresGrad_();
    v.diagEmbed(-1).mul(x34().narrow(1, 0, 3)).sum().backward();
    expectValues(v.grad!, [2], [5, 10]);
  });
  test('errors', () => {
    expect(() => c.diagonal(f64([1], [1]))).toThrow(/diagonal: expected a tensor with at least 2 dims/);
    expect(() => x34().diagonal(0, 1, -1)).toThrow(/diagonal: dim1 and dim2 cannot be the same dim/);
    expect(() => x34().diagonal(0, 0, 2)).toThrow(/diagonal: dim 2 is out of range for a tensor of rank 2/);
    expect(() => f64([1, 2], [2]).diagEmbed(0, 0, 0)).toThrow(/diagEmbed: dim1 and dim2 cannot be the same dim/);
    expect(() => f64([2], []).diagEmbed()).toThrow(/diagEmbed: expected a tensor with at least 1 dim/);
  });
});
