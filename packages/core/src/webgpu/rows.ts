/**
 * The webgpu device's layerNorm, cumsum / cumprod and indexSelect's backward (issue 17), called from ops/layer-norm.ts,
 * ops/scan.ts and ops/indexing.ts; their gradients are Tensor ops there (so they run on the device and are differentiable).
 */
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { dispatch } from './device';
import { bufferOf, checkAllOnDevice, copy, deviceConstant, dummyBuffer, gpuTensor, groupsOf } from './ops';
import { bucketSortSource, bucketSumSource, layerNormBackwardSource, layerNormSource, scanSource } from './kernels/rows.wgsl';

function floatOnly(op: string, ...ts: (Tensor | null)[]): void {
  for (const t of ts) {
    if (t && t.dtype !== 'float32') throw new TypeError(`${op}: the webgpu device computes ${op} of float32 tensors only, got ${t.dtype} (shape ${fmt(t.shape)})`);
  }
}

const contiguous = (t: Tensor): Tensor => (t.isContiguous() ? t : copy(t));

/**
 * (x − mean)·rstd (·w + b) over rows of `C` trailing elements, one workgroup per row, and each row's
 * [mean, rstd] (not taped: the caller records it).
 */
export function layerNormRows(x: Tensor, w: Tensor | null, b: Tensor | null, C: number, eps: number): { y: Tensor; stats: Tensor } {
  checkAllOnDevice('layerNorm', x, w, b);
  floatOnly('layerNorm', x, w, b);
  const xc = contiguous(x), wc = w && contiguous(w), bc = b && contiguous(b);
  const res = gpuTensor('layerNorm', 'float32', x.shape);
  const rows = C === 0 ? 0 : x.numel() / C;
  const stats = gpuTensor('layerNorm', 'float32', [Math.max(rows, 1), 2]);
  if (rows === 0) return { y: res, stats };
  dispatch('layerNorm', 'layerNorm', layerNormSource, rows, [bufferOf(xc), wc ? bufferOf(wc) : dummyBuffer(), bc ? bufferOf(bc) : dummyBuffer(), bufferOf(res), bufferOf(stats)], (p) => {
    p.i[0] = rows;
    p.i[1] = C;
    p.i[2] = (wc ? 1 : 0) | (bc ? 2 : 0);
    p.i[4] = xc.nd.offset;
    p.i[5] = wc ? wc.nd.offset : 0;
    p.i[6] = bc ? bc.nd.offset : 0;
    p.f[8] = eps;
  });
  return { y: res, stats };
}

/** layerNorm's input gradient and x̂ from the forward's row statistics, one workgroup per row (not taped). */
export function layerNormBackwardRows(g: Tensor, x: Tensor, w: Tensor | null, stats: Tensor, C: number): { dx: Tensor; xhat: Tensor } {
  const gc = contiguous(g), xc = contiguous(x), wc = w && contiguous(w);
  const dx = gpuTensor('layerNorm backward', 'float32', x.shape), xhat = gpuTensor('layerNorm backward', 'float32', x.shape);
  const rows = C === 0 ? 0 : x.numel() / C;
  if (rows === 0) return { dx, xhat };
  dispatch('layerNorm backward', 'layerNormBackward', layerNormBackwardSource, rows, [bufferOf(xc), wc ? bufferOf(wc) : dummyBuffer(), bufferOf(gc), bufferOf(stats), bufferOf(dx), bufferOf(xhat)], (p) => {
    p.i[0] = rows;
    p.i[1] = C;
    p.i[2] = wc ? 1 : 0;
    p.i[4] = xc.nd.offset;
    p.i[5] = wc ? wc.nd.offset : 0;
    p.i[6] = gc.nd.offset;
  });
  return { dx, xhat };
}

/** Running sums (or products) along dim `d` of a float32 tensor, one thread per line (not taped). */
export function scanLines(op: 'cumsum' | 'cumprod', x: Tensor, d: number): Tensor {
  if (x.dtype !== 'float32') {
    throw new TypeError(`${op}: the webgpu device scans float32 tensors only, got ${x.dtype} (an int32 running value there could leave int32 unchecked); pass { dtype: 'float32' }`);
  }
  const xc = contiguous(x);
  const res = gpuTensor(op, 'float32', x.shape);
  const sh = x.shape;
  const len = x.ndim === 0 ? 1 : sh[d];
  const inner = sh.slice(d + 1).reduce((p, s) => p * s, 1);
  const lines = len === 0 ? 0 : x.numel() / len;
  if (lines === 0) return res;
  dispatch(op, op, () => scanSource(op === 'cumprod'), groupsOf(lines, 64), [bufferOf(xc), bufferOf(res)], (p) => {
    p.i[0] = lines;
    p.i[1] = len;
    p.i[2] = inner;
    p.i[4] = xc.nd.offset;
  });
  return res;
}

/**
 * indexSelect's VJP on the device: g [..., m, ...] (m at dim d) summed into zeros of `shape` at the rows
 * `index` names — scatterAdd's values and order, in O(m + V) + O(|result| + |g|) work instead of
 * scatterAdd's O(|result| · m). Float32 gradients; not taped (the caller records it).
 */
export function indexAddRows(g: Tensor, d: number, index: Tensor, shape: readonly number[]): Tensor {
  floatOnly('indexSelect backward', g);
  const gc = contiguous(g), ic = contiguous(index);
  const V = shape[d], m = ic.numel();
  const inner = shape.slice(d + 1).reduce((p, s) => p * s, 1);
  const res = gpuTensor('indexSelect backward', 'float32', shape);
  const n = res.numel();
  if (n === 0) return res;
  const offs = gpuTensor('indexSelect backward', 'int32', [V + 1]);
  const cur = gpuTensor('indexSelect backward', 'int32', [Math.max(V, 1)]);
  const perm = gpuTensor('indexSelect backward', 'int32', [Math.max(m, 1)]);
  dispatch('indexSelect backward', 'bucketSort', bucketSortSource, 1, [bufferOf(ic), bufferOf(offs), bufferOf(cur), bufferOf(perm)], (p) => {
    p.i[0] = V;
    p.i[1] = m;
    p.i[4] = ic.nd.offset;
  });
  dispatch('indexSelect backward', 'bucketSum', bucketSumSource, groupsOf(n, 64), [bufferOf(gc), bufferOf(offs), bufferOf(perm), bufferOf(res)], (p) => {
    p.i[0] = n;
    p.i[1] = V;
    p.i[2] = m;
    p.i[3] = inner;
    p.i[4] = gc.nd.offset;
  });
  return res;
}

/**
 * The n×n identity (or, `upper`, the j ≥ k triangle) as a bool device tensor, uploaded once per n (prod's
 * and cumprod's zero-safe gradients select with them).
 */
export function eyeMask(n: number, upper = false): Tensor {
  return deviceConstant(`eye:${n}:${upper}`, () => {
    const m = new Uint8Array(n * n);
    for (let k = 0; k < n; k++) { if (upper) m.fill(1, k * n + k, (k + 1) * n); else m[k * n + k] = 1; }
    return Tensor._fromData(m, [n, n], 'bool');
  });
}
