/** Shape layers: Flatten and Unflatten. */
import { Tensor } from '@tapegrad/core';
import { Module } from './module';
import { checkOptions, isOptionsObject } from './check';

/**
 * Flattens dims startDim..endDim into one (PyTorch's `nn.Flatten`, defaults 1 and -1: keeps the batch dim).
 * @example
 * new Flatten().call(zeros([32, 1, 28, 28])).shape; // [32, 784]
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  /** `new Flatten(0)` or `new Flatten({ startDim: 0, endDim: -1 })`. */
  constructor(startDim: number | { startDim?: number; endDim?: number } = 1, endDim = -1) {
    super();
    if (isOptionsObject(startDim)) ({ startDim = 1, endDim = -1 } = checkOptions('Flatten', startDim, ['startDim', 'endDim']));
    this.startDim = startDim;
    this.endDim = endDim;
  }
  forward(x: Tensor): Tensor {
    // A 0-d input counts as 1-d for the dims (PyTorch's wrap): Flatten(0) gives [1], the default startDim 1 is out of range.
    const nd = Math.max(x.ndim, 1);
    const norm = (d: number): number => (d < 0 ? d + nd : d);
    if (norm(this.startDim) < 0 || norm(this.startDim) >= nd || norm(this.endDim) < 0 || norm(this.endDim) >= nd) {
      throw new RangeError(`Flatten(startDim=${this.startDim}, endDim=${this.endDim}): dims out of range for input of shape [${x.shape.join(', ')}] (${x.ndim} dims${x.ndim === 0 ? ', counted as 1' : ''})`);
    }
    if (x.ndim > 0 && norm(this.startDim) > norm(this.endDim)) {
      throw new RangeError(`Flatten: startDim ${this.startDim} comes after endDim ${this.endDim} for input of shape [${x.shape.join(', ')}]`);
    }
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/**
 * Expands dim `dim` into `sizes` (PyTorch's `nn.Unflatten`); one size may be -1.
 * @example
 * new Unflatten(1, [1, 28, 28]).call(zeros([32, 784])).shape; // [32, 1, 28, 28]
 */
export class Unflatten extends Module {
  readonly sizes: number[];
  /** PyTorch's `nn.Unflatten(dim, unflattened_size)`. */
  constructor(readonly dim: number, sizes: number[]) {
    super();
    if (!Number.isInteger(dim)) throw new TypeError(`Unflatten: dim must be an integer, got ${dim}`);
    if (!Array.isArray(sizes) || sizes.length === 0 || sizes.some((s) => !Number.isInteger(s) || (s < 0 && s !== -1))) {
      throw new RangeError(`Unflatten: unflattenedSize must be a non-empty list of non-negative integers (one may be -1), got ${Array.isArray(sizes) ? `[${sizes.join(', ')}]` : String(sizes)}`);
    }
    if (sizes.filter((s) => s === -1).length > 1) throw new RangeError(`Unflatten: only one size may be -1, got [${sizes.join(', ')}]`);
    this.sizes = sizes.slice();
  }
  forward(x: Tensor): Tensor {
    const d = this.dim < 0 ? this.dim + x.ndim : this.dim;
    if (d < 0 || d >= x.ndim) throw new RangeError(`Unflatten: dim ${this.dim} is out of range for input of shape [${x.shape.join(', ')}]`);
    const known = this.sizes.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const n = x.shape[d];
    if (this.sizes.includes(-1) ? n % known !== 0 : known !== n) {
      throw new RangeError(`Unflatten: sizes [${this.sizes.join(', ')}] do not multiply to the size ${n} of dim ${this.dim} of input [${x.shape.join(', ')}]`);
    }
    return x.reshape([...x.shape.slice(0, d), ...this.sizes, ...x.shape.slice(d + 1)]);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattenedSize=[${this.sizes.join(', ')}]`;
  }
}
