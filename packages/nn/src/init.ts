/**
 * Parameter initialisation (PyTorch's `torch.nn.init`): same formulas, all in place under noGrad,
 * seeded through an optional `generator` (else the global one, see `manualSeed`).
 *
 * Naming: PyTorch's `xavier_uniform_` is `xavierUniform_`; `mode` accepts `'fanIn'`/`'fanOut'` (and
 * PyTorch's `'fan_in'`/`'fan_out'`); nonlinearity names are PyTorch's strings (`'leaky_relu'`, also
 * `'leakyRelu'`). Random streams differ from PyTorch's (a different generator), distributions do not.
 * @example
 * init.kaimingNormal_(layer.weight, { mode: 'fanOut', nonlinearity: 'relu' });
 * init.zeros_(layer.bias!);
 */
import { Tensor, Generator, noGrad, defaultGenerator, tensor, randperm, zeros } from '@tapegrad/core';
import { checkOptions } from './check';

export type Nonlinearity =
  | 'linear' | 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'leakyRelu' | 'selu'
  | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d';
export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

export interface GeneratorOption {
  generator?: Generator;
}

/**
 * PyTorch's keyword arguments as an options object in the first option position (`normal_(w, { std: 0.02 })`
 * for `normal_(w, std=0.02)`): returns the checked object, or null when the positional form is used.
 */
function keywordForm<O extends object>(fn: string, arg: unknown, keys: readonly string[]): O | null {
  return arg !== null && typeof arg === 'object' ? checkOptions(`init.${fn}`, arg as O, keys) : null;
}

