/**
 * OpInfo-style registry (after PyTorch's `common_methods_invocations.py`): one entry per differentiable
 * op exported from @tapegrad/core, with the function, sample inputs (float64, several shapes including
 * broadcasting pairs, 0-d tensors, positive and negative dims) and the input domain. ops.test.ts runs
 * `gradcheck` and `gradgradcheck` on every sample. A new op is one line here.
 */
import * as core from '@tapegrad/core';
import { Generator, Tensor, TensorLike, GradcheckOptions } from '@tapegrad/core';

export type OpFn = (...xs: Tensor[]) => Tensor | Tensor[];

export interface Sample {
  desc: string;
  /** float64 inputs; those with requiresGrad are checked. */
  inputs: Tensor[];
  f: OpFn;
}

export interface OpInfo {
  /** Label of the entry (an op may have several entries, e.g. pow with a number or a tensor exponent). */
  name: string;
  /** The names exported from @tapegrad/core whose gradient this entry checks. */
  covers: string[];
  samples: (gen: Generator) => Sample[];
  /** gradcheck tolerances when the defaults do not fit (e.g. a float32 round trip). */
  tol?: GradcheckOptions;
}

/**
 * Where an op's inputs may be drawn: a map from a standard normal draw into the domain, plus points
 * where the op has a kink (values within `margin` of a kink are pushed away, so finite differences
 * never straddle it).
 */
export interface Domain {
  map: (v: number) => number;
  kinks?: number[];
  margin?: number;
}
export const real: Domain = { map: (v) => v };
/** x > 0, bounded away from 0 (log, sqrt, rsqrt, pow with a fractional exponent). */
export const positive: Domain = { map: (v) => 0.5 + Math.abs(v) };
/** |x| >= 0.5 (division, reciprocal). */
export const awayFromZero: Domain = { map: (v) => Math.sign(v || 1) * (0.5 + Math.abs(v)) };
/** Real line minus a neighbourhood of 0 (abs, relu, leakyRelu, elu). */
export const kinkAtZero: Domain = { map: (v) => v, kinks: [0] };
export const kinksAt = (...kinks: number[]): Domain => ({ map: (v) => v, kinks, margin: 0.05 });

/** A float64 leaf of `shape` drawn from `domain` with `gen`. */
export function arg(gen: Generator, shape: number[], domain: Domain = real, requiresGrad = true): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = new Float64Array(n);
  const margin = domain.margin ?? 0.1;
  for (let i = 0; i < n; i++) {
    let v = domain.map(gen.normal());
    for (const k of domain.kinks ?? []) {
      if (Math.abs(v - k) < margin) v = k + (v >= k ? margin : -margin) + (v - k);
    }
    vals[i] = v;
  }
  return core.tensor(vals, { dtype: 'float64' }).reshape(shape).detach().requiresGrad_(requiresGrad);
}

/** A float64 leaf with exactly these values. */
export function fixed(values: number[], shape: number[]): Tensor {
  return core.tensor(Float64Array.from(values)).reshape(shape).detach().requiresGrad_(true);
}

/** A float64 leaf of distinct values at least 0.05 apart, in random order (max pooling without ties). */
export function distinct(gen: Generator, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const order = Array.from({ length: n }, (_, i) => ({ i, k: gen.normal() })).sort((a, b) => a.k - b.k);
  const vals = new Float64Array(n);
  order.forEach(({ i }, r) => { vals[i] = (r - n / 2) * 0.1 + 0.02 * gen.normal() * 0.5; });
  return core.tensor(vals, { dtype: 'float64' }).reshape(shape).detach().requiresGrad_(true);
}

const int = (v: core.NestedArray): Tensor => core.tensor(v, { dtype: 'int32' });
const bool = (v: core.NestedArray): Tensor => core.tensor(v, { dtype: 'bool' });

// ---- sample builders -------------------------------------------------------------------------------

const UNARY_SHAPES: number[][] = [[], [5], [2, 3], [2, 3, 2]];

/** Elementwise unary op: 0-d, 1-D, 2-D, 3-D and a non-contiguous (transposed) input. */
function unary(name: string, f: (x: Tensor) => Tensor, domain: Domain = real, covers = [name.split(' ')[0]], tol?: GradcheckOptions): OpInfo {
  return {
    name, covers, tol,
    samples: (gen) => [
      ...UNARY_SHAPES.map((s) => ({ desc: `shape [${s}]`, inputs: [arg(gen, s, domain)], f })),
      { desc: 'transposed [3, 2] view', inputs: [arg(gen, [3, 2], domain)], f: (x: Tensor) => f(x.t()) },
    ],
  };
}

/** Broadcasting pairs, including 0-d operands, size-1 stretching on both sides and new leading dims. */
export const BROADCAST_PAIRS: [number[], number[]][] = [
  [[4], [4]], [[2, 3], [3]], [[3], [2, 3]], [[2, 1], [1, 3]], [[], [2, 3]], [[2, 3], []], [[2, 1, 3], [4, 1]], [[], []],
];

/** Broadcasting binary op: every pair above, plus a plain JS number on either side. */
function binary(name: string, f: (a: TensorLike, b: TensorLike) => Tensor, domains: [Domain, Domain] = [real, real], numbers: [number, number] = [0.7, 1.3]): OpInfo {
  return {
    name, covers: [name],
    samples: (gen) => [
      ...BROADCAST_PAIRS.map(([sa, sb]) => ({ desc: `[${sa}] with [${sb}]`, inputs: [arg(gen, sa, domains[0]), arg(gen, sb, domains[1])], f: (a: Tensor, b: Tensor) => f(a, b) })),
      { desc: 'only the left operand requires grad', inputs: [arg(gen, [2, 3], domains[0]), arg(gen, [3], domains[1], false)], f: (a: Tensor, b: Tensor) => f(a, b) },
      { desc: `tensor with the number ${numbers[1]}`, inputs: [arg(gen, [2, 3], domains[0])], f: (a: Tensor) => f(a, numbers[1]) },
      { desc: `the number ${numbers[0]} with a tensor`, inputs: [arg(gen, [3], domains[1])], f: (b: Tensor) => f(numbers[0], b) },
    ],
  };
}

/** Reductions over all dims, one positive dim, one negative dim with keepdim, a dim list, and 0-d inputs. */
function reduction(name: string, f: (x: Tensor, dim?: number | number[], keepdim?: boolean) => Tensor, opts: { dimList?: boolean; needsDim?: boolean; domain?: Domain; zeroD?: boolean } = {}): OpInfo {
  const d = opts.domain ?? real;
  return {
    name, covers: [name.split(' ')[0]],
    samples: (gen) => [
      ...(opts.needsDim ? [] : [
        { desc: 'all of [2, 3, 2]', inputs: [arg(gen, [2, 3, 2], d)], f: (x: Tensor) => f(x) },
        ...(opts.zeroD === false ? [] : [{ desc: 'all of a 0-d tensor', inputs: [arg(gen, [], d)], f: (x: Tensor) => f(x) }]),
      ]),
      { desc: 'dim 1 of [2, 3, 2]', inputs: [arg(gen, [2, 3, 2], d)], f: (x: Tensor) => f(x, 1) },
      { desc: 'dim -1 keepdim of [3, 4]', inputs: [arg(gen, [3, 4], d)], f: (x: Tensor) => f(x, -1, true) },
      { desc: 'dim 0 of [5]', inputs: [arg(gen, [5], d)], f: (x: Tensor) => f(x, 0) },
      ...(opts.zeroD === false ? [] : [{ desc: 'dim -1 of a 0-d tensor', inputs: [arg(gen, [], d)], f: (x: Tensor) => f(x, -1) }]),
      { desc: 'dim 0 of a transposed [3, 2] view', inputs: [arg(gen, [2, 3], d)], f: (x: Tensor) => f(x.t(), 0) },
      ...(opts.dimList ? [
        { desc: 'dims [0, -1] of [2, 3, 2]', inputs: [arg(gen, [2, 3, 2], d)], f: (x: Tensor) => f(x, [0, -1]) },
        { desc: 'dims [2, 0] keepdim of [2, 3, 2]', inputs: [arg(gen, [2, 3, 2], d)], f: (x: Tensor) => f(x, [2, 0], true) },
      ] : []),
    ],
  };
}

