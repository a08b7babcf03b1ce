import { finishToy, linspaceArray, resolveToyOptions, twoArcs, type ToyData, type ToyOptions } from './common';

/** Options of {@link makeCircles}. */
export interface CirclesOptions extends ToyOptions {
  /** Radius of the inner circle relative to the outer one (unit radius); in [0, 1). Default 0.5. */
  factor?: number;
}

/**
 * A large circle containing a smaller one, scikit-learn's `make_circles`: floor(n/2) points of class 0
 * on the unit circle and the rest of class 1 on the circle of radius `factor`, angles evenly spaced over
 * [0, 2 pi) (end excluded), then shuffled, then Gaussian noise of std `noise`. Same formula as
 * scikit-learn, except the default `factor` is 0.5 (the value of the course slides; scikit-learn's
 * default is 0.8). The random numbers differ from numpy's.
 *
 * @example
 * ```ts
 * const { x, y } = makeCircles({ n: 200, noise: 0.05, factor: 0.5, seed: 1 });
 * ```
 */
export function makeCircles(options: CirclesOptions = {}): ToyData {
  const ctx = resolveToyOptions('makeCircles', options, ['factor']);
  const { factor = 0.5 } = options;
  if (typeof factor !== 'number' || !(factor >= 0 && factor < 1)) {
    throw new RangeError(`makeCircles: factor has to be between 0 and 1 (0 <= factor < 1), got ${String(factor)}`);
  }
  const angles = (count: number): Float64Array => linspaceArray(0, 2 * Math.PI, count, false);
  const { xy, labels } = twoArcs(
    ctx.n, angles,
    (t) => [Math.cos(t), Math.sin(t)], // the unit circle
    (t) => [factor * Math.cos(t), factor * Math.sin(t)], // the inner circle
  );
  return finishToy(xy, labels, ctx);
}
