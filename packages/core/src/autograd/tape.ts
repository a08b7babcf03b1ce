/**
 * The tape: every differentiable op applied while grad mode is on and one of its inputs requires grad
 * appends a Node. A node's `id` is its position on the global tape (a monotonically increasing counter),
 * so "reverse tape order" is "descending id", which is always a valid topological order: a node is
 * created after the nodes of all its inputs.
 *
 * Ownership (why the tape cannot leak): there is no global array of nodes. A node is owned by the tensor
 * it produced (`tensor.gradFn`) and by the nodes downstream that hold that tensor as an input. When the
 * last tensor that can reach a node is dropped, the garbage collector frees the node and what it saved.
 * `backward()` without `retainGraph` additionally releases (clears) every node it walked that saved
 * tensors, so saved values go as soon as the gradient has been computed.
 */
import type { Tensor } from '../tensor';
import { isAnomalyEnabled, isGradEnabled, noGrad, enableGrad } from './grad-mode';
import { fmt, sameShape } from '../shape';
import { nodeName } from '../format'; // tutorials port: grad_fn.name()
import { hasHooks, runHooks } from './hooks';
import { activeTrace, noteValueRead } from '../compile/hooks'; // compile (issue 15)
import { noteLeafGrad, noteWalked, runKernel } from '../compile/capture';
import { POOL_MIN_LENGTH, poolGive, _walkBegin as walkBegin, _walkEnd as walkEnd, _bornAfter as bornAfter } from '../pool';
import { release as releaseDevice } from '../webgpu/ops'; // webgpu (issue 17)
import { nextFunctionsOf, type NextFunction } from './next-functions'; // autograd introspection (conform8)

/** A vector-Jacobian product: the gradient of the output in, one gradient per input out (null: none). */
export type Vjp = (grad: Tensor) => ReadonlyArray<Tensor | null | undefined>;

let tapeLength = 0;

/** How many nodes have ever been appended to the global tape (for diagnostics and tests). */
export function tapePosition(): number {
  return tapeLength;
}

export class Node {
  /** Position on the global tape. */
  readonly id: number = ++tapeLength;
  /** The inputs that require grad (null for those that do not, so indices line up with the VJP's result). */
  inputs: (Tensor | null)[];
  /**
   * The node that produced each input when this node was recorded (null for leaves). Fixed at record time,
   * as PyTorch's edges: an input later modified in place takes a new gradFn, but this node's gradient
   * must still reach the node that computed the value it read.
   */
  next: (Node | null)[];
  vjp: Vjp | null;
  /** Tensors the VJP reads, with the version they had when saved (in-place changes are caught). */
  saved: [Tensor, number][];
  /** Stack trace of the forward call, kept only under detectAnomaly. */
  stack: string | undefined;
  /** The non-leaf tensor that asked for retainGrad(). */
  retained: Tensor | null = null;
  /**
   * The VJP may keep what it is given or returns beyond its call (user code from defineFunction, or a VJP
   * that stashes its gradient for a later node, as unbind and sharedLinear do), so the engine never
   * recycles those buffers.
   */
  keepsGrads = false;
  /** @internal The rank of the tensor this node produced (its PyTorch name depends on it; see name()). */
  outRank = -1;
  /**
   * The name PyTorch prints for this node when it differs from what `op` maps to (format.ts's
   * `grad_fn=<…>`): a composed op ends in another op's node (`t()` is a permute here, TBackward0 there).
   */
  printedName: string | null = null;
  /**
   * @internal autograd introspection (conform8): set when this node is one output of an op that torch records
   * as one multi-output node (unbind's slices): that node and the output's index, which `nextFunctions` shows.
   */
  outputOf: [node: Node, outputNr: number] | null = null;

