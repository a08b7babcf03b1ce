/**
 * float32 row kernels of a Transformer layer on WebAssembly SIMD (wasm/rows.as): layer norm forward and
 * fused backward (ops/layer-norm.ts), the attention softmax softmax(scores·scale + bias) with its
 * backward (@tapegrad/nn's scaledMaskedSoftmax), and the head split/merge copy (float32 and float64). Each copies its operands into the module's memory, runs
 * and copies the results out, and returns false without touching anything when the wasm path does not
 * apply (backend 'js', no SIMD, a non-float32 array, memory that cannot grow): the caller then runs its
 * plain-JS loop. The per-element arithmetic is the JS loops' float64 expressions rounded once; only the
 * per-row sums are accumulated in two lanes, so results can differ from the JS path in the last bits.
 */
import type { TypedArray } from '../dtype';
import { wasmFor, softmaxRowsF32 as softmaxRows } from './elementwise';
import { align16, heapF32, heapF64, heapI32View } from './wasm-module';

const f32 = (a: TypedArray | null): boolean => a === null || a instanceof Float32Array;

/**
 * Byte offsets of consecutive 16-byte-aligned slots of the given byte sizes, and the total. The first
 * slot starts at 16: the kernels take pointer 0 as "absent".
 */
function layout(sizes: number[]): [number[], number] {
  const at: number[] = [];
  let p = 16;
  for (const s of sizes) {
    at.push(p);
    p += align16(s);
  }
  return [at, p];
}

function put(a: TypedArray | null, at: number): void {
  if (a) heapF32().set(a as Float32Array, at / 4);
}

/**
 * Layer norm of `rows` rows of C: out = (x − mean)·rstd·w + b (w, b null when absent); writes each row's
 * mean and rstd. False when the wasm path does not apply.
 * @example if (!layerNormF32(x, w, b, out, mean, rstd, rows, C, 1e-5)) jsLoop();
 */
export function layerNormF32(
  x: TypedArray, w: TypedArray | null, b: TypedArray | null, out: TypedArray,
  mean: Float64Array, rstd: Float64Array, rows: number, C: number, eps: number,
): boolean {
  if (!f32(x) || !f32(w) || !f32(b) || !f32(out)) return false;
  const n = rows * C;
  const [[px, pw, pb, ps], total] = layout([4 * n, w ? 4 * C : 0, b ? 4 * C : 0, 16 * rows]);
  const k = wasmFor(total);
  if (k === null) return false;
  put(x, px);
  put(w, pw);
  put(b, pb);
  // Output over x's slot: every row is read before it is written.
  k.layerNormF32(px, w ? pw : 0, b ? pb : 0, px, ps, rows, C, eps);
  out.set(heapF32().subarray(px / 4, px / 4 + n));
  const h64 = heapF64();
  mean.set(h64.subarray(ps / 8, ps / 8 + rows));
  rstd.set(h64.subarray(ps / 8 + rows, ps / 8 + 2 * rows));
  return true;
}

/**
 * layerNormF32's fused backward from its row statistics: dx (null when not wanted), and the column sums
 * Σ g·x̂ into dw and Σ g into db (float32, rounded once from float64; null when not wanted).
 * @example layerNormBackwardF32(g, x, w, mean, rstd, dx, dw, db, rows, C)
 */
export function layerNormBackwardF32(
  g: TypedArray, x: TypedArray, w: TypedArray | null, mean: Float64Array, rstd: Float64Array,
  dx: TypedArray | null, dw: TypedArray | null, db: TypedArray | null, rows: number, C: number,
): boolean {
  if (!f32(g) || !f32(x) || !f32(w) || !f32(dx) || !f32(dw) || !f32(db)) return false;
  const n = rows * C;
  const [[pg, px, pw, ps, pdw, pdb], total] = layout([4 * n, 4 * n, w ? 4 * C : 0, 16 * rows, dw ? 8 * C : 0, db ? 8 * C : 0]);
  const k = wasmFor(total);
  if (k === null) return false;
  put(g, pg);
  put(x, px);
  put(w, pw);
  const h64 = heapF64();
  h64.set(mean, ps / 8);
  h64.set(rstd, ps / 8 + rows);
  k.layerNormBackwardF32(pg, px, w ? pw : 0, ps, dx ? pg : 0, dw ? pdw : 0, db ? pdb : 0, rows, C);
  if (dx) dx.set(heapF32().subarray(pg / 4, pg / 4 + n));
  if (dw) dw.set(heapF64().subarray(pdw / 8, pdw / 8 + C));
  if (db) db.set(heapF64().subarray(pdb / 8, pdb / 8 + C));
  return true;
}

/**
 * softmax(x·scale + bias) over rows of S: row r adds the S contiguous values of `bias` from element
 * rowOff[r] (bias and rowOff null for none). False when the wasm path does not apply.
 * @example if (!scaledSoftmaxF32(scores, null, null, out, rows, S, 0.25)) jsLoop();
 */
