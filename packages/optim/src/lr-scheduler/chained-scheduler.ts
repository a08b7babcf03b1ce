/** ChainedScheduler: step several schedulers together, each multiplying into the same lr. */
import { noteUncapturable } from '@tapegrad/core/internal';
import { Optimizer } from '../optimizer';
import { describe, isPlainObject } from '../util';
import { LRScheduler, SchedulerStateDict } from './lr-scheduler';

/**
 * Calls `step()` on every scheduler in order at each step, so their recursive (multiplicative) effects
 * combine — PyTorch 1.13's `ChainedScheduler`. Unlike the other schedulers it takes no optimizer (it
 * uses the schedulers', which must all be the same) and does not step on construction.
 * @example
 * const sched = new ChainedScheduler([new ConstantLR(opt, { factor: 0.1, totalIters: 2 }), new ExponentialLR(opt, { gamma: 0.9 })]);
 */
export class ChainedScheduler {
  /** The optimizer of the schedulers. */
  readonly optimizer: Optimizer;
  /** @internal */
  _schedulers: LRScheduler[];
  /** @internal The lrs after the last step. */
  _lastLr: number[];

  constructor(schedulers: LRScheduler[]) {
    if (!Array.isArray(schedulers) || schedulers.length === 0) throw new TypeError(`ChainedScheduler: schedulers must be a non-empty array of schedulers, got ${describe(schedulers)}`);
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new TypeError(`ChainedScheduler: schedulers[${i}] is ${describe(s)}, not an LRScheduler`);
      if (s.optimizer !== schedulers[0].optimizer) {
        throw new Error(`ChainedScheduler: ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`);
      }
    });
    this._schedulers = schedulers.slice();
    this.optimizer = schedulers[0].optimizer;
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Steps every scheduler, in order. */
  step(): void {
    noteUncapturable(`${this.constructor.name}.step inside a compiled step (a replay would not step it; step schedulers outside compile's fn)`);
    for (const s of this._schedulers) s.step();
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rates after the last step, one per parameter group. */
  getLastLr(): number[] {
    return this._lastLr.slice();
  }

  /** `_lastLr` and each scheduler's state dict under `_schedulers`, as PyTorch's. */
  stateDict(): SchedulerStateDict {
    return { _lastLr: this._lastLr.slice(), _schedulers: this._schedulers.map((s) => s.stateDict()) };
  }

  loadStateDict(stateDict: SchedulerStateDict): void {
    if (!isPlainObject(stateDict)) throw new TypeError(`ChainedScheduler.loadStateDict: expected an object from stateDict(), got ${describe(stateDict)}`);
    const nested = stateDict._schedulers;
    if (!Array.isArray(nested) || nested.length !== this._schedulers.length) {
      throw new RangeError(`ChainedScheduler.loadStateDict: _schedulers must hold ${this._schedulers.length} state dicts, got ${describe(nested)}`);
    }
    if (Array.isArray(stateDict._lastLr)) this._lastLr = (stateDict._lastLr as number[]).slice();
    nested.forEach((sd, i) => this._schedulers[i].loadStateDict(sd as SchedulerStateDict));
  }
}
