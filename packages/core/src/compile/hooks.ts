/**
 * The engine's recording hooks for `compile` (issue 15 §3). The engine calls these at the few points a
 * trace must see: an op appended to the tape, a tensor's values read into JavaScript, a random draw.
 * With no trace active each is one null check.
 */
import { inKernel, noteCapturedRandomDraw, noteUncapturable } from './capture';

/** What a trace is told while `fn` runs under it. */
export interface TraceListener {
  /** A differentiable op appended to the tape (`record` in autograd/tape.ts) with its output's shape and dtype. */
  op(name: string, shape: readonly number[], dtype: string): void;
  /** A tensor's values read into JavaScript (`item`, `dataSync`, `toArray`): code after it may branch on them. */
  valueRead(what: string): void;
  /** A draw from a random generator. */
  randomDraw(): void;
  /** A module's `call()` ran (its `training` flag and parameters are part of what the trace depends on). */
  module?(m: object): void;
}

let active: TraceListener | null = null;

/** @internal The listener now active (null outside a trace). */
export function activeTrace(): TraceListener | null {
  return active;
}

/** @internal Installs `l` (or none) and returns the one it replaces, for nesting. */
export function setActiveTrace(l: TraceListener | null): TraceListener | null {
  const prev = active;
  active = l;
  return prev;
}

/** @internal Called by the engine where a tensor's values leave for JavaScript. */
export function noteValueRead(what: string): void {
  if (inKernel()) return; // read when the kernel runs (again on every replay), not baked into the step
  if (active !== null) active.valueRead(what);
  noteUncapturable(`a tensor's values were read into JavaScript (${what})`);
}

/** @internal Called by the engine for every random draw. */
export function noteRandomDraw(): void {
  if (active !== null) active.randomDraw();
  noteCapturedRandomDraw();
}

/** @internal Called by nn's Module.call: compile learns the modules a step uses without being told. */
export function noteModuleCall(m: object): void {
  if (active !== null) active.module?.(m);
}

let flips = 0;
const flipsOf = new WeakMap<object, number>();
/**
 * @internal Called by nn's Module.train() for each module whose `training` flag it changes. A compiled
 * step whose trace did not see that module (its forward() run directly, not through call()) could branch
 * on the flag unseen: compile traces it again (see trainingFlips).
 */
export function noteTrainingFlip(m: object): void {
  flips++;
  flipsOf.set(m, (flipsOf.get(m) ?? 0) + 1);
}

/** @internal How many train/eval flips there were in all (no modules given) or of `modules` (each counted once). */
export function trainingFlips(modules?: Iterable<object>): number {
  if (modules === undefined) return flips;
  let n = 0;
  for (const m of modules) n += flipsOf.get(m) ?? 0;
  return n;
}
