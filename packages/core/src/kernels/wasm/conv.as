// Convolution and pooling kernels (AssemblyScript; compiled into the same module as gemm.as, so a
// whole conv runs in one linear memory: im2col into a column region, sgemm/dgemm on it, col2im out
// of it, without copying the column matrix to JS between the steps). kernels/conv-wasm.ts drives
// them; kernels/im2col.ts and ops/pooling.ts hold the JS twins, whose results these reproduce bit
// for bit (the same values copied, the same additions in the same order). All pointers are byte
// offsets into this module's memory; T is f32 or f64.

/** The output positions j in [lo, hi) whose input column x0 + j·s lies inside [0, W), as im2col.ts's span(). */
@inline function spanLo(x0: i32, s: i32, W: i32, ow: i32): i32 {
  const lo = x0 >= 0 ? 0 : (-x0 + s - 1) / s;
  return min(lo, spanHi(x0, s, W, ow));
}
@inline function spanHi(x0: i32, s: i32, W: i32, ow: i32): i32 {
  const r = W - x0;
  return min(ow, r <= 0 ? 0 : (r + s - 1) / s);
}

/** bytes (a multiple of 4) from s to d; memory.copy and memory.fill are runtime calls, too slow for rows of a few dozen values. */
@inline function copyBytes(d: usize, s: usize, bytes: usize): void {
  const end = d + bytes;
  for (; d + 16 <= end; d += 16, s += 16) v128.store(d, v128.load(s));
  for (; d < end; d += 4, s += 4) store<u32>(d, load<u32>(s));
}
@inline function zeroBytes(d: usize, bytes: usize): void {
  const end = d + bytes, z = i32x4.splat(0);
  for (; d + 16 <= end; d += 16) v128.store(d, z);
  for (; d < end; d += 4) store<u32>(d, 0);
}

/** The column matrix [C·kh·kw, oh·ow] of the image at src (C×H×W) into dst (im2col.ts's contract). */
function im2col<T>(src: usize, dst: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32,
                   ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32): void {
  const sz = <usize>sizeof<T>();
  const L = oh * ow;
  // Stride 1 with as many output columns as input columns: a row of the column matrix is the image
  // plane shifted by one offset, so one block copy, then zeros for the rows above/below and for the
  // columns that wrapped around from the neighbouring image row (im2col.ts's shifted case).
  const shifted = sh == 1 && sw == 1 && ow == W;
  let o = dst;
  for (let c = 0; c < C; c++) {
    const plane = src + <usize>(c * H * W) * sz;
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const x0 = b * dw - pw;
        const lo = spanLo(x0, sw, W, ow), hi = spanHi(x0, sw, W, ow);
        if (shifted) {
          const y0 = a * dh - ph;
          const iLo = min(oh, max(0, -y0)), iHi = max(iLo, min(oh, H - y0));
          const shift = y0 * W + x0;
          const p0 = max(iLo * W, -shift), p1 = min(iHi * W, H * W - shift);
          zeroBytes(o, <usize>(iLo * W) * sz);
          if (p1 > p0) copyBytes(o + <usize>p0 * sz, plane + <usize>(p0 + shift) * sz, <usize>(p1 - p0) * sz);
          zeroBytes(o + <usize>(iHi * W) * sz, <usize>(L - iHi * W) * sz);
          if (lo > 0 || hi < ow) {
            for (let i = iLo; i < iHi; i++) {
              const r = o + <usize>(i * ow) * sz;
              for (let j = 0; j < lo; j++) store<T>(r + <usize>j * sz, <T>0);
              for (let j = hi; j < ow; j++) store<T>(r + <usize>j * sz, <T>0);
            }
          }
          o += <usize>L * sz;
          continue;
        }
        for (let i = 0; i < oh; i++) {
          const y = i * sh - ph + a * dh;
          if (y < 0 || y >= H) {
            zeroBytes(o, <usize>ow * sz);
          } else {
            if (lo > 0) zeroBytes(o, <usize>lo * sz);
            const row = plane + <usize>(y * W + x0) * sz;
            if (sw == 1) {
              if (hi > lo) copyBytes(o + <usize>lo * sz, row + <usize>lo * sz, <usize>(hi - lo) * sz);
            } else {
              for (let j = lo; j < hi; j++) store<T>(o + <usize>j * sz, load<T>(row + <usize>(j * sw) * sz));
            }
            if (hi < ow) zeroBytes(o + <usize>hi * sz, <usize>(ow - hi) * sz);
          }
          o += <usize>ow * sz;
        }
      }
    }
  }
}

