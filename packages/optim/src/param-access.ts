/**
 * Direct typed-array access for the update kernels (./kernels.ts). Optimizers run one fused loop per
 * parameter over the contiguous storage (in float64 arithmetic), which is much faster than a chain of
 * tensor ops, and bump the storage version as an in-place tensor op would.
 */
import { Tensor, isFloating, zerosLike, fullLike, noGrad, tensor } from '@tapegrad/core';
import type { FloatArray, TypedArray } from '@tapegrad/core';
import type { ParamState } from './optimizer';
import { fmtShape } from './util';

/**
 * The gradient of `p` as a row-major typed array (read only), or null when `p.grad` is null (the
 * parameter is skipped, as PyTorch does). Checks that the parameter is floating point and the grad's shape.
 */
export function gradData(p: Tensor, where: string, gi: number, pi: number): TypedArray | null {
  const g = gradTensor(p, where, gi, pi);
  if (g !== null && g.device !== 'cpu') { // webgpu (issue 17): this optimizer's update reads host memory
    throw new Error(`${where}: not implemented for webgpu parameters yet (parameter ${pi} of group ${gi}); every other optimizer but LBFGS updates them on the device`);
  }
  return g === null ? null : g._contigData();
}

/** {@link gradData}'s checks, returning the grad tensor itself (for webgpu parameters, whose values stay on the device). */
export function gradTensor(p: Tensor, where: string, gi: number, pi: number): Tensor | null {
  // Read without exposing it (the step keeps no reference), so the engine may still recycle it.
  const g = p._peekGrad();
  if (g === null || g === undefined) return null;
  if (!isFloating(p.dtype)) {
    throw new TypeError(`${where}: parameter ${pi} of group ${gi} has dtype ${p.dtype}; only floating point parameters can be optimized`);
  }
  const gs = g.shape, ps = p.shape;
  if (gs.length !== ps.length || gs.some((d, i) => d !== ps[i])) {
    throw new RangeError(`${where}: parameter ${pi} of group ${gi} has shape ${fmtShape(ps)} but its grad has shape ${fmtShape(gs)}`);
  }
  return g;
}

/**
 * The parameter's values in row-major order, writable: the storage itself for a contiguous parameter
 * (the normal case), else a copy that {@link commitParam} writes back.
 */
export function paramData(p: Tensor): FloatArray {
  return p._contigData() as FloatArray;
}

/** Makes the kernel's writes visible: bumps the version (in place) or copies a strided parameter's values back. */
export function commitParam(p: Tensor, x: FloatArray): void {
  if (p.isContiguous()) {
    p._bumpVersion();
    return;
  }
  noGrad(() => p.copy_(tensor(x, { dtype: p.dtype }).reshape(p.shape)));
}

/** The writable data of a state tensor (always one the optimizer created or cloned: contiguous, offset 0). */
export function stateData(t: Tensor): FloatArray {
  t._bumpVersion();
  return t._contigData() as FloatArray;
}

/** Gets a state tensor, creating it (zeros, or `fill`) shaped and typed like the parameter when missing. */
export function stateTensor(state: ParamState, key: string, p: Tensor, fill = 0): Tensor {
  const v = state[key];
  if (v instanceof Tensor) return v;
  const t = fill === 0 ? zerosLike(p) : fullLike(p, fill);
  state[key] = t;
  return t;
}

/** The state of a parameter, created empty on first use (PyTorch's `defaultdict(dict)`). */
export function stateOf(states: Map<Tensor, ParamState>, p: Tensor): ParamState {
  let s = states.get(p);
  if (s === undefined) {
    s = {};
    states.set(p, s);
  }
  return s;
}
