/**
 * torch's `grad_fn.next_functions`: the edges from a backward node to the nodes its gradient flows into, and
 * the AccumulateGrad nodes that stand for leaves requiring grad (torch's gradient sinks; here the engine adds
 * into a leaf's `.grad` itself, so these objects exist only for introspection).
 */
import type { Tensor } from '../tensor';
import type { Node } from './tape';

/** One edge of {@link Node.nextFunctions}: the next node (null where the input does not require grad) and the output of it that was used. */
export type NextFunction = [node: Node | AccumulateGrad | null, inputNr: number];

/**
 * The node torch shows for a leaf that requires grad (`<AccumulateGrad object>`): `variable` is the leaf. One
 * per leaf, so the same leaf used twice shows the same object, as in torch.
 * @example
 * const w = tensor([1, 2], { requiresGrad: true });
 * const [[acc]] = w.mul(w.detach()).gradFn!.nextFunctions; // acc.name() === 'AccumulateGrad', acc.variable === w
 */
export class AccumulateGrad {
  /** @internal Made by {@link accumulateGradOf}. */
  constructor(readonly variable: Tensor) {}
  /** `'AccumulateGrad'`, as torch's `name()`. */
  name(): string {
    return 'AccumulateGrad';
  }
  /** A sink: no edges (torch's empty tuple). */
  get nextFunctions(): NextFunction[] {
    return [];
  }
  toString(): string {
    return '<AccumulateGrad object>';
  }
}

const accumulators = new WeakMap<Tensor, AccumulateGrad>();

/** The AccumulateGrad node of a leaf (created on first use, then the same object). */
export function accumulateGradOf(leaf: Tensor): AccumulateGrad {
  let a = accumulators.get(leaf);
  if (a === undefined) accumulators.set(leaf, (a = new AccumulateGrad(leaf)));
  return a;
}

/** @internal Node.nextFunctions: per recorded input, the node that produced it, its leaf's AccumulateGrad, or null. */
export function nextFunctionsOf(node: Node): NextFunction[] {
  // one output of a multi-output op (unbind's slice): the edges of the op's node, as torch's single node has
  if (node.outputOf !== null) return nextFunctionsOf(node.outputOf[0]);
  // linear with a bias is torch's addmm(bias, input, weight.t()): its edges in that order (torch's weight
  // edge goes through a TBackward0 node, which the fused linear has not)
  const order = node.op === 'linear' && node.inputs.length === 3 ? [2, 0, 1] : node.inputs.map((_, i) => i);
  return order.map((i): NextFunction => {
    const x = node.inputs[i];
    const n = node.next[i];
    if (n !== null) return n.outputOf !== null ? [n.outputOf[0], n.outputOf[1]] : [n, 0];
    return [x !== null && x.requiresGrad ? accumulateGradOf(x) : null, 0];
  });
}
