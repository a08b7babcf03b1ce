import { SequentialLR, LinearLR, ExponentialLR, StepLR, CosineAnnealingLR, ReduceLROnPlateau } from '@tapegrad/optim';
import { sgdWithLrs, runEpochs, expectLrs } from './helpers';

describe('SequentialLR', () => {
  it('warm-up then decay (torch 1.13: LinearLR(0.1, 3) then ExponentialLR(0.9) at milestone 3)', () => {
    const opt = sgdWithLrs(0.1);
    const s = new SequentialLR(opt, {
      schedulers: [new LinearLR(opt, { startFactor: 0.1, totalIters: 3 }), new ExponentialLR(opt, { gamma: 0.9 })],
      milestones: [3],
    });
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.010000000000000002, 18);
    const torch = [0.04, 0.07, 0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002, 0.05904900000000002];
    expectLrs(runEpochs(opt, s, 8), torch.map((v) => [v]), 1e-16);
    expect(s.getLastLr()[0]).toBeCloseTo(0.05904900000000002, 16);
  });

  it('the next scheduler restarts at its epoch 0 via its closed form (StepLR then CosineAnnealingLR, torch 1.13)', () => {
    const opt = sgdWithLrs(0.1);
    const s = new SequentialLR(opt, {
      schedulers: [new StepLR(opt, { stepSize: 2, gamma: 0.5 }), new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.01 })],
      milestones: [4],
    });
    const torch = [0.1, 0.05, 0.05, 0.1, 0.08681980515339464, 0.05500000000000001, 0.023180194846605363, 0.01,
      0.023180194846605363, 0.05500000000000002];
    expectLrs(runEpochs(opt, s, 10), torch.map((v) => [v]), 1e-16);
  });

  it('state dict nests the schedulers\' state dicts and restores the run', () => {
    const make = () => {
      const opt = sgdWithLrs(0.1);
      const s = new SequentialLR(opt, {
        schedulers: [new LinearLR(opt, { startFactor: 0.5, totalIters: 2 }), new ExponentialLR(opt, { gamma: 0.5 })],
        milestones: [2],
      });
      return { opt, s };
    };
    const a = make();
    runEpochs(a.opt, a.s, 3);
    const sd = JSON.parse(JSON.stringify(a.s.stateDict()));
    expect(sd._milestones).toEqual([2]);
    expect(sd._schedulers).toHaveLength(2);
    expect(sd._schedulers[1].gamma).toBe(0.5);
    const rest = runEpochs(a.opt, a.s, 4);

    const b = make();
    runEpochs(b.opt, b.s, 3); // same lrs so far; now scramble the counters and restore them
    b.s.lastEpoch = 100;
    (b.s._schedulers[1] as ExponentialLR).lastEpoch = 100;
    b.s.loadStateDict(sd);
    expect(runEpochs(b.opt, b.s, 4)).toEqual(rest);
  });

  it('validates the schedulers and milestones as PyTorch', () => {
    const opt = sgdWithLrs(0.1), other = sgdWithLrs(0.1);
    expect(() => new SequentialLR(opt, { schedulers: [new StepLR(opt, { stepSize: 1 }), new StepLR(other, { stepSize: 1 })], milestones: [2] }))
      .toThrow('SequentialLR: Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index 1 to be different than the optimizer passed in.');
    expect(() => new SequentialLR(opt, { schedulers: [new StepLR(opt, { stepSize: 1 })], milestones: [2] }))
      .toThrow(/expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 1 and the number of milestones to be equal to 1/);
    expect(() => new SequentialLR(opt, { schedulers: [new ReduceLROnPlateau(opt) as never, new StepLR(opt, { stepSize: 1 })], milestones: [2] }))
      .toThrow(/not an LRScheduler/);
  });
});
