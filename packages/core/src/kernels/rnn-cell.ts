/**
 * float32 WebAssembly SIMD kernels for the LSTM cell update (wasm/elementwise.as's lstmCellF32 and
 * lstmCellBackwardF32), used by ops/rnn-cell.ts for float32 cells of at least SIMD_MIN elements. The
 * sigmoids and tanhs are ~2 ulp polynomials (Cephes expf / tanhf), four lanes at a time: the JS loop's
 * five Math.exp / Math.tanh calls per element were the largest cost of an LSTM step after the GEMMs.
 *
 * Each function returns false (and writes nothing) when the wasm path does not apply; the caller then
 * runs its JS loop. Operands are copied into module memory and the results out, as elementwise.ts does.
 */
import { align16, heapF32 } from './wasm-module';
import { simdApplies, wasmFor } from './elementwise';

/**
 * h', c' of an LSTM step (gate order i, f, g, o): gx, gh [rows, 4H], c [rows, H] → out [2, rows, H];
 * acts (when given) gets i, f, g, o, tanh(c') as five [rows, H] planes for lstmCellBackwardWasm.
 * @example lstmCellWasm(gx, gh, c, out, acts, 16, 128) // true when the SIMD kernel ran
 */
export function lstmCellWasm(gx: Float32Array, gh: Float32Array, c: Float32Array, out: Float32Array, acts: Float32Array | null, rows: number, H: number): boolean {
  const n = rows * H;
  if (!simdApplies(n)) return false;
  const gb = align16(16 * n), cb = align16(4 * n), ob = align16(8 * n);
  const k = wasmFor(2 * gb + cb + ob + 5 * cb);
  if (k === null) return false;
  const heap = heapF32();
  const pc = 2 * gb, po = pc + cb, pa = po + ob;
  heap.set(gx, 0);
  heap.set(gh, gb / 4);
  heap.set(c, pc / 4);
  k.lstmCellF32(0, gb, pc, po, acts ? pa : 0, rows, H);
  out.set(heap.subarray(po / 4, po / 4 + 2 * n));
  if (acts) acts.set(heap.subarray(pa / 4, pa / 4 + 5 * n));
  return true;
}

/**
 * The cell's backward: grad [2, rows, H] (∂L/∂h', ∂L/∂c'), acts from lstmCellWasm, c [rows, H] →
 * dg [rows, 4H] (∂L/∂gx = ∂L/∂gh) and dc [rows, H].
 * @example lstmCellBackwardWasm(grad, acts, c, dg, dc, 16, 128)
 */
export function lstmCellBackwardWasm(grad: Float32Array, acts: Float32Array, c: Float32Array, dg: Float32Array, dc: Float32Array, rows: number, H: number): boolean {
  const n = rows * H;
  if (!simdApplies(n)) return false;
  const gb = align16(8 * n), ab = align16(20 * n), cb = align16(4 * n), db = align16(16 * n);
  const k = wasmFor(gb + ab + cb + db + cb);
  if (k === null) return false;
  const heap = heapF32();
  const pa = gb, pc = pa + ab, pd = pc + cb, pdc = pd + db;
  heap.set(grad, 0);
  heap.set(acts, pa / 4);
  heap.set(c, pc / 4);
  k.lstmCellBackwardF32(0, pa, pc, pd, pdc, rows, H);
  dg.set(heap.subarray(pd / 4, pd / 4 + 4 * n));
  dc.set(heap.subarray(pdc / 4, pdc / 4 + n));
  return true;
}
