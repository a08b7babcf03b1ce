/**
 * `compile(fn)` (issue 15 §3): a TinyJit-style step. The first call of each input signature is traced
 * (its tape ops, value reads and random draws), the second captures its kernels (compile/capture.ts),
 * later ones replay them. Everything that could make a replay differ from eager mode sends the
 * signature back to eager mode instead (see {@link compile}).
 */
import { Tensor, isTensor } from '../tensor';
import type { TypedArray } from '../dtype';
import { poolEvict } from '../pool';
import { Capture, DEBUG, ValueGuard, activeCapture, adoptArena, captureEpoch, forgetGradRead, gradWasRead, inKernel, setActiveCapture, _collectDecisions as collectDecisions, _tracing as tracing } from './capture';
import { isAnomalyEnabled, isGradEnabled, noGrad } from '../autograd/grad-mode';
import { kernelBackend } from '../kernels/backend';
import { getDefaultDtype } from '../dtype';
import { checkOptions, isPlainOptions } from '../options';
import { TraceListener, activeTrace, setActiveTrace, trainingFlips } from './hooks';
import { GpuReplay, adoptDeviceCapture, copyOut as copyOutDevice, stageDeviceArgument } from '../webgpu/replay'; // webgpu (issue 17)

/** Anything with a `training` flag, like an `nn.Module`; `modules()` (if present) lists its descendants. */
export interface TrainingFlagged {
  training: boolean;
  modules?(): Iterable<{ training: boolean }>;
  /** Its parameters (an `nn.Module`'s): a replay checks they are still the tensors the capture used. */
  parameters?(): Iterable<Tensor>;
  /** Its buffers (running statistics), checked likewise. */
  buffers?(): Iterable<Tensor | null>;
}

/** Options of {@link compile}. */
export interface CompileOptions {
  /** Modules whose `training` flags (theirs and their descendants') are part of the signature. */
  modules?: readonly TrainingFlagged[];
  /** At most this many signatures are traced (default 16); calls with further ones run eagerly, untraced. */
  maxSignatures?: number;
}

/** Why a signature runs eagerly for good. */
export interface CompileFallback {
  signature: string;
  reason: string;
}

/** Counters of a compiled function (what was traced, checked, or run eagerly). */
export interface CompileStats {
  /** Calls so far. */
  calls: number;
  /** First calls with a new signature (each runs eagerly under a trace). */
  traces: number;
  /** Second calls of a signature, run eagerly while recording their kernels. */
  captures: number;
  /** Calls answered by replaying a capture. */
  replays: number;
  /** Calls that ran eagerly because their signature fell back (or was over `maxSignatures`). */
  eager: number;
  /** Signatures traced (at most `maxSignatures`). */
  signatures: number;
  /** Signatures that fell back to eager mode, and why. */
  fallbacks: CompileFallback[];
  /** Signatures whose trace drew random numbers (a replay must draw fresh ones from the same stream). */
  random: number;
}

/** A compiled function: call it as `fn`; `stats()` tells what the compiler did. */
export interface CompiledFunction<A extends unknown[], R> {
  (...args: A): R;
  /** Counters since creation or the last `reset()`. */
  stats(): CompileStats;
  /** Forgets every trace (the next call of each signature traces again). */
  reset(): void;
}

interface Entry {
  /** The tape ops of the traced call, one `name shape dtype` string each. */
  ops: string[];
  /** The outcomes of the valueGuard decisions that call took (another outcome may run another graph). */
  decisions: unknown[];
  fallback: string | null;
  random: boolean;
  /** The captured step (from the second call on), or null before it. */
  replay: Replay | null;
  /** How often a call's graph differed from the one before under this signature. */
  changes: number;
  /** The modules whose call() the trace saw, and their train/eval flags then (found without `opts.modules`). */
  used: TrainingFlagged[];
  usedFlags: string;
  /** `opts.modules` and then the used modules not among them: whose parameters and buffers a replay checks (see outermost). */
  watched: readonly TrainingFlagged[];
  /** The used modules and opts.modules with their descendants: a train()/eval() of any other module traces again. */
  known: Set<object>;
  /** trainingFlips() in all and of `known` when last checked (see unseenFlip). */
  flips: number;
  knownFlips: number;
  /** The known modules' attributes (p, eps, momentum, a generator...) after the last eager run: a change traces again. */
  fields: Field[];
}

