/**
 * What every kernel shares: the parameter slot (binding 0, 64 words read as u32/i32/f32), the linear
 * workgroup id over a 2-D grid, and the strided offset of an operand. Slot layout used by the
 * elementwise, copy and indexing kernels: [0] n, [1] rank, [2] 1 when every operand is flat, [4+k]
 * offset of operand k, [8..15] the iteration shape, [16+8k..23+8k] operand k's strides (k < 3),
 * [40..] kernel-specific values.
 */
export type WgslType = 'f32' | 'i32' | 'u32';

export const HEADER = /* wgsl */ `
struct P { v: array<vec4<u32>, 16> };
@group(0) @binding(0) var<uniform> p: P;
fn pu(k: u32) -> u32 { return p.v[k / 4u][k % 4u]; }
fn pi(k: u32) -> i32 { return bitcast<i32>(pu(k)); }
fn pf(k: u32) -> f32 { return bitcast<f32>(pu(k)); }
fn offsetOf(i: u32, k: u32) -> u32 {
  if (pu(2u) == 1u) { return pu(4u + k) + i; }
  var rem = i;
  var o = pi(4u + k);
  for (var d = pu(1u); d > 0u; d--) {
    let s = pu(7u + d);
    o += i32(rem % s) * pi(15u + 8u * k + d);
    rem = rem / s;
  }
  return u32(o);
}
`;

/** The kernel entry point for 64-wide 1-D kernels: \`i\` is the global invocation index. */
export const MAIN_1D = /* wgsl */ `@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 64u + lid;`;

/** Scalar helpers with PyTorch's semantics where WGSL's builtins differ (NaN tests, stable tanh/sigmoid, pow of negatives). */
export const MATH = /* wgsl */ `
fn isnanf(x: f32) -> bool { let b = bitcast<u32>(x); return (b & 0x7f800000u) == 0x7f800000u && (b & 0x7fffffu) != 0u; }
fn isinff(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// NaN and ∞ built at run time (slot word 63 is always 0): WGSL refuses them as constants.
fn nanf() -> f32 { return bitcast<f32>(pu(63u) | 0x7fc00000u); }
fn inff() -> f32 { return bitcast<f32>(pu(63u) | 0x7f800000u); }
fn expm1f(x: f32) -> f32 { if (abs(x) < 1e-3) { return x + 0.5 * x * x + x * x * x / 6.0; } return exp(x) - 1.0; }
fn log1pf(x: f32) -> f32 { let u = 1.0 + x; if (u == 1.0) { return x; } return log(u) * x / (u - 1.0); }
fn tanhf(x: f32) -> f32 { let e = exp(-2.0 * abs(x)); let t = (1.0 - e) / (1.0 + e); return select(t, -t, x < 0.0); }
fn sigmoidf(x: f32) -> f32 { if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); } let e = exp(x); return e / (1.0 + e); }
fn erff(x: f32) -> f32 {
  let a = abs(x);
  var y: f32;
  if (a < 0.5) {
    let z = x * x;
    y = a * 1.1283791671 * (1.0 - z / 3.0 + z * z / 10.0 - z * z * z / 42.0 + z * z * z * z / 216.0);
  } else {
    let t = 1.0 / (1.0 + 0.3275911 * a);
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
  }
  return select(y, -y, x < 0.0);
}
// sin/cos to ~1 ulp (WGSL's builtins only promise 2^-11 absolute): reduce by 2π in two parts, fold to
// [-π/2, π/2], then Taylor series to the 13th power (truncation < 1e-9 there).
fn reduceAngle(x: f32) -> f32 {
  let k = round(x * 0.15915494309189535);
  return (x - k * 6.28125) - k * 0.0019353071795864769;
}
fn sinPoly(r: f32) -> f32 {
  let z = r * r;
  return r * (1.0 + z * (-1.0 / 6.0 + z * (1.0 / 120.0 + z * (-1.0 / 5040.0 + z * (1.0 / 362880.0 + z * (-1.0 / 39916800.0 + z / 6227020800.0))))));
}
fn sinf(x: f32) -> f32 {
  var r = reduceAngle(x);
  if (r > 1.5707963267948966) { r = 3.141592653589793 - r; } else if (r < -1.5707963267948966) { r = -3.141592653589793 - r; }
  return sinPoly(r);
}
fn cosf(x: f32) -> f32 {
  var r = reduceAngle(x);
  var s = 1.0;
  if (r > 1.5707963267948966) { r = 3.141592653589793 - r; s = -1.0; } else if (r < -1.5707963267948966) { r = -3.141592653589793 - r; s = -1.0; }
  let z = r * r;
  return s * (1.0 + z * (-0.5 + z * (1.0 / 24.0 + z * (-1.0 / 720.0 + z * (1.0 / 40320.0 + z * (-1.0 / 3628800.0 + z * (1.0 / 479001600.0 - z / 87178291200.0)))))));
}
fn clampf(x: f32, lo: f32, hi: f32) -> f32 { let m = select(x, lo, x < lo); return select(m, hi, m > hi); }
fn softplusf(x: f32, beta: f32, threshold: f32) -> f32 {
  let z = beta * x;
  if (z > threshold) { return x; }
  return (max(z, 0.0) + log1pf(exp(-abs(z)))) / beta;
}
fn powf(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (y == 1.0) { return x; }
  if (y == 2.0) { return x * x; }
  if (x == 0.0) { return select(0.0, inff(), y < 0.0); }
  if (x > 0.0) { return exp2(y * log2(x)); }
  if (floor(y) != y) { return nanf(); }
  let r = exp2(y * log2(-x));
  return select(r, -r, abs(y) % 2.0 == 1.0);
}
`;
