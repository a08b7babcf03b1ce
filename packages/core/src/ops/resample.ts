/**
 * Resampling: interpolate (nearest, linear, bilinear, trilinear, area) and pixelShuffle /
 * pixelUnshuffle. All are compositions of existing ops (index selection, products with weights,
 * adaptive pooling, reshape/permute views), so their gradients and second derivatives come free.
 * Source positions follow PyTorch 1.13's kernels (UpSample.h) so the outputs match it exactly.
 */
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { checkOptions } from '../options';
import { adaptiveAvgPool1d, adaptiveAvgPool2d } from './pooling';
import { isFloating } from '../dtype';

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';

export interface InterpolateOptions {
  /** The output's spatial size: one number for every spatial dim, or one each. Exactly one of size and scaleFactor. */
  size?: number | number[] | null;
  /** Multiplier of each spatial size (output = floor(input · scale)). Exactly one of size and scaleFactor. */
  scaleFactor?: number | number[] | null;
  /** Default 'nearest', as PyTorch. */
  mode?: InterpolateMode;
  /**
   * Linear modes only: map the corner pixels' centres onto each other (true) or the corners of the
   * pixel grid (false). Default false, as PyTorch (which no longer warns about it).
   */
  alignCorners?: boolean | null;
  /** With scaleFactor: compute the output size, then interpolate as if that size had been given. */
  recomputeScaleFactor?: boolean | null;
}

const MODES: readonly InterpolateMode[] = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area'];
const LINEAR_RANK: Partial<Record<InterpolateMode, number>> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 };

const int32 = (v: number[]): Tensor => Tensor._fromData(Int32Array.from(v), [v.length], 'int32');

/** PyTorch's compute_scales_value: 1/scaleFactor when one was given, else in/out. */
const scaleOf = (scale: number | null, inSize: number, outSize: number): number => (scale !== null && scale > 0 ? 1 / scale : inSize / outSize);

/** Source index of each output position for 'nearest' (float32 arithmetic, as PyTorch's nearest_idx). */
function nearestIndex(inSize: number, outSize: number, scale: number | null, exact: boolean): number[] {
  const f = Math.fround(scaleOf(scale, inSize, outSize));
  return Array.from({ length: outSize }, (_, o) => {
    if (!exact && outSize === inSize) return o;
    if (!exact && outSize === 2 * inSize) return o >> 1;
    const src = Math.floor(Math.fround((exact ? o + 0.5 : o) * f));
    return Math.min(src, inSize - 1);
  });
}

/** The two source indices and weights of each output position for linear modes (compute_source_index_and_lambda). */
function linearWeights(inSize: number, outSize: number, scale: number | null, alignCorners: boolean): { i0: number[]; i1: number[]; l0: number[]; l1: number[] } {
  const ratio = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : scaleOf(scale, inSize, outSize);
  const i0: number[] = [], i1: number[] = [], l0: number[] = [], l1: number[] = [];
  for (let o = 0; o < outSize; o++) {
    if (outSize === inSize) {
      i0.push(o); i1.push(o); l0.push(1); l1.push(0);
      continue;
    }
    const real = alignCorners ? ratio * o : Math.max(ratio * (o + 0.5) - 0.5, 0);
    const a = Math.floor(real);
    i0.push(a);
    i1.push(a + (a < inSize - 1 ? 1 : 0));
    const lam = Math.min(Math.max(real - a, 0), 1);
    l1.push(lam);
    l0.push(1 - lam);
  }
  return { i0, i1, l0, l1 };
}

/**
 * The four source indices (clamped to the input) and weights of each output position for 'bicubic'
 * (PyTorch 1.13's upsample_bicubic2d: Keys' cubic convolution with A = −0.75, source positions not
 * clamped, the taps past either edge repeating the edge).
 */
function cubicWeights(inSize: number, outSize: number, scale: number | null, alignCorners: boolean): { idx: number[][]; w: number[][] } {
  const A = -0.75;
  const near = (t: number): number => ((A + 2) * t - (A + 3)) * t * t + 1;
  const far = (t: number): number => ((A * t - 5 * A) * t + 8 * A) * t - 4 * A;
  const ratio = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : scaleOf(scale, inSize, outSize);
  const idx: number[][] = [[], [], [], []], w: number[][] = [[], [], [], []];
  for (let o = 0; o < outSize; o++) {
    const real = alignCorners ? ratio * o : ratio * (o + 0.5) - 0.5;
    const i = Math.floor(real), t = real - i;
    const ws = [far(t + 1), near(t), near(1 - t), far(2 - t)];
    for (let k = 0; k < 4; k++) {
      idx[k].push(Math.min(Math.max(i - 1 + k, 0), inSize - 1));
      w[k].push(ws[k]);
    }
  }
  return { idx, w };
}