/**
 * The adjoint of im2col: every entry of the column matrix at src added into the image position it
 * was read from (dst, C×H×W; positions outside the image are dropped). Each image position receives
 * its terms in row order (c, a, b), as the JS loop.
 */
function col2im<T>(src: usize, dst: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32,
                   ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32): void {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sz;
  let o = src;
  for (let c = 0; c < C; c++) {
    const plane = dst + <usize>(c * H * W) * sz;
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const x0 = b * dw - pw;
        const lo = spanLo(x0, sw, W, ow), hi = spanHi(x0, sw, W, ow);
        for (let i = 0; i < oh; i++, o += <usize>ow * sz) {
          const y = i * sh - ph + a * dh;
          if (y < 0 || y >= H) continue;
          const row = plane + <usize>(y * W + x0) * sz;
          if (sw == 1) {
            let j = lo;
            let d = row + <usize>j * sz, s = o + <usize>j * sz;
            for (; j + lanes <= hi; j += lanes) { v128.store(d, v128.add<T>(v128.load(d), v128.load(s))); d += 16; s += 16; }
            for (; j < hi; j++) { store<T>(d, load<T>(d) + load<T>(s)); d += sz; s += sz; }
          } else {
            for (let j = lo; j < hi; j++) {
              const d = row + <usize>(j * sw) * sz;
              store<T>(d, load<T>(d) + load<T>(o + <usize>j * sz));
            }
          }
        }
      }
    }
  }
}

/**
 * Max pooling with whole windows (pooling.ts's maxKernelRegular): out[o] = the maximum of window o,
 * idx[o] (i32) its flat in-plane index, the first on ties; NaN wins; a window of -Infinity only keeps
 * index -1 as the JS loop does. The window of (oh, ow) starts at ((oh·s_h + offH)·W + ow·s_w + offW).
 */
function maxPool2d<T>(src: usize, out: usize, idx: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32,
                      kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, offH: i32, offW: i32): void {
  const sz = <usize>sizeof<T>();
  const plane = H * W, rowStep = dh * W;
  // Four outputs of a row at once (float32, windows 1 or 2 apart): the same compare-and-select per
  // tap, in the same tap order, as the scalar loop, without its unpredictable branches.
  const simd = sz == 4 && (sw == 1 || sw == 2);
  const lanesIdx = i32x4(0, sw, 2 * sw, 3 * sw);
  const pair = simd && kh == 2 && kw == 2 && sw == 2 && dw == 1;
  let po = out, pi = idx;
  for (let p = 0; p < planes; p++) {
    const base = src + <usize>(p * plane) * sz;
    for (let i = 0; i < OH; i++) {
      const r0 = (i * sh + offH) * W + offW;
      let j = 0;
      if (pair) {
        // 2×2 windows 2 apart: taps (0,0), (0,1), (1,0), (1,1) of four windows from two loads per row.
        for (; j + 4 <= OW; j += 4) {
          const t = r0 + j * 2;
          const q0 = base + <usize>t * 4, q1 = q0 + <usize>rowStep * 4;
          const a0 = v128.load(q0), a1 = v128.load(q0, 16), b0 = v128.load(q1), b1 = v128.load(q1, 16);
          const ti = i32x4.add(i32x4.splat(t), lanesIdx);
          let best = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6);
          // the first tap beats the -Infinity start unless it is -Infinity (then index -1, as the scalar loop)
          let bi = v128.bitselect(ti, i32x4.splat(-1), v128.or(f32x4.gt(best, f32x4.splat(-Infinity)), f32x4.ne(best, best)));
          let v = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
          let m = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
          best = v128.bitselect(v, best, m); bi = v128.bitselect(i32x4.add(ti, i32x4.splat(1)), bi, m);
          v = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
          m = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
          best = v128.bitselect(v, best, m); bi = v128.bitselect(i32x4.add(ti, i32x4.splat(rowStep)), bi, m);
          v = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
          m = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
          best = v128.bitselect(v, best, m); bi = v128.bitselect(i32x4.add(ti, i32x4.splat(rowStep + 1)), bi, m);
          v128.store(po, best);
          v128.store(pi, bi);
          po += 16; pi += 16;
        }
      } else if (simd) {
        for (; j + 4 <= OW; j += 4) {
          let best = f32x4.splat(-Infinity);
          let bi = i32x4.splat(-1);
          let r = r0 + j * sw;
          for (let a = 0; a < kh; a++, r += rowStep) {
            let t = r;
            for (let b = 0; b < kw; b++, t += dw) {
              const q = base + <usize>t * 4;
              let v = v128.load(q);
              if (sw == 2) v = v128.shuffle<f32>(v, v128.load(q, 16), 0, 2, 4, 6);
              const m = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
              best = v128.bitselect(v, best, m);
              bi = v128.bitselect(i32x4.add(i32x4.splat(t), lanesIdx), bi, m);
            }
          }
          v128.store(po, best);
          v128.store(pi, bi);
          po += 16; pi += 16;
        }
      }
      for (; j < OW; j++) {
        let best = <T>-Infinity;
        let bi = -1;
        let r = r0 + j * sw;
        for (let a = 0; a < kh; a++, r += rowStep) {
          let t = r;
          for (let b = 0; b < kw; b++, t += dw) {
            const v = load<T>(base + <usize>t * sz);
            const m = v > best || v != v;
            best = select<T>(v, best, m);
            bi = select<i32>(t, bi, m);
          }
        }
        store<T>(po, best);
        store<i32>(pi, bi);
        po += sz; pi += 4;
      }
    }
  }
}