const MAX_GRAPH_CHANGES = 2;

/** What a capture keeps to run the step again (see compile/capture.ts). */
interface Replay {
  kernels: (() => void)[];
  /** The tensors `fn` was called with during the capture; each call's arguments are copied into them. */
  staging: Tensor[];
  /** What the captured call returned; tensors in it are copied out after each replay. */
  result: unknown;
  /** What each leaf the backward reached must look like for a replay to be what eager mode does. */
  guards: GradGuard[];
  /** Grads that code outside kernels decided on (zeroGrad): each must be the same tensor (or null) again. */
  gradDeps: [Tensor, Tensor | null][];
  /** The watched modules not nested in another one at the capture: each call walks their parameters and buffers. */
  watched: readonly TrainingFlagged[];
  /** Their parameters and buffers with their storages at the capture (a replaced one captures again). */
  tensors: [Tensor, TypedArray, boolean][];
  /** captureEpoch() at the capture: a forward hook registered or removed since captures again. */
  epoch: number;
  /** Decisions the captured call took on its arguments' values (see valueGuard in compile/capture.ts). */
  valueGuards: ValueGuard[];
  /** webgpu (issue 17): the step's recorded dispatches, replayed as one command buffer (null: none). */
  device: GpuReplay | null;
}

const OPTION_KEYS = ['modules', 'maxSignatures'] as const;

/**
 * Compiles a training or inference step, in the spirit of tinygrad's TinyJit. The first call with a
 * given input signature (tensor arguments' shapes, dtypes, contiguity and `requiresGrad`; other
 * arguments' values; grad mode; the default dtype; the kernel backend; the `training` flags of
 * `opts.modules`) runs eagerly under a trace. The second runs eagerly too and captures the kernels it
 * runs — forward, `backward()`, the optimizer's `step()` — over the buffers it allocated; from the third
 * call on, the step is a replay of that list: the arguments are copied in, the kernels run, the results
 * are copied out. There is no tape, no allocation of intermediates and no per-op dispatch, and the
 * arithmetic is eager mode's, in the same order: results are the same bits. Random ops draw from the
 * generator when they run, so a replay draws fresh numbers from the same stream as eager mode; reseeding
 * inside `fn` (`manualSeed`, `new Generator(seed)`, `setState`) is replayed too, and `getState()` inside
 * `fn` keeps the signature eager (a replay would restore a stale state).
 *
 * Any change of signature traces again. A signature runs eagerly for good when its calls read a tensor's
 * values into JavaScript (`item()`, `dataSync()`, `toArray()`, `toString()` as printing does, and
 * `detectAnomaly`'s checks of the gradients: code after it may branch on them), keep recording
 * a different sequence of ops under one signature (a different outcome of a decision on an argument's
 * values, such as crossEntropy's "any target ignored?", is not that: each replay checks its decisions and
 * a call deciding otherwise runs eagerly), or do something a replay would not redo (an op with
 * no captured kernel, an LR scheduler's `step()` inside `fn`, a tensor hook); `stats().fallbacks` says
 * which and why; so does returning a tensor whose graph no `backward()` inside `fn` used (the caller
 * may backpropagate it: compile the whole step, or run a forward under `noGrad`).
 *
 * Every `.grad` assignment inside `fn` (backward's, `zeroGrad`'s, the user's) is replayed in order, so
 * `.grad` ends each call where eager mode leaves it. Before a replay, the modules `fn` calls (found while
 * tracing; `opts.modules` adds more) must be in the same train/eval state (else it traces again) and
 * have the same parameters and buffers with the same `requiresGrad` (walked once each, through the
 * outermost of those modules; the parameters of a module whose `forward()` `fn` runs directly, not
 * through `call()`, are watched only when it or an ancestor is in `opts.modules`, while `train()`/`eval()`
 * of any module the trace did not see traces again, since `fn` may read its flag; assigning `.training`
 * directly is not seen); each grad the step reads from before
 * it must still be in place, and no grad it writes may have been read through `.grad` since (the caller
 * may hold it); a forward hook registered or removed anywhere captures again. Otherwise the call captures
 * again.
 *
 * What a capture fixes: JavaScript values `fn` reads from its closure (a number such as a learning rate,
 * a `tensor([...])` made from a JS array, a JS variable holding a tensor) are constants of the capture, as
 * in TinyJit and CUDA graphs: a replay reads the same tensor objects, with their current values, and never
 * sees a closure number change. Module attributes are not: an attribute of a module the step calls or of
 * `opts.modules` changed between calls (Dropout's `p`, BatchNorm's `momentum`; by identity for objects: a
 * tensor or generator assigned in its place) traces again. Pass values that change as
 * arguments (they are part of the signature), and carry state from call to call through arguments and
 * results (`const [loss, h2] = step(x, h); h = h2.detach()`), not by reassigning a closure variable. An
 * optimizer's learning rate and step count are read when its kernel runs, so schedulers stepping outside
 * `fn` work. JavaScript side effects in `fn` (logging JS values, pushing to an array) happen on the traced and
 * captured calls only. Tensors that `fn` returns are fresh on every call; writing into an argument in
 * place, or returning a class instance, keeps the signature eager.
 *
 * On the webgpu device (issue 17) a replay is one command buffer: the captured dispatches, their parameters
 * written again from live values, over the capture's buffers (webgpu/replay.ts; docs/webgpu.md).
 * @example
 * const step = compile((x: Tensor, y: Tensor) => {
 *   opt.zeroGrad();
 *   const loss = F.crossEntropy(model.call(x), y);
 *   loss.backward();
 *   opt.step();
 *   return loss;
 * }, { modules: [model] });
 * const loss = step(xb, yb);
 */
