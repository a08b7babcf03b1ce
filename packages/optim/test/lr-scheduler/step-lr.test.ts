import { StepLR, MultiStepLR, ExponentialLR } from '@tapegrad/optim';
import { sgdWithLrs, runEpochs, expectLrs } from './helpers';

describe('StepLR', () => {
  it('lr_t = base * gamma^floor(t / stepSize), default gamma 0.1', () => {
    const opt = sgdWithLrs(1);
    const s = new StepLR(opt, { stepSize: 2 });
    expectLrs(runEpochs(opt, s, 5), [[1], [0.1], [0.1], [0.01], [0.01]].map((r) => [r[0]]), 1e-17);
  });
  it('validates stepSize and gamma', () => {
    expect(() => new StepLR(sgdWithLrs(1), { stepSize: 0 })).toThrow('StepLR: stepSize must be a positive integer, got 0');
    expect(() => new StepLR(sgdWithLrs(1), {} as never)).toThrow(/stepSize must be a positive integer, got undefined/);
    expect(() => new StepLR(sgdWithLrs(1), { stepSize: 1, gamma: NaN })).toThrow(/gamma must be a number/);
  });
});

describe('MultiStepLR', () => {
  it('decays at each milestone, a repeated milestone twice (PyTorch: milestones [3,3,5], gamma 0.5)', () => {
    const opt = sgdWithLrs(0.1);
    const s = new MultiStepLR(opt, { milestones: [5, 3, 3], gamma: 0.5 });
    // torch 1.13: [[0.1], [0.1], [0.025], [0.025], [0.0125], [0.0125]]
    expectLrs(runEpochs(opt, s, 6), [[0.1], [0.1], [0.025], [0.025], [0.0125], [0.0125]], 0);
    expect(s.milestones).toEqual([3, 3, 5]);
  });
  it('step(epoch) uses the closed form base * gamma^(#milestones <= epoch)', () => {
    const s = new MultiStepLR(sgdWithLrs(1), { milestones: [2, 4], gamma: 0.5 });
    s.step(4);
    expect(s.getLastLr()).toEqual([0.25]);
  });
  it('requires integer milestones', () => {
    expect(() => new MultiStepLR(sgdWithLrs(1), { milestones: [1.5] })).toThrow(/milestones must be an array of integer epochs, got \[1.5\]/);
  });
});

describe('ExponentialLR', () => {
  it('lr_t = base * gamma^t', () => {
    const opt = sgdWithLrs(1, 2);
    const s = new ExponentialLR(opt, { gamma: 0.5 });
    expect(runEpochs(opt, s, 3)).toEqual([[0.5, 1], [0.25, 0.5], [0.125, 0.25]]);
  });
  it('gamma is required', () => {
    expect(() => new ExponentialLR(sgdWithLrs(1), {} as never)).toThrow('ExponentialLR: gamma is required and must be a number, got undefined');
  });
});
