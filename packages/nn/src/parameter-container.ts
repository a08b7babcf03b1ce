/**
 * PyTorch's `nn.ParameterList` and `nn.ParameterDict`: parameters held in a list or a dict, registered
 * under their index or key (so `namedParameters()` gives `0`, `1`, … or the keys, prefixed by the field
 * name in the owning module). Plain tensors put in are wrapped in a Parameter, as PyTorch 1.13 does.
 */
import { Tensor } from '@tapegrad/core';
import { Module, Member } from './module';
import { Parameter } from './parameter';

function asParameter(op: string, v: unknown): Parameter {
  if (v instanceof Parameter) return v;
  if (v instanceof Tensor) return new Parameter(v);
  throw new TypeError(`${op}: expected a Parameter or a Tensor, got ${v === null ? 'null' : typeof v}`);
}

/**
 * A list of parameters. @example
 * class Net extends Module { ws = new ParameterList([new Parameter(randn([2]))]); ... } // names 'ws.0'
 */
export class ParameterList extends Module {
  declare private readonly _items: Parameter[];
  constructor(values: Iterable<Tensor> = []) {
    super();
    Object.defineProperty(this, '_items', { value: [], enumerable: false, writable: false });
    this.extend(values);
  }
  protected override _members(): Member[] {
    return [...this._items.map((p, i): Member => [String(i), p]), ...super._members()];
  }
  get length(): number { return this._items.length; }
  /** The parameter at `i` (negative counts from the end). */
  get(i: number): Parameter {
    const n = this._items.length;
    if (!Number.isInteger(i) || i < -n || i >= n) throw new RangeError(`ParameterList.get: index ${i} is out of range for a list of length ${n}`);
    return this._items[i < 0 ? i + n : i];
  }
  set(i: number, value: Tensor): void {
    this.get(i);
    const n = this._items.length;
    this._items[i < 0 ? i + n : i] = asParameter('ParameterList.set', value);
  }
  append(value: Tensor): this { this._items.push(asParameter('ParameterList.append', value)); return this; }
  extend(values: Iterable<Tensor>): this { for (const v of values) this.append(v); return this; }
  [Symbol.iterator](): IterableIterator<Parameter> { return this._items[Symbol.iterator](); }
  forward(): never { throw new Error('ParameterList has no forward: index it (list.get(i)) in your module\'s forward'); }
}

/** Parameters under string keys, in insertion order. @example new ParameterDict({ scale: new Parameter(ones([1])) }).get('scale') */
export class ParameterDict extends Module {
  declare private readonly _items: Map<string, Parameter>;
  constructor(values: Record<string, Tensor> | Map<string, Tensor> | Iterable<[string, Tensor]> = {}) {
    super();
    Object.defineProperty(this, '_items', { value: new Map(), enumerable: false, writable: false });
    this.update(values);
  }
  protected override _members(): Member[] {
    return [...this._items, ...super._members()];
  }
  update(values: Record<string, Tensor> | Map<string, Tensor> | Iterable<[string, Tensor]>): this {
    const entries: Iterable<[string, Tensor]> = values instanceof Map || Symbol.iterator in Object(values) ? (values as Iterable<[string, Tensor]>) : Object.entries(values);
    for (const [k, v] of entries) this.set(k, v);
    return this;
  }
  get(key: string): Parameter {
    const p = this._items.get(key);
    if (!p) throw new Error(`ParameterDict: no parameter under key '${key}' (keys: ${[...this._items.keys()].join(', ') || 'none'})`);
    return p;
  }
  set(key: string, value: Tensor): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) throw new TypeError(`ParameterDict: key must be a non-empty string without '.', got '${String(key)}'`);
    this._items.set(key, asParameter('ParameterDict.set', value));
    return this;
  }
  has(key: string): boolean { return this._items.has(key); }
  pop(key: string): Parameter { const p = this.get(key); this._items.delete(key); return p; }
  keys(): IterableIterator<string> { return this._items.keys(); }
  values(): IterableIterator<Parameter> { return this._items.values(); }
  entries(): IterableIterator<[string, Parameter]> { return this._items.entries(); }
  get length(): number { return this._items.size; }
  [Symbol.iterator](): IterableIterator<string> { return this._items.keys(); }
  forward(): never { throw new Error('ParameterDict has no forward: look parameters up with get(key) in your module\'s forward'); }
}
