/** The tapegrad-compiled column's step wrapper (bench/compiled.ts): it compiles, and verify() fails a step that did not replay. */
import { manualSeed, randn, randint, type Tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { functional as F } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import { COMPILED, EAGER, ReplayCheckError, withArgs, type StepMode } from '../../../../bench/compiled';

function mlpStep(mode: StepMode, readInside = false) {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(6, 4), new nn.ReLU(), new nn.Linear(4, 3));
  const opt = new SGD(model.parameters(), { lr: 0.1 });
  const step = mode.wrap('test step', (x: Tensor, y: Tensor) => {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.call(x) as Tensor, y);
    if (readInside && loss.item() > 1e9) throw new Error('unreachable');
    loss.backward();
    opt.step();
    return loss;
  }, [model]);
  return withArgs(step, randn([5, 6]), randint(0, 3, [5], { dtype: 'int32' }));
}

describe('bench compiled step', () => {
  test('COMPILED replays from the third call, with the same losses as EAGER; verify() passes', () => {
    const c = mlpStep(COMPILED), e = mlpStep(EAGER);
    for (let i = 0; i < 6; i++) expect(c().item()).toBe(e().item());
    expect(() => c.verify()).not.toThrow();
    expect(() => e.verify()).not.toThrow();
  });

  test('verify() throws a ReplayCheckError naming the step before any replay, and after a fallback', () => {
    const fresh = mlpStep(COMPILED);
    fresh();
    fresh();
    expect(() => fresh.verify()).toThrow(/test step never replayed \(2 calls, 1 traces, 1 captures\)/);
    const reads = mlpStep(COMPILED, true);
    for (let i = 0; i < 4; i++) reads();
    expect(() => reads.verify()).toThrow(ReplayCheckError);
    expect(() => reads.verify()).toThrow(/test step fell back to eager mode \(a tensor value was read/);
  });
});
