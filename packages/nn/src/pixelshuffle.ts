/** PixelShuffle and PixelUnshuffle (channels to space and back), ChannelShuffle. */
import { Tensor, pixelShuffle, pixelUnshuffle } from '@tapegrad/core';
import { Module } from './module';
import { keywordArg } from './check';
import { channelShuffle } from './functional/shuffle';

/**
 * [*, C·r², H, W] -> [*, C, H·r, W·r] (PyTorch's `nn.PixelShuffle`).
 * @example
 * new PixelShuffle(2).call(zeros([1, 8, 3, 3])).shape // [1, 2, 6, 6]
 */
export class PixelShuffle extends Module {
  readonly upscaleFactor: number;
  /** `new PixelShuffle(2)` or `new PixelShuffle({ upscaleFactor: 2 })`. */
  constructor(upscaleFactor: number | { upscaleFactor?: number }) {
    super();
    this.upscaleFactor = keywordArg('PixelShuffle', upscaleFactor, 'upscaleFactor', NaN);
    if (!Number.isInteger(this.upscaleFactor) || this.upscaleFactor <= 0) throw new RangeError(`PixelShuffle: upscaleFactor must be a positive integer, got ${this.upscaleFactor}`);
  }
  forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }
  override extraRepr(): string {
    return `upscaleFactor=${this.upscaleFactor}`;
  }
}

/**
 * [*, C, H·r, W·r] -> [*, C·r², H, W] (PyTorch's `nn.PixelUnshuffle`).
 * @example
 * new PixelUnshuffle(2).call(zeros([1, 2, 6, 6])).shape // [1, 8, 3, 3]
 */
export class PixelUnshuffle extends Module {
  readonly downscaleFactor: number;
  /** `new PixelUnshuffle(2)` or `new PixelUnshuffle({ downscaleFactor: 2 })`. */
  constructor(downscaleFactor: number | { downscaleFactor?: number }) {
    super();
    this.downscaleFactor = keywordArg('PixelUnshuffle', downscaleFactor, 'downscaleFactor', NaN);
    if (!Number.isInteger(this.downscaleFactor) || this.downscaleFactor <= 0) throw new RangeError(`PixelUnshuffle: downscaleFactor must be a positive integer, got ${this.downscaleFactor}`);
  }
  forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }
  override extraRepr(): string {
    return `downscaleFactor=${this.downscaleFactor}`;
  }
}

// more torch.nn modules (nnmore7)
/**
 * Interleaves `groups` groups of channels (PyTorch's `nn.ChannelShuffle`, ShuffleNet's); see `F.channelShuffle`.
 * @example
 * new ChannelShuffle(2).call(x) // [N, 4, H, W]: channels [0, 2, 1, 3]
 */
export class ChannelShuffle extends Module {
  readonly groups: number;
  /** `new ChannelShuffle(2)` or `new ChannelShuffle({ groups: 2 })`. */
  constructor(groups: number | { groups?: number }) {
    super();
    this.groups = keywordArg('ChannelShuffle', groups, 'groups', NaN);
    if (!Number.isInteger(this.groups) || this.groups <= 0) throw new RangeError(`ChannelShuffle: groups must be a positive integer, got ${this.groups}`);
  }
  forward(x: Tensor): Tensor {
    return channelShuffle(x, this.groups);
  }
  override extraRepr(): string {
    return `groups=${this.groups}`;
  }
}
