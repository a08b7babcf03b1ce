/** Oracle cases of the sequence family (FORMAT-models.md): scans, sorting, einsum, norms, recurrent and attention modules. */
import type { Args, ModuleCase, OpFn } from './types';

export const sequenceOps: Record<string, OpFn> = {};

export const sequenceModules: Record<string, ModuleCase> = {};

export type { Args };
