/** Options objects of core ops (PyTorch's keyword arguments in camelCase). */
import { Tensor } from './tensor';

/**
 * Checks that `opts` is a plain options object whose keys are all in `known`, so a snake_case key
 * (`{ output_size: 4 }`) or a positional value is an error naming the op, not silently ignored.
 */
export function checkOptions<O extends object>(op: string, opts: O | undefined | null, known: readonly string[]): O {
  if (opts === undefined || opts === null) return {} as O;
  const proto = typeof opts === 'object' ? (Object.getPrototypeOf(opts) as unknown) : undefined;
  if (typeof opts !== 'object' || Array.isArray(opts) || opts instanceof Tensor || (proto !== Object.prototype && proto !== null)) {
    throw new TypeError(`${op}: expected an options object { ${known.join(', ')} }, got ${Array.isArray(opts) ? 'an array' : opts instanceof Tensor ? 'a Tensor' : typeof opts}`);
  }
  for (const k of Object.keys(opts)) {
    if (!known.includes(k)) throw new TypeError(`${op}: unknown option '${k}'; expected one of ${known.join(', ')} (options are camelCase)`);
  }
  return opts;
}
