/** Shapes shared by the oracle's per-family case tables (kinds.ts, conv.ts, sequence.ts). */
import type { Tensor } from '@tapegrad/core';
import type { Module } from '@tapegrad/nn';

export type Args = Record<string, unknown>;
/** An op case: the inputs in the file's order (int64 inputs arrive as int32) and its `args`. */
export type OpFn = (xs: Tensor[], a: Args) => Tensor;
export const num = (v: unknown): number => v as number;

/**
 * A module case of FORMAT-models.md: `build` makes the tapegrad module from `args.config` (PyTorch's
 * options in camelCase); the runner loads the case's parameters under their PyTorch names (strictly:
 * every parameter of the module must be named, and no name may be unknown) and calls `forward` with the
 * data inputs.
 */
export interface ModuleCase {
  build(config: Args): Module;
  forward(m: Module, data: Tensor[], config: Args): Tensor;
}

/** Thrown for a case whose op tapegrad does not have yet; the runner reports these by name. */
export class NotImplemented extends Error {
  constructor(readonly kind: string, readonly op: string) {
    super(`not implemented: ${kind} '${op}'`);
  }
}