export function compile<A extends unknown[], R>(fn: (...args: A) => R, opts: CompileOptions = {}): CompiledFunction<A, R> {
  if (typeof fn !== 'function') throw new TypeError(`compile: expected a function, got ${fn === null ? 'null' : typeof fn}`);
  const { modules: given = [], maxSignatures = 16 } = checkOptions('compile', opts, OPTION_KEYS);
  // A copy: every signature watches the same modules whatever later happens to the caller's array.
  const modules = [...given];
  if (!Array.isArray(modules) || modules.some((m) => (typeof m !== 'object' && typeof m !== 'function') || m === null || typeof m.training !== 'boolean')) {
    throw new TypeError('compile: modules must be an array of objects with a boolean training flag (nn.Module instances)');
  }
  if (!Number.isInteger(maxSignatures) || maxSignatures < 1) throw new RangeError(`compile: maxSignatures must be a positive integer, got ${maxSignatures}`);

  let entries = new Map<string, Entry>();
  let stats = freshStats();
  const fallBack = (entry: Entry, key: string, reason: string): void => {
    entry.fallback = reason;
    entry.replay = null;
    stats.fallbacks.push({ signature: key, reason });
  };

  /** Runs `fn` eagerly under a trace and makes `entry` that trace (its ops, random draws, the modules it called). */
  const trace = (entry: Entry, key: string, args: A): R => {
    const rec = new Recorder(null);
    const out = runUnder(rec, fn, args);
    const used = [...rec.modules];
    const watched = used.length ? [...modules, ...used.filter((m) => !modules.includes(m))] : modules;
    const known = new Set<object>(used);
    for (const m of modules) for (const d of typeof m.modules === 'function' ? [m, ...m.modules()] : [m]) known.add(d);
    Object.assign(entry, { ops: rec.ops, decisions: rec.decisions, random: rec.random, replay: null, changes: 0, used, usedFlags: flagsOf(used), watched, known, flips: trainingFlips(), knownFlips: trainingFlips(known), fields: fieldsOf(known) });
    stats.traces++;
    if (rec.reads.length) fallBack(entry, key, `a tensor value was read during tracing (${rec.reads[0]})`);
    return out;
  };

  const compiled = ((...args: A): R => {
    const key = signatureOf(args, modules);
    stats.calls++;
    const entry = entries.get(key);
    if (entry === undefined) {
      if (entries.size >= maxSignatures) {
        stats.eager++;
        return fn(...args);
      }
      const fresh: Entry = { ops: [], decisions: [], fallback: null, random: false, replay: null, changes: 0, used: [], usedFlags: '', watched: modules, known: new Set(), flips: 0, knownFlips: 0, fields: [] };
      const out = trace(fresh, key, args); // entered only once the trace succeeded
      entries.set(key, fresh);
      stats.signatures = entries.size;
      if (fresh.random) stats.random++;
      return out;
    }
    if (entry.fallback !== null || activeCapture() !== null) {
      // Inside another compiled function's capture, its kernels are the outer capture's.
      stats.eager++;
      return fn(...args);
    }
    // A module the step calls switched train()/eval() (not passed in opts.modules), or one it was not seen
    // to use (fn may read its flag, running its forward() directly): trace again.
    // A hyperparameter of one of them changed (dropout.p = 0, bn.momentum): fn's JavaScript reads it, trace again.
    if (flagsOf(entry.used) !== entry.usedFlags || unseenFlip(entry) || fieldsChanged(entry.fields)) return trace(entry, key, args);
    if (entry.replay !== null && entry.replay.epoch === captureEpoch() && sameTensors(entry.replay) && guardsHold(entry.replay)) {
      const r = entry.replay;
      if (stageIn(r, args) && r.valueGuards.every((g) => Object.is(g.decide(g.data), g.expected))) {
        stats.replays++;
        const run = (): R => {
          for (const k of r.kernels) k();
          for (const g of r.guards) if (g.after !== null) forgetGradRead(g.after);
          return copyOut(r.result) as R;
        };
        return r.device !== null ? r.device.run(run) : run();
      }
      // fn would take another branch on these values: this call runs eagerly (the capture stays).
      r.device?.dropStaged();
      stats.eager++;
      return fn(...args);
    }
    // Capture: run eagerly once more, recording every kernel, and check the graph against the trace.
    const why = unreplayableArguments(args);
    const staging = why === null ? stage(args) : null;
    const check = new Recorder(entry.ops);
    const capture = new Capture();
    const epoch = captureEpoch();
    if (staging !== null) for (const t of staging.tensors) capture.inputs.add(t._storage.data);
    const prev = setActiveCapture(staging === null ? null : capture);
    let out: R;
    try {
      out = runUnder(check, fn, staging === null ? args : (staging.args as A));
    } finally {
      setActiveCapture(prev);
      // What fn itself sets (a lazy module's sizes, a train()/eval() inside fn) is the replays' state.
      entry.fields = fieldsOf(entry.known);
      entry.flips = trainingFlips();
      entry.knownFlips = trainingFlips(entry.known);
      // fn ran on the staged copies: what it wrote into an argument goes back to the caller's tensor.
      if (staging !== null && capture.inputsWritten.size) {
        tensorsIn(args, []).forEach((t, i) => {
          const st = staging.tensors[i];
          if (capture.inputsWritten.has(st._storage.data)) noGrad(() => t.copy_(st));
        });
      }
    }
    // Another outcome of a decision on the arguments' values (crossEntropy: any target ignored?) may run
    // another graph: that is the capture's own branch, which its value guards check before each replay,
    // not a graph that keeps changing.
    const branched = !sameOutcomes(check.decisions, entry.decisions);
    const changed = branched ? null : check.mismatch ?? (check.ops.length !== entry.ops.length ? `${check.ops.length} ops instead of the traced ${entry.ops.length}` : null);
    if (branched) {
      entry.ops = check.ops;
      entry.decisions = check.decisions;
    }
    if (check.reads.length) {
      fallBack(entry, key, `a tensor value was read (${check.reads[0]})`);
      stats.eager++;
      return out;
    }
    if (changed !== null) {
      // State the first calls create (an optimizer's buffers, grads to accumulate into) can change the
      // graph once or twice; a graph that keeps changing under one signature stays eager.
      if (++entry.changes > MAX_GRAPH_CHANGES) fallBack(entry, key, `the graph changed under one signature (${changed})`);
      else entry.ops = check.ops;
      stats.eager++;
      return out;
    }
    const unreplayable = why ?? capture.failure ?? graphEscapes(out, capture) ?? unplainResult(out) ?? (capture.pending.size ? `an op computed a tensor outside a captured kernel (${capture.pending.values().next().value})` : null);
    if (DEBUG) for (const st of capture.pending.values()) console.error(`[capture] unwritten storage\n${st}`);
    const outOfPlace = outOfPlaceAccumulation(capture);
    if (unreplayable === null && outOfPlace !== null && ++entry.changes <= MAX_GRAPH_CHANGES) {
      // The grad the backward made instead (from a zero-filled one of the call before: zeroGrad({ setToNone:
      // false })) is the engine's own, so the next capture adds into it in place: capture again.
      stats.eager++;
      return out;
    }
    const failure = unreplayable ?? outOfPlace;
    if (failure !== null || staging === null) {
      fallBack(entry, key, `cannot be replayed: ${failure ?? 'no capture'}`);
      stats.eager++;
      return out;
    }
    for (const [leaf] of capture.leaves) if (leaf._grad !== null) forgetGradRead(leaf._grad);
    adoptArena(capture);
    poolEvict(capture.arena);
    const watched = outermost(entry.watched);
    entry.replay = {
      kernels: capture.kernels,
      staging: staging.tensors,
      result: out,
      guards: gradGuards(capture),
      gradDeps: [...capture.gradDeps],
      watched,
      tensors: moduleTensors(watched).map((t) => [t, t._storage.data, t.requiresGrad]),
      epoch,
      valueGuards: capture.guards,
      device: adoptDeviceCapture(capture, tensorsIn(out, [])), // webgpu (issue 17): what the caller sees stays written (fusion)
    };
    stats.captures++;
    return copyOut(out) as R;
  }) as CompiledFunction<A, R>;
  compiled.stats = () => ({ ...stats, fallbacks: stats.fallbacks.map((f) => ({ ...f })) });
  compiled.reset = () => {
    entries = new Map();
    stats = freshStats();
  };
  return compiled;
}

