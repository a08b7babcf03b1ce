/**
 * Kernel capture for `compile` (issue 15 §3): the replay half of the TinyJit-style step.
 *
 * Every place where the engine computes values goes through {@link runKernel}: a closure that writes
 * already-allocated outputs from its inputs' buffers and reads everything it needs (tensor values, an
 * optimizer's live learning rate and step count, the random generator) when it runs. Outside a capture
 * `runKernel(k)` is just `k()`. During a capture each closure also runs once and is appended to a list;
 * replaying the step is running that list again: no tape, no shape checks, no allocation of outputs,
 * no dispatch, and the same arithmetic in the same order as eager mode, so the same bits.
 *
 * What makes this safe is an audit of the capture, not trust in every op being annotated:
 * - every tensor storage created during the capture (outside a kernel) must have been written by a
 *   kernel, or the op that made it computed it where the replay cannot see (then the signature stays eager);
 * - an in-place write (a storage version bump) outside a kernel, a random draw outside a kernel, a read of
 *   values into JavaScript, or anything that declares itself uncapturable ({@link noteUncapturable}: an LR
 *   scheduler stepping inside the step, a tensor hook) makes the capture fail the same way.
 * The buffers a capture allocated (its arena) are withdrawn from the engine's pool for as long as the
 * capture lives, so nothing else is ever handed a buffer a replay will write.
 */
import type { TypedArray } from '../dtype';
import type { Tensor } from '../tensor';

/** One captured step: its kernels in order, and why it cannot be replayed (null when it can). */
export class Capture {
  readonly kernels: (() => void)[] = [];
  /** Storages created outside kernels that no kernel has written yet, with where they were made. */
  readonly pending = new Map<TypedArray, string>();
  /** Every array a kernel declared as its output. */
  readonly written = new WeakSet<TypedArray>();
  /** Arrays allocated during the capture outside kernels: the arena. */
  readonly arena = new Set<TypedArray>();
  /** The outputs of the kernel that ran last (an in-place op bumps the version right after writing). */
  lastOuts: (TypedArray | undefined)[] = [];
  /**
   * Leaves whose `.grad` the captured backward set or accumulated into: the grad it found there, and
   * whether a grad assignment earlier in the step put that grad there (else it came from before the step).
   */
  readonly leaves = new Map<Tensor, { before: Tensor | null; assigned: boolean }>();
  /** Tensors whose `.grad` an assignment during the capture set (each assignment is replayed as a kernel). */
  readonly gradAssigned = new Set<Tensor>();
  /** The graph nodes a backward() during the capture walked (a returned tensor's graph must be one of them). */
  readonly walked = new WeakSet<object>();
  failure: string | null = null;
  /** The staged arguments' arrays (a replay copies each call's arguments into them first). */
  readonly inputs = new Set<TypedArray>();
  /** Staged arrays fn wrote into (copied back to the caller's tensors after the capture call). */
  readonly inputsWritten = new Set<TypedArray>();
  /** Decisions taken on argument values ({@link valueGuard}): a replay checks them before running. */
  readonly guards: ValueGuard[] = [];
  /**
   * Tensors whose `.grad` code outside kernels decided on before the step assigned it ({@link noteGradDependence}:
   * zeroGrad skipping a null grad, or zero-filling one in place), with that grad: a replay needs the same.
   */
  readonly gradDeps = new Map<Tensor, Tensor | null>();

  fail(reason: string): void {
    if (DEBUG) console.error(`[capture] ${reason}\n${new Error().stack}`);
    if (this.failure === null) this.failure = reason;
  }
}

/** A decision `fn` took on an argument's values: replay only while `decide(data)` still gives `expected`. */
export interface ValueGuard {
  data: TypedArray;
  decide: (data: TypedArray) => unknown;
  expected: unknown;
}

/** @internal TAPEGRAD_CAPTURE_DEBUG=1 prints why captures fail, with stacks (for engine work). */
export const DEBUG = typeof process !== 'undefined' && process.env?.TAPEGRAD_CAPTURE_DEBUG === '1';
let active: Capture | null = null;
/** Whether a trace (compile.ts's Recorder) is listening: kernels then count their depth too. */
let tracing = 0;
/** Nesting depth of kernels now running: work inside a kernel is the kernel's own business. */
let depth = 0;
/** Arrays owned by a live capture's arena: the pool must never take them (see pool.ts). */
const arenaOwned = new WeakSet<ArrayBufferLike>();
let arenaCount = 0;

