import { finishToy, linspaceArray, resolveToyOptions, type ToyData, type ToyOptions } from './common';

/**
 * Two interleaving half circles, scikit-learn's `make_moons`: floor(n/2) points of class 0 on the
 * upper arc (cos t, sin t) and the rest of class 1 on the lower arc (1 - cos t, 1 - sin t - 0.5),
 * t evenly spaced over [0, pi] (both ends included), then shuffled, then Gaussian noise of std `noise`.
 * Same formula as scikit-learn; the random numbers differ (tapegrad's generator is not numpy's).
 *
 * @example
 * ```ts
 * const { x, y } = makeMoons({ n: 200, noise: 0.1, seed: 0 }); // x: float32 [200, 2], y: int32 [200]
 * ```
 */
export function makeMoons(options: ToyOptions = {}): ToyData {
  const ctx = resolveToyOptions('makeMoons', options);
  const nOut = Math.floor(ctx.n / 2), nIn = ctx.n - nOut;
  const tOut = linspaceArray(0, Math.PI, nOut, true), tIn = linspaceArray(0, Math.PI, nIn, true);
  const xy = new Float64Array(2 * ctx.n);
  const labels = new Int32Array(ctx.n);
  for (let i = 0; i < nOut; i++) {
    xy[2 * i] = Math.cos(tOut[i]);
    xy[2 * i + 1] = Math.sin(tOut[i]);
  }
  for (let i = 0; i < nIn; i++) {
    const k = nOut + i;
    xy[2 * k] = 1 - Math.cos(tIn[i]);
    xy[2 * k + 1] = 1 - Math.sin(tIn[i]) - 0.5;
    labels[k] = 1;
  }
  return finishToy(xy, labels, ctx);
}
