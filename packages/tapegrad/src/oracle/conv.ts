/** Oracle cases of the convolution family (FORMAT-models.md): conv, pooling, pad, unfold, interpolate, norms. */
import type { Args, ModuleCase, OpFn } from './types';

export const convOps: Record<string, OpFn> = {};

export const convModules: Record<string, ModuleCase> = {};

export type { Args };
