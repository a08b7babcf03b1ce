/**
 * Module: the base class of every layer and model. Parameters and sub-modules are found from the
 * instance's own fields in declaration order, so a model reads as in PyTorch:
 *
 * ```ts
 * class SimpleNN extends Module {
 *   fc1 = new Linear(784, 128);
 *   fc2 = new Linear(128, 10);
 *   relu = new ReLU();
 *   forward(x: Tensor) { return this.fc2.call(this.relu.call(this.fc1.call(x))); }
 * }
 * ```
 */
import { invalidateCaptures, noteGradDependence, noteModuleCall, noteTrainingFlip, noteUncapturable } from '@tapegrad/core/internal';
import { Tensor, DType, noGrad, isFloating, zerosLike } from '@tapegrad/core';
import type { Device } from '@tapegrad/core';
import { Parameter } from './parameter';

/** A member the Module walker found: a sub-module or a parameter, under its (possibly dotted) local name. */
export type Member = readonly [name: string, value: Module | Parameter];

/** A hook run after `call()`'s forward; return a value to replace the output. */
export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;
/** A hook run before `call()`'s forward; return an array to replace the inputs. */
export type ForwardPreHook = (module: Module, inputs: unknown[]) => unknown[] | void;

/** Returned by `registerForwardHook` / `registerForwardPreHook`; `remove()` unregisters. */
export interface RemovableHandle {
  remove(): void;
}

/** What `loadStateDict` reports (PyTorch's `_IncompatibleKeys`). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export interface LoadStateDictOptions {
  /** Reject missing and unexpected keys (default true). Shape mismatches are rejected either way, as PyTorch. */
  strict?: boolean;
}

/** A state dict: dotted names to tensors, in the module's order (plain object or Map on input). */
export type StateDict = Record<string, Tensor>;

/** Internal bookkeeping, stored non-enumerable so the field walker never sees it. */
interface ModuleInternals {
  buffers: { name: string; persistent: boolean }[];
  forwardHooks: Map<number, ForwardHook>;
  forwardPreHooks: Map<number, ForwardPreHook>;
}
let hookId = 0;

/**
 * Is this array a list of modules/parameters? Decided by its first non-null element, so that long
 * arrays of numbers (a loss history) are not scanned on every parameters() call.
 */
function isModuleArray(a: unknown[]): boolean {
  for (const e of a) if (e !== null && e !== undefined) return e instanceof Module || e instanceof Parameter;
  return false;
}

/**
 * @internal An empty module object of the given prototype: a function object (so that PyTorch's `model(x)`
 * can say to write `model.call(x)` instead of "model is not a function") with no own properties.
 */
export function moduleShell(proto: object): Module {
  const self = ((): never => {
    throw new TypeError(`${typeName(self)}: modules are called with model.call(x) (PyTorch's model(x)), or model.forward(x) to skip hooks`);
  }) as unknown as Module;
  delete (self as { name?: unknown }).name;
  delete (self as { length?: unknown }).length;
  Object.setPrototypeOf(self, proto);
  return self;
}

/** The class name, without the `_` prefix bundlers add to self-referencing classes. */
export function typeName(m: object): string {
  return m.constructor.name.replace(/^_(?=[A-Z])/, '');
}