/** @internal The capture now recording (null outside one). */
export function activeCapture(): Capture | null {
  return active;
}

/** @internal Starts (`c`) or ends (`null`) a capture; returns the one it replaces. */
export function setActiveCapture(c: Capture | null): Capture | null {
  const prev = active;
  active = c;
  return prev;
}

/**
 * @internal Runs `run`, which writes every element of `out` (and `out2`, `out3`, or of every array when
 * `out` is a list) or updates existing
 * buffers in place. Under a capture the closure is also recorded for replay, so it must read every value
 * it uses when it runs — never a value computed from tensor data before it — and must not count on an
 * output's earlier contents (a replay finds the last call's values there: zero it first if it adds).
 */
export function runKernel(run: () => void, out?: TypedArray | readonly TypedArray[], out2?: TypedArray, out3?: TypedArray): void {
  const c = active;
  if ((c === null && tracing === 0) || depth > 0) {
    run();
    return;
  }
  depth++;
  try {
    run();
  } finally {
    depth--;
  }
  if (c === null) return;
  c.kernels.push(run);
  if (Array.isArray(out)) {
    c.lastOuts = [...out];
    for (const a of out) claim(c, a);
    return;
  }
  c.lastOuts = [out as TypedArray | undefined, out2, out3];
  if (out !== undefined) claim(c, out as TypedArray);
  if (out2 !== undefined) claim(c, out2);
  if (out3 !== undefined) claim(c, out3);
}

function claim(c: Capture, a: TypedArray): void {
  argumentWritten(c, a);
  c.written.add(a);
  c.pending.delete(a);
}

/**
 * A write into the staged copy of an argument: the caller's tensor would not see it on a replay, so the
 * capture fails, and compile copies this call's write back to the caller's tensor (inputsWritten).
 */
function argumentWritten(c: Capture, a: TypedArray): void {
  if (!c.inputs.has(a)) return;
  c.inputsWritten.add(a);
  c.fail('fn writes into a tensor argument in place (the caller\'s tensor would not change on a replay); return the new value instead');
}

/** The outcomes of the valueGuard decisions of the call compile now runs (null when none is listening). */
let decisions: unknown[] | null = null;
/**
 * @internal compile: collect the outcomes of valueGuard's decisions into `log` (null: stop); returns the
 * previous log. Calls whose decisions differ may run different graphs without the graph being unstable.
 */
export function _collectDecisions(log: unknown[] | null): unknown[] | null {
  const prev = decisions;
  decisions = log;
  return prev;
}

/** @internal compile's trace starts (+1) or ends (−1). */
export function _tracing(delta: number): void {
  tracing += delta;
}

/** @internal Whether a kernel is running (its value reads are part of it, not of the step's JavaScript). */
export function inKernel(): boolean {
  return depth > 0;
}

/**
 * webgpu (issue 17): the host copy kept by `to('webgpu')` of an int or bool tensor (class targets,
 * indices), for checks that read values; a tensor computed or written on the device has none.
 */
function hostMirror(t: Tensor): TypedArray {
  const host = (t._storage.gpu as { host: TypedArray | null }).host;
  if (host === null || !t.isContiguous()) {
    throw new Error(`a check on the values of a webgpu ${t.dtype} tensor of shape [${t.shape.join(', ')}] needs them on the host: create it from host values (tensor(data, { device: 'webgpu' }) or x.to('webgpu') keep a host copy of int and bool tensors), not on the device`);
  }
  return host.subarray(t.nd.offset, t.nd.offset + t.numel()) as TypedArray;
}

/**
 * @internal For code that takes a decision on a tensor's values outside any kernel (crossEntropy asks
 * whether any target is ignoreIndex, and checks the class range). `decide(data)` runs now on the row-major
 * values and its result is returned. Under a capture the tensor must be one no kernel of the step wrote
 * before the decision — one of `fn`'s arguments, or a tensor from its closure: a replay evaluates `decide`
 * again on the current values first (so its errors are thrown again) and runs eagerly instead when the
 * result differs. On a value the step computed the capture fails.
 * @example
 * const anyIgnored = valueGuard(target, (t) => t.includes(ignoreIndex));
 */
