/**
 * A whole LSTM layer (one direction) over a precomputed input projection, as one primitive: the time
 * loop runs on arrays — per step one GEMM for all four gates (h·W_hhᵀ + b_hh) and one elementwise kernel
 * for the cell update (ops/rnn-cell.ts's lstmCellArrays) — and records one tape node, not several per
 * step. The backward (backpropagation through time) is, per step, the cell's fused backward and one GEMM
 * for ∂L/∂h; W_hh's gradient is then ONE GEMM over all the steps' gate gradients and previous states,
 * b_hh's one column sum. This is how cuDNN and PyTorch's CPU LSTM organise the work.
 *
 * Under createGraph the VJP is written in Tensor ops from the inputs (the forward again with lstmCell and
 * linear, then the same recursion with lstmCell's VJP formulas), so second derivatives are taped.
 */
import { Tensor } from '../tensor';
import { allocateUninit, isFloating, FloatArray, FloatDType } from '../dtype';
import { runKernel } from '../compile/capture';
import { fmt } from '../shape';
import { record } from '../autograd/tape';
import { isGradEnabled } from '../autograd/grad-mode';
import { gemm } from '../kernels/gemm';
import { columnSumsInto, simdApplies, sumRowsF32 } from '../kernels/elementwise';
import { cat, select, stack } from './view';
import { contigReader } from './kernels';
import { linear } from './linear';
import { lstmCell, lstmCellArrays, lstmCellBackwardArrays, lstmCellGradOps } from './rnn-cell';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)

export interface LstmLayerOptions {
  /** Run the steps from t = T−1 down to 0 (the second direction of a bidirectional LSTM; default false). */
  reverse?: boolean;
}

function checkLayer(gx: Tensor, h0: Tensor, c0: Tensor, wHh: Tensor, bHh: Tensor | null): [number, number, number, FloatDType] {
  WG.notOnDevice('lstmLayer', gx, h0, c0, wHh, bHh); // webgpu (issue 17)
  const ts = bHh ? [gx, h0, c0, wHh, bHh] : [gx, h0, c0, wHh];
  for (const t of ts) if (!(t instanceof Tensor)) throw new TypeError('lstmLayer: expected Tensor arguments (bHh may be null)');
  const dtype = wHh.dtype;
  if (!isFloating(dtype) || ts.some((t) => t.dtype !== dtype)) {
    throw new TypeError(`lstmLayer: expected floating point tensors of one dtype, got gx ${gx.dtype}, h0 ${h0.dtype}, c0 ${c0.dtype}, wHh ${wHh.dtype}${bHh ? `, bHh ${bHh.dtype}` : ''}`);
  }
  const H = wHh.ndim === 2 ? wHh._shape[1] : -1;
  const T = gx._shape[0], B = gx.ndim === 3 ? gx._shape[1] : -1;
  const is = (t: Tensor, s: number[]) => t.ndim === s.length && t._shape.every((v, i) => v === s[i]);
  if (H < 0 || !is(wHh, [4 * H, H]) || B < 0 || !is(gx, [T, B, 4 * H]) || !is(h0, [B, H]) || !is(c0, [B, H]) || (bHh !== null && !is(bHh, [4 * H]))) {
    throw new RangeError(`lstmLayer: expected gx [T, B, 4H], h0 and c0 [B, H], wHh [4H, H] and bHh [4H], got gx ${fmt(gx._shape)}, h0 ${fmt(h0._shape)}, c0 ${fmt(c0._shape)}, wHh ${fmt(wHh._shape)}${bHh ? `, bHh ${fmt(bHh._shape)}` : ''}`);
  }
  return [T, B, H, dtype as FloatDType];
}

/**
 * An LSTM layer over the input projection gx = x·W_ihᵀ + b_ih of every step (gate order i, f, g, o, as
 * PyTorch's): h_t, c_t = cell(gx_t + h_{t−1}·W_hhᵀ + b_hh, c_{t−1}) from h0, c0. Returns one [T + 1, B, H]
 * tensor: rows 0…T−1 are h_t in time order (the layer's output), row T is the last step's c. With
 * `reverse` the steps run from t = T−1 down to 0, so the final h is row 0 (and the final c still row T).
 * @example
 * const T = 5, B = 3, H = 4;
 * const r = lstmLayer(linear(randn([T, B, 2]), randn([4 * H, 2])), zeros([B, H]), zeros([B, H]), randn([4 * H, H]), null);
 * const out = r.narrow(0, 0, T), hN = r.select(0, T - 1), cN = r.select(0, T);
 */
