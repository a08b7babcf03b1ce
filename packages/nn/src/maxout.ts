/** Maxout: the largest of k affine pieces. */
import { Tensor, DType, Generator, getDefaultDtype, zeros } from '@tapegrad/core';
import { Module } from './module';
import { Parameter } from './parameter';
import * as init from './init';
import { checkFloatInput, checkOptions, isOptionsObject } from './check';

/**
 * yⱼ = maxᵢ (Wᵢⱼ·x + bᵢⱼ) over k affine pieces (Goodfellow et al. 2013) — the course's
 * max(w₁ᵀx + b₁, w₂ᵀx + b₂) for k = 2. weight [k, outFeatures, inFeatures], bias [k, outFeatures];
 * each piece is initialised like a Linear(inFeatures, outFeatures). PyTorch has no Maxout layer.
 * The gradient flows to the winning piece (split evenly on exact ties).
 * @example
 * new Maxout(4, 3).call(x) // x [N, 4] -> [N, 3]; new Maxout(4, 3, 5) uses 5 pieces
 */
export class Maxout extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly k: number;
  weight: Parameter;
  bias: Parameter;

  /** k positionally (`new Maxout(4, 3, 5)`) or in the options (`new Maxout(4, 3, { k: 5 })`). */
  constructor(
    inFeatures: number,
    outFeatures: number,
    kOrOptions: number | { k?: number; dtype?: DType; generator?: Generator } = 2,
    options: { dtype?: DType; generator?: Generator } = {},
  ) {
    super();
    let k: number;
    let { dtype = getDefaultDtype(), generator } = options;
    if (isOptionsObject(kOrOptions)) ({ k = 2, dtype = getDefaultDtype(), generator } = checkOptions('Maxout', kOrOptions, ['k', 'dtype', 'generator']));
    else k = kOrOptions;
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`Maxout: k (number of pieces) must be a positive integer, got ${k}`);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.k = k;
    this.weight = new Parameter(zeros([k, outFeatures, inFeatures], { dtype }));
    this.bias = new Parameter(zeros([k, outFeatures], { dtype }));
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    init.uniform_(this.weight, -bound, bound, { generator });
    init.uniform_(this.bias, -bound, bound, { generator });
  }

  forward(x: Tensor): Tensor {
    checkFloatInput(`Maxout(${this.inFeatures}, ${this.outFeatures}, k=${this.k})`, x);
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new RangeError(`Maxout(${this.inFeatures}, ${this.outFeatures}, k=${this.k}): expected input with ${this.inFeatures} features in the last dim, got shape [${x.shape.join(', ')}]`);
    }
    const { k, outFeatures: out, inFeatures: inF } = this;
    const lead = x.shape.slice(0, -1);
    const z = x.reshape([-1, inF]).matmul(this.weight.reshape([k * out, inF]).t()).add(this.bias.reshape([k * out]));
    return z.reshape([-1, k, out]).amax(1).reshape([...lead, out]);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, k=${this.k}`;
  }
}
