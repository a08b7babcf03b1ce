/** Padding layers: ZeroPad2d, ConstantPad1d/2d/3d, ReflectionPad1d/2d/3d, ReplicationPad1d/2d/3d (F.pad underneath). */
import { Tensor } from '@tapegrad/core';
import type { PadMode } from '@tapegrad/core';
import { Module } from './module';
import { pad } from './functional/conv';

/** One number pads every side; else PyTorch's order, last dim first: [left, right], [left, right, top, bottom] or [..., front, back]. */
function amounts(layer: string, padding: number | readonly number[], nd: number): number[] {
  const list = typeof padding === 'number' ? new Array<number>(2 * nd).fill(padding) : Array.isArray(padding) ? [...(padding as number[])] : null;
  if (!list || list.length !== 2 * nd || list.some((p) => typeof p !== 'number' || !Number.isInteger(p))) {
    throw new RangeError(`${layer}: padding must be an integer or a list of ${2 * nd} integers (${nd === 1 ? '[left, right]' : nd === 2 ? '[left, right, top, bottom]' : '[left, right, top, bottom, front, back]'}), got ${Array.isArray(padding) ? `[${padding.join(', ')}]` : String(padding)}`);
  }
  return list;
}

abstract class PadNd extends Module {
  readonly padding: number[];
  protected constructor(private readonly layer: string, private readonly nd: number, padding: number | readonly number[], private readonly mode: PadMode, readonly value = 0) {
    super();
    this.padding = amounts(layer, padding, nd);
  }
  forward(x: Tensor): Tensor {
    // As PyTorch: the constant layers pad the last dims of any input with enough dims (F.pad checks);
    // reflect and replicate need one or two leading (batch, channel) dims.
    if (!(x instanceof Tensor) || (this.mode !== 'constant' && x.ndim !== this.nd + 1 && x.ndim !== this.nd + 2)) {
      const got = x instanceof Tensor ? `shape [${x.shape.join(', ')}]` : typeof x;
      throw new RangeError(`${this.layer}: expected a ${this.nd + 1}-D or ${this.nd + 2}-D input, got ${got}`);
    }
    return pad(x, this.padding, this.mode, this.mode === 'constant' ? this.value : undefined);
  }
  override extraRepr(): string {
    return `padding=[${this.padding.join(', ')}]${this.mode === 'constant' && this.layer.startsWith('Constant') ? `, value=${this.value}` : ''}`;
  }
}

/**
 * Pads the last dim with a constant, PyTorch's `nn.ConstantPad1d(padding, value)`.
 * @example
 * new ConstantPad1d([1, 2], 0.5).call(randn([2, 3, 5])).shape; // [2, 3, 8]
 */
export class ConstantPad1d extends PadNd {
  constructor(padding: number | readonly number[], value: number) {
    super('ConstantPad1d', 1, padding, 'constant', value);
  }
}

/**
 * Pads the last two dims with a constant, PyTorch's `nn.ConstantPad2d(padding, value)`.
 * @example
 * new ConstantPad2d([1, 1, 2, 0], -1).call(randn([1, 2, 4, 4])).shape; // [1, 2, 6, 6]
 */
export class ConstantPad2d extends PadNd {
  constructor(padding: number | readonly number[], value: number) {
    super('ConstantPad2d', 2, padding, 'constant', value);
  }
}

/**
 * Pads the last two dims with zeros, PyTorch's `nn.ZeroPad2d`.
 * @example
 * new ZeroPad2d(1).call(randn([1, 3, 28, 28])).shape; // [1, 3, 30, 30]
 */
export class ZeroPad2d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super('ZeroPad2d', 2, padding, 'constant', 0);
  }
}

/**
 * Reflects the last dim at its borders (the border itself not repeated), PyTorch's `nn.ReflectionPad1d`.
 * @example
 * new ReflectionPad1d(2).call(x); // [1, 2, 3] -> [3, 2, 1, 2, 3, 2, 1]
 */
export class ReflectionPad1d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super('ReflectionPad1d', 1, padding, 'reflect');
  }
}

/**
 * Reflects the last two dims at their borders, PyTorch's `nn.ReflectionPad2d`.
 * @example
 * new ReflectionPad2d([1, 1, 2, 1]).call(randn([1, 2, 4, 5])).shape; // [1, 2, 7, 7]
 */
export class ReflectionPad2d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super('ReflectionPad2d', 2, padding, 'reflect');
  }
}

/**
 * Repeats the border value of the last dim, PyTorch's `nn.ReplicationPad1d`.
 * @example
 * new ReplicationPad1d([2, 1]).call(x); // [1, 2, 3] -> [1, 1, 1, 2, 3, 3]
 */
export class ReplicationPad1d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super('ReplicationPad1d', 1, padding, 'replicate');
  }
}

/**
 * Repeats the border values of the last two dims, PyTorch's `nn.ReplicationPad2d`.
 * @example
 * new ReplicationPad2d(1).call(randn([1, 3, 8, 8])).shape; // [1, 3, 10, 10]
 */
export class ReplicationPad2d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super('ReplicationPad2d', 2, padding, 'replicate');
  }
}

// more torch.nn modules (nnmore7)
/**
 * Pads the last three dims with a constant, PyTorch's `nn.ConstantPad3d(padding, value)`; padding is one
 * number or [left, right, top, bottom, front, back].
 * @example
 * new ConstantPad3d([1, 1, 0, 2, 1, 0], 0.5).call(randn([1, 2, 3, 3, 3])).shape; // [1, 2, 4, 5, 5]
 */
export class ConstantPad3d extends PadNd {
  constructor(padding: number | readonly number[], value: number) {
    super('ConstantPad3d', 3, padding, 'constant', value);
  }
}

/**
 * Reflects the last three dims at their borders, PyTorch's `nn.ReflectionPad3d`, for [C, D, H, W] or
 * [N, C, D, H, W] inputs.
 * @example
 * new ReflectionPad3d(1).call(randn([1, 2, 3, 3, 3])).shape; // [1, 2, 5, 5, 5]
 */
export class ReflectionPad3d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super('ReflectionPad3d', 3, padding, 'reflect');
  }
}

/**
 * Repeats the border values of the last three dims, PyTorch's `nn.ReplicationPad3d`, for [C, D, H, W] or
 * [N, C, D, H, W] inputs.
 * @example
 * new ReplicationPad3d([1, 0, 0, 2, 1, 1]).call(randn([2, 2, 2, 2])).shape; // [2, 4, 4, 3]
 */
export class ReplicationPad3d extends PadNd {
  constructor(padding: number | readonly number[]) {
    super('ReplicationPad3d', 3, padding, 'replicate');
  }
}
