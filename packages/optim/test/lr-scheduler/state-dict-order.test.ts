/**
 * Scheduler stateDict() against PyTorch 1.13's state_dict(): the same keys (camelCase) in the same order
 * with the same values, after three steps (fixtures/pytorch/sched-state-dict.json, written by
 * fixtures/pytorch/sched_state_dict.py). Left out on our side, by design: `verbose` (a setting of the
 * object here, not state), `_get_lr_called_within_step` (PyTorch's re-entrancy flag, always False
 * between steps), and OneCycleLR's `anneal_func` (a bound method there; we keep its `annealStrategy`
 * name at that place). LambdaLR's functions are null, as PyTorch's None.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { zeros } from '@tapegrad/core';
import { SGD, lrScheduler as L, Optimizer } from '@tapegrad/optim';

type Json = number | string | boolean | null | Json[] | { [k: string]: Json };
const REF = JSON.parse(readFileSync(join(__dirname, '../../../../fixtures/pytorch/sched-state-dict.json'), 'utf8')) as Record<string, Record<string, Json>>;

const camel = (k: string): string => {
  const lead = k.startsWith('_') ? '_' : '';
  const [first, ...rest] = k.replace(/^_/, '').split('_');
  return lead + first.toLowerCase() + rest.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
};
const SKIP = new Set(['verbose', '_get_lr_called_within_step']);
/** PyTorch's state dict in our spelling: camelCase keys (the phase table's names too), inf as Infinity. */
function ours(v: Json, key = ''): Json {
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (typeof v === 'string' && key.endsWith('_lr') || typeof v === 'string' && key.endsWith('_momentum')) return camel(v as string);
  if (Array.isArray(v)) return v.map((x) => ours(x, key));
  if (v !== null && typeof v === 'object') {
    if (key === 'milestones') return v; // a Counter: epochs as keys
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v)) {
      if (SKIP.has(k)) continue;
      if (k === 'anneal_func') out.annealStrategy = 'cos';
      else out[camel(k)] = ours(x, k);
    }
    return out;
  }
  return v;
}

const sgd = (): Optimizer => new SGD([zeros([1]).requiresGrad_()], { lr: 0.1, momentum: 0.9 });
type Stepper = { step(m: number): void; stateDict(): Record<string, unknown> };
const MAKE: Record<string, [(o: Optimizer) => Stepper | { step(): void; stateDict(): Record<string, unknown> }, number[]?]> = {
  StepLR: [(o) => new L.StepLR(o, 2, 0.5)],
  MultiStepLR: [(o) => new L.MultiStepLR(o, [3, 1, 3], 0.5)],
  CosineAnnealingLR: [(o) => new L.CosineAnnealingLR(o, 10, 0.01)],
  OneCycleLR: [(o) => new L.OneCycleLR(o, 1.0, { totalSteps: 10 })],
  ReduceLROnPlateau: [(o) => new L.ReduceLROnPlateau(o, { patience: 1 }), [1, 1, 1]],
  'ReduceLROnPlateau max': [(o) => new L.ReduceLROnPlateau(o, { mode: 'max', patience: 0, cooldown: 2 }), [1, 0.5, 0.4]],
  LambdaLR: [(o) => new L.LambdaLR(o, (e: number) => 0.9 ** e)],
};

describe('scheduler stateDict(), as PyTorch 1.13 state_dict()', () => {
  test('every fixture scheduler is run', () => expect(Object.keys(MAKE).sort()).toEqual(Object.keys(REF).sort()));
  test.each(Object.keys(MAKE))('%s: keys in order, values', (name) => {
    const [make, metrics] = MAKE[name];
    const o = sgd(), s = make(o);
    for (let i = 0; i < 3; i++) { o.step(); if (metrics) (s as Stepper).step(metrics[i]); else (s as { step(): void }).step(); }
    const got = s.stateDict(), want = ours(REF[name]) as Record<string, Json>;
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const k of Object.keys(want)) {
      if (typeof want[k] === 'number') expect(got[k]).toBeCloseTo(want[k] as number, 14);
      else if (Array.isArray(want[k]) && (want[k] as Json[]).every((x) => typeof x === 'number')) (got[k] as number[]).forEach((x, i) => expect(x).toBeCloseTo((want[k] as number[])[i], 14));
      else expect(got[k]).toEqual(want[k]);
    }
  });

  test("MultiStepLR loads PyTorch's Counter form and an array of epochs alike", () => {
    const a = new L.MultiStepLR(sgd(), [5], 0.5), b = new L.MultiStepLR(sgd(), [5], 0.5);
    a.loadStateDict({ ...a.stateDict(), milestones: { 3: 2, 1: 1 } });
    b.loadStateDict({ ...b.stateDict(), milestones: [3, 1, 3] });
    expect(a.milestones).toEqual([1, 3, 3]);
    expect(b.milestones).toEqual([1, 3, 3]);
    expect(a.stateDict().milestones).toEqual({ 1: 1, 3: 2 });
    expect(() => a.loadStateDict({ ...a.stateDict(), milestones: { x: 1 } })).toThrow(/MultiStepLR.loadStateDict: milestones must map integer epochs/);
  });
});