export function lstmLayer(gx: Tensor, h0: Tensor, c0: Tensor, wHh: Tensor, bHh: Tensor | null, opts: LstmLayerOptions = {}): Tensor {
  const [T, B, H, dtype] = checkLayer(gx, h0, c0, wHh, bHh);
  for (const k of Object.keys(opts)) if (k !== 'reverse') throw new TypeError(`lstmLayer: unknown option '${k}' (expected reverse)`);
  const reverse = opts.reverse ?? false;
  const n = B * H, G4 = 4 * n;
  const inputs = bHh ? [gx, h0, c0, wHh, bHh] : [gx, h0, c0, wHh];
  const keep = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  // ST[s] = [h, c] before step s ([T + 1, 2, B, H]): each step's cell writes its [2, B, H] output in place.
  const ST = allocateUninit(dtype, (T + 1) * 2 * n);
  const acts = keep ? allocateUninit(dtype, T * 5 * n) : null;
  const gh = allocateUninit(dtype, G4);
  const out = allocateUninit(dtype, (T + 1) * n);
  // One kernel for compile's capture: it reads the inputs when it runs (compile/capture.ts).
  runKernel(() => {
    const X = gx._contigData(), W = wHh._contigData() as FloatArray, bias = bHh ? (bHh._contigData() as FloatArray) : null;
    ST.set(h0._contigData(), 0);
    ST.set(c0._contigData(), n);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      if (bias) for (let b = 0; b < B; b++) gh.set(bias, b * 4 * H);
      if (H > 0) gemm(false, true, B, 4 * H, H, 1, ST, s * 2 * n, H, W, 0, H, bias ? 1 : 0, gh, 0, 4 * H);
      else if (!bias) gh.fill(0);
      lstmCellArrays(X.subarray(t * G4, (t + 1) * G4), gh, ST.subarray(s * 2 * n + n, (s + 1) * 2 * n), ST.subarray((s + 1) * 2 * n, (s + 2) * 2 * n),
        acts ? acts.subarray(s * 5 * n, (s + 1) * 5 * n) : null, B, H);
    }
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      out.set(ST.subarray((s + 1) * 2 * n, (s + 1) * 2 * n + n), t * n);
    }
    out.set(ST.subarray(T * 2 * n + n, (T + 1) * 2 * n), T * n);
  }, out);
  const res = Tensor._fromData(out, [T + 1, B, H], dtype);
  return record('lstmLayer', inputs, res, (grad) => {
    const gs = isGradEnabled()
      ? layerGradOps(gx, h0, c0, wHh, bHh, grad, reverse)
      : layerGrads(grad, ST, acts as FloatArray, wHh, T, B, H, dtype, reverse, wHh.requiresGrad, bHh !== null && bHh.requiresGrad);
    return bHh ? gs : gs.slice(0, 4);
  }, inputs);
}

/** The fused BPTT: returns [∂gx, ∂h0, ∂c0, ∂W_hh, ∂b_hh] (null for weights that need none). */
function layerGrads(grad: Tensor, ST: FloatArray, acts: FloatArray, wHh: Tensor, T: number, B: number, H: number, dtype: FloatDType, reverse: boolean, wantW: boolean, wantB: boolean): (Tensor | null)[] {
  const n = B * H, G4 = 4 * n;
  const dgx = allocateUninit(dtype, T * G4), dh = allocateUninit(dtype, n), dcOut = allocateUninit(dtype, n);
  const w = wantW ? allocateUninit(dtype, 4 * H * H) : null, b = wantB ? allocateUninit(dtype, 4 * H) : null;
  // One kernel for compile's capture; its outputs and its scratch are allocated here, outside it, so a
  // replay allocates nothing (the scratch joins the capture's arena; only this kernel touches it).
  const outs = [dgx, dh, dcOut, ...(w ? [w] : []), ...(b ? [b] : [])];
  const scratch: BpttScratch = {
    DG: reverse ? allocateUninit(dtype, T * G4) : dgx, gr: allocateUninit(dtype, 2 * n),
    dc: allocateUninit(dtype, n), dcNext: allocateUninit(dtype, n), hp: w ? allocateUninit(dtype, T * n) : null,
  };
  const readG = contigReader(grad);
  runKernel(() => layerGradsInto(readG() as FloatArray, ST, acts, wHh._contigData() as FloatArray, T, B, H, reverse, dgx, dh, dcOut, w, b, scratch), outs);
  return [Tensor._fromData(dgx, [T, B, 4 * H], dtype), Tensor._fromData(dh, [B, H], dtype), Tensor._fromData(dcOut, [B, H], dtype),
    w ? Tensor._fromData(w, [4 * H, H], dtype) : null, b ? Tensor._fromData(b, [4 * H], dtype) : null];
}

