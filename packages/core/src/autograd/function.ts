/**
 * User-defined differentiable ops, like `torch.autograd.Function`: you give the forward (run with
 * recording off) and its VJP; the tape records one node for the whole op.
 */
import { Tensor } from '../tensor';
import { noGrad } from './grad-mode';
import { record } from './tape';

export class FunctionContext {
  /** @internal */ _saved: Tensor[] = [];
  /** Anything else the backward needs (shapes, constants). */
  readonly data: Record<string, unknown> = {};
  /** Keep tensors for the backward; in-place changes to them before backward are detected. */
  saveForBackward(...tensors: Tensor[]): void {
    this._saved = tensors;
  }
  get savedTensors(): readonly Tensor[] {
    return this._saved;
  }
}

export interface FunctionSpec {
  /** Computes the output from the inputs (recording is off inside). */
  forward(ctx: FunctionContext, ...inputs: Tensor[]): Tensor;
  /** Given ∂L/∂output, returns ∂L/∂input for each input (null where none). Written in Tensor ops, it is itself differentiable. */
  backward(ctx: FunctionContext, grad: Tensor): (Tensor | null)[];
}

/**
 * Defines a custom op.
 * @example
 * const cube = defineFunction('cube', {
 *   forward(ctx, x) { ctx.saveForBackward(x); return x.mul(x).mul(x); },
 *   backward(ctx, g) { const [x] = ctx.savedTensors; return [g.mul(x.mul(x)).mul(3)]; },
 * });
 * gradcheck(cube, [tensor([1.5, -2], { dtype: 'float64', requiresGrad: true })]);
 */
export function defineFunction(name: string, spec: FunctionSpec): (...inputs: Tensor[]) => Tensor {
  return define(name, spec, true); // user code may keep what it is given or returns
}

/**
 * @internal defineFunction for the library's own ops (nn's attention softmax, head split, mseLoss), whose
 * backward keeps nothing it is given or returns beyond its call: the engine may then recycle those
 * gradients once consumed, as it does a built-in op's (a user's backward could hold them, so
 * defineFunction pins them).
 */
export function defineOp(name: string, spec: FunctionSpec): (...inputs: Tensor[]) => Tensor {
  return define(name, spec, false);
}

function define(name: string, spec: FunctionSpec, keepsGrads: boolean): (...inputs: Tensor[]) => Tensor {
  return (...inputs: Tensor[]): Tensor => {
    const ctx = new FunctionContext();
    const raw = noGrad(() => spec.forward(ctx, ...inputs));
    if (!(raw instanceof Tensor)) throw new TypeError(`${name}: forward must return a Tensor`);
    const out = inputs.includes(raw) ? raw.clone() : raw;
    const y = record(name, inputs, out.detach(), (g) => {
      const grads = spec.backward(ctx, g);
      if (!Array.isArray(grads) || grads.length !== inputs.length) {
        throw new Error(`${name}: backward must return one gradient (or null) per input: expected ${inputs.length}, got ${Array.isArray(grads) ? grads.length : typeof grads}`);
      }
      return grads;
    }, ctx._saved, { keepsGrads });
    return y;
  };
}
