/** Loss modules for the distribution losses (issue 14): KLDivLoss, PoissonNLLLoss, GaussianNLLLoss. */
import { Tensor } from '@tapegrad/core';
import { Module } from './module';
import { Loss, lossOptions } from './loss';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import * as D from './functional/distribution-loss';
import type { Reduction } from './functional/loss';

/**
 * KL divergence with log-probability inputs; see `F.klDiv`. Use `reduction: 'batchmean'` for the divergence.
 * @example const criterion = new KLDivLoss({ reduction: 'batchmean' }); criterion.call(logp, q);
 */
export class KLDivLoss extends Module {
  readonly reduction: Reduction | 'batchmean';
  readonly logTarget: boolean;
  constructor(opts: D.KLDivOptions = {}, ...extra: never[]) {
    super();
    const { reduction = 'mean', logTarget = false } = lossOptions('KLDivLoss', D.DISTRIBUTION_LOSS_KEYS.klDiv, opts, extra);
    if (!['mean', 'sum', 'none', 'batchmean'].includes(reduction)) {
      throw new RangeError(`KLDivLoss: '${String(reduction)}' is not a valid value for reduction; expected 'mean', 'batchmean', 'sum' or 'none'`);
    }
    this.reduction = reduction;
    this.logTarget = logTarget;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return D.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/**
 * Poisson negative log-likelihood; see `F.poissonNllLoss`.
 * @example const criterion = new PoissonNLLLoss({ logInput: false, full: true }); // or PyTorch's positional new PoissonNLLLoss(false, true)
 */
export class PoissonNLLLoss extends Loss {
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;
  /** PyTorch's `PoissonNLLLoss(log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction='mean')`: `logInput` and `full` positionally, then the other options (the deprecated size_average/reduce are not taken). */
  constructor(...args: PositionalArgs<[], [logInput: boolean, full: boolean], D.PoissonNLLOptions>) {
    const { reduction = 'mean', logInput = true, full = false, eps = 1e-8 } = positionalOptions<D.PoissonNLLOptions>('PoissonNLLLoss', args, [pos.boolean('logInput'), pos.boolean('full')], D.DISTRIBUTION_LOSS_KEYS.poissonNllLoss, 0);
    super(reduction);
    this.logInput = logInput;
    this.full = full;
    this.eps = eps;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return D.poissonNllLoss(input, target, { reduction: this.reduction, logInput: this.logInput, full: this.full, eps: this.eps });
  }
}

/**
 * Gaussian negative log-likelihood with a predicted variance: `forward(input, target, variance)`; see `F.gaussianNllLoss`.
 * @example const criterion = new GaussianNLLLoss(); criterion.call(mean, y, variance);
 */
export class GaussianNLLLoss extends Module {
  readonly reduction: Reduction;
  readonly full: boolean;
  readonly eps: number;
  constructor(opts: D.GaussianNLLOptions = {}, ...extra: never[]) {
    super();
    const { reduction = 'mean', full = false, eps = 1e-6 } = lossOptions('GaussianNLLLoss', D.DISTRIBUTION_LOSS_KEYS.gaussianNllLoss, opts, extra);
    if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
      throw new RangeError(`GaussianNLLLoss: '${String(reduction)}' is not a valid value for reduction; expected 'mean', 'sum' or 'none'`);
    }
    this.reduction = reduction;
    this.full = full;
    this.eps = eps;
  }
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return D.gaussianNllLoss(input, target, variance, { reduction: this.reduction, full: this.full, eps: this.eps });
  }
}
