/**
 * The `Optimizer` base class (PyTorch 1.13's `torch.optim.Optimizer`): parameter groups with per-group
 * options over shared defaults, per-parameter state, `zeroGrad`, `step(closure?)`, `addParamGroup`, and
 * state dicts in PyTorch's layout (parameters replaced by their index in group order).
 */
import { Tensor, noGrad, enableGrad } from '@tapegrad/core';
import { invalidateCaptures, noteGradDependence, runKernel } from '@tapegrad/core/internal';
import { cloneOption, cloneStateValue, describe, fmtShape, isPlainObject } from './util';

/** What every optimizer's options have: the learning rate (which schedulers read and write). */
export interface BaseOptions {
  lr: number;
}

/**
 * PyTorch 1.13's `foreach` keyword (every optimizer but LBFGS): accepted and ignored. It chooses PyTorch's
 * multi-tensor kernels, which give the same result, so tapegrad neither stores it nor acts on it.
 */
export interface ForeachOption {
  foreach?: boolean | null;
}

/**
 * One value of per-parameter state: a tensor (Adam's `expAvg`), a count (`step`), or `null` (SGD without
 * momentum stores `momentumBuffer: null`, as PyTorch stores `None`), or a list of them (LBFGS's history).
 */
export type ParamStateValue = Tensor | number | null | ParamStateValue[];
/** The state an optimizer keeps for one parameter, e.g. `{ step: 3, expAvg: Tensor, expAvgSq: Tensor }`. */
export type ParamState = Record<string, ParamStateValue>;

/**
 * A parameter group after construction: its tensors plus every option (the group's own values over the
 * optimizer's defaults). Schedulers add `initialLr` (PyTorch's `initial_lr`).
 */
export type ParamGroup<O extends BaseOptions = BaseOptions> = O & { params: Tensor[]; initialLr?: number };

/** A parameter group as given to the constructor or `addParamGroup`: options left out take the defaults. */
export type ParamGroupInput<O extends BaseOptions = BaseOptions> = Partial<O> & {
  params: Iterable<Tensor> | Tensor;
  initialLr?: number;
};

/**
 * What an optimizer's constructor takes: tensors (an array, or any ordered iterable such as
 * `model.parameters()`), or parameter groups.
 */
export type Params<O extends BaseOptions = BaseOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** A parameter group inside a state dict: its options, and its parameters as indices. */
export type SavedParamGroup = { params: number[]; [option: string]: unknown };

/**
 * PyTorch's optimizer state-dict layout. `state` is keyed by parameter index (the position of the
 * parameter when all groups' params are listed in order); `paramGroups` keeps every option and lists
 * its parameters by index. Apart from Tensors it is plain JSON (numbers, booleans, arrays, null).
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: SavedParamGroup[];
}

/** Options of `zeroGrad`. */
export interface ZeroGradOptions {
  /**
   * Set each `.grad` to `null` (true, the default — PyTorch 2.x's default; PyTorch 1.13 defaulted to
   * false) or fill it with zeros (false). Optimizers skip parameters whose grad is null.
   */
  setToNone?: boolean;
}

