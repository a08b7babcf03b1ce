/** Containers: Sequential, ModuleList and ModuleDict, which name their entries for the Module walker. */
import { Tensor } from '@tapegrad/core';
import { Module, Member, typeName } from './module';

/** Keeps the entries in a non-enumerable map so the field walker does not list them twice. */
function hiddenMap(owner: object): Map<string, Module> {
  const m = new Map<string, Module>();
  Object.defineProperty(owner, '_entries', { value: m, enumerable: false, writable: false });
  return m;
}

function checkModule(op: string, m: unknown, what: string): Module {
  if (!(m instanceof Module)) {
    throw new TypeError(`${op}: ${what} is not a Module (got ${m === null ? 'null' : m instanceof Tensor ? 'a Tensor' : typeof m})`);
  }
  return m;
}

function normIndex(op: string, i: number, n: number): number {
  if (!Number.isInteger(i)) throw new TypeError(`${op}: index must be an integer, got ${i}`);
  if (i < -n || i >= n) throw new RangeError(`${op}: index ${i} is out of range for a container of length ${n}`);
  return i < 0 ? i + n : i;
}

/** Modules indexed 0..n-1 (shared by Sequential and ModuleList). */
abstract class IndexedContainer extends Module {
  declare protected readonly _entries: Map<string, Module>;

  constructor(modules: Iterable<Module>, op: string) {
    super();
    hiddenMap(this);
    let i = 0;
    for (const m of modules) this._entries.set(String(i++), checkModule(op, m, `entry ${i - 1}`));
  }

  protected override _members(): Member[] {
    return [...this._entries, ...super._members()];
  }

  /** Number of entries. */
  get length(): number {
    return this._entries.size;
  }

  /**
   * The entry at `i` (negative counts from the end, as Python). The type parameter states what you
   * know is there: `seq.get<Linear>(0).weight`.
   */
  get<M extends Module = Module>(i: number): M {
    const list = [...this._entries.values()];
    return list[normIndex(`${typeName(this)}.get`, i, list.length)] as M;
  }

  /** Replaces the entry at `i`. */
  set(i: number, module: Module): void {
    const keys = [...this._entries.keys()];
    const k = keys[normIndex(`${typeName(this)}.set`, i, keys.length)];
    this._entries.set(k, checkModule(`${typeName(this)}.set`, module, 'value'));
  }

  /** Appends a module at the end; returns this. */
  append(module: Module): this {
    this._entries.set(String(this._nextIndex()), checkModule(`${typeName(this)}.append`, module, 'value'));
    return this;
  }

  /** Appends every module of `modules`; returns this. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts `module` before position `index` (negative counts from the end) and renumbers the entries 0..n; `op` names the caller in errors. */
  protected _insertAt(op: string, index: number, module: Module): this {
    const list = [...this._entries.values()];
    const n = list.length;
    if (!Number.isInteger(index) || index < -n || index > n) throw new RangeError(`${op}: index ${index} is out of range for length ${n}`);
    list.splice(index < 0 ? index + n : index, 0, checkModule(op, module, 'value'));
    this._entries.clear();
    list.forEach((m, i) => this._entries.set(String(i), m));
    return this;
  }

  protected _nextIndex(): number {
    let max = -1;
    for (const k of this._entries.keys()) if (/^\d+$/.test(k)) max = Math.max(max, Number(k));
    return Math.max(max + 1, this._entries.size);
  }

  [Symbol.iterator](): Iterator<Module> {
    return this._entries.values();
  }
}

/**
 * Runs its modules in order, feeding each one's output to the next (PyTorch's `nn.Sequential`).
 * Built from modules (named `0`, `1`, …) or from an object of named modules (insertion order).
 * @example
 * const mlp = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * mlp.get(0);           // the first Linear; mlp.length === 3
 * const named = new Sequential({ fc1: new Linear(4, 8), act: new Tanh(), fc2: new Linear(8, 1) });
 * named.stateDict();    // keys fc1.weight, fc1.bias, fc2.weight, fc2.bias
 */
export class Sequential extends IndexedContainer {
  constructor(named: Record<string, Module> | Map<string, Module>);
  constructor(...modules: Module[]);
  constructor(...args: (Module | Record<string, Module> | Map<string, Module>)[]) {
    const first = args[0];
    const isNamed = args.length === 1 && !(first instanceof Module) && first !== null && typeof first === 'object';
    super(isNamed ? [] : (args as Module[]), 'Sequential');
    if (isNamed) {
      const entries = first instanceof Map ? [...first] : Object.entries(first as Record<string, Module>);
      for (const [k, m] of entries) {
        if (k === '' || k.includes('.')) throw new TypeError(`Sequential: module name can't be empty or contain '.', got '${k}'`);
        this._entries.set(k, checkModule('Sequential', m, `entry '${k}'`));
      }
    }
  }