/**
 * The max-pool gradient (pooling.ts's scatterPlane, accumulating): out (planes×M, zeroed here) gets
 * src[b·K + k] added at in-plane index idx[b·K + k]; negative indices are skipped.
 */
function scatterAdd<T>(src: usize, idx: usize, out: usize, planes: i32, K: i32, M: i32): void {
  const sz = <usize>sizeof<T>();
  memory.fill(out, 0, <usize>planes * <usize>M * sz);
  let ps = src, pi = idx;
  for (let b = 0; b < planes; b++) {
    const ob = out + <usize>(b * M) * sz;
    for (let k = 0; k < K; k++) {
      const j = load<i32>(pi);
      if (j >= 0) { const d = ob + <usize>j * sz; store<T>(d, load<T>(d) + load<T>(ps)); }
      ps += sz; pi += 4;
    }
  }
}

/**
 * The gradient of a 2×2, stride-2 max pooling (no padding): out (planes×H×W) gets each window's
 * gradient at its arg-max and zeros elsewhere, with every element written once. The same values as
 * scatterAdd into zeros (0 + g, so a -0 gradient lands as +0 there too); windows with index -1 give zeros.
 */
function maxPool2x2Backward<T>(g: usize, idx: usize, out: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  const sz = <usize>sizeof<T>();
  const z = v128.splat<T>(<T>0);
  const lanes = i32x4(0, 2, 4, 6);
  let pg = g, pi = idx;
  for (let p = 0; p < planes; p++) {
    const plane = out + <usize>(p * H * W) * sz;
    for (let i = 0; i < OH; i++) {
      const r0 = plane + <usize>(2 * i * W) * sz, r1 = r0 + <usize>W * sz;
      const t0 = 2 * i * W;
      let j = 0;
      if (sz == 4) {
        for (; j + 4 <= OW; j += 4) {
          const gv = f32x4.add(z, v128.load(pg));
          const iv = v128.load(pi);
          const t = i32x4.add(i32x4.splat(t0 + 2 * j), lanes);
          const a = v128.and(gv, i32x4.eq(iv, t)), b = v128.and(gv, i32x4.eq(iv, i32x4.add(t, i32x4.splat(1))));
          const c = v128.and(gv, i32x4.eq(iv, i32x4.add(t, i32x4.splat(W)))), d = v128.and(gv, i32x4.eq(iv, i32x4.add(t, i32x4.splat(W + 1))));
          const q0 = r0 + <usize>(2 * j) * 4, q1 = r1 + <usize>(2 * j) * 4;
          v128.store(q0, v128.shuffle<f32>(a, b, 0, 4, 1, 5));
          v128.store(q0, v128.shuffle<f32>(a, b, 2, 6, 3, 7), 16);
          v128.store(q1, v128.shuffle<f32>(c, d, 0, 4, 1, 5));
          v128.store(q1, v128.shuffle<f32>(c, d, 2, 6, 3, 7), 16);
          pg += 16; pi += 16;
        }
      }
      for (; j < OW; j++) {
        const v = <T>0 + load<T>(pg), m = load<i32>(pi), t = t0 + 2 * j;
        const q0 = r0 + <usize>(2 * j) * sz, q1 = r1 + <usize>(2 * j) * sz;
        store<T>(q0, m == t ? v : <T>0);
        store<T>(q0 + sz, m == t + 1 ? v : <T>0);
        store<T>(q1, m == t + W ? v : <T>0);
        store<T>(q1 + sz, m == t + W + 1 ? v : <T>0);
        pg += sz; pi += 4;
      }
      // a last odd column is in no window
      for (let x = 2 * OW; x < W; x++) { store<T>(r0 + <usize>x * sz, <T>0); store<T>(r1 + <usize>x * sz, <T>0); }
    }
    // nor is a last odd row
    zeroBytes(plane + <usize>(2 * OH * W) * sz, <usize>((H - 2 * OH) * W) * sz);
  }
}

