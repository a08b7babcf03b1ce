/** Shared assertions for the nn tests. */
import { Tensor } from '@tapegrad/core';

/** Flattens nested arrays of numbers. */
export function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x as number];
}

/** Asserts t's values (row-major) equal `want` within |a−b| <= tol·max(1, |b|). NaN matches NaN. */
export function expectClose(t: Tensor | null | undefined, want: unknown, tol = 1e-10): void {
  if (!t) throw new Error('expectClose: got no tensor');
  const got = Array.from(t.dataSync());
  const w = flat(want);
  expect(got.length).toBe(w.length);
  for (let i = 0; i < w.length; i++) {
    if (Number.isNaN(w[i])) {
      expect(got[i]).toBeNaN();
      continue;
    }
    const err = Math.abs(got[i] - w[i]);
    if (!(err <= tol * Math.max(1, Math.abs(w[i])))) {
      throw new Error(`expectClose: element ${i}: got ${got[i]}, want ${w[i]} (|diff| ${err.toExponential(2)}, tol ${tol})`);
    }
  }
}
