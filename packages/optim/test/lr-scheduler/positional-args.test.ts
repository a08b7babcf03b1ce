/**
 * PyTorch-style scheduler construction: the positional values of PyTorch 1.13's signatures (in its order),
 * then an options object of the rest, give the same schedule as the all-options form; bad positional
 * calls are specific errors.
 */
import { tensor } from '@tapegrad/core';
import {
  SGD, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR, MultiplicativeLR, LinearLR, ConstantLR,
  PolynomialLR, SequentialLR, ReduceLROnPlateau, CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts,
} from '@tapegrad/optim';

type Sched = { step(metric: number): void };

/** Validation losses for ReduceLROnPlateau: improving, flat, one improvement, flat. */
const METRICS = [5, 4, 4, 4, 4, 3, 3, 3, 3, 3];

/** SGD with momentum over two groups (lrs 1 and 0.5), so the momentum-cycling schedulers have something to cycle. */
function twoGroups(): SGD {
  const p = () => [tensor([0], { dtype: 'float64', requiresGrad: true })];
  return new SGD([{ params: p(), lr: 1 }, { params: p(), lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
}

/** Each group's lr and momentum after construction and after each of `n` steps (ReduceLROnPlateau gets `METRICS`). */
function trace(make: (opt: SGD) => Sched, n = 10): number[][] {
  const opt = twoGroups();
  const s = make(opt);
  const row = () => opt.paramGroups.flatMap((g) => [g.lr, g.momentum]);
  const out = [row()];
  for (let t = 0; t < n; t++) {
    opt.step();
    if (s instanceof ReduceLROnPlateau) s.step(METRICS[t]);
    else (s as unknown as { step(): void }).step();
    out.push(row());
  }
  return out;
}


// [label, positional form, options form]; the positional values differ from the defaults.
const CASES: [string, (o: SGD) => Sched, (o: SGD) => Sched][] = [
  ['StepLR(opt, 3, 0.5)', (o) => new StepLR(o, 3, 0.5), (o) => new StepLR(o, { stepSize: 3, gamma: 0.5 })],
  ['StepLR(opt, 3, { gamma: 0.5 })', (o) => new StepLR(o, 3, { gamma: 0.5 }), (o) => new StepLR(o, { stepSize: 3, gamma: 0.5 })],
  ['StepLR(opt, 3)', (o) => new StepLR(o, 3), (o) => new StepLR(o, { stepSize: 3 })],
  ['MultiStepLR(opt, [2, 5], 0.3)', (o) => new MultiStepLR(o, [2, 5], 0.3), (o) => new MultiStepLR(o, { milestones: [2, 5], gamma: 0.3 })],
  ['MultiStepLR(opt, [2, 5], { gamma: 0.3 })', (o) => new MultiStepLR(o, [2, 5], { gamma: 0.3 }), (o) => new MultiStepLR(o, { milestones: [2, 5], gamma: 0.3 })],
  ['ExponentialLR(opt, 0.8)', (o) => new ExponentialLR(o, 0.8), (o) => new ExponentialLR(o, { gamma: 0.8 })],
  ['CosineAnnealingLR(opt, 6, 0.01)', (o) => new CosineAnnealingLR(o, 6, 0.01), (o) => new CosineAnnealingLR(o, { tMax: 6, etaMin: 0.01 })],
  ['CosineAnnealingLR(opt, 6, { etaMin: 0.01 })', (o) => new CosineAnnealingLR(o, 6, { etaMin: 0.01 }), (o) => new CosineAnnealingLR(o, { tMax: 6, etaMin: 0.01 })],
  ['LambdaLR(opt, f)', (o) => new LambdaLR(o, (e) => 0.9 ** e), (o) => new LambdaLR(o, { lrLambda: (e) => 0.9 ** e })],
  ['LambdaLR(opt, [f, g])', (o) => new LambdaLR(o, [(e) => 0.9 ** e, (e) => 1 / (e + 1)]), (o) => new LambdaLR(o, { lrLambda: [(e) => 0.9 ** e, (e) => 1 / (e + 1)] })],
  ['MultiplicativeLR(opt, f)', (o) => new MultiplicativeLR(o, (e) => 0.9 - 0.01 * e), (o) => new MultiplicativeLR(o, { lrLambda: (e) => 0.9 - 0.01 * e })],
  ['LinearLR(opt, 0.2, 0.9, 4)', (o) => new LinearLR(o, 0.2, 0.9, 4), (o) => new LinearLR(o, { startFactor: 0.2, endFactor: 0.9, totalIters: 4 })],
  ['LinearLR(opt, 0.2, { totalIters: 4 })', (o) => new LinearLR(o, 0.2, { totalIters: 4 }), (o) => new LinearLR(o, { startFactor: 0.2, totalIters: 4 })],
  ['ConstantLR(opt, 0.5, 3)', (o) => new ConstantLR(o, 0.5, 3), (o) => new ConstantLR(o, { factor: 0.5, totalIters: 3 })],
  ['PolynomialLR(opt, 8, 2)', (o) => new PolynomialLR(o, 8, 2), (o) => new PolynomialLR(o, { totalIters: 8, power: 2 })],
  ['SequentialLR(opt, [warmup, decay], [3])',
    (o) => new SequentialLR(o, [new ConstantLR(o, 0.5, 3), new ExponentialLR(o, 0.8)], [3]),
    (o) => new SequentialLR(o, { schedulers: [new ConstantLR(o, { factor: 0.5, totalIters: 3 }), new ExponentialLR(o, { gamma: 0.8 })], milestones: [3] })],
  ["ReduceLROnPlateau(opt, 'min', 0.5, 1, 0.01, 'abs', 1, 0.05, 0.2)",
    (o) => new ReduceLROnPlateau(o, 'min', 0.5, 1, 0.01, 'abs', 1, 0.05, 0.2),
    (o) => new ReduceLROnPlateau(o, { mode: 'min', factor: 0.5, patience: 1, threshold: 0.01, thresholdMode: 'abs', cooldown: 1, minLr: 0.05, eps: 0.2 })],
  ["ReduceLROnPlateau(opt, 'min', { factor: 0.5, patience: 1 })",
    (o) => new ReduceLROnPlateau(o, 'min', { factor: 0.5, patience: 1 }), (o) => new ReduceLROnPlateau(o, { factor: 0.5, patience: 1 })],
  ["CyclicLR(opt, 0.1, 1, 3, 2, 'triangular2')",
    (o) => new CyclicLR(o, 0.1, 1, 3, 2, 'triangular2'), (o) => new CyclicLR(o, { baseLr: 0.1, maxLr: 1, stepSizeUp: 3, stepSizeDown: 2, mode: 'triangular2' })],
  ["CyclicLR(opt, 0.1, 1, 2, null, 'exp_range', 0.9, null, 'cycle', true, 0.7, 0.95)",
    (o) => new CyclicLR(o, 0.1, 1, 2, null, 'exp_range', 0.9, null, 'cycle', true, 0.7, 0.95),
    (o) => new CyclicLR(o, { baseLr: 0.1, maxLr: 1, stepSizeUp: 2, mode: 'exp_range', gamma: 0.9, baseMomentum: 0.7, maxMomentum: 0.95 })],
  ['CyclicLR(opt, [0.1, 0.05], [1, 0.5], { stepSizeUp: 3 })',
    (o) => new CyclicLR(o, [0.1, 0.05], [1, 0.5], { stepSizeUp: 3 }), (o) => new CyclicLR(o, { baseLr: [0.1, 0.05], maxLr: [1, 0.5], stepSizeUp: 3 })],
  ['OneCycleLR(opt, 1, 10)', (o) => new OneCycleLR(o, 1, 10), (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 10 })],
  ['OneCycleLR(opt, 1, { totalSteps: 10 })', (o) => new OneCycleLR(o, 1, { totalSteps: 10 }), (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 10 })],
  ["OneCycleLR(opt, [1, 2], null, 2, 5, 0.4, 'linear', true, 0.8, 0.9, 10, 100, true)",
    (o) => new OneCycleLR(o, [1, 2], null, 2, 5, 0.4, 'linear', true, 0.8, 0.9, 10, 100, true),
    (o) => new OneCycleLR(o, { maxLr: [1, 2], epochs: 2, stepsPerEpoch: 5, pctStart: 0.4, annealStrategy: 'linear', baseMomentum: 0.8, maxMomentum: 0.9, divFactor: 10, finalDivFactor: 100, threePhase: true })],
  ['CosineAnnealingWarmRestarts(opt, 3, 2, 0.01)',
    (o) => new CosineAnnealingWarmRestarts(o, 3, 2, 0.01), (o) => new CosineAnnealingWarmRestarts(o, { t0: 3, tMult: 2, etaMin: 0.01 })],
];

describe('schedulers take PyTorch positional arguments', () => {
  it.each(CASES)('%s gives the same lrs (and momentum) over 10 steps as the options form', (_label, positional, options) => {
    expect(trace(positional)).toEqual(trace(options));
  });

  it('the traces compared are not the defaults (a positional value that was dropped would show)', () => {
    expect(trace((o) => new StepLR(o, 3, 0.5))).not.toEqual(trace((o) => new StepLR(o, 3)));
    expect(trace((o) => new LinearLR(o, 0.2, 0.9, 4))).not.toEqual(trace((o) => new LinearLR(o, 0.2, 0.9)));
    expect(trace((o) => new CosineAnnealingWarmRestarts(o, 3, 2, 0.01))).not.toEqual(trace((o) => new CosineAnnealingWarmRestarts(o, 3, 2)));
    expect(trace((o) => new ReduceLROnPlateau(o, 'min', 0.5, 1, 0.01, 'abs', 1, 0.05, 0.2)))
      .not.toEqual(trace((o) => new ReduceLROnPlateau(o, 'min', 0.5, 1, 0.01, 'abs', 1, 0.05)));
  });

  it('StepLR(opt, 2, 0.5) follows lr_t = base * 0.5^floor(t / 2) (hand-derived)', () => {
    const lrs = trace((o) => new StepLR(o, 2, 0.5), 6).map((r) => r[0]);
    expect(lrs).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.125]);
  });

  it('lastEpoch is positional too: StepLR(opt, 3, 0.5, 4) resumes as { lastEpoch: 4 } does', () => {
    const resumed = (make: (o: SGD) => Sched) => trace((o) => {
      for (const g of o.paramGroups) g.initialLr = g.lr;
      return make(o);
    }, 5);
    const pos = resumed((o) => new StepLR(o, 3, 0.5, 4));
    expect(pos).toEqual(resumed((o) => new StepLR(o, { stepSize: 3, gamma: 0.5, lastEpoch: 4 })));
    expect(pos).not.toEqual(resumed((o) => new StepLR(o, 3, 0.5)));
  });
});

