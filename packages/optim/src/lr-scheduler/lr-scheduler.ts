/**
 * The scheduler base class: PyTorch 1.13's `torch.optim.lr_scheduler._LRScheduler`, with its
 * "chainable" recursive form (each step derives the new lr from the group's current lr) and the
 * closed form used when `step(epoch)` is given an epoch.
 */
import { noteUncapturable } from '@tapegrad/core/internal';
import { Optimizer } from '../optimizer';
import { cloneOption, describe, isPlainObject } from '../util';

/** A JSON value (scheduler state dicts are plain JSON; Infinity survives as a number in memory). */
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A scheduler's state: every field except the optimizer (and functions), as PyTorch's `__dict__` copy. */
export type SchedulerStateDict = { [key: string]: JsonValue };

/** An lr as PyTorch's verbose lines print it, Python's `{:.4e}`: 1.0000e-01. */
export const pyLr = (lr: number): string => lr.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
/** An epoch as PyTorch's verbose lines print it: `%.5d` (00003, -00001), or `%.2f` for a fractional one. */
export const pyEpoch = (e: number): string => (Number.isInteger(e) ? (e < 0 ? '-' : '') + String(Math.abs(e)).padStart(5, '0') : e.toFixed(2));

/** Python's modulo (the sign follows the divisor), for PyTorch's `%` tests. */
export const pyMod = (a: number, m: number): number => ((a % m) + m) % m;

/** PyTorch's `verbose` on a scheduler: checked, and kept off the enumerable fields (a setting, not state). */
export function defineVerbose(scheduler: object, name: string, verbose: unknown): void {
  if (typeof verbose !== 'boolean') throw new TypeError(`${name}: verbose must be a boolean, got ${describe(verbose)}`);
  Object.defineProperty(scheduler, 'verbose', { value: verbose, writable: true, enumerable: false });
}

export function checkOptimizer(optimizer: unknown, where: string): asserts optimizer is Optimizer {
  if (!(optimizer instanceof Optimizer)) throw new TypeError(`${where}: ${describe(optimizer)} is not an Optimizer`);
}

/** LRScheduler's own state fields, in the order PyTorch's state_dict() lists them (after the subclass's). */
const BASE_KEYS = ['baseLrs', 'lastEpoch', '_stepCount', '_lastLr'];

/**
 * `obj`'s fields as a state dict (deep-copied; the optimizer and functions left out): the keys of
 * `order` first, in that order, then any others in their own order.
 */
export function orderedState(obj: object, order: readonly string[]): SchedulerStateDict {
  const fields = obj as Record<string, unknown>;
  const out: SchedulerStateDict = {};
  for (const k of [...order, ...Object.keys(obj)]) {
    // Own enumerable fields only (a non-enumerable one, such as verbose, is a setting, not state).
    if (k in out || !Object.prototype.propertyIsEnumerable.call(obj, k) || k === 'optimizer' || typeof fields[k] === 'function') continue;
    out[k] = cloneOption(fields[k]) as JsonValue;
  }
  return out;
}

