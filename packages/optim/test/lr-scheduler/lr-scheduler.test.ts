/** The LRScheduler base: initial step, baseLrs/initialLr, lastEpoch, step(epoch), getLastLr, resuming, state dicts. */
import { tensor } from '@tapegrad/core';
import { SGD, LRScheduler, lrScheduler, StepLR, Optimizer } from '@tapegrad/optim';
import { sgdWithLrs, runEpochs } from './helpers';

describe('LRScheduler base', () => {
  it('the constructor records initialLr and baseLrs and performs the initial step (lastEpoch -1 -> 0)', () => {
    const opt = sgdWithLrs(0.1, 0.5);
    const s = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    expect(s.lastEpoch).toBe(0);
    expect(s.baseLrs).toEqual([0.1, 0.5]);
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.5]);
    expect(s.getLastLr()).toEqual([0.1, 0.5]);
    expect(s._stepCount).toBe(1);
  });

  it('the namespace and the top-level exports are the same classes', () => {
    expect(lrScheduler.StepLR).toBe(StepLR);
    expect(lrScheduler.LRScheduler).toBe(LRScheduler);
  });

  it('step() advances lastEpoch and writes every group; getLastLr returns a copy', () => {
    const opt = sgdWithLrs(0.1, 0.5);
    const s = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    expect(runEpochs(opt, s, 3)).toEqual([[0.1, 0.5], [0.05, 0.25], [0.05, 0.25]]);
    expect(s.lastEpoch).toBe(3);
    const last = s.getLastLr();
    last[0] = 99;
    expect(s.getLastLr()).toEqual([0.05, 0.25]);
  });

  it('step(epoch) jumps with the closed form (PyTorch: StepLR(step_size=2), step(7) -> 0.1 * 0.1^3)', () => {
    const s = new StepLR(sgdWithLrs(0.1), { stepSize: 2 });
    s.step(7);
    expect(s.lastEpoch).toBe(7);
    expect(s.getLastLr()[0]).toBeCloseTo(0.00010000000000000003, 18); // torch 1.13 value
  });

  it('a second scheduler keeps the first initialLr as its base (setdefault)', () => {
    const opt = sgdWithLrs(0.1);
    new StepLR(opt, { stepSize: 1, gamma: 0.5 }).step(); // lr 0.05 now
    const s2 = new StepLR(opt, { stepSize: 10 });
    expect(s2.baseLrs).toEqual([0.1]);
  });

  it('resuming (lastEpoch >= 0) needs initialLr in every group, as PyTorch', () => {
    const opt = sgdWithLrs(0.1);
    expect(() => new StepLR(opt, { stepSize: 2, lastEpoch: 4 })).toThrow(/param 'initialLr' is not specified in paramGroups\[0\] when resuming an optimizer/);
    opt.paramGroups[0].initialLr = 0.1;
    opt.paramGroups[0].lr = 0.025; // the lr at epoch 4 of StepLR(2, 0.5)
    const s = new StepLR(opt, { stepSize: 2, gamma: 0.5, lastEpoch: 4 });
    expect(s.lastEpoch).toBe(5); // the initial step moved it on
    expect(runEpochs(opt, s, 1)).toEqual([[0.0125]]); // epoch 6 decays
  });

  it('rejects a non-optimizer and a bad lastEpoch', () => {
    expect(() => new StepLR({} as unknown as Optimizer, { stepSize: 1 })).toThrow(/StepLR: an object is not an Optimizer/);
    expect(() => new StepLR(sgdWithLrs(0.1), { stepSize: 1, lastEpoch: -2 })).toThrow(/lastEpoch must be an integer >= -1/);
    expect(() => new StepLR(sgdWithLrs(0.1), { step_size: 1 } as never)).toThrow(/unknown option 'step_size'/);
  });

  it('stateDict holds every field but the optimizer, is JSON-able, and loadStateDict restores the schedule', () => {
    const opt = sgdWithLrs(0.1);
    const s = new StepLR(opt, { stepSize: 3, gamma: 0.5 });
    runEpochs(opt, s, 4);
    const sd = s.stateDict();
    // PyTorch: {'step_size': 3, 'gamma': 0.5, 'base_lrs': [0.1], 'last_epoch': 4, '_step_count': 5, '_last_lr': [0.05], ...}
    expect(sd).toEqual({ stepSize: 3, gamma: 0.5, baseLrs: [0.1], lastEpoch: 4, _stepCount: 5, _lastLr: [0.05] });
    const json = JSON.parse(JSON.stringify(sd));

    const rest = runEpochs(opt, s, 6).map((r) => r[0]);
    const opt2 = new SGD([tensor([0], { dtype: 'float64', requiresGrad: true })], { lr: 0.1 });
    opt2.loadStateDict(JSON.parse(JSON.stringify(opt.stateDict())) as never);
    opt2.paramGroups[0].lr = 0.05; // the optimizer's lr as it was at epoch 4
    const s2 = new StepLR(opt2, { stepSize: 99 });
    s2.loadStateDict(json);
    expect(s2.stepSize).toBe(3);
    expect(runEpochs(opt2, s2, 6).map((r) => r[0])).toEqual(rest);
  });
});
