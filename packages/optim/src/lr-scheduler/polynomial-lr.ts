/** PolynomialLR: decay the lr polynomially to 0 over a fixed number of epochs. */
import { Optimizer } from '../optimizer';
import { pyNum } from '../util';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { LRScheduler } from './lr-scheduler';

/** Options of {@link PolynomialLR}. */
export interface PolynomialLROptions {
  /** Epochs over which the lr decays to 0 (default 5). */
  totalIters?: number;
  /** Power of the polynomial (default 1: linear). */
  power?: number;
  /** The index of the last epoch when resuming (default -1). */
  lastEpoch?: number;
  /** Print each lr it sets, as PyTorch 1.13's `verbose=True` (default false); not saved in the state dict. */
  verbose?: boolean;
}

/**
 * lr_t = base·(1 − min(t, totalIters)/totalIters)^power (PyTorch 1.13's `PolynomialLR`, in its
 * recursive form); 0 from `totalIters` on.
 * @example
 * const sched = new PolynomialLR(opt, 100, 2); // or new PolynomialLR(opt, { totalIters: 100, power: 2 })
 */
export class PolynomialLR extends LRScheduler {
  declare readonly totalIters: number;
  declare readonly power: number;

  /** PyTorch's `PolynomialLR(optimizer, total_iters=5, power=1.0, last_epoch=-1, verbose=False)`: positional values, then the other options. */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[], [totalIters: number, power: number, lastEpoch: number, verbose: boolean], PolynomialLROptions>) {
    const options = positionalOptions<PolynomialLROptions>('PolynomialLR', args, [pos.number('totalIters'), pos.number('power'), pos.number('lastEpoch'), pos.boolean('verbose')]);
    const totalIters = options.totalIters ?? 5;
    const power = options.power ?? 1.0;
    // PyTorch 1.13 checks neither; totalIters 0 would divide by zero.
    if (!(Number.isInteger(totalIters) && totalIters > 0)) throw new RangeError(`PolynomialLR: totalIters must be a positive integer, got ${pyNum(totalIters)}`);
    if (!(typeof power === 'number' && Number.isFinite(power))) throw new TypeError(`PolynomialLR: power must be a finite number, got ${pyNum(power)}`);
    super(optimizer, options.lastEpoch ?? -1, { totalIters, power }, 'PolynomialLR', options.verbose);
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const t = this.lastEpoch, n = this.totalIters;
    if (t === 0 || t > n) return groups.map((g) => g.lr);
    const decay = ((1.0 - t / n) / (1.0 - (t - 1) / n)) ** this.power;
    return groups.map((g) => g.lr * decay);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (1.0 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}
