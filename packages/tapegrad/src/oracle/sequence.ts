/** Oracle cases of the sequence family (FORMAT-models.md): scans, sorting, einsum, norms, recurrent and attention modules. */
import { Tensor, cosineSimilarity, einsum } from '@tapegrad/core';
import type { Args, ModuleCase, OpFn } from './types';
import { num } from './types';

// scans, sorting, triangles, reordering, einsum, norms (issue 13)
export const sequenceOps: Record<string, OpFn> = {
  cumsum: ([x], a) => x.cumsum(num(a.dim)),
  cumprod: ([x], a) => x.cumprod(num(a.dim)),
  sort: ([x], a) => x.sort(num(a.dim), a.descending as boolean).values,
  topk: ([x], a) => x.topk(num(a.k), num(a.dim), a.largest as boolean).values,
  tril: ([x], a) => x.tril(num(a.diagonal)),
  triu: ([x], a) => x.triu(num(a.diagonal)),
  flip: ([x], a) => x.flip(a.dims as number[]),
  roll: ([x], a) => x.roll(a.shifts as number | number[], a.dims as number | number[] | null),
  einsum: (xs: Tensor[], a) => einsum(a.equation as string, xs),
  norm: ([x], a) => x.norm(num(a.p), a.dim as number | number[] | null, (a.keepdim as boolean | undefined) ?? false),
  cosineSimilarity: ([x1, x2], a) => cosineSimilarity(x1, x2, num(a.dim), num(a.eps)),
};

export const sequenceModules: Record<string, ModuleCase> = {};

export type { Args };
