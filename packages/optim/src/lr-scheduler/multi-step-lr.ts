/** MultiStepLR: multiply the lr by gamma at each milestone epoch. */
import { Optimizer } from '../optimizer';
import { pyNum } from '../util';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { LRScheduler, type JsonValue, type SchedulerStateDict } from './lr-scheduler';

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions {
  /** Epochs at which to decay (a repeated milestone decays by gamma once per repetition). */
  milestones: number[];
  /** Multiplicative factor of the decay (default 0.1). */
  gamma?: number;
  /** The index of the last epoch when resuming (default -1). */
  lastEpoch?: number;
  /** Print each lr it sets, as PyTorch 1.13's `verbose=True` (default false); not saved in the state dict. */
  verbose?: boolean;
}

/**
 * Decays each group's lr by `gamma` when the epoch reaches a milestone: lr_t = base · gamma^(#milestones ≤ t)
 * (PyTorch 1.13's `MultiStepLR`).
 * @example
 * const sched = new MultiStepLR(opt, [30, 80], { gamma: 0.1 }); // or new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 })
 */
export class MultiStepLR extends LRScheduler {
  /** The milestones, sorted (PyTorch keeps a Counter; a sorted list with repeats holds the same). */
  declare readonly milestones: number[];
  declare readonly gamma: number;

  /** PyTorch's `MultiStepLR(optimizer, milestones, gamma=0.1, last_epoch=-1, verbose=False)`: positional values, then the other options. */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[milestones: number[]], [gamma: number, lastEpoch: number, verbose: boolean], MultiStepLROptions>) {
    const options = positionalOptions<MultiStepLROptions>('MultiStepLR', args, [pos.numbers('milestones'), pos.number('gamma'), pos.number('lastEpoch'), pos.boolean('verbose')]);
    const ms = options.milestones;
    if (!Array.isArray(ms) || ms.some((m) => !Number.isInteger(m))) {
      throw new TypeError(`MultiStepLR: milestones must be an array of integer epochs, got ${Array.isArray(ms) ? `[${ms.map(pyNum).join(', ')}]` : pyNum(ms)}`);
    }
    super(optimizer, options.lastEpoch ?? -1, { milestones: ms.slice().sort((a, b) => a - b), gamma: options.gamma ?? 0.1 }, 'MultiStepLR', options.verbose);
  }

  /** The state, with `milestones` as PyTorch's Counter: `{ epoch: how many times it is listed }`. */
  override stateDict(): SchedulerStateDict {
    const counts: { [epoch: string]: JsonValue } = {};
    for (const m of this.milestones) counts[String(m)] = ((counts[String(m)] as number | undefined) ?? 0) + 1;
    return { ...super.stateDict(), milestones: counts };
  }

  /** Restores the state; `milestones` may be the Counter form of stateDict() (PyTorch's) or an array of epochs. */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    const ms = stateDict?.milestones;
    if (Array.isArray(ms) && ms.every((m) => typeof m === 'number')) return super.loadStateDict({ ...stateDict, milestones: (ms as number[]).slice().sort((a, b) => a - b) });
    if (ms === null || typeof ms !== 'object' || Array.isArray(ms)) return super.loadStateDict(stateDict);
    const list: number[] = [];
    for (const [epoch, n] of Object.entries(ms)) {
      if (!Number.isInteger(Number(epoch)) || typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
        throw new TypeError(`MultiStepLR.loadStateDict: milestones must map integer epochs to counts, got ${JSON.stringify(ms)}`);
      }
      for (let i = 0; i < n; i++) list.push(Number(epoch));
    }
    super.loadStateDict({ ...stateDict, milestones: list.sort((a, b) => a - b) });
  }

  private count(epoch: number): number {
    return this.milestones.filter((m) => m === epoch).length;
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const c = this.count(this.lastEpoch);
    if (c === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** c);
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length; // bisect_right
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}