/** Ops along one dim (softmax, logSoftmax): positive and negative dims, 1-D, 3-D and 0-d. */
function alongDim(name: string, f: (x: Tensor, dim: number) => Tensor): OpInfo {
  return {
    name, covers: [name],
    samples: (gen) => [
      { desc: 'dim 0 of [5]', inputs: [arg(gen, [5])], f: (x: Tensor) => f(x, 0) },
      { desc: 'dim -1 of [2, 3]', inputs: [arg(gen, [2, 3])], f: (x: Tensor) => f(x, -1) },
      { desc: 'dim 0 of [2, 3]', inputs: [arg(gen, [2, 3])], f: (x: Tensor) => f(x, 0) },
      { desc: 'dim 1 of [2, 3, 2]', inputs: [arg(gen, [2, 3, 2])], f: (x: Tensor) => f(x, 1) },
      { desc: 'dim -1 of a 0-d tensor', inputs: [arg(gen, [])], f: (x: Tensor) => f(x, -1) },
    ],
  };
}

/** An entry whose samples are written out by hand. */
function custom(name: string, covers: string[], samples: (gen: Generator) => Sample[], tol?: GradcheckOptions): OpInfo {
  return { name, covers, samples, tol };
}
const s = (desc: string, inputs: Tensor[], f: OpFn): Sample => ({ desc, inputs, f });

// ---- the registry ------------------------------------------------------------------------------------