export function valueGuard<T>(t: Tensor, decide: (data: TypedArray) => T): T {
  if (t._storage.gpu !== null) return deviceValueGuard(t, decide); // webgpu (issue 17)
  const data = t._contigData();
  const result = decide(data);
  if (decisions !== null && depth === 0) decisions.push(result);
  const c = active;
  if (c !== null && depth === 0) {
    const base = t._storage.data;
    // The decision can be taken again before a replay runs any kernel when no kernel of this step has
    // written the tensor yet: an argument (staged), or a tensor from fn's closure (a replay reads its
    // current values, as fn would). A value the step computed first cannot be known before the replay.
    if (c.written.has(base) || !t.isContiguous()) c.fail(`a decision on the values of a tensor the step computed (${where()})`);
    else {
      const off = t.nd.offset, n = t.numel();
      c.guards.push({ data: base, decide: (d) => decide(off === 0 && d.length === n ? d : (d.subarray(off, off + n) as TypedArray)), expected: result });
    }
  }
  return result;
}

// ---- webgpu (issue 17): what the audit needs to know of device tensors (the replay is webgpu/replay.ts) ----

/** The (empty) host arrays of device storages: their values change only by recorded dispatches (or an upload, which fails the capture). */
const deviceData = new WeakSet<TypedArray>();

/** @internal A new webgpu storage: the dispatch of the op that made it writes it, and a replay records that dispatch. */
export function noteDeviceStorage(data: TypedArray): void {
  deviceData.add(data);
  const c = active;
  if (c !== null) {
    c.pending.delete(data);
    c.written.add(data);
  }
}

/**
 * valueGuard on a webgpu int or bool tensor: the decision is taken on its host mirror, and under a capture
 * a replay takes it again on the mirror's current values (a staged argument's mirror is refreshed per call;
 * a mirror a kernel dropped since, by writing the tensor, sends the call to eager mode, which reports it).
 */
function deviceValueGuard<T>(t: Tensor, decide: (data: TypedArray) => T): T {
  const gpu = t._storage.gpu as { host: TypedArray | null };
  const result = decide(hostMirror(t));
  if (decisions !== null && depth === 0) decisions.push(result);
  const c = active;
  if (c !== null && depth === 0) {
    const host = gpu.host as TypedArray, off = t.nd.offset, n = t.numel();
    const stale = {};
    c.guards.push({ data: host, decide: (d) => (gpu.host === host ? decide(d.subarray(off, off + n) as TypedArray) : stale), expected: result });
  }
  return result;
}

/** @internal Called for every new Storage: one made outside a kernel must be written by one. */
export function noteStorage(data: TypedArray): void {
  const c = active;
  if (c === null || depth > 0 || c.written.has(data)) return;
  c.pending.set(data, DEBUG ? new Error().stack ?? '' : where());
}

/** @internal Called by allocate() and allocateUninit(): arrays born in a capture belong to its arena. */
export function noteAllocation(a: TypedArray): void {
  const c = active;
  if (c === null || depth > 0) return;
  c.arena.add(a);
}

/** @internal An in-place write outside a kernel is invisible to a replay unless the kernel just before wrote it. */
export function noteVersionBump(data: TypedArray): void {
  const c = active;
  if (c === null || depth > 0) return;
  if (deviceData.has(data)) { // webgpu (issue 17): the dispatch that wrote it is recorded
    argumentWritten(c, data);
    return;
  }
  if (!c.lastOuts.includes(data)) c.fail(`an in-place write outside a kernel (${where()})`);
}

/** @internal backward() wrote `leaf.grad`: a replay writes the same grad, so it must still be the leaf's. */
export function noteLeafGrad(leaf: Tensor): void {
  const c = active;
  if (c === null) return;
  if (!c.leaves.has(leaf)) c.leaves.set(leaf, { before: leaf._grad, assigned: c.gradAssigned.has(leaf) });
}

/**
 * @internal A tensor's `.grad` was just set (backward, zeroGrad, an assignment): under a capture the
 * assignment becomes a kernel, so a replay leaves every `.grad` where eager mode would, in order.
 */
export function noteGradSet(t: Tensor): void {
  const c = active;
  if (c === null || depth > 0) return;
  const g = t._grad, priv = t._gradPrivate;
  c.kernels.push(() => t._restoreGrad(g, priv));
  c.gradAssigned.add(t);
}