/**
 * Resizes the spatial dims of x [N, C, d1, …] (PyTorch's `F.interpolate`): modes 'nearest',
 * 'nearest-exact', 'linear' (3-D input), 'bilinear' and 'bicubic' (4-D), 'trilinear' (5-D) and 'area' (adaptive
 * average pooling; 3-D and 4-D). Give exactly one of `size` and `scaleFactor`.
 * @example
 * interpolate(x, { scaleFactor: 2 })                                    // nearest, [N, C, H, W] -> [N, C, 2H, 2W]
 * interpolate(x, { size: [5, 7], mode: 'bilinear', alignCorners: true })
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  const op = 'interpolate';
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  const o = checkOptions(op, options, ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor']);
  const { size = null, scaleFactor = null, mode = 'nearest', alignCorners = null, recomputeScaleFactor = null } = o;
  if (!MODES.includes(mode)) throw new RangeError(`${op}: unknown mode '${String(mode)}'; expected one of ${MODES.join(' | ')}`);
  const linear = LINEAR_RANK[mode];
  if (alignCorners !== null && linear === undefined) {
    throw new RangeError(`${op}: alignCorners can only be set with the interpolating modes linear | bilinear | bicubic | trilinear, got mode '${mode}'`);
  }
  if (x.ndim < 3 || x.ndim > 5) {
    throw new RangeError(`${op}: expected a 3-D, 4-D or 5-D input [N, C, d1, …] (batch and channel dims first), got ${x.ndim}-D input of shape ${fmt(x._shape)}`);
  }
  if (linear !== undefined && x.ndim !== linear) throw new RangeError(`${op}: got ${x.ndim}-D input of shape ${fmt(x._shape)}, but ${mode} mode needs ${linear}-D input`);
  if (mode === 'area' && x.ndim === 5) throw new RangeError(`${op}: mode 'area' supports 3-D and 4-D inputs, got shape ${fmt(x._shape)}`);
  if (!isFloating(x.dtype)) throw new TypeError(`${op}: expected a floating point input, got ${x.dtype}`);
  const k = x.ndim - 2;
  const sp = x._shape.slice(2);
  const haveSize = size !== null, haveScale = scaleFactor !== null;
  if (haveSize && haveScale) throw new RangeError(`${op}: only one of size or scaleFactor should be defined, got size ${String(size)} and scaleFactor ${String(scaleFactor)}`);
  if (!haveSize && !haveScale) throw new RangeError(`${op}: either size or scaleFactor should be defined`);
  if (recomputeScaleFactor === true && haveSize) throw new RangeError(`${op}: recomputeScaleFactor is not meaningful with an explicit size (${String(size)}); it recomputes the scale from a scaleFactor`);
  const perDim = (v: number | number[], name: string): number[] => {
    const list = typeof v === 'number' ? new Array<number>(k).fill(v) : v;
    if (!Array.isArray(list) || list.length !== k) {
      throw new RangeError(`${op}: input with spatial dims ${fmt(sp)} needs ${name} with ${k} element(s) (or one number), got ${Array.isArray(v) ? fmt(v) : String(v)}`);
    }
    return list;
  };
  let outSize: number[];
  let scales: (number | null)[];
  if (haveSize) {
    outSize = perDim(size, 'size');
    for (const s of outSize) if (!Number.isInteger(s) || s <= 0) throw new RangeError(`${op}: size must contain positive integers, got ${fmt(outSize)}`);
    scales = outSize.map(() => null);
  } else {
    const sf = perDim(scaleFactor as number | number[], 'scaleFactor');
    for (const s of sf) if (typeof s !== 'number' || !(s > 0) || !Number.isFinite(s)) throw new RangeError(`${op}: scaleFactor must contain positive finite numbers, got ${fmt(sf)}`);
    outSize = sp.map((n, i) => Math.floor(n * sf[i]));
    if (outSize.some((s) => s <= 0)) throw new RangeError(`${op}: input spatial size ${fmt(sp)} with scaleFactor ${fmt(sf)} gives output size ${fmt(outSize)}; sizes must be greater than 0`);
    scales = recomputeScaleFactor ? sf.map(() => null) : sf;
  }
  if (mode === 'area') return k === 1 ? adaptiveAvgPool1d(x, outSize[0]) : adaptiveAvgPool2d(x, outSize);
  let y = x;
  for (let i = 0; i < k; i++) {
    const dim = 2 + i;
    if (linear === undefined) {
      y = y.indexSelect(dim, int32(nearestIndex(sp[i], outSize[i], scales[i], mode === 'nearest-exact')));
      continue;
    }
    const bshape = [outSize[i], ...new Array<number>(k - 1 - i).fill(1)];
    const weight = (v: number[]): Tensor => Tensor._fromData(x.dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v), bshape, x.dtype);
    if (mode === 'bicubic') {
      // As PyTorch, an unchanged size is a copy (its weights would be exactly 0, 1, 0, 0 only with align corners).
      if (sp.every((n, j) => n === outSize[j])) return y.clone();
      const c = cubicWeights(sp[i], outSize[i], scales[i], !!alignCorners);
      const src = y;
      y = c.idx.map((ix, t) => src.indexSelect(dim, int32(ix)).mul(weight(c.w[t]))).reduce((a, b) => a.add(b));
      continue;
    }
    const w = linearWeights(sp[i], outSize[i], scales[i], !!alignCorners);
    y = y.indexSelect(dim, int32(w.i0)).mul(weight(w.l0)).add(y.indexSelect(dim, int32(w.i1)).mul(weight(w.l1)));
  }
  return y;
}

function checkFactor(op: string, x: Tensor, factor: number, name: string): void {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  if (!Number.isInteger(factor) || factor <= 0) throw new RangeError(`${op}: ${name} must be a positive integer, got ${factor}`);
  if (x.ndim < 3) throw new RangeError(`${op}: expected an input of at least 3 dims [*, C, H, W], got ${x.ndim}-D input of shape ${fmt(x._shape)}`);
}

/**
 * Rearranges [*, C·r², H, W] into [*, C, H·r, W·r] (PyTorch's `F.pixel_shuffle`): a reshape and a
 * permute.
 * @example
 * pixelShuffle(zeros([1, 8, 3, 3]), 2).shape // [1, 2, 6, 6]
 */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  const op = 'pixelShuffle';
  checkFactor(op, x, upscaleFactor, 'upscaleFactor');
  const r = upscaleFactor, n = x.ndim;
  const [c, h, w] = x._shape.slice(n - 3);
  if (c % (r * r) !== 0) throw new RangeError(`${op}: expected the channel dim -3 (size ${c} of input ${fmt(x._shape)}) to be divisible by upscaleFactor² = ${r * r}`);
  const lead = x._shape.slice(0, n - 3);
  const L = lead.length;
  const lp = lead.map((_, i) => i);
  return x
    .reshape([...lead, c / (r * r), r, r, h, w])
    .permute([...lp, L, L + 3, L + 1, L + 4, L + 2])
    .reshape([...lead, c / (r * r), h * r, w * r]);
}

/**
 * The inverse of pixelShuffle: [*, C, H·r, W·r] into [*, C·r², H, W] (PyTorch's `F.pixel_unshuffle`).
 * @example
 * pixelUnshuffle(zeros([1, 2, 6, 6]), 2).shape // [1, 8, 3, 3]
 */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  const op = 'pixelUnshuffle';
  checkFactor(op, x, downscaleFactor, 'downscaleFactor');
  const r = downscaleFactor, n = x.ndim;
  const [c, h, w] = x._shape.slice(n - 3);
  if (h % r !== 0 || w % r !== 0) throw new RangeError(`${op}: expected the spatial sizes [${h}, ${w}] of input ${fmt(x._shape)} to be divisible by downscaleFactor ${r}`);
  const lead = x._shape.slice(0, n - 3);
  const L = lead.length;
  const lp = lead.map((_, i) => i);
  return x
    .reshape([...lead, c, h / r, r, w / r, r])
    .permute([...lp, L, L + 2, L + 4, L + 1, L + 3])
    .reshape([...lead, c * r * r, h / r, w / r]);
}