/** Each of the N·O rows of L values at dst set to bias[o], its channel's bias (a conv's output before the GEMM adds onto it). */
function fillRows<T>(dst: usize, bias: usize, N: i32, O: i32, L: i32): void {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sz;
  let p = dst;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const b = load<T>(bias + <usize>o * sz), v = v128.splat<T>(b);
      let j = 0;
      for (; j + lanes <= L; j += lanes) { v128.store(p, v); p += 16; }
      for (; j < L; j++) { store<T>(p, b); p += sz; }
    }
  }
}

export function im2colF32(src: usize, dst: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32,
                          ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32): void {
  im2col<f32>(src, dst, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
}
export function im2colF64(src: usize, dst: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32,
                          ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32): void {
  im2col<f64>(src, dst, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
}
export function col2imF32(src: usize, dst: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32,
                          ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32): void {
  col2im<f32>(src, dst, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
}
export function col2imF64(src: usize, dst: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32,
                          ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32): void {
  col2im<f64>(src, dst, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
}
export function maxPool2dF32(src: usize, out: usize, idx: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32,
                             kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, offH: i32, offW: i32): void {
  maxPool2d<f32>(src, out, idx, planes, H, W, OH, OW, kh, kw, sh, sw, dh, dw, offH, offW);
}
export function maxPool2dF64(src: usize, out: usize, idx: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32,
                             kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, offH: i32, offW: i32): void {
  maxPool2d<f64>(src, out, idx, planes, H, W, OH, OW, kh, kw, sh, sw, dh, dw, offH, offW);
}
export function scatterAddF32(src: usize, idx: usize, out: usize, planes: i32, K: i32, M: i32): void {
  scatterAdd<f32>(src, idx, out, planes, K, M);
}
export function scatterAddF64(src: usize, idx: usize, out: usize, planes: i32, K: i32, M: i32): void {
  scatterAdd<f64>(src, idx, out, planes, K, M);
}
export function maxPool2x2BackwardF32(g: usize, idx: usize, out: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  maxPool2x2Backward<f32>(g, idx, out, planes, H, W, OH, OW);
}
export function maxPool2x2BackwardF64(g: usize, idx: usize, out: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  maxPool2x2Backward<f64>(g, idx, out, planes, H, W, OH, OW);
}
export function fillRowsF32(dst: usize, bias: usize, N: i32, O: i32, L: i32): void {
  fillRows<f32>(dst, bias, N, O, L);
}
export function fillRowsF64(dst: usize, bias: usize, N: i32, O: i32, L: i32): void {
  fillRows<f64>(dst, bias, N, O, L);
}
