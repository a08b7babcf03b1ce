/**
 * im2col / col2im for 2-D convolution (1-D convolutions run as H = 1). The column matrix of one image
 * is row-major [C·kh·kw, oh·ow]: row (c, a, b) holds, for every output position (i, j), the input
 * value at (i·sh − ph + a·dh, j·sw − pw + b·dw), 0 outside the image. Only the padding before each
 * dim appears here; the padding after only decides how many positions (oh, ow) there are, so
 * asymmetric padding ('same' with an even kernel) needs nothing special.
 */
import type { FloatArray } from './float-array';

/** The geometry of one convolution: image C×H×W, kernel, stride, padding before, dilation, positions. */
export interface ConvGeom {
  C: number; H: number; W: number;
  kh: number; kw: number;
  sh: number; sw: number;
  ph: number; pw: number;
  dh: number; dw: number;
  oh: number; ow: number;
}

/** The output positions j in [lo, hi) whose input column x0 + j·s lies inside [0, W). */
function span(x0: number, s: number, W: number, ow: number): [number, number] {
  const lo = x0 >= 0 ? 0 : Math.ceil(-x0 / s);
  const hi = Math.min(ow, Math.max(0, Math.ceil((W - x0) / s)));
  return [Math.min(lo, hi), hi];
}

/** Writes the column matrix of the image at `src[sOff..]` (C×H×W, row-major) into `dst[dOff..]`. */
export function im2col(src: FloatArray, sOff: number, g: ConvGeom, dst: FloatArray, dOff: number): void {
  const { C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const L = oh * ow;
  // Stride 1 with as many output columns as input columns: a column-matrix row is the image plane
  // shifted by one offset, so it is one block copy, then the rows above/below and the columns that
  // wrapped around from the neighbouring image row are zeroed.
  const shifted = sh === 1 && sw === 1 && ow === W;
  for (let c = 0; c < C; c++) {
    const plane = sOff + c * H * W;
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const base = dOff + ((c * kh + a) * kw + b) * L;
        const x0 = b * dw - pw;
        const [lo, hi] = span(x0, sw, W, ow);
        if (shifted) {
          const y0 = a * dh - ph;
          const iLo = Math.min(oh, Math.max(0, -y0)), iHi = Math.max(iLo, Math.min(oh, H - y0));
          const shift = y0 * W + x0;
          const s0 = Math.max(plane + iLo * W + shift, plane), s1 = Math.min(plane + iHi * W + shift, plane + H * W);
          dst.fill(0, base, base + iLo * W);
          if (s1 > s0) dst.set(src.subarray(s0, s1), base + s0 - plane - shift);
          dst.fill(0, base + iHi * W, base + L);
          if (lo > 0 || hi < ow) {
            for (let i = iLo; i < iHi; i++) {
              const o = base + i * ow;
              for (let j = 0; j < lo; j++) dst[o + j] = 0;
              for (let j = hi; j < ow; j++) dst[o + j] = 0;
            }
          }
          continue;
        }
        for (let i = 0; i < oh; i++) {
          const o = base + i * ow;
          const y = i * sh - ph + a * dh;
          if (y < 0 || y >= H) {
            dst.fill(0, o, o + ow);
            continue;
          }
          const row = sOff + (c * H + y) * W + x0;
          for (let j = 0; j < lo; j++) dst[o + j] = 0;
          if (sw === 1) for (let j = lo; j < hi; j++) dst[o + j] = src[row + j];
          else for (let j = lo; j < hi; j++) dst[o + j] = src[row + j * sw];
          for (let j = hi; j < ow; j++) dst[o + j] = 0;
        }
      }
    }
  }
}

/**
 * The adjoint of im2col: adds every entry of the column matrix at `src[sOff..]` into the image
 * position it was read from (`dst[dOff..]`, C×H×W; positions outside the image are dropped).
 * `srcIsScratch`: src is a buffer of the caller's own that may be changed; at stride 1 with ow = W
 * each row is then added as one shifted block, after zeroing the entries whose position wrapped
 * around to the neighbouring image row (adding 0 leaves the image unchanged).
 */
export function col2im(src: FloatArray, sOff: number, g: ConvGeom, dst: FloatArray, dOff: number, srcIsScratch = false): void {
  const { C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const L = oh * ow;
  const shifted = srcIsScratch && sh === 1 && sw === 1 && ow === W;
  for (let c = 0; c < C; c++) {
    const plane = dOff + c * H * W;
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const base = sOff + ((c * kh + a) * kw + b) * L;
        const x0 = b * dw - pw;
        const [lo, hi] = span(x0, sw, W, ow);
        if (shifted) {
          const y0 = a * dh - ph;
          const iLo = Math.min(oh, Math.max(0, -y0)), iHi = Math.max(iLo, Math.min(oh, H - y0));
          if (lo > 0 || hi < ow) {
            for (let i = iLo; i < iHi; i++) {
              const o = base + i * ow;
              for (let j = 0; j < lo; j++) src[o + j] = 0;
              for (let j = hi; j < ow; j++) src[o + j] = 0;
            }
          }
          const shift = y0 * W + x0;
          const p0 = Math.max(iLo * W, -shift), p1 = Math.min(iHi * W, H * W - shift);
          const d = plane + shift;
          for (let p = p0; p < p1; p++) dst[d + p] += src[base + p];
          continue;
        }
        for (let i = 0; i < oh; i++) {
          const y = i * sh - ph + a * dh;
          if (y < 0 || y >= H) continue;
          const o = base + i * ow;
          const row = dOff + (c * H + y) * W + x0;
          if (sw === 1) for (let j = lo; j < hi; j++) dst[row + j] += src[o + j];
          else for (let j = lo; j < hi; j++) dst[row + j * sw] += src[o + j];
        }
      }
    }
  }
}

let scratch32: Float32Array | null = null;
let scratch64: Float64Array | null = null;
/** Buffers larger than this (elements) are not kept between calls. */
const KEEP_MAX = 1 << 24;

/**
 * A column buffer of at least n elements, reused across calls. Only the conv kernels' own forward
 * passes use it, between the im2col and the GEMM that reads it: no tensor ever references it, so
 * reusing it cannot change a value autograd saved or a caller holds.
 */
export function columnScratch(f64: boolean, n: number): FloatArray {
  if (n > KEEP_MAX) return f64 ? new Float64Array(n) : new Float32Array(n);
  if (f64) {
    if (!scratch64 || scratch64.length < n) scratch64 = new Float64Array(n);
    return scratch64;
  }
  if (!scratch32 || scratch32.length < n) scratch32 = new Float32Array(n);
  return scratch32;
}
