/**
 * Deterministic float32 test data for the kernel tests: a linear congruential stream in [−scale, scale),
 * the same values on every run and platform (no dependence on Math.random or the tensor generator).
 */
export function randomF32(n: number, seed: number, scale = 1): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 2 ** 31 - 1) * scale;
  }
  return x;
}
