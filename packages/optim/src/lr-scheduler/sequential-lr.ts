/** SequentialLR: hand the lr from one scheduler to the next at milestone epochs. */
import { Optimizer } from '../optimizer';
import { describe, isPlainObject } from '../util';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { LRScheduler, SchedulerStateDict, checkOptimizer } from './lr-scheduler';

/** Options of {@link SequentialLR}. */
export interface SequentialLROptions {
  /** The schedulers, all built on the same optimizer, in the order they take over. */
  schedulers: LRScheduler[];
  /** Epochs at which the next scheduler takes over (one fewer than the schedulers). */
  milestones: number[];
  /** The index of the last epoch when resuming (default -1). */
  lastEpoch?: number;
  /** Print each lr it sets, as PyTorch 1.13's `verbose=True` (default false); not saved in the state dict. */
  verbose?: boolean;
}

/**
 * Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]` (restarted from its own epoch 0, via
 * its closed form), and so on — PyTorch 1.13's `SequentialLR`. Creating it undoes the initial steps the
 * given schedulers took and resets every group's lr to its `initialLr`.
 * @example
 * const warmup = new LinearLR(opt, 0.1, 1.0, 5);
 * const decay = new ExponentialLR(opt, 0.9);
 * const sched = new SequentialLR(opt, [warmup, decay], [5]); // or new SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] })
 */
export class SequentialLR extends LRScheduler {
  declare _schedulers: LRScheduler[];
  declare _milestones: number[];

  /** PyTorch's `SequentialLR(optimizer, schedulers, milestones, last_epoch=-1, verbose=False)`: positional values, then the other options. */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[schedulers: LRScheduler[], milestones: number[]], [lastEpoch: number, verbose: boolean], SequentialLROptions>) {
    const options = positionalOptions<SequentialLROptions>('SequentialLR', args, [pos.array('schedulers'), pos.numbers('milestones'), pos.number('lastEpoch'), pos.boolean('verbose')]);
    checkOptimizer(optimizer, 'SequentialLR');
    const { schedulers, milestones } = options;
    if (!Array.isArray(schedulers) || schedulers.length === 0) throw new TypeError(`SequentialLR: schedulers must be a non-empty array of schedulers, got ${describe(schedulers)}`);
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new TypeError(`SequentialLR: schedulers[${i}] is ${describe(s)}, not an LRScheduler (ReduceLROnPlateau cannot be sequenced)`);
      if (s.optimizer !== optimizer) {
        throw new Error(`SequentialLR: Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`);
      }
    });
    if (!Array.isArray(milestones) || milestones.some((m) => !Number.isInteger(m))) throw new TypeError(`SequentialLR: milestones must be an array of integer epochs, got ${describe(milestones)}`);
    if (milestones.length !== schedulers.length - 1) {
      throw new RangeError(`SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`);
    }
    super(optimizer, options.lastEpoch ?? -1, { _schedulers: schedulers.slice(), _milestones: milestones.slice() }, 'SequentialLR', options.verbose);
  }

  /** @internal PyTorch's SequentialLR constructor body: rewind, then start the first scheduler. */
  override _initialStep(): void {
    this.lastEpoch = this.lastEpoch + 1;
    for (const g of this.optimizer.paramGroups) g.lr = g.initialLr as number;
    for (const s of this._schedulers) s.lastEpoch -= 1;
    this._schedulers[0]._initialStep();
    this._lastLr = this._schedulers[0].getLastLr();
  }

  protected getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Advances one epoch: steps the scheduler in charge (restarting it at epoch 0 on its milestone). */
  override step(): void {
    this.lastEpoch += 1;
    const idx = this._milestones.filter((m) => m <= this.lastEpoch).length; // bisect_right
    const s = this._schedulers[idx];
    if (idx > 0 && this._milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this._lastLr = s.getLastLr();
  }

  /**
   * PyTorch's keys: `_milestones`, `lastEpoch`, `_lastLr`, then each wrapped scheduler's state dict under
   * `_schedulers`. PyTorch 1.13's SequentialLR never runs the base constructor, so it has no `base_lrs` or
   * `_step_count`; ours are left out to match.
   */
  override stateDict(): SchedulerStateDict {
    const { _schedulers: _s, baseLrs: _b, _stepCount: _c, ...rest } = super.stateDict();
    return { ...rest, _schedulers: this._schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    if (!isPlainObject(stateDict)) throw new TypeError(`SequentialLR.loadStateDict: expected an object from stateDict(), got ${describe(stateDict)}`);
    const { _schedulers: nested, ...rest } = stateDict;
    super.loadStateDict(rest);
    if (nested !== undefined) {
      if (!Array.isArray(nested) || nested.length !== this._schedulers.length) {
        throw new RangeError(`SequentialLR.loadStateDict: _schedulers must hold ${this._schedulers.length} state dicts, got ${describe(nested)}`);
      }
      nested.forEach((sd, i) => this._schedulers[i].loadStateDict(sd as SchedulerStateDict));
    }
  }
}
