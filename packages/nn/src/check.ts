/** Input checks shared by the layers, so their errors name the layer. */
import { Tensor, isFloating } from '@tapegrad/core';
import { unknownOptionError } from '@tapegrad/core/internal';

/** Throws unless x is a floating point Tensor; integer data is the usual cause, so say how to fix it. */
export function checkFloatInput(layer: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${layer}: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  if (!isFloating(x.dtype)) {
    throw new TypeError(
      `${layer}: expected a floating point input, got ${x.dtype} (convert it with .float(), or create it without { dtype: 'int32' })`,
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
    if (!known.includes(k)) throw unknownOptionError(fn, k, known);
  }
  return opts;
}

/** Is it a plain `{ ... }` object (an options object, as opposed to a number, string, array or Tensor)? */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Tensor) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * One PyTorch argument given positionally (`new LeakyReLU(0.2)`) or as a keyword in an options object
 * (`new LeakyReLU({ negativeSlope: 0.2 })`, PyTorch's `nn.LeakyReLU(negative_slope=0.2)`); `fallback`
 * when absent. Other keys in the object are errors.
 */
export function keywordArg<T>(fn: string, arg: T | { [k: string]: T | undefined } | undefined, key: string, fallback: T): T {
  if (isOptionsObject(arg)) {
    const v = checkOptions(fn, arg, [key])[key];
    return v === undefined ? fallback : (v as T);
  }
  return arg === undefined ? fallback : (arg as T);
}
