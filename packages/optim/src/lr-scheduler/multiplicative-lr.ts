/** MultiplicativeLR: multiply the lr by a user function of the epoch, every epoch. */
import { Optimizer } from '../optimizer';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { LRScheduler, SchedulerStateDict } from './lr-scheduler';
import { LrLambda, lrLambdasOf } from './lambda-lr';

/** Options of {@link MultiplicativeLR}. */
export interface MultiplicativeLROptions {
  /** The factor for each epoch: one function for all groups, or one per parameter group. */
  lrLambda: LrLambda | LrLambda[];
  /** The index of the last epoch when resuming (default -1). */
  lastEpoch?: number;
  /** Print each lr it sets, as PyTorch 1.13's `verbose=True` (default false); not saved in the state dict. */
  verbose?: boolean;
}

/**
 * Multiplies each group's current lr by `lrLambda(epoch)` at every epoch after the first, lr_t =
 * lr_{t−1}·f(t) (PyTorch 1.13's `MultiplicativeLR`; LambdaLR instead sets lr_t = base·f(t)). The
 * functions are not saved in the state dict.
 * @example
 * const sched = new MultiplicativeLR(opt, () => 0.95); // or new MultiplicativeLR(opt, { lrLambda: () => 0.95 })
 */
export class MultiplicativeLR extends LRScheduler {
  declare lrLambdas: LrLambda[];

  /** PyTorch's `MultiplicativeLR(optimizer, lr_lambda, last_epoch=-1, verbose=False)`: positional values, then the other options. */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[lrLambda: LrLambda | LrLambda[]], [lastEpoch: number, verbose: boolean], MultiplicativeLROptions>) {
    const options = positionalOptions<MultiplicativeLROptions>('MultiplicativeLR', args, [pos.fnOrFns('lrLambda'), pos.number('lastEpoch'), pos.boolean('verbose')]);
    const lrLambdas = lrLambdasOf(optimizer, options.lrLambda, 'MultiplicativeLR');
    super(optimizer, options.lastEpoch ?? -1, { lrLambdas }, 'MultiplicativeLR', options.verbose);
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch > 0) return groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
    return groups.map((g) => g.lr);
  }

  /** The state without the functions (`lrLambdas` is a list of nulls, one per group). */
  override stateDict(): SchedulerStateDict {
    const { lrLambdas: _fns, ...rest } = super.stateDict();
    return { ...rest, lrLambdas: this.lrLambdas.map(() => null) };
  }

  /** Restores the state; the current functions are kept. */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    const { lrLambdas: _fns, ...rest } = stateDict ?? {};
    super.loadStateDict(rest);
  }
}
