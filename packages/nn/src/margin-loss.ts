/**
 * Loss modules for the margin and embedding losses (issue 14). The pair/triplet losses take three
 * tensors: `forward(input1, input2, target)` / `forward(anchor, positive, negative)`.
 */
import { Tensor } from '@tapegrad/core';
import { Module } from './module';
import { Loss, lossOptions } from './loss';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import * as M from './functional/margin-loss';
import type { Reduction } from './functional/loss';
import { PairwiseDistance } from './distance';

/** Base of the three-tensor losses: holds `reduction` (Loss's forward takes two). */
export abstract class TripletInputLoss extends Module {
  readonly reduction: Reduction;
  constructor(reduction: Reduction = 'mean') {
    super();
    if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
      throw new RangeError(`${new.target.name}: '${String(reduction)}' is not a valid value for reduction; expected 'mean', 'sum' or 'none'`);
    }
    this.reduction = reduction;
  }
  abstract override forward(a: Tensor, b: Tensor, c: Tensor): Tensor;
}

/**
 * max(0, −y·(x1 − x2) + margin); see `F.marginRankingLoss`.
 * @example new MarginRankingLoss({ margin: 0.1 }).call(s1, s2, y) // or PyTorch's positional new MarginRankingLoss(0.1)
 */
export class MarginRankingLoss extends TripletInputLoss {
  readonly margin: number;
  /** PyTorch's `MarginRankingLoss(margin=0.0)`; its deprecated positional size_average and reduce are not taken: `reduction` goes in the options. */
  constructor(...args: PositionalArgs<[], [margin: number], M.MarginOptions>) {
    const { reduction = 'mean', margin = 0 } = positionalOptions<M.MarginOptions>('MarginRankingLoss', args, [pos.number('margin')], M.MARGIN_LOSS_KEYS.marginRankingLoss, 0);
    super(reduction);
    this.margin = margin;
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return M.marginRankingLoss(input1, input2, target, { reduction: this.reduction, margin: this.margin });
  }
}

/**
 * Cosine similarity loss for pairs labelled similar (1) or dissimilar (−1); see `F.cosineEmbeddingLoss`.
 * @example new CosineEmbeddingLoss({ margin: 0.2 }).call(a, b, y)
 */
export class CosineEmbeddingLoss extends TripletInputLoss {
  readonly margin: number;
  /** PyTorch's `CosineEmbeddingLoss(margin=0.0)`; `reduction` goes in the options. */
  constructor(...args: PositionalArgs<[], [margin: number], M.MarginOptions>) {
    const { reduction = 'mean', margin = 0 } = positionalOptions<M.MarginOptions>('CosineEmbeddingLoss', args, [pos.number('margin')], M.MARGIN_LOSS_KEYS.cosineEmbeddingLoss, 0);
    super(reduction);
    this.margin = margin;
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return M.cosineEmbeddingLoss(input1, input2, target, { reduction: this.reduction, margin: this.margin });
  }
}

/**
 * Triplet loss on distances; see `F.tripletMarginLoss`.
 * @example new TripletMarginLoss({ margin: 1 }).call(anchor, positive, negative)
 */
export class TripletMarginLoss extends TripletInputLoss {
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  /** PyTorch's `TripletMarginLoss(margin=1.0, p=2.0, eps=1e-6, swap=False)`; `reduction` goes in the options. */
  constructor(...args: PositionalArgs<[], [margin: number, p: number, eps: number, swap: boolean], M.TripletMarginOptions>) {
    const { reduction = 'mean', margin = 1, p = 2, eps = 1e-6, swap = false } = positionalOptions<M.TripletMarginOptions>('TripletMarginLoss', args,
      [pos.number('margin'), pos.number('p'), pos.number('eps'), pos.boolean('swap')], M.MARGIN_LOSS_KEYS.tripletMarginLoss, 0);
    super(reduction);
    this.margin = margin;
    this.p = p;
    this.eps = eps;
    this.swap = swap;
  }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return M.tripletMarginLoss(anchor, positive, negative, { reduction: this.reduction, margin: this.margin, p: this.p, eps: this.eps, swap: this.swap });
  }
}

/**
 * x where y = 1, max(0, margin − x) where y = −1; see `F.hingeEmbeddingLoss`.
 * @example new HingeEmbeddingLoss({ margin: 1 }).call(dist, y)
 */
export class HingeEmbeddingLoss extends Loss {
  readonly margin: number;
  /** PyTorch's `HingeEmbeddingLoss(margin=1.0)`; `reduction` goes in the options. */
  constructor(...args: PositionalArgs<[], [margin: number], M.MarginOptions>) {
    const { reduction = 'mean', margin = 1 } = positionalOptions<M.MarginOptions>('HingeEmbeddingLoss', args, [pos.number('margin')], M.MARGIN_LOSS_KEYS.hingeEmbeddingLoss, 0);
    super(reduction);
    this.margin = margin;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return M.hingeEmbeddingLoss(input, target, { reduction: this.reduction, margin: this.margin });
  }
}

/**
 * log(1 + exp(−y·x)); see `F.softMarginLoss`.
 * @example new SoftMarginLoss().call(scores, y)
 */
