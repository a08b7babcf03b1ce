/**
 * Batch normalisation with the batch's statistics (training mode) as one primitive, beside layer-norm.ts and
 * for the same reason: composed from mean, var, sub, div, mul and add it costs about twenty full-size passes
 * forward and backward, most of them broadcasts over [N, C, ...] (a LeNet-sized BatchNorm2d step took ~65 ms
 * where PyTorch takes ~1 ms). Here the forward is two passes per channel and the VJP has two forms computing
 * the same values: with grad mode off (an ordinary backward) one fused pass per channel over the saved
 * statistics; with grad mode on (`createGraph`) Tensor ops from the inputs, so second derivatives are taped.
 * The running statistics are nn's business (F.batchNorm updates them from the mean and variance returned).
 */
import { Tensor } from '../tensor';
import { allocate, allocateUninit, isFloating, FloatArray, FloatDType, checkSameDtype } from '../dtype';
import { fmt } from '../shape';
import { record } from '../autograd/tape';
import { isGradEnabled } from '../autograd/grad-mode';
import { sumTo } from './reduce';
import { runKernel } from '../compile/capture';

/** What {@link batchNormTraining} returns: the output, and the batch's per-channel mean and biased variance (float64 sums, in x's dtype, no grad). */
export interface BatchNormTraining {
  y: Tensor;
  mean: Tensor;
  variance: Tensor;
}

/**
 * (x − mean_c) / √(var_c + eps) · weight_c + bias_c over x [N, C, ...], with mean_c and the biased var_c taken
 * over every dim but 1 (PyTorch's `F.batch_norm(..., training=True)` output). weight and bias are [C] or null.
 * Sums are float64 and each output element is rounded once.
 * @example
 * const { y, mean, variance } = batchNormTraining(x, w, b, 1e-5); // x [8, 3, 5, 5]; mean, variance [3]
 */
export function batchNormTraining(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): BatchNormTraining {
  if (!(x instanceof Tensor)) throw new TypeError('batchNorm: expected a Tensor input');
  if (!isFloating(x.dtype)) throw new TypeError(`batchNorm: expected a floating point input, got ${x.dtype}`);
  if (x.ndim < 2) throw new RangeError(`batchNorm: expected an input of at least 2 dims [N, C, ...], got shape ${fmt(x._shape)}`);
  const C = x._shape[1];
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && t.numel() !== C) throw new RangeError(`batchNorm: ${name} should contain ${C} elements (the channels of input ${fmt(x._shape)}) not ${t.numel()}`);
  }
  checkSameDtype('batchNorm', ['input', x], ['weight', weight], ['bias', bias]);
  const dtype = x.dtype as FloatDType;
  const N = x._shape[0], S = x.numel() / (N * C || 1), M = N * S;
  const dims = x._shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x._shape.map((s, i) => (i === 1 ? s : 1));
  const params = [...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  // Tensor ops from the inputs, so that this gradient is itself differentiable.
  const tapedGrads = (g: Tensor): (Tensor | null)[] => {
    const xc = x.sub(x.mean(dims, true));
    const rs = xc.square().mean(dims, true).add(eps).rsqrt();
    const xhat = xc.mul(rs);
    const gw = weight ? g.mul(weight.reshape(bshape)) : g;
    const grads: (Tensor | null)[] = [x.requiresGrad ? rs.mul(gw.sub(gw.mean(dims, true)).sub(xhat.mul(gw.mul(xhat).mean(dims, true)))) : null];
    if (weight) grads.push(weight.requiresGrad ? sumTo(g.mul(xhat), bshape).reshape(weight.shape) : null);
    if (bias) grads.push(bias.requiresGrad ? sumTo(g, bshape).reshape(bias.shape) : null);
    return grads;
  };
  const out = allocateUninit(dtype, x.numel());
  const meanOut = allocate(dtype, C) as FloatArray, varOut = allocate(dtype, C) as FloatArray;
  const mean = new Float64Array(C), rstd = new Float64Array(C);
  runKernel(() => {
    const X = x._contigData(), W = weight?._contigData() ?? null, B = bias?._contigData() ?? null;
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let n = 0; n < N; n++) for (let o = (n * C + c) * S, e = o + S; o < e; o++) s += X[o];
      const m = s / M;
      let v = 0;
      for (let n = 0; n < N; n++) {
        for (let o = (n * C + c) * S, e = o + S; o < e; o++) {
          const d = X[o] - m;
          v += d * d;
        }
      }
      const variance = v / M, rs = 1 / Math.sqrt(variance + eps);
      mean[c] = m;
      rstd[c] = rs;
      meanOut[c] = m;
      varOut[c] = variance;
      const scale = W ? W[c] * rs : rs, shift = B ? B[c] : 0;
      for (let n = 0; n < N; n++) for (let o = (n * C + c) * S, e = o + S; o < e; o++) out[o] = (X[o] - m) * scale + shift;
    }
  }, out, meanOut, varOut);
  const y = record('batchNorm', [x, ...params], Tensor._fromData(out, x.shape, dtype), (g) => {
    if (isGradEnabled()) return tapedGrads(g);
    const DX = x.requiresGrad ? allocateUninit(dtype, x.numel()) : null;
    const dwOut = weight?.requiresGrad ? (allocate(dtype, C) as FloatArray) : null;
    const dbOut = bias?.requiresGrad ? (allocate(dtype, C) as FloatArray) : null;
    runKernel(() => {
      const G = g._contigData(), X = x._contigData(), W = weight?._contigData() ?? null;
      for (let c = 0; c < C; c++) {
        const m = mean[c], rs = rstd[c], w = W ? W[c] : 1;
        // Σ g and Σ g·x̂ over the channel: the bias and weight gradients, and (times w) the two means of dx.
        let sg = 0, sgx = 0;
        for (let n = 0; n < N; n++) {
          for (let o = (n * C + c) * S, e = o + S; o < e; o++) {
            sg += G[o];
            sgx += G[o] * (X[o] - m) * rs;
          }
        }
        if (dwOut) dwOut[c] = sgx;
        if (dbOut) dbOut[c] = sg;
        if (DX) {
          const m1 = (w * sg) / M, m2 = (w * sgx) / M;
          for (let n = 0; n < N; n++) {
            for (let o = (n * C + c) * S, e = o + S; o < e; o++) DX[o] = rs * (G[o] * w - m1 - (X[o] - m) * rs * m2);
          }
        }
      }
    }, DX ?? undefined, dwOut ?? undefined, dbOut ?? undefined);
    const grads: (Tensor | null)[] = [DX ? Tensor._fromData(DX, x.shape, dtype) : null];
    if (weight) grads.push(dwOut ? Tensor._fromData(dwOut, weight.shape, dtype) : null);
    if (bias) grads.push(dbOut ? Tensor._fromData(dbOut, bias.shape, dtype) : null);
    return grads;
  }, [x, ...params]);
  return { y, mean: Tensor._fromData(meanOut, [C], dtype), variance: Tensor._fromData(varOut, [C], dtype) };
}
