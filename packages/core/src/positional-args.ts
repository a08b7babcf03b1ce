/**
 * PyTorch-style constructor arguments: the values PyTorch takes positionally, in its order, then one
 * options object of the remaining keyword arguments (`StepLR(opt, 30, gamma=0.5)` is
 * `new StepLR(opt, 30, { gamma: 0.5 })`). The all-options form (`new StepLR(opt, { stepSize: 30 })`)
 * stays valid. Used by the optimizers and schedulers (`new SGD(params, 0.1, 0.9)` is momentum 0.9) and
 * the nn layers (`new Conv2d(3, 8, 3, 1, 1)`), through `@tapegrad/core/internal`.
 */
import { Tensor } from './tensor';
import { checkOptionKeys } from './options';

/** Every prefix of a tuple: `Prefixes<[a: A, b: B]>` is `[] | [a: A] | [a: A, b: B]`. */
export type Prefixes<T extends readonly unknown[]> = T extends readonly [...infer Init, unknown] ? Prefixes<Init> | T : [];

/**
 * The arguments after the leading ones (the optimizer, the params, a layer's sizes): the options object `O` alone, or the required positional values
 * `R`, any leading part of the optional ones `Q` (PyTorch's order), then optionally the other options.
 */
export type PositionalArgs<R extends unknown[], Q extends unknown[], O> =
  | [options: O]
  | [...R, ...Prefixes<Q>]
  | [...R, ...Prefixes<Q>, options: Partial<O>]
  | FirstOrOptions<R, Q, O>;

/**
 * Where one value can stand alone, a single argument typed as either form (`lrOrOptions: number | Partial<O>`),
 * so a caller holding such a union (as the optimizers' earlier signature took) still type-checks.
 */
type FirstOrOptions<R extends unknown[], Q extends unknown[], O> = R extends []
  ? Q extends [infer A, ...unknown[]] ? [firstOrOptions?: A | Partial<O>] : never
  : R extends [infer A] ? [firstOrOptions: A | O] : never;

/** One positional parameter: the option key it fills and the type its value must have. */
export interface PositionalParam {
  readonly key: string;
  /** What a value must be, for the error message ('a number', 'an array of numbers', …). */
  readonly expected: string;
  readonly is: (v: unknown) => boolean;
}

/** A plain `{ ... }` object: the options (never a positional value: those are numbers, strings, arrays, functions, tensors). */
function isPlainOptions(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

const isNum = (v: unknown): boolean => typeof v === 'number';
const isSize = (v: unknown): boolean => isNum(v) || (Array.isArray(v) && v.every(isNum));

/** A short description of a value for the messages (`number 30`, `the string '30'`, `an array of length 2`). */
function describeArg(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape.join(', ')}]`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'function') return 'a function';
  if (isPlainOptions(v)) return 'an object';
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'object'}`;
  if (typeof v === 'string') return `the string '${v}'`;
  return `${typeof v} ${String(v)}`;
}
const isNumArray = (v: unknown): boolean => Array.isArray(v) && v.every(isNum);
/** A number written as a string where a number belongs: `' (write 30 without quotes)'`, else nothing. */
const quotedNumberHint = (v: unknown, p: PositionalParam): string =>
  typeof v === 'string' && p.expected === 'a number' && v.trim() !== '' && !Number.isNaN(Number(v)) ? ` (write ${v} without quotes)` : '';