  constructor(readonly op: string, inputs: (Tensor | null)[], vjp: Vjp, saved: readonly Tensor[]) {
    this.inputs = inputs;
    this.next = inputs.map((x) => x?.gradFn ?? null);
    this.vjp = vjp;
    this.saved = saved.map((t) => [t, t._version]);
    this.stack = isAnomalyEnabled() ? new Error().stack : undefined;
  }

  /**
   * PyTorch's `grad_fn.name()`: the backward node's name as PyTorch 1.13 prints it (`'AddBackward0'`).
   * @example tensor([1], { requiresGrad: true }).add(2).gradFn!.name(); // 'AddBackward0'
   */
  name(): string {
    return nodeName(this);
  }

  // autograd introspection (conform8)
  /**
   * torch's `grad_fn.next_functions`: for each input of the op, `[node, 0]` with the node that produced it, an
   * {@link AccumulateGrad} for a leaf that requires grad (its `variable` is the leaf), or `[null, 0]` for an
   * input that does not require grad. The edges are this engine's: an op composed of others (see `name()`)
   * shows its last node's inputs, in our argument order.
   * @example
   * const a = tensor([1, 2], { requiresGrad: true });
   * const y = a.mul(a.exp()).sum();
   * y.gradFn!.nextFunctions[0][0]!.name(); // 'MulBackward0'; its nextFunctions: AccumulateGrad (a), ExpBackward0
   */
  get nextFunctions(): NextFunction[] {
    return nextFunctionsOf(this);
  }

  /** As PyTorch prints a grad_fn (`<AddBackward0 object at 0x…>`), without the address: `print(f'{z.grad_fn}')` ports as is. */
  toString(): string {
    return `<${nodeName(this)} object>`;
  }

  get released(): boolean {
    return this.vjp === null;
  }

  release(): void {
    this.vjp = null;
    this.saved = [];
  }
}

/**
 * Appends a node for `out = op(inputs)` when grad mode is on and any input requires grad.
 * `saved` lists the tensors the VJP will read (their versions are checked at backward time).
 */
export function record(op: string, inputs: readonly Tensor[], out: Tensor, vjp: Vjp, saved: readonly Tensor[] = [], { keepsGrads = false }: RecordOptions = {}): Tensor {
  const trace = activeTrace(); // compile (issue 15)
  if (trace !== null) trace.op(op, out.shape, out.dtype);
  let any = false;
  let off = false;
  for (const x of inputs) {
    if (x.requiresGrad) any = true;
    else if (x._gradModeOff) off = true;
  }
  if (!any) {
    if (off) out._gradModeOff = true;
    return out;
  }
  if (!isGradEnabled()) {
    // Remembered only so that backward() on it can say why there is no graph.
    out._gradModeOff = true;
    return out;
  }
  const node = new Node(op, inputs.map((x) => (x.requiresGrad ? x : null)), vjp, saved);
  node.keepsGrads = keepsGrads;
  node.outRank = out.ndim;
  out._setGradFn(node);
  return out;
}

/**
 * Names the node that produced `out` as PyTorch prints it (Node.printedName) and returns `out`. Only a
 * node made by this call is named: `out` without a node, or holding one of `inputs`' own nodes (an op
 * that returned its input), is left alone.
 */
export function printedAs<T extends Tensor>(out: T, name: string, ...inputs: readonly Tensor[]): T {
  const node = out.gradFn;
  if (node !== null && !inputs.some((x) => x.gradFn === node)) node.printedName = name;
  return out;
}

/** How a recorded node treats its gradients (see Node.keepsGrads). */
export interface RecordOptions {
  /** The VJP keeps what it is given or returns beyond its call, so the engine must never recycle them. */
  keepsGrads?: boolean;
}

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

interface EngineOptions extends BackwardOptions {
  /** backward(): add into `.grad` of leaves. grad(): return gradients for `inputs` instead. */
  inputs?: readonly Tensor[];
  allowUnused?: boolean;
}

function hasNonFinite(t: Tensor): boolean {
  noteValueRead('detectAnomaly\'s check of a gradient'); // compile (issue 15): a replay would not check
  const d = t._contigData();
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return true;
  return false;
}

