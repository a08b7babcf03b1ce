/** PyTorch's `inplace` argument of the activation and dropout modules (activation.ts, dropout.ts). */
import { Tensor } from '@tapegrad/core';
import { applyInPlace } from '@tapegrad/core/internal';
import { keywordArg } from './check';

/**
 * PyTorch's `inplace=True`: f(x) written into x, which is returned (its version bumped, its graph
 * position the op's), so a later backward through a tensor saved from before the write is an error as
 * in PyTorch; a leaf that requires grad cannot be written in place.
 */
export function maybeInPlace(x: Tensor, inplace: boolean, op: string, f: (t: Tensor) => Tensor): Tensor {
  return inplace ? applyInPlace(x, op, f) : f(x);
}

/** The `inplace` flag, positional or in an options object (`new ReLU(true)`, `new ReLU({ inplace: true })`), checked. */
export const inplaceArg = (where: string, v: boolean | { inplace?: boolean } | undefined): boolean => {
  const b = keywordArg<boolean>(where, v, 'inplace', false);
  if (typeof b !== 'boolean') throw new TypeError(`${where}: inplace must be a boolean, got ${typeof b} ${String(b)}`);
  return b;
};