export const OPS: OpInfo[] = [
  // Elementwise binary (broadcasting).
  binary('add', core.add),
  binary('sub', core.sub),
  binary('mul', core.mul),
  binary('div', core.div, [real, awayFromZero]),
  binary('pow', core.pow, [positive, real], [1.7, 1.3]),
  custom('pow (number exponent)', ['pow'], (gen) => [
    s('x^2 (any sign)', [arg(gen, [2, 3])], (x) => x.pow(2)),
    s('x^3 of 0-d', [arg(gen, [])], (x) => x.pow(3)),
    s('x^0.5', [arg(gen, [4], positive)], (x) => x.pow(0.5)),
    s('x^-1.5', [arg(gen, [2, 2], positive)], (x) => x.pow(-1.5)),
    s('x^0 (gradient 0)', [arg(gen, [3])], (x) => x.pow(0)),
    s('x^1', [arg(gen, [3])], (x) => x.pow(1)),
  ]),
  binary('maximum', core.maximum),
  binary('minimum', core.minimum),

  // Elementwise unary.
  unary('neg', core.neg),
  unary('exp', core.exp),
  unary('expm1', core.expm1),
  unary('log', core.log, positive),
  unary('log1p', core.log1p, positive),
  unary('sqrt', core.sqrt, positive),
  unary('rsqrt', core.rsqrt, positive),
  unary('abs', core.abs, kinkAtZero),
  unary('sin', core.sin),
  unary('cos', core.cos),
  unary('tanh', core.tanh),
  unary('sigmoid', core.sigmoid),
  unary('erf', core.erf),
  unary('relu', core.relu, kinkAtZero),
  unary('clamp', (x) => core.clamp(x, -0.5, 0.5), kinksAt(-0.5, 0.5)),
  unary('clamp (min only)', (x) => core.clamp(x, 0.2), kinksAt(0.2)),
  unary('clamp (max only)', (x) => core.clamp(x, null, -0.1), kinksAt(-0.1)),
  unary('square', core.square),
  unary('reciprocal', core.reciprocal, awayFromZero),
  unary('leakyRelu', (x) => core.leakyRelu(x, 0.1), kinkAtZero),
  unary('leakyRelu (default slope)', (x) => core.leakyRelu(x), kinkAtZero),
  unary('elu', (x) => core.elu(x, 1.3), kinkAtZero),
  unary('gelu', (x) => core.gelu(x)),
  unary('gelu (tanh)', (x) => core.gelu(x, 'tanh')),
  unary('softplus', (x) => core.softplus(x)),
  unary('softplus (beta 2, threshold 1)', (x) => core.softplus(x, 2, 1), kinksAt(0.5)),
  alongDim('softmax', core.softmax),
  alongDim('logSoftmax', core.logSoftmax),

  // Reductions.
  reduction('sum', (x, d, k) => core.sum(x, d, k), { dimList: true }),
  reduction('mean', (x, d, k) => core.mean(x, d, k), { dimList: true }),
  reduction('prod', (x, d, k) => core.prod(x, d as number | undefined, k)),
  custom('prod (with zeros)', ['prod'], () => [
    s('one zero, all', [fixed([2, 0, -1.5, 3], [4])], (x) => x.prod()),
    s('two zeros, all', [fixed([0, 2, 0, -1.5], [2, 2])], (x) => x.prod()),
    s('a zero in one row, dim 1', [fixed([1.5, 0, 2, -1, 3, 0.5], [2, 3])], (x) => x.prod(1)),
    s('zeros in one column, dim 0 keepdim', [fixed([1.5, 0, 2, -1, 0, 0.5], [2, 3])], (x) => x.prod(0, true)),
    s('a single zero element, 0-d', [fixed([0], [])], (x) => x.prod()),
  ]),
  // Unbiased var/std of one element is NaN (0/0), as PyTorch: 0-d inputs get the biased form below.
  reduction('var', (x, d, k) => core.var(x, d, { keepdim: k }), { dimList: true, zeroD: false }),
  custom('var (biased, correction)', ['var'], (gen) => [
    s('unbiased false, all', [arg(gen, [2, 3])], (x) => x.var(null, { unbiased: false })),
    s('correction 0, dim -1', [arg(gen, [2, 3])], (x) => x.var(-1, { correction: 0 })),
    s('correction 2, dim 0', [arg(gen, [4, 2])], (x) => x.var(0, { correction: 2 })),
    s('correction 0 of 0-d (gradient 0)', [arg(gen, [])], (x) => x.var(null, { correction: 0 })),
  ]),
  reduction('std', (x, d, k) => core.std(x, d, { keepdim: k }), { dimList: true, zeroD: false }),
  reduction('logsumexp', (x, d, k) => core.logsumexp(x, d ?? [0], k), { dimList: true, needsDim: true }),
  reduction('amax', (x, d, k) => core.amax(x, d, k), { dimList: true }),
  reduction('amin', (x, d, k) => core.amin(x, d, k), { dimList: true }),
  custom('max', ['max'], (gen) => [
    s('max() of [2, 3]', [arg(gen, [2, 3])], (x) => core.max(x)),
    s('max() of 0-d', [arg(gen, [])], (x) => x.max()),
    s('max(1).values of [2, 3]', [arg(gen, [2, 3])], (x) => core.max(x, 1).values),
    s('max(-1, keepdim).values of [2, 3, 2]', [arg(gen, [2, 3, 2])], (x) => x.max(-1, true).values),
    s('max(0).values of 0-d', [arg(gen, [])], (x) => x.max(0).values),
  ]),
  custom('min', ['min'], (gen) => [
    s('min() of [2, 3]', [arg(gen, [2, 3])], (x) => core.min(x)),
    s('min(0).values of [3, 2]', [arg(gen, [3, 2])], (x) => core.min(x, 0).values),
    s('min(-2, keepdim).values of [2, 3, 2]', [arg(gen, [2, 3, 2])], (x) => x.min(-2, true).values),
  ]),

  // Matrix products.
  custom('matmul', ['matmul'], (gen) => [
    s('1-D · 1-D', [arg(gen, [3]), arg(gen, [3])], (a, b) => core.matmul(a, b)),
    s('2-D · 1-D', [arg(gen, [2, 3]), arg(gen, [3])], (a, b) => core.matmul(a, b)),
    s('1-D · 2-D', [arg(gen, [3]), arg(gen, [3, 2])], (a, b) => core.matmul(a, b)),
    s('2-D · 2-D', [arg(gen, [2, 3]), arg(gen, [3, 4])], (a, b) => core.matmul(a, b)),
    s('batched 3-D · 3-D', [arg(gen, [2, 2, 3]), arg(gen, [2, 3, 2])], (a, b) => a.matmul(b)),
    s('broadcast batch [2,1,2,3] · [3,3,2]', [arg(gen, [2, 1, 2, 3]), arg(gen, [3, 3, 2])], (a, b) => a.matmul(b)),
    s('batched 3-D · 1-D', [arg(gen, [2, 2, 3]), arg(gen, [3])], (a, b) => a.matmul(b)),
    s('1-D · batched 3-D', [arg(gen, [3]), arg(gen, [2, 3, 2])], (a, b) => a.matmul(b)),
    s('transposed operands', [arg(gen, [3, 2]), arg(gen, [4, 3])], (a, b) => a.t().matmul(b.t())),
    s('only the right operand requires grad', [arg(gen, [2, 3], real, false), arg(gen, [3, 2])], (a, b) => a.matmul(b)),
  ]),
  custom('mm', ['mm'], (gen) => [s('[2, 3] · [3, 2]', [arg(gen, [2, 3]), arg(gen, [3, 2])], (a, b) => core.mm(a, b))]),
  custom('bmm', ['bmm'], (gen) => [s('[2, 2, 3] · [2, 3, 2]', [arg(gen, [2, 2, 3]), arg(gen, [2, 3, 2])], (a, b) => core.bmm(a, b))]),
  custom('dot', ['dot'], (gen) => [s('[4] · [4]', [arg(gen, [4]), arg(gen, [4])], (a, b) => core.dot(a, b))]),
  custom('linear', ['linear'], (gen) => [
    s('x [2, 3], W [4, 3], b [4]', [arg(gen, [2, 3]), arg(gen, [4, 3]), arg(gen, [4])], (x, w, b) => core.linear(x, w, b)),
    s('x [3], no bias', [arg(gen, [3]), arg(gen, [2, 3])], (x, w) => core.linear(x, w)),
    s('x [2, 2, 3] batched', [arg(gen, [2, 2, 3]), arg(gen, [2, 3]), arg(gen, [2])], (x, w, b) => core.linear(x, w, b)),
  ]),

  // Shape and view ops.
  custom('reshape', ['reshape'], (gen) => [
    s('[2, 3] -> [3, 2]', [arg(gen, [2, 3])], (x) => core.reshape(x, [3, 2])),
    s('[2, 3] -> [-1]', [arg(gen, [2, 3])], (x) => x.reshape(-1)),
    s('0-d -> [1, 1]', [arg(gen, [])], (x) => x.reshape([1, 1])),
    s('transposed (copies) -> [6]', [arg(gen, [2, 3])], (x) => x.t().reshape([6])),
  ]),
  custom('view', ['view'], (gen) => [
    s('[2, 3] -> [6]', [arg(gen, [2, 3])], (x) => core.view(x, [6])),
    s('[2, 3, 2] -> [2, -1]', [arg(gen, [2, 3, 2])], (x) => x.view(2, -1)),
  ]),
  custom('flatten', ['flatten'], (gen) => [
    s('all of [2, 3, 2]', [arg(gen, [2, 3, 2])], (x) => core.flatten(x)),
    s('dims 1..-1 of [2, 3, 2]', [arg(gen, [2, 3, 2])], (x) => x.flatten(1, -1)),
    s('0-d', [arg(gen, [])], (x) => x.flatten()),
  ]),
  custom('permute', ['permute'], (gen) => [
    s('[2, 3, 2] by [2, 0, 1]', [arg(gen, [2, 3, 2])], (x) => core.permute(x, [2, 0, 1])),
    s('[2, 3] by [-1, -2]', [arg(gen, [2, 3])], (x) => x.permute(-1, -2)),
  ]),
  custom('transpose', ['transpose'], (gen) => [
    s('dims 0, -1 of [2, 3, 2]', [arg(gen, [2, 3, 2])], (x) => core.transpose(x, 0, -1)),
    s('dims 1, 1', [arg(gen, [2, 3])], (x) => x.transpose(1, 1)),
  ]),
  custom('t', ['t'], (gen) => [
    s('2-D', [arg(gen, [2, 3])], (x) => core.t(x)),
    s('1-D', [arg(gen, [3])], (x) => x.t()),
    s('.T of 3-D', [arg(gen, [2, 3, 2])], (x) => x.T),
  ]),
  custom('expand', ['expand'], (gen) => [
    s('[3, 1] -> [2, 3, 4]', [arg(gen, [3, 1])], (x) => core.expand(x, [2, 3, 4])),
    s('[1, 2] -> [-1, 2] is a no-op, -> [3, -1]', [arg(gen, [1, 2])], (x) => x.expand(3, -1)),
    s('0-d -> [2, 2]', [arg(gen, [])], (x) => x.expand([2, 2])),
  ]),
  custom('narrow', ['narrow'], (gen) => [
    s('dim 0, start 1, length 2 of [4, 3]', [arg(gen, [4, 3])], (x) => core.narrow(x, 0, 1, 2)),
    s('dim -1, start -2, length 2 of [2, 3]', [arg(gen, [2, 3])], (x) => x.narrow(-1, -2, 2)),
    s('dim 0, start 0, length 5 of [5]', [arg(gen, [5])], (x) => x.narrow(0, 0, 5)),
  ]),
  custom('select', ['select'], (gen) => [
    s('dim 1, index -1 of [2, 3]', [arg(gen, [2, 3])], (x) => core.select(x, 1, -1)),
    s('dim 0, index 2 of [3]', [arg(gen, [3])], (x) => x.select(0, 2)),
  ]),
  custom('squeeze', ['squeeze'], (gen) => [
    s('all of [2, 1, 3, 1]', [arg(gen, [2, 1, 3, 1])], (x) => core.squeeze(x)),
    s('dim -3 of [2, 1, 3]', [arg(gen, [2, 1, 3])], (x) => x.squeeze(-2)),
    s('dim 0 of size 2 (no-op)', [arg(gen, [2, 3])], (x) => x.squeeze(0)),
  ]),
  custom('unsqueeze', ['unsqueeze'], (gen) => [
    s('dim 0 of [2, 3]', [arg(gen, [2, 3])], (x) => core.unsqueeze(x, 0)),
    s('dim -1 of [2, 3]', [arg(gen, [2, 3])], (x) => x.unsqueeze(-1)),
    s('dim 0 of 0-d', [arg(gen, [])], (x) => x.unsqueeze(0)),
  ]),
  custom('split', ['split'], (gen) => [
    s('size 2 along dim 0 of [5, 2]', [arg(gen, [5, 2])], (x) => core.split(x, 2, 0)),
    s('sizes [1, 2] along dim -1 of [2, 3]', [arg(gen, [2, 3])], (x) => x.split([1, 2], -1)),
    s('only the first part used', [arg(gen, [4])], (x) => x.split(2)[0].mul(2)),
  ]),
  custom('chunk', ['chunk'], (gen) => [
    s('3 chunks along dim -1 of [2, 5]', [arg(gen, [2, 5])], (x) => core.chunk(x, 3, -1)),
    s('2 chunks along dim 0 of [4]', [arg(gen, [4])], (x) => x.chunk(2)),
  ]),
  custom('clone', ['clone'], (gen) => [
    s('[2, 3]', [arg(gen, [2, 3])], (x) => core.clone(x)),
    s('a transposed view', [arg(gen, [2, 3])], (x) => x.t().clone()),
    s('contiguous() of a transposed view', [arg(gen, [2, 3])], (x) => x.t().contiguous()),
  ]),
  custom('cat', ['cat'], (gen) => [
    s('[2, 3] and [1, 3] along dim 0', [arg(gen, [2, 3]), arg(gen, [1, 3])], (a, b) => core.cat([a, b], 0)),
    s('three parts along dim -1', [arg(gen, [2, 1]), arg(gen, [2, 3]), arg(gen, [2, 2])], (a, b, c) => core.cat([a, b, c], -1)),
    s('with a zero-size part', [arg(gen, [2, 2]), arg(gen, [0, 2])], (a, b) => core.cat([b, a, b], 0)),
    s('one part not requiring grad', [arg(gen, [2]), arg(gen, [3], real, false)], (a, b) => core.cat([a, b])),
    s('the same tensor twice', [arg(gen, [2])], (a) => core.cat([a, a.mul(2)])),
  ]),
  custom('stack', ['stack'], (gen) => [
    s('two [2, 3] along dim 0', [arg(gen, [2, 3]), arg(gen, [2, 3])], (a, b) => core.stack([a, b])),
    s('two [2, 3] along dim -1', [arg(gen, [2, 3]), arg(gen, [2, 3])], (a, b) => core.stack([a, b], -1)),
    s('three 0-d', [arg(gen, []), arg(gen, []), arg(gen, [])], (a, b, c) => core.stack([a, b, c])),
  ]),
  custom('sumTo', ['sumTo'], (gen) => [
    s('[2, 3] to [1, 3]', [arg(gen, [2, 3])], (x) => core.sumTo(x, [1, 3])),
    s('[2, 3, 2] to [3, 1]', [arg(gen, [2, 3, 2])], (x) => core.sumTo(x, [3, 1])),
    s('[2, 3] to []', [arg(gen, [2, 3])], (x) => core.sumTo(x, [])),
  ]),

  // Indexing.
  custom('where', ['where'], (gen) => [
    s('cond [2, 3], a [2, 3], b [2, 3]', [arg(gen, [2, 3]), arg(gen, [2, 3])], (a, b) => core.where(bool([[true, false, true], [false, false, true]]), a, b)),
    s('broadcast cond [3], a [2, 1], b [3]', [arg(gen, [2, 1]), arg(gen, [3])], (a, b) => core.where(bool([true, false, true]), a, b)),
    s('a number for b', [arg(gen, [3])], (a) => core.where(bool([false, true, true]), a, 0.5)),
    s('0-d a', [arg(gen, []), arg(gen, [2])], (a, b) => core.where(bool([true, false]), a, b)),
  ]),
  custom('gather', ['gather'], (gen) => [
    s('dim 1 with repeats', [arg(gen, [3, 4])], (x) => core.gather(x, 1, int([[0, 3, 3], [1, 1, 0], [2, 0, 0]]))),
    s('dim 0, smaller index', [arg(gen, [3, 2])], (x) => x.gather(0, int([[2, 0]]))),
    s('dim -1 of 1-D', [arg(gen, [4])], (x) => x.gather(-1, int([3, 3, 1]))),
  ]),
  custom('scatterAdd', ['scatterAdd'], (gen) => [
    s('dim 0, src [2, 4]', [arg(gen, [3, 4]), arg(gen, [2, 4])], (x, src) => core.scatterAdd(x, 0, int([[0, 1, 2, 0], [2, 2, 0, 1]]), src)),
    s('dim -1 with repeats', [arg(gen, [2, 3]), arg(gen, [2, 2])], (x, src) => x.scatterAdd(-1, int([[1, 1], [0, 2]]), src)),
    s('src larger than index', [arg(gen, [2, 3]), arg(gen, [3, 3])], (x, src) => x.scatterAdd(1, int([[0, 2], [1, 1]]), src)),
  ]),
  custom('indexSelect', ['indexSelect'], (gen) => [
    s('dim 0 with repeats', [arg(gen, [4, 3])], (x) => core.indexSelect(x, 0, int([3, 0, 3]))),
    s('dim -1', [arg(gen, [2, 3])], (x) => x.indexSelect(-1, int([2, 1]))),
    s('dim 0 of 1-D', [arg(gen, [5])], (x) => x.indexSelect(0, int([4, 4, 0, 1]))),
  ]),
  custom('maskedFill', ['maskedFill'], (gen) => [
    s('mask [2, 3]', [arg(gen, [2, 3])], (x) => core.maskedFill(x, bool([[true, false, false], [false, true, false]]), -1)),
    s('broadcast mask [3]', [arg(gen, [2, 3])], (x) => x.maskedFill(bool([false, true, false]), 0)),
  ]),

  // In-place ops inside a differentiable function (through views, on self, copy_/fill_): first and second order.
  custom('in-place ops in a graph', [], (gen) => [
    s('mul_ through a narrow view', [arg(gen, [4]), arg(gen, [2])], (a, b) => { const y = a.mul(1); y.narrow(0, 1, 2).mul_(b); return y.mul(y); }),
    s('mul_ by its own input (old self kept)', [arg(gen, [4]), arg(gen, [2])], (a, b) => { const y = a.add(0); y.mul_(a); return y.add(b.sum()); }),
    s('copy_ into a view', [arg(gen, [4]), arg(gen, [2])], (a, b) => { const y = a.mul(2); y.narrow(0, 0, 2).copy_(b.exp()); return y.sin(); }),
    s('fill_ of a selected element', [arg(gen, [4]), arg(gen, [2])], (a, b) => { const y = a.mul(b.sum()); y.select(0, 3).fill_(1); return y.mul(a); }),
    s('addcmul_ through a view', [arg(gen, [4]), arg(gen, [2])], (a, b) => { const y = a.mul(1); y.narrow(0, 2, 2).addcmul_(b, b, 0.5); return y.tanh(); }),
    s('mul_ through a transposed view', [arg(gen, [2, 2]), arg(gen, [2])], (a, b) => { const y = a.mul(1); y.t().select(0, 0).mul_(b); return y.pow(2); }),
  ]),

  // dtype conversion: through float32 and back (rounding needs looser tolerances), and the identity.
  custom('to', ['cast'], (gen) => [
    s('float64 -> float32 -> float64', [arg(gen, [2, 3])], (x) => core.cast(core.cast(x, 'float32'), 'float64')),
    s('to(float64) on float64', [arg(gen, [3])], (x) => x.to('float64').mul(2)),
    s('float() then double()', [arg(gen, [3])], (x) => x.float().double()),
  ], { eps: 1e-3, atol: 1e-3, rtol: 1e-2 }),

  // scans, sorting, triangles, reordering, einsum, norms, baddbmm (issue 13)
  custom('cumsum', ['cumsum'], (gen) => [
    s('dim 0 of [4]', [arg(gen, [4])], (x) => core.cumsum(x, 0)),
    s('dim -1 of [2, 3]', [arg(gen, [2, 3])], (x) => x.cumsum(-1)),
    s('dim 1 of [2, 3, 2]', [arg(gen, [2, 3, 2])], (x) => x.cumsum(1)),
    s('dim 0 of a transposed view', [arg(gen, [2, 3])], (x) => x.t().cumsum(0)),
    s('0-d', [arg(gen, [])], (x) => x.cumsum(0)),
  ]),
  custom('cumprod', ['cumprod'], (gen) => [
    s('dim 0 of [4]', [arg(gen, [4], awayFromZero)], (x) => core.cumprod(x, 0)),
    s('dim -1 of [2, 3]', [arg(gen, [2, 3], awayFromZero)], (x) => x.cumprod(-1)),
    s('dim 1 of [2, 3, 2]', [arg(gen, [2, 3, 2], awayFromZero)], (x) => x.cumprod(1)),
    s('one zero', [fixed([1.5, 0, 2, -0.7], [4])], (x) => x.cumprod(0)),
    s('two zeros in a row of [2, 4]', [fixed([0.5, 0, 1.5, 0, 2, -1, 0.8, 1.2], [2, 4])], (x) => x.cumprod(1)),
    s('a zero first, dim 0', [fixed([0, 2, 1.5, -1, 0.5, 3], [3, 2])], (x) => x.cumprod(0)),
    s('0-d', [arg(gen, [])], (x) => x.cumprod(-1)),
  ]),
  custom('sort', ['sort'], (gen) => [
    s('values, dim -1 of [3, 4]', [arg(gen, [3, 4])], (x) => core.sort(x).values),
    s('values descending, dim 0 of [4, 2]', [arg(gen, [4, 2])], (x) => x.sort(0, true).values),
    s('values stable, dim 1 of [2, 3, 2]', [arg(gen, [2, 3, 2])], (x) => x.sort(1, false, { stable: true }).values),
  ]),
  custom('topk', ['topk'], (gen) => [
    s('k 2 largest, dim -1 of [3, 4]', [arg(gen, [3, 4])], (x) => core.topk(x, 2).values),
    s('k 3 smallest, dim 0 of [4, 2]', [arg(gen, [4, 2])], (x) => x.topk(3, 0, false).values),
  ]),
  custom('kthvalue', ['kthvalue'], (gen) => [
    s('k 2, dim -1 of [3, 4]', [arg(gen, [3, 4])], (x) => core.kthvalue(x, 2).values),
    s('k 1, dim 0 keepdim of [3, 2]', [arg(gen, [3, 2])], (x) => x.kthvalue(1, 0, true).values),
  ]),
  custom('tril', ['tril'], (gen) => [
    s('[3, 3]', [arg(gen, [3, 3])], (x) => core.tril(x)),
    s('diagonal 1 of [3, 4]', [arg(gen, [3, 4])], (x) => x.tril(1)),
    s('diagonal -1 batched [2, 3, 2]', [arg(gen, [2, 3, 2])], (x) => x.tril(-1)),
  ]),
  custom('triu', ['triu'], (gen) => [
    s('[3, 3]', [arg(gen, [3, 3])], (x) => core.triu(x)),
    s('diagonal -1 of [4, 3]', [arg(gen, [4, 3])], (x) => x.triu(-1)),
    s('diagonal 2 batched [2, 2, 4]', [arg(gen, [2, 2, 4])], (x) => x.triu(2)),
  ]),
  custom('diagonal', ['diagonal'], (gen) => [
    s('main of [3, 3]', [arg(gen, [3, 3])], (x) => core.diagonal(x)),
    s('offset 1 of [3, 4]', [arg(gen, [3, 4])], (x) => x.diagonal(1)),
    s('offset -1 of [4, 3]', [arg(gen, [4, 3])], (x) => x.diagonal(-1)),
    s('dims -1, 0 of [3, 2, 3]', [arg(gen, [3, 2, 3])], (x) => x.diagonal(0, -1, 0)),
  ]),
  custom('diagEmbed', ['diagEmbed'], (gen) => [
    s('[3]', [arg(gen, [3])], (x) => core.diagEmbed(x)),
    s('offset 1 of [2, 3]', [arg(gen, [2, 3])], (x) => x.diagEmbed(1)),
    s('offset -1, dims 0, 2 of [2, 2]', [arg(gen, [2, 2])], (x) => x.diagEmbed(-1, 0, 2)),
  ]),
  custom('flip', ['flip'], (gen) => [
    s('dim 0 of [4]', [arg(gen, [4])], (x) => core.flip(x, [0])),
    s('dims -1, 0 of [2, 3]', [arg(gen, [2, 3])], (x) => x.flip(-1, 0)),
    s('dim 1 of a transposed view', [arg(gen, [2, 3])], (x) => x.t().flip(1)),
  ]),
  custom('roll', ['roll'], (gen) => [
    s('shift 1 without dims of [2, 3]', [arg(gen, [2, 3])], (x) => core.roll(x, 1)),
    s('shifts [2, -1], dims [0, -1] of [3, 4]', [arg(gen, [3, 4])], (x) => x.roll([2, -1], [0, -1])),
    s('shift 5 (wraps) along dim 0 of [3]', [arg(gen, [3])], (x) => x.roll(5, 0)),
  ]),
  custom('repeatInterleave', ['repeatInterleave'], (gen) => [
    s('2 of each, flattened', [arg(gen, [2, 2])], (x) => core.repeatInterleave(x, 2)),
    s('tensor repeats along dim 0', [arg(gen, [3, 2])], (x) => x.repeatInterleave(int([1, 0, 3]), 0)),
    s('array repeats along dim -1', [arg(gen, [2, 2])], (x) => x.repeatInterleave([2, 1], -1)),
  ]),
  custom('einsum', ['einsum'], (gen) => [
    s('ij,jk->ik', [arg(gen, [2, 3]), arg(gen, [3, 2])], (a, b) => core.einsum('ij,jk->ik', a, b)),
    s('bij,bjk (implicit)', [arg(gen, [2, 2, 3]), arg(gen, [2, 3, 2])], (a, b) => core.einsum('bij,bjk', a, b)),
    s('ii->i (diagonal)', [arg(gen, [3, 3])], (a) => core.einsum('ii->i', a)),
    s('ii (trace)', [arg(gen, [3, 3])], (a) => core.einsum('ii', a)),
    s('...ij,...jk->...ik broadcast', [arg(gen, [2, 1, 2, 3]), arg(gen, [3, 3, 2])], (a, b) => core.einsum('...ij,...jk->...ik', a, b)),
    s('i,j->ij (outer)', [arg(gen, [3]), arg(gen, [2])], (a, b) => core.einsum('i,j->ij', a, b)),
    s('bhqd,bhkd->bhqk', [arg(gen, [1, 2, 3, 2]), arg(gen, [1, 2, 2, 2])], (a, b) => core.einsum('bhqd,bhkd->bhqk', a, b)),
    s('ij,jk,kl->il (three operands)', [arg(gen, [2, 3]), arg(gen, [3, 2]), arg(gen, [2, 2])], (a, b, c) => core.einsum('ij,jk,kl->il', [a, b, c])),
    s('iij,j->i (diagonal and contraction)', [arg(gen, [2, 2, 3]), arg(gen, [3])], (a, b) => core.einsum('iij,j->i', a, b)),
  ]),
  custom('norm', ['norm'], (gen) => [
    s('fro of [2, 3]', [arg(gen, [2, 3], kinkAtZero)], (x) => core.norm(x)),
    s('p 1 dim -1 of [2, 3]', [arg(gen, [2, 3], kinkAtZero)], (x) => x.norm(1, -1)),
    s('p 3 dims [0, 2] keepdim of [2, 3, 2]', [arg(gen, [2, 3, 2], kinkAtZero)], (x) => x.norm(3, [0, 2], true)),
  ]),
  custom('linalg.vectorNorm', ['linalg'], (gen) => [
    s('ord 2 of [2, 3]', [arg(gen, [2, 3])], (x) => core.linalg.vectorNorm(x)),
    s('ord Infinity dim 1', [arg(gen, [2, 3], kinkAtZero)], (x) => core.linalg.vectorNorm(x, Infinity, 1)),
    s('ord -Infinity dim 0', [arg(gen, [3, 2], kinkAtZero)], (x) => core.linalg.vectorNorm(x, -Infinity, 0)),
    s('ord 0.5 dim -1 keepdim', [arg(gen, [2, 3], kinkAtZero)], (x) => core.linalg.vectorNorm(x, 0.5, -1, true)),
    s('ord 1.5', [arg(gen, [4], kinkAtZero)], (x) => core.linalg.vectorNorm(x, 1.5)),
    s('ord -2 dim 1', [arg(gen, [2, 3], kinkAtZero)], (x) => core.linalg.vectorNorm(x, -2, 1)),
    s('ord 0 (gradient 0)', [arg(gen, [3])], (x) => core.linalg.vectorNorm(x, 0).add(x.sum())),
    s('ord 2 of 0-d', [arg(gen, [], kinkAtZero)], (x) => core.linalg.vectorNorm(x)),
  ]),
  custom('cosineSimilarity', ['cosineSimilarity'], (gen) => [
    s('[3, 4] with [3, 4]', [arg(gen, [3, 4]), arg(gen, [3, 4])], (a, b) => core.cosineSimilarity(a, b)),
    s('broadcast [2, 3, 4] with [3, 4], dim -1', [arg(gen, [2, 3, 4]), arg(gen, [3, 4])], (a, b) => core.cosineSimilarity(a, b, -1)),
  ]),
  custom('pairwiseDistance', ['pairwiseDistance'], (gen) => [
    s('[3, 4] with [3, 4]', [arg(gen, [3, 4]), arg(gen, [3, 4])], (a, b) => core.pairwiseDistance(a, b)),
    s('p 1 keepdim, broadcast [4]', [arg(gen, [3, 4]), arg(gen, [4])], (a, b) => core.pairwiseDistance(a, b, 1, 1e-6, true)),
  ]),
  custom('baddbmm', ['baddbmm'], (gen) => [
    s('input [2, 2, 2]', [arg(gen, [2, 2, 2]), arg(gen, [2, 2, 3]), arg(gen, [2, 3, 2])], (i, a, b) => core.baddbmm(i, a, b)),
    s('broadcast input [2], beta 0.5, alpha -2', [arg(gen, [2]), arg(gen, [2, 2, 3]), arg(gen, [2, 3, 2])], (i, a, b) => i.baddbmm(a, b, { beta: 0.5, alpha: -2 })),
  ]),
  // pooling and resampling (issue 12): max pooling inputs are distinct values (no ties, no kinks in reach).
  custom('maxPool1d', ['maxPool1d'], (gen) => [
    s('[2, 3, 7] k3 s2 p1 (overlapping)', [distinct(gen, [2, 3, 7])], (x) => core.maxPool1d(x, 3, { stride: 2, padding: 1 })),
    s('unbatched [3, 8] k2 dilation 2 ceil, values of returnIndices', [distinct(gen, [3, 8])], (x) => core.maxPool1d(x, 2, { dilation: 2, ceilMode: true, returnIndices: true })[0]),
  ]),
  custom('maxPool2d', ['maxPool2d'], (gen) => [
    s('[1, 2, 5, 5] k3 s2 p1 (overlapping)', [distinct(gen, [1, 2, 5, 5])], (x) => core.maxPool2d(x, 3, { stride: 2, padding: 1 })),
    s('unbatched [2, 4, 5] k [2, 3] s [2, 1] ceil', [distinct(gen, [2, 4, 5])], (x) => core.maxPool2d(x, [2, 3], { stride: [2, 1], ceilMode: true })),
    s('[1, 1, 5, 5] k2 s1 dilation 2 of a transposed view', [distinct(gen, [1, 1, 5, 5])], (x) => core.maxPool2d(x.transpose(2, 3), 2, { stride: 1, dilation: 2 })),
  ]),
  custom('avgPool1d', ['avgPool1d'], (gen) => [
    s('[2, 2, 7] k3 s2 p1', [arg(gen, [2, 2, 7])], (x) => core.avgPool1d(x, 3, { stride: 2, padding: 1 })),
    s('unbatched [2, 8] ceil, countIncludePad false', [arg(gen, [2, 8])], (x) => core.avgPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })),
  ]),
  custom('avgPool2d', ['avgPool2d'], (gen) => [
    s('[1, 2, 5, 5] k3 s2 p1', [arg(gen, [1, 2, 5, 5])], (x) => core.avgPool2d(x, 3, { stride: 2, padding: 1 })),
    s('unbatched [2, 5, 4] k [3, 2] ceil, countIncludePad false', [arg(gen, [2, 5, 4])], (x) => core.avgPool2d(x, [3, 2], { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })),
    s('[1, 1, 4, 4] divisorOverride 3', [arg(gen, [1, 1, 4, 4])], (x) => core.avgPool2d(x, 2, { divisorOverride: 3 })),
  ]),
  custom('adaptiveAvgPool1d', ['adaptiveAvgPool1d'], (gen) => [
    s('[2, 2, 7] to 3', [arg(gen, [2, 2, 7])], (x) => core.adaptiveAvgPool1d(x, 3)),
  ]),
  custom('adaptiveAvgPool2d', ['adaptiveAvgPool2d'], (gen) => [
    s('[1, 2, 5, 7] to [2, 3]', [arg(gen, [1, 2, 5, 7])], (x) => core.adaptiveAvgPool2d(x, [2, 3])),
    s('unbatched [2, 3, 3] to [null, 4] (upsampling)', [arg(gen, [2, 3, 3])], (x) => core.adaptiveAvgPool2d(x, [null, 4])),
  ]),
  custom('adaptiveMaxPool1d', ['adaptiveMaxPool1d'], (gen) => [
    s('[2, 2, 7] to 3', [distinct(gen, [2, 2, 7])], (x) => core.adaptiveMaxPool1d(x, 3)),
  ]),
  custom('adaptiveMaxPool2d', ['adaptiveMaxPool2d'], (gen) => [
    s('[1, 2, 5, 7] to [2, 3]', [distinct(gen, [1, 2, 5, 7])], (x) => core.adaptiveMaxPool2d(x, [2, 3])),
    s('unbatched [2, 4, 4] to 3, values of returnIndices', [distinct(gen, [2, 4, 4])], (x) => core.adaptiveMaxPool2d(x, 3, { returnIndices: true })[0]),
  ]),
  custom('maxUnpool1d', ['maxUnpool1d'], (gen) => [
    s('[1, 2, 3] into length 6', [arg(gen, [1, 2, 3])], (x) => core.maxUnpool1d(x, int([[[1, 2, 5], [0, 3, 4]]]), 2)),
  ]),
  custom('maxUnpool2d', ['maxUnpool2d'], (gen) => [
    s('[1, 2, 2, 2] into [4, 4]', [arg(gen, [1, 2, 2, 2])], (x) => core.maxUnpool2d(x, int([[[[0, 3], [13, 10]], [[5, 2], [8, 15]]]]), 2)),
    s('unbatched [1, 2, 2] into outputSize [5, 5]', [arg(gen, [1, 2, 2])], (x) => core.maxUnpool2d(x, int([[[6, 3], [20, 24]]]), 2, { outputSize: [5, 5] })),
  ]),
  custom('interpolate', ['interpolate'], (gen) => [
    s('nearest [1, 2, 2, 3] scale 1.5', [arg(gen, [1, 2, 2, 3])], (x) => core.interpolate(x, { scaleFactor: 1.5 })),
    s('bilinear [1, 1, 3, 3] to [4, 5]', [arg(gen, [1, 1, 3, 3])], (x) => core.interpolate(x, { size: [4, 5], mode: 'bilinear' })),
    s('bilinear alignCorners [1, 1, 3, 2] to [2, 4]', [arg(gen, [1, 1, 3, 2])], (x) => core.interpolate(x, { size: [2, 4], mode: 'bilinear', alignCorners: true })),
    s('linear [2, 1, 4] scale 0.75', [arg(gen, [2, 1, 4])], (x) => core.interpolate(x, { scaleFactor: 0.75, mode: 'linear' })),
    s('trilinear [1, 1, 2, 2, 2] to 3', [arg(gen, [1, 1, 2, 2, 2])], (x) => core.interpolate(x, { size: 3, mode: 'trilinear' })),
    s('area [1, 1, 4, 5] to [2, 2]', [arg(gen, [1, 1, 4, 5])], (x) => core.interpolate(x, { size: [2, 2], mode: 'area' })),
  ]),
  custom('pixelShuffle', ['pixelShuffle'], (gen) => [
    s('[1, 8, 2, 2] by 2', [arg(gen, [1, 8, 2, 2])], (x) => core.pixelShuffle(x, 2)),
  ]),
  custom('pixelUnshuffle', ['pixelUnshuffle'], (gen) => [
    s('unbatched [2, 4, 2] by 2', [arg(gen, [2, 4, 2])], (x) => core.pixelUnshuffle(x, 2)),
  ]),
  // convolution (issue 12)
  custom('conv2d', ['conv2d'], (gen) => [
    s('[1, 2, 4, 4] * [3, 2, 2, 2] + bias, padding 1', [arg(gen, [1, 2, 4, 4]), arg(gen, [3, 2, 2, 2]), arg(gen, [3])], (x, w, b) => core.conv2d(x, w, b, { padding: 1 })),
    s('stride [2, 1], dilation [1, 2], groups 2, no bias', [arg(gen, [1, 4, 5, 5]), arg(gen, [2, 2, 2, 2])], (x, w) => core.conv2d(x, w, null, { stride: [2, 1], dilation: [1, 2], groups: 2 })),
    s("unbatched, padding 'same' with an even kernel", [arg(gen, [2, 3, 4]), arg(gen, [2, 2, 2, 3]), arg(gen, [2])], (x, w, b) => core.conv2d(x, w, b, { padding: 'same' })),
  ]),
  custom('conv1d', ['conv1d'], (gen) => [
    s('[2, 2, 6] * [3, 2, 3] + bias, stride 2, padding 1', [arg(gen, [2, 2, 6]), arg(gen, [3, 2, 3]), arg(gen, [3])], (x, w, b) => core.conv1d(x, w, b, { stride: 2, padding: 1 })),
    s('unbatched depthwise, dilation 2', [arg(gen, [2, 6]), arg(gen, [4, 1, 2])], (x, w) => core.conv1d(x, w, null, { groups: 2, dilation: 2 })),
  ]),
  custom('convTranspose2d', ['convTranspose2d'], (gen) => [
    s('stride 2, padding 1, outputPadding 1, bias', [arg(gen, [1, 2, 3, 3]), arg(gen, [2, 3, 2, 2]), arg(gen, [3])], (x, w, b) => core.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 })),
    s('groups 2, dilation [2, 1], unbatched', [arg(gen, [4, 2, 2]), arg(gen, [4, 1, 2, 2])], (x, w) => core.convTranspose2d(x, w, null, { groups: 2, dilation: [2, 1] })),
  ]),
  custom('convTranspose1d', ['convTranspose1d'], (gen) => [
    s('stride 2, outputPadding 1, bias', [arg(gen, [2, 2, 4]), arg(gen, [2, 3, 3]), arg(gen, [3])], (x, w, b) => core.convTranspose1d(x, w, b, { stride: 2, outputPadding: 1 })),
  ]),
  custom('unfold', ['unfold'], (gen) => [
    s('kernel 2, stride 2, padding 1', [arg(gen, [1, 2, 4, 4])], (x) => core.unfold(x, 2, { stride: 2, padding: 1 })),
    s('unbatched, kernel [2, 3], dilation [1, 2]', [arg(gen, [2, 3, 5])], (x) => core.unfold(x, [2, 3], { dilation: [1, 2] })),
  ]),
  custom('fold', ['fold'], (gen) => [
    s('[1, 8, 9] into [4, 4], kernel 2', [arg(gen, [1, 8, 9])], (x) => core.fold(x, [4, 4], 2)),
    s('unbatched, stride 2, padding 1', [arg(gen, [4, 4])], (x) => core.fold(x, 3, 2, { stride: 2, padding: 1 })),
  ]),
  custom('pad', ['pad'], (gen) => [
    s('constant 0.5, negative amount crops', [arg(gen, [2, 3, 4])], (x) => core.pad(x, [1, -1, 2, 0], 'constant', 0.5)),
    s('reflect 2-D', [arg(gen, [1, 2, 3, 4])], (x) => core.pad(x, [2, 1, 1, 2], 'reflect')),
    s('replicate 1-D', [arg(gen, [2, 3])], (x) => core.pad(x, [2, 3], { mode: 'replicate' })),
    s('circular 1-D', [arg(gen, [1, 2, 4])], (x) => core.pad(x, [3, 1], 'circular')),
  ]),
  // recurrent cells (issue 13): one step, two chained steps (the fused backward feeding the next), unbatched, and unbind
  custom('lstmCell', ['lstmCell'], (gen) => [
    s('gx, gh [2, 8], c [2, 2]', [arg(gen, [2, 8]), arg(gen, [2, 8]), arg(gen, [2, 2])], (a, b, c) => core.lstmCell(a, b, c)),
    s('unbatched [8], [8], [2]', [arg(gen, [8]), arg(gen, [8]), arg(gen, [2])], (a, b, c) => core.lstmCell(a, b, c)),
    s('two steps through h and c', [arg(gen, [2, 8]), arg(gen, [2, 8]), arg(gen, [2, 2]), arg(gen, [8, 2])], (a, b, c, w) => {
      const hc = core.lstmCell(a, b, c);
      return core.lstmCell(a.mul(0.5), core.linear(hc.select(0, 0), w), hc.select(0, 1));
    }),
  ]),
  custom('gruCell', ['gruCell'], (gen) => [
    s('gx, gh [2, 6], h [2, 2]', [arg(gen, [2, 6]), arg(gen, [2, 6]), arg(gen, [2, 2])], (a, b, h) => core.gruCell(a, b, h)),
    s('unbatched [6], [6], [2]', [arg(gen, [6]), arg(gen, [6]), arg(gen, [2])], (a, b, h) => core.gruCell(a, b, h)),
    s('two steps', [arg(gen, [2, 6]), arg(gen, [2, 6]), arg(gen, [2, 2]), arg(gen, [6, 2])], (a, b, h, w) => {
      const h1 = core.gruCell(a, b, h);
      return core.gruCell(a.mul(0.5), core.linear(h1, w), h1);
    }),
  ]),
  custom('sharedLinear', ['sharedLinear'], (gen) => [
    s('three chained uses of one W, b (a recurrence)', [arg(gen, [2, 3]), arg(gen, [3, 3]), arg(gen, [3])], (x, w, b) => {
      const f = core.sharedLinear(w, b);
      return f(f(f(x).tanh()).mul(x));
    }),
    s('no bias, batched [2, 2, 3] and a 1-D use', [arg(gen, [2, 2, 3]), arg(gen, [3]), arg(gen, [4, 3])], (x, v, w) => {
      const f = core.sharedLinear(w);
      return [f(x), f(v)];
    }),
  ]),
  custom('unbind', ['unbind'], (gen) => [
    s('dim 0 of [3, 2]', [arg(gen, [3, 2])], (x) => core.unbind(x)),
    s('dim -1 of [2, 3], slices used unequally and one unused', [arg(gen, [2, 3])], (x) => { const [a, , c] = core.unbind(x, -1); return a.mul(c).add(a.exp()); }),
    s('a transposed view', [arg(gen, [2, 3])], (x) => core.unbind(x.t(), 0).map((v) => v.sin())),
  ]),
  // attention and transformers (issue 13)
  custom('layerNorm', ['layerNorm'], (gen) => [
    s('x [2, 3, 4] over [4], weight and bias', [arg(gen, [2, 3, 4]), arg(gen, [4]), arg(gen, [4])], (x, w, b) => core.layerNorm(x, [4], w, b)),
    s('x [3, 2, 3] over [2, 3], no affine', [arg(gen, [3, 2, 3])], (x) => core.layerNorm(x, [2, 3])),
    s('x [5] over [5], weight only, eps 0.1', [arg(gen, [5]), arg(gen, [5])], (x, w) => core.layerNorm(x, [5], w, null, 0.1)),
    s('transposed view [4, 3] over [3]', [arg(gen, [3, 4]), arg(gen, [3]), arg(gen, [3])], (x, w, b) => core.layerNorm(x.t(), [3], w, b)),
  ]),
  // recurrent layer as one primitive (issue 13): forward and reverse, with and without b_hh, fed by a projection
  custom('lstmLayer', ['lstmLayer'], (gen) => [
    s('T 3, B 2, H 2 with bias', [arg(gen, [3, 2, 8]), arg(gen, [2, 2]), arg(gen, [2, 2]), arg(gen, [8, 2]), arg(gen, [8])], (gx, h, c, w, b) => core.lstmLayer(gx, h, c, w, b)),
    s('reverse, no bias', [arg(gen, [3, 2, 8]), arg(gen, [2, 2]), arg(gen, [2, 2]), arg(gen, [8, 2])], (gx, h, c, w) => core.lstmLayer(gx, h, c, w, null, { reverse: true })),
    s('T 2, B 1, H 3 from x·W_ihᵀ, output rows used unequally', [arg(gen, [2, 1, 2]), arg(gen, [12, 2]), arg(gen, [1, 3]), arg(gen, [1, 3]), arg(gen, [12, 3]), arg(gen, [12])],
      (x, wi, h, c, w, b) => { const r = core.lstmLayer(core.linear(x, wi), h, c, w, b); return r.select(0, 1).mul(r.select(0, 2)).add(r.select(0, 0).sin()); }),
  ]),
  // rounding division and moduli (audit3): remainder/fmod away from their jumps; div with a rounding mode has gradient 0
  binary('remainder', core.remainder, [real, awayFromZero]),
  binary('fmod', core.fmod, [real, awayFromZero]),
  custom('clamp (tensor bounds)', ['clamp'], (gen) => [
    s('min and max tensors, broadcast', [arg(gen, [2, 3]), arg(gen, [3]), arg(gen, [2, 1])], (x, lo, hi) => x.clamp(lo, hi.add(1))),
    s('{ max } only', [arg(gen, [4]), arg(gen, [4])], (x, hi) => x.clamp({ max: hi })),
  ]),
  custom('repeat', ['repeat'], (gen) => [
    s('[2, 3] by (2, 1)', [arg(gen, [2, 3])], (x) => x.repeat(2, 1)),
    s('[3] by (2, 2) (a new leading dim)', [arg(gen, [3])], (x) => core.repeat(x, [2, 2])),
  ]),
  custom('scatter', ['scatter'], (gen) => [
    s('src [2, 2] into [2, 3] along 1', [arg(gen, [2, 3]), arg(gen, [2, 2])], (x, src) => core.scatter(x, 1, core.tensor([[0, 2], [1, 0]], { dtype: 'int32' }), src)),
    s('a number along 0', [arg(gen, [3, 2])], (x) => x.scatter(0, core.tensor([[2, 0]], { dtype: 'int32' }), 0.5)),
    s("reduce: 'add' with repeats (audit18)", [arg(gen, [2, 3]), arg(gen, [2, 2])], (x, src) => core.scatter(x, 1, core.tensor([[0, 0], [2, 1]], { dtype: 'int32' }), src, { reduce: 'add' }).mul(x)),
  ]),
  custom('indexAdd', ['indexAdd'], (gen) => [
    s('rows [0, 2, 0] of [3, 2], alpha 2', [arg(gen, [3, 2]), arg(gen, [3, 2])], (x, src) => core.indexAdd(x, 0, core.tensor([0, 2, 0], { dtype: 'int32' }), src, { alpha: 2 })),
    s('columns along -1', [arg(gen, [2, 3]), arg(gen, [2, 2])], (x, src) => x.indexAdd(-1, core.tensor([1, 1], { dtype: 'int32' }), src)),
  ]),
  custom('median', ['median'], (gen) => [
    s('all of [2, 3]', [arg(gen, [2, 3])], (x) => core.median(x)),
    s('dim 1 of [3, 4] (values)', [arg(gen, [3, 4])], (x) => core.median(x, 1).values),
  ]),
  custom('movedim', ['movedim'], (gen) => [
    s('dim 0 to -1 of [2, 3, 4]', [arg(gen, [2, 3, 4])], (x) => x.movedim(0, -1).mul(x.movedim(0, -1))),
    s('[0, 1] to [2, 0]', [arg(gen, [2, 3, 4])], (x) => core.movedim(x, [0, 1], [2, 0]).sin()),
  ]),
  // tutorials port: x[:, 1::2], x[-4:-1:3], x[:, ::2] written through
  custom('slice', ['slice'], (gen) => [
    s('dim 1, 1::2 of [2, 5]', [arg(gen, [2, 5])], (x) => core.slice(x, 1, 1, null, 2)),
    s('-4:-1:3 of [7] (end cut short)', [arg(gen, [7])], (x) => x.slice(0, -4, -1, 3).mul(x.slice(0, 0, 2))),
    s('dim -1, ::3 of [2, 3, 4]', [arg(gen, [2, 3, 4])], (x) => x.slice(-1, null, null, 3)),
  ]),
  // porting ops (ops8): lerp, index writes (and their in-place forms on a non-leaf), take/put, swapdims
  custom('lerp', ['lerp'], (gen) => [
    s('tensor weight, all three broadcast', [arg(gen, [2, 1, 3]), arg(gen, [4, 1]), arg(gen, [3])], (a, b, w) => core.lerp(a, b, w)),
    s('weight 0.75 (the end-side formula)', [arg(gen, [2, 3]), arg(gen, [3])], (a, b) => a.lerp(b, 0.75)),
    s('lerp_ on a non-leaf, weight 0.25', [arg(gen, [3]), arg(gen, [3])], (a, b) => a.mul(1).lerp_(b, 0.25).mul(a)),
  ]),
  custom('indexFill', ['indexFill'], (gen) => [
    s('dim -1, a 0-d value tensor', [arg(gen, [2, 3]), arg(gen, [])], (x, v) => core.indexFill(x, -1, int([0, 2]), v)),
    s('indexFill_ on a non-leaf', [arg(gen, [3, 2])], (x) => x.mul(2).indexFill_(0, int([-1]), 1.5).mul(x)),
  ]),
  custom('indexCopy', ['indexCopy'], (gen) => [
    s('dim 1 of [2, 3]', [arg(gen, [2, 3]), arg(gen, [2, 2])], (x, src) => core.indexCopy(x, 1, int([2, 0]), src)),
    s('indexCopy_ on a non-leaf', [arg(gen, [3, 2]), arg(gen, [1, 2])], (x, src) => x.mul(1).indexCopy_(0, int([1]), src).mul(x)),
  ]),
  custom('indexPut', ['indexPut'], (gen) => [
    s('two broadcast index tensors', [arg(gen, [3, 4]), arg(gen, [2])], (x, v) => core.indexPut(x, [int([[0], [2]]), int([1, -1])], v)),
    s('accumulate with repeats', [arg(gen, [3, 2]), arg(gen, [3, 2])], (x, v) => x.indexPut([int([0, 2, 0])], v, true)),
    s('a bool mask, indexPut_ on a non-leaf', [arg(gen, [3, 2]), arg(gen, [2])], (x, v) => x.mul(1).indexPut_([bool([true, false, true])], v).mul(x)),
  ]),
  custom('maskedScatter', ['maskedScatter'], (gen) => [
    s('broadcast mask', [arg(gen, [2, 3]), arg(gen, [5])], (x, src) => core.maskedScatter(x, bool([[true, false, true]]), src)),
    s('maskedScatter_ on a non-leaf', [arg(gen, [2, 2]), arg(gen, [2, 2])], (x, src) => x.mul(1).maskedScatter_(bool([[false, true], [true, false]]), src).mul(x)),
  ]),
  custom('take', ['take'], (gen) => [
    s('2-d index with negatives and repeats', [arg(gen, [2, 3])], (x) => core.take(x, int([[0, -1], [4, 4]]))),
  ]),
  custom('put', ['put'], (gen) => [
    s('put', [arg(gen, [2, 3]), arg(gen, [3])], (x, src) => core.put(x, int([1, -1, 3]), src)),
    s('accumulate, put_ on a non-leaf', [arg(gen, [2, 2]), arg(gen, [3])], (x, src) => x.mul(1).put_(int([0, 0, 3]), src, true).mul(x)),
  ]),
  custom('fillDiagonal_ and the in-place views', ['swapdims', 'swapaxes'], (gen) => [
    s('swapdims / swapaxes', [arg(gen, [2, 3, 4])], (x) => core.swapdims(x, 0, -1).mul(core.swapaxes(x, -1, 0))),
    s('fillDiagonal_ with wrap', [arg(gen, [5, 2])], (x) => x.mul(1).fillDiagonal_(0.5, true).mul(x)),
    s('t_, unsqueeze_, squeeze_, transpose_', [arg(gen, [2, 3])], (x) => x.mul(1).t_().unsqueeze_(0).transpose_(0, -1).squeeze_(-1).mul(x)),
  ]),
];

