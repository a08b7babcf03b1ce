/**
 * Layer normalisation as one primitive: the composition (mean, variance, subtract, divide, scale,
 * shift) costs a dozen full-size passes and as many broadcast gradients; here the forward is one pass
 * per row and the VJP has two forms computing the same values. With grad mode off (an ordinary
 * backward) it is one fused pass per row over the saved row statistics; with grad mode on
 * (`createGraph`) it is written in Tensor ops from the inputs, so second derivatives are taped.
 */
import { Tensor } from '../tensor';
import { allocate, allocateUninit, isFloating, FloatArray, FloatDType, DType, checkSameDtype } from '../dtype';
import { fmt } from '../shape';
import { record } from '../autograd/tape';
import { isGradEnabled } from '../autograd/grad-mode';
import { sumTo } from './reduce';
import { runKernel } from '../compile/capture';
import { layerNormF32, layerNormBackwardF32 } from '../kernels/row-kernels';
import { layerNormBackwardRows, layerNormRows } from '../webgpu/rows'; // webgpu (issue 17)

// The JS backward's float64 sums of the weight and bias gradients: grow-only and reused by every call
// (allocated per run they made every replay of a compiled step allocate). Only used inside the kernel,
// zeroed first, and copied into the outputs before it returns.
let accW = new Float64Array(0), accB = new Float64Array(0);

/** Zeroed float64 accumulators of at least C elements (null when not wanted). */
function accumulators(w: boolean, b: boolean, C: number): [Float64Array | null, Float64Array | null] {
  if (w && accW.length < C) accW = new Float64Array(C);
  if (b && accB.length < C) accB = new Float64Array(C);
  if (w) accW.fill(0, 0, C);
  if (b) accB.fill(0, 0, C);
  return [w ? accW : null, b ? accB : null];
}

