/** Dropout layers: Dropout, Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout. */
import { Tensor, Generator } from '@tapegrad/core';
import { Module } from './module';
import { dropout, dropout1d, dropout2d, dropout3d, alphaDropout, featureAlphaDropout } from './functional/dropout';
import { PositionalArgs, applyInPlace, pos, positionalOptions } from '@tapegrad/core/internal';
import { inplaceArg } from './inplace';

/** Dropout's keyword arguments (`generator` is an extension: the stream the masks are drawn from). */
export interface DropoutOptions { p: number; inplace: boolean; generator: Generator }

/**
 * In training mode zeroes each element with probability p and scales the survivors by 1/(1 − p);
 * in eval mode it is the identity (PyTorch's `nn.Dropout`). The mask is drawn from `generator`
 * (an extension; default: the global generator, seeded with `manualSeed`).
 * @example
 * const drop = new Dropout(0.2);
 * drop.call(x);        // training: about 20% zeros, the rest × 1.25
 * drop.eval().call(x); // x
 */
export class Dropout extends Module {
  readonly p: number;
  protected readonly generator?: Generator;

  /** PyTorch's `inplace`: in training, the zeroed and scaled values are written into the input. */
  readonly inplace: boolean;

  /**
   * `new Dropout(0.2)`, `new Dropout(0.2, true)` (inplace) or `new Dropout({ p: 0.2, inplace: true })`;
   * an optional `generator` in the options.
   */
  constructor(...args: PositionalArgs<[], [p: number, inplace: boolean], DropoutOptions>) {
    super();
    const o = positionalOptions<DropoutOptions>(new.target.name, args, [pos.number('p'), pos.boolean('inplace')], ['p', 'inplace', 'generator'], 0);
    const p = o.p ?? 0.5;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${new.target.name}: dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
    this.inplace = inplaceArg(new.target.name, o.inplace);
    this.generator = o.generator;
  }

  forward(x: Tensor): Tensor {
    return this.applyMask(x, (t) => dropout(t, this.p, this.training, { generator: this.generator }));
  }

  /**
   * f(x), written into x when `inplace`. As PyTorch's `dropout_`, the identity cases (eval mode, p = 0, no
   * elements) return x itself untouched: no write, no version bump, no leaf check.
   */
  protected applyMask(x: Tensor, f: (t: Tensor) => Tensor): Tensor {
    if (!this.inplace) return f(x);
    if (!this.training || this.p === 0 || x.numel() === 0) return x;
    return applyInPlace(x, `${this.constructor.name.toLowerCase()}_`, f);
  }

  override extraRepr(): string {
    return `p=${this.p}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/**
 * Zeroes whole channels of [N, C, H, W] inputs with probability p in training (PyTorch's
 * `nn.Dropout2d`; a 3-D input is read as [N, C, L], as PyTorch 1.13).
 * @example
 * new Dropout2d(0.2).call(x) // each x[n, c] all zeros or all × 1.25
 */
export class Dropout2d extends Dropout {
  override forward(x: Tensor): Tensor {
    return this.applyMask(x, (t) => dropout2d(t, this.p, this.training, { generator: this.generator }));
  }
}

/**
 * Zeroes whole channels of [N, C, L] or [C, L] inputs with probability p in training (PyTorch's `nn.Dropout1d`).
 * @example
 * new Dropout1d(0.2).call(x)
 */
export class Dropout1d extends Dropout {
  override forward(x: Tensor): Tensor {
    return this.applyMask(x, (t) => dropout1d(t, this.p, this.training, { generator: this.generator }));
  }
}

// more torch.nn modules (nnmore7)
/**
 * Zeroes whole channels of [N, C, D, H, W] or [C, D, H, W] inputs with probability p in training
 * (PyTorch's `nn.Dropout3d`).
 * @example
 * new Dropout3d(0.2).call(x) // each x[n, c] all zeros or all × 1.25
 */
export class Dropout3d extends Dropout {
  override forward(x: Tensor): Tensor {
    return this.applyMask(x, (t) => dropout3d(t, this.p, this.training, { generator: this.generator }));
  }
}

/**
 * Alpha dropout for SELU networks (PyTorch's `nn.AlphaDropout`): in training, entries dropped with
 * probability p go to SELU's saturation value, then an affine map keeps a standard input's mean and
 * variance; identity in eval mode.
 * @example
 * new AlphaDropout(0.2).call(x)
 */
export class AlphaDropout extends Dropout {
  override forward(x: Tensor): Tensor {
    return this.applyMask(x, (t) => alphaDropout(t, this.p, this.training, { generator: this.generator }));
  }
}

/**
 * Alpha dropout of whole channels (PyTorch's `nn.FeatureAlphaDropout`), for [N, C, *] inputs.
 * @example
 * new FeatureAlphaDropout(0.2).call(x)
 */
export class FeatureAlphaDropout extends Dropout {
  override forward(x: Tensor): Tensor {
    return this.applyMask(x, (t) => featureAlphaDropout(t, this.p, this.training, { generator: this.generator }));
  }
}
