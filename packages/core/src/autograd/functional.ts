/** `grad()`: gradients of outputs with respect to chosen inputs, without touching `.grad`. */
import { Tensor } from '../tensor';
import { runBackward } from './tape';
import { onesOf } from '../ops/cast';
import { fmt, sameShape } from '../shape';

export interface GradOptions {
  /** The upstream vectors ("v" of the VJP), one per output; default ones for one-element outputs. */
  gradOutputs?: Tensor | (Tensor | null)[] | null;
  retainGraph?: boolean;
  /** Record the backward pass itself so the result can be differentiated again. */
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on instead of throwing. */
  allowUnused?: boolean;
}

/**
 * Like `torch.autograd.grad`: returns d(Σ outputs·gradOutputs)/d(input) for each input.
 * @example
 * const x = tensor(2, { dtype: 'float64', requiresGrad: true });
 * const [dy] = grad(x.pow(3), x, { createGraph: true });   // 3x² = 12
 * const [d2y] = grad(dy!, x);                               // 6x = 12
 */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const gos = opts.gradOutputs === undefined || opts.gradOutputs === null ? outs.map(() => null) : Array.isArray(opts.gradOutputs) ? opts.gradOutputs : [opts.gradOutputs];
  if (gos.length !== outs.length) throw new RangeError(`grad: got ${gos.length} gradOutputs for ${outs.length} outputs`);
  ins.forEach((x, i) => {
    if (!x.requiresGrad) throw new Error(`grad: input ${i} (shape ${fmt(x._shape)}) does not require grad`);
  });
  const rootGrads = outs.map((o, i) => {
    if (!o.requiresGrad) throw new Error(`grad: output ${i} does not require grad and has no gradFn`);
    const g = gos[i];
    if (g) {
      if (!sameShape(g._shape, o._shape)) throw new RangeError(`grad: gradOutputs[${i}] has shape ${fmt(g._shape)}, expected the output's shape ${fmt(o._shape)}`);
      return g;
    }
    if (o.numel() !== 1) throw new Error(`grad: grad can be implicitly created only for scalar outputs; output ${i} has shape ${fmt(o._shape)}, pass gradOutputs`);
    return onesOf(o._shape, o.dtype, o); // on o's device (webgpu, issue 17)
  });
  return runBackward(outs, rootGrads, { retainGraph: opts.retainGraph, createGraph: opts.createGraph, inputs: ins, allowUnused: opts.allowUnused });
}
