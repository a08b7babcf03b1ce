import { LinearLR, LambdaLR } from '@tapegrad/optim';
import { sgdWithLrs, runEpochs, expectLrs } from './helpers';

describe('LinearLR', () => {
  it('defaults startFactor 1/3, endFactor 1, totalIters 5 (torch 1.13 values)', () => {
    const opt = sgdWithLrs(0.1);
    const s = new LinearLR(opt);
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.03333333333333333, 17);
    const torch = [0.04666666666666667, 0.060000000000000005, 0.07333333333333335, 0.08666666666666668, 0.1, 0.1, 0.1];
    expectLrs(runEpochs(opt, s, 7), torch.map((v) => [v]), 1e-17);
  });
  it('rejects factors outside the range', () => {
    expect(() => new LinearLR(sgdWithLrs(1), { startFactor: 0 })).toThrow(/Starting multiplicative factor expected to be between 0 and 1\. It must be greater than 0 and less or equal to 1, got 0/);
    expect(() => new LinearLR(sgdWithLrs(1), { endFactor: 1.5 })).toThrow(/Ending multiplicative factor expected to be between 0 and 1\. \(got 1.5\)/);
    expect(() => new LinearLR(sgdWithLrs(1), { totalIters: 0 })).toThrow(/totalIters must be a positive integer/);
  });
});

describe('LambdaLR', () => {
  it('one function per group (torch 1.13: [1/(e+1), 0.5^e] on lrs [0.1, 0.2])', () => {
    const opt = sgdWithLrs(0.1, 0.2);
    const s = new LambdaLR(opt, { lrLambda: [(e) => 1 / (e + 1), (e) => 0.5 ** e] });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.2]);
    expectLrs(runEpochs(opt, s, 4), [[0.05, 0.1], [0.03333333333333333, 0.05], [0.025, 0.025], [0.020000000000000004, 0.0125]], 1e-17);
  });
  it('one function for all groups; the count must match the groups', () => {
    const opt = sgdWithLrs(1, 2);
    const s = new LambdaLR(opt, { lrLambda: (e) => e + 1 });
    expect(runEpochs(opt, s, 1)).toEqual([[2, 4]]);
    expect(() => new LambdaLR(opt, { lrLambda: [(e) => e] })).toThrow('LambdaLR: Expected 2 lr_lambdas, but got 1');
    expect(() => new LambdaLR(opt, { lrLambda: 3 as never })).toThrow('LambdaLR: lrLambda must be a function or an array of functions (one per parameter group), got number 3');
  });
  it('the state dict stores null for the functions and loading keeps the current ones', () => {
    const opt = sgdWithLrs(1);
    const s = new LambdaLR(opt, { lrLambda: (e) => 1 / (e + 1) });
    runEpochs(opt, s, 3);
    const sd = JSON.parse(JSON.stringify(s.stateDict()));
    expect(sd.lrLambdas).toEqual([null]);
    expect(sd.lastEpoch).toBe(3);
    const opt2 = sgdWithLrs(1);
    const s2 = new LambdaLR(opt2, { lrLambda: (e) => 1 / (e + 1) });
    s2.loadStateDict(sd);
    s2.step();
    expect(opt2.paramGroups[0].lr).toBe(0.2);
  });
});
