// WebAssembly SIMD row kernels of a Transformer layer (AssemblyScript; compiled into the kernel module
// with elementwise.as by scripts/build-wasm.mjs): layer normalisation forward and its fused backward
// (ops/layer-norm.ts), and the attention softmax softmax(scores·scale + bias) with its backward
// (@tapegrad/nn's scaledMaskedSoftmax), called through kernels/row-kernels.ts for float32 data.
//
// Arithmetic: the same float64 expressions per element as the plain-JS loops they replace, in f64x2
// lanes, rounded to float32 once; only the per-row sums (mean, variance, the backward's dot products)
// are accumulated in two lanes instead of one, so they can differ from the JS loops in the last bits.
// Column sums over rows (layer norm's weight and bias gradients) keep the JS order exactly. The
// softmax itself is elementwise.as's softmaxRowsF32 (the same exp as softmax()).
// All pointers are byte offsets into this module's memory, 16-byte aligned (row pointers need not be).

import { softmaxRowsF32 } from './elementwise';

/** Two float32 at p as f64x2. */
@inline function ld2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Stores f64x2 v at p as two float32. */
@inline function st2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * Layer norm of `rows` contiguous rows of C float32: out = (x − mean)·rstd [·w] [+ b] (w, b: C float32,
 * 0 when absent), with rstd = 1/√(var + eps) (biased variance); writes mean and rstd per row as float64
 * at stats (2·rows: all means, then all rstds).
 */
export function layerNormF32(x: usize, w: usize, b: usize, out: usize, stats: usize, rows: i32, C: i32, eps: f64): void {
  const rowBytes = <usize>C * 4;
  const rstdAt = stats + <usize>rows * 8;
  const invC = <f64>C;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes, orow = out + <usize>r * rowBytes;
    let vs = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= C; j += 2) vs = f64x2.add(vs, ld2(xr + <usize>j * 4));
    let s = hsum(vs);
    for (; j < C; j++) s += <f64>load<f32>(xr + <usize>j * 4);
    const m = s / invC;
    const mv = f64x2.splat(m);
    let vv = f64x2.splat(0);
    j = 0;
    for (; j + 2 <= C; j += 2) {
      const d = f64x2.sub(ld2(xr + <usize>j * 4), mv);
      vv = f64x2.add(vv, f64x2.mul(d, d));
    }
    let v = hsum(vv);
    for (; j < C; j++) {
      const d = <f64>load<f32>(xr + <usize>j * 4) - m;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / invC + eps);
    store<f64>(stats + <usize>r * 8, m);
    store<f64>(rstdAt + <usize>r * 8, rs);
    const rv = f64x2.splat(rs);
    j = 0;
    for (; j + 2 <= C; j += 2) {
      let y = f64x2.mul(f64x2.sub(ld2(xr + <usize>j * 4), mv), rv);
      if (w) y = f64x2.mul(y, ld2(w + <usize>j * 4));
      if (b) y = f64x2.add(y, ld2(b + <usize>j * 4));
      st2(orow + <usize>j * 4, y);
    }
    for (; j < C; j++) {
      let y = (<f64>load<f32>(xr + <usize>j * 4) - m) * rs;
      if (w) y *= <f64>load<f32>(w + <usize>j * 4);
      if (b) y += <f64>load<f32>(b + <usize>j * 4);
      store<f32>(orow + <usize>j * 4, <f32>y);
    }
  }
}

/**
 * layerNormF32's fused backward from its stats: g, x [rows, C] float32, w (C float32 or 0). Writes
 * dx [rows, C] float32 (when dx is not 0): rstd·(g·w − mean(g·w) − x̂·mean(g·w·x̂)); and adds
 * Σ_rows g·x̂ into dw and Σ_rows g into db (C float64 accumulators each, zeroed here; 0 when not wanted).
 */