/**
 * Base class of the epoch-based schedulers. The constructor records each group's `initialLr` (when
 * `lastEpoch` is -1) as `baseLrs` and performs the initial step, which sets `lastEpoch` to 0 and the
 * lr to its epoch-0 value. Call `scheduler.step()` after `optimizer.step()`, once per epoch (or batch).
 *
 * Subclasses implement {@link LRScheduler.getLr} (the recursive form, reading `group.lr`) and may
 * implement {@link LRScheduler.closedFormLr}. Because the initial step runs inside this constructor,
 * a subclass passes the hyper-parameters its `getLr` needs as `hyper`: they are assigned to `this`
 * first (declare such fields with `declare readonly x: T` so class-field initialization does not
 * reset them).
 *
 * @example
 * class HalvingLR extends LRScheduler {
 *   declare readonly every: number;
 *   constructor(opt: Optimizer, every: number) { super(opt, -1, { every }); }
 *   getLr() { return this.optimizer.paramGroups.map((g) => (this.lastEpoch > 0 && this.lastEpoch % this.every === 0 ? g.lr / 2 : g.lr)); }
 * }
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: Optimizer;
  /** The index of the last epoch (0 after construction, incremented by every `step()`). */
  lastEpoch: number;
  /** Each group's `initialLr` when the scheduler was created. */
  baseLrs: number[];
  /** @internal How many times `step` has run (the initial step included), as PyTorch's `_step_count`. */
  _stepCount = 0;
  /** @internal The lrs set by the last step. */
  _lastLr: number[] = [];

  /** Print each lr a step sets (PyTorch's `verbose`); a setting of this object, not saved in its state dict. */
  declare verbose: boolean;

  protected constructor(optimizer: Optimizer, lastEpoch = -1, hyper: Record<string, unknown> = {}, name = 'LRScheduler', verbose: boolean | undefined = false) {
    checkOptimizer(optimizer, name);
    defineVerbose(this, name, verbose);
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) throw new RangeError(`${name}: lastEpoch must be an integer >= -1, got ${String(lastEpoch)}`);
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    } else {
      optimizer.paramGroups.forEach((g, i) => {
        if (g.initialLr === undefined) throw new Error(`${name}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer (lastEpoch ${lastEpoch}); load the optimizer's state dict first, or pass lastEpoch -1`);
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
    Object.assign(this, hyper);
    this._initialStep();
  }

  /** @internal Resets the step count and performs a step (PyTorch's `_initial_step`; SequentialLR calls it). */
  _initialStep(): void {
    this._stepCount = 0;
    this.step();
  }

  /** The learning rates for `this.lastEpoch`, in the recursive form (may read each group's current lr). */
  protected abstract getLr(): number[];

  /** The learning rates for `this.lastEpoch` straight from `baseLrs`, where the schedule has one. */
  protected closedFormLr?(): number[];

  /**
   * Advances one epoch and writes the new lr into every parameter group. With an explicit `epoch`
   * (deprecated in PyTorch) it jumps there, using the closed form where the scheduler has one.
   */
  step(epoch?: number): void {
    noteUncapturable(`${this.constructor.name}.step inside a compiled step (a replay would not step it; step schedulers outside compile's fn)`);
    this._stepCount += 1;
    let values: number[];
    if (epoch === undefined || epoch === null) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      if (typeof epoch !== 'number' || !Number.isFinite(epoch)) throw new TypeError(`${this.constructor.name}.step: epoch must be a number, got ${describe(epoch)}`);
      this.lastEpoch = epoch;
      values = this.closedFormLr ? this.closedFormLr() : this.getLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => {
      if (i < values.length) {
        g.lr = values[i];
        this.printLr(i, g.lr, epoch);
      }
    });
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** PyTorch 1.13's `print_lr`: with `verbose`, one line per group and step, in its words and number formats. */
  protected printLr(group: number, lr: number, epoch?: number | null): void {
    if (!this.verbose) return;
    if (epoch === undefined || epoch === null) console.log(`Adjusting learning rate of group ${group} to ${pyLr(lr)}.`);
    else console.log(`Epoch ${pyEpoch(epoch)}: adjusting learning rate of group ${group} to ${pyLr(lr)}.`);
  }

  /** The learning rates set by the last step, one per parameter group. */
  getLastLr(): number[] {
    return this._lastLr.slice();
  }

  /** Every field except the optimizer (functions are left out), deep-copied; JSON-able. */
  stateDict(): SchedulerStateDict {
    // PyTorch's key order: the scheduler's own fields (set before LRScheduler.__init__), then the base's.
    const own = Object.keys(this).filter((k) => !BASE_KEYS.includes(k));
    return orderedState(this, [...own, ...BASE_KEYS]);
  }

  /** Restores fields from {@link LRScheduler.stateDict} (the optimizer is not touched: load its state separately). */
  loadStateDict(stateDict: SchedulerStateDict): void {
    if (!isPlainObject(stateDict)) throw new TypeError(`${this.constructor.name}.loadStateDict: expected an object from stateDict(), got ${describe(stateDict)}`);
    for (const [k, v] of Object.entries(stateDict)) {
      if (k === 'optimizer') continue;
      (this as unknown as Record<string, unknown>)[k] = cloneOption(v);
    }
  }
}
