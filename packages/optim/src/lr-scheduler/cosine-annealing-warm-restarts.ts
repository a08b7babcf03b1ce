/** CosineAnnealingWarmRestarts: SGDR's cosine annealing with restarts. */
import { Optimizer } from '../optimizer';
import { describe, pyNum } from '../util';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { LRScheduler } from './lr-scheduler';

/** Options of {@link CosineAnnealingWarmRestarts}. */
export interface CosineAnnealingWarmRestartsOptions {
  /** Epochs until the first restart (PyTorch's `T_0`), a positive integer. */
  t0: number;
  /** Each period is `tMult` times the previous one (PyTorch's `T_mult`, an integer ≥ 1, default 1). */
  tMult?: number;
  /** The minimum learning rate (PyTorch's `eta_min`, default 0). */
  etaMin?: number;
  /** The index of the last epoch when resuming (default -1). */
  lastEpoch?: number;
  /** Print each lr it sets, as PyTorch 1.13's `verbose=True` (default false); not saved in the state dict. */
  verbose?: boolean;
}

/**
 * SGDR (Loshchilov & Hutter): lr = etaMin + (base − etaMin)(1 + cos(π·tCur/tI))/2, where tCur counts the
 * epochs since the last restart and tI is the current period (t0, t0·tMult, t0·tMult², …) — PyTorch
 * 1.13's `CosineAnnealingWarmRestarts`. `step(epoch)` accepts fractional epochs, so it can be stepped per
 * batch: `sched.step(epoch + i / itersPerEpoch)`.
 * @example
 * const sched = new CosineAnnealingWarmRestarts(opt, 10, 2, 1e-5); // PyTorch's (opt, T_0=10, T_mult=2, eta_min=1e-5); or { t0: 10, tMult: 2, etaMin: 1e-5 }
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  declare readonly t0: number;
  declare tI: number;
  declare readonly tMult: number;
  declare readonly etaMin: number;
  declare tCur: number;

  /** PyTorch's `CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0, last_epoch=-1, verbose=False)`: positional values, then the other options. */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[t0: number], [tMult: number, etaMin: number, lastEpoch: number, verbose: boolean], CosineAnnealingWarmRestartsOptions>) {
    const options = positionalOptions<CosineAnnealingWarmRestartsOptions>('CosineAnnealingWarmRestarts', args, [pos.number('t0'), pos.number('tMult'), pos.number('etaMin'), pos.number('lastEpoch'), pos.boolean('verbose')]);
    const t0 = options.t0 as number;
    const tMult = options.tMult ?? 1;
    const etaMin = options.etaMin ?? 0;
    if (!(Number.isInteger(t0) && t0 > 0)) throw new RangeError(`CosineAnnealingWarmRestarts: Expected positive integer t0, but got ${pyNum(t0)}`);
    if (!(Number.isInteger(tMult) && tMult >= 1)) throw new RangeError(`CosineAnnealingWarmRestarts: Expected integer tMult >= 1, but got ${pyNum(tMult)}`);
    if (typeof etaMin !== 'number' || Number.isNaN(etaMin)) throw new TypeError(`CosineAnnealingWarmRestarts: etaMin must be a number, got ${pyNum(etaMin)}`);
    const lastEpoch = options.lastEpoch ?? -1;
    super(optimizer, lastEpoch, { t0, tI: t0, tMult, etaMin, tCur: lastEpoch }, 'CosineAnnealingWarmRestarts', options.verbose);
  }

  protected getLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }

  /**
   * Advances one epoch (restarting when the period ends), or jumps to `epoch`, which may be fractional
   * (e.g. `epoch + batch / batches` to anneal within an epoch).
   */
  override step(epoch?: number): void {
    // PyTorch 1.13's CosineAnnealingWarmRestarts.step replaces the base step and never counts: its
    // state_dict keeps _step_count 0, and so does this one.
    let e: number;
    let explicit = epoch !== undefined && epoch !== null;
    if (!explicit && this.lastEpoch < 0) {
      e = 0;
      explicit = true; // PyTorch's first step sets epoch = 0 and takes the explicit-epoch branch
    } else if (!explicit) {
      e = this.lastEpoch + 1;
      this.tCur = this.tCur + 1;
      if (this.tCur >= this.tI) {
        this.tCur = this.tCur - this.tI;
        this.tI = this.tI * this.tMult;
      }
    } else {
      if (typeof epoch !== 'number' || !Number.isFinite(epoch)) throw new TypeError(`CosineAnnealingWarmRestarts.step: epoch must be a number, got ${describe(epoch)}`);
      if (epoch < 0) throw new RangeError(`CosineAnnealingWarmRestarts.step: Expected non-negative epoch, but got ${pyNum(epoch)}`);
      e = epoch as number;
    }
    if (explicit) {
      if (e >= this.t0) {
        if (this.tMult === 1) {
          this.tCur = ((e % this.t0) + this.t0) % this.t0;
        } else {
          const n = Math.trunc(Math.log((e / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = e - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = e;
      }
    }
    this.lastEpoch = Math.floor(e);
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
      this.printLr(i, g.lr, e); // PyTorch passes the epoch it computed, so its lines say "Epoch ..."
    });
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }
}