function checkTensor(fn: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`init.${fn}: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
}

/**
 * The recommended gain for a nonlinearity: linear/conv/sigmoid 1, tanh 5/3, relu √2,
 * leaky_relu √(2/(1 + slope²)) (slope `param`, default 0.01), selu 3/4.
 * @example
 * calculateGain('leaky_relu', Math.sqrt(5)); // √(1/3), what Linear's default init uses
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'identity': case 'sigmoid':
    case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': case 'leakyRelu': {
      let slope = 0.01;
      if (param !== undefined && param !== null) {
        if (typeof param !== 'number' || !Number.isFinite(param)) throw new TypeError(`calculateGain: negative_slope ${String(param)} not a valid number`);
        slope = param;
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`calculateGain: unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/** `[fanIn, fanOut]` of a weight: size(1)·receptive and size(0)·receptive, receptive = Π size(2..). */
export function _calculateFanInAndFanOut(t: Tensor): [number, number] {
  checkTensor('_calculateFanInAndFanOut', t);
  if (t.ndim < 2) {
    throw new RangeError(`init: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (got shape [${t.shape.join(', ')}])`);
  }
  const sh = t.shape;
  const receptive = sh.slice(2).reduce((a, b) => a * b, 1);
  return [sh[1] * receptive, sh[0] * receptive];
}

function fanOf(t: Tensor, mode: FanMode): number {
  const [fanIn, fanOut] = _calculateFanInAndFanOut(t);
  if (mode === 'fanIn' || mode === 'fan_in') return fanIn;
  if (mode === 'fanOut' || mode === 'fan_out') return fanOut;
  throw new RangeError(`init: mode '${String(mode)}' not supported, please use one of 'fanIn', 'fanOut'`);
}

export interface UniformOptions extends GeneratorOption {
  /** Lower bound (default 0). */
  a?: number;
  /** Upper bound (default 1). */
  b?: number;
}

/**
 * Fills with U(a, b). Positional as PyTorch (`uniform_(w, -0.1, 0.1)`) or with keywords as options
 * (`uniform_(w, { a: -0.1, b: 0.1 })`).
 */
export function uniform_(t: Tensor, a?: number | UniformOptions, b?: number, opts: GeneratorOption = {}): Tensor {
  checkTensor('uniform_', t);
  const kw = keywordForm<UniformOptions>('uniform_', a, ['a', 'b', 'generator']);
  const { a: lo = 0, b: hi = 1, generator } = kw ?? { a: a as number | undefined, b, generator: opts.generator };
  if (!(lo <= hi)) throw new RangeError(`init.uniform_: expects a <= b, but got a=${lo}, b=${hi}`);
  return noGrad(() => t.uniform_(lo, hi, generator));
}

export interface NormalOptions extends GeneratorOption {
  /** Default 0. */
  mean?: number;
  /** Default 1. */
  std?: number;
}

/** Fills with N(mean, std²): `normal_(w, 0, 0.02)` or `normal_(w, { std: 0.02 })`. */
export function normal_(t: Tensor, mean?: number | NormalOptions, std?: number, opts: GeneratorOption = {}): Tensor {
  checkTensor('normal_', t);
  const kw = keywordForm<NormalOptions>('normal_', mean, ['mean', 'std', 'generator']);
  const { mean: mu = 0, std: sigma = 1, generator } = kw ?? { mean: mean as number | undefined, std, generator: opts.generator };
  if (!(sigma >= 0)) throw new RangeError(`init.normal_: std must be >= 0, got ${sigma}`);
  if (typeof mu !== 'number' || Number.isNaN(mu)) throw new TypeError(`init.normal_: mean must be a number, got ${String(mu)}`);
  return noGrad(() => t.normal_(mu, sigma, generator));
}

export interface TruncNormalOptions extends NormalOptions {
  /** Lower cut-off (default -2). */
  a?: number;
  /** Upper cut-off (default 2). */
  b?: number;
}

/**
 * Fills with N(mean, std²) redrawn until inside [a, b] (PyTorch's `trunc_normal_` distribution; PyTorch
 * uses the inverse CDF, the distribution is the same). Keywords as options: `truncNormal_(w, { std: 0.02 })`.
 */
export function truncNormal_(t: Tensor, mean?: number | TruncNormalOptions, std?: number, a?: number, b?: number, opts: GeneratorOption = {}): Tensor {
  checkTensor('truncNormal_', t);
  const kw = keywordForm<TruncNormalOptions>('truncNormal_', mean, ['mean', 'std', 'a', 'b', 'generator']);
  const { mean: mu = 0, std: sigma = 1, a: lo = -2, b: hi = 2, generator } = kw ?? { mean: mean as number | undefined, std, a, b, generator: opts.generator };
  if (!(lo < hi)) throw new RangeError(`init.truncNormal_: expects a < b, got a=${lo}, b=${hi}`);
  if (!(sigma >= 0) || typeof mu !== 'number' || Number.isNaN(mu)) throw new RangeError(`init.truncNormal_: mean must be a number and std >= 0, got mean=${String(mu)}, std=${String(sigma)}`);
  const g = generator ?? defaultGenerator;
  const n = t.numel();
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    let tries = 0;
    do {
      v = mu + sigma * g.normal();
      if (++tries > 10000) throw new RangeError(`init.truncNormal_: [${lo}, ${hi}] is too far from mean ${mu} (std ${sigma}) to sample`);
    } while (v < lo || v > hi);
    vals[i] = v;
  }
  return noGrad(() => t.copy_(fromValues(vals, t)));
}

function fromValues(vals: Float64Array, like: Tensor): Tensor {
  return tensor(vals, { dtype: like.dtype }).reshape(like.shape);
}

/** Fills with `val` (`constant_(w, 0.5)` or `constant_(w, { val: 0.5 })`). */
export function constant_(t: Tensor, val: number | { val: number }): Tensor {
  checkTensor('constant_', t);
  const kw = keywordForm<{ val: number }>('constant_', val, ['val']);
  if (kw) val = kw.val;
  if (typeof val !== 'number') throw new TypeError(`init.constant_: val must be a number, got ${typeof val}`);
  return noGrad(() => t.fill_(val));
}
/** Fills with 1. */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}
/** Fills with 0. */
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

/** Fills a 2-D tensor with the identity (ones on the diagonal). */
export function eye_(t: Tensor): Tensor {
  checkTensor('eye_', t);
  if (t.ndim !== 2) throw new RangeError(`init.eye_: only 2-D tensors are supported, got shape [${t.shape.join(', ')}]`);
  const [r, c] = t.shape;
  const vals = new Float64Array(r * c);
  for (let i = 0; i < Math.min(r, c); i++) vals[i * c + i] = 1;
  return noGrad(() => t.copy_(fromValues(vals, t)));
}

