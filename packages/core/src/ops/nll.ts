/**
 * The negative log-likelihood of cross-entropy's common case (no class weights, no ignored target) as
 * one primitive: −Σₘ rows[m, tₘ], divided by M for 'mean'. It computes exactly what
 * `rows.gather(1, t.unsqueeze(1)).squeeze(1).neg().sum()` (then `.div(M)`) computes, in the same order
 * with the same roundings, and its gradient is that chain's gradient bit for bit, with one node and one
 * kernel instead of six ops forward and eight backward. Target values must have been range-checked by
 * the caller (nn's crossEntropy/nllLoss do, in a valueGuard).
 */
import { Tensor } from '../tensor';
import { allocateUninit, type FloatArray, type FloatDType } from '../dtype';
import { record } from '../autograd/tape';
import { isGradEnabled } from '../autograd/grad-mode';
import { runKernel } from '../compile/capture';
import { fmt } from '../shape';
import { zerosLikeShape } from './indexing';

/**
 * −Σₘ rows[m, target[m]] ('sum'), or that divided by M ('mean'), as a 0-d tensor of rows' dtype.
 * rows: float [M, C] (any strides, on the cpu), target: int32 [M] with every value in 0..C−1.
 * @example nllRows(logits.logSoftmax(1), labels, 'mean') // F.crossEntropy(logits, labels)
 */
export function nllRows(rows: Tensor, target: Tensor, reduction: 'mean' | 'sum'): Tensor {
  if (rows.ndim !== 2 || target.ndim !== 1 || target._shape[0] !== rows._shape[0] || target.dtype !== 'int32' || (rows.dtype !== 'float32' && rows.dtype !== 'float64')) {
    throw new TypeError(`nllRows: expected float rows [M, C] and int32 targets [M], got ${rows.dtype} ${fmt(rows._shape)} and ${target.dtype} ${fmt(target._shape)}`);
  }
  const M = rows._shape[0], C = rows._shape[1], dtype = rows.dtype as FloatDType;
  const mean = reduction === 'mean';
  if (rows._storage.gpu !== null || target._storage.gpu !== null) { // webgpu (issue 17): the ops themselves
    const loss = rows.gather(1, target.unsqueeze(1)).squeeze(1).neg().sum();
    return mean ? loss.div(M) : loss;
  }
  const out = allocateUninit(dtype, 1);
  runKernel(() => {
    const src = rows._storage.data, off = rows.nd.offset, s0 = rows.nd.stride[0], s1 = rows.nd.stride[1];
    const t = target._contigData();
    // gather, neg, then sum's float64 accumulation in index order, rounded once into the output
    let s = 0;
    for (let m = 0; m < M; m++) s += -src[off + m * s0 + t[m] * s1];
    out[0] = s;
    if (mean) out[0] = out[0] / M; // div(M): the rounded sum over M, rounded again
  }, out);
  const res = Tensor._fromData(out, [], dtype);
  return record('nllLoss', [rows], res, (g) => [untaped(g, dtype) ? pickedGrad(g, target, M, C, dtype, mean) : composedGrad(g, rows, target, M, mean)], [target]);
}

function untaped(g: Tensor, dtype: FloatDType): boolean {
  return !isGradEnabled() && g.dtype === dtype && g._storage.gpu === null;
}

/** The chain's gradient under createGraph (so it can be differentiated again): its VJPs' own ops. */
function composedGrad(g: Tensor, rows: Tensor, target: Tensor, M: number, mean: boolean): Tensor {
  const picked = (mean ? g.div(M) : g).reshape([1]).expand([M]).neg().reshape([M, 1]);
  return zerosLikeShape(rows).scatterAdd(1, target.unsqueeze(1), picked.dtype === rows.dtype ? picked : picked.to(rows.dtype)); // conform8: scatterAdd wants one dtype
}

/** [M, C] zeros with 0 + (−g/M) (or 0 + (−g)) at each target: what div, sum, neg and gather's VJPs make. */
function pickedGrad(g: Tensor, target: Tensor, M: number, C: number, dtype: FloatDType, mean: boolean): Tensor {
  const G = allocateUninit(dtype, M * C) as FloatArray;
  const q = new (dtype === 'float32' ? Float32Array : Float64Array)(1);
  runKernel(() => {
    q[0] = g._storage.data[g.nd.offset];
    if (mean) q[0] = q[0] / M;
    const v = -q[0];
    const t = target._contigData();
    G.fill(0);
    for (let m = 0; m < M; m++) G[m * C + t[m]] += v; // scatterAdd: 0 + v (keeps the sign of a zero as it does)
  }, G);
  return Tensor._fromData(G, [M, C], dtype);
}
