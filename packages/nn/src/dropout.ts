/** Dropout layer. */
import { Tensor, Generator } from '@tapegrad/core';
import { Module } from './module';
import { dropout, dropout1d, dropout2d } from './functional/dropout';
import { checkOptions, isOptionsObject } from './check';

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

  /** `new Dropout(0.2)` or `new Dropout({ p: 0.2 })`; an optional `generator` in the options. */
  constructor(p: number | { p?: number; generator?: Generator } = 0.5, { generator }: { generator?: Generator } = {}) {
    super();
    if (isOptionsObject(p)) ({ p = 0.5, generator } = checkOptions(new.target.name, p, ['p', 'generator']));
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${new.target.name}: dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
    this.generator = generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, { generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
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
    return dropout2d(x, this.p, this.training, { generator: this.generator });
  }
}

/**
 * Zeroes whole channels of [N, C, L] or [C, L] inputs with probability p in training (PyTorch's `nn.Dropout1d`).
 * @example
 * new Dropout1d(0.2).call(x)
 */
export class Dropout1d extends Dropout {
  override forward(x: Tensor): Tensor {
    return dropout1d(x, this.p, this.training, { generator: this.generator });
  }
}
