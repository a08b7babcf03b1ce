/** OneCycleLR: the 1cycle policy (Smith & Topin 2018): warm up to maxLr, then anneal far below the start. */
import { Optimizer } from '../optimizer';
import { describe, pyNum } from '../util';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { LRScheduler, checkOptimizer } from './lr-scheduler';
import { perGroup } from './cyclic-lr';

/** Options of {@link OneCycleLR}. */
export interface OneCycleLROptions {
  /** The peak lr: one for all groups or one per group. */
  maxLr: number | number[];
  /** Total number of steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number | null;
  /** With `stepsPerEpoch`: totalSteps = epochs · stepsPerEpoch. */
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  /** Fraction of the cycle spent increasing the lr, in [0, 1] (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear' annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle the momentum (SGD's `momentum`, or β1 of Adam-like `betas`) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Momentum at the lr's peak (default 0.85). */
  baseMomentum?: number | number[];
  /** Momentum at the start and end (default 0.95). */
  maxMomentum?: number | number[];
  /** Initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** Minimum lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, back down to the initial lr, then down to the minimum) as in fastai's original, instead of two (default false). */
  threePhase?: boolean;
  /** The index of the last step when resuming (default -1). */
  lastEpoch?: number;
  /** Print each lr it sets, as PyTorch 1.13's `verbose=True` (default false); not saved in the state dict. */
  verbose?: boolean;
}

/** A phase of the cycle: where it ends and which group keys it anneals between. */
export interface OneCyclePhase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
  [key: string]: number | string;
}

/** PyTorch's parameter order. */
const PARAMS = [
  pos.numberOrNumbers('maxLr'), pos.nullableNumber('totalSteps'), pos.nullableNumber('epochs'), pos.nullableNumber('stepsPerEpoch'), pos.number('pctStart'),
  pos.string('annealStrategy'), pos.boolean('cycleMomentum'), pos.numberOrNumbers('baseMomentum'), pos.numberOrNumbers('maxMomentum'),
  pos.number('divFactor'), pos.number('finalDivFactor'), pos.boolean('threePhase'), pos.number('lastEpoch'), pos.boolean('verbose'),
];

const positiveInt = (v: unknown, what: string): number => {
  if (!(Number.isInteger(v) && (v as number) > 0)) throw new RangeError(`OneCycleLR: Expected positive integer ${what}, but got ${pyNum(v)}`);
  return v as number;
};

/**
 * The 1cycle policy, as PyTorch 1.13's `OneCycleLR`: step it after every batch, `totalSteps` times.
 * Each group starts at maxLr/divFactor, rises to maxLr over the first pctStart of the steps, then
 * anneals to maxLr/(divFactor·finalDivFactor) (threePhase: first back to the start, then to the
 * minimum). The momentum (or β1) moves the other way between maxMomentum and baseMomentum. Creating
 * it sets each group's `initialLr`, `maxLr`, `minLr` (and `maxMomentum`, `baseMomentum`), as PyTorch does.
 * Stepping beyond `totalSteps` is an error.
 * @example
 * const sched = new OneCycleLR(opt, 0.1, { epochs: 10, stepsPerEpoch: loader.length }); // or new OneCycleLR(opt, 0.1, 1000) for totalSteps 1000
 */
export class OneCycleLR extends LRScheduler {
  declare totalSteps: number;
  declare _schedulePhases: OneCyclePhase[];
  declare annealStrategy: 'cos' | 'linear';
  declare cycleMomentum: boolean;
  /** Whether momentum cycles `betas[0]` (Adam & co.) rather than `momentum`; only set with `cycleMomentum`, as in PyTorch 1.13. */
  declare useBeta1?: boolean;

