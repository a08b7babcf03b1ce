/** Affine layers: Linear, Bilinear, and Identity. */
import { Tensor, DType, Generator, getDefaultDtype, zeros, linear } from '@tapegrad/core';
import { Module } from './module';
import { Parameter } from './parameter';
import * as init from './init';
import { bilinear } from './functional/linear';
import { checkFloatInput, checkOptions } from './check';

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Parameter dtype (default: the default float dtype). */
  dtype?: DType;
  /** Generator for the initial values (default: the global generator). */
  generator?: Generator;
}

const shp = (t: Tensor): string => `[${t.shape.join(', ')}]`;

/**
 * y = x·Wᵀ + b, weight [outFeatures, inFeatures], bias [outFeatures] (PyTorch's `nn.Linear`).
 * Initialised as PyTorch: kaimingUniform_(weight, { a: √5 }) = U(−1/√in, 1/√in), and bias U(−1/√in, 1/√in).
 * Input [..., inFeatures] -> [..., outFeatures]. The third argument may be the options or PyTorch's
 * positional `bias` boolean.
 * @example
 * const fc = new Linear(784, 128);
 * fc.call(zeros([32, 784])).shape; // [32, 128]
 * new Linear(4, 2, { bias: false }).bias; // null
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions | boolean = {}) {
    super();
    const { bias = true, dtype = getDefaultDtype(), generator } = typeof opts === 'boolean' ? { bias: opts } : checkOptions('Linear', opts, ['bias', 'dtype', 'generator']);
    for (const [n, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`Linear: ${n} must be a non-negative integer, got ${v}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.bias = bias ? new Parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters(generator);
  }

  /** PyTorch's default init (see the class doc). */
  resetParameters(generator?: Generator): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5), generator });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform_(this.bias, -bound, bound, { generator });
    }
  }

  forward(x: Tensor): Tensor {
    checkFloatInput(`Linear(${this.inFeatures}, ${this.outFeatures})`, x);
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new RangeError(`Linear(${this.inFeatures}, ${this.outFeatures}): expected input with ${this.inFeatures} features in the last dim, got shape ${shp(x)}`);
    }
    // core's fused linear: bias and GEMM in one pass, weight gradient in the weight's own layout
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/**
 * yₖ = x1ᵀ·Wₖ·x2 + bₖ, weight [out, in1, in2] (PyTorch's `nn.Bilinear`), init U(−1/√in1, 1/√in1).
 * @example
 * new Bilinear(3, 5, 2).call(x1, x2) // x1 [N, 3], x2 [N, 5] -> [N, 2]
 */
export class Bilinear extends Module {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, opts: LinearOptions | boolean = {}) {
    super();
    const { bias = true, dtype = getDefaultDtype(), generator } = typeof opts === 'boolean' ? { bias: opts } : checkOptions('Bilinear', opts, ['bias', 'dtype', 'generator']);
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(zeros([outFeatures, in1Features, in2Features], { dtype }));
    this.bias = bias ? new Parameter(zeros([outFeatures], { dtype })) : null;
    const bound = 1 / Math.sqrt(in1Features);
    init.uniform_(this.weight, -bound, bound, { generator });
    if (this.bias) init.uniform_(this.bias, -bound, bound, { generator });
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinear(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1Features=${this.in1Features}, in2Features=${this.in2Features}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** Returns its input unchanged (a placeholder layer, PyTorch's `nn.Identity`). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
