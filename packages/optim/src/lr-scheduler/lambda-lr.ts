/** LambdaLR: lr = base lr × a user function of the epoch. */
import { Optimizer } from '../optimizer';
import { describe } from '../util';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { LRScheduler, SchedulerStateDict, checkOptimizer } from './lr-scheduler';

/** A multiplicative factor as a function of the epoch. */
export type LrLambda = (epoch: number) => number;

/** One function per parameter group from `lrLambda` (one for all, or an array), checked (LambdaLR, MultiplicativeLR). */
export function lrLambdasOf(optimizer: Optimizer, f: LrLambda | LrLambda[] | undefined, name: string): LrLambda[] {
  checkOptimizer(optimizer, name);
  const n = optimizer.paramGroups.length;
  let lrLambdas: LrLambda[];
  if (Array.isArray(f)) {
    if (f.length !== n) throw new RangeError(`${name}: Expected ${n} lr_lambdas, but got ${f.length}`);
    lrLambdas = f.slice();
  } else {
    lrLambdas = new Array<LrLambda>(n).fill(f as LrLambda);
  }
  lrLambdas.forEach((fn, i) => {
    if (typeof fn !== 'function') throw new TypeError(`${name}: lrLambda${Array.isArray(f) ? `[${i}]` : ''} must be a function of the epoch, got ${describe(fn)}`);
  });
  return lrLambdas;
}

/** Options of {@link LambdaLR}. */
export interface LambdaLROptions {
  /** One function for all groups, or one per parameter group. */
  lrLambda: LrLambda | LrLambda[];
  /** The index of the last epoch when resuming (default -1). */
  lastEpoch?: number;
  /** Print each lr it sets, as PyTorch 1.13's `verbose=True` (default false); not saved in the state dict. */
  verbose?: boolean;
}

/**
 * Sets each group's lr to its base lr times `lrLambda(epoch)` (PyTorch 1.13's `LambdaLR`). The functions
 * are not saved in the state dict (PyTorch saves `None` for plain functions; so does tapegrad).
 * @example
 * const sched = new LambdaLR(opt, (epoch) => 0.95 ** epoch); // or new LambdaLR(opt, { lrLambda: (epoch) => 0.95 ** epoch })
 */
export class LambdaLR extends LRScheduler {
  declare lrLambdas: LrLambda[];

  /** PyTorch's `LambdaLR(optimizer, lr_lambda, last_epoch=-1, verbose=False)`: positional values, then the other options. */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[lrLambda: LrLambda | LrLambda[]], [lastEpoch: number, verbose: boolean], LambdaLROptions>) {
    const options = positionalOptions<LambdaLROptions>('LambdaLR', args, [pos.fnOrFns('lrLambda'), pos.number('lastEpoch'), pos.boolean('verbose')]);
    const lrLambdas = lrLambdasOf(optimizer, options.lrLambda, 'LambdaLR');
    super(optimizer, options.lastEpoch ?? -1, { lrLambdas }, 'LambdaLR', options.verbose);
  }

  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i](this.lastEpoch));
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
