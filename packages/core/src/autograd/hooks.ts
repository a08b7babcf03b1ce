/**
 * Tensor gradient hooks, PyTorch's `Tensor.register_hook`: a function called with the tensor's gradient
 * during backward (and grad()), which may return a replacement. A leaf's hooks run before its gradient
 * is accumulated into `.grad`; a non-leaf's run when its gradient is complete, before it flows on.
 * Kept in weak maps so a hook never keeps a tensor or a node alive.
 */
import type { Tensor } from '../tensor';
import type { Node } from './tape';
import { fmt, sameShape } from '../shape';
import { invalidateCaptures, noteUncapturable } from '../compile/capture';

/** A gradient hook: return a tensor to replace the gradient, or nothing to keep it. */
export type GradHook = (grad: Tensor) => Tensor | void | null | undefined;
/** What registerHook returns: `remove()` unregisters the hook. */
export interface RemovableHandle { remove(): void }

const leafHooks = new WeakMap<Tensor, GradHook[]>();
const nodeHooks = new WeakMap<Node, GradHook[]>();
/** Whether any hook (or retainGrad) was ever registered: until then backward skips the per-node lookups. */
let registered = false;

export function registerHook(t: Tensor, hook: GradHook): RemovableHandle {
  if (typeof hook !== 'function') throw new TypeError(`registerHook: expected a function, got ${typeof hook}`);
  if (!t.requiresGrad) throw new Error("registerHook: cannot register a hook on a tensor that doesn't require gradient");
  const node = t.gradFn;
  const list = node ? nodeHooks.get(node) ?? [] : leafHooks.get(t) ?? [];
  if (node) nodeHooks.set(node, list); else leafHooks.set(t, list);
  list.push(hook);
  registered = true;
  // compile (issue 15): a replay runs kernels, not hooks; a step that runs one stays eager (see runHooks),
  // and one registered or removed after a capture must reach the step: capture again.
  invalidateCaptures();
  return { remove: () => { const i = list.indexOf(hook); if (i >= 0) { list.splice(i, 1); invalidateCaptures(); } } };
}

/** Where retainGrad() was called among a node's hooks: the retained grad is the one hooks before it made. */
const RETAIN: GradHook = () => undefined;
export function markRetain(node: Node): void {
  const list = nodeHooks.get(node) ?? [];
  nodeHooks.set(node, list);
  if (!list.includes(RETAIN)) list.push(RETAIN);
  registered = true;
}

/** Whether `key` (a leaf tensor or a node) has hooks: the engine then pins the gradients it passes them. */
export function hasHooks(key: Tensor | Node): boolean {
  if (!registered) return false;
  const l = (leafHooks as WeakMap<object, GradHook[]>).get(key) ?? (nodeHooks as WeakMap<object, GradHook[]>).get(key);
  return l !== undefined && l.length > 0;
}

/** Runs the hooks of `key` in registration order, each on the previous one's result. */
export function runHooks(key: Tensor | Node, g: Tensor, retain?: (g: Tensor) => void): Tensor {
  const list = (leafHooks as WeakMap<object, GradHook[]>).get(key) ?? (nodeHooks as WeakMap<object, GradHook[]>).get(key);
  if (list === undefined) return g;
  for (const h of [...list]) {
    if (h === RETAIN) { retain?.(g); continue; }
    noteUncapturable('a tensor hook (registerHook) ran in the backward: a replay would not call it');
    const r = h(g);
    if (r === undefined || r === null) continue;
    if (typeof (r as Tensor).shape !== 'object' || !sameShape((r as Tensor).shape, g.shape)) {
      throw new Error(`registerHook: a hook returned ${typeof (r as Tensor).shape === 'object' ? `shape ${fmt((r as Tensor).shape)}` : typeof r} for a gradient of shape ${fmt(g.shape)}; return a tensor of that shape or nothing`);
    }
    g = r as Tensor;
  }
  return g;
}
