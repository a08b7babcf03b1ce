import { CosineAnnealingLR } from '@tapegrad/optim';
import { sgdWithLrs, runEpochs, expectLrs } from './helpers';

describe('CosineAnnealingLR', () => {
  it('follows PyTorch 1.13 past tMax (tMax 3, etaMin 0.02: down to etaMin at 3, back to base at 6)', () => {
    const opt = sgdWithLrs(0.1);
    const s = new CosineAnnealingLR(opt, { tMax: 3, etaMin: 0.02 });
    // torch 1.13, CosineAnnealingLR(SGD(lr=0.1), T_max=3, eta_min=0.02), 9 epochs:
    const torch = [0.08, 0.04000000000000001, 0.02, 0.039999999999999994, 0.08000000000000003, 0.10000000000000003,
      0.08000000000000004, 0.040000000000000036, 0.02];
    expectLrs(runEpochs(opt, s, 9), torch.map((v) => [v]), 1e-16);
  });

  it('equals the closed form etaMin + (base - etaMin)(1 + cos(pi t / tMax))/2 for 40 epochs', () => {
    const opt = sgdWithLrs(0.3);
    const s = new CosineAnnealingLR(opt, { tMax: 7, etaMin: 0.01 });
    runEpochs(opt, s, 40).forEach(([lr], i) => {
      const t = i + 1;
      expect(Math.abs(lr - (0.01 + (0.3 - 0.01) * (1 + Math.cos((Math.PI * t) / 7)) / 2))).toBeLessThan(1e-14); // the recursive form drifts by a few ulps over 40 epochs
    });
  });

  it('requires tMax > 0', () => {
    expect(() => new CosineAnnealingLR(sgdWithLrs(1), {} as never)).toThrow('CosineAnnealingLR: tMax is required and must be a number > 0, got undefined');
    expect(() => new CosineAnnealingLR(sgdWithLrs(1), { tMax: 0 })).toThrow(/got 0/);
  });
});