const snakeToCamel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const camelToSnake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Base class for all neural network modules (PyTorch's `nn.Module`).
 *
 * Registration: any own field holding a {@link Parameter}, a Module, or an array of them (named
 * `field.0`, `field.1`, …; an array counts when its first non-null element is one) is registered, in
 * declaration order; containers (`Sequential`, `ModuleList`,
 * `ModuleDict`) name their entries. Plain tensors are not parameters: use `registerBuffer` for state
 * such as running statistics. Objects holding modules are not searched: use `ModuleDict`.
 *
 * Differences from PyTorch: JS objects are not callable, so `model(x)` is `model.call(x)` (which runs
 * hooks) or `model.forward(x)`; shared parameters and modules are listed once (as PyTorch's default).
 * @example
 * const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * model.numParameters(); // 101770
 * const logits = model.call(x);
 */
export abstract class Module {
  /** True in training mode (the default), false after `eval()`. */
  training!: boolean;
  declare private readonly _internals: ModuleInternals;

  constructor() {
    // PyTorch calls a module as model(x). A JS object cannot be called, and "model is not a function"
    // says nothing, so each module is a function object (with the class's prototype, so it is in every
    // other way the instance) whose only job when called is to say what to write instead.
    const self = moduleShell(new.target.prototype as object);
    // Set on the returned object: a field initializer here would land on the discarded `this`.
    self.training = true;
    Object.defineProperty(self, '_internals', {
      value: { buffers: [], forwardHooks: new Map(), forwardPreHooks: new Map() } satisfies ModuleInternals,
      enumerable: false,
      writable: false,
    });
    return self;
  }

  /** The computation. Subclasses define it with their own signature, e.g. `forward(x: Tensor): Tensor`. */
  abstract forward(...args: unknown[]): unknown;

  /**
   * Runs forward pre-hooks, `forward(...args)`, then forward hooks — what PyTorch's `model(x)` does.
   * Typed by the subclass's `forward`.
   * @example
   * const y = model.call(x); // same as model.forward(x) when no hooks are registered
   */
  call<M extends Module>(this: M, ...args: Parameters<M['forward']>): ReturnType<M['forward']> {
    let inputs = args as unknown[];
    if (typeof this.forward !== 'function') {
      throw new TypeError(`Module [${typeName(this)}] is missing the required "forward" function`);
    }
    const { forwardHooks, forwardPreHooks } = this._internals;
    noteModuleCall(this); // compile learns the modules a step uses (their train/eval flags and parameters)
    // A compiled step's replay runs kernels, not JavaScript: hooks would silently stop running.
    if (forwardHooks.size + forwardPreHooks.size > 0) noteUncapturable(`forward hooks of ${this.constructor.name}`);
    for (const hook of forwardPreHooks.values()) {
      const r = hook(this, inputs);
      if (r !== undefined) inputs = r;
    }
    let out = (this.forward as (...a: unknown[]) => unknown).apply(this, inputs);
    for (const hook of forwardHooks.values()) {
      const r = hook(this, inputs, out);
      if (r !== undefined) out = r;
    }
    return out as ReturnType<M['forward']>;
  }

  /** Registers `hook(module, inputs, output)` to run after every `call()`. */
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    const id = hookId++;
    this._internals.forwardHooks.set(id, hook);
    invalidateCaptures(); // compiled steps that call this module must capture again (and then stay eager)
    return { remove: () => { this._internals.forwardHooks.delete(id); invalidateCaptures(); } };
  }

  /** Registers `hook(module, inputs)` to run before every `call()`'s forward. */
  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    const id = hookId++;
    this._internals.forwardPreHooks.set(id, hook);
    invalidateCaptures();
    return { remove: () => { this._internals.forwardPreHooks.delete(id); invalidateCaptures(); } };
  }

  // ---- registration ------------------------------------------------------------------------------------

  /**
   * The module's direct members in order. The default walks own enumerable fields; containers override
   * it to list their entries first. @internal
   */
  protected _members(): Member[] {
    const out: Member[] = [];
    const self = this as unknown as Record<string, unknown>;
    for (const key of Object.keys(this)) {
      const v = self[key];
      if (v instanceof Parameter || v instanceof Module) out.push([key, v]);
      else if (Array.isArray(v) && isModuleArray(v)) {
        v.forEach((e: unknown, i) => {
          if (e instanceof Parameter || e instanceof Module) out.push([`${key}.${i}`, e]);
        });
      }
    }
    return out;
  }

  /**
   * Registers a buffer: a tensor that is module state but not a parameter (BatchNorm's running stats).
   * It becomes the field `this[name]`, is listed by `buffers()`, moves with `to()`, and is saved in the
   * state dict unless `persistent` is false. `null` registers an absent buffer (as PyTorch's None).
   * @example
   * this.registerBuffer('runningMean', zeros([numFeatures]));
   */
  registerBuffer(name: string, tensor: Tensor | null, { persistent = true }: { persistent?: boolean } = {}): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new TypeError(`registerBuffer: buffer name must be a non-empty string without '.', got '${String(name)}'`);
    }
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(`registerBuffer: cannot assign a ${typeof tensor} as buffer '${name}' (a Tensor or null is required)`);
    }
    if (tensor instanceof Parameter) throw new TypeError(`registerBuffer: '${name}' is a Parameter; a buffer must be a plain Tensor`);
    const self = this as unknown as Record<string, unknown>;
    const existing = self[name];
    if ((existing instanceof Module || existing instanceof Parameter) && !this._internals.buffers.some((b) => b.name === name)) {
      throw new Error(`registerBuffer: attribute '${name}' already exists as a ${existing instanceof Module ? 'module' : 'parameter'}`);
    }
    const list = this._internals.buffers;
    const i = list.findIndex((b) => b.name === name);
    if (i >= 0) list[i] = { name, persistent };
    else list.push({ name, persistent });
    self[name] = tensor;
  }

  /** Sets `this[name] = param` (PyTorch's `register_parameter`); `null` clears it. */
  registerParameter(name: string, param: Parameter | null): void {
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(`registerParameter: cannot assign a ${(param as unknown) instanceof Tensor ? 'plain Tensor' : typeof param} as parameter '${name}' (wrap it: new Parameter(t))`);
    }
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  /** Sets `this[name] = module` (PyTorch's `add_module` / `register_module`). */
  registerModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) throw new TypeError(`registerModule: '${name}' is not a Module`);
    // PyTorch's add_module checks (a dotted name would make state-dict keys ambiguous).
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new TypeError(`registerModule: module name must be a non-empty string without '.', got '${String(name)}'`);
    }
    const existing = (this as unknown as Record<string, unknown>)[name];
    if (existing !== undefined && existing !== null && !(existing instanceof Module)) throw new Error(`registerModule: attribute '${name}' already exists`);
    (this as unknown as Record<string, unknown>)[name] = module;
  }
  /** Alias of `registerModule`. */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  // ---- traversal ---------------------------------------------------------------------------------------

  /** Direct sub-modules with their names. */
  *namedChildren(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const [name, v] of this._members()) {
      if (v instanceof Module && !seen.has(v)) {
        seen.add(v);
        yield [name, v];
      }
    }
  }
  /** Direct sub-modules. */
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and all descendants, depth-first, each once, with dotted names ('' for this one). */
  *namedModules(prefix = '', memo: Set<Module> = new Set()): Generator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [name, child] of this.namedChildren()) {
      yield* child.namedModules(prefix ? `${prefix}.${name}` : name, memo);
    }
  }
  /** This module and all descendants. */
  *modules(): Generator<Module> {
    yield* this._moduleList();
  }

  /**
   * namedModules()'s modules in its order, collected into an array without the names: parameters(),
   * buffers() and modules() run on every compiled step's replay (compile's guards), where the nested
   * generators and dotted names cost more than the checks. @internal
   */
  private _moduleList(): Module[] {
    const out: Module[] = [];
    const memo = new Set<Module>();
    const visit = (m: Module): void => {
      if (memo.has(m)) return;
      memo.add(m);
      out.push(m);
      const seen = new Set<Module>();
      for (const [, v] of m._members()) {
        if (v instanceof Module && !seen.has(v)) {
          seen.add(v);
          visit(v);
        }
      }
    };
    visit(this);
    return out;
  }

  /** Parameters with dotted names (`fc1.weight`, `layers.0.bias`), in registration order, each once. */
  *namedParameters(prefix = '', recurse = true): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods) {
      for (const [name, v] of m._members()) {
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          yield [mp ? `${mp}.${name}` : name, v];
        }
      }
    }
  }
  /** All parameters (what an optimizer takes). `recurse = false`: only this module's own. */
  *parameters(recurse = true): Generator<Parameter> {
    // namedParameters' walk without the names (see _moduleList)
    const seen = new Set<Parameter>();
    const out: Parameter[] = [];
    for (const m of recurse ? this._moduleList() : [this]) {
      for (const [, v] of m._members()) {
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          out.push(v);
        }
      }
    }
    yield* out;
  }

  /** Registered (non-null) buffers with dotted names. */
  *namedBuffers(prefix = '', recurse = true): Generator<[string, Tensor]> {
    for (const [name, t] of this._namedBuffersWithFlag(prefix, recurse)) yield [name, t];
  }
  /** All registered buffers. */
  *buffers(recurse = true): Generator<Tensor> {
    // _namedBuffersWithFlag's walk without the names (see _moduleList)
    const seen = new Set<Tensor>();
    const out: Tensor[] = [];
    for (const m of recurse ? this._moduleList() : [this]) {
      const self = m as unknown as Record<string, unknown>;
      for (const { name } of m._internals.buffers) {
        const t = self[name];
        if (t instanceof Tensor && !seen.has(t)) {
          seen.add(t);
          out.push(t);
        }
      }
    }
    yield* out;
  }

  private *_namedBuffersWithFlag(prefix: string, recurse: boolean): Generator<[string, Tensor, boolean, Module, string]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods) {
      const self = m as unknown as Record<string, unknown>;
      for (const { name, persistent } of m._internals.buffers) {
        const t = self[name];
        if (t instanceof Tensor && !seen.has(t)) {
          seen.add(t);
          yield [mp ? `${mp}.${name}` : name, t, persistent, m, name];
        }
      }
    }
  }

  /** The sub-module at a dotted path (`'layers.0'`), like PyTorch's `get_submodule`. */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    for (const [name, m] of this.namedModules()) if (name === target) return m;
    throw new Error(`getSubmodule: ${typeName(this)} has no submodule '${target}'`);
  }
  /** The parameter at a dotted path (`'fc1.weight'`). */
  getParameter(target: string): Parameter {
    for (const [name, p] of this.namedParameters()) if (name === target) return p;
    throw new Error(`getParameter: ${typeName(this)} has no parameter '${target}'`);
  }

  /** Total number of parameter elements (`recurse`, each shared parameter once). `trainableOnly`: only those requiring grad. */
  numParameters({ trainableOnly = false }: { trainableOnly?: boolean } = {}): number {
    let n = 0;
    for (const p of this.parameters()) if (!trainableOnly || p.requiresGrad) n += p.numel();
    return n;
  }

  // ---- modes, gradients, dtype ----------------------------------------------------------------------------

  /** Sets training mode on this module and all descendants (Dropout, BatchNorm change behaviour). */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError(`train: training mode is expected to be boolean, got ${typeof mode}`);
    for (const m of this.modules()) {
      if (m.training !== mode) noteTrainingFlip(m); // compile: a step that read this flag unseen traces again
      m.training = mode;
    }
    return this;
  }
  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Resets the gradients of all parameters: to null (default, as PyTorch 2) or to zeros. */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (p._peekGrad() === null) { noteGradDependence(p); continue; } // compile: a replay skips it too only while it stays null
      if (setToNone) p.grad = null;
      else {
        const held = p.grad as Tensor;
        const g = held.gradFn ? held.detach() : held;
        noGrad(() => g.zero_());
        p.grad = g;
      }
    }
  }

  /** Sets `requiresGrad` on every parameter (freezing with `false`). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /** Calls `fn` on every sub-module (children first, recursively) and then on this one, as PyTorch. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Casts floating point parameters and buffers to `dtype` in place: each Parameter keeps its identity
   * (its storage is swapped, like PyTorch's `param.data = ...`), gradients are cast too. Integer buffers
   * (`num_batches_tracked`) are left alone, as PyTorch.
   */
  to(dtype: DType | Device): this {
    if (dtype === 'webgpu' || dtype === 'cpu') return this.toDevice(dtype); // webgpu (issue 17)
    if (!isFloating(dtype)) throw new TypeError(`Module.to: nn.Module.to only accepts floating point dtypes, but got desired dtype=${dtype}`);
    noGrad(() => {
      for (const p of this.parameters()) {
        if (!isFloating(p.dtype) || p.dtype === dtype) continue;
        const g = p.grad;
        p.data = p.detach().to(dtype);
        if (g) p.grad = g.to(dtype);
      }
      for (const [, t, , owner, local] of this._namedBuffersWithFlag('', true)) {
        if (isFloating(t.dtype) && t.dtype !== dtype) (owner as unknown as Record<string, unknown>)[local] = t.to(dtype);
      }
    });
    return this;
  }
  /**
   * webgpu (issue 17): moves every parameter (keeping its identity, as `to(dtype)`), its gradient and
   * every buffer to `device`. Back to the cpu is asynchronous for webgpu tensors and not done here yet.
   */
  private toDevice(device: Device): this {
    noGrad(() => {
      for (const p of this.parameters()) {
        if (p.device === device) continue;
        const g = p.grad;
        p.data = p.detach().to(device);
        if (g) p.grad = g.to(device);
      }
      for (const [, t, , owner, local] of this._namedBuffersWithFlag('', true)) {
        if (t.device !== device) (owner as unknown as Record<string, unknown>)[local] = t.to(device);
      }
    });
    return this;
  }
  /** `to('float32')`. */
  float(): this {
    return this.to('float32');
  }
  /** `to('float64')`. */
  double(): this {
    return this.to('float64');
  }

  // ---- state dict ------------------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by dotted name, as detached tensors sharing storage (copy them
   * with `clone()` to snapshot), in PyTorch's order (each module's parameters, then its buffers, then
   * its children; shared tensors under every name). Keys are the registered names, PyTorch's own for the
   * built-in layers (`bn.running_mean`); `loadStateDict` also accepts the camelCase spelling.
   * @example
   * const sd = model.stateDict(); // { 'fc1.weight': Tensor, 'fc1.bias': Tensor, ... }
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, t] of this._stateEntries('', new Set())) out[name] = t.detach();
    return out;
  }

  /**
   * PyTorch's state-dict walk: this module's parameters, then its persistent buffers, then each child
   * recursively. Unlike `parameters()` nothing is deduplicated: a shared tensor appears under every name.
   */
  private *_stateEntries(prefix: string, stack: Set<Module>): Generator<[string, Tensor]> {
    if (stack.has(this)) return; // a module that contains itself
    stack.add(this);
    const members = this._members();
    for (const [name, v] of members) if (v instanceof Parameter) yield [prefix + name, v];
    const self = this as unknown as Record<string, unknown>;
    for (const { name, persistent } of this._internals.buffers) {
      const t = self[name];
      if (persistent && t instanceof Tensor) yield [prefix + name, t];
    }
    for (const [name, v] of members) if (v instanceof Module) yield* v._stateEntries(`${prefix}${name}.`, stack);
    stack.delete(this);
  }

  /**
   * Copies values from `stateDict` into this module's parameters and buffers (in place, so optimizers
   * keep working). Everything is validated before anything is copied: with `strict` (default) missing
   * and unexpected keys are errors; shape mismatches are errors always. All problems are reported in
   * one error, and a rejected load changes nothing. A snake_case key (`running_mean`) is accepted for
   * a camelCase name (`runningMean`) and a camelCase leaf for a snake_case buffer (the other way round).
   * @returns the missing and unexpected keys (both empty after a strict load)
   * @example
   * model.loadStateDict(sd);                              // strict
   * const { missingKeys } = model.loadStateDict(partial, { strict: false });
   */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, { strict = true }: LoadStateDictOptions = {}): LoadStateDictResult {
    if (stateDict === null || typeof stateDict !== 'object') {
      throw new TypeError(`loadStateDict: expected a state dict (object or Map of name -> Tensor), got ${stateDict === null ? 'null' : typeof stateDict}`);
    }
    const given = new Map<string, unknown>(stateDict instanceof Map ? stateDict : Object.entries(stateDict));
    const targets = new Map<string, Tensor>(this._stateEntries('', new Set()));

    // Resolve PyTorch's snake_case spelling of camelCase names, when the exact key is absent.
    const resolved = new Map<string, unknown>();
    const unexpected: string[] = [];
    for (const [key, v] of given) {
      if (targets.has(key)) resolved.set(key, v);
      else {
        // ... and of the camelCase spelling of a PyTorch-named buffer (`bn.runningMean` for
        // `bn.running_mean`, the keys tapegrad wrote before its state dicts used PyTorch's names).
        const parts = key.split('.');
        const leaf = parts.pop() as string;
        const alts = [[...parts, leaf].map(snakeToCamel).join('.'), [...parts, camelToSnake(leaf)].join('.')];
        const alt = alts.find((a) => a !== key && targets.has(a) && !given.has(a));
        if (alt !== undefined) resolved.set(alt, v);
        else unexpected.push(key);
      }
    }
    // A norm layer's num_batches_tracked missing from a plain dict is filled with 0, as PyTorch's
    // _NormBase._load_from_state_dict does for state dicts without version metadata (checkpoints from
    // before the buffer existed, or written by hand); every other missing key stays an error.
    for (const [name, dst] of targets) {
      if (!resolved.has(name) && (name === 'num_batches_tracked' || name.endsWith('.num_batches_tracked'))) {
        resolved.set(name, zerosLike(dst));
      }
    }
    const missing: string[] = [];
    const mismatched: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [name, dst] of targets) {
      if (!resolved.has(name)) {
        missing.push(name);
        continue;
      }
      const src = resolved.get(name);
      if (!(src instanceof Tensor)) {
        mismatched.push(`While copying the parameter named "${name}", expected a Tensor from the state dict but got ${src === null ? 'null' : typeof src}.`);
        continue;
      }
      if (src.ndim !== dst.ndim || src.shape.some((s, i) => s !== dst.shape[i])) {
        mismatched.push(`size mismatch for ${name}: copying a param with shape [${src.shape.join(', ')}] from checkpoint, the shape in current model is [${dst.shape.join(', ')}].`);
        continue;
      }
      copies.push([dst, src]);
    }
    const problems: string[] = [];
    // PyTorch's order: missing, then unexpected, then the size mismatches.
    if (strict && missing.length) problems.push(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(', ')}.`);
    if (strict && unexpected.length) problems.push(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(', ')}.`);
    problems.push(...mismatched);
    if (problems.length) {
      throw new Error(`Error(s) in loading state_dict for ${typeName(this)}:\n\t${problems.join('\n\t')}`);
    }
    noGrad(() => {
      for (const [dst, src] of copies) dst.copy_(src);
    });
    return { missingKeys: missing, unexpectedKeys: unexpected };
  }

  // ---- printing ------------------------------------------------------------------------------------------

  /** Extra text inside this module's `toString()` parentheses (e.g. `inFeatures=4, outFeatures=3, bias=true`). */
  extraRepr(): string {
    return '';
  }

  /** PyTorch-style tree: `SimpleNN(\n  (fc1): Linear(inFeatures=784, ...)\n ...)`. */
  toString(): string {
    const head = typeName(this);
    const extra = this.extraRepr();
    const children = [...this.namedChildren()];
    if (children.length === 0) return `${head}(${extra})`;
    const lines = extra ? extra.split('\n') : [];
    for (const [name, child] of children) lines.push(`(${name}): ${child.toString().split('\n').join('\n  ')}`);
    return `${head}(\n  ${lines.join('\n  ')}\n)`;
  }

  /** `console.log(model)` in Node prints the tree, as PyTorch's `print(model)`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** `JSON.stringify` of a module gives its repr (a function object would otherwise vanish from the JSON). */
  toJSON(): string {
    return this.toString();
  }
}

/** Is it a Module? */
export function isModule(x: unknown): x is Module {
  return x instanceof Module;
}