export function layerNormBackwardF32(g: usize, x: usize, w: usize, stats: usize, dx: usize, dw: usize, db: usize, rows: i32, C: i32): void {
  const rowBytes = <usize>C * 4;
  const rstdAt = stats + <usize>rows * 8;
  for (let j = 0; j < C; j++) {
    if (dw) store<f64>(dw + <usize>j * 8, 0);
    if (db) store<f64>(db + <usize>j * 8, 0);
  }
  const invC = <f64>C;
  for (let r = 0; r < rows; r++) {
    const gr = g + <usize>r * rowBytes, xr = x + <usize>r * rowBytes;
    const m = load<f64>(stats + <usize>r * 8), rs = load<f64>(rstdAt + <usize>r * 8);
    const mv = f64x2.splat(m), rv = f64x2.splat(rs);
    let v1 = f64x2.splat(0), v2 = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= C; j += 2) {
      const xh = f64x2.mul(f64x2.sub(ld2(xr + <usize>j * 4), mv), rv);
      const gv = ld2(gr + <usize>j * 4);
      const gw = w ? f64x2.mul(gv, ld2(w + <usize>j * 4)) : gv;
      v1 = f64x2.add(v1, gw);
      v2 = f64x2.add(v2, f64x2.mul(gw, xh));
      if (dw) v128.store(dw + <usize>j * 8, f64x2.add(v128.load(dw + <usize>j * 8), f64x2.mul(gv, xh)));
      if (db) v128.store(db + <usize>j * 8, f64x2.add(v128.load(db + <usize>j * 8), gv));
    }
    let s1 = hsum(v1), s2 = hsum(v2);
    for (; j < C; j++) {
      const xh = (<f64>load<f32>(xr + <usize>j * 4) - m) * rs;
      const gv = <f64>load<f32>(gr + <usize>j * 4);
      const gw = w ? gv * <f64>load<f32>(w + <usize>j * 4) : gv;
      s1 += gw;
      s2 += gw * xh;
      if (dw) store<f64>(dw + <usize>j * 8, load<f64>(dw + <usize>j * 8) + gv * xh);
      if (db) store<f64>(db + <usize>j * 8, load<f64>(db + <usize>j * 8) + gv);
    }
    if (!dx) continue;
    s1 /= invC;
    s2 /= invC;
    const dr = dx + <usize>r * rowBytes;
    const s1v = f64x2.splat(s1), s2v = f64x2.splat(s2);
    j = 0;
    for (; j + 2 <= C; j += 2) {
      const xh = f64x2.mul(f64x2.sub(ld2(xr + <usize>j * 4), mv), rv);
      const gv = ld2(gr + <usize>j * 4);
      const gw = w ? f64x2.mul(gv, ld2(w + <usize>j * 4)) : gv;
      st2(dr + <usize>j * 4, f64x2.mul(rv, f64x2.sub(f64x2.sub(gw, s1v), f64x2.mul(xh, s2v))));
    }
    for (; j < C; j++) {
      const xh = (<f64>load<f32>(xr + <usize>j * 4) - m) * rs;
      const gv = <f64>load<f32>(gr + <usize>j * 4);
      const gw = w ? gv * <f64>load<f32>(w + <usize>j * 4) : gv;
      store<f32>(dr + <usize>j * 4, <f32>(rs * (gw - s1 - xh * s2)));
    }
  }
}

/**
 * softmax(x·scale + bias) of `rows` contiguous rows of S float32 into out (may alias x). bias: float32
 * data, 0 when absent; row r reads S contiguous values at element offset rowOff[r] (rowOff: rows int32).
 * z = x·scale + bias is computed in float64 and rounded once, then softmaxRowsF32 runs on the row.
 */
export function scaledSoftmaxF32(x: usize, bias: usize, rowOff: usize, out: usize, rows: i32, S: i32, scale: f64): void {
  const rowBytes = <usize>S * 4;
  const sv = f64x2.splat(scale);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes, orow = out + <usize>r * rowBytes;
    const br = bias ? bias + <usize>load<i32>(rowOff + <usize>r * 4) * 4 : 0;
    let j = 0;
    for (; j + 2 <= S; j += 2) {
      let z = f64x2.mul(ld2(xr + <usize>j * 4), sv);
      if (bias) z = f64x2.add(z, ld2(br + <usize>j * 4));
      st2(orow + <usize>j * 4, z);
    }
    for (; j < S; j++) {
      let z = <f64>load<f32>(xr + <usize>j * 4) * scale;
      if (bias) z += <f64>load<f32>(br + <usize>j * 4);
      store<f32>(orow + <usize>j * 4, <f32>z);
    }
    softmaxRowsF32(orow, orow, 1, S, 0);
  }
}

