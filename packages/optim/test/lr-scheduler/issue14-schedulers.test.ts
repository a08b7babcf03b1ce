/**
 * The schedulers of issue 14 against PyTorch 1.13 (../fixtures/torch-issue14.json, written by
 * ../fixtures/torch-issue14.py) where the oracle has no case — MultiplicativeLR, ChainedScheduler,
 * OneCycleLR and CyclicLR with cycleMomentum, CosineAnnealingWarmRestarts with fractional epochs — and
 * their option errors and state dicts.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { tensor } from '@tapegrad/core';
import {
  SGD, Adam, Optimizer, MultiplicativeLR, ChainedScheduler, ConstantLR, ExponentialLR, LinearLR, MultiStepLR, OneCycleLR, CyclicLR,
  CosineAnnealingWarmRestarts, PolynomialLR, StepLR,
} from '@tapegrad/optim';

interface SchedCase { name: string; steps: { lr: number[]; momentum?: number[]; beta1?: number[] }[] }
const ref = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'torch-issue14.json'), 'utf8')) as { sched: SchedCase[]; oneCyclePastTotal: string };

const groups = (lrs: number[]) => lrs.map((lr) => ({ params: [tensor([0], { dtype: 'float64', requiresGrad: true })], lr }));
const sgd = (lrs: number[], momentum = 0) => new SGD(groups(lrs), { lr: 0.1, momentum });
const adam = (lrs: number[]) => new Adam(groups(lrs));

type Sched = { step(epoch?: number): void };
const builds: Record<string, () => { opt: Optimizer; s: Sched; epochs?: number[] }> = {
  'MultiplicativeLR 0.95': () => { const opt = sgd([0.1]); return { opt, s: new MultiplicativeLR(opt, { lrLambda: () => 0.95 }) }; },
  'MultiplicativeLR per group': () => {
    const opt = sgd([0.1, 0.5]);
    return { opt, s: new MultiplicativeLR(opt, { lrLambda: [() => 0.9, (e) => 1 - 0.01 * e] }) };
  },
  'ChainedScheduler ConstantLR + ExponentialLR': () => {
    const opt = sgd([0.1]);
    return { opt, s: new ChainedScheduler([new ConstantLR(opt, { factor: 0.1, totalIters: 2 }), new ExponentialLR(opt, { gamma: 0.9 })]) };
  },
  'ChainedScheduler LinearLR + MultiStepLR': () => {
    const opt = sgd([0.1, 0.02]);
    return { opt, s: new ChainedScheduler([new LinearLR(opt, { startFactor: 0.5, totalIters: 3 }), new MultiStepLR(opt, { milestones: [2, 4], gamma: 0.5 })]) };
  },
  'OneCycleLR cycleMomentum SGD': () => { const opt = sgd([0.1], 0.9); return { opt, s: new OneCycleLR(opt, { maxLr: 0.5, totalSteps: 10 }) }; },
  'OneCycleLR cycleMomentum Adam threePhase linear': () => {
    const opt = adam([0.001, 0.002]);
    return {
      opt,
      s: new OneCycleLR(opt, { maxLr: [0.01, 0.02], epochs: 2, stepsPerEpoch: 5, threePhase: true, annealStrategy: 'linear', baseMomentum: 0.8, maxMomentum: 0.9 }),
    };
  },
  'CyclicLR cycleMomentum triangular': () => {
    const opt = sgd([0.1], 0.9);
    return { opt, s: new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, stepSizeDown: 3 }) };
  },
  'CyclicLR cycleMomentum exp_range two groups': () => {
    const opt = sgd([0.1, 0.1], 0.9);
    return {
      opt,
      s: new CyclicLR(opt, { baseLr: [0.01, 0.001], maxLr: [0.1, 0.05], stepSizeUp: 3, mode: 'exp_range', gamma: 0.95, baseMomentum: 0.7, maxMomentum: 0.95 }),
    };
  },
  'CyclicLR scaleFn iterations': () => {
    const opt = sgd([0.1]);
    return { opt, s: new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, scaleFn: (x) => 1 / (1 + 0.1 * x), scaleMode: 'iterations', cycleMomentum: false }) };
  },
  'CosineAnnealingWarmRestarts fractional epochs': () => {
    const opt = sgd([0.1]);
    return { opt, s: new CosineAnnealingWarmRestarts(opt, { t0: 2, tMult: 2, etaMin: 0.001 }), epochs: [0.5, 1.0, 1.5, 2.0, 2.75, 4.5, 6.0, 7.25, 13.0] };
  },
  'CosineAnnealingWarmRestarts fractional epochs tMult 1': () => {
    const opt = sgd([0.1]);
    return { opt, s: new CosineAnnealingWarmRestarts(opt, { t0: 3, etaMin: 0 }), epochs: [0.25, 2.9, 3.0, 4.5, 7.0, 10.2] };
  },
  'PolynomialLR past totalIters': () => { const opt = sgd([0.1]); return { opt, s: new PolynomialLR(opt, { totalIters: 4, power: 0.5 }) }; },
  'ConstantLR default': () => { const opt = sgd([0.1]); return { opt, s: new ConstantLR(opt) }; },
};

function expectClose(actual: number[], expected: number[], what: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    if (!(Math.abs(v - expected[i]) <= 1e-15 * Math.max(1, Math.abs(expected[i])))) throw new Error(`${what}[${i}] = ${v}, PyTorch ${expected[i]}`);
  });
}

describe('schedulers against PyTorch 1.13', () => {
  it('every reference case has a build here', () => {
    expect(ref.sched.map((c) => c.name).sort()).toEqual(Object.keys(builds).sort());
  });
  for (const c of ref.sched) {
    it(c.name, () => {
      const { opt, s, epochs } = builds[c.name]();
      c.steps.forEach((want, t) => {
        opt.step();
        if (epochs) s.step(epochs[t]);
        else s.step();
        const gs = opt.paramGroups as unknown as Record<string, unknown>[];
        expectClose(gs.map((g) => g.lr as number), want.lr, `step ${t + 1} lr`);
        if (want.momentum) expectClose(gs.map((g) => g.momentum as number), want.momentum, `step ${t + 1} momentum`);
        if (want.beta1) expectClose(gs.map((g) => (g.betas as number[])[0]), want.beta1, `step ${t + 1} beta1`);
      });
    });
  }
});

describe('scheduler errors (PyTorch\'s, in tapegrad\'s words)', () => {
  it('OneCycleLR stepped past totalSteps', () => {
    const s = new OneCycleLR(sgd([0.1], 0.9), { maxLr: 0.1, totalSteps: 3 });
    s.step(); s.step(); s.step();
    expect(() => s.step()).toThrow(`OneCycleLR.step: ${ref.oneCyclePastTotal}`);
  });
  it('OneCycleLR needs totalSteps or epochs and stepsPerEpoch, a pctStart in [0, 1], a known annealStrategy, momentum to cycle', () => {
    expect(() => new OneCycleLR(sgd([0.1]), { maxLr: 0.1 })).toThrow('OneCycleLR: You must define either totalSteps OR (epochs AND stepsPerEpoch)');
    expect(() => new OneCycleLR(sgd([0.1]), { maxLr: 0.1, totalSteps: 0 })).toThrow('OneCycleLR: Expected positive integer totalSteps, but got 0');
    expect(() => new OneCycleLR(sgd([0.1]), { maxLr: 0.1, epochs: 2, stepsPerEpoch: 1.5 })).toThrow('OneCycleLR: Expected positive integer stepsPerEpoch, but got 1.5');
    expect(() => new OneCycleLR(sgd([0.1]), { maxLr: 0.1, totalSteps: 5, pctStart: 1.2 })).toThrow('OneCycleLR: Expected float between 0 and 1 pctStart, but got 1.2');
    expect(() => new OneCycleLR(sgd([0.1]), { maxLr: 0.1, totalSteps: 5, annealStrategy: 'cosine' as 'cos' })).toThrow("OneCycleLR: annealStrategy must be one of 'cos' or 'linear', instead got the string 'cosine'");
    expect(() => new OneCycleLR(sgd([0.1, 0.2]), { maxLr: [0.1], totalSteps: 5 })).toThrow('OneCycleLR: expected 2 values for maxLr, got 1');
  });
  it('CyclicLR with maxLr < baseLr, a bad mode, or cycleMomentum on an optimizer without momentum', () => {
    expect(() => new CyclicLR(sgd([0.1], 0.9), { baseLr: 0.1, maxLr: 0.01 })).toThrow('CyclicLR: maxLr 0.01 is below baseLr 0.1 (group 0); expected baseLr <= maxLr');
    expect(() => new CyclicLR(sgd([0.1]), { baseLr: 0.01, maxLr: 0.1, mode: 'expRange' as 'exp_range' })).toThrow("CyclicLR: mode is invalid and scaleFn is null: mode must be 'triangular', 'triangular2' or 'exp_range' (PyTorch's names), got the string 'expRange'");
    expect(() => new CyclicLR(adam([0.1]), { baseLr: 0.01, maxLr: 0.1 })).toThrow("CyclicLR: optimizer must support momentum with the cycleMomentum option enabled (it has no 'momentum' option); pass cycleMomentum: false");
    expect(() => new CyclicLR(sgd([0.1]), { baseLr: -0.01, maxLr: 0.1 })).toThrow('CyclicLR: Invalid learning rate: baseLr -0.01 (group 0) must be >= 0');
  });
  it('CosineAnnealingWarmRestarts: integer t0 > 0, integer tMult >= 1, non-negative epochs', () => {
    expect(() => new CosineAnnealingWarmRestarts(sgd([0.1]), { t0: 0 })).toThrow('CosineAnnealingWarmRestarts: Expected positive integer t0, but got 0');
    expect(() => new CosineAnnealingWarmRestarts(sgd([0.1]), { t0: 2, tMult: 1.5 })).toThrow('CosineAnnealingWarmRestarts: Expected integer tMult >= 1, but got 1.5');
    expect(() => new CosineAnnealingWarmRestarts(sgd([0.1]), { t0: 2 }).step(-1)).toThrow('CosineAnnealingWarmRestarts.step: Expected non-negative epoch, but got -1');
  });
  it('ConstantLR factor in (0, 1]; MultiplicativeLR one function per group; ChainedScheduler one optimizer', () => {
    expect(() => new ConstantLR(sgd([0.1]), { factor: 1.5 })).toThrow('ConstantLR: Constant multiplicative factor expected to be between 0 and 1. It must be greater than 0 and at most 1, got 1.5');
    expect(() => new MultiplicativeLR(sgd([0.1, 0.2]), { lrLambda: [() => 1] })).toThrow('MultiplicativeLR: Expected 2 lr_lambdas, but got 1');
    expect(() => new ChainedScheduler([new StepLR(sgd([0.1]), { stepSize: 1 }), new StepLR(sgd([0.1]), { stepSize: 1 })])).toThrow('ChainedScheduler: ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and 1 to be different');
    expect(() => new PolynomialLR(sgd([0.1]), { totalIters: 0 })).toThrow('PolynomialLR: totalIters must be a positive integer, got 0');
  });
});

describe('scheduler state dicts', () => {
  it('OneCycleLR: PyTorch\'s fields in camelCase, JSON round trip resumes the schedule', () => {
    const make = () => { const opt = sgd([0.1], 0.9); return { opt, s: new OneCycleLR(opt, { maxLr: 0.5, totalSteps: 10 }) }; };
    const a = make();
    for (let t = 0; t < 4; t++) a.s.step();
    const sd = JSON.parse(JSON.stringify(a.s.stateDict()));
    expect(Object.keys(sd).sort()).toEqual(['_lastLr', '_schedulePhases', '_stepCount', 'annealStrategy', 'baseLrs', 'cycleMomentum', 'lastEpoch', 'totalSteps', 'useBeta1']);
    expect(sd._schedulePhases[1]).toEqual({ endStep: 9, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' });
    const b = make();
    b.opt.loadStateDict(a.opt.stateDict());
    b.s.loadStateDict(sd);
    for (let t = 0; t < 5; t++) { a.s.step(); b.s.step(); }
    expect(b.opt.paramGroups[0].lr).toBe(a.opt.paramGroups[0].lr);
    expect((b.opt.paramGroups[0] as unknown as { momentum: number }).momentum).toBe((a.opt.paramGroups[0] as unknown as { momentum: number }).momentum);
    // The optimizer's groups carry OneCycleLR's keys, as PyTorch's do.
    expect(Object.keys(a.opt.stateDict().paramGroups[0])).toEqual(expect.arrayContaining(['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum']));
  });
  it('ChainedScheduler nests the schedulers\' state dicts; CyclicLR and CosineAnnealingWarmRestarts round trip', () => {
    const opt = sgd([0.1]);
    const c = new ChainedScheduler([new ConstantLR(opt, { factor: 0.5, totalIters: 2 }), new ExponentialLR(opt, { gamma: 0.9 })]);
    c.step();
    const sd = JSON.parse(JSON.stringify(c.stateDict()));
    expect(Object.keys(sd)).toEqual(['_lastLr', '_schedulers']);
    expect(sd._schedulers[1].gamma).toBe(0.9);
    const opt2 = sgd([0.1]);
    const c2 = new ChainedScheduler([new ConstantLR(opt2, { factor: 0.5, totalIters: 2 }), new ExponentialLR(opt2, { gamma: 0.9 })]);
    c2.loadStateDict(sd);
    opt2.paramGroups[0].lr = opt.paramGroups[0].lr;
    c.step(); c2.step();
    expect(opt2.paramGroups[0].lr).toBe(opt.paramGroups[0].lr);
    expect(c2.getLastLr()).toEqual(c.getLastLr());

    const w = new CosineAnnealingWarmRestarts(sgd([0.1]), { t0: 2, tMult: 2 });
    for (let t = 0; t < 3; t++) w.step();
    const wsd = JSON.parse(JSON.stringify(w.stateDict()));
    expect([wsd.t0, wsd.tI, wsd.tMult, wsd.tCur, wsd.lastEpoch]).toEqual([2, 4, 2, 1, 3]);
    const cy = new CyclicLR(sgd([0.1], 0.9), { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 });
    const csd = JSON.parse(JSON.stringify(cy.stateDict()));
    expect([csd.totalSize, csd.stepRatio, csd.mode, csd.scaleMode, csd.baseMomentums, csd.maxMomentums]).toEqual([4, 0.5, 'triangular', 'cycle', [0.8], [0.9]]);
  });
});
