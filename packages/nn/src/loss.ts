/**
 * Loss modules (PyTorch's `nn.MSELoss`, ...): options in the constructor, `forward(input, target)`.
 * Class weights (`weight`, `posWeight`) are registered buffers, as in PyTorch.
 * @example
 * const criterion = new CrossEntropyLoss({ labelSmoothing: 0.1 });
 * const loss = criterion.call(model.call(x), labels);
 */
import { Tensor } from '@tapegrad/core';
import { Module } from './module';
import * as L from './functional/loss';
import type { Reduction } from './functional/loss';
import { checkOptions } from './check';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';

/**
 * A loss constructor's arguments as options, for the losses whose PyTorch signature has no positional
 * parameter tapegrad takes other than `weight`. For the weighted losses (`weighted`), PyTorch's first
 * positional parameter is `weight`, so a Tensor there means `{ weight }` (`new CrossEntropyLoss(classWeights)`);
 * anything else must be an options object with known keys (`new MSELoss('sum')` would otherwise be read as
 * `{}` and silently give 'mean'). PyTorch's deprecated positional `size_average` and `reduce`
 * (`MSELoss(None, None, 'sum')`) are not taken: any further argument is an error, not silently ignored.
 */
export function lossOptions<O extends object>(name: string, keys: readonly string[], arg: O | Tensor | undefined, extra: readonly unknown[], weighted = false): O {
  if (extra.length > 0) {
    throw new TypeError(`${name}: takes one options object (e.g. new ${name}({ reduction: 'sum' })); PyTorch's deprecated positional size_average/reduce arguments are not supported, got ${extra.length + 1} arguments`);
  }
  if (weighted && arg instanceof Tensor) return { weight: arg } as O;
  return checkOptions(name, arg as O | undefined, keys);
}

/** Base of the loss modules: holds `reduction`. */
export abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(reduction: Reduction = 'mean') {
    super();
    if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
      throw new RangeError(`${new.target.name}: '${String(reduction)}' is not a valid value for reduction; expected 'mean', 'sum' or 'none'`);
    }
    this.reduction = reduction;
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
  override extraRepr(): string {
    return this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`;
  }
}

/** Mean squared error; see `F.mseLoss`. */
export class MSELoss extends Loss {
  constructor(opts: L.ReductionOptions = {}, ...extra: never[]) {
    const { reduction = 'mean' } = lossOptions<L.ReductionOptions>('MSELoss', L.OPTION_KEYS.mseLoss, opts, extra);
    super(reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error; see `F.l1Loss`. */
export class L1Loss extends Loss {
  constructor(opts: L.ReductionOptions = {}, ...extra: never[]) {
    const { reduction = 'mean' } = lossOptions<L.ReductionOptions>('L1Loss', L.OPTION_KEYS.l1Loss, opts, extra);
    super(reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Huber loss with `delta` (default 1); see `F.huberLoss`. */
export class HuberLoss extends Loss {
  readonly delta: number;
  /** PyTorch's `HuberLoss(reduction='mean', delta=1.0)`: positional values, then the other options. */
  constructor(...args: PositionalArgs<[], [reduction: Reduction, delta: number], L.HuberOptions>) {
    const { reduction = 'mean', delta = 1 } = positionalOptions<L.HuberOptions>('HuberLoss', args, [pos.string('reduction'), pos.number('delta')], L.OPTION_KEYS.huberLoss, 0);
    super(reduction);
    if (!(delta > 0)) throw new RangeError(`HuberLoss: delta must be positive, got ${delta}`);
    this.delta = delta;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** Smooth L1 with `beta` (default 1); see `F.smoothL1Loss`. */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(opts: L.SmoothL1Options = {}, ...extra: never[]) {
    const { reduction = 'mean', beta = 1 } = lossOptions<L.SmoothL1Options>('SmoothL1Loss', L.OPTION_KEYS.smoothL1Loss, opts, extra);
    super(reduction);
    this.beta = beta;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Binary cross-entropy on probabilities; see `F.binaryCrossEntropy`. */
export class BCELoss extends Loss {
  declare weight: Tensor | null;
  constructor(opts: L.BCEOptions | Tensor = {}, ...extra: never[]) {
    const { reduction = 'mean', weight = null } = lossOptions<L.BCEOptions>('BCELoss', L.OPTION_KEYS.binaryCrossEntropy, opts, extra, true);
    super(reduction);
    this.registerBuffer('weight', weight);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropy(input, target, { reduction: this.reduction, weight: this.weight });
  }
}

/** Sigmoid + binary cross-entropy, stable; see `F.binaryCrossEntropyWithLogits`. */
export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  declare posWeight: Tensor | null;
  constructor(opts: L.BCEWithLogitsOptions | Tensor = {}, ...extra: never[]) {
    const { reduction = 'mean', weight = null, posWeight = null } = lossOptions<L.BCEWithLogitsOptions>('BCEWithLogitsLoss', L.OPTION_KEYS.binaryCrossEntropyWithLogits, opts, extra, true);
    super(reduction);
    this.registerBuffer('weight', weight);
    this.registerBuffer('posWeight', posWeight);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropyWithLogits(input, target, { reduction: this.reduction, weight: this.weight, posWeight: this.posWeight });
  }
}

/** Negative log-likelihood on log-probabilities; see `F.nllLoss`. */
export class NLLLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  constructor(opts: L.NLLOptions | Tensor = {}, ...extra: never[]) {
    const { reduction = 'mean', weight = null, ignoreIndex = -100 } = lossOptions<L.NLLOptions>('NLLLoss', L.OPTION_KEYS.nllLoss, opts, extra, true);
    super(reduction);
    this.registerBuffer('weight', weight);
    this.ignoreIndex = ignoreIndex;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}

/** logSoftmax + nllLoss, with class-probability targets and label smoothing; see `F.crossEntropy`. */
export class CrossEntropyLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(opts: L.CrossEntropyOptions | Tensor = {}, ...extra: never[]) {
    const { reduction = 'mean', weight = null, ignoreIndex = -100, labelSmoothing = 0 } = lossOptions<L.CrossEntropyOptions>('CrossEntropyLoss', L.OPTION_KEYS.crossEntropy, opts, extra, true);
    super(reduction);
    if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new RangeError(`CrossEntropyLoss: labelSmoothing must be between 0.0 and 1.0, got ${labelSmoothing}`);
    this.registerBuffer('weight', weight);
    this.ignoreIndex = ignoreIndex;
    this.labelSmoothing = labelSmoothing;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.crossEntropy(input, target, {
      reduction: this.reduction,
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      labelSmoothing: this.labelSmoothing,
    });
  }
}
