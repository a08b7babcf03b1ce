/**
 * F.conv1d, F.conv2d, F.convTranspose1d/2d, F.unfold, F.fold and F.pad: core's ops (im2col onto the
 * GEMM, gradients in tensor ops), with the layer-style input check (integer data gets a hint).
 */
import {
  Tensor, conv1d as coreConv1d, conv2d as coreConv2d, convTranspose1d as coreConvT1d, convTranspose2d as coreConvT2d,
  unfold as coreUnfold, fold as coreFold, pad as corePad,
} from '@tapegrad/core';
import type { ConvOptions, ConvTransposeOptions, UnfoldOptions, SizeArg, PadMode, PadOptions } from '@tapegrad/core';
import { checkFloatInput } from '../check';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';

export type { ConvOptions, ConvTransposeOptions, UnfoldOptions, SizeArg, PadMode, PadOptions, ConvPadding } from '@tapegrad/core';
import type { ConvPadding } from '@tapegrad/core';

// PyTorch's positional parameters after (input, weight, bias): F.conv2d(input, weight, bias, stride, padding,
// dilation, groups) and F.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation).
const CONV_POSITIONAL = [pos.size('stride'), pos.sizeOrString('padding'), pos.size('dilation'), pos.number('groups')];
const CONVT_POSITIONAL = [pos.size('stride'), pos.size('padding'), pos.size('outputPadding'), pos.number('groups'), pos.size('dilation')];
type ConvArgs = PositionalArgs<[], [stride: SizeArg, padding: ConvPadding, dilation: SizeArg, groups: number], ConvOptions>;
type ConvTArgs = PositionalArgs<[], [stride: SizeArg, padding: SizeArg, outputPadding: SizeArg, groups: number, dilation: SizeArg], ConvTransposeOptions>;

/**
 * 1-D convolution: input [N, C, L] or [C, L], weight [out, C/groups, k], bias [out] or null.
 * @example
 * F.conv1d(x, w, b, { stride: 2, padding: 1 }) // x [2, 3, 10], w [4, 3, 3] -> [2, 4, 5]
 * F.conv1d(x, w, b, 2, 1)                     // PyTorch's positional stride, padding, dilation, groups
 */
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, ...args: ConvArgs): Tensor {
  checkFloatInput('conv1d', input);
  return coreConv1d(input, weight, bias, positionalOptions<ConvOptions>('conv1d', args, CONV_POSITIONAL, undefined, 3));
}

/**
 * 2-D convolution: input [N, C, H, W] or [C, H, W], weight [out, C/groups, kH, kW], bias [out] or null.
 * @example
 * F.conv2d(x, w, b, { padding: 'same' }) // x [8, 3, 32, 32], w [16, 3, 3, 3] -> [8, 16, 32, 32]
 * F.conv2d(x, w, b, 1, 'same')          // PyTorch's positional stride, padding, dilation, groups
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, ...args: ConvArgs): Tensor {
  checkFloatInput('conv2d', input);
  return coreConv2d(input, weight, bias, positionalOptions<ConvOptions>('conv2d', args, CONV_POSITIONAL, undefined, 3));
}

/**
 * 1-D transposed convolution: input [N, Cin, L] or [Cin, L], weight [Cin, out/groups, k].
 * @example
 * F.convTranspose1d(x, w, null, { stride: 2 }) // x [2, 3, 6], w [3, 2, 3] -> [2, 2, 13]
 * F.convTranspose1d(x, w, null, 2)             // PyTorch's positional stride, padding, outputPadding, groups, dilation
 */
export function convTranspose1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, ...args: ConvTArgs): Tensor {
  checkFloatInput('convTranspose1d', input);
  return coreConvT1d(input, weight, bias, positionalOptions<ConvTransposeOptions>('convTranspose1d', args, CONVT_POSITIONAL, undefined, 3));
}

/**
 * 2-D transposed convolution: input [N, Cin, H, W] or [Cin, H, W], weight [Cin, out/groups, kH, kW].
 * @example
 * F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }) // x [1, 4, 4, 4], w [4, 3, 3, 3] -> [1, 3, 8, 8]
 * F.convTranspose2d(x, w, b, 2, 1, 1)                                     // PyTorch's positional form
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, ...args: ConvTArgs): Tensor {
  checkFloatInput('convTranspose2d', input);
  return coreConvT2d(input, weight, bias, positionalOptions<ConvTransposeOptions>('convTranspose2d', args, CONVT_POSITIONAL, undefined, 3));
}

/**
 * Sliding blocks as columns (im2col): [N, C, H, W] -> [N, C·kH·kW, L].
 * @example
 * F.unfold(x, 3, { padding: 1 }) // x [2, 3, 5, 5] -> [2, 27, 25]
 */
export function unfold(input: Tensor, kernelSize: SizeArg, opts: UnfoldOptions = {}): Tensor {
  checkFloatInput('unfold', input);
  return coreUnfold(input, kernelSize, opts);
}

/**
 * Columns summed back into an image (col2im): [N, C·kH·kW, L] -> [N, C, ...outputSize].
 * @example
 * F.fold(cols, [4, 5], 2) // cols [2, 12, 12] -> [2, 3, 4, 5]
 */
export function fold(input: Tensor, outputSize: SizeArg, kernelSize: SizeArg, opts: UnfoldOptions = {}): Tensor {
  checkFloatInput('fold', input);
  return coreFold(input, outputSize, kernelSize, opts);
}

/**
 * Pads the last dims (amounts last dim first, as PyTorch); modes constant, reflect, replicate, circular.
 * @example
 * F.pad(x, [1, 1, 2, 2], 'reflect') // x [1, 3, 8, 8] -> [1, 3, 12, 10]
 */
export function pad(input: Tensor, padding: readonly number[], mode: PadMode | PadOptions = 'constant', value?: number): Tensor {
  return corePad(input, padding, mode, value);
}
