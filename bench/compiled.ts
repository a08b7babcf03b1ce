/**
 * The tapegrad-compiled column (issue 15): the step rows of the tapegrad column, built by the same row
 * builders, with the training step (zeroGrad, forward, loss, backward, opt.step()) wrapped in
 * `compile(fn, { modules })`. A row builder takes a {@link StepMode}; EAGER hands the step back as written,
 * COMPILED compiles it and, once the row is measured, `verify()` checks that the timed calls really were
 * replays (a step that fell back to eager mode would time eager mode under the compiled column's name).
 */
import { compile, type CompileStats, type TrainingFlagged } from '@tapegrad/core';

/** A training step as a row builder runs it; `verify()` throws a {@link ReplayCheckError} unless it replayed. */
export interface Step<A extends unknown[], R> {
  (...args: A): R;
  verify(): void;
}

/** How the row builders run their training steps: eagerly (as written) or through compile(). */
export interface StepMode {
  readonly compiled: boolean;
  /** Wraps `fn` (named `what` in errors); `modules` are the models the step trains. */
  wrap<A extends unknown[], R>(what: string, fn: (...args: A) => R, modules: readonly TrainingFlagged[]): Step<A, R>;
}

/** A compiled step whose calls were not replays: the row it measured is not a compiled figure. */
export class ReplayCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayCheckError';
  }
}

/**
 * `step` called with fixed `args` (a row's batch). The batch goes in as arguments, not through the
 * closure: a compiled step re-checks decisions on argument values (crossEntropy's targets) on every
 * replay, while one on a closure tensor's values keeps the step eager.
 */
export function withArgs<A extends unknown[], R>(step: Step<A, R>, ...args: A): Step<[], R> {
  return Object.assign(() => step(...args), { verify: step.verify });
}

export const EAGER: StepMode = {
  compiled: false,
  wrap<A extends unknown[], R>(_what: string, fn: (...args: A) => R): Step<A, R> {
    return Object.assign((...args: A) => fn(...args), { verify: () => undefined });
  },
};

/**
 * Why `s` is not a clean compiled run, or null: every signature must have been traced and captured
 * once, and every later call replayed — no fallback, no eager call, no re-capture.
 */
export function replayProblem(s: CompileStats): string | null {
  if (s.fallbacks.length) return `fell back to eager mode (${s.fallbacks.map((f) => f.reason).join('; ')})`;
  if (s.replays === 0) return `never replayed (${s.calls} calls, ${s.traces} traces, ${s.captures} captures)`;
  if (s.eager > 0) return `${s.eager} of ${s.calls} calls ran eagerly`;
  if (s.captures !== s.signatures) return `captured ${s.captures} times for ${s.signatures} signature(s) (guards failed between calls)`;
  return null;
}

export const COMPILED: StepMode = {
  compiled: true,
  wrap<A extends unknown[], R>(what: string, fn: (...args: A) => R, modules: readonly TrainingFlagged[]): Step<A, R> {
    const c = compile(fn, { modules });
    return Object.assign((...args: A) => c(...args), {
      verify: () => {
        const why = replayProblem(c.stats());
        if (why !== null) throw new ReplayCheckError(`tapegrad-compiled: the ${what} ${why}`);
      },
    });
  },
};