/**
 * A leaf the captured backward reached. Every `.grad` assignment of the step (backward's, zeroGrad's,
 * the user's) is itself a replayed kernel, so only a grad the backward found from *before* the step
 * matters: a replay is eager mode's result when the leaf has that same grad (the tensor it adds into, or
 * none) when the replay starts, and still requires grad.
 */
interface GradGuard {
  leaf: Tensor;
  /** The grad the backward found and no assignment of the step had put there (checked), or undefined. */
  before: Tensor | null | undefined;
  data: TypedArray;
  /** The grad the step left on the leaf (a replay writes that tensor again). */
  after: Tensor | null;
}

function gradGuards(c: Capture): GradGuard[] {
  return [...c.leaves].map(([leaf, l]) => ({ leaf, before: l.assigned ? undefined : l.before, data: leaf._storage.data, after: leaf._grad }));
}

/**
 * A backward that added into a grad from before the step out of place (the grad had been read through
 * `.grad`, or is too small for the engine to track, so the engine would not write into it) made a new
 * grad from the old one: the next replay would find the new grad, not the one its kernel reads.
 */
function outOfPlaceAccumulation(c: Capture): string | null {
  for (const [leaf, l] of c.leaves) {
    if (!l.assigned && l.before !== null && leaf._grad !== l.before) return 'a backward added into a grad from before the step out of place (zero the grads inside fn, or let only the optimizer read them)';
  }
  return null;
}

