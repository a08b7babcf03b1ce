/** deepCopy: Python's `copy.deepcopy` for modules (what nn.TransformerEncoder does to its layer). */
import { Tensor } from '@tapegrad/core';
import { Module, moduleShell } from './module';
import { Parameter } from './parameter';

function copyTensor(t: Tensor): Tensor {
  const data = t.detach().clone();
  if (t instanceof Parameter) {
    const p = new Parameter(data, t.requiresGrad);
    if (t.grad) p.grad = t.grad.detach().clone();
    return p;
  }
  return t.requiresGrad && !t.gradFn ? data.requiresGrad_(true) : data;
}

function copyValue(v: unknown, memo: Map<object, unknown>): unknown {
  // Primitives and functions are shared (a module is a function object too, see moduleShell: copied below).
  if (v === null || (typeof v !== 'object' && !(v instanceof Module))) return v;
  if (memo.has(v as object)) return memo.get(v as object);
  if (v instanceof Tensor) {
    const c = copyTensor(v);
    memo.set(v, c);
    return c;
  }
  if (Array.isArray(v)) {
    const c: unknown[] = [];
    memo.set(v, c);
    for (const e of v) c.push(copyValue(e, memo));
    return c;
  }
  if (v instanceof Map) {
    const c = new Map();
    memo.set(v, c);
    for (const [k, e] of v) c.set(k, copyValue(e, memo));
    return c;
  }
  if (v instanceof Set) {
    const c = new Set();
    memo.set(v, c);
    for (const e of v) c.add(copyValue(e, memo));
    return c;
  }
  const proto = Object.getPrototypeOf(v) as object | null;
  if (!(v instanceof Module) && proto !== Object.prototype && proto !== null) return v; // a Generator, a typed array: shared
  // A module or a plain object: same prototype, every own property (non-enumerable bookkeeping too).
  const c = (v instanceof Module ? moduleShell(proto as object) : Object.create(proto)) as Record<string | symbol, unknown>;
  memo.set(v as object, c);
  for (const key of Reflect.ownKeys(v as object)) {
    const d = Object.getOwnPropertyDescriptor(v as object, key)!;
    if ('value' in d) d.value = copyValue(d.value, memo);
    Object.defineProperty(c, key, d);
  }
  return c;
}

/**
 * A deep copy of a module: the same class and configuration with its own copies of every parameter
 * (gradients included), buffer and sub-module (Python's `copy.deepcopy`). Tensors shared inside the
 * module stay shared between the copy's members (tied weights remain tied); hooks, functions and
 * generators are shared with the original.
 * @example
 * const layer = new TransformerEncoderLayer(16, 4);
 * const copy = deepCopy(layer);
 * copy.linear1.weight === layer.linear1.weight; // false: a new Parameter with the same values
 */
export function deepCopy<M extends Module>(module: M): M {
  if (!(module instanceof Module)) throw new TypeError(`deepCopy: expected a Module, got ${module === null ? 'null' : typeof module}`);
  return copyValue(module, new Map()) as M;
}
