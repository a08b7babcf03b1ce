/** Input checks shared by the layers, so their errors name the layer. */
import { Tensor, isFloating } from '@tapegrad/core';

/** Throws unless x is a floating point Tensor; integer data is the usual cause, so say how to fix it. */
export function checkFloatInput(layer: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${layer}: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  if (!isFloating(x.dtype)) {
    throw new TypeError(
      `${layer}: expected a floating point input, got ${x.dtype} (integer data such as tensor([[0, 1]]) is int32: pass { dtype: 'float32' } or call .float())`,
    );
  }
}

const describeValue = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : v instanceof Tensor ? 'a Tensor' : typeof v === 'string' ? `'${v}'` : typeof v;

/**
 * Returns `opts` after checking it is an options object whose keys are all in `known`. PyTorch's
 * keyword arguments are options objects here, so a positional value (`new MSELoss('sum')`) or a
 * snake_case key (`{ label_smoothing: 0.1 }`) would otherwise be dropped without a word by the
 * destructuring; this turns both into an error naming the function and the accepted keys.
 */
export function checkOptions<O extends object>(fn: string, opts: O | undefined, known: readonly string[]): O {
  if (opts === undefined || opts === null) return {} as O;
  const proto = typeof opts === 'object' ? (Object.getPrototypeOf(opts) as unknown) : undefined;
  if (typeof opts !== 'object' || Array.isArray(opts) || opts instanceof Tensor || (proto !== Object.prototype && proto !== null)) {
    throw new TypeError(`${fn}: expected an options object { ${known.join(', ')} }, got ${describeValue(opts)}`);
  }
  for (const k of Object.keys(opts)) {
    if (!known.includes(k)) throw new TypeError(`${fn}: unknown option '${k}'; expected one of ${known.join(', ')} (options are camelCase, e.g. ignoreIndex)`);
  }
  return opts;
}
