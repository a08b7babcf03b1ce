/** Shared set-up for the scheduler tests: an SGD optimizer over one tiny parameter per group. */
import { tensor } from '@tapegrad/core';
import { SGD } from '@tapegrad/optim';

export function sgdWithLrs(...lrs: number[]): SGD {
  const groups = lrs.map((lr) => ({ params: [tensor([0], { dtype: 'float64', requiresGrad: true })], lr }));
  return new SGD(groups, { lr: 0.1 });
}

/** Runs `n` epochs of (optimizer step, scheduler step) and records every group's lr after each. */
export function runEpochs(opt: SGD, sched: { step(): void } | { step(metric: number): void }, n: number, metrics?: number[]): number[][] {
  const out: number[][] = [];
  for (let t = 0; t < n; t++) {
    opt.step();
    // Epoch schedulers ignore the argument; ReduceLROnPlateau needs it.
    (sched.step as (metric?: number) => void).call(sched, metrics?.[t]);
    out.push(opt.paramGroups.map((g) => g.lr));
  }
  return out;
}

/** Element-wise closeness of nested lr lists (PyTorch values pasted from Python floats). */
export function expectLrs(actual: number[][], expected: number[][], tol = 1e-15): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, t) => row.forEach((v, i) => {
    if (Math.abs(v - expected[t][i]) > tol) throw new Error(`epoch ${t + 1}, group ${i}: lr ${v}, expected ${expected[t][i]}`);
  }));
}
