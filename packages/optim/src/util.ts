/** Small internal helpers: copying options and state, describing values in error messages. */
import { Tensor, noGrad, getDefaultDtype } from '@tapegrad/core';
import type { ParamStateValue } from './optimizer';
import { PositionalParam, positionalOptions } from '@tapegrad/core/internal';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A deep copy of a JSON-like option value (so groups and state dicts never share arrays like `betas`). */
export function cloneOption<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => cloneOption(x)) as unknown as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneOption(x);
    return out as T;
  }
  return v;
}

/** State values are copied: tensors get their own contiguous storage. */
export function cloneStateValue(v: ParamStateValue): ParamStateValue {
  if (Array.isArray(v)) return v.map(cloneStateValue);
  return v instanceof Tensor ? noGrad(() => v.detach().clone()) : v;
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (v instanceof Tensor) return `a Tensor of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'function') return 'a function';
  if (isPlainObject(v)) return 'an object';
  if (typeof v === 'object') return (v as object).constructor?.name ? `a ${(v as object).constructor.name}` : 'an object';
  if (typeof v === 'string') return `the string '${v}'`;
  return `${typeof v} ${String(v)}`;
}

/** Formats a number as PyTorch's messages show it (Python prints NaN as nan). */
export function pyNum(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
  return String(v);
}

/**
 * PyTorch's range check for an option that must be a number ≥ 0: throws `<where>: Invalid <what>: <v>`
 * unless `v` is absent. NaN fails it too (PyTorch's `v < 0` test would let NaN through).
 */
export function checkNonNegative(v: unknown, what: string, where: string): void {
  if (v !== undefined && typeof v !== 'number') {
    throw new TypeError(`${where}: Invalid ${what}: expected a number, got ${describe(v)}${typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? ` (write ${v} without quotes)` : ''}`);
  }
  if (v !== undefined && !(v >= 0)) throw new RangeError(`${where}: Invalid ${what}: ${pyNum(v)}`);
}

/** PyTorch's `0 <= v <= 1` check (Adadelta's rho): throws `<where>: Invalid <what>: <v>` unless `v` is absent. */
export function checkUnitInterval(v: unknown, what: string, where: string): void {
  if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) throw new RangeError(`${where}: Invalid ${what}: ${pyNum(v)}`);
}

/**
 * A number as PyTorch holds a Python float it wrapped in `torch.tensor(v)`: a 0-d tensor of the default
 * dtype, so float32-rounded by default (ASGD's `eta` and `mu`, NAdam's `mu_product`).
 */
export function asDefaultDtype(v: number): number {
  return getDefaultDtype() === 'float32' ? Math.fround(v) : v;
}

/**
 * `positionalOptions` for the optimizers PyTorch 1.13 gives a `foreach` keyword: it is accepted (a boolean
 * or null, as PyTorch's `Optional[bool]`) and ignored, since it picks PyTorch's multi-tensor kernels, not a
 * different result; it is not stored in the parameter groups. `switches` are the optimizer's other such
 * keywords in 1.13 (Adam's `capturable`, `differentiable`, `fused`, ...): accepted as false (their default,
 * what tapegrad does); true, which PyTorch honours only for CUDA tensors or a differentiable step, is an error.
 */
export function optimizerOptions<O>(where: string, args: readonly unknown[], params: readonly PositionalParam[], known: readonly string[], switches: readonly string[] = []): Partial<O> {
  const options = positionalOptions<O & Record<string, unknown>>(where, args, params, [...known, 'foreach', ...switches]);
  const { foreach, ...rest } = options;
  if (foreach !== undefined && foreach !== null && typeof foreach !== 'boolean') {
    throw new TypeError(`${where}: foreach must be a boolean or null, got ${describe(foreach)}`);
  }
  const out = rest as Record<string, unknown>;
  for (const k of switches) {
    const v = out[k];
    delete out[k];
    if (v === undefined || v === null || v === false) continue;
    if (v === true) throw new RangeError(`${where}: ${k}: true is not supported (PyTorch uses it for CUDA tensors${k === 'differentiable' ? ' or to differentiate through step()' : ''}); leave it out or pass false`);
    throw new TypeError(`${where}: ${k} must be a boolean, got ${describe(v)}`);
  }
  return out as Partial<O>;
}
