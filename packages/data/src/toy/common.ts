import { Generator, tensor, randn, rand, randperm, type Tensor } from '@tapegrad/core';
import { checkOptionKeys } from '@tapegrad/core/internal';

/** Options shared by the toy 2-D data sets. */
export interface ToyOptions {
  /** Number of points (default 100, as in scikit-learn). */
  n?: number;
  /** scikit-learn's name for `n` (`n_samples`); give one or the other. */
  nSamples?: number;
  /** Standard deviation of Gaussian noise added to every coordinate (default 0: no noise). */
  noise?: number;
  /** Random source; the global generator (see `manualSeed`) when neither `generator` nor `seed` is given. */
  generator?: Generator;
  /** Shorthand for `generator: new Generator(seed)`. */
  seed?: number;
  /** Shuffle the points (default true, as in scikit-learn); otherwise class 0 comes first. */
  shuffle?: boolean;
}

/** A toy data set: points `x` (float32 [n, 2]) and class labels `y` (int32 [n]). Wrap it with `new TensorDataset(x, y)` for a DataLoader. */
export interface ToyData {
  x: Tensor;
  y: Tensor;
}

/** Resolved common options. */
export interface ToyContext {
  n: number;
  noise: number;
  generator: Generator | undefined;
  shuffle: boolean;
}

const COMMON_KEYS = ['n', 'nSamples', 'noise', 'generator', 'seed', 'shuffle'];

/** Checks the keys (common ones plus the set's own `extraKeys`: a misspelt key is an error, not a silent default) and resolves them. */
export function resolveToyOptions(fn: string, opts: ToyOptions, extraKeys: readonly string[] = []): ToyContext {
  checkOptionKeys(fn, opts, [...COMMON_KEYS, ...extraKeys]);
  if (opts.n !== undefined && opts.nSamples !== undefined) throw new TypeError(`${fn}: pass either n or nSamples, not both`);
  const { n = opts.nSamples ?? 100, noise = 0, generator, seed, shuffle = true } = opts;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new RangeError(`${fn}: n must be a positive integer, got ${String(n)}`);
  if (typeof noise !== 'number' || !Number.isFinite(noise) || noise < 0) throw new RangeError(`${fn}: noise must be a finite number >= 0, got ${String(noise)}`);
  if (seed !== undefined && generator !== undefined) throw new TypeError(`${fn}: pass either seed or generator, not both`);
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) throw new TypeError(`${fn}: seed must be a finite number, got ${String(seed)}`);
  return { n, noise, generator: seed !== undefined ? new Generator(seed) : generator, shuffle };
}

/** `count` standard normal draws as float64 numbers. */
export function normals(count: number, generator: Generator | undefined): Float64Array {
  return Float64Array.from(randn([count], { generator, dtype: 'float64' }).dataSync());
}

/** `count` uniform draws in [0, 1) as float64 numbers. */
export function uniforms(count: number, generator: Generator | undefined): Float64Array {
  return Float64Array.from(rand([count], { generator, dtype: 'float64' }).dataSync());
}

/**
 * Finishes a toy set the scikit-learn way: shuffle points and labels together, then add Gaussian
 * noise of standard deviation `noise` (drawn only when noise > 0), then build the tensors.
 * `xy` holds n (x, y) pairs interleaved.
 */
export function finishToy(xy: Float64Array, labels: Int32Array, ctx: ToyContext): ToyData {
  const n = labels.length;
  let px = xy, py = labels;
  if (ctx.shuffle) {
    const perm = randperm(n, { generator: ctx.generator }).dataSync();
    px = new Float64Array(2 * n);
    py = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const j = perm[i];
      px[2 * i] = xy[2 * j];
      px[2 * i + 1] = xy[2 * j + 1];
      py[i] = labels[j];
    }
  }
  if (ctx.noise > 0) {
    const z = normals(2 * n, ctx.generator);
    for (let i = 0; i < 2 * n; i++) px[i] += ctx.noise * z[i];
  }
  return {
    x: tensor(Float32Array.from(px), { dtype: 'float32' }).reshape([n, 2]),
    y: tensor(py, { dtype: 'int32' }),
  };
}

/** numpy.linspace(start, stop, num, endpoint). */
export function linspaceArray(start: number, stop: number, num: number, endpoint: boolean): Float64Array {
  const out = new Float64Array(num);
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : 0;
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}

/** A plane curve: the point at parameter t. */
export type Curve = (t: number) => [number, number];

/**
 * The unshuffled, noise-free points of a two-arc toy set (circles, moons): floor(n/2) points of class 0
 * on `curve0` and the rest, of class 1, on `curve1`, each arc at the parameters `params(count)` gives.
 * Returns the n (x, y) pairs interleaved, and their labels, ready for {@link finishToy}.
 */
export function twoArcs(n: number, params: (count: number) => Float64Array, curve0: Curve, curve1: Curve): { xy: Float64Array; labels: Int32Array } {
  const n0 = Math.floor(n / 2), n1 = n - n0;
  const t0 = params(n0), t1 = params(n1);
  const xy = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n0; i++) [xy[2 * i], xy[2 * i + 1]] = curve0(t0[i]);
  for (let i = 0; i < n1; i++) {
    const k = n0 + i;
    [xy[2 * k], xy[2 * k + 1]] = curve1(t1[i]);
    labels[k] = 1;
  }
  return { xy, labels };
}
