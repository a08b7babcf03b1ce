/** CyclicLR: cycle the lr (and optionally the momentum) between two bounds (Smith 2017). */
import { Optimizer } from '../optimizer';
import { describe, isPlainObject, pyNum } from '../util';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { LRScheduler, SchedulerStateDict, checkOptimizer } from './lr-scheduler';

/** PyTorch's policy names. */
export type CyclicLRMode = 'triangular' | 'triangular2' | 'exp_range';

/** Options of {@link CyclicLR}. */
export interface CyclicLROptions {
  /** Lower lr bound of the cycle: one for all groups or one per group; it replaces each group's lr. */
  baseLr: number | number[];
  /** Upper lr bound (must be ≥ baseLr): one for all groups or one per group. */
  maxLr: number | number[];
  /** Iterations in the increasing half of a cycle (default 2000). */
  stepSizeUp?: number;
  /** Iterations in the decreasing half (default: stepSizeUp). */
  stepSizeDown?: number | null;
  /** 'triangular' (constant amplitude), 'triangular2' (halved each cycle) or 'exp_range' (scaled by gamma^iteration); default 'triangular'. */
  mode?: CyclicLRMode;
  /** exp_range's base (default 1). */
  gamma?: number;
  /** A custom amplitude scale, in [0, 1] for all x ≥ 0; overrides `mode`. */
  scaleFn?: ((x: number) => number) | null;
  /** Whether `scaleFn` takes the cycle number ('cycle') or the iteration ('iterations'); default 'cycle'. */
  scaleMode?: 'cycle' | 'iterations';
  /** Cycle the optimizer's momentum inversely to the lr, between baseMomentum and maxMomentum (default true). */
  cycleMomentum?: boolean;
  /** Lower momentum bound (default 0.8). */
  baseMomentum?: number | number[];
  /** Upper momentum bound (default 0.9). */
  maxMomentum?: number | number[];
  /** The index of the last batch when resuming (default -1). */
  lastEpoch?: number;
  /** Print each lr it sets, as PyTorch 1.13's `verbose=True` (default false); not saved in the state dict. */
  verbose?: boolean;
}

/** PyTorch's parameter order. */
const PARAMS = [
  pos.numberOrNumbers('baseLr'), pos.numberOrNumbers('maxLr'), pos.number('stepSizeUp'), pos.nullableNumber('stepSizeDown'), pos.string('mode'),
  pos.number('gamma'), pos.nullableFn('scaleFn'), pos.string('scaleMode'), pos.boolean('cycleMomentum'), pos.numberOrNumbers('baseMomentum'),
  pos.numberOrNumbers('maxMomentum'), pos.number('lastEpoch'), pos.boolean('verbose'),
];

/** One value per parameter group from a scalar or an array (PyTorch's `_format_param`). */
export function perGroup(optimizer: Optimizer, name: string, key: string, v: unknown): number[] {
  const n = optimizer.paramGroups.length;
  const list = Array.isArray(v) ? v : new Array<unknown>(n).fill(v);
  if (list.length !== n) throw new RangeError(`${name}: expected ${n} values for ${key}, got ${list.length}`);
  list.forEach((x, i) => {
    if (typeof x !== 'number' || Number.isNaN(x)) throw new TypeError(`${name}: ${key}${Array.isArray(v) ? `[${i}]` : ''} must be a number, got ${describe(x)}`);
  });
  return list as number[];
}

/**
 * Cyclical learning rates, as PyTorch 1.13's `CyclicLR`: step it after every batch. With c the cycle
 * number (from 1) and x the position in the cycle, the lr rises linearly from baseLr to maxLr over
 * `stepSizeUp` iterations and falls back over `stepSizeDown`, the amplitude scaled by 1 (triangular),
 * 1/2^(c−1) (triangular2) or gamma^iteration (exp_range). With `cycleMomentum` the group's `momentum`
 * moves the other way between maxMomentum and baseMomentum (the optimizer must have a `momentum`
 * option, like SGD or RMSprop).
 *
 * tapegrad rejects maxLr < baseLr (PyTorch 1.13 silently runs the cycle upside down).
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const sched = new CyclicLR(opt, 0.01, 0.1, { stepSizeUp: 200 }); // or new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 200 })
 */
export class CyclicLR extends LRScheduler {
  declare maxLrs: number[];
  declare totalSize: number;
  declare stepRatio: number;
  declare mode: CyclicLRMode;
  declare gamma: number;
  declare scaleMode: 'cycle' | 'iterations';
  declare cycleMomentum: boolean;
  /** With `cycleMomentum` only (PyTorch 1.13 sets them in that branch, so its state_dict has them only then). */
  declare baseMomentums: number[];
  declare maxMomentums: number[];
  /** The `scaleFn` option, or null (PyTorch's `_scale_fn_custom`). */
  declare _scaleFnCustom: ((x: number) => number) | null;
  /**
   * Always null: PyTorch's `_scale_fn_ref` is a weak reference to its built-in policy method (None with a
   * custom scaleFn), which is no state; the key is kept so that stateDict() lists PyTorch's keys in order.
   */
  declare _scaleFnRef: null;

