/**
 * The rest of PyTorch's elementwise activations (`F.hardtanh`, `F.selu`, `F.mish`, …), composed of core
 * Tensor ops so that their gradients (and gradients of gradients) come from those ops. Where PyTorch's
 * backward picks a side at a kink, the composition is written so the same side is taken: hardtanh,
 * relu6 and hardsigmoid pass no gradient at their bounds, hardswish and clamp-like ones do.
 */
import { Tensor, Generator, where, rand, isFloating } from '@tapegrad/core';
import { checkOptions, isOptionsObject } from '../check';
import { implicitSoftmaxDim } from './activation';
import { checkSameDtype, printedAs } from '@tapegrad/core/internal';

function checkTensor(fn: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${fn}: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
}
function numberArg(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${fn}: ${name} must be a number, got ${typeof v} ${String(v)}`);
  return v;
}

/** x inside (lo, hi), the bound outside; gradient 0 at and beyond the bounds (PyTorch's hardtanh_backward). */
function strictClamp(x: Tensor, lo: number, hi: number, inside: Tensor = x): Tensor {
  const within = x.gt(lo).logicalAnd(x.lt(hi));
  return where(within, inside, inside.clamp(lo, hi).detach());
}

/**
 * max(minVal, min(maxVal, x)); the gradient is 0 at the bounds, as PyTorch.
 * @example F.hardtanh(tensor([-2, 0.5, 2])) // [-1, 0.5, 1]
 */
export function hardtanh(x: Tensor, minVal: number | { minVal?: number; maxVal?: number } = -1, maxVal = 1): Tensor {
  checkTensor('hardtanh', x);
  if (isOptionsObject(minVal)) ({ minVal = -1, maxVal = 1 } = checkOptions('hardtanh', minVal, ['minVal', 'maxVal']));
  numberArg('hardtanh', 'minVal', minVal); numberArg('hardtanh', 'maxVal', maxVal);
  if (minVal > maxVal) throw new RangeError(`hardtanh: minVal (${minVal}) cannot be greater than maxVal (${maxVal})`);
  return printedAs(strictClamp(x, minVal, maxVal), 'HardtanhBackward0', x);
}

/** min(max(0, x), 6). @example F.relu6(tensor([-1, 3, 7])) // [0, 3, 6] */
export function relu6(x: Tensor): Tensor {
  checkTensor('relu6', x);
  return printedAs(strictClamp(x, 0, 6), 'HardtanhBackward0', x);
}

/** x where x > threshold, else value. @example F.threshold(tensor([0.05, 0.5]), 0.1, 20) // [20, 0.5] */
export function threshold(x: Tensor, thresholdValue: number | { threshold?: number; value?: number }, value?: number): Tensor {
  checkTensor('threshold', x);
  let th = thresholdValue as number;
  if (isOptionsObject(thresholdValue)) ({ threshold: th = NaN, value = NaN } = checkOptions('threshold', thresholdValue, ['threshold', 'value']));
  numberArg('threshold', 'threshold', th); numberArg('threshold', 'value', value);
  return where(x.gt(th), x, value as number);
}

/** max(0, x) + min(0, α(e^(x/α) − 1)). @example F.celu(x, 1) // or F.celu(x, { alpha: 1 }) */
export function celu(x: Tensor, alpha: number | { alpha?: number } = 1): Tensor {
  checkTensor('celu', x);
  if (isOptionsObject(alpha)) ({ alpha = 1 } = checkOptions('celu', alpha, ['alpha']));
  numberArg('celu', 'alpha', alpha);
  if (alpha === 0) throw new RangeError('celu: alpha cannot be 0 (ZeroDivisionError, as in PyTorch)');
  return where(x.gt(0), x, x.div(alpha).expm1().mul(alpha));
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
/** scale·(max(0, x) + min(0, α(eˣ − 1))) with PyTorch's α and scale. @example F.selu(tensor([1])) // [1.0507] */
export function selu(x: Tensor): Tensor {
  checkTensor('selu', x);
  return where(x.gt(0), x.mul(SELU_SCALE), x.expm1().mul(SELU_ALPHA * SELU_SCALE));
}

/** x·tanh(softplus(x)). @example F.mish(tensor([1])) // [0.8651] */
export function mish(x: Tensor): Tensor {
  checkTensor('mish', x);
  return x.mul(x.softplus(1, 20).tanh());
}

/** x·relu6(x + 3)/6; gradient −0.5 at −3 and 1.5 at 3, as PyTorch. @example F.hardswish(tensor([1])) // [0.6667] */
export function hardswish(x: Tensor): Tensor {
  checkTensor('hardswish', x);
  return x.mul(x.add(3).clamp(0, 6)).div(6);
}

/** relu6(x + 3)/6; gradient 0 at ±3, as PyTorch. @example F.hardsigmoid(tensor([0])) // [0.5] */
export function hardsigmoid(x: Tensor): Tensor {
  checkTensor('hardsigmoid', x);
  const within = x.gt(-3).logicalAnd(x.lt(3));
  const lin = x.div(6).add(0.5);
  return where(within, lin, lin.clamp(0, 1).detach());
}

/** x − tanh(x). */
export function tanhshrink(x: Tensor): Tensor {
  checkTensor('tanhshrink', x);
  return x.sub(x.tanh());
}

function lambdArg(fn: string, lambd: number | { lambd?: number }): number {
  if (isOptionsObject(lambd)) ({ lambd = 0.5 } = checkOptions(fn, lambd, ['lambd']));
  numberArg(fn, 'lambd', lambd);
  if (lambd < 0) throw new RangeError(`${fn}: lambda must be greater or equal to 0, but found to be ${lambd}`);
  return lambd;
}

/** x − λ above λ, x + λ below −λ, else 0 (λ = 0.5). @example F.softshrink(tensor([1, 0.2])) // [0.5, 0] */
export function softshrink(x: Tensor, lambd: number | { lambd?: number } = 0.5): Tensor {
  checkTensor('softshrink', x);
  const l = lambdArg('softshrink', lambd);
  return where(x.gt(l), x.sub(l), where(x.lt(-l), x.add(l), x.mul(0)));
}

/** x where |x| > λ, else 0 (λ = 0.5). @example F.hardshrink(tensor([1, 0.2])) // [1, 0] */
export function hardshrink(x: Tensor, lambd: number | { lambd?: number } = 0.5): Tensor {
  checkTensor('hardshrink', x);
  const l = lambdArg('hardshrink', lambd);
  return where(x.ge(-l).logicalAnd(x.le(l)), 0, x);
}

/** x / (1 + |x|). */
export function softsign(x: Tensor): Tensor {
  checkTensor('softsign', x);
  return x.div(x.abs().add(1));
}

/** log σ(x), stable for large |x|. */
export function logsigmoid(x: Tensor): Tensor {
  checkTensor('logsigmoid', x);
  // min(x, 0) − log1p(e^−|x|) as two branches, each fed a clamped x so the unused one stays finite.
  const xn = x.clamp({ max: 0 }), xp = x.clamp({ min: 0 });
  return where(x.lt(0), xn.sub(xn.exp().log1p()), xp.neg().exp().log1p().neg());
}

/** a·σ(b) where a, b are the halves of x along `dim` (default −1). @example F.glu(tensor([[1, 2, 3, 4]])) // [[0.9526, 1.9640]] */
export function glu(x: Tensor, dim: number | { dim?: number } = -1): Tensor {
  checkTensor('glu', x);
  if (isOptionsObject(dim)) ({ dim = -1 } = checkOptions('glu', dim, ['dim']));
  if (x.ndim === 0) throw new RangeError('glu: glu does not support scalars because halving size must be even');
  const d = dim < 0 ? dim + x.ndim : dim;
  if (!Number.isInteger(d) || d < 0 || d >= x.ndim) throw new RangeError(`glu: dim ${dim} is out of range for a tensor of rank ${x.ndim}`);
  const n = x.shape[d];
  if (n % 2 !== 0) throw new RangeError(`glu: Halving dimension must be even, but dimension ${d} is size ${n}`);
  return x.narrow(d, 0, n / 2).mul(x.narrow(d, n / 2, n / 2).sigmoid());
}

/**
 * x where x > 0, else weight·x; `weight` has 1 or C entries (C = dim 1 of x, the channels).
 * @example F.prelu(tensor([-1, 2]), tensor([0.25])) // [-0.25, 2]
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  checkTensor('prelu', x); checkTensor('prelu', weight);
  // PyTorch refuses a weight of another dtype than the input ("Found dtype Double but expected Float").
  checkSameDtype('prelu', ['input', x], ['weight', weight]);
  if (weight.ndim > 1) throw new RangeError(`prelu: expected weight to be a scalar or 1-D tensor, but got ndim = ${weight.ndim} (shape [${weight.shape.join(', ')}])`);
  const c = weight.numel();
  // One weight keeps x's shape, a 0-d x included (a [1] weight would broadcast it to [1]).
  let w = c === 1 ? weight.reshape([]) : weight;
  if (c !== 1) {
    if (x.ndim === 0) throw new RangeError(`prelu: a 0-d input is not allowed with ${c} weights (one per channel of dim 1)`);
    if (x.ndim < 2 || x.shape[1] !== c) {
      throw new RangeError(`prelu: mismatch of parameter numbers and input channel size. Found parameter numbers = ${c} and channel size = ${x.ndim >= 2 ? x.shape[1] : 1}`);
    }
    w = w.reshape([c, ...new Array<number>(x.ndim - 2).fill(1)]);
  }
  return printedAs(where(x.gt(0), x, x.mul(w)), 'PreluBackward0', x, weight);
}

// more torch.nn modules (nnmore7)
// F.softmin lives in activation.ts with softmax (its dtype option)

/** F.rrelu's keyword arguments (`generator` is an extension: the stream the training slopes come from). */
export interface RReLUOptions { lower?: number; upper?: number; training?: boolean; generator?: Generator }

/**
 * Randomised leaky ReLU, PyTorch's `F.rrelu(input, lower=1/8, upper=1/3, training=False)`: x where
 * x > 0, else a·x, with a drawn from U(lower, upper) per element in training and (lower + upper)/2
 * otherwise (`training` defaults to false, as PyTorch). The slope is also the gradient at x <= 0.
 * @example
 * F.rrelu(tensor([-1, 2])) // [-0.2292, 2]
 * F.rrelu(x, { training: true, generator })
 */
export function rrelu(x: Tensor, lower: number | RReLUOptions = 1 / 8, upper = 1 / 3, training = false, { generator }: { generator?: Generator } = {}): Tensor {
  checkTensor('rrelu', x);
  if (isOptionsObject(lower)) ({ lower = 1 / 8, upper = 1 / 3, training = false, generator } = checkOptions<RReLUOptions>('rrelu', lower as RReLUOptions, ['lower', 'upper', 'training', 'generator']));
  const lo = numberArg('rrelu', 'lower', lower), hi = numberArg('rrelu', 'upper', upper);
  if (lo > hi) throw new RangeError(`rrelu: Lower bound should be less than or equal to the upper bound, got lower ${lo} and upper ${hi}`);
  if (!isFloating(x.dtype)) throw new TypeError(`rrelu: expected a floating point tensor, got ${x.dtype}`);
  const slope = training ? rand(x.shape, { generator, dtype: x.dtype, device: x.device }).mul(hi - lo).add(lo) : (lo + hi) / 2;
  return where(x.gt(0), x, x.mul(slope));
}
