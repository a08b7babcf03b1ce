import { Tensor, getDefaultDtype, tensor, stack } from '@tapegrad/core';

/**
 * The type {@link defaultCollate} makes of a batch of `T`s: tensors and numbers/booleans become one
 * tensor with a new leading batch dimension, strings become a list, arrays/tuples and objects are
 * collated element-wise / key-wise (like PyTorch's `default_collate`).
 */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends string
      ? string[]
      : T extends Float32Array | Float64Array | Int32Array
        ? Tensor
        : T extends readonly unknown[]
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : T extends object
            ? { [K in keyof T]: Collated<T[K]> }
            : never;

/** A function turning a list of dataset items into one batch. */
export type CollateFn<T, B> = (items: T[]) => B;

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : v instanceof Tensor ? 'Tensor' : typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v;

const shapeStr = (s: readonly number[]): string => `[${s.join(', ')}]`;

function collateAt(batch: readonly unknown[], path: string): unknown {
  const elem = batch[0];
  const where = `defaultCollate${path ? ` at ${path}` : ''}`;
  const sameKind = (pred: (v: unknown) => boolean, kind: string): void => {
    for (let k = 1; k < batch.length; k++) {
      if (!pred(batch[k])) throw new TypeError(`${where}: item 0 is ${kind} but item ${k} is ${describe(batch[k])}`);
    }
  };

  if (elem instanceof Tensor) {
    sameKind((v) => v instanceof Tensor, 'a Tensor');
    const ts = batch as Tensor[];
    for (let k = 1; k < ts.length; k++) {
      const a = ts[0].shape, b = ts[k].shape;
      if (a.length !== b.length || a.some((d, j) => d !== b[j])) {
        throw new RangeError(`${where}: stack expects each tensor to be equal size, but got ${shapeStr(a)} at item 0 and ${shapeStr(b)} at item ${k}`);
      }
    }
    return stack(ts, 0);
  }
  if (typeof elem === 'number') {
    sameKind((v) => typeof v === 'number', 'a number');
    const nums = batch as number[];
    // JS has one number type, so numbers become the default float dtype whatever their values, as in
    // tensor() (PyTorch: int64 for Python ints, float64 for floats); class labels that must be int32 come
    // from an int32 tensor in the item (or a TensorDataset of one).
    return tensor(Float64Array.from(nums), { dtype: getDefaultDtype() });
  }
  if (typeof elem === 'boolean') {
    sameKind((v) => typeof v === 'boolean', 'a boolean');
    return tensor(Uint8Array.from(batch as boolean[], (b) => (b ? 1 : 0)), { dtype: 'bool' });
  }
  if (typeof elem === 'string') {
    sameKind((v) => typeof v === 'string', 'a string');
    return [...(batch as string[])];
  }
  if (elem instanceof Float32Array || elem instanceof Float64Array || elem instanceof Int32Array) {
    // Typed arrays play the role of numpy arrays: each becomes a 1-D tensor, then they are stacked.
    const ctor = elem.constructor;
    sameKind((v) => v instanceof (ctor as typeof Float32Array), `a ${ctor.name}`);
    const dtype = elem instanceof Float32Array ? 'float32' : elem instanceof Float64Array ? 'float64' : 'int32';
    return collateAt((batch as (Float32Array | Float64Array | Int32Array)[]).map((a) => tensor(a, { dtype })), path);
  }
  if (Array.isArray(elem)) {
    sameKind(Array.isArray, 'an array');
    const arrays = batch as unknown[][];
    const len = elem.length;
    const bad = arrays.findIndex((a) => a.length !== len);
    if (bad >= 0) {
      throw new RangeError(`${where}: each element in list of batch should be of equal size, but item 0 has ${len} elements and item ${bad} has ${arrays[bad].length}`);
    }
    const out: unknown[] = new Array(len);
    for (let j = 0; j < len; j++) out[j] = collateAt(arrays.map((a) => a[j]), `${path}[${j}]`);
    return out;
  }
  if (isPlainObject(elem)) {
    sameKind(isPlainObject, 'an object');
    const objs = batch as Record<string, unknown>[];
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem)) {
      const missing = objs.findIndex((o) => !(key in o));
      if (missing >= 0) throw new TypeError(`${where}: item ${missing} has no key '${key}' (item 0 has keys ${Object.keys(elem).join(', ')})`);
      out[key] = collateAt(objs.map((o) => o[key]), path ? `${path}.${key}` : key);
    }
    return out;
  }
  throw new TypeError(`${where}: batch must contain tensors, numbers, booleans, strings, typed arrays, arrays or plain objects; found ${describe(elem)}`);
}

/**
 * Merges a list of items into a batch like PyTorch's `default_collate`: tensors are stacked along a new
 * dim 0 (same shapes required), numbers become a 1-D tensor of the default float dtype (float32; whatever
 * the values: return class labels as int32 tensors, `tensor(label, { dtype: 'int32' })`, or use a
 * `TensorDataset`), booleans a bool tensor, strings stay
 * a list, arrays/tuples are collated position-wise (equal lengths required) and plain objects key-wise,
 * recursively.
 *
 * @example
 * ```ts
 * defaultCollate([{ x: tensor([1, 2]), y: 0 }, { x: tensor([3, 4]), y: 1 }]);
 * // { x: Tensor [2, 2], y: float32 Tensor [0, 1] }
 * ```
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (!Array.isArray(items)) throw new TypeError('defaultCollate: expected an array of items');
  if (items.length === 0) throw new RangeError('defaultCollate: cannot collate an empty batch');
  return collateAt(items, '') as Collated<T>;
}
