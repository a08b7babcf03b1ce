// WebAssembly SIMD float32 elementwise and row-softmax kernels (AssemblyScript; compiled into
// the same module as gemm.as by scripts/build-wasm.mjs, so they share one linear memory).
// The float32 ops of a training step call them through kernels/elementwise.ts (relu and its
// backward, softmax and log-softmax along a contiguous last dim). All pointers are byte offsets into this module's memory;
// output may alias an input (every lane is read before it is written).

/** out[i] = a[i] + b[i] */
export function addF32(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) { v128.store(out, f32x4.add(v128.load(a), v128.load(b))); a += 16; b += 16; out += 16; }
  for (; i < n; i++) { store<f32>(out, load<f32>(a) + load<f32>(b)); a += 4; b += 4; out += 4; }
}

/** out[i] = a[i] * b[i] */
export function mulF32(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) { v128.store(out, f32x4.mul(v128.load(a), v128.load(b))); a += 16; b += 16; out += 16; }
  for (; i < n; i++) { store<f32>(out, load<f32>(a) * load<f32>(b)); a += 4; b += 4; out += 4; }
}

/** out[i] = a[i] < 0 ? 0 : a[i]: NaN and -0 stay as they are, as in PyTorch's relu (clamp_min(x, 0)). */
export function reluF32(a: usize, out: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x = v128.load(a);
    v128.store(out, v128.bitselect(z, x, f32x4.lt(x, z)));
    a += 16; out += 16;
  }
  for (; i < n; i++) { const x = load<f32>(a); store<f32>(out, x < 0 ? <f32>0 : x); a += 4; out += 4; }
}

/** relu's backward (PyTorch's threshold_backward): out[i] = y[i] <= 0 ? 0 : g[i], so a NaN y passes g through. */
export function reluBackwardF32(g: usize, y: usize, out: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(out, v128.andnot(v128.load(g), f32x4.le(v128.load(y), z)));
    g += 16; y += 16; out += 16;
  }
  for (; i < n; i++) { store<f32>(out, load<f32>(y) <= 0 ? <f32>0 : load<f32>(g)); g += 4; y += 4; out += 4; }
}

/**
 * Column sums of a rows x cols float32 matrix (a bias gradient, g.sum(0)): out[j] = Σ_r x[r, j],
 * accumulated in float64 in row order at acc (cols float64 of scratch) and rounded to float32 once —
 * the same arithmetic as the JS path (ops/reduce.ts leadingSum), so the two agree bit for bit.
 */
export function sumRowsF32(x: usize, out: usize, acc: usize, rows: i32, cols: i32): void {
  for (let j = 0; j < cols; j++) store<f64>(acc + <usize>j * 8, 0);
  for (let r = 0; r < rows; r++) {
    let a = acc, p = x + <usize>r * <usize>cols * 4;
    let j = 0;
    for (; j + 2 <= cols; j += 2) {
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v128.load64_zero(p))));
      a += 16; p += 8;
    }
    if (j < cols) store<f64>(a, load<f64>(a) + <f64>load<f32>(p));
  }
  let j = 0;
  for (; j + 2 <= cols; j += 2) v128.store64_lane(out + <usize>j * 4, f32x4.demote_f64x2_zero(v128.load(acc + <usize>j * 8)), 0);
  if (j < cols) store<f32>(out + <usize>j * 4, <f32>load<f64>(acc + <usize>j * 8));
}

const EXP_LO: f32 = -103.97208; // ln(2^-150): below this exp(x) rounds to 0 in float32

/**
 * exp(x) for x <= 0, 4 lanes (Cephes expf: range reduction by ln 2, degree-5 polynomial,
 * ~1 ulp). Results below 2^-126 come out as float32 subnormals, as Math.exp rounded to float32
 * gives them: 2^n is applied as 2^(n+64) · 2^-64, both exact scalings until the last one rounds
 * once into the subnormal range. x < EXP_LO (including -Infinity) gives 0; NaN gives NaN (pmax keeps a NaN x0, as max
 * would, in one instruction where max is a NaN-checking sequence on x86).
 */
@inline function expNonPositive(x0: v128): v128 {
  const x1 = f32x4.pmax(x0, f32x4.splat(EXP_LO));
  const fx = f32x4.nearest(f32x4.mul(x1, f32x4.splat(1.44269504088896341)));
  let x = f32x4.sub(x1, f32x4.mul(fx, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, x), x), x), f32x4.splat(1));
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127 + 64)), 23);
  const r = f32x4.mul(f32x4.mul(y, pow2), f32x4.splat(5.421010862427522e-20)); // · 2^-64
  return v128.bitselect(f32x4.splat(0), r, f32x4.lt(x0, f32x4.splat(EXP_LO)));
}

/** Scalar twin of expNonPositive for row tails, so every element gets the same rounding. */
@inline function expNonPositive1(x: f32): f32 {
  return f32x4.extract_lane(expNonPositive(f32x4.splat(x)), 0);
}