/** Positional parameter kinds (the value checks only the type; the constructor checks ranges as before). */
export const pos = {
  number: (key: string): PositionalParam => ({ key, expected: 'a number', is: isNum }),
  nullableNumber: (key: string): PositionalParam => ({ key, expected: 'a number or null', is: (v) => v === null || isNum(v) }),
  numbers: (key: string): PositionalParam => ({ key, expected: 'an array of numbers', is: isNumArray }),
  numberOrNumbers: (key: string): PositionalParam => ({ key, expected: 'a number or an array of numbers (one per parameter group)', is: (v) => isNum(v) || isNumArray(v) }),
  string: (key: string): PositionalParam => ({ key, expected: 'a string', is: (v) => typeof v === 'string' }),
  nullableString: (key: string): PositionalParam => ({ key, expected: 'a string or null', is: (v) => v === null || typeof v === 'string' }),
  boolean: (key: string): PositionalParam => ({ key, expected: 'a boolean', is: (v) => typeof v === 'boolean' }),
  fn: (key: string): PositionalParam => ({ key, expected: 'a function', is: (v) => typeof v === 'function' }),
  nullableFn: (key: string): PositionalParam => ({ key, expected: 'a function or null', is: (v) => v === null || typeof v === 'function' }),
  fnOrFns: (key: string): PositionalParam => ({
    key, expected: 'a function or an array of functions (one per parameter group)',
    is: (v) => typeof v === 'function' || (Array.isArray(v) && v.every((f) => typeof f === 'function')),
  }),
  array: (key: string): PositionalParam => ({ key, expected: 'an array', is: Array.isArray }),
  /** A size: a number or one per dim (`3` or `[3, 3]`). */
  size: (key: string): PositionalParam => ({ key, expected: 'a number or an array of numbers', is: isSize }),
  nullableSize: (key: string): PositionalParam => ({ key, expected: 'a number, an array of numbers or null', is: (v) => v === null || isSize(v) }),
  /** Conv's padding: a size or a string ('same', 'valid'). */
  sizeOrString: (key: string): PositionalParam => ({ key, expected: "a number, an array of numbers or a string ('same', 'valid')", is: (v) => isSize(v) || typeof v === 'string' }),
  /** A name, a function or an object such as a Module (a Transformer layer's activation). */
  activation: (key: string): PositionalParam => ({
    key, expected: 'a string, a function or a Module',
    is: (v) => typeof v === 'string' || typeof v === 'function' || (typeof v === 'object' && v !== null && !Array.isArray(v) && !isPlainOptions(v)),
  }),
  nullableBoolean: (key: string): PositionalParam => ({ key, expected: 'a boolean or null', is: (v) => v === null || typeof v === 'boolean' }),
  nullableTensor: (key: string): PositionalParam => ({ key, expected: 'a Tensor or null', is: (v) => v === null || v instanceof Tensor }),
  /** A Module (callable, or an object that is not an options object), or null (TransformerEncoder's norm). */
  nullableModule: (key: string): PositionalParam => ({ key, expected: 'a Module or null', is: (v) => v === null || typeof v === 'function' || (typeof v === 'object' && !Array.isArray(v) && !isPlainOptions(v)) }),
};

/**
 * Merges PyTorch-style arguments into one options object, checked: `args` are the arguments after the
 * first `leading` ones (only for the argument numbers in messages); a trailing plain object is the options (any of
 * the `known` keys, by default those of `params`, and only those), the values before it fill `params` in
 * order (PyTorch's positional-or-keyword parameters; `known` adds its keyword-only ones). A value given both positionally
 * and in the options, too many positional values, or a positional value of the wrong type is a TypeError
 * (Python's "got multiple values for argument" / "takes N positional arguments"); `undefined` positional
 * values count as not given. Ranges are left to the caller's checks.
 */
export function positionalOptions<O>(where: string, args: readonly unknown[], params: readonly PositionalParam[], known: readonly string[] = params.map((p) => p.key), leading = 1): Partial<O> {
  const last = args.length > 0 ? args[args.length - 1] : undefined;
  const hasOptions = isPlainOptions(last);
  const positional = hasOptions ? args.slice(0, -1) : args;
  const names = params.map((p) => p.key);
  if (hasOptions) checkOptionKeys(where, last, known);
  const options: Record<string, unknown> = hasOptions ? { ...last } : {};
  if (positional.length > params.length) {
    const misplaced = positional.some(isPlainOptions) ? ' (the options object must be the last argument)' : '';
    throw new TypeError(`${where}: takes at most ${params.length} positional argument${params.length === 1 ? '' : 's'} (${names.join(', ')}) before its options object, got ${positional.length}${misplaced}`);
  }
  // An option's value obeys the same type rule as its positional form (a string '2' for a size, 'no' for
  // bias would otherwise be coerced, or truthy, somewhere downstream).
  if (hasOptions) {
    for (const p of params) {
      const v = options[p.key];
      if (v !== undefined && !p.is(v)) {
        throw new TypeError(`${where}: ${p.key} must be ${p.expected}, got ${describeArg(v)}${quotedNumberHint(v, p)}`);
      }
    }
  }
  positional.forEach((v, i) => {
    if (v === undefined) return;
    const p = params[i];
    const argNo = leading + i + 1;
    if (!p.is(v)) {
      const hint = isPlainOptions(v) ? ' (an options object must be the last argument)' : quotedNumberHint(v, p);
      throw new TypeError(`${where}: argument ${argNo} (${p.key}) must be ${p.expected}, got ${describeArg(v)}${hint}`);
    }
    if (options[p.key] !== undefined) {
      throw new TypeError(`${where}: got multiple values for argument '${p.key}': ${describeArg(v)} as argument ${argNo} and ${describeArg(options[p.key])} in the options; give it once`);
    }
    options[p.key] = v;
  });
  return options as Partial<O>;
}
