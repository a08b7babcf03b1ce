/**
 * Activations composed from primitives (no gradient code here): their VJPs, and the VJPs of those
 * VJPs, come from the ops they are built of. softplus is the one primitive, for exact stability.
 */
import { Tensor } from '../tensor';
import { allocateUninit, isFloating, type DType, type FloatArray, type FloatDType } from '../dtype';
import { record, printedAs } from '../autograd/tape';
import { runKernel } from '../compile/capture';
import { isGradEnabled, noGrad } from '../autograd/grad-mode';
import { mapUnary } from './kernels';
import { where } from './indexing';
import { normDim } from '../shape';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)
import { positionalOptions, pos, type PositionalArgs } from '../positional-args';
import { logSoftmaxRowsF32, simdApplies, softmaxRowsF32 } from '../kernels/elementwise';

/**
 * softmax / log-softmax of a contiguous float32 tensor along its last dim on the WebAssembly SIMD
 * row kernel (one pass per row, ~1-ulp exp), or null when that path does not apply.
 */
function simdRows(x: Tensor, d: number, log: boolean): Tensor | null {
  if (x._storage.gpu !== null) return d === x.ndim - 1 ? WG.softmaxRows(x, log) : null; // webgpu (issue 17): other dims compose
  const n = x.numel();
  if (x.dtype !== 'float32' || d !== x.ndim - 1 || !x.isContiguous() || !simdApplies(n)) return null;
  const cols = x._shape[d];
  const out = allocateUninit('float32', n) as Float32Array;
  runKernel(() => (log ? logSoftmaxRowsF32 : softmaxRowsF32)(x._contigData() as Float32Array, out, n / cols, cols), out);
  return Tensor._fromData(out, x.shape, 'float32');
}

/** PyTorch has no integer kernels for these: an int or bool input is an error, not a silent float result. */
function checkFloat(op: string, x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${typeof x}`);
  if (!isFloating(x.dtype)) throw new TypeError(`${op}: expected a floating point tensor, got ${x.dtype} (convert with .float())`);
  return x;
}

/** max(0, x) + negativeSlope · min(0, x). */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => (checkFloat('leakyRelu', x), printedAs(where(x.gt(0), x, x.mul(negativeSlope)), 'LeakyReluBackward0', x));

/** x if x > 0 else α(eˣ − 1). */
export const elu = (x: Tensor, alpha = 1): Tensor => (checkFloat('elu', x), printedAs(where(x.gt(0), x, x.expm1().mul(alpha)), 'EluBackward0', x));

/** x·Φ(x) with the exact erf form, or PyTorch's tanh approximation. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  checkFloat('gelu', x);
  if (approximate === 'tanh') {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return printedAs(x.mul(0.5).mul(inner.tanh().add(1)), 'GeluBackward0', x);
  }
  if (approximate !== 'none') throw new TypeError(`gelu: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  return printedAs(x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1)), 'GeluBackward0', x);
}

/**
 * softplus(x) = (1/β)·log(1 + e^(βx)), and x itself where βx > threshold (PyTorch's rule).
 * Evaluated as max(βx, 0) + log1p(e^(−|βx|)) so it never overflows; d/dx = σ(βx).
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  checkFloat('softplus', x);
  const out = mapUnary(x, x.dtype, (v) => {
    const z = beta * v;
    return z > threshold ? v : (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))) / beta;
  }, undefined, { op: 'softplus', args: [beta, threshold] });
  return record('softplus', [x], out, (g) => [where(x.mul(beta).gt(threshold), g, g.mul(x.mul(beta).sigmoid()))], [x]);
}

export interface SoftmaxOptions {
  /** The dim the result sums to 1 along (required, positionally or here). */
  dim?: number;
  /** Cast the input to this floating dtype first (PyTorch's `dtype=`), e.g. int32 logits or float32 computed in float64. */
  dtype?: DType;
}
/** softmax's and logSoftmax's arguments after the input: the dim, then optionally the options (or the options alone, with dim). */
export type SoftmaxArgs = PositionalArgs<[dim: number], [], SoftmaxOptions>;

