/** Upsampling layers: Upsample, UpsamplingNearest2d, UpsamplingBilinear2d. */
import { Tensor, interpolate, InterpolateMode } from '@tapegrad/core';
import { Module } from './module';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';

export interface UpsampleOptions {
  /** The output's spatial size. Exactly one of size and scaleFactor. */
  size?: number | number[] | null;
  /** Multiplier of each spatial size. Exactly one of size and scaleFactor. */
  scaleFactor?: number | number[] | null;
  /** Default 'nearest'. */
  mode?: InterpolateMode;
  /** Linear modes only. Default false. */
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
}

const SIZE_POSITIONAL = [pos.nullableSize('size'), pos.nullableSize('scaleFactor')];

const fmt = (v: number | number[] | null): string => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

/**
 * Resizes the spatial dims with `F.interpolate` (PyTorch's `nn.Upsample`); the options are PyTorch's
 * keyword arguments.
 * @example
 * new Upsample({ scaleFactor: 2 }).call(x)                                       // nearest, [N, C, H, W] -> [N, C, 2H, 2W]
 * new Upsample(null, 2).call(x)                                                  // the same, PyTorch's positional Upsample(None, 2)
 * new Upsample({ size: [8, 8], mode: 'bilinear', alignCorners: true }).call(x)
 */
export class Upsample extends Module {
  readonly size: number | number[] | null;
  readonly scaleFactor: number | number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;
  /** PyTorch's `Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None)`: positional values, then the other options. */
  constructor(...args: PositionalArgs<[], [size: number | number[] | null, scaleFactor: number | number[] | null, mode: InterpolateMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null], UpsampleOptions>) {
    super();
    const o = positionalOptions<UpsampleOptions>(new.target.name, args, [
      pos.nullableSize('size'), pos.nullableSize('scaleFactor'), pos.string('mode'), pos.nullableBoolean('alignCorners'), pos.nullableBoolean('recomputeScaleFactor'),
    ], undefined, 0);
    this.size = o.size ?? null;
    this.scaleFactor = o.scaleFactor ?? null;
    this.mode = o.mode ?? 'nearest';
    this.alignCorners = o.alignCorners ?? null;
    this.recomputeScaleFactor = o.recomputeScaleFactor ?? null;
  }
  forward(x: Tensor): Tensor {
    return interpolate(x, { size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners, recomputeScaleFactor: this.recomputeScaleFactor });
  }
  override extraRepr(): string {
    return this.scaleFactor !== null ? `scaleFactor=${fmt(this.scaleFactor)}, mode='${this.mode}'` : `size=${fmt(this.size)}, mode='${this.mode}'`;
  }
}

/**
 * 2-D nearest upsampling (PyTorch's `nn.UpsamplingNearest2d`).
 * @example
 * new UpsamplingNearest2d({ scaleFactor: 2 }).call(x)
 */
export class UpsamplingNearest2d extends Upsample {
  /** PyTorch's `UpsamplingNearest2d(size=None, scale_factor=None)`: positional values, then the other options. */
  constructor(...args: PositionalArgs<[], [size: number | number[] | null, scaleFactor: number | number[] | null], { size?: number | number[] | null; scaleFactor?: number | number[] | null }>) {
    super({ ...positionalOptions<UpsampleOptions>('UpsamplingNearest2d', args, SIZE_POSITIONAL, undefined, 0), mode: 'nearest' });
  }
}

/**
 * 2-D bilinear upsampling with alignCorners true (PyTorch's `nn.UpsamplingBilinear2d`).
 * @example
 * new UpsamplingBilinear2d({ scaleFactor: 2 }).call(x)
 */
export class UpsamplingBilinear2d extends Upsample {
  /** PyTorch's `UpsamplingBilinear2d(size=None, scale_factor=None)`: positional values, then the other options. */
  constructor(...args: PositionalArgs<[], [size: number | number[] | null, scaleFactor: number | number[] | null], { size?: number | number[] | null; scaleFactor?: number | number[] | null }>) {
    super({ ...positionalOptions<UpsampleOptions>('UpsamplingBilinear2d', args, SIZE_POSITIONAL, undefined, 0), mode: 'bilinear', alignCorners: true });
  }
}