/**
 * Whether `g` can be added into the leaf's current grad `cur` in place: same dtype and shape, `cur` one
 * whole contiguous buffer (an adopted engine grad always is), `g` contiguous (a strided `g` goes through
 * the out-of-place add).
 */
function accumulatesInPlace(cur: Tensor, g: Tensor): boolean {
  return cur.dtype === g.dtype && sameShape(cur._shape, g._shape) && cur.nd.offset === 0 && cur._storage.data.length === cur.numel() &&
    cur.isContiguous() && g.isContiguous() && cur._storage.data.buffer !== g._storage.data.buffer;
}

/** cur += g elementwise (the same rounding as the out-of-place add: one rounding of the exact sum). */
function addInPlace(cur: Tensor, g: Tensor): void {
  const a = cur._storage.data, b = g._storage.data, o = g.nd.offset, n = a.length;
  for (let i = 0; i < n; i++) a[i] += b[o + i];
  cur._storage.version++;
}

/**
 * Walks the graph behind `roots` in reverse tape order, applying each node's VJP once.
 *
 * Memory (docs/design.md, "Memory"): with `createGraph` off, every gradient buffer this walk allocates is
 * known to the engine from birth. Gradients waiting in the walk's maps are counted per ArrayBuffer (a
 * view shares its base's count); when a buffer's last pending gradient has been consumed (summed into
 * another or passed through its node's VJP), it goes back to the pool — unless it was born before the
 * walk (a forward value, a saved tensor, the caller's gradient), or it is *pinned*: a root gradient, a
 * retained grad, anything passed to or returned by a user-defined (defineFunction) backward, a `grad()`
 * output, or a buffer adopted as some leaf's `.grad`.
 */