export interface XavierOptions extends GeneratorOption {
  /** Scaling factor, e.g. `calculateGain('relu')` (default 1). */
  gain?: number;
}

/** Reads xavier's `gain` given positionally or as `{ gain, generator }`. */
function xavierArgs(fn: string, gain: number | XavierOptions | undefined, opts: GeneratorOption): [number, Generator | undefined] {
  const kw = keywordForm<XavierOptions>(fn, gain, ['gain', 'generator']);
  const g = kw ? kw.gain ?? 1 : gain ?? 1;
  if (typeof g !== 'number' || Number.isNaN(g)) throw new TypeError(`init.${fn}: gain must be a number, got ${String(g)}`);
  return [g, kw ? kw.generator : opts.generator];
}

/** Glorot's standard deviation for a weight: gain·√(2 / (fanIn + fanOut)) (xavierUniform_ and xavierNormal_ share it). */
function xavierStd(t: Tensor, gain: number): number {
  const [fanIn, fanOut] = _calculateFanInAndFanOut(t);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/**
 * Glorot uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)).
 * @example
 * init.xavierUniform_(w, init.calculateGain('tanh')); // or xavierUniform_(w, { gain: ... }) as PyTorch's gain=...
 */
export function xavierUniform_(t: Tensor, gainOrOptions?: number | XavierOptions, opts: GeneratorOption = {}): Tensor {
  const [gain, generator] = xavierArgs('xavierUniform_', gainOrOptions, opts);
  const a = Math.sqrt(3) * xavierStd(t, gain); // U(−a, a) has variance a²/3 = std²
  return uniform_(t, -a, a, { generator });
}

/** Glorot normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)); gain positional or `{ gain }`. */
export function xavierNormal_(t: Tensor, gainOrOptions?: number | XavierOptions, opts: GeneratorOption = {}): Tensor {
  const [gain, generator] = xavierArgs('xavierNormal_', gainOrOptions, opts);
  return normal_(t, 0, xavierStd(t, gain), { generator });
}

export interface KaimingOptions extends GeneratorOption {
  /** Negative slope of the leaky ReLU after this layer (only used with 'leaky_relu'). Default 0. */
  a?: number;
  /** 'fanIn' (default) keeps the forward variance, 'fanOut' the backward. */
  mode?: FanMode;
  /** Default 'leaky_relu'. */
  nonlinearity?: Nonlinearity;
}

/** He's standard deviation for a weight: calculateGain(nonlinearity, a) / √fan (kaimingUniform_ and kaimingNormal_ share it). */
function kaimingStd(t: Tensor, mode: FanMode, nonlinearity: Nonlinearity, a: number): number {
  const fan = fanOf(t, mode); // before the gain, so a bad shape or mode is reported first
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/**
 * kaiming's arguments: PyTorch's positional `(a, mode, nonlinearity)` (`kaimingUniform_(w, Math.sqrt(5))`,
 * as nn.Linear's reset_parameters calls it) or the options object, checked.
 */
function kaimingArgs(fn: string, a: number | KaimingOptions | undefined, mode: FanMode | undefined, nonlinearity: Nonlinearity | undefined): Required<Omit<KaimingOptions, 'generator'>> & GeneratorOption {
  if (a !== null && typeof a === 'object') {
    if (mode !== undefined || nonlinearity !== undefined) throw new TypeError(`init.${fn}: expected (a, mode, nonlinearity) or one options object, not both`);
    const o = checkOptions(`init.${fn}`, a, ['a', 'mode', 'nonlinearity', 'generator']);
    return { a: o.a ?? 0, mode: o.mode ?? 'fanIn', nonlinearity: o.nonlinearity ?? 'leaky_relu', generator: o.generator };
  }
  if (a !== undefined && (typeof a !== 'number' || Number.isNaN(a))) throw new TypeError(`init.${fn}: a must be a number, got ${String(a)}`);
  return { a: a ?? 0, mode: mode ?? 'fanIn', nonlinearity: nonlinearity ?? 'leaky_relu' };
}

/**
 * He uniform: U(−bound, bound), bound = gain·√(3 / fan), gain = calculateGain(nonlinearity, a).
 * @example init.kaimingUniform_(w, Math.sqrt(5)); // or init.kaimingUniform_(w, { a: Math.sqrt(5), mode: 'fanOut' })
 */
export function kaimingUniform_(t: Tensor, aOrOptions?: number | KaimingOptions, modeArg?: FanMode, nonlinearityArg?: Nonlinearity): Tensor {
  const { a, mode, nonlinearity, generator } = kaimingArgs('kaimingUniform_', aOrOptions, modeArg, nonlinearityArg);
  checkTensor('kaimingUniform_', t);
  if (t.numel() === 0) return t; // PyTorch warns "Initializing zero-element tensors is a no-op"
  const bound = Math.sqrt(3) * kaimingStd(t, mode, nonlinearity, a); // U(−b, b) has variance b²/3 = std²
  return uniform_(t, -bound, bound, { generator });
}

/** He normal: N(0, std²), std = gain / √fan. */
export function kaimingNormal_(t: Tensor, aOrOptions?: number | KaimingOptions, modeArg?: FanMode, nonlinearityArg?: Nonlinearity): Tensor {
  const { a, mode, nonlinearity, generator } = kaimingArgs('kaimingNormal_', aOrOptions, modeArg, nonlinearityArg);
  checkTensor('kaimingNormal_', t);
  if (t.numel() === 0) return t;
  return normal_(t, 0, kaimingStd(t, mode, nonlinearity, a), { generator });
}

// orthogonal init (audit3)
/**
 * PyTorch's `orthogonal_`: fills a tensor of ≥ 2 dims with a (semi-)orthogonal matrix viewed as
 * [rows, numel/rows], from the QR decomposition of a normal draw with R's diagonal made positive, times `gain`.
 * @example init.orthogonal_(w); // w·wᵀ = I for rows <= cols
 */
export function orthogonal_(t: Tensor, gain: number | (GeneratorOption & { gain?: number }) = 1, opts: GeneratorOption = {}): Tensor {
  checkTensor('orthogonal_', t);
  const kw = keywordForm<GeneratorOption & { gain?: number }>('orthogonal_', gain, ['gain', 'generator']);
  const g = kw ? kw.gain ?? 1 : (gain as number);
  const generator = (kw ? kw.generator : opts.generator) ?? defaultGenerator;
  if (typeof g !== 'number' || Number.isNaN(g)) throw new TypeError(`init.orthogonal_: gain must be a number, got ${String(g)}`);
  if (t.ndim < 2) throw new RangeError('init.orthogonal_: Only tensors with 2 or more dimensions are supported');
  if (t.numel() === 0) return t;
  const rows = t.shape[0], cols = t.numel() / rows;
  // QR of the tall orientation (n x k, n >= k) by modified Gram–Schmidt in float64: its R has a positive
  // diagonal, which is PyTorch's q·sign(diag(r)).
  const n = Math.max(rows, cols), k = Math.min(rows, cols);
  const draw = Array.from({ length: rows * cols }, () => generator.normal());
  const q: Float64Array[] = Array.from({ length: k }, (_, j) => Float64Array.from({ length: n }, (_, i) => (rows >= cols ? draw[i * cols + j] : draw[j * cols + i])));
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[p][i] * q[j][i];
      for (let i = 0; i < n; i++) q[j][i] -= dot * q[p][i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[j][i] * q[j][i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) q[j][i] /= norm;
  }
  const out = new Array<number>(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = g * (rows >= cols ? q[c][r] : q[r][c]);
  return noGrad(() => t.copy_(tensor(out, { dtype: t.dtype }).reshape(t.shape)));
}

// more torch.nn modules (nnmore7)
/**
 * PyTorch's `dirac_`: zeroes a 3-, 4- or 5-D conv weight [out, in, *k] and sets the centre tap of
 * (g·out/groups + d, d) to 1 for each group g and d < min(out/groups, in), so the conv passes its input's
 * channels through. `dirac_(w)`, `dirac_(w, 2)` or `dirac_(w, { groups: 2 })`.
 * @example init.dirac_(conv.weight); // conv(x) = x for same-padded convs with in = out
 */
export function dirac_(t: Tensor, groups: number | { groups?: number } = 1): Tensor {
  checkTensor('dirac_', t);
  const kw = keywordForm<{ groups?: number }>('dirac_', groups, ['groups']);
  const gr = kw ? kw.groups ?? 1 : groups;
  if (typeof gr !== 'number' || !Number.isInteger(gr) || gr < 1) throw new TypeError(`init.dirac_: groups must be a positive integer, got ${String(gr)}`);
  if (t.ndim < 3 || t.ndim > 5) throw new RangeError(`init.dirac_: Only tensors with 3, 4, or 5 dimensions are supported, got shape [${t.shape.join(', ')}]`);
  const [outC, inC, ...k] = t.shape;
  if (outC % gr !== 0) throw new RangeError(`init.dirac_: dim 0 must be divisible by groups, got size ${outC} and groups ${gr}`);
  const perGroup = outC / gr;
  const kNumel = k.reduce((a, b) => a * b, 1);
  // The centre tap's offset within one [*k] kernel, row-major.
  const centre = k.reduce((off, s) => off * s + Math.floor(s / 2), 0);
  const vals = new Float64Array(t.numel());
  for (let g = 0; g < gr; g++) {
    for (let d = 0; d < Math.min(perGroup, inC); d++) vals[((g * perGroup + d) * inC + d) * kNumel + centre] = 1;
  }
  return noGrad(() => t.copy_(fromValues(vals, t)));
}

export interface SparseOptions extends GeneratorOption {
  /** The fraction of each column set to zero: ⌈sparsity·rows⌉ entries. */
  sparsity: number;
  /** The normal's standard deviation for the rest (default 0.01). */
  std?: number;
}

/**
 * PyTorch's `sparse_` (Martens 2010): fills a 2-D tensor from N(0, std²), then zeroes ⌈sparsity·rows⌉
 * randomly chosen rows in each column. `sparse_(w, 0.1)`, `sparse_(w, 0.1, 0.02, { generator })` or
 * `sparse_(w, { sparsity: 0.1, std: 0.02, generator })`.
 * @example init.sparse_(w, 0.5); // half of each column is 0
 */
export function sparse_(t: Tensor, sparsity: number | SparseOptions, std?: number, opts: GeneratorOption = {}): Tensor {
  checkTensor('sparse_', t);
  const kw = keywordForm<SparseOptions>('sparse_', sparsity, ['sparsity', 'std', 'generator']);
  const { sparsity: s, std: sigma = 0.01, generator } = kw ?? { sparsity: sparsity as number, std, generator: checkOptions('init.sparse_', opts, ['generator']).generator };
  if (typeof s !== 'number' || !(s >= 0 && s <= 1)) throw new RangeError(`init.sparse_: sparsity must be a number in [0, 1], got ${String(s)}`);
  if (typeof sigma !== 'number' || Number.isNaN(sigma)) throw new TypeError(`init.sparse_: std must be a number, got ${String(sigma)}`);
  if (t.ndim !== 2) throw new RangeError(`init.sparse_: Only tensors with 2 dimensions are supported, got shape [${t.shape.join(', ')}]`);
  const [rows, cols] = t.shape;
  const numZeros = Math.ceil(s * rows);
  const g = generator ?? defaultGenerator;
  // torch's tensor.normal_(0, std) (the same draws as normal_), then the zeros column by column
  const vals = Float64Array.from(zeros([rows, cols], { dtype: t.dtype }).normal_(0, sigma, g).dataSync());
  for (let c = 0; c < cols; c++) {
    // The first numZeros entries of a random permutation of the rows (PyTorch's randperm(rows)[:numZeros]).
    const perm = randperm(rows, { generator: g }).toArray() as number[];
    for (let i = 0; i < numZeros; i++) vals[perm[i] * cols + c] = 0;
  }
  return noGrad(() => t.copy_(fromValues(vals, t)));
}