/** Whether each leaf is as the capture found it (see GradGuard). */
function guardsHold(r: Replay): boolean {
  for (const [t, g] of r.gradDeps) if (t._grad !== g) return false;
  for (const g of r.guards) {
    if (g.leaf._storage.data !== g.data || !g.leaf.requiresGrad) return false;
    if (g.before !== undefined && g.leaf._grad !== g.before) return false;
    // The grad a replay writes was read through .grad since: the caller may hold it, and eager mode
    // would leave that tensor as it is. Capture again (new grads) rather than overwrite it.
    if (g.after !== null && g.leaf._grad === g.after && gradWasRead(g.after)) return false;
  }
  return true;
}

/** A result holding class instances (a Map, a custom object): its tensors could not be copied out per call. */
function unplainResult(v: unknown, depth = 0): string | null {
  if (isTensor(v) || v === null || v === undefined || typeof v !== 'object' || depth > 32) return null;
  if (Array.isArray(v)) { for (const x of v) { const r = unplainResult(x, depth + 1); if (r) return r; } return null; }
  if (isPlainOptions(v)) { for (const x of Object.values(v)) { const r = unplainResult(x, depth + 1); if (r) return r; } return null; }
  return `fn returns ${(v as object).constructor?.name ?? 'an object'} (return tensors, numbers, arrays or plain objects of them, so that each call gets its own copies)`;
}

