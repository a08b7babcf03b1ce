/**
 * Parameter: a leaf tensor that requires grad and that a Module registers when it is stored in a field.
 */
import { Tensor, DType, getDefaultDtype, zeros } from '@tapegrad/core';

/** The writable view of Tensor's internals that `Parameter.data = t` swaps (they are readonly only in the types). */
interface TensorInternals {
  nd: Tensor['nd'];
  dtype: DType;
  _storage: Tensor['_storage'];
}

/**
 * A tensor that is a module parameter: a leaf sharing `data`'s storage (as PyTorch's `nn.Parameter(t)`),
 * with `requiresGrad` true unless asked otherwise. Modules find Parameter fields automatically.
 *
 * `new Parameter()` (no data) is an empty float tensor of the default dtype, as PyTorch.
 * @example
 * class Scale extends Module {
 *   s = new Parameter(ones([3]));
 *   forward(x: Tensor) { return x.mul(this.s); }
 * }
 */
export class Parameter extends Tensor {
  constructor(data?: Tensor, requiresGrad = true) {
    const src = data ?? zeros([0], { dtype: getDefaultDtype() });
    if (!(src instanceof Tensor)) {
      throw new TypeError(`Parameter: expected a Tensor as data, got ${src === null ? 'null' : typeof src}`);
    }
    super(src._storage, src.shape, src.stride(), src.nd.offset, src.dtype);
    this.requiresGrad = requiresGrad;
  }

  /** The values as a plain tensor cut from the graph (shares storage), like PyTorch's `param.data`. */
  override get data(): Tensor {
    return this.detach();
  }

  /**
   * Replaces the values (and possibly the shape and dtype) while keeping this Parameter object, so that
   * optimizers holding it see the change — PyTorch's `param.data = t`. The gradient is dropped if the
   * shape or dtype changes.
   */
  override set data(t: Tensor) {
    if (!(t instanceof Tensor)) throw new TypeError('Parameter.data: expected a Tensor');
    const sameLayout = t.dtype === this.dtype && t.ndim === this.ndim && t.shape.every((s, i) => s === this.nd.shape[i]);
    const self = this as unknown as TensorInternals;
    self.nd = t.detach().nd;
    self._storage = t._storage;
    self.dtype = t.dtype;
    if (!sameLayout) this.grad = null;
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/** Is it a Parameter? */
export function isParameter(x: unknown): x is Parameter {
  return x instanceof Parameter;
}
