/** Oracle cases of the convolution family (FORMAT-models.md): conv, pooling, pad, unfold, interpolate, norms. */
import type { Tensor, SizeArg, ConvPadding, PadMode } from '@tapegrad/core';
import { F } from '@tapegrad/nn';
import type { Args, ModuleCase, OpFn } from './types';

const size = (v: unknown): SizeArg => v as SizeArg;
const conv = (a: Args) => ({ stride: size(a.stride), padding: a.padding as ConvPadding, dilation: size(a.dilation), groups: a.groups as number });
const convT = (a: Args) => ({
  stride: size(a.stride), padding: size(a.padding), outputPadding: size(a.outputPadding), groups: a.groups as number, dilation: size(a.dilation),
});

export const convOps: Record<string, OpFn> = {
  // convolution (issue 12)
  conv1d: ([x, w, b]: Tensor[], a) => F.conv1d(x, w, b ?? null, conv(a)),
  conv2d: ([x, w, b]: Tensor[], a) => F.conv2d(x, w, b ?? null, conv(a)),
  convTranspose1d: ([x, w, b]: Tensor[], a) => F.convTranspose1d(x, w, b ?? null, convT(a)),
  convTranspose2d: ([x, w, b]: Tensor[], a) => F.convTranspose2d(x, w, b ?? null, convT(a)),
  pad: ([x]: Tensor[], a) => F.pad(x, a.pad as number[], a.mode as PadMode, a.mode === 'constant' ? (a.value as number) : undefined),
  unfold: ([x]: Tensor[], a) => F.unfold(x, size(a.kernelSize), { dilation: size(a.dilation), padding: size(a.padding), stride: size(a.stride) }),
};

export const convModules: Record<string, ModuleCase> = {};

export type { Args };