/** A returned tensor whose graph no backward inside fn used: the caller may backpropagate it, which needs the tape. */
function graphEscapes(out: unknown, c: Capture): string | null {
  for (const t of tensorsIn(out, [])) {
    if (t.gradFn !== null && !c.walked.has(t.gradFn)) return 'fn returns a tensor in the autograd graph that no backward() inside fn used (compile the whole step, backward included, or run it under noGrad)';
  }
  return null;
}

/** The parameters and buffers of `modules` (their identities and storages are part of what a capture depends on). */
function moduleTensors(modules: readonly TrainingFlagged[]): Tensor[] {
  const out: Tensor[] = [];
  for (const m of modules) {
    if (typeof m.parameters === 'function') for (const p of m.parameters()) out.push(p);
    if (typeof m.buffers === 'function') for (const b of m.buffers()) if (isTensor(b)) out.push(b);
  }
  return out;
}

/**
 * `ms` less the modules nested in another one of them (an ancestor's parameters() and buffers() already
 * list theirs), so a replay's check walks each tensor once, not once per watched ancestor. Taken at the
 * capture: a submodule moved out of its ancestor since changes the ancestor's tensors, which captures
 * again and takes this again. Each module dropped is nested in one that is kept (so modules that contain
 * each other keep the first).
 */
function outermost(ms: readonly TrainingFlagged[]): TrainingFlagged[] {
  const nested = new Set<object>();
  let out: TrainingFlagged[] = [];
  for (const m of ms) {
    if (nested.has(m) || out.includes(m)) continue;
    if (typeof m.modules !== 'function') { out.push(m); continue; }
    const inner = new Set<object>();
    for (const d of m.modules()) if (d !== m) inner.add(d);
    out = out.filter((k) => !inner.has(k));
    out.push(m);
    for (const d of inner) nested.add(d);
  }
  return out;
}

function sameTensors(r: Replay): boolean {
  if (r.tensors.length === 0) return true;
  const now = moduleTensors(r.watched);
  return now.length === r.tensors.length && now.every((t, i) => t === r.tensors[i][0] && t._storage.data === r.tensors[i][1] && t.requiresGrad === r.tensors[i][2]);
}

/** Copies a call's tensor arguments into the capture's staged ones (false: a webgpu one cannot be, the call runs eagerly). */
function stageIn(r: Replay, args: readonly unknown[]): boolean {
  const given = tensorsIn(args, []);
  r.device?.dropStaged(); // webgpu (issue 17): copies queued by a call that threw in its value checks
  for (let i = 0; i < given.length; i++) {
    if (r.staging[i]._storage.gpu !== null) { if (r.device === null || !r.device.stageIn(r.staging[i], given[i])) return false; } // webgpu (issue 17)
    else (r.staging[i]._storage.data as TypedArray).set(given[i]._contigData());
  }
  return true;
}

