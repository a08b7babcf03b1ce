/** Oracle cases of the pooling, interpolation and normalisation ops (FORMAT-models.md), written as a user calls them. */
import * as nn from '@tapegrad/nn';
import type { AdaptiveSize, InterpolateOptions, PoolSize } from '@tapegrad/core';
import type { Args, OpFn } from './types';
import { num } from './types';

const F = nn.functional;
const size = (v: unknown): PoolSize => v as PoolSize;
const stride = (a: Args): PoolSize | null => (a.stride ?? null) as PoolSize | null;

export const poolingOps: Record<string, OpFn> = {
  maxPool1d: ([x], a) => F.maxPool1d(x, size(a.kernelSize), { stride: stride(a), padding: size(a.padding), dilation: size(a.dilation), ceilMode: a.ceilMode as boolean }),
  maxPool2d: ([x], a) => F.maxPool2d(x, size(a.kernelSize), { stride: stride(a), padding: size(a.padding), dilation: size(a.dilation), ceilMode: a.ceilMode as boolean }),
  avgPool1d: ([x], a) => F.avgPool1d(x, size(a.kernelSize), { stride: stride(a), padding: size(a.padding), ceilMode: a.ceilMode as boolean, countIncludePad: a.countIncludePad as boolean }),
  avgPool2d: ([x], a) => F.avgPool2d(x, size(a.kernelSize), { stride: stride(a), padding: size(a.padding), ceilMode: a.ceilMode as boolean, countIncludePad: a.countIncludePad as boolean }),
  adaptiveAvgPool1d: ([x], a) => F.adaptiveAvgPool1d(x, num(a.outputSize)),
  adaptiveAvgPool2d: ([x], a) => F.adaptiveAvgPool2d(x, a.outputSize as AdaptiveSize),
  adaptiveMaxPool2d: ([x], a) => F.adaptiveMaxPool2d(x, a.outputSize as AdaptiveSize),
  interpolate: ([x], a) => F.interpolate(x, a as InterpolateOptions),
  groupNorm: ([x, weight, bias], a) => F.groupNorm(x, num(a.numGroups), { weight, bias, eps: num(a.eps) }),
  layerNorm: ([x, weight, bias], a) => F.layerNorm(x, a.normalizedShape as number[], { weight, bias, eps: num(a.eps) }),
  batchNorm: ([x, weight, bias], a) => F.batchNorm(x, null, null, { weight, bias, training: true, eps: num(a.eps) }),
};