/**
 * ln(s) for s >= 1 (a softmax denominator: the max term contributes exactly 1), NaN for NaN.
 * Hand-rolled instead of Math.log because AssemblyScript's Math.log reads lookup tables from
 * a data segment in linear memory, and the JS side uses all of linear memory as scratch.
 * s = 2^e · m with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(f), f = (m - 1)/(m + 1), |f| < 0.172,
 * so the odd series to f^15 is accurate to ~1e-14, far below float32 resolution.
 */
@inline function lnAtLeastOne(s: f64): f64 {
  if (s != s) return s;
  const bits = reinterpret<u64>(s);
  let e = <i32>((bits >> 52) & 0x7ff) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) { m *= 0.5; e++; }
  const f = (m - 1) / (m + 1);
  const f2 = f * f;
  const series = 1 + f2 * (1.0 / 3 + f2 * (1.0 / 5 + f2 * (1.0 / 7 + f2 * (1.0 / 9 + f2 * (1.0 / 11 + f2 * (1.0 / 13 + f2 / 15))))));
  return <f64>e * 0.6931471805599453 + 2 * f * series;
}

/**
 * Row-wise softmax (log = 0) or log-softmax (log = 1) of a rows x cols matrix, rows
 * contiguous: out[r, j] = exp(x[r, j] - max_r) / sum_r, or x[r, j] - max_r - log(sum_r).
 */
export function softmaxRowsF32(x: usize, out: usize, rows: i32, cols: i32, log: i32): void {
  const rowBytes = <usize>cols * 4;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const orow = out + <usize>r * rowBytes;
    // max (NaN-propagating, so a NaN row stays NaN as in PyTorch)
    let vm = f32x4.splat(-Infinity);
    let j = 0;
    for (; j + 4 <= cols; j += 4) vm = f32x4.max(vm, v128.load(xr + <usize>j * 4));
    let m = max(max(f32x4.extract_lane(vm, 0), f32x4.extract_lane(vm, 1)), max(f32x4.extract_lane(vm, 2), f32x4.extract_lane(vm, 3)));
    for (; j < cols; j++) m = max(m, load<f32>(xr + <usize>j * 4));
    const mv = f32x4.splat(m);
    // sum of exp(x - max); softmax stores the exponentials on the way
    let vs = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const e = expNonPositive(f32x4.sub(v128.load(xr + <usize>j * 4), mv));
      if (!log) v128.store(orow + <usize>j * 4, e);
      vs = f32x4.add(vs, e);
    }
    let s = f32x4.extract_lane(vs, 0) + f32x4.extract_lane(vs, 1) + f32x4.extract_lane(vs, 2) + f32x4.extract_lane(vs, 3);
    for (; j < cols; j++) {
      const e = expNonPositive1(load<f32>(xr + <usize>j * 4) - m);
      if (!log) store<f32>(orow + <usize>j * 4, e);
      s += e;
    }
    j = 0;
    if (log) {
      // (x - max) - log(sum), in that order, as PyTorch does (keeps precision when max is large)
      const lse = <f32>lnAtLeastOne(<f64>s);
      const lv = f32x4.splat(lse);
      for (; j + 4 <= cols; j += 4) {
        v128.store(orow + <usize>j * 4, f32x4.sub(f32x4.sub(v128.load(xr + <usize>j * 4), mv), lv));
      }
      for (; j < cols; j++) store<f32>(orow + <usize>j * 4, load<f32>(xr + <usize>j * 4) - m - lse);
    } else {
      const inv = f32x4.splat(<f32>1 / s);
      for (; j + 4 <= cols; j += 4) v128.store(orow + <usize>j * 4, f32x4.mul(v128.load(orow + <usize>j * 4), inv));
      const iv = f32x4.extract_lane(inv, 0);
      for (; j < cols; j++) store<f32>(orow + <usize>j * 4, load<f32>(orow + <usize>j * 4) * iv);
    }
  }
}

// recurrent cells (issue 13): the elementwise half of an LSTM step for ops/rnn-cell.ts.

/** σ(x) for 4 lanes from e = exp(-|x|): 1/(1 + e) for x >= 0, e/(1 + e) below (no cancellation); NaN gives NaN. */
@inline function sigmoid4(x: v128): v128 {
  const e = expNonPositive(f32x4.neg(f32x4.abs(x)));
  const r = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(x, f32x4.splat(0)));
}

/**
 * tanh(x) for 4 lanes (Cephes tanhf): the odd polynomial x + x·z·P(z), z = x², for |x| < 0.625, else
 * sign(x)·(1 − e)/(1 + e) with e = exp(−2|x|) (which is at most 0.29 there, so no cancellation). NaN gives NaN.
 */
@inline function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = expNonPositive(f32x4.mul(ax, f32x4.splat(-2)));
  const big = v128.or(f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e)), v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, big, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** Loads 4 lanes, or (tail) one element into lane 0. */