/** Why a call's arguments cannot be staged for replay (null when they can). */
function unreplayableArguments(args: readonly unknown[]): string | null {
  for (const t of tensorsIn(args, [])) {
    if (t.requiresGrad) return 'a tensor argument requires grad';
    if (!t.isContiguous()) return 'a tensor argument is not contiguous';
  }
  return null;
}

/** Copies of the tensor arguments that the capture (and every replay) reads, and the arguments rebuilt over them. */
function stage(args: readonly unknown[]): { args: unknown[]; tensors: Tensor[] } {
  const tensors: Tensor[] = [];
  const rebuilt = mapTensors(args, (t) => {
    const c = t._storage.gpu !== null ? stageDeviceArgument(t) : Tensor._fromData(t._contigData().slice(), t.shape, t.dtype); // webgpu (issue 17)
    tensors.push(c);
    return c;
  }) as unknown[];
  return { args: rebuilt, tensors };
}

function tensorsIn(v: unknown, acc: Tensor[]): Tensor[] {
  if (isTensor(v)) acc.push(v);
  else if (Array.isArray(v)) for (const x of v) tensorsIn(x, acc);
  else if (isPlainOptions(v)) for (const x of Object.values(v)) tensorsIn(x, acc);
  return acc;
}

function mapTensors(v: unknown, f: (t: Tensor) => Tensor): unknown {
  if (isTensor(v)) return f(v);
  if (Array.isArray(v)) return v.map((x) => mapTensors(x, f));
  if (isPlainOptions(v)) {
    const out = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapTensors(x, f)]));
    // Symbol-keyed fields (not enumerable) carry over as they are: sort/topk/max's { values, indices } keep
    // their Symbol.iterator (reading this.values), so `const [v, i] = step(x)` unpacks replays too.
    for (const sym of Object.getOwnPropertySymbols(v)) Object.defineProperty(out, sym, Object.getOwnPropertyDescriptor(v, sym)!);
    return out;
  }
  return v;
}

/** The captured result with each tensor replaced by a fresh copy of its current values. */
function copyOut(v: unknown): unknown {
  return mapTensors(v, (t) => (t._storage.gpu !== null ? copyOutDevice(t) : Tensor._fromData(t._contigData().slice(), t.shape, t.dtype))); // webgpu (issue 17)
}

function freshStats(): CompileStats {
  return { calls: 0, traces: 0, captures: 0, replays: 0, eager: 0, signatures: 0, fallbacks: [], random: 0 };
}

/** Runs `fn` with `rec` listening, passing every event on to an enclosing trace (a compiled fn inside another). */
function runUnder<A extends unknown[], R>(rec: Recorder, fn: (...args: A) => R, args: A): R {
  rec.outer = activeTrace();
  const prev = setActiveTrace(rec);
  const prevDecisions = collectDecisions(rec.decisions);
  tracing(1);
  try {
    return fn(...args);
  } finally {
    tracing(-1);
    collectDecisions(prevDecisions);
    setActiveTrace(prev);
  }
}