/**
 * Base class of all optimizers. Subclasses give their defaults and validation and implement
 * {@link Optimizer.updateGroup}; `step` runs the closure with grad enabled, then the updates under `noGrad`.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad();
 * lossFn(model.forward(x), y).backward();
 * opt.step();
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  /** The options a group gets when it does not give its own (`undefined` marks a required option). */
  readonly defaults: Readonly<Partial<O>>;
  /** The parameter groups, each `{ params, ...options }`. Schedulers change `lr` here. */
  paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (moment estimates, momentum buffers, step counts), keyed by the parameter. */
  state: Map<Tensor, ParamState> = new Map();
  /** The class name used in error messages ("SGD", "Adam", ...). */
  protected readonly optimizerName: string;

  protected constructor(params: Params<O>, defaults: Partial<O>, name: string) {
    this.optimizerName = name;
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new TypeError(`${name}: params argument given to the optimizer should be an iterable of Tensors or dicts, but got a Tensor; wrap it in a list: [p]`);
    }
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`${name}: params should be an array of Tensors or of parameter groups ({ params, ...options }), got ${describe(params)}`);
    }
    if (params instanceof Set) {
      throw new TypeError(`${name}: optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.`);
    }
    const list = Array.from(params as Iterable<Tensor | ParamGroupInput<O>>);
    if (list.length === 0) throw new Error(`${name}: optimizer got an empty parameter list`);
    this.checkOptions(defaults, name);
    const groups: ParamGroupInput<O>[] = list[0] instanceof Tensor
      ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>]
      : (list as ParamGroupInput<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /**
   * Validates option values (only those present: defaults may leave `lr` out). Throws PyTorch's
   * messages, e.g. "Invalid learning rate: -1".
   */
  protected abstract checkOptions(options: Partial<O>, where: string): void;

  /** Updates every parameter of one group that has a gradient; runs under `noGrad`. */
  protected abstract updateGroup(group: ParamGroup<O>, groupIndex: number): void;

  /**
   * Adds a parameter group (e.g. layers unfrozen during fine-tuning). Options it leaves out take the
   * defaults; it is an error to leave out a required option (SGD's `lr`), to repeat a parameter
   * inside the group, or to give a parameter that is already in another group.
   * @example
   * opt.addParamGroup({ params: head.parameters(), lr: 1e-3 });
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const name = this.optimizerName;
    if (!isPlainObject(group)) throw new TypeError(`${name}.addParamGroup: param group must be an object { params, ...options }, got ${describe(group)}`);
    if (!('params' in group)) throw new TypeError(`${name}.addParamGroup: param group has no 'params' key`);
    const raw = group.params as unknown;
    let params: Tensor[];
    if (raw instanceof Tensor) params = [raw];
    else if (raw instanceof Set) {
      throw new TypeError(`${name}.addParamGroup: optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.`);
    } else if (raw !== null && typeof raw === 'object' && typeof (raw as Iterable<unknown>)[Symbol.iterator] === 'function') {
      params = Array.from(raw as Iterable<Tensor>);
    } else {
      throw new TypeError(`${name}.addParamGroup: 'params' must be a Tensor or an array of Tensors, got ${describe(raw)}`);
    }
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new TypeError(`${name}: optimizer can only optimize Tensors, but one of the params (index ${i}) is ${describe(p)}`);
      if (!p.isLeaf) throw new Error(`${name}: can't optimize a non-leaf Tensor (param ${i}, shape ${fmtShape(p.shape)}); optimize the leaf it was computed from, or detach() it and set requiresGrad`);
    });

    // PyTorch's key order: the group's own keys as given ('params' among them, first for a plain list of
    // tensors), then the defaults it left out.
    const full: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(group)) full[k] = k === 'params' ? params : cloneOption(v);
    for (const [k, v] of Object.entries(this.defaults)) {
      if (full[k] !== undefined) continue;
      if (v === undefined) throw new Error(`${name}: parameter group didn't specify a value of required optimization parameter ${k}`);
      full[k] = cloneOption(v);
    }

    // PyTorch 1.13 only warns here ("in future, this will cause an error"); a repeated parameter would be
    // updated twice per step, so tapegrad makes it the error PyTorch announced.
    const seen = new Map<Tensor, number>();
    params.forEach((p, i) => {
      const j = seen.get(p);
      if (j !== undefined) throw new Error(`${name}: optimizer contains a parameter group with duplicate parameters (params[${i}] is params[${j}])`);
      seen.set(p, i);
    });
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (seen.has(p)) throw new Error(`${name}: some parameters appear in more than one parameter group`);
      }
    }
    this.checkOptions(full as Partial<O>, `${name} (param group ${this.paramGroups.length})`);
    this.paramGroups.push(full as unknown as ParamGroup<O>);
    invalidateCaptures(); // compile: a captured zeroGrad() would not clear the new parameters' grads
  }

  /**
   * Clears the gradients of all optimized parameters: sets them to `null` by default (PyTorch 2.x's
   * default; PyTorch 1.13 zeroed them unless `set_to_none=True`), or zero-fills them with
   * `{ setToNone: false }`. After the default, `p.grad` is `null`: `p.grad.zero_()` (a PyTorch 1.13 habit)
   * fails on null, so write `p.grad?.zero_()` or pass `{ setToNone: false }`.
   *
   * compile(fn) replays a step with either: a zero-filled grad is added into in place, as PyTorch's
   * AccumulateGrad does (the capture after the first such call sees that).
   */
  zeroGrad({ setToNone = true }: ZeroGradOptions = {}): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        // _peekGrad/_releaseGrad: a grad only the engine has seen goes back to its pool (issue 15).
        const g = p._peekGrad();
        // compile: a replay does not run this loop, so it needs what the loop found here (issue 15).
        if (g === null || g === undefined || !setToNone) noteGradDependence(p);
        if (g === null || g === undefined) continue;
        if (setToNone) {
          p._releaseGrad();
        } else {
          if (g.gradFn !== null) g.detach_();
          else if (g.requiresGrad) g.requiresGrad_(false);
          noGrad(() => g.zero_());
        }
      }
    }
  }

  /**
   * One optimization step over all groups. If a closure is given it is called first, with grad enabled,
   * to re-evaluate the model (it should zero the grads, compute the loss, call backward and return the
   * loss); its return value is returned. Parameters whose grad is null are skipped.
   * @example
   * const loss = opt.step(() => { opt.zeroGrad(); const l = lossFn(model.forward(x), y); l.backward(); return l; });
   */
  step<L = unknown>(closure?: () => L): L | undefined {
    let loss: L | undefined;
    if (closure !== undefined && closure !== null) {
      if (typeof closure !== 'function') throw new TypeError(`${this.optimizerName}.step: closure must be a function that re-evaluates the model and returns the loss, got ${describe(closure)}`);
      loss = enableGrad(closure);
    }
    // One kernel for compile's capture (compile/capture.ts): a replay runs the whole update again, so the
    // learning rate, step counts and state it reads are the live ones.
    runKernel(() => noGrad(() => this.paramGroups.forEach((g, i) => this.updateGroup(g, i))));
    return loss;
  }

  /**
   * The optimizer's state in PyTorch's layout, with every state tensor cloned (later steps do not change
   * the returned dict). JSON-able apart from the Tensors.
   * @example
   * const sd = opt.stateDict(); // { state: { 0: { step: 5, expAvg: Tensor, ... } }, paramGroups: [{ lr: 0.001, ..., params: [0, 1] }] }
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let start = 0;
    const paramGroups: SavedParamGroup[] = this.paramGroups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') packed[k] = cloneOption(v);
      g.params.forEach((p, i) => {
        if (!index.has(p)) index.set(p, start + i);
      });
      start += g.params.length;
      return { ...packed, params: g.params.map((p) => index.get(p) as number) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue; // state of a parameter no longer in any group
      const out: ParamState = {};
      for (const [k, v] of Object.entries(s)) out[k] = cloneStateValue(v);
      state[i] = out;
    }
    return { state, paramGroups };
  }

  /**
   * Restores a state dict from {@link Optimizer.stateDict} (possibly after a JSON / checkpoint round
   * trip). Groups must match in number and size; options come from the saved groups (options missing
   * there keep the defaults); state tensors are copied and cast to their parameter's dtype.
   *
   * PyTorch's own names load too: a dict with `param_groups` (a PyTorch `optimizer.state_dict()` whose
   * tensors were converted) has its snake_case option and state names read as camelCase (`weight_decay`,
   * `exp_avg_sq`, `initial_lr`), PyTorch's kernel switches (`foreach`, `capturable`, `differentiable`,
   * `fused`) dropped, and its 0-d tensor counters (`step`, ASGD's `eta`/`mu`, NAdam's `mu_product`, LBFGS's
   * `ro`/`al`/`H_diag`) read as numbers.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const name = `${this.optimizerName}.loadStateDict`;
    if (!isPlainObject(stateDict)) throw new TypeError(`${name}: expected { state, paramGroups }, got ${describe(stateDict)}`);
    stateDict = fromPyTorchNames(stateDict);
    const saved = stateDict.paramGroups as unknown;
    const savedState = stateDict.state as unknown;
    if (!Array.isArray(saved)) throw new TypeError(`${name}: stateDict.paramGroups must be an array, got ${describe(saved)}`);
    if (!isPlainObject(savedState)) throw new TypeError(`${name}: stateDict.state must be an object keyed by parameter index, got ${describe(savedState)}`);
    const groups = this.paramGroups;
    if (groups.length !== saved.length) {
      throw new Error(`${name}: loaded state dict has a different number of parameter groups (the optimizer has ${groups.length}, the state dict ${saved.length})`);
    }
    saved.forEach((sg: unknown, i) => {
      if (!isPlainObject(sg) || !Array.isArray(sg.params)) throw new TypeError(`${name}: paramGroups[${i}] must be { params: number[], ...options }, got ${describe(sg)}`);
      if (sg.params.length !== groups[i].params.length) {
        throw new Error(`${name}: loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group ${i}: the optimizer has ${groups[i].params.length} params, the state dict ${sg.params.length})`);
      }
    });

    const idMap = new Map<number, Tensor>();
    saved.forEach((sg: SavedParamGroup, gi) => sg.params.forEach((id, j) => idMap.set(Number(id), groups[gi].params[j])));

    const state = new Map<Tensor, ParamState>();
    for (const [key, value] of Object.entries(savedState)) {
      const p = idMap.get(Number(key));
      if (p === undefined) {
        throw new Error(`${name}: the state dict has state for parameter index ${key}, which no saved parameter group lists (they list ${[...idMap.keys()].join(', ')})`);
      }
      if (!isPlainObject(value)) throw new TypeError(`${name}: state[${key}] must be an object of tensors and numbers, got ${describe(value)}`);
      const s: ParamState = {};
      for (const [k, v] of Object.entries(value)) s[k] = this.castState(p, k, v, `${name}: state[${key}].${k}`);
      state.set(p, s);
    }

    const newGroups = groups.map((g, i) => {
      const sg = saved[i] as SavedParamGroup;
      // PyTorch's order: the saved group's keys, its params replaced in place by this group's tensors
      const full: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(sg)) full[k] = k === 'params' ? g.params : cloneOption(v);
      // Like PyTorch's __setstate__ defaults: options a saved group predates keep the default.
      for (const [k, v] of Object.entries(this.defaults)) if (full[k] === undefined && v !== undefined) full[k] = cloneOption(v);
      this.checkOptions(full as Partial<O>, `${name} (param group ${i})`);
      return full as unknown as ParamGroup<O>;
    });
    this.state = state;
    this.paramGroups = newGroups;
  }

  /** Copies one loaded state value: tensors are cloned, cast to the parameter's dtype and shape-checked. */
  protected castState(p: Tensor, key: string, v: unknown, where: string): ParamStateValue {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') return v;
    if (v instanceof Tensor) {
      // PyTorch keeps these counters as 0-d tensors; tapegrad keeps numbers
      if (SCALAR_STATE.has(key) && v.numel() === 1) return v.item();
      if (v.ndim !== p.ndim || v.shape.some((d, i) => d !== p.shape[i])) {
        throw new RangeError(`${where} has shape ${fmtShape(v.shape)}, but its parameter has shape ${fmtShape(p.shape)}`);
      }
      return noGrad(() => v.detach().to(p.dtype).reshape(p.shape).clone());
    }
    throw new TypeError(`${where} must be a Tensor, a number or null, got ${describe(v)}`);
  }
}

