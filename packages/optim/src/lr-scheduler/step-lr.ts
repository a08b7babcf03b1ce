/** StepLR: multiply the lr by gamma every `stepSize` epochs. */
import { Optimizer } from '../optimizer';
import { pyNum } from '../util';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { LRScheduler, pyMod } from './lr-scheduler';

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Period of the decay, in epochs (a positive integer). */
  stepSize: number;
  /** Multiplicative factor of the decay (default 0.1). */
  gamma?: number;
  /** The index of the last epoch when resuming (default -1: start fresh). */
  lastEpoch?: number;
  /** Print each lr it sets, as PyTorch 1.13's `verbose=True` (default false); not saved in the state dict. */
  verbose?: boolean;
}

/**
 * Decays each group's lr by `gamma` every `stepSize` epochs: lr_t = base · gamma^floor(t / stepSize)
 * (PyTorch 1.13's `StepLR`; the step multiplies the current lr, so other changes to it are kept).
 * @example
 * const sched = new StepLR(opt, 30, { gamma: 0.1 }); // or new StepLR(opt, 30, 0.1), or new StepLR(opt, { stepSize: 30, gamma: 0.1 })
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 */
export class StepLR extends LRScheduler {
  declare readonly stepSize: number;
  declare readonly gamma: number;

  /** PyTorch's `StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1, verbose=False)`: positional values, then the other options. */
  constructor(optimizer: Optimizer, ...args: PositionalArgs<[stepSize: number], [gamma: number, lastEpoch: number, verbose: boolean], StepLROptions>) {
    const options = positionalOptions<StepLROptions>('StepLR', args, [pos.number('stepSize'), pos.number('gamma'), pos.number('lastEpoch'), pos.boolean('verbose')]);
    const stepSize = options.stepSize as number;
    if (!(Number.isInteger(stepSize) && stepSize > 0)) throw new RangeError(`StepLR: stepSize must be a positive integer, got ${pyNum(stepSize)}`);
    const gamma = options.gamma ?? 0.1;
    if (typeof gamma !== 'number' || Number.isNaN(gamma)) throw new TypeError(`StepLR: gamma must be a number, got ${pyNum(gamma)}`);
    super(optimizer, options.lastEpoch ?? -1, { stepSize, gamma }, 'StepLR', options.verbose);
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || pyMod(this.lastEpoch, this.stepSize) !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
