/** ConstantLR: a constant factor on the lr for the first epochs (a simple warm-up). */
import { Optimizer } from '../optimizer';
import { pyNum } from '../util';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { LRScheduler } from './lr-scheduler';

/** Options of {@link ConstantLR}. */
export interface ConstantLROptions {
  /** The factor applied until `totalIters`, in (0, 1] (default 1/3). */
  factor?: number;
  /** The epoch at which the lr returns to its base value (default 5). */
  totalIters?: number;
  /** The index of the last epoch when resuming (default -1). */
  lastEpoch?: number;
  /** Print each lr it sets, as PyTorch 1.13's `verbose=True` (default false); not saved in the state dict. */
  verbose?: boolean;
}

/**
 * Multiplies each group's lr by `factor` for epochs 0 … totalIters − 1, then restores it (PyTorch 1.13's
 * `ConstantLR`). PyTorch accepts factor 0 and then multiplies by 1/0 at `totalIters`; tapegrad rejects it.
 * @example
 * const sched = new ConstantLR(opt, 0.5, 4); // or new ConstantLR(opt, { factor: 0.5, totalIters: 4 })
 */
export class ConstantLR extends LRScheduler {
  declare readonly factor: number;
  declare readonly totalIters: number;

  /** PyTorch's `ConstantLR(optimizer, factor=1/3, total_iters=5, last_epoch=-1, verbose=False)`: positional values, then the other options. */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[], [factor: number, totalIters: number, lastEpoch: number, verbose: boolean], ConstantLROptions>) {
    const options = positionalOptions<ConstantLROptions>('ConstantLR', args, [pos.number('factor'), pos.number('totalIters'), pos.number('lastEpoch'), pos.boolean('verbose')]);
    const factor = options.factor ?? 1 / 3;
    const totalIters = options.totalIters ?? 5;
    if (!(typeof factor === 'number' && factor > 0 && factor <= 1)) {
      throw new RangeError(`ConstantLR: Constant multiplicative factor expected to be between 0 and 1. It must be greater than 0 and at most 1, got ${pyNum(factor)}`);
    }
    if (!(Number.isInteger(totalIters) && totalIters >= 0)) throw new RangeError(`ConstantLR: totalIters must be a non-negative integer, got ${pyNum(totalIters)}`);
    super(optimizer, options.lastEpoch ?? -1, { factor, totalIters }, 'ConstantLR', options.verbose);
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1.0 / this.factor));
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
}
