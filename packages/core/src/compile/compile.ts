/**
 * `compile(fn)`, first stage (issue 15 §3): the trace-and-guard half of a TinyJit-style step.
 *
 * What exists: per input signature, a trace of the first call (the tape ops `fn` records, whether it
 * read tensor values into JavaScript, whether it drew random numbers), the policy deciding when a
 * signature may be replayed, re-traces on any signature change, and a check on every later call that
 * the graph has not changed under one signature. What does not exist yet: the replay itself. Every call
 * still runs `fn` eagerly, so results are eager mode's by construction and outputs are ordinary tensors;
 * the speed-up needs the engine's kernels recorded with the buffers they read and write (see
 * docs/design.md, "Memory", and the report on issue 15).
 */
import { isTensor } from '../tensor';
import { isGradEnabled } from '../autograd/grad-mode';
import { kernelBackend } from '../kernels/backend';
import { getDefaultDtype } from '../dtype';
import { checkOptions } from '../options';
import { TraceListener, activeTrace, setActiveTrace } from './hooks';

/** Anything with a `training` flag, like an `nn.Module`; `modules()` (if present) lists its descendants. */
export interface TrainingFlagged {
  training: boolean;
  modules?(): Iterable<{ training: boolean }>;
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
  /** Later calls with a traced signature that passed the guards (candidates for replay). */
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
  fallback: string | null;
  random: boolean;
}

const OPTION_KEYS = ['modules', 'maxSignatures'] as const;

/**
 * Compiles a training or inference step, in the spirit of tinygrad's TinyJit. The first call with a
 * given input signature (tensor arguments' shapes, dtypes, contiguity and `requiresGrad`; other
 * arguments' values; grad mode; the default dtype; the kernel backend; the `training` flags of
 * `opts.modules`) runs eagerly under a trace; any change of signature traces again.
 *
 * A signature falls back to eager mode for good when its traced call reads a tensor's values into
 * JavaScript (`item()`, `dataSync()`, `toArray()`: code after it may branch on them), or when a later
 * call with the same signature records a different sequence of ops than the trace.
 *
 * This is the first stage: every call still runs `fn` eagerly (no replay yet), so results equal eager
 * mode's bit for bit, random ops draw from the generator stream as in eager mode, and the returned
 * tensors are ordinary ones that stay valid. There is no speed-up yet.
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
  const { modules = [], maxSignatures = 16 } = checkOptions('compile', opts, OPTION_KEYS);
  if (!Array.isArray(modules) || modules.some((m) => (typeof m !== 'object' && typeof m !== 'function') || m === null || typeof m.training !== 'boolean')) {
    throw new TypeError('compile: modules must be an array of objects with a boolean training flag (nn.Module instances)');
  }
  if (!Number.isInteger(maxSignatures) || maxSignatures < 1) throw new RangeError(`compile: maxSignatures must be a positive integer, got ${maxSignatures}`);

  let entries = new Map<string, Entry>();
  let stats = freshStats();

  const compiled = ((...args: A): R => {
    const key = signatureOf(args, modules);
    stats.calls++;
    const entry = entries.get(key);
    if (entry === undefined) {
      if (entries.size >= maxSignatures) {
        stats.eager++;
        return fn(...args);
      }
      const rec = new Recorder(null);
      const out = runUnder(rec, fn, args);
      const fresh: Entry = { ops: rec.ops, fallback: rec.reads.length ? `a tensor value was read during tracing (${rec.reads[0]})` : null, random: rec.random };
      entries.set(key, fresh);
      stats.traces++;
      stats.signatures = entries.size;
      if (fresh.random) stats.random++;
      if (fresh.fallback) stats.fallbacks.push({ signature: key, reason: fresh.fallback });
      return out;
    }
    if (entry.fallback !== null) {
      stats.eager++;
      return fn(...args);
    }
    const check = new Recorder(entry.ops);
    const out = runUnder(check, fn, args);
    const changed = check.mismatch ?? (check.ops.length !== entry.ops.length ? `${check.ops.length} ops instead of the traced ${entry.ops.length}` : null);
    if (changed !== null || check.reads.length) {
      entry.fallback = changed !== null ? `the graph changed under one signature (${changed})` : `a tensor value was read (${check.reads[0]})`;
      stats.fallbacks.push({ signature: key, reason: entry.fallback });
      stats.eager++;
    } else {
      stats.replays++;
    }
    return out;
  }) as CompiledFunction<A, R>;
  compiled.stats = () => ({ ...stats, fallbacks: stats.fallbacks.map((f) => ({ ...f })) });
  compiled.reset = () => {
    entries = new Map();
    stats = freshStats();
  };
  return compiled;
}

function freshStats(): CompileStats {
  return { calls: 0, traces: 0, replays: 0, eager: 0, signatures: 0, fallbacks: [], random: 0 };
}

/** Runs `fn` with `rec` listening, passing every event on to an enclosing trace (a compiled fn inside another). */
function runUnder<A extends unknown[], R>(rec: Recorder, fn: (...args: A) => R, args: A): R {
  rec.outer = activeTrace();
  const prev = setActiveTrace(rec);
  try {
    return fn(...args);
  } finally {
    setActiveTrace(prev);
  }
}

/** Collects a call's ops, value reads and random draws; given an expected op list, notes the first difference. */
class Recorder implements TraceListener {
  ops: string[] = [];
  reads: string[] = [];
  random = false;
  mismatch: string | null = null;
  outer: TraceListener | null = null;
  constructor(private readonly expected: string[] | null) {}

  op(name: string, shape: readonly number[], dtype: string): void {
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
}

/** The cache key of a call: its arguments (see {@link compile}) and the global modes a graph depends on. */
function signatureOf(args: readonly unknown[], modules: readonly TrainingFlagged[]): string {
  const parts = args.map((a, i) => describe(a, `argument ${i}`));
  let flags = '';
  for (const m of modules) {
    if (typeof m.modules === 'function') for (const sub of m.modules()) flags += sub.training ? 't' : 'e';
    else flags += m.training ? 't' : 'e';
  }
  return `(${parts.join(', ')}) grad=${isGradEnabled()} dtype=${getDefaultDtype()} backend=${kernelBackend()} training=${flags}`;
}

function describe(v: unknown, where: string): string {
  if (isTensor(v)) return `${v.dtype}[${v.shape.join('x')}]${v.isContiguous() ? '' : 's'}${v.requiresGrad ? 'g' : ''}`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean' || v === undefined || v === null) return String(v);
  if (Array.isArray(v)) return `[${v.map((x, i) => describe(x, `${where}[${i}]`)).join(', ')}]`;
  if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${describe(x, `${where}.${k}`)}`).join(', ')}}`;
  }
  const what = typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : `a ${typeof v}`;
  throw new TypeError(`compile: ${where} is ${what}; pass tensors, numbers, strings, booleans, arrays or plain objects of them, and capture anything else (modules, optimizers) in fn's closure`);
}