export function runBackward(roots: readonly Tensor[], rootGrads: readonly Tensor[], opts: EngineOptions): (Tensor | null)[] {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;

  // Collect the reachable nodes iteratively (deep graphs must not overflow the stack).
  const seen = new Set<Node>();
  const stack: Node[] = [];
  for (const r of roots) if (r.gradFn && !seen.has(r.gradFn)) { seen.add(r.gradFn); stack.push(r.gradFn); }
  while (stack.length) {
    const n = stack.pop() as Node;
    for (const p of n.next) {
      if (p && !seen.has(p)) { seen.add(p); stack.push(p); }
    }
  }
  const order = [...seen].sort((a, b) => b.id - a.id);
  noteWalked(order);

  const nodeGrads = new Map<Node, Tensor>();
  const leafGrads = new Map<Tensor, Tensor>();
  // Recycling bookkeeping (off under createGraph: there the gradients are graph values the new nodes save).
  const track = !createGraph;
  const born = track ? walkBegin() : 0;
  // Pending gradients per buffer. Arrays shorter than the pool's minimum are never given back and are not
  // counted (reading `.buffer` of a small array makes V8 move it off the heap, which would cost the
  // tiny-op path dearly); since one of them may still be a view of a large buffer, a large buffer is
  // given back only after checking that no pending small gradient lies in it.
  const refs = new Map<ArrayBufferLike, number>();
  const pinned = new Set<ArrayBufferLike>();
  // webgpu (issue 17): a device storage (its host array is empty) is counted as a large one, and goes back
  // to the device's buffer pool (work recorded before runs first, so the next owner's writes come after).
  const counted = (t: Tensor): boolean => t._storage.gpu !== null || t._storage.data.length >= POOL_MIN_LENGTH;
  const give = (t: Tensor): void => (t._storage.gpu !== null ? releaseDevice(t._storage) : poolGive(t._storage.data));
  const hold = (t: Tensor): void => {
    const d = t._storage.data;
    if (track && counted(t)) refs.set(d.buffer, (refs.get(d.buffer) ?? 0) + 1);
  };
  const pin = (t: Tensor): void => {
    pinned.add(t._storage.data.buffer);
  };
  // retainGrad: a non-leaf's gradient accumulated into its `.grad` (user code may keep it: pinned).
  const retainInto = (node: Node, g: Tensor): void => {
    const r = node.retained;
    if (r === null) return;
    if (r._grad === null) pin(g);
    r.grad = r._grad ? r._grad.add(g) : createGraph ? g : g.detach();
  };
  const smallViewOf = (m: Map<unknown, Tensor>, b: ArrayBufferLike): boolean => {
    for (const t of m.values()) {
      const d = t._storage.data;
      if (!counted(t) && d.buffer === b) return true;
    }
    return false;
  };
  const drop = (t: Tensor): void => {
    const d = t._storage.data;
    if (!track || !counted(t)) return;
    const b = d.buffer;
    const left = (refs.get(b) ?? 1) - 1;
    if (left > 0) { refs.set(b, left); return; }
    refs.delete(b);
    if (pinned.has(b) || !bornAfter(d, born) || smallViewOf(nodeGrads, b) || smallViewOf(leafGrads, b)) return;
    give(t);
  };
  const addGrad = <K>(m: Map<K, Tensor>, k: K, g: Tensor): void => {
    hold(g);
    const prev = m.get(k);
    if (prev === undefined) { m.set(k, g); return; }
    const sum = prev.add(g);
    hold(sum);
    m.set(k, sum);
    drop(prev);
    drop(g);
  };
  // grad(): the gradients of the requested non-leaf inputs are returned, so they are never consumed.
  const keep = new Set<Node>();
  if (opts.inputs !== undefined) for (const x of opts.inputs) if (x.gradFn) keep.add(x.gradFn);

  const body = (): void => {
    roots.forEach((r, i) => {
      pin(rootGrads[i]);
      if (r.gradFn) addGrad(nodeGrads, r.gradFn, rootGrads[i]);
      else addGrad(leafGrads, r, rootGrads[i]);
    });
    for (const node of order) {
      let g = nodeGrads.get(node);
      if (g === undefined) continue;
      if (node.vjp === null) {
        throw new Error(
          `backward: trying to backward through the graph a second time (op '${node.op}'); its saved values were freed ` +
            'after the first backward. Pass { retainGraph: true } to the first backward() if you need to go through it again.',
        );
      }
      for (const [t, v] of node.saved) {
        if (t._version !== v) {
          throw new Error(
            `backward: a tensor needed to compute the gradient of '${node.op}' was modified by an in-place operation ` +
              `(its version is ${t._version}, expected ${v}). Use an out-of-place op (e.g. add instead of add_) or clone() before modifying.`,
          );
        }
      }
      // Tensor hooks (registerHook) see the complete gradient and may replace it; user code may keep either.
      // retainGrad is one of them, in its registration order (as in PyTorch 1.13).
      if (hasHooks(node)) {
        pin(g);
        g = runHooks(node, g, (rg) => retainInto(node, rg));
        pin(g);
        nodeGrads.set(node, g);
      }
      // User code may keep what it is given or returns; the engine cannot see those lifetimes.
      if (node.keepsGrads) pin(g);
      const grads = node.vjp(g);
      node.inputs.forEach((x, i) => {
        const gi = grads[i];
        if (!x || !gi) return;
        if (!sameShape(gi._shape, x._shape)) {
          throw new Error(`backward: the gradient rule of '${node.op}' returned shape ${fmt(gi._shape)} for input ${i} of shape ${fmt(x._shape)} (a bug in that op's VJP)`);
        }
        if (isAnomalyEnabled() && hasNonFinite(gi)) {
          throw new Error(
            `detectAnomaly: the backward of '${node.op}' produced NaN or Inf in the gradient of its input ${i}.` +
              (node.stack ? `\nThe forward '${node.op}' was created at:\n${node.stack}` : ''),
          );
        }
        if (node.keepsGrads) pin(gi);
        const next = node.next[i];
        if (next) addGrad(nodeGrads, next, gi);
        else addGrad(leafGrads, x, gi);
      });
      // Consumed: out of the map (which then holds only pending gradients) and counted down.
      if (!keep.has(node)) {
        nodeGrads.delete(node);
        drop(g);
      }
    }
    // A leaf's hooks run on its complete gradient, before accumulation into .grad (or grad()'s result).
    // As PyTorch's (hooks on the grad accumulator), they do not run for grad()'s inputs.
    if (opts.inputs === undefined) for (const [leaf, g] of leafGrads) {
      if (!hasHooks(leaf)) continue;
      pin(g);
      const h = runHooks(leaf, g);
      pin(h);
      leafGrads.set(leaf, h);
    }
  };
  try {
    if (createGraph) enableGrad(body);
    else noGrad(body);
    // Free what the walked nodes saved. As in PyTorch, only a node that saved tensors becomes unusable: one
    // that saved none (add, sum, views) holds nothing to free, and a second backward through it works.
    if (!retainGraph) for (const n of order) if (n.saved.length > 0) n.release();

    if (opts.inputs === undefined) {
      noGrad(() => {
        for (const [leaf, g] of leafGrads) {
          if (!leaf.requiresGrad) { drop(g); continue; }
          noteLeafGrad(leaf);
          const cur = leaf._grad;
          // PyTorch's AccumulateGrad: add in place into a grad nobody else can hold (one the engine wrote and
          // no code has read through the getter since); otherwise out of place, leaving what others hold intact.
          if (cur !== null && track && leaf._gradPrivate && accumulatesInPlace(cur, g)) {
            runKernel(() => addInPlace(cur, g), cur._storage.data);
            drop(g);
            continue;
          }
          const gg = createGraph ? g : g.detach();
          const b = gg._storage.data.buffer;
          if (cur !== null) {
            const sum = createGraph ? enableGrad(() => cur.add(gg)) : cur.add(gg);
            // The replaced grad was private: nothing else can reach its buffer.
            if (track && leaf._gradPrivate) give(cur);
            // sum is the add's fresh output: nothing else holds it, however small (a small array's birth is
            // not recorded, so without this a small grad, a bias's, could never be added into in place).
            leaf._setGradAsEngine(sum, track && (bornAfter(sum._storage.data, born) || !counted(sum)));
            drop(g);
            continue;
          }
          // .grad is updated in place by optimizers, so it must own its storage. g can be adopted as it is
          // when nothing else can see that storage; it is copied (as PyTorch's AccumulateGrad does) when it
          // may be shared: handed to another leaf too (add's VJP gives the same tensor to both inputs), a view
          // of the caller's gradient or of a retained grad, or not contiguous (a copy also makes it so).
          const fresh = !pinned.has(b) && gg.isContiguous() && gg.nd.offset === 0 && (gg._storage.gpu?.length ?? gg._storage.data.length) === gg.numel() && // webgpu (issue 17): its storage's length
            (!track || (refs.get(b) ?? 0) <= 1);
          const own = fresh ? gg : createGraph ? enableGrad(() => gg.clone()) : gg.clone();
          if (fresh) pinned.add(b);
          else drop(g);
          // Private only when born in this walk: a buffer from before it may be reachable from elsewhere.
          leaf._setGradAsEngine(own, track && bornAfter(own._storage.data, born));
        }
      });
      return [];
    }
    return opts.inputs.map((x, i) => {
      const g = (x.gradFn ? nodeGrads.get(x.gradFn) : leafGrads.get(x)) ?? null;
      if (g === null && !opts.allowUnused) {
        throw new Error(`grad: input ${i} (shape ${fmt(x._shape)}) was not used to compute the outputs; pass { allowUnused: true } to get null for it`);
      }
      return g === null || createGraph ? g : g.detach();
    });
  } finally {
    if (track) walkEnd();
  }
}
