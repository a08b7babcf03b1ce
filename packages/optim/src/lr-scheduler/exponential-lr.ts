/** ExponentialLR: multiply the lr by gamma every epoch. */
import { Optimizer } from '../optimizer';
import { pyNum } from '../util';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { LRScheduler } from './lr-scheduler';

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions {
  /** Multiplicative factor per epoch (required). */
  gamma: number;
  /** The index of the last epoch when resuming (default -1). */
  lastEpoch?: number;
  /** Print each lr it sets, as PyTorch 1.13's `verbose=True` (default false); not saved in the state dict. */
  verbose?: boolean;
}

/**
 * Decays each group's lr by `gamma` every epoch: lr_t = base · gamma^t (PyTorch 1.13's `ExponentialLR`).
 * @example
 * const sched = new ExponentialLR(opt, 0.95); // or new ExponentialLR(opt, { gamma: 0.95 })
 */
export class ExponentialLR extends LRScheduler {
  declare readonly gamma: number;

  /** PyTorch's `ExponentialLR(optimizer, gamma, last_epoch=-1, verbose=False)`: positional values, then the other options. */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[gamma: number], [lastEpoch: number, verbose: boolean], ExponentialLROptions>) {
    const options = positionalOptions<ExponentialLROptions>('ExponentialLR', args, [pos.number('gamma'), pos.number('lastEpoch'), pos.boolean('verbose')]);
    const gamma = options.gamma;
    if (typeof gamma !== 'number' || Number.isNaN(gamma)) throw new TypeError(`ExponentialLR: gamma is required and must be a number, got ${pyNum(gamma)}`);
    super(optimizer, options.lastEpoch ?? -1, { gamma }, 'ExponentialLR', options.verbose);
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}