describe('positional argument errors', () => {
  // Plain-JavaScript calls the types reject, to check the run-time messages.
  const loose = <T>(C: unknown) => C as new (...args: unknown[]) => T;
  const opt = () => twoGroups();

  it('a value given positionally and in the options', () => {
    expect(() => new StepLR(opt(), 30, { stepSize: 10 })).toThrow("StepLR: got multiple values for argument 'stepSize': number 30 as argument 2 and number 10 in the options; give it once");
    expect(() => new StepLR(opt(), 30, 0.5, { gamma: 0.1 })).toThrow(TypeError);
    expect(() => new OneCycleLR(opt(), 0.1, 100, { totalSteps: 100 })).toThrow(/OneCycleLR: got multiple values for argument 'totalSteps'/);
    expect(() => new ReduceLROnPlateau(opt(), 'max', { mode: 'min' })).toThrow(/ReduceLROnPlateau: got multiple values for argument 'mode'/);
  });

  it('a positional value of the wrong type names the argument and what it must be', () => {
    expect(() => new (loose<StepLR>(StepLR))(opt(), '30')).toThrow("StepLR: argument 2 (stepSize) must be a number, got the string '30' (write 30 without quotes)");
    expect(() => new (loose<StepLR>(StepLR))(opt(), 30, '0.5')).toThrow('StepLR: argument 3 (gamma) must be a number');
    expect(() => new (loose<MultiStepLR>(MultiStepLR))(opt(), 30)).toThrow('MultiStepLR: argument 2 (milestones) must be an array of numbers, got number 30');
    expect(() => new (loose<LambdaLR>(LambdaLR))(opt(), 0.95)).toThrow('LambdaLR: argument 2 (lrLambda) must be a function or an array of functions (one per parameter group), got number 0.95');
    expect(() => new (loose<ReduceLROnPlateau>(ReduceLROnPlateau))(opt(), 0.5)).toThrow('ReduceLROnPlateau: argument 2 (mode) must be a string, got number 0.5');
    expect(() => new (loose<CyclicLR>(CyclicLR))(opt(), 0.1, 1, 3, 2, 'triangular', 1, 'f')).toThrow('CyclicLR: argument 8 (scaleFn) must be a function or null');
    expect(() => new (loose<OneCycleLR>(OneCycleLR))(opt(), 'x')).toThrow('OneCycleLR: argument 2 (maxLr) must be a number or an array of numbers');
  });

  it('too many positional values, or the options object not last', () => {
    expect(() => new (loose<ExponentialLR>(ExponentialLR))(opt(), 0.9, -1, false, 5)).toThrow('ExponentialLR: takes at most 3 positional arguments (gamma, lastEpoch, verbose) before its options object, got 4');
    expect(() => new (loose<StepLR>(StepLR))(opt(), 3, { gamma: 0.5 }, -1)).toThrow('StepLR: argument 3 (gamma) must be a number, got an object (an options object must be the last argument)');
  });

  it('the options after positional values are still checked for unknown keys', () => {
    expect(() => new (loose<StepLR>(StepLR))(opt(), 3, { step_size: 3 })).toThrow(/StepLR: unknown option 'step_size' \(did you mean 'stepSize'\?\)/);
    expect(() => new (loose<CosineAnnealingLR>(CosineAnnealingLR))(opt(), 10, { eta_min: 0 })).toThrow(/unknown option 'eta_min' \(did you mean 'etaMin'\?\)/);
  });

  it('positional values get the same range checks as options', () => {
    expect(() => new StepLR(opt(), 0)).toThrow('StepLR: stepSize must be a positive integer, got 0');
    expect(() => new CosineAnnealingLR(opt(), -1)).toThrow('CosineAnnealingLR: tMax is required and must be a number > 0, got -1');
    expect(() => new LinearLR(opt(), 0)).toThrow(/LinearLR: Starting multiplicative factor expected to be between 0 and 1\. It must be greater than 0/);
    expect(() => new ReduceLROnPlateau(opt(), 'min', 1.5)).toThrow('ReduceLROnPlateau: Factor should be < 1.0. (got 1.5)');
    expect(() => new (loose<ReduceLROnPlateau>(ReduceLROnPlateau))(opt(), 'lowest')).toThrow(/ReduceLROnPlateau: mode lowest is unknown/);
    expect(() => new OneCycleLR(opt(), 0.1)).toThrow('OneCycleLR: You must define either totalSteps OR (epochs AND stepsPerEpoch)');
  });

  it('undefined positional values count as not given (the defaults apply)', () => {
    expect(trace((o) => new (loose<LinearLR>(LinearLR))(o, undefined, 0.9))).toEqual(trace((o) => new LinearLR(o, { endFactor: 0.9 })));
  });
});
