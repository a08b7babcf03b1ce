import { finishToy, normals, resolveToyOptions, type ToyData, type ToyOptions } from './common';

/** Options of {@link makeBlobs}. `noise` is not used: the spread is `std`. */
export interface BlobsOptions extends Omit<ToyOptions, 'noise'> {
  /** Cluster centres; class k is centred on `centers[k]`. Default [[-2, -2], [2, 2]]. */
  centers?: readonly (readonly [number, number])[];
  /** Standard deviation of each cluster, one number for all or one per centre. Default 0.6. */
  std?: number | readonly number[];
}

/**
 * Gaussian clouds, scikit-learn's `make_blobs` in 2-D: the n points are shared out as evenly as possible
 * between the centres (the first n mod k centres get one more), point coordinates are centre + std * N(0, 1),
 * labels are the centre indices, and the points are shuffled. The defaults give two clouds around
 * (-2, -2) and (2, 2) with std 0.6: the line x + y = 0 separates them with a margin of 4.7 standard
 * deviations, so they are linearly separable (a point crosses with probability about 1e-6).
 *
 * @example
 * ```ts
 * const { x, y } = makeBlobs({ n: 100, seed: 0 });                      // two separable clouds
 * const three = makeBlobs({ centers: [[0, 0], [3, 0], [0, 3]], std: 0.5 }); // labels 0, 1, 2
 * ```
 */
export function makeBlobs(options: BlobsOptions = {}): ToyData {
  if ((options as { noise?: unknown }).noise !== undefined) throw new TypeError('makeBlobs: use std (cluster standard deviation) instead of noise');
  const ctx = resolveToyOptions('makeBlobs', options, ['centers', 'std']);
  const { centers = [[-2, -2], [2, 2]], std = 0.6 } = options;
  if (!Array.isArray(centers) || centers.length === 0) throw new TypeError('makeBlobs: centers must be a non-empty array of [x, y] pairs');
  centers.forEach((c, k) => {
    if (!Array.isArray(c) || c.length !== 2 || !c.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new TypeError(`makeBlobs: centers[${k}] must be a pair of finite numbers [x, y]`);
    }
  });
  const k = centers.length;
  const stds: number[] = typeof std === 'number' ? new Array<number>(k).fill(std) : [...std];
  if (stds.length !== k) throw new RangeError(`makeBlobs: std has ${stds.length} entries but there are ${k} centers`);
  stds.forEach((s, j) => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) throw new RangeError(`makeBlobs: std[${j}] must be a finite number >= 0, got ${String(s)}`);
  });
  const xy = new Float64Array(2 * ctx.n);
  const labels = new Int32Array(ctx.n);
  const z = normals(2 * ctx.n, ctx.generator);
  let p = 0;
  for (let c = 0; c < k; c++) {
    const count = Math.floor(ctx.n / k) + (c < ctx.n % k ? 1 : 0);
    for (let i = 0; i < count; i++, p++) {
      xy[2 * p] = centers[c][0] + stds[c] * z[2 * p];
      xy[2 * p + 1] = centers[c][1] + stds[c] * z[2 * p + 1];
      labels[p] = c;
    }
  }
  return finishToy(xy, labels, { ...ctx, noise: 0 });
}
