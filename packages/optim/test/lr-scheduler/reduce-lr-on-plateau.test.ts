import { tensor } from '@tapegrad/core';
import { ReduceLROnPlateau, SGD } from '@tapegrad/optim';
import { sgdWithLrs, runEpochs, expectLrs } from './helpers';

describe('ReduceLROnPlateau', () => {
  it('min/rel with patience, cooldown and per-group minLr on a scripted metric (torch 1.13 trace)', () => {
    const opt = sgdWithLrs(0.1, 0.05);
    const s = new ReduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 2, threshold: 0.1, cooldown: 1, minLr: [0.01, 0.02] });
    const metrics = [1.0, 0.95, 0.9, 0.89, 0.88, 0.87, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6];
    // Better means < best * 0.9. 0.95 and 0.9 are not better than 1.0 (bad 1, 2), 0.89 is; 0.88, 0.87 bad;
    // 0.5 best; then 0.6 x3 -> 3 bad epochs > patience 2 -> cut at epoch 10; cooldown 1 swallows epoch 11;
    // epochs 12-14 bad -> cut at 14, the second group floored at its minLr 0.02.
    const torch = [[0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05],
      [0.1, 0.05], [0.05, 0.025], [0.05, 0.025], [0.05, 0.025], [0.05, 0.025], [0.025, 0.02], [0.025, 0.02], [0.025, 0.02]];
    expectLrs(runEpochs(opt, s, metrics.length, metrics), torch, 0);
    expect([s.best, s.numBadEpochs, s.cooldownCounter, s.lastEpoch]).toEqual([0.5, 1, 0, 16]);
  });

  it('max/abs (torch 1.13 trace), and tensor metrics', () => {
    const opt = sgdWithLrs(0.1);
    const s = new ReduceLROnPlateau(opt, { mode: 'max', factor: 0.1, patience: 1, threshold: 0.5, thresholdMode: 'abs' });
    const metrics = [1, 2, 2.5, 2.6, 2.55, 2.7, 3.6, 3.0, 3.0, 3.0];
    const torch = [0.1, 0.1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002,
      0.0010000000000000002, 0.0010000000000000002];
    const lrs: number[] = [];
    for (const m of metrics) {
      opt.step();
      s.step(tensor(m, { dtype: 'float64' }));
      lrs.push(opt.paramGroups[0].lr);
    }
    expectLrs(lrs.map((v) => [v]), torch.map((v) => [v]), 0);
    expect(s.best).toBe(3.6);
    expect(s.getLastLr()).toEqual([0.0010000000000000002]);
  });

  it('skips cuts smaller than eps', () => {
    const opt = sgdWithLrs(1e-8);
    const s = new ReduceLROnPlateau(opt, { patience: 0 });
    s.step(1);
    s.step(1); // bad epoch -> would cut 1e-8 to 1e-9, a change below eps 1e-8
    expect(opt.paramGroups[0].lr).toBe(1e-8);
  });

  it('state dict survives JSON (best = Infinity becomes null) and resumes identically', () => {
    const opt = sgdWithLrs(0.1);
    const s = new ReduceLROnPlateau(opt, { patience: 1 });
    const fresh = JSON.parse(JSON.stringify(s.stateDict()));
    expect(fresh.best).toBeNull();
    const s0 = new ReduceLROnPlateau(sgdWithLrs(0.1), { patience: 5 });
    s0.loadStateDict(fresh);
    expect(s0.best).toBe(Infinity);
    expect(s0.patience).toBe(1);

    const metrics = [3, 2, 2, 2, 1, 1, 1, 1];
    runEpochs(opt, s, 4, metrics);
    const sd = JSON.parse(JSON.stringify(s.stateDict()));
    const rest = runEpochs(opt, s, 4, metrics.slice(4));
    const opt2 = sgdWithLrs(0.1);
    opt2.paramGroups[0].lr = sd._lastLr[0];
    const s2 = new ReduceLROnPlateau(opt2);
    s2.loadStateDict(sd);
    expect(runEpochs(opt2, s2, 4, metrics.slice(4))).toEqual(rest);
  });

  it('validates as PyTorch', () => {
    expect(() => new ReduceLROnPlateau(sgdWithLrs(1), { factor: 1 })).toThrow(/Factor should be < 1.0/);
    expect(() => new ReduceLROnPlateau(sgdWithLrs(1), { mode: 'up' as never })).toThrow(/mode up is unknown!/);
    expect(() => new ReduceLROnPlateau(sgdWithLrs(1), { thresholdMode: 'x' as never })).toThrow(/threshold mode x is unknown!/);
    expect(() => new ReduceLROnPlateau(sgdWithLrs(1, 2), { minLr: [0] })).toThrow('ReduceLROnPlateau: expected 2 min_lrs, got 1');
    expect(() => new ReduceLROnPlateau({} as never)).toThrow(/is not an Optimizer/);
  });
});

describe('verbose (PyTorch 1.13)', () => {
  it("prints PyTorch's line for each cut; also positionally, as the 9th parameter", () => {
    // torch: s = ReduceLROnPlateau(SGD([p], lr=0.1), 'min', 0.5, 0, verbose=True); s.step(1); s.step(2); s.step(3);
    // s.step(4, 7.5); s.step(5, 1234567) prints exactly these lines
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const opt = new SGD([tensor([0], { dtype: 'float64', requiresGrad: true })], { lr: 0.1 });
      const s = new ReduceLROnPlateau(opt, 'min', 0.5, 0, { verbose: true });
      s.step(1); s.step(2); s.step(3); s.step(4, 7.5); s.step(5, 1234567);
      expect(log.mock.calls.map((c) => c.join(' '))).toEqual([
        'Epoch 00002: reducing learning rate of group 0 to 5.0000e-02.',
        'Epoch 00003: reducing learning rate of group 0 to 2.5000e-02.',
        'Epoch 7.50: reducing learning rate of group 0 to 1.2500e-02.',
        'Epoch 1234567: reducing learning rate of group 0 to 6.2500e-03.',
      ]);
      log.mockClear();
      const quiet = new ReduceLROnPlateau(new SGD([tensor([0], { dtype: 'float64', requiresGrad: true })], { lr: 0.1 }), 'min', 0.5, 0, 1e-4, 'rel', 0, 0, 1e-8, false);
      quiet.step(1); quiet.step(2);
      expect(quiet.optimizer.paramGroups[0].lr).toBe(0.05);
      expect(log).not.toHaveBeenCalled();
      expect(s.verbose).toBe(true);
      expect('verbose' in s.stateDict()).toBe(false); // a setting of this object, not training state (PyTorch saves it too)
      expect(() => new ReduceLROnPlateau(opt, { verbose: 1 as never })).toThrow('ReduceLROnPlateau: verbose must be a boolean, got number 1');
    } finally {
      log.mockRestore();
    }
  });
});
