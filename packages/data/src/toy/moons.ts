import { finishToy, linspaceArray, resolveToyOptions, twoArcs, type ToyData, type ToyOptions } from './common';

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
  const angles = (count: number): Float64Array => linspaceArray(0, Math.PI, count, true);
  const { xy, labels } = twoArcs(
    ctx.n, angles,
    (t) => [Math.cos(t), Math.sin(t)], // the upper arc
    (t) => [1 - Math.cos(t), 1 - Math.sin(t) - 0.5], // the lower arc
  );
  return finishToy(xy, labels, ctx);
}
