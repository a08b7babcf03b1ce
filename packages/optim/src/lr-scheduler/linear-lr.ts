/** LinearLR: scale the lr by a factor moving linearly from startFactor to endFactor. */
import { Optimizer } from '../optimizer';
import { pyNum } from '../util';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { LRScheduler } from './lr-scheduler';

/** Options of {@link LinearLR}. */
export interface LinearLROptions {
  /** Factor at epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor from epoch `totalIters` on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Number of epochs over which the factor moves (default 5). */
  totalIters?: number;
  /** The index of the last epoch when resuming (default -1). */
  lastEpoch?: number;
  /** Print each lr it sets, as PyTorch 1.13's `verbose=True` (default false); not saved in the state dict. */
  verbose?: boolean;
}

/**
 * Multiplies each group's base lr by a factor that moves linearly from `startFactor` to `endFactor`
 * over `totalIters` epochs, then stays: lr_t = base · (start + (end − start) · min(t, totalIters) / totalIters)
 * (PyTorch 1.13's `LinearLR`, computed in its recursive form). Commonly used as a warm-up.
 *
 * PyTorch 1.13 accepts startFactor = 0 and then divides by zero at the first step; tapegrad rejects it
 * up front, as later PyTorch versions do.
 * @example
 * const warmup = new LinearLR(opt, 0.1, 1.0, 5); // or new LinearLR(opt, { startFactor: 0.1, totalIters: 5 })
 */
export class LinearLR extends LRScheduler {
  declare readonly startFactor: number;
  declare readonly endFactor: number;
  declare readonly totalIters: number;

  /** PyTorch's `LinearLR(optimizer, start_factor=1/3, end_factor=1.0, total_iters=5, last_epoch=-1, verbose=False)`: positional values, then the other options. */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[], [startFactor: number, endFactor: number, totalIters: number, lastEpoch: number, verbose: boolean], LinearLROptions>) {
    const options = positionalOptions<LinearLROptions>('LinearLR', args, [pos.number('startFactor'), pos.number('endFactor'), pos.number('totalIters'), pos.number('lastEpoch'), pos.boolean('verbose')]);
    const startFactor = options.startFactor ?? 1 / 3;
    const endFactor = options.endFactor ?? 1;
    const totalIters = options.totalIters ?? 5;
    if (!(typeof startFactor === 'number' && startFactor > 0 && startFactor <= 1)) {
      throw new RangeError(`LinearLR: Starting multiplicative factor expected to be between 0 and 1. It must be greater than 0 and less or equal to 1, got ${pyNum(startFactor)}`);
    }
    if (!(typeof endFactor === 'number' && endFactor >= 0 && endFactor <= 1)) {
      throw new RangeError(`LinearLR: Ending multiplicative factor expected to be between 0 and 1. (got ${pyNum(endFactor)})`);
    }
    if (!(Number.isInteger(totalIters) && totalIters > 0)) throw new RangeError(`LinearLR: totalIters must be a positive integer, got ${pyNum(totalIters)}`);
    super(optimizer, options.lastEpoch ?? -1, { startFactor, endFactor, totalIters }, 'LinearLR', options.verbose);
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * s);
    if (this.lastEpoch > n) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (e - s) / (n * s + (this.lastEpoch - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, this.lastEpoch)) / n));
  }
}
