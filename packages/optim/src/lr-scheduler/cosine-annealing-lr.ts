/** CosineAnnealingLR: the cosine part of SGDR, without restarts. */
import { Optimizer } from '../optimizer';
import { pyNum } from '../util';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { LRScheduler, pyMod } from './lr-scheduler';

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions {
  /** Half-period of the cosine, in epochs (PyTorch's `T_max`). */
  tMax: number;
  /** The minimum learning rate (PyTorch's `eta_min`, default 0). */
  etaMin?: number;
  /** The index of the last epoch when resuming (default -1). */
  lastEpoch?: number;
  /** Print each lr it sets, as PyTorch 1.13's `verbose=True` (default false); not saved in the state dict. */
  verbose?: boolean;
}

/**
 * Anneals each group's lr along a cosine from its initial value to `etaMin` over `tMax` epochs,
 * lr_t = etaMin + (base − etaMin)(1 + cos(π t / tMax)) / 2, using PyTorch 1.13's recursive form
 * lr_t = (1 + cos(π t/T)) / (1 + cos(π (t−1)/T)) · (lr_{t−1} − etaMin) + etaMin, with PyTorch's special
 * case at t − 1 − T ≡ 0 (mod 2T), where that ratio is 0/0. Past `tMax` the lr does not stay at etaMin:
 * it follows the cosine back up (period 2·tMax), as PyTorch does.
 * @example
 * const sched = new CosineAnnealingLR(opt, 100, 1e-5); // PyTorch's CosineAnnealingLR(opt, T_max=100, eta_min=1e-5); or { tMax: 100, etaMin: 1e-5 }
 */
export class CosineAnnealingLR extends LRScheduler {
  declare readonly tMax: number;
  declare readonly etaMin: number;

  /** PyTorch's `CosineAnnealingLR(optimizer, T_max, eta_min=0, last_epoch=-1, verbose=False)`: positional values, then the other options. */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[tMax: number], [etaMin: number, lastEpoch: number, verbose: boolean], CosineAnnealingLROptions>) {
    const options = positionalOptions<CosineAnnealingLROptions>('CosineAnnealingLR', args, [pos.number('tMax'), pos.number('etaMin'), pos.number('lastEpoch'), pos.boolean('verbose')]);
    const tMax = options.tMax;
    if (!(typeof tMax === 'number' && tMax > 0)) throw new RangeError(`CosineAnnealingLR: tMax is required and must be a number > 0, got ${pyNum(tMax)}`);
    const etaMin = options.etaMin ?? 0;
    if (typeof etaMin !== 'number' || Number.isNaN(etaMin)) throw new TypeError(`CosineAnnealingLR: etaMin must be a number, got ${pyNum(etaMin)}`);
    super(optimizer, options.lastEpoch ?? -1, { tMax, etaMin }, 'CosineAnnealingLR', options.verbose);
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const t = this.lastEpoch, T = this.tMax, etaMin = this.etaMin;
    if (t === 0) return groups.map((g) => g.lr);
    if (this._stepCount === 1 && t > 0) {
      return this.baseLrs.map((b) => etaMin + (b - etaMin) * (1 + Math.cos((t * Math.PI) / T)) / 2);
    }
    if (pyMod(t - 1 - T, 2 * T) === 0) {
      return groups.map((g, i) => g.lr + (this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T)) / 2);
    }
    return groups.map((g) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (g.lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + (b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax)) / 2);
  }
}