/**
 * The softmax backward of `rows` rows of S float32: out = c·w·(g − Σ g·w) per row (out may alias g),
 * in float64 per element, rounded once.
 */
export function softmaxBackwardF32(w: usize, g: usize, out: usize, rows: i32, S: i32, c: f64): void {
  const rowBytes = <usize>S * 4;
  const cv = f64x2.splat(c);
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * rowBytes;
    let vd = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= S; j += 2) vd = f64x2.add(vd, f64x2.mul(ld2(g + o + <usize>j * 4), ld2(w + o + <usize>j * 4)));
    let dot = hsum(vd);
    for (; j < S; j++) dot += <f64>load<f32>(g + o + <usize>j * 4) * <f64>load<f32>(w + o + <usize>j * 4);
    const dv = f64x2.splat(dot);
    j = 0;
    for (; j + 2 <= S; j += 2) {
      const p = o + <usize>j * 4;
      st2(out + p, f64x2.mul(f64x2.mul(cv, ld2(w + p)), f64x2.sub(ld2(g + p), dv)));
    }
    for (; j < S; j++) {
      const p = o + <usize>j * 4;
      store<f32>(out + p, <f32>(c * <f64>load<f32>(w + p) * (<f64>load<f32>(g + p) - dot)));
    }
  }
}

/**
 * Multi-head attention's head split (split = 1: out[n, h, l, :] = src[n, l, h·D : (h+1)·D]) or merge
 * (split = 0, the inverse) of N·L·H runs of `runBytes` bytes each (D elements; a multiple of 4).
 */
export function moveHeads(src: usize, out: usize, N: i32, L: i32, H: i32, runBytes: i32, split: i32): void {
  const rowBytes = <usize>H * <usize>runBytes;
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      let packed = <usize>n * <usize>L * rowBytes + <usize>h * <usize>runBytes;
      let heads = (<usize>n * <usize>H + <usize>h) * <usize>L * <usize>runBytes;
      for (let l = 0; l < L; l++) {
        const from = split ? src + packed : src + heads, to = split ? out + heads : out + packed;
        let j = 0;
        for (; j + 16 <= runBytes; j += 16) v128.store(to + <usize>j, v128.load(from + <usize>j));
        for (; j < runBytes; j += 4) store<u32>(to + <usize>j, load<u32>(from + <usize>j));
        packed += rowBytes;
        heads += <usize>runBytes;
      }
    }
  }
}

/**
 * Σ (x − t)² over n float32 pairs, as the composition sub → mul → sum computes it: the difference and
 * the square each rounded to float32, added into one float64 accumulator in index order.
 */
export function squaredErrorSumF32(x: usize, t: usize, n: i32): f64 {
  let s: f64 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const d = f32x4.sub(v128.load(x), v128.load(t));
    const q = f32x4.mul(d, d);
    s += <f64>f32x4.extract_lane(q, 0);
    s += <f64>f32x4.extract_lane(q, 1);
    s += <f64>f32x4.extract_lane(q, 2);
    s += <f64>f32x4.extract_lane(q, 3);
    x += 16; t += 16;
  }
  for (; i < n; i++) {
    const d = load<f32>(x) - load<f32>(t);
    s += <f64>(d * d);
    x += 4; t += 4;
  }
  return s;
}

/** The composition's gradient of Σ (x − t)²·gm: out = 2·(gm·(x − t)), each step rounded to float32 (the doubling is exact). */
export function squaredErrorGradF32(x: usize, t: usize, out: usize, n: i32, gm: f32): void {
  const g = f32x4.splat(gm);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = f32x4.mul(g, f32x4.sub(v128.load(x), v128.load(t)));
    v128.store(out, f32x4.add(p, p));
    x += 16; t += 16; out += 16;
  }
  for (; i < n; i++) {
    const p = gm * (load<f32>(x) - load<f32>(t));
    store<f32>(out, p + p);
    x += 4; t += 4; out += 4;
  }
}