function sameOutcomes(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/** Collects a call's ops, value reads and random draws; given an expected op list, notes the first difference. */
class Recorder implements TraceListener {
  ops: string[] = [];
  /** The outcomes of valueGuard's decisions (collected by capture.ts while this recorder's call runs). */
  decisions: unknown[] = [];
  reads: string[] = [];
  random = false;
  mismatch: string | null = null;
  outer: TraceListener | null = null;
  constructor(private readonly expected: string[] | null) {}

  op(name: string, shape: readonly number[], dtype: string): void {
    // Ops a kernel runs inside itself (clipGradNorm_'s scaling, when its norm says so) are the kernel's
    // own business: it runs them again, deciding anew, on every replay.
    if (inKernel()) return;
    const s = `${name} [${shape.join(', ')}] ${dtype}`;
    const i = this.ops.length;
    if (this.expected !== null && this.mismatch === null && this.expected[i] !== s) {
      this.mismatch = `op ${i} is ${s}, traced ${this.expected[i] ?? 'nothing'}`;
    }
    this.ops.push(s);
    this.outer?.op(name, shape, dtype);
  }
  valueRead(what: string): void {
    this.reads.push(what);
    this.outer?.valueRead(what);
  }
  randomDraw(): void {
    this.random = true;
    this.outer?.randomDraw();
  }
  /** The modules whose call() ran (nn.Module), in first-call order. */
  readonly modules = new Set<TrainingFlagged>();
  module(m: object): void {
    if (typeof (m as TrainingFlagged).training === 'boolean') this.modules.add(m as TrainingFlagged);
    this.outer?.module?.(m);
  }
}

/**
 * Whether train()/eval() switched a module the entry's trace did not know since it last looked: the
 * flips in all outnumber those of its known modules (whose flags the signature and flagsOf check).
 */
function unseenFlip(e: Entry): boolean {
  const all = trainingFlips();
  if (all === e.flips) return false;
  const known = trainingFlips(e.known);
  if (all - e.flips !== known - e.knownFlips) return true;
  e.flips = all;
  e.knownFlips = known;
  return false;
}

/** A module's attribute and the value it had (see Entry.fields). */
type Field = [Record<string, unknown>, string, unknown];

/**
 * The own attributes of `modules` (not `training`, checked apart): numbers, booleans and strings by value,
 * anything else by identity (a tensor, generator or submodule assigned in its place).
 */
function fieldsOf(modules: Iterable<object>): Field[] {
  const out: Field[] = [];
  for (const m of modules) {
    const r = m as Record<string, unknown>;
    for (const k of Object.keys(r)) if (k !== 'training') out.push([r, k, r[k]]);
  }
  return out;
}

function fieldsChanged(fields: readonly Field[]): boolean {
  for (const [m, k, v] of fields) if (!Object.is(m[k], v)) return true;
  return false;
}

/** The train/eval flags of the modules a trace saw being called (a change traces again). */
function flagsOf(ms: readonly TrainingFlagged[]): string {
  let s = '';
  for (const m of ms) s += m.training ? 't' : 'e';
  return s;
}

/** The cache key of a call: its arguments (see {@link compile}) and the global modes a graph depends on. */
function signatureOf(args: readonly unknown[], modules: readonly TrainingFlagged[]): string {
  const parts = args.map((a, i) => describe(a, `argument ${i}`));
  let flags = '';
  for (const m of modules) {
    if (typeof m.modules === 'function') for (const sub of m.modules()) flags += sub.training ? 't' : 'e';
    else flags += m.training ? 't' : 'e';
  }
  // detectAnomaly on traces again: its checks read gradients' values, so that signature stays eager.
  return `(${parts.join(', ')}) grad=${isGradEnabled()}${isAnomalyEnabled() ? ' anomaly' : ''} dtype=${getDefaultDtype()} backend=${kernelBackend()} training=${flags}`;
}

function describe(v: unknown, where: string): string {
  if (isTensor(v)) return `${v.dtype}[${v._shape.join('x')}]${v.isContiguous() ? '' : 's'}${v.requiresGrad ? 'g' : ''}${v._storage.gpu !== null ? '@webgpu' : ''}`; // webgpu (issue 17): the device
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean' || v === undefined || v === null) return String(v);
  if (Array.isArray(v)) return `[${v.map((x, i) => describe(x, `${where}[${i}]`)).join(', ')}]`;
  if (isPlainOptions(v)) {
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${describe(x, `${where}.${k}`)}`).join(', ')}}`;
  }
  const what = typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : `a ${typeof v}`;
  throw new TypeError(`compile: ${where} is ${what}; pass tensors, numbers, strings, booleans, arrays or plain objects of them, and capture anything else (modules, optimizers) in fn's closure`);
}
