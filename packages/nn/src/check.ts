/** Input checks shared by the layers, so their errors name the layer. */
import { Tensor, isFloating } from '@tapegrad/core';

/** Throws unless x is a floating point Tensor; integer data is the usual cause, so say how to fix it. */
export function checkFloatInput(layer: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${layer}: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  if (!isFloating(x.dtype)) {
    throw new TypeError(
      `${layer}: expected a floating point input, got ${x.dtype} (integer data such as tensor([[0, 1]]) is int32: pass { dtype: 'float32' } or call .float())`,
    );
  }
}
