/**
 * Schedulers created with `lastEpoch` ≥ 0 (resuming: the groups already carry `initialLr`), as PyTorch 1.13:
 * the constructor's initial step applies the recursive rule to the group's current lr at lastEpoch + 1,
 * quirks included (CosineAnnealingLR jumps, CyclicLR restarts at the top). Reference, PyTorch 1.13:
 *   op = SGD([p], lr=0.037, momentum=0.9); op.param_groups[0]['initial_lr'] = 0.1
 *   s = Sched(op, ..., last_epoch=k); [s.get_last_lr()[0], s.last_epoch] + 3 × (op.step(); s.step(); s.get_last_lr()[0])
 * (OneCycleLR also needs the group keys it writes: max_lr 1, min_lr 1/25/1e4, max_momentum 0.95, base_momentum 0.85.)
 */
import { tensor } from '@tapegrad/core';
import { SGD, lrScheduler as S, LRScheduler } from '@tapegrad/optim';

const CASES: [string, (op: SGD) => LRScheduler, number[]][] = [
  ['StepLR(3, 0.5, lastEpoch 8)', (op) => new S.StepLR(op, { stepSize: 3, gamma: 0.5, lastEpoch: 8 }), [0.0185, 9, 0.0185, 0.0185, 0.00925]],
  ['CosineAnnealingLR(7, 0.001, lastEpoch 4)', (op) => new S.CosineAnnealingLR(op, { tMax: 7, etaMin: 0.001, lastEpoch: 4 }), [0.019637254807992693, 5, 0.005902041038830258, 0.001, 0.005902041038830253]],
  ['ExponentialLR(0.9, lastEpoch 4)', (op) => new S.ExponentialLR(op, { gamma: 0.9, lastEpoch: 4 }), [0.033299999999999996, 5, 0.029969999999999997, 0.026972999999999997, 0.024275699999999997]],
  ['OneCycleLR(1, totalSteps 20, lastEpoch 4)', (op) => new S.OneCycleLR(op, { maxLr: 1, totalSteps: 20, lastEpoch: 4 }), [1, 5, 0.9874640062350873, 0.9504846320134737, 0.89091617757105]],
  ['CosineAnnealingWarmRestarts(3, 2, lastEpoch 4)', (op) => new S.CosineAnnealingWarmRestarts(op, { t0: 3, tMult: 2, lastEpoch: 4 }), [0.07500000000000001, 5, 0.05, 0.025000000000000012, 0.006698729810778065]],
  ['CyclicLR(0.01, 0.1, stepSizeUp 3, lastEpoch 4)', (op) => new S.CyclicLR(op, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3, lastEpoch: 4 }), [0.1, 5, 0.01, 0.040000000000000056, 0.06999999999999995]],
  ['LinearLR(totalIters 8, lastEpoch 4)', (op) => new S.LinearLR(op, { totalIters: 8, lastEpoch: 4 }), [0.041624999999999995, 5, 0.04625, 0.050875000000000004, 0.0555]],
  ['PolynomialLR(totalIters 8, lastEpoch 4)', (op) => new S.PolynomialLR(op, { totalIters: 8, lastEpoch: 4 }), [0.027749999999999997, 5, 0.018499999999999996, 0.009249999999999998, 0]],
];

describe('resuming a schedule with lastEpoch, as PyTorch 1.13', () => {
  it.each(CASES)('%s', (name, make, want) => {
    const op = new SGD([tensor([0], { dtype: 'float64', requiresGrad: true })], { lr: 0.037, momentum: 0.9 });
    const g = op.paramGroups[0] as unknown as Record<string, number>;
    g.initialLr = 0.1;
    if (name.startsWith('OneCycleLR')) Object.assign(g, { maxLr: 1, minLr: 1 / 25 / 1e4, maxMomentum: 0.95, baseMomentum: 0.85 });
    const s = make(op);
    const got = [s.getLastLr()[0], s.lastEpoch];
    for (let i = 0; i < 3; i++) { op.step(); s.step(); got.push(s.getLastLr()[0]); }
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-15));
  });
});
