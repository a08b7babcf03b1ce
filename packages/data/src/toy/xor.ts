import { finishToy, resolveToyOptions, uniforms, type ToyData, type ToyOptions } from './common';

/** Options of {@link makeXor}. */
export interface XorOptions extends ToyOptions {
  /** Keep points at least this far from both axes (in [0, 1); default 0, no gap). */
  margin?: number;
}

/**
 * The XOR problem (scikit-learn has no generator for it): coordinates uniform in [-1, 1] (pushed to
 * `margin` <= |coordinate| <= 1 when a margin is given), label 1 when the two coordinates have different
 * signs (quadrants II and IV) and 0 when they share a sign: y = (x0 >= 0) xor (x1 >= 0). Gaussian noise of
 * std `noise` is added after labelling (as scikit-learn does for moons and circles), so with noise some
 * points lie across an axis from their label's quadrants. `shuffle` has no effect: points are drawn in
 * random order already.
 *
 * @example
 * ```ts
 * const { x, y } = makeXor({ n: 400, margin: 0.1, seed: 0 });
 * ```
 */
export function makeXor(options: XorOptions = {}): ToyData {
  const ctx = resolveToyOptions('makeXor', options, ['margin']);
  const { margin = 0 } = options;
  if (typeof margin !== 'number' || !(margin >= 0 && margin < 1)) throw new RangeError(`makeXor: margin must be in [0, 1), got ${String(margin)}`);
  const u = uniforms(2 * ctx.n, ctx.generator);
  const xy = new Float64Array(2 * ctx.n);
  const labels = new Int32Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) {
    // Map u in [0, 1) to a sign and a magnitude in [margin, 1]: the halves of [0, 1) pick the sign.
    const v0 = 2 * u[2 * i] - 1, v1 = 2 * u[2 * i + 1] - 1;
    xy[2 * i] = Math.sign(v0 || 1) * (margin + (1 - margin) * Math.abs(v0));
    xy[2 * i + 1] = Math.sign(v1 || 1) * (margin + (1 - margin) * Math.abs(v1));
    // A coordinate of exactly 0 (margin 0, probability ~2^-53) counts as positive, like its sign above.
    labels[i] = v0 >= 0 !== v1 >= 0 ? 1 : 0;
  }
  // Points are already in random order; shuffling again would only burn random numbers.
  return finishToy(xy, labels, { ...ctx, shuffle: false });
}