  /**
   * PyTorch's `OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
   * anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85, max_momentum=0.95, div_factor=25.,
   * final_div_factor=1e4, three_phase=False, last_epoch=-1, verbose=False)`: positional values, then the other options.
   */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[maxLr: number | number[]], [
    totalSteps: number | null, epochs: number | null, stepsPerEpoch: number | null, pctStart: number, annealStrategy: 'cos' | 'linear',
    cycleMomentum: boolean, baseMomentum: number | number[], maxMomentum: number | number[], divFactor: number, finalDivFactor: number,
    threePhase: boolean, lastEpoch: number, verbose: boolean,
  ], OneCycleLROptions>) {
    const name = 'OneCycleLR';
    const o = positionalOptions<OneCycleLROptions>(name, args, PARAMS);
    checkOptimizer(optimizer, name);
    let totalSteps: number;
    if (o.totalSteps == null && o.epochs == null && o.stepsPerEpoch == null) {
      throw new TypeError(`${name}: You must define either totalSteps OR (epochs AND stepsPerEpoch)`);
    } else if (o.totalSteps != null) {
      totalSteps = positiveInt(o.totalSteps, 'totalSteps');
    } else {
      totalSteps = positiveInt(o.epochs, 'epochs') * positiveInt(o.stepsPerEpoch, 'stepsPerEpoch');
    }
    const pct = o.pctStart ?? 0.3;
    if (!(typeof pct === 'number' && pct >= 0 && pct <= 1)) throw new RangeError(`${name}: Expected float between 0 and 1 pctStart, but got ${pyNum(pct)}`);
    const phases: OneCyclePhase[] = o.threePhase
      ? [
        { endStep: pct * totalSteps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: 2 * pct * totalSteps - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        { endStep: totalSteps - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
      ]
      : [
        { endStep: pct * totalSteps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: totalSteps - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
      ];
    const annealStrategy = o.annealStrategy ?? 'cos';
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') throw new RangeError(`${name}: annealStrategy must be one of 'cos' or 'linear', instead got ${describe(annealStrategy)}`);
    const divFactor = o.divFactor ?? 25;
    const finalDivFactor = o.finalDivFactor ?? 1e4;
    for (const [k, v] of [['divFactor', divFactor], ['finalDivFactor', finalDivFactor]] as const) {
      if (!(typeof v === 'number' && v > 0)) throw new RangeError(`${name}: ${k} must be a number > 0, got ${pyNum(v)}`);
    }
    const maxLrs = perGroup(optimizer, name, 'maxLr', o.maxLr);
    const lastEpoch = o.lastEpoch ?? -1;
    const groups = optimizer.paramGroups as unknown as Record<string, unknown>[];
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    const cycleMomentum = o.cycleMomentum ?? true;
    let useBeta1 = false;
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !('betas' in optimizer.defaults)) {
        throw new Error(`${name}: optimizer must support momentum with the cycleMomentum option enabled (it has neither 'momentum' nor 'betas'); pass cycleMomentum: false`);
      }
      useBeta1 = 'betas' in optimizer.defaults;
      const maxM = perGroup(optimizer, name, 'maxMomentum', o.maxMomentum ?? 0.95);
      const baseM = perGroup(optimizer, name, 'baseMomentum', o.baseMomentum ?? 0.85);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxM[i], ...(g.betas as number[]).slice(1)];
          else g.momentum = maxM[i];
          g.maxMomentum = maxM[i];
          g.baseMomentum = baseM[i];
        });
      }
    }
    // PyTorch 1.13 sets use_beta1 only inside its cycle_momentum branch, so its state_dict has the key only then.
    super(optimizer, lastEpoch, { totalSteps, _schedulePhases: phases, annealStrategy, cycleMomentum, ...(cycleMomentum ? { useBeta1 } : {}) }, name, o.verbose);
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') return end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  protected getLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw new RangeError(`OneCycleLR.step: Tried to step ${step + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    const phases = this._schedulePhases;
    return (this.optimizer.paramGroups as unknown as Record<string, unknown>[]).map((g) => {
      let start = 0, lr = 0, momentum = 0;
      for (let i = 0; i < phases.length; i++) {
        const ph = phases[i];
        if (step <= ph.endStep || i === phases.length - 1) {
          const pct = (step - start) / (ph.endStep - start);
          lr = this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum) momentum = this.anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct);
          break;
        }
        start = ph.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}