/** The input cast to the dtype option (a differentiable cast: the gradient comes back in the input's dtype), and the dim. */
function softmaxArgs(op: string, x: Tensor, args: readonly unknown[]): { x: Tensor; dim: number } {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor`);
  if (args.length === 1 && typeof args[0] === 'number') return { x, dim: args[0] };
  const { dim, dtype } = positionalOptions<SoftmaxOptions>(op, args, [pos.number('dim')], ['dim', 'dtype']);
  if (dim === undefined) throw new TypeError(`${op}: dim is required, e.g. ${op}(x, 1) or ${op}(x, { dim: 1 })`);
  if (dtype !== undefined && !isFloating(dtype)) throw new TypeError(`${op}: the dtype option must be a floating point dtype, got ${dtype}`);
  return { x: dtype === undefined || dtype === x.dtype ? x : x.to(dtype), dim };
}

/**
 * eˣ / Σ eˣ along dim, with the max subtracted first so large logits do not overflow.
 * @example
 * softmax(tensor([1, 2], { dtype: 'int32' }), 0, { dtype: 'float64' }); // tensor([0.2689, 0.7311], dtype=float64)
 */
export function softmax(input: Tensor, ...args: SoftmaxArgs): Tensor {
  const { x, dim } = softmaxArgs('softmax', input, args);
  const d = normDim(dim, checkFloat('softmax', x).ndim, 'softmax');
  const out = simdRows(x, d, false) ?? noGrad(() => {
    const e = x.sub(x.amax(d, true)).exp();
    return e.div(e.sum(d, true));
  });
  // One node with PyTorch's rule, ∂L/∂x = y ⊙ (g − Σ g ⊙ y), instead of the composition's five.
  return record('softmax', [x], out, (g) => [(out._storage.gpu !== null ? WG.softmaxBackwardRows(g, out, d, false) : null) ?? out.mul(g.sub(g.mul(out).sum(d, true)))], [out]); // webgpu (issue 17): one row kernel
}

/**
 * log softmax along dim, as (x − m) − log Σ exp(x − m) with m the row max: subtracting m first keeps
 * float32 exact for huge logits (x − logsumexp(x) would round logsumexp at the logits' magnitude).
 * One node with PyTorch's rule ∂L/∂x = g − exp(y) ⊙ Σ g (so softmax + cross-entropy gives p − y).
 * `{ dtype }` casts the input first, as softmax's.
 */
export function logSoftmax(input: Tensor, ...args: SoftmaxArgs): Tensor {
  const { x, dim } = softmaxArgs('logSoftmax', input, args);
  const d = normDim(dim, checkFloat('logSoftmax', x).ndim, 'logSoftmax');
  const out = simdRows(x, d, true) ?? noGrad(() => {
    const m = x.amax(d, true);
    // An all −∞ row gets max 0 (so it gives NaN through log 0, as PyTorch); a +∞ max stays and makes the row NaN, as PyTorch.
    const shifted = x.sub(where(m.eq(-Infinity), 0, m));
    return shifted.sub(shifted.exp().sum(d, true).log());
  });
  return record('logSoftmax', [x], out, (g) => [(out._storage.gpu !== null ? WG.softmaxBackwardRows(g, out, d, true) : null) ?? logSoftmaxBackwardRows(g, out, d) ?? g.sub(out.exp().mul(g.sum(d, true)))], [out]); // webgpu (issue 17): one row kernel
}

/**
 * logSoftmax's rule g − exp(y) ⊙ Σ g along a contiguous last dim in one pass per row, in a backward
 * walk without createGraph (null otherwise): the arithmetic of the ops it replaces, rounding where
 * their outputs round (the exp, the row sum accumulated in float64 in index order as sum() does, the
 * product, the difference), so the bits are theirs.
 */
function logSoftmaxBackwardRows(g: Tensor, y: Tensor, d: number): Tensor | null {
  if (isGradEnabled() || d !== y.ndim - 1 || g.dtype !== y.dtype || g._storage.gpu !== null || !g.isContiguous() || !y.isContiguous()) return null;
  const n = y.numel(), cols = y._shape[d];
  if (n === 0) return null;
  const dtype = y.dtype as FloatDType;
  const out = allocateUninit(dtype, n);
  runKernel(() => (dtype === 'float32' ? logSoftmaxBackwardF32 : logSoftmaxBackwardF64)(g._contigData() as FloatArray, y._contigData() as FloatArray, out, n / cols, cols), out);
  return Tensor._fromData(out, y.shape, dtype);
}

function logSoftmaxBackwardF32(g: FloatArray, y: FloatArray, out: FloatArray, rows: number, cols: number): void {
  const fr = Math.fround;
  for (let r = 0, b = 0; r < rows; r++, b += cols) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += g[b + j];
    const sr = fr(s);
    for (let j = 0; j < cols; j++) out[b + j] = g[b + j] - fr(fr(Math.exp(y[b + j])) * sr);
  }
}

function logSoftmaxBackwardF64(g: FloatArray, y: FloatArray, out: FloatArray, rows: number, cols: number): void {
  for (let r = 0, b = 0; r < rows; r++, b += cols) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += g[b + j];
    for (let j = 0; j < cols; j++) out[b + j] = g[b + j] - Math.exp(y[b + j]) * s;
  }
}