/**
 * (x − mean) / √(var + eps) · weight + bias over the trailing dims `normalizedShape` (biased variance,
 * PyTorch's `F.layer_norm`); weight and bias have shape normalizedShape or are null.
 * @example
 * layerNorm(x, [16], w, b, 1e-5) // x [N, T, 16]
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError('layerNorm: expected a Tensor input');
  const k = normalizedShape.length;
  const tail = x._shape.slice(x.ndim - k);
  if (k === 0 || x.ndim < k || tail.some((s, i) => s !== normalizedShape[i])) {
    throw new RangeError(`layerNorm: given normalizedShape=${fmt(normalizedShape)}, expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size ${fmt(x._shape)}`);
  }
  const dtype: DType = x.dtype;
  for (const [name, t] of [['input', x], ['weight', weight], ['bias', bias]] as const) {
    if (!t) continue;
    if (!isFloating(t.dtype)) throw new TypeError(`layerNorm: expected a floating point ${name}, got ${t.dtype}`);
    if (t !== x && (t.ndim !== k || t._shape.some((s, i) => s !== normalizedShape[i]))) {
      throw new RangeError(`layerNorm: ${name} must have shape ${fmt(normalizedShape)}, got ${fmt(t._shape)}`);
    }
  }
  // PyTorch refuses an affine tensor of another float dtype ("expected scalar type Float but found Double").
  checkSameDtype('layerNorm', ['input', x], ['weight', weight], ['bias', bias]);
  const C = normalizedShape.reduce((p, s) => p * s, 1);
  const dims = normalizedShape.map((_, i) => x.ndim - k + i);
  const params = [...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  // Tensor ops from the inputs, so that this gradient is itself differentiable (and runs on any device).
  const tapedGrads = (g: Tensor): (Tensor | null)[] => {
    const xc = x.to(dtype).sub(x.to(dtype).mean(dims, true));
    const rs = xc.square().mean(dims, true).add(eps).rsqrt();
    const xhat = xc.mul(rs);
    const gw = weight ? g.mul(weight.to(dtype)) : g;
    const like = (t: Tensor, of: Tensor): Tensor => (t.dtype === of.dtype ? t : t.to(of.dtype));
    const grads: (Tensor | null)[] = [x.requiresGrad ? like(rs.mul(gw.sub(gw.mean(dims, true)).sub(xhat.mul(gw.mul(xhat).mean(dims, true)))), x) : null];
    if (weight) grads.push(weight.requiresGrad ? like(sumTo(g.mul(xhat), weight.shape), weight) : null);
    if (bias) grads.push(bias.requiresGrad ? like(sumTo(g, bias.shape), bias) : null);
    return grads;
  };
  if ([x, ...params].some((t) => t._storage.gpu !== null)) { // webgpu (issue 17): row kernels as on the cpu
    const { y, stats } = layerNormRows(x, weight, bias, C, eps);
    return record('layerNorm', [x, ...params], y, (g) => {
      if (isGradEnabled() || g.dtype !== 'float32') return tapedGrads(g);
      const { dx, xhat } = layerNormBackwardRows(g, x, weight, stats, C);
      const grads: (Tensor | null)[] = [x.requiresGrad ? dx : null];
      if (weight) grads.push(weight.requiresGrad ? sumTo(g.mul(xhat), weight.shape) : null);
      if (bias) grads.push(bias.requiresGrad ? sumTo(g, bias.shape) : null);
      return grads;
    }, [x, ...params]);
  }
  const rows = C === 0 ? 0 : x.numel() / C;
  // Every element is written (by the wasm kernel or the loop), so a recycled buffer needs no zeroing.
  const out = allocateUninit(dtype as FloatDType, rows * C);
  const mean = new Float64Array(rows), rstd = new Float64Array(rows);
  runKernel(() => {
    const X = x._contigData(), W = weight?._contigData() ?? null, Bv = bias?._contigData() ?? null;
    if (rows > 0 && layerNormF32(X, W, Bv, out, mean, rstd, rows, C, eps)) return;
    for (let r = 0; r < rows; r++) {
      const o = r * C;
      let s = 0;
      for (let j = 0; j < C; j++) s += X[o + j];
      const m = s / C;
      let v = 0;
      for (let j = 0; j < C; j++) {
        const d = X[o + j] - m;
        v += d * d;
      }
      const rs = 1 / Math.sqrt(v / C + eps);
      mean[r] = m;
      rstd[r] = rs;
      for (let j = 0; j < C; j++) {
        let y = (X[o + j] - m) * rs;
        if (W) y *= W[j];
        if (Bv) y += Bv[j];
        out[o + j] = y;
      }
    }
  }, out);
  const res = Tensor._fromData(out, x.shape, dtype);
  return record('layerNorm', [x, ...params], res, (g) => {
    if (isGradEnabled()) return tapedGrads(g);
    let dx: Tensor | null = null, dw: Tensor | null = null, db: Tensor | null = null;
    {
      const DX = x.requiresGrad ? allocateUninit(dtype as FloatDType, rows * C) : null;
      const dwOut = weight?.requiresGrad ? (allocate(weight.dtype, C) as FloatArray) : null;
      const dbOut = bias?.requiresGrad ? (allocate(bias.dtype, C) as FloatArray) : null;
      runKernel(() => {
        const G = g._contigData(), X = x._contigData(), W = weight?._contigData() ?? null;
        if (rows > 0 && layerNormBackwardF32(G, X, W, mean, rstd, DX, dwOut, dbOut, rows, C)) return;
        const [DW, DB] = accumulators(dwOut !== null, dbOut !== null, C);
        for (let r = 0; r < rows; r++) {
          const o = r * C, m = mean[r], rs = rstd[r];
          let s1 = 0, s2 = 0;
          for (let j = 0; j < C; j++) {
            const xh = (X[o + j] - m) * rs;
            const gw = W ? G[o + j] * W[j] : G[o + j];
            s1 += gw;
            s2 += gw * xh;
            if (DW) DW[j] += G[o + j] * xh;
            if (DB) DB[j] += G[o + j];
          }
          if (DX) {
            s1 /= C;
            s2 /= C;
            for (let j = 0; j < C; j++) {
              const xh = (X[o + j] - m) * rs;
              const gw = W ? G[o + j] * W[j] : G[o + j];
              DX[o + j] = rs * (gw - s1 - xh * s2);
            }
          }
        }
        if (DW) for (let j = 0; j < C; j++) dwOut![j] = DW[j];
        if (DB) for (let j = 0; j < C; j++) dbOut![j] = DB[j];
      }, DX ?? undefined, dwOut ?? undefined, dbOut ?? undefined);
      if (DX) dx = Tensor._fromData(DX, x.shape, dtype);
      if (dwOut) dw = Tensor._fromData(dwOut, weight!.shape, weight!.dtype);
      if (dbOut) db = Tensor._fromData(dbOut, bias!.shape, bias!.dtype);
    }
    const grads: (Tensor | null)[] = [dx && dx.dtype !== x.dtype ? dx.to(x.dtype) : dx];
    if (weight) grads.push(dw && dw.dtype !== weight.dtype ? dw.to(weight.dtype) : dw);
    if (bias) grads.push(db && db.dtype !== bias.dtype ? db.to(bias.dtype) : db);
    return grads;
  }, [x, ...params]);
}