@inline function ld(p: usize, full: bool): v128 {
  return full ? v128.load(p) : f32x4.splat(load<f32>(p));
}

/** Stores 4 lanes, or (tail) lane 0. */
@inline function st(p: usize, v: v128, full: bool): void {
  if (full) v128.store(p, v); else store<f32>(p, f32x4.extract_lane(v, 0));
}

@inline function lstmLanes(gx: usize, gh: usize, c: usize, out: usize, acts: usize, n: i32, H: i32, r: i32, j: i32, full: bool): void {
  const g0 = <usize>(r * 4 * H + j) * 4, s0 = <usize>(r * H + j) * 4, plane = <usize>n * 4, gate = <usize>H * 4;
  const i = sigmoid4(f32x4.add(ld(gx + g0, full), ld(gh + g0, full)));
  const f = sigmoid4(f32x4.add(ld(gx + g0 + gate, full), ld(gh + g0 + gate, full)));
  const g = tanh4(f32x4.add(ld(gx + g0 + 2 * gate, full), ld(gh + g0 + 2 * gate, full)));
  const o = sigmoid4(f32x4.add(ld(gx + g0 + 3 * gate, full), ld(gh + g0 + 3 * gate, full)));
  const c2 = f32x4.add(f32x4.mul(f, ld(c + s0, full)), f32x4.mul(i, g));
  const tc = tanh4(c2);
  st(out + s0, f32x4.mul(o, tc), full);
  st(out + plane + s0, c2, full);
  if (acts != 0) {
    st(acts + s0, i, full); st(acts + plane + s0, f, full); st(acts + 2 * plane + s0, g, full);
    st(acts + 3 * plane + s0, o, full); st(acts + 4 * plane + s0, tc, full);
  }
}

/**
 * One LSTM cell update, gate order i, f, g, o: gx, gh [rows, 4H], c [rows, H]; writes out [2, rows, H]
 * (h', c') and, when acts is not 0, the activations i, f, g, o, tanh(c') as five [rows, H] planes.
 */
export function lstmCellF32(gx: usize, gh: usize, c: usize, out: usize, acts: usize, rows: i32, H: i32): void {
  const n = rows * H;
  for (let r = 0; r < rows; r++) {
    let j = 0;
    for (; j + 4 <= H; j += 4) lstmLanes(gx, gh, c, out, acts, n, H, r, j, true);
    for (; j < H; j++) lstmLanes(gx, gh, c, out, acts, n, H, r, j, false);
  }
}

@inline function lstmBackLanes(gr: usize, acts: usize, c: usize, dg: usize, dc: usize, n: i32, H: i32, r: i32, j: i32, full: bool): void {
  const g0 = <usize>(r * 4 * H + j) * 4, s0 = <usize>(r * H + j) * 4, plane = <usize>n * 4, gate = <usize>H * 4;
  const one = f32x4.splat(1);
  const i = ld(acts + s0, full), f = ld(acts + plane + s0, full), g = ld(acts + 2 * plane + s0, full);
  const o = ld(acts + 3 * plane + s0, full), tc = ld(acts + 4 * plane + s0, full);
  const gH = ld(gr + s0, full);
  const dct = f32x4.add(ld(gr + plane + s0, full), f32x4.mul(f32x4.mul(gH, o), f32x4.sub(one, f32x4.mul(tc, tc))));
  st(dg + g0, f32x4.mul(f32x4.mul(dct, g), f32x4.mul(i, f32x4.sub(one, i))), full);
  st(dg + g0 + gate, f32x4.mul(f32x4.mul(dct, ld(c + s0, full)), f32x4.mul(f, f32x4.sub(one, f))), full);
  st(dg + g0 + 2 * gate, f32x4.mul(f32x4.mul(dct, i), f32x4.sub(one, f32x4.mul(g, g))), full);
  st(dg + g0 + 3 * gate, f32x4.mul(f32x4.mul(gH, tc), f32x4.mul(o, f32x4.sub(one, o))), full);
  st(dc + s0, f32x4.mul(dct, f), full);
}

/**
 * lstmCellF32's backward from its activations: grad [2, rows, H] (∂L/∂h', ∂L/∂c'), acts as written by
 * lstmCellF32, c [rows, H]; writes dg [rows, 4H] (∂L/∂(gx + gh)) and dc [rows, H].
 */
export function lstmCellBackwardF32(grad: usize, acts: usize, c: usize, dg: usize, dc: usize, rows: i32, H: i32): void {
  const n = rows * H;
  for (let r = 0; r < rows; r++) {
    let j = 0;
    for (; j + 4 <= H; j += 4) lstmBackLanes(grad, acts, c, dg, dc, n, H, r, j, true);
    for (; j < H; j++) lstmBackLanes(grad, acts, c, dg, dc, n, H, r, j, false);
  }
}
