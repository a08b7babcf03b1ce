/** ReduceLROnPlateau: cut the lr when a monitored metric stops improving. */
import { noteUncapturable } from '@tapegrad/core/internal';
import { Tensor } from '@tapegrad/core';
import { Optimizer } from '../optimizer';
import { cloneOption, describe, isPlainObject, pyNum } from '../util';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { SchedulerStateDict, checkOptimizer, defineVerbose, orderedState, pyEpoch, pyLr } from './lr-scheduler';

/** PyTorch 1.13's state_dict() order for ReduceLROnPlateau (its verbose is a setting here, not state). */
const PLATEAU_KEYS = ['factor', 'minLrs', 'patience', 'cooldown', 'cooldownCounter', 'mode', 'threshold', 'thresholdMode', 'best', 'numBadEpochs', 'modeWorse', 'eps', 'lastEpoch', '_lastLr'];

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** 'min': reduce when the metric stops decreasing; 'max': when it stops increasing (default 'min'). */
  mode?: 'min' | 'max';
  /** new lr = lr · factor (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement to tolerate; the lr is cut on the next bad epoch after that (default 10). */
  patience?: number;
  /** How much better counts as better (default 1e-4). */
  threshold?: number;
  /** 'rel': better means below best·(1 − threshold) (min) / above best·(1 + threshold) (max); 'abs': below best − threshold / above best + threshold (default 'rel'). */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a cut before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr: one for all groups or one per group (default 0). */
  minLr?: number | number[];
  /** Cuts smaller than this are skipped (default 1e-8). */
  eps?: number;
  /** Print a line for each cut, as PyTorch 1.13's `verbose=True` does (default false). */
  verbose?: boolean;
}

/**
 * Reduces each group's lr by `factor` when the metric passed to `step(metric)` has not improved for more
 * than `patience` epochs (PyTorch 1.13's `ReduceLROnPlateau`, same counters and comparisons). Unlike the
 * other schedulers it does not step on construction and needs the metric.
 * @example
 * const sched = new ReduceLROnPlateau(opt, 'min', 0.5, 2); // or new ReduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 2 })
 * for (let epoch = 0; epoch < 50; epoch++) { train(); sched.step(validationLoss()); }
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer;
  factor: number;
  minLrs: number[];
  patience: number;
  cooldown: number;
  cooldownCounter = 0;
  mode: 'min' | 'max';
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  modeWorse: number;
  eps: number;
  /** Print each cut (PyTorch's `verbose`); a setting of this object, not saved in its state dict. */
  declare verbose: boolean;
  lastEpoch = 0;
  /** @internal */
  _lastLr: number[];

  /**
   * PyTorch's `ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10, threshold=1e-4,
   * threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8, verbose=False)`: positional values, then the other options.
   */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[], [
    mode: 'min' | 'max', factor: number, patience: number, threshold: number, thresholdMode: 'rel' | 'abs', cooldown: number,
    minLr: number | number[], eps: number, verbose: boolean,
  ], ReduceLROnPlateauOptions>) {
    const options = positionalOptions<ReduceLROnPlateauOptions>('ReduceLROnPlateau', args, [
      pos.string('mode'), pos.number('factor'), pos.number('patience'), pos.number('threshold'), pos.string('thresholdMode'),
      pos.number('cooldown'), pos.numberOrNumbers('minLr'), pos.number('eps'), pos.boolean('verbose'),
    ]);
    const factor = options.factor ?? 0.1;
    if (!(typeof factor === 'number' && factor < 1)) throw new RangeError(`ReduceLROnPlateau: Factor should be < 1.0. (got ${pyNum(factor)})`);
    checkOptimizer(optimizer, 'ReduceLROnPlateau');
    this.factor = factor;
    this.optimizer = optimizer;
    const n = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr)) {
      if (minLr.length !== n) throw new RangeError(`ReduceLROnPlateau: expected ${n} min_lrs, got ${minLr.length}`);
      this.minLrs = minLr.slice();
    } else {
      this.minLrs = new Array<number>(n).fill(minLr);
    }
    this.patience = options.patience ?? 10;
    this.cooldown = options.cooldown ?? 0;
    this.eps = options.eps ?? 1e-8;
    defineVerbose(this, 'ReduceLROnPlateau', options.verbose ?? false);
    this.mode = options.mode ?? 'min';
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.modeWorse = Infinity;
    this.best = Infinity;
    this.initIsBetter();
    this.reset();
    this._lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private initIsBetter(): void {
    if (this.mode !== 'min' && this.mode !== 'max') throw new RangeError(`ReduceLROnPlateau: mode ${String(this.mode)} is unknown! (expected 'min' or 'max')`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') throw new RangeError(`ReduceLROnPlateau: threshold mode ${String(this.thresholdMode)} is unknown! (expected 'rel' or 'abs')`);
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
  }

  private reset(): void {
    this.best = this.modeWorse;
    this.cooldownCounter = 0;
    this.numBadEpochs = 0;
  }

  /** True while counting down the cooldown after a cut. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether `a` improves on `best` under the mode and threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /** Records one epoch's metric (a number or a one-element tensor) and cuts the lr if it has plateaued. */
  step(metric: number | Tensor, epoch?: number): void {
    noteUncapturable(`${this.constructor.name}.step inside a compiled step (a replay would not step it; step schedulers outside compile's fn)`);
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== 'number') throw new TypeError(`ReduceLROnPlateau.step: metric must be a number or a one-element Tensor, got ${describe(metric)}`);
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown are ignored
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr > this.eps) {
        g.lr = newLr;
        if (this.verbose) console.log(`Epoch ${pyEpoch(this.lastEpoch)}: reducing learning rate of group ${i} to ${pyLr(newLr)}.`);
      }
    });
  }

  /** The learning rates after the last step (the current ones before any step). */
  getLastLr(): number[] {
    return this._lastLr.slice();
  }

  /** Every field except the optimizer; `best` may be ±Infinity (JSON turns that into null, which loading accepts). */
  stateDict(): SchedulerStateDict {
    return orderedState(this, PLATEAU_KEYS);
  }

  loadStateDict(stateDict: SchedulerStateDict): void {
    if (!isPlainObject(stateDict)) throw new TypeError(`ReduceLROnPlateau.loadStateDict: expected an object from stateDict(), got ${describe(stateDict)}`);
    for (const [k, v] of Object.entries(stateDict)) if (k !== 'optimizer') (this as unknown as Record<string, unknown>)[k] = cloneOption(v);
    this.initIsBetter();
    // JSON writes ±Infinity as null: the only non-finite best is "nothing seen yet", i.e. modeWorse.
    if (this.best === null || this.best === undefined) this.best = this.modeWorse;
  }
}
