import { finishToy, linspaceArray, resolveToyOptions, type ToyData, type ToyOptions } from './common';

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
  const ctx = resolveToyOptions('makeCircles', options);
  const { factor = 0.5 } = options;
  if (typeof factor !== 'number' || !(factor >= 0 && factor < 1)) {
    throw new RangeError(`makeCircles: factor has to be between 0 and 1 (0 <= factor < 1), got ${String(factor)}`);
  }
  const nOut = Math.floor(ctx.n / 2), nIn = ctx.n - nOut;
  const tOut = linspaceArray(0, 2 * Math.PI, nOut, false), tIn = linspaceArray(0, 2 * Math.PI, nIn, false);
  const xy = new Float64Array(2 * ctx.n);
  const labels = new Int32Array(ctx.n);
  for (let i = 0; i < nOut; i++) {
    xy[2 * i] = Math.cos(tOut[i]);
    xy[2 * i + 1] = Math.sin(tOut[i]);
  }
  for (let i = 0; i < nIn; i++) {
    const k = nOut + i;
    xy[2 * k] = factor * Math.cos(tIn[i]);
    xy[2 * k + 1] = factor * Math.sin(tIn[i]);
    labels[k] = 1;
  }
  return finishToy(xy, labels, ctx);
}
