/**
 * Activation functions (PyTorch's `torch.nn.functional` activations), thin wrappers over core's ops so
 * that `F.relu(x)` reads as in PyTorch.
 */
import { Tensor, type DType } from '@tapegrad/core';
import { checkOptions, isOptionsObject, keywordArg } from '../check';

function checkTensor(fn: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
}

/** max(0, x). ReLU'(0) = 0, as PyTorch. @example F.relu(tensor([-1, 2])) // [0, 2] */
export function relu(x: Tensor): Tensor {
  checkTensor('relu', x);
  return x.relu();
}

/** x if x > 0 else negativeSlope·x. @example F.leakyRelu(x, 0.1) // or F.leakyRelu(x, { negativeSlope: 0.1 }) */
export function leakyRelu(x: Tensor, negativeSlope: number | { negativeSlope?: number } = 0.01): Tensor {
  checkTensor('leakyRelu', x);
  return x.leakyRelu(keywordArg('leakyRelu', negativeSlope, 'negativeSlope', 0.01));
}

/** x if x > 0 else α(eˣ − 1). @example F.elu(x, 1.0) // or F.elu(x, { alpha: 1.0 }) */
export function elu(x: Tensor, alpha: number | { alpha?: number } = 1): Tensor {
  checkTensor('elu', x);
  return x.elu(keywordArg('elu', alpha, 'alpha', 1));
}

/** x·Φ(x) ('none', exact erf) or the tanh approximation ('tanh'). @example F.gelu(x, 'tanh') // or F.gelu(x, { approximate: 'tanh' }) */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' | { approximate?: 'none' | 'tanh' } = 'none'): Tensor {
  checkTensor('gelu', x);
  return x.gelu(keywordArg<'none' | 'tanh'>('gelu', approximate, 'approximate', 'none'));
}

/** 1 / (1 + e⁻ˣ). */
export function sigmoid(x: Tensor): Tensor {
  checkTensor('sigmoid', x);
  return x.sigmoid();
}

/** tanh(x). */
export function tanh(x: Tensor): Tensor {
  checkTensor('tanh', x);
  return x.tanh();
}

/** (1/β)·log(1 + e^(βx)), and x where βx > threshold (PyTorch's rule). `F.softplus(x, 2)` or `F.softplus(x, { beta: 2 })`. */
export function softplus(x: Tensor, beta: number | { beta?: number; threshold?: number } = 1, threshold = 20): Tensor {
  checkTensor('softplus', x);
  if (isOptionsObject(beta)) ({ beta = 1, threshold = 20 } = checkOptions('softplus', beta, ['beta', 'threshold']));
  return x.softplus(beta, threshold);
}

/** x·σ(x) (swish). */
export function silu(x: Tensor): Tensor {
  checkTensor('silu', x);
  return x.mul(x.sigmoid());
}

/** Binary (Heaviside) step: 1 where x > 0, else 0. Its gradient is zero everywhere (defined so at 0). */
export function step(x: Tensor): Tensor {
  checkTensor('step', x);
  return x.step();
}

/**
 * PyTorch's rule for a softmax without `dim` (deprecated there): dim 0 for 0-, 1- and 3-D inputs, else 1.
 * @internal
 */
export function implicitSoftmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** F.softmax's, F.logSoftmax's and F.softmin's keyword arguments (PyTorch's `dim=`, `dtype=`). */
export interface SoftmaxOptions {
  /** The dim the result sums to 1 along; without it PyTorch's implicit choice (see {@link implicitSoftmaxDim}). */
  dim?: number;
  /** Cast the input to this floating dtype first (PyTorch's `dtype=`): float32 logits computed in float64, or int32 logits. */
  dtype?: DType;
}

/** The dim (positional or an option) and the options of a softmax-like call; the dtype goes on to core's op. */
function softmaxArgs(fn: string, x: Tensor, dim: number | SoftmaxOptions | undefined, opts: SoftmaxOptions | undefined): [number, { dtype?: DType }] {
  checkTensor(fn, x);
  let o: SoftmaxOptions = {};
  if (isOptionsObject(dim)) {
    if (opts !== undefined) throw new TypeError(`${fn}: give the options in one object, e.g. ${fn}(x, { dim: 1, dtype: 'float64' }) or ${fn}(x, 1, { dtype: 'float64' })`);
    o = checkOptions(fn, dim, ['dim', 'dtype']);
  } else {
    if (dim !== undefined && typeof dim !== 'number') throw new TypeError(`${fn}: dim must be a number or an options object, got ${typeof dim}`);
    o = { ...checkOptions(fn, opts, ['dtype']), dim };
  }
  return [o.dim ?? implicitSoftmaxDim(x.ndim), o.dtype === undefined ? {} : { dtype: o.dtype }];
}

/**
 * eˣ / Σ eˣ along `dim`. Without `dim`, PyTorch's implicit choice (see {@link implicitSoftmaxDim});
 * pass it explicitly. `dtype` casts the input first (PyTorch's `dtype=`).
 * @example F.softmax(logits, 1) // rows sum to 1; or F.softmax(logits, { dim: 1, dtype: 'float64' })
 */
export function softmax(x: Tensor, dim?: number | SoftmaxOptions, opts?: SoftmaxOptions): Tensor {
  const [d, o] = softmaxArgs('softmax', x, dim, opts);
  return x.softmax(d, o);
}

/** log(softmax(x)) computed stably as x − logsumexp(x). `F.logSoftmax(x, 1)`, `F.logSoftmax(x, { dim: 1, dtype: 'float64' })`. */
export function logSoftmax(x: Tensor, dim?: number | SoftmaxOptions, opts?: SoftmaxOptions): Tensor {
  const [d, o] = softmaxArgs('logSoftmax', x, dim, opts);
  return x.logSoftmax(d, o);
}

/** softmax(−x) along `dim` (PyTorch's F.softmin; `dtype` casts the input first). @example F.softmin(costs, 1) */
export function softmin(x: Tensor, dim?: number | SoftmaxOptions, opts?: SoftmaxOptions): Tensor {
  const [d, o] = softmaxArgs('softmin', x, dim, opts);
  // Cast before negating, as PyTorch (an int32 input negates exactly either way; float32 → float64 must not round first).
  return (o.dtype === undefined || o.dtype === x.dtype ? x : x.to(o.dtype)).neg().softmax(d);
}
