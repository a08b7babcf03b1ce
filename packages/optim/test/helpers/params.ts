/** Small builders for the optimizer tests. */
import { Tensor, tensor } from '@tapegrad/core';

/** A float64 leaf that requires grad. */
export function param(data: number[] | number[][], dtype: 'float32' | 'float64' = 'float64'): Tensor {
  return tensor(data, { dtype, requiresGrad: true });
}

/** Sets p.grad to the given values (same shape and dtype as p). */
export function setGrad(p: Tensor, data: number[] | number[][]): void {
  p.grad = tensor(data, { dtype: p.dtype }).reshape(p.shape);
}

export const values = (t: Tensor): number[] => Array.from(t.dataSync());

/** Element-wise |a - b| <= tol. */
export function expectValues(t: Tensor | number[], expected: number[], tol = 1e-15): void {
  const a = Array.isArray(t) ? t : values(t);
  expect(a.length).toBe(expected.length);
  a.forEach((v, i) => {
    if (!(Math.abs(v - expected[i]) <= tol)) throw new Error(`element ${i}: ${v}, expected ${expected[i]} (tol ${tol})\nactual ${a.join(', ')}`);
  });
}