/** Per-parameter state tapegrad keeps as numbers where PyTorch 1.13 keeps 0-d tensors. */
const SCALAR_STATE = new Set(['step', 'eta', 'mu', 'muProduct']);
/** Options PyTorch 1.13 stores in its groups that pick its kernels; tapegrad has no use for them. */
const PYTORCH_KERNEL_OPTIONS = new Set(['foreach', 'capturable', 'differentiable', 'fused']);
const camel = (k: string): string => (k === 'H_diag' ? 'hDiag' : k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));

/** A state dict with PyTorch's names (`param_groups`, `weight_decay`, `exp_avg`) in tapegrad's; others unchanged. */
function fromPyTorchNames(sd: OptimizerStateDict): OptimizerStateDict {
  const raw = sd as unknown as Record<string, unknown>;
  if (raw.paramGroups !== undefined || !Array.isArray(raw.param_groups)) return sd;
  const paramGroups = (raw.param_groups as unknown[]).map((g) => {
    if (!isPlainObject(g)) return g;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(g)) if (!PYTORCH_KERNEL_OPTIONS.has(k)) out[camel(k)] = v;
    return out;
  }) as SavedParamGroup[];
  if (!isPlainObject(raw.state)) return { state: raw.state as Record<number, ParamState>, paramGroups };
  const state: Record<number, ParamState> = {};
  for (const [i, s] of Object.entries(raw.state)) {
    if (!isPlainObject(s)) { state[Number(i)] = s as ParamState; continue; }
    const out: ParamState = {};
    for (const [k, v] of Object.entries(s)) out[camel(k)] = v as ParamStateValue;
    state[Number(i)] = out;
  }
  return { state, paramGroups };
}