/**
 * @internal What code outside kernels does next depends on `t.grad` being the tensor it is now (or null):
 * zeroGrad skips a parameter whose grad is null, and zero-fills in place the one it finds. A replay does
 * not run that code again, so it runs only while each such grad is still the one the capture found
 * (else the call captures again). A grad the step itself assigned before is the step's own: no check.
 */
export function noteGradDependence(t: Tensor): void {
  const c = active;
  if (c === null || depth > 0 || c.gradAssigned.has(t) || c.gradDeps.has(t)) return;
  c.gradDeps.set(t, t._grad);
}

/** @internal backward() walked these nodes. */
export function noteWalked(nodes: readonly object[]): void {
  const c = active;
  if (c !== null) for (const n of nodes) c.walked.add(n);
}

/** @internal A random draw outside a kernel would not be drawn again by a replay. */
export function noteCapturedRandomDraw(): void {
  const c = active;
  if (c !== null && depth === 0) c.fail(`a random draw outside a kernel (${where()})`);
}

/**
 * @internal Something JavaScript-side that a replay would not redo (an LR scheduler's step, a tensor
 * hook, a value read): the capture stays eager.
 */
export function noteUncapturable(reason: string): void {
  const c = active;
  if (c !== null && depth === 0) c.fail(reason);
}

/**
 * @internal webgpu (issue 17): a device buffer was handed out. Inside a kernel's closure during a capture
 * that closure allocates device tensors (an optimizer update written in tensor ops), so its replay would
 * bind other buffers than the recorded dispatches: the capture stays eager. Outside kernels, buffers are
 * the recorded dispatches' own.
 */
export function noteDeviceAllocation(op: string): void {
  const c = active;
  if (c !== null && depth > 0) c.fail(`a kernel allocates device tensors (${op}), so a replay could not reuse the recorded buffers`);
}

/** Grads read through the public `.grad` getter (compile's replays check the ones they write). */
const readGrads = new WeakSet<Tensor>();
/** @internal `.grad` handed `g` to code that may keep it. */
export function noteGradRead(g: Tensor): void {
  readGrads.add(g);
}
/** @internal Whether `g` was read through `.grad` since `forgetGradRead(g)`. */
export function gradWasRead(g: Tensor): boolean {
  return readGrads.has(g);
}
/** @internal A replay wrote `g` again: reads before it no longer matter. */
export function forgetGradRead(g: Tensor): void {
  readGrads.delete(g);
}

let epoch = 0;
/**
 * @internal Something every capture may depend on changed (a forward hook registered or removed):
 * replays capture again first, and the capture then decides.
 */
export function invalidateCaptures(): void {
  epoch++;
}
/** @internal The current epoch (a capture records it; a replay needs it unchanged). */
export function captureEpoch(): number {
  return epoch;
}

/**
 * @internal Whether a kernel running inside a capture must not be handed `a` from the pool: an array of
 * this capture's arena given back earlier in the step. What a kernel allocates (an optimizer's state on
 * its first step) outlives the step, while the replays keep writing the arena's arrays.
 */
export function heldForArena(a: TypedArray): boolean {
  return active !== null && depth > 0 && active.arena.has(a);
}

/** @internal Whether `a` belongs to a live capture's arena (the pool refuses such arrays). */
export function isArenaOwned(a: TypedArray): boolean {
  return arenaCount > 0 && arenaOwned.has(a.buffer);
}

/** @internal Withdraws a finished capture's arena from circulation (for the life of the compiled function). */
export function adoptArena(c: Capture): void {
  for (const a of c.arena) {
    if (!arenaOwned.has(a.buffer)) {
      arenaOwned.add(a.buffer);
      arenaCount++;
    }
  }
}

/** The first frame outside the engine's own capture plumbing, for the audit's messages. */
function where(): string {
  const stack = new Error().stack?.split('\n').slice(3) ?? [];
  const frame = stack.find((l) => !/capture\.ts|dtype\.ts|tensor\.ts|hooks\.ts|random\.ts|_bumpVersion|noteRandomDraw|Storage|_fromData/.test(l)) ?? stack[0] ?? '';
  return frame.trim().replace(/^at /, '');
}