/** layerGradsInto's working arrays (every element written before it is read, on every run). */
interface BpttScratch {
  /** ∂L/∂gates in step order (the output itself unless reversed). */
  DG: FloatArray;
  /** [∂L/∂h_t, ∂L/∂c_t] of the step being undone. */
  gr: FloatArray;
  dc: FloatArray;
  dcNext: FloatArray;
  /** The previous states as one [T·B, H] operand (when W_hh's gradient is wanted). */
  hp: FloatArray | null;
}

function layerGradsInto(G: FloatArray, ST: FloatArray, acts: FloatArray, W: FloatArray, T: number, B: number, H: number, reverse: boolean,
  dgxOut: FloatArray, dh: FloatArray, dcOut: FloatArray, w: FloatArray | null, b: FloatArray | null, scratch: BpttScratch): void {
  const n = B * H, G4 = 4 * n;
  const { DG, gr } = scratch;
  let { dc, dcNext } = scratch;
  dh.fill(0);
  dc.set(G.subarray(T * n, (T + 1) * n));
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    for (let k = 0; k < n; k++) gr[k] = G[t * n + k] + dh[k];
    gr.set(dc, n);
    const dg = DG.subarray(s * G4, (s + 1) * G4);
    lstmCellBackwardArrays(gr, acts.subarray(s * 5 * n, (s + 1) * 5 * n), ST.subarray(s * 2 * n + n, (s + 1) * 2 * n), dg, dcNext, B, H);
    [dc, dcNext] = [dcNext, dc];
    if (H > 0) gemm(false, false, B, H, 4 * H, 1, dg, 0, 4 * H, W, 0, H, 0, dh, 0, H);
  }
  dcOut.set(dc);
  if (reverse) for (let s = 0; s < T; s++) dgxOut.set(DG.subarray(s * G4, (s + 1) * G4), (T - 1 - s) * G4);
  if (w) {
    // Σ_s dg_sᵀ·h_{s−1}: the previous states gathered into one [T·B, H] operand for a single GEMM.
    const hp = scratch.hp as FloatArray;
    for (let s = 0; s < T; s++) hp.set(ST.subarray(s * 2 * n, s * 2 * n + n), s * n);
    if (T * B > 0) gemm(true, false, 4 * H, H, T * B, 1, DG, 0, 4 * H, hp, 0, H, 0, w, 0, H);
    else w.fill(0);
  }
  if (b) {
    // The SIMD column sums for float32 (float64 accumulation, the same bits as the JS loop).
    if (DG instanceof Float32Array && b instanceof Float32Array && simdApplies(T * G4)) sumRowsF32(DG, b, T * B, 4 * H);
    else columnSumsInto(DG, T * B, 4 * H, b);
  }
}

/** The same gradients in Tensor ops from the inputs (createGraph): the forward again, then the recursion. */
function layerGradOps(gx: Tensor, h0: Tensor, c0: Tensor, wHh: Tensor, bHh: Tensor | null, grad: Tensor, reverse: boolean): (Tensor | null)[] {
  const T = gx._shape[0], dtype = wHh.dtype;
  const hs: Tensor[] = [h0], cs: Tensor[] = [c0], ghs: Tensor[] = [];
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    ghs.push(linear(hs[s], wHh, bHh));
    const hc = lstmCell(select(gx, 0, t), ghs[s], cs[s]);
    hs.push(select(hc, 0, 0));
    cs.push(select(hc, 0, 1));
  }
  let dh: Tensor | null = null, dc = select(grad, 0, T);
  const dgs = new Array<Tensor>(T), dgTime = new Array<Tensor>(T);
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const gH = dh ? select(grad, 0, t).add(dh) : select(grad, 0, t);
    const [dg, dcPrev] = lstmCellGradOps(select(gx, 0, t), ghs[s], cs[s], gH, dc, dtype);
    dgs[s] = dg;
    dgTime[t] = dg;
    dc = dcPrev;
    dh = dg.matmul(wHh);
  }
  if (T === 0) return [gx.mul(0), grad.select(0, 0).mul(0), dc, wHh.requiresGrad ? wHh.mul(0) : null, bHh && bHh.requiresGrad ? bHh.mul(0) : null];
  const DG = cat(dgs, 0);
  return [
    stack(dgTime, 0), dh, dc,
    wHh.requiresGrad ? DG.t().matmul(cat(hs.slice(0, T), 0)) : null,
    bHh && bHh.requiresGrad ? DG.sum(0) : null,
  ];
}