export function scaledSoftmaxF32(
  x: TypedArray, bias: TypedArray | null, rowOff: Int32Array | null, out: TypedArray, rows: number, S: number, scale: number,
): boolean {
  if (!f32(x) || !f32(bias) || !f32(out) || (bias !== null) !== (rowOff !== null)) return false;
  const n = rows * S;
  const [[px, pb, pr], total] = layout([4 * n, bias ? 4 * bias.length : 0, rowOff ? 4 * rows : 0]);
  const k = wasmFor(total);
  if (k === null) return false;
  put(x, px);
  if (bias && rowOff) {
    put(bias, pb);
    heapI32View().set(rowOff, pr / 4); // the module's int32 view, not a new one per call (compile's replay)
  }
  k.scaledSoftmaxF32(px, bias ? pb : 0, bias ? pr : 0, px, rows, S, scale);
  out.set(heapF32().subarray(px / 4, px / 4 + n));
  return true;
}

/**
 * The softmax backward per row of S: out = c·w·(g − Σ g·w) (w the softmax output). False when the
 * wasm path does not apply.
 * @example if (!softmaxBackwardF32(w, g, out, rows, S, 1)) jsLoop();
 */
export function softmaxBackwardF32(w: TypedArray, g: TypedArray, out: TypedArray, rows: number, S: number, c: number): boolean {
  if (!f32(w) || !f32(g) || !f32(out)) return false;
  const n = rows * S;
  const [[pw, pg], total] = layout([4 * n, 4 * n]);
  const k = wasmFor(total);
  if (k === null) return false;
  put(w, pw);
  put(g, pg);
  k.softmaxBackwardF32(pw, pg, pg, rows, S, c);
  out.set(heapF32().subarray(pg / 4, pg / 4 + n));
  return true;
}

/**
 * Multi-head attention's head split (out[n, h, l, :] = src[n, l, h·D : (h+1)·D], [N, L, H·D] → [N·H, L, D])
 * or, with split false, the inverse merge; float32 or float64 (src and out of the same type). The JS
 * element loop costs ~3 ns an element; this is two memcpys and a v128 copy. False when the wasm path
 * does not apply.
 * @example if (!moveHeads(x, out, N, L, H, D, true)) jsLoop();
 */
export function moveHeads(src: TypedArray, out: TypedArray, N: number, L: number, H: number, D: number, split: boolean): boolean {
  const f64 = src instanceof Float64Array;
  if (!(f64 || src instanceof Float32Array) || out.constructor !== src.constructor) return false;
  const n = N * L * H * D, bytes = (f64 ? 8 : 4) * n;
  const [[ps, po], total] = layout([bytes, bytes]);
  const k = wasmFor(total);
  if (k === null) return false;
  if (f64) heapF64().set(src, ps / 8);
  else heapF32().set(src, ps / 4);
  k.moveHeads(ps, po, N, L, H, (f64 ? 8 : 4) * D, split ? 1 : 0);
  if (f64) out.set(heapF64().subarray(po / 8, po / 8 + n));
  else out.set(heapF32().subarray(po / 4, po / 4 + n));
  return true;
}

/**
 * Σ (x − t)² of two float32 arrays of the same length, with the composition's roundings (difference
 * and square in float32, one float64 accumulator in index order): bitwise the JS loop. null when the
 * wasm path does not apply.
 * @example const s = squaredErrorSumF32(pred, target) ?? jsLoop();
 */
export function squaredErrorSumF32(x: TypedArray, t: TypedArray): number | null {
  if (!(x instanceof Float32Array) || !(t instanceof Float32Array) || x.length !== t.length) return null;
  const n = x.length;
  const [[px, pt], total] = layout([4 * n, 4 * n]);
  const k = wasmFor(total);
  if (k === null) return null;
  put(x, px);
  put(t, pt);
  return k.squaredErrorSumF32(px, pt, n);
}

/**
 * out = 2·(gm·(x − t)) in float32 (gm a float32 value): the gradient of Σ (x − t)²·gm as the composition
 * computes it, bitwise. False when the wasm path does not apply.
 * @example if (!squaredErrorGradF32(pred, target, dx, Math.fround(g / n))) jsLoop();
 */
export function squaredErrorGradF32(x: TypedArray, t: TypedArray, out: TypedArray, gm: number): boolean {
  if (!(x instanceof Float32Array) || !(t instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  const n = x.length;
  if (t.length !== n || out.length !== n) return false;
  const [[px, pt], total] = layout([4 * n, 4 * n]);
  const k = wasmFor(total);
  if (k === null) return false;
  put(x, px);
  put(t, pt);
  k.squaredErrorGradF32(px, pt, px, n, gm);
  out.set(heapF32().subarray(px / 4, px / 4 + n));
  return true;
}

/**
 * Softmax of each row of a float32 matrix (kernels/elementwise's SIMD kernel), re-declared here so that
 * @tapegrad/core/internal's declarations do not reach elementwise's, which name WebAssembly types.
 * @example softmaxRowsF32(z, z, rows, S); // in place
 */
export function softmaxRowsF32(x: Float32Array, out: Float32Array, nRows: number, cols: number): void {
  softmaxRows(x, out, nRows, cols);
}