  /**
   * PyTorch's `CyclicLR(optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode='triangular',
   * gamma=1.0, scale_fn=None, scale_mode='cycle', cycle_momentum=True, base_momentum=0.8, max_momentum=0.9,
   * last_epoch=-1, verbose=False)`: positional values, then the other options.
   */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[baseLr: number | number[], maxLr: number | number[]], [
    stepSizeUp: number, stepSizeDown: number | null, mode: CyclicLRMode, gamma: number, scaleFn: ((x: number) => number) | null,
    scaleMode: 'cycle' | 'iterations', cycleMomentum: boolean, baseMomentum: number | number[], maxMomentum: number | number[], lastEpoch: number, verbose: boolean,
  ], CyclicLROptions>) {
    const name = 'CyclicLR';
    const o = positionalOptions<CyclicLROptions>(name, args, PARAMS);
    checkOptimizer(optimizer, name);
    if (o.baseLr === undefined || o.maxLr === undefined) throw new TypeError(`${name}: baseLr and maxLr are required`);
    const lastEpoch = o.lastEpoch ?? -1;
    const baseLrs = perGroup(optimizer, name, 'baseLr', o.baseLr);
    const maxLrs = perGroup(optimizer, name, 'maxLr', o.maxLr);
    baseLrs.forEach((b, i) => {
      if (b < 0) throw new RangeError(`${name}: Invalid learning rate: baseLr ${pyNum(b)} (group ${i}) must be >= 0`);
      if (maxLrs[i] < b) throw new RangeError(`${name}: maxLr ${pyNum(maxLrs[i])} is below baseLr ${pyNum(b)} (group ${i}); expected baseLr <= maxLr`);
    });
    const up = o.stepSizeUp ?? 2000;
    const down = o.stepSizeDown ?? up;
    for (const [k, v] of [['stepSizeUp', up], ['stepSizeDown', down]] as const) {
      if (!(typeof v === 'number' && v > 0)) throw new RangeError(`${name}: ${k} must be a number > 0, got ${pyNum(v)}`);
    }
    const mode = o.mode ?? 'triangular';
    const scaleFn = o.scaleFn ?? null;
    if (!['triangular', 'triangular2', 'exp_range'].includes(mode) && scaleFn === null) {
      throw new RangeError(`${name}: mode is invalid and scaleFn is null: mode must be 'triangular', 'triangular2' or 'exp_range' (PyTorch's names), got ${describe(mode)}`);
    }
    if (scaleFn !== null && typeof scaleFn !== 'function') throw new TypeError(`${name}: scaleFn must be a function, got ${describe(scaleFn)}`);
    const scaleMode = scaleFn !== null ? (o.scaleMode ?? 'cycle') : mode === 'exp_range' ? 'iterations' : 'cycle';
    if (scaleMode !== 'cycle' && scaleMode !== 'iterations') throw new RangeError(`${name}: scaleMode must be 'cycle' or 'iterations', got ${describe(scaleMode)}`);
    if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => { g.lr = baseLrs[i]; });
    const cycleMomentum = o.cycleMomentum ?? true;
    let baseMomentums: number[] = [], maxMomentums: number[] = [];
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults)) throw new Error(`${name}: optimizer must support momentum with the cycleMomentum option enabled (it has no 'momentum' option); pass cycleMomentum: false`);
      const bm = perGroup(optimizer, name, 'baseMomentum', o.baseMomentum ?? 0.8);
      if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => { (g as unknown as Record<string, unknown>).momentum = bm[i]; });
      baseMomentums = optimizer.paramGroups.map((g) => (g as unknown as Record<string, number>).momentum);
      maxMomentums = perGroup(optimizer, name, 'maxMomentum', o.maxMomentum ?? 0.9);
    }
    super(optimizer, lastEpoch, {
      maxLrs, totalSize: up + down, stepRatio: up / (up + down), mode, gamma: o.gamma ?? 1, _scaleFnCustom: scaleFn, _scaleFnRef: null,
      scaleMode, cycleMomentum, ...(cycleMomentum ? { baseMomentums, maxMomentums } : {}),
    }, name, o.verbose);
    this.baseLrs = baseLrs;
  }

  /** PyTorch's keys in its order; a custom scaleFn (a function, no JSON) is written as null, as LambdaLR's functions. */
  override stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(super.stateDict())) {
      if (k === '_scaleFnRef' && !('_scaleFnCustom' in out)) out._scaleFnCustom = null;
      out[k] = v;
    }
    return out;
  }

  /** Restores the state; a null `_scaleFnCustom` keeps this scheduler's own scaleFn (functions are not saved). */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    if (isPlainObject(stateDict) && stateDict._scaleFnCustom === null) {
      const { _scaleFnCustom: _fn, ...rest } = stateDict;
      super.loadStateDict(rest);
    } else super.loadStateDict(stateDict);
  }

  /** The amplitude scale at `x` (a cycle number or an iteration, per `scaleMode`). */
  scaleFn(x: number): number {
    if (this._scaleFnCustom !== null) return this._scaleFnCustom(x);
    if (this.mode === 'triangular') return 1;
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    return this.gamma ** x;
  }

  protected getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const at = this.scaleMode === 'cycle' ? cycle : this.lastEpoch;
    const lrs = this.baseLrs.map((b, i) => b + (this.maxLrs[i] - b) * scaleFactor * this.scaleFn(at));
    if (this.cycleMomentum) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const height = (this.maxMomentums[i] - this.baseMomentums[i]) * scaleFactor;
        (g as unknown as Record<string, unknown>).momentum = this.maxMomentums[i] - height * this.scaleFn(at);
      });
    }
    return lrs;
  }
}