export class SoftMarginLoss extends Loss {
  constructor(opts: { reduction?: Reduction } = {}, ...extra: never[]) {
    const { reduction = 'mean' } = lossOptions('SoftMarginLoss', M.MARGIN_LOSS_KEYS.softMarginLoss, opts, extra);
    super(reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return M.softMarginLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Multi-label one-versus-all logistic loss; see `F.multiLabelSoftMarginLoss`. A Tensor argument is the
 * class weights, as PyTorch's positional `weight`.
 * @example new MultiLabelSoftMarginLoss().call(logits, labels01)
 */
export class MultiLabelSoftMarginLoss extends Loss {
  declare weight: Tensor | null;
  constructor(opts: M.MultiLabelSoftMarginOptions | Tensor = {}, ...extra: never[]) {
    const o = lossOptions<M.MultiLabelSoftMarginOptions>('MultiLabelSoftMarginLoss', M.MARGIN_LOSS_KEYS.multiLabelSoftMarginLoss, opts, extra, true);
    super(o.reduction ?? 'mean');
    this.registerBuffer('weight', o.weight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return M.multiLabelSoftMarginLoss(input, target, { reduction: this.reduction, weight: this.weight });
  }
}

/**
 * Multi-class hinge loss; see `F.multiMarginLoss`.
 * @example new MultiMarginLoss({ p: 1, margin: 1 }).call(scores, labels)
 */
export class MultiMarginLoss extends Loss {
  declare weight: Tensor | null;
  readonly p: number;
  readonly margin: number;
  /** PyTorch's `MultiMarginLoss(p=1, margin=1.0, weight=None)`; `reduction` goes in the options. */
  constructor(...args: PositionalArgs<[], [p: number, margin: number, weight: Tensor | null], M.MultiMarginOptions>) {
    const { reduction = 'mean', p = 1, margin = 1, weight = null } = positionalOptions<M.MultiMarginOptions>('MultiMarginLoss', args,
      [pos.number('p'), pos.number('margin'), pos.nullableTensor('weight')], M.MARGIN_LOSS_KEYS.multiMarginLoss, 0);
    super(reduction);
    if (p !== 1 && p !== 2) throw new RangeError(`MultiMarginLoss: only p == 1 and p == 2 supported, got ${String(p)}`);
    if (weight && weight.ndim !== 1) throw new RangeError(`MultiMarginLoss: weight must be one-dimensional, got shape [${weight.shape.join(', ')}]`);
    this.p = p;
    this.margin = margin;
    this.registerBuffer('weight', weight);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return M.multiMarginLoss(input, target, { reduction: this.reduction, p: this.p, margin: this.margin, weight: this.weight });
  }
}

// more torch.nn modules (nnmore7)
/**
 * Multi-class multi-label hinge loss over −1-padded class-index targets; see `F.multilabelMarginLoss`.
 * @example new MultiLabelMarginLoss().call(scores, tensor([[3, 0, -1, 1]], { dtype: 'int32' }))
 */
export class MultiLabelMarginLoss extends Loss {
  /** PyTorch's `MultiLabelMarginLoss(reduction='mean')`: `new MultiLabelMarginLoss({ reduction: 'sum' })`. */
  constructor(opts: { reduction?: Reduction } = {}, ...extra: never[]) {
    const { reduction = 'mean' } = lossOptions('MultiLabelMarginLoss', M.MORE_MARGIN_LOSS_KEYS.multilabelMarginLoss, opts, extra);
    super(reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return M.multilabelMarginLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Triplet loss with any distance (default `new PairwiseDistance()`, a child module named
 * `distance_function` as in PyTorch); see `F.tripletMarginWithDistanceLoss`. PyTorch's arguments are
 * keyword-only, so all go in the options.
 * @example
 * new TripletMarginWithDistanceLoss({ distanceFunction: new PairwiseDistance(1), margin: 0.5 }).call(anchor, positive, negative)
 */
export class TripletMarginWithDistanceLoss extends TripletInputLoss {
  /** PyTorch's attribute (a Module is registered as the child `distance_function`). */
  distance_function: M.DistanceFunction;
  readonly margin: number;
  readonly swap: boolean;
  constructor(opts: M.TripletMarginWithDistanceOptions = {}, ...extra: never[]) {
    const o = lossOptions<M.TripletMarginWithDistanceOptions>('TripletMarginWithDistanceLoss', M.MORE_MARGIN_LOSS_KEYS.tripletMarginWithDistanceLoss, opts, extra);
    super(o.reduction ?? 'mean');
    const d = o.distanceFunction ?? null;
    if (d !== null && typeof d !== 'function' && !(d instanceof Module)) throw new TypeError(`TripletMarginWithDistanceLoss: distanceFunction must be a function or a Module, got ${typeof d}`);
    this.distance_function = d ?? new PairwiseDistance();
    this.margin = o.margin ?? 1;
    this.swap = o.swap ?? false;
    if (typeof this.margin !== 'number' || Number.isNaN(this.margin)) throw new TypeError(`TripletMarginWithDistanceLoss: margin must be a number, got ${String(this.margin)}`);
    if (typeof this.swap !== 'boolean') throw new TypeError(`TripletMarginWithDistanceLoss: swap must be a boolean, got ${typeof this.swap}`);
  }
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return M.tripletMarginWithDistanceLoss(anchor, positive, negative, { distanceFunction: this.distance_function, margin: this.margin, swap: this.swap, reduction: this.reduction });
  }
}
