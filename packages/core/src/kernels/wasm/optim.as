// WebAssembly SIMD optimizer updates for float32 parameters (AssemblyScript; compiled into the
// kernel module with gemm.as and elementwise.as by scripts/build-wasm.mjs). Called through
// kernels/optim-update.ts by @tapegrad/optim's SGD and Adam/AdamW.
//
// Arithmetic: float32 lanes in the order of PyTorch 1.13's `_single_tensor_sgd` / `_single_tensor_adam`
// tensor ops, with every scalar rounded to float32 (as PyTorch's float32 kernels take them) and one
// rounding per operation — except the `add_(t, alpha)` steps, which PyTorch's vectorized CPU kernels
// fuse (an FMA on AVX2 machines): madd() fuses them too in the relaxed-SIMD build; in the plain build
// they round the product first, so a result can differ from PyTorch's in the last bits. Widening to float64
// lanes (to match the plain-JS loop bit for bit) was tried: the conversions made it no faster than JS.
// All pointers are byte offsets into this module's memory, 16-byte aligned; tails run the same
// operations on one lane.

@inline function splat(v: f32): v128 { return f32x4.splat(v); }

/**
 * c + a·b for the steps PyTorch writes as `add_(t, alpha)`, which its vectorized CPU kernels compute
 * as a fused multiply-add (`vec::fmadd`): fused in the relaxed-SIMD build (where the CPU has FMA),
 * a multiply then an add otherwise.
 */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Plain SGD: x = x + (-lr)·g. */
export function sgdF32(x: usize, g: usize, n: i32, nlr: f32): void {
  const s = splat(nlr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(x, madd(s, v128.load(g), v128.load(x)));
    x += 16; g += 16;
  }
  for (; i < n; i++) {
    store<f32>(x, f32x4.extract_lane(madd(s, v128.load32_zero(g), v128.load32_zero(x)), 0));
    x += 4; g += 4;
  }
}

/** SGD with plain momentum (no dampening or Nesterov, after the first step): b = b·μ + g, then x = x + (-lr)·b. */
export function sgdMomentumF32(x: usize, g: usize, b: usize, n: i32, nlr: f32, mu: f32): void {
  const s = splat(nlr), m = splat(mu);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const nb = f32x4.add(f32x4.mul(v128.load(b), m), v128.load(g));
    v128.store(b, nb);
    v128.store(x, madd(s, nb, v128.load(x)));
    x += 16; g += 16; b += 16;
  }
  for (; i < n; i++) {
    const nb = f32x4.add(f32x4.mul(v128.load32_zero(b), m), v128.load32_zero(g));
    v128.store32_lane(b, nb, 0);
    v128.store32_lane(x, madd(s, nb, v128.load32_zero(x)), 0);
    x += 4; g += 4; b += 4;
  }
}

// adamLanes' other two results (module globals; after inlining they stay in registers).
let outM: v128 = f32x4.splat(0);
let outV: v128 = f32x4.splat(0);

/**
 * Adam on four lanes, PyTorch's op order: [AdamW: x ← x·decay]; [Adam L2: g ← g + wd·x];
 * m ← m·β1 + (1−β1)·g; v ← v·β2 + ((1−β2)·g)·g; denom ← sqrt(v)/bc2 + eps; x ← x + (−step·m)/denom.
 * Returns the new x; the new m and v are left in outM and outV.
 */
@inline function adamLanes(
  x: v128, g: v128, m: v128, v: v128,
  b1: v128, b2: v128, c1: v128, c2: v128, nstep: v128, bc2: v128, eps: v128, wd: v128, decay: v128, sign: v128,
  decoupled: bool, l2: bool, negate: bool,
): v128 {
  let gi = negate ? f32x4.mul(sign, g) : g;
  let xi = decoupled ? f32x4.mul(x, decay) : x;
  if (l2) gi = madd(wd, xi, gi); // grad.add(param, alpha=wd)
  const mi = madd(c1, gi, f32x4.mul(m, b1)); // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
  const vi = f32x4.add(f32x4.mul(v, b2), f32x4.mul(f32x4.mul(c2, gi), gi));
  const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), bc2), eps);
  outM = mi;
  outV = vi;
  return f32x4.add(xi, f32x4.div(f32x4.mul(nstep, mi), denom));
}

/**
 * Adam / AdamW without AMSGrad: `decay` is AdamW's factor 1 − lr·wd (1 for Adam), `wd` Adam's L2
 * coefficient (0 for AdamW), `sign` −1 to maximize; `c1` = 1 − β1 and `c2` = 1 − β2 (computed in float64 by the
 * caller, then rounded, as PyTorch passes alpha=1 - beta1), `stepSize` = lr / (1 − β1^t), `bc2Sqrt` = sqrt(1 − β2^t).
 */
export function adamF32(
  x: usize, g: usize, m: usize, v: usize, n: i32,
  beta1: f32, beta2: f32, c1: f32, c2: f32, stepSize: f32, bc2Sqrt: f32, eps: f32, wd: f32, decay: f32, sign: f32,
): void {
  const decoupled = decay != 1, l2 = wd != 0, negate = sign != 1;
  const B1 = splat(beta1), B2 = splat(beta2), C1 = splat(c1), C2 = splat(c2);
  const NS = splat(-stepSize), BC = splat(bc2Sqrt), EPS = splat(eps), WD = splat(wd), DEC = splat(decay), SG = splat(sign);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(x, adamLanes(v128.load(x), v128.load(g), v128.load(m), v128.load(v), B1, B2, C1, C2, NS, BC, EPS, WD, DEC, SG, decoupled, l2, negate));
    v128.store(m, outM);
    v128.store(v, outV);
    x += 16; g += 16; m += 16; v += 16;
  }
  for (; i < n; i++) {
    const xn = adamLanes(v128.load32_zero(x), v128.load32_zero(g), v128.load32_zero(m), v128.load32_zero(v), B1, B2, C1, C2, NS, BC, EPS, WD, DEC, SG, decoupled, l2, negate);
    v128.store32_lane(x, xn, 0);
    v128.store32_lane(m, outM, 0);
    v128.store32_lane(v, outV, 0);
    x += 4; g += 4; m += 4; v += 4;
  }
}