/** Piecewise-constant ops: their gradient is defined as exactly zero. */
export const PIECEWISE_CONSTANT: [string, (x: Tensor) => Tensor][] = [
  ['sign', core.sign], ['floor', core.floor], ['ceil', core.ceil], ['round', core.round], ['step', core.step],
];

/** Exports that have no gradient (bool or integer results), each checked elsewhere for values. */
export const NON_DIFFERENTIABLE = [
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalNot', 'isnan', 'isinf', 'isfinite',
  'argmax', 'argmin', 'all', 'any', 'oneHot',
  'isclose', 'allclose', 'equal', // tutorials port (test/ops/close.test.ts)
  'argsort', // issue 13
  'floorDivide', 'nonzero', 'nonzeroTuple', // audit3 (floorDivide has no derivative, as PyTorch)
];

/** Exports that are not ops on tensors: classes, creation, random, grad modes, autograd machinery. */
export const NOT_OPS = [
  'Tensor', 'isTensor', 'getDefaultDtype', 'setDefaultDtype', 'isFloating', 'promoteTypes', 'broadcastShapes',
  'Generator', 'manualSeed', 'defaultGenerator',
  'tensor', 'zeros', 'ones', 'full', 'empty', 'zerosLike', 'onesLike', 'fullLike', 'arange', 'linspace', 'eye',
  'rand', 'randn', 'randLike', 'randnLike', 'randint', 'randperm',
  'noGrad', 'enableGrad', 'isGradEnabled', 'setGradEnabled', 'detectAnomaly', 'isAnomalyEnabled',
  'Node', 'tapePosition', 'AccumulateGrad', 'grad', 'defineFunction', 'FunctionContext', 'gradcheck', 'gradgradcheck', 'toDot', 'toMermaid',
  // Serialisation and raw kernels (tested in test/io and test/kernels).
  // (Storage, gemm, the optimizer-update kernels and the option checker are in @tapegrad/core/internal.)
  'encodeSafetensors', 'decodeSafetensors', 'SafetensorsError', 'setKernelBackend', 'kernelBackend', 'setKernelThreads', 'kernelThreads',
  'setRelaxedSimd', 'relaxedSimdActive',
  // memory (issue 15): the engine's buffer pool (test/pool.test.ts)
  'setBufferPool', 'bufferPoolEnabled', 'clearPool',
  // compile (issue 15): test/compile.test.ts
  'compile',
  'logspace', // audit3
  // webgpu device (issue 17): test/webgpu/
  'webgpu',
  // sampling (conform8): test/sampling.test.ts checks the draws against torch
  'multinomial', 'bernoulli', 'seed', 'initialSeed',
];

/** A small stable hash, so each entry draws its own reproducible inputs. */
export function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h;
}