  /** Looks an entry up by name (for Sequentials built from an object). */
  getNamed<M extends Module = Module>(name: string): M {
    const m = this._entries.get(name);
    if (!m) throw new Error(`Sequential: no module named '${name}' (have ${[...this._entries.keys()].join(', ')})`);
    return m as M;
  }

  /** A new Sequential of entries start..end-1 (sharing the modules), like `seq[start:end]`. */
  slice(start = 0, end = this.length): Sequential {
    const entries = [...this._entries].slice(start, end);
    // this.constructor, not the class name: a self-reference makes bundlers rename the class (`_Sequential`).
    return new (this.constructor as new (m: Map<string, Module>) => Sequential)(new Map(entries));
  }

  /** Inserts a module at `index` (entries are renumbered). */
  insert(index: number, module: Module): this {
    return this._insertAt('Sequential.insert', index, module);
  }

  forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this._entries.values()) x = m.call(x);
    return x as Tensor;
  }
}

/**
 * A list of modules that registers them (PyTorch's `nn.ModuleList`); it has no forward of its own:
 * iterate over it in the owner's forward.
 * @example
 * class Deep extends Module {
 *   layers = new ModuleList([new Linear(4, 4), new Linear(4, 4)]);
 *   forward(x: Tensor) { for (const l of this.layers) x = l.call(x) as Tensor; return x; }
 * } // parameters named layers.0.weight, layers.0.bias, layers.1.weight, ...
 */
export class ModuleList extends IndexedContainer {
  constructor(modules: Iterable<Module> = []) {
    super(modules, 'ModuleList');
  }

  /** Inserts a module before `index`. */
  insert(index: number, module: Module): this {
    return this._insertAt('ModuleList.insert', index, module);
  }

  /** ModuleList is not callable, as in PyTorch. */
  forward(): never {
    throw new Error('ModuleList has no forward: iterate over it (for (const m of list) ...) in your module\'s forward');
  }
}

/**
 * Named modules in insertion order (PyTorch's `nn.ModuleDict`); parameters are named `<key>.<param>`.
 * @example
 * const heads = new ModuleDict({ cls: new Linear(16, 10), box: new Linear(16, 4) });
 * heads.get('cls').call(features);
 */
export class ModuleDict extends Module {
  declare private readonly _entries: Map<string, Module>;

  constructor(modules: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    hiddenMap(this);
    this.update(modules);
  }

  protected override _members(): Member[] {
    return [...this._entries, ...super._members()];
  }

  /** Adds or replaces entries. */
  update(modules: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]>): this {
    const entries: Iterable<[string, Module]> =
      modules instanceof Map || Symbol.iterator in Object(modules) ? (modules as Iterable<[string, Module]>) : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
    return this;
  }

  /** The module under `key` (`get<Linear>('cls')` to state its type). */
  get<M extends Module = Module>(key: string): M {
    const m = this._entries.get(key);
    if (!m) throw new Error(`ModuleDict: no module under key '${key}' (keys: ${[...this._entries.keys()].join(', ') || 'none'})`);
    return m as M;
  }
  set(key: string, module: Module): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) throw new TypeError(`ModuleDict: key must be a non-empty string without '.', got '${String(key)}'`);
    this._entries.set(key, checkModule('ModuleDict.set', module, `value for '${key}'`));
    return this;
  }
  has(key: string): boolean {
    return this._entries.has(key);
  }
  /** Removes and returns the module under `key`. */
  pop(key: string): Module {
    const m = this.get(key);
    this._entries.delete(key);
    return m;
  }
  keys(): IterableIterator<string> {
    return this._entries.keys();
  }
  values(): IterableIterator<Module> {
    return this._entries.values();
  }
  entries(): IterableIterator<[string, Module]> {
    return this._entries.entries();
  }
  get size(): number {
    return this._entries.size;
  }
  get length(): number {
    return this._entries.size;
  }
  [Symbol.iterator](): IterableIterator<string> {
    // As Python: iterating a ModuleDict gives its keys.
    return this._entries.keys();
  }

  /** ModuleDict is not callable, as in PyTorch. */
  forward(): never {
    throw new Error('ModuleDict has no forward: look modules up with get(key) in your module\'s forward');
  }
}
