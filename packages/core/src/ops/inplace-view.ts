/**
 * In-place view ops (torch's `t_`, `transpose_`, `swapdims_`, `unsqueeze_`, `squeeze_`): the tensor itself
 * takes the view's shape and strides over the same storage; no value moves. With autograd they are
 * recorded as torch does: the tensor adopts the view's node (TBackward0, ...), a leaf that requires grad
 * is refused while grad mode is on, and the storage's version is bumped (torch bumps it too), so a node
 * that saved the old geometry refuses to backward.
 */
import { Tensor } from '../tensor';
import { checkLeaf } from './inplace';
import * as V from './view';
import { printedAs } from '../autograd/tape';
import { noteUncapturable } from '../compile/capture';

// `node` is torch's name for the in-place form's node (TBackward1, not t()'s TBackward0).
function inplaceView<T extends Tensor>(t: T, op: string, node: string, f: (x: Tensor) => Tensor): T {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${typeof t}`);
  checkLeaf(t, op);
  // The view is taken of a handle at t's current graph position, then t takes its geometry and node.
  const s = t.detach();
  if (t.gradFn) s._setGradFn(t.gradFn);
  const r = printedAs(f(s), node, s);
  if (r._storage !== t._storage) throw new Error(`${op}: internal error, the view copied its values`);
  t._setView(r.shape, r.stride(), r.nd.offset);
  if (r.gradFn) t._setGradFn(r.gradFn);
  // A compiled step's replay reruns kernels only, not this change of geometry: such a step stays eager.
  noteUncapturable(`${op} changes a tensor's shape in place`);
  t._bumpVersion();
  return t;
}

/** `x.t_()`: transposes a tensor of at most 2 dims in place. @example const x = zeros([2, 3]); x.t_(); x.shape; // [3, 2] */
export const t_ = <T extends Tensor>(x: T): T => inplaceView(x, 't_', 'TBackward1', V.t);
/** `x.transpose_(dim0, dim1)`: swaps two dims in place (negative dims count from the end). */
export const transpose_ = <T extends Tensor>(x: T, dim0: number, dim1: number): T => inplaceView(x, 'transpose_', 'TransposeBackward1', (v) => V.transpose(v, dim0, dim1));
/** `x.unsqueeze_(dim)`: a new dim of size 1 at `dim`, in place. */
export const unsqueeze_ = <T extends Tensor>(x: T, dim: number): T => inplaceView(x, 'unsqueeze_', 'UnsqueezeBackward1', (v) => V.unsqueeze(v, dim));
/** `x.squeeze_(dim?)`: drops size-1 dims (all, or `dim` when it has size 1), in place. */
export const squeeze_ = <T extends Tensor>(x: T, dim?: number): T => inplaceView(x, 'squeeze_', dim === undefined ? 'SqueezeBackward2' : 'SqueezeBackward3', (v) => V.squeeze(v, dim));
