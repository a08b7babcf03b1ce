/**
 * `verbose` on the epoch schedulers, as PyTorch 1.13's `print_lr`: a line per group for every lr a step sets
 * (the constructor's initial step included), "Epoch ..." when the step was given an epoch (always for
 * CosineAnnealingWarmRestarts, which passes its own). Reference: the stdout of, in PyTorch 1.13,
 *   op = SGD([{params: [p0]}, {params: [p1], lr: 0.05}], lr=0.1, momentum=0.9)
 *   StepLR(op, 2, 0.5, verbose=True), 2 × (op.step(); s.step())
 *   CosineAnnealingWarmRestarts(op, 2, verbose=True); s.step(); s.step(0.5)
 *   ExponentialLR(op, 0.9, verbose=True); s.step(3)
 *   a = ConstantLR(op, 0.5, 2, verbose=True); SequentialLR(op, [a, ExponentialLR(op, 0.9)], [2], verbose=True), 3 steps
 */
import { tensor } from '@tapegrad/core';
import { SGD, StepLR, CosineAnnealingWarmRestarts, ExponentialLR, ConstantLR, SequentialLR } from '@tapegrad/optim';

const sgd = () => new SGD([{ params: [tensor([0], { dtype: 'float64', requiresGrad: true })] }, { params: [tensor([0], { dtype: 'float64', requiresGrad: true })], lr: 0.05 }], { lr: 0.1, momentum: 0.9 });
const pair = (prefix: string, a: string, b: string) => [`${prefix} of group 0 to ${a}.`, `${prefix} of group 1 to ${b}.`];

let log: jest.SpyInstance;
beforeEach(() => { log = jest.spyOn(console, 'log').mockImplementation(() => undefined); });
afterEach(() => log.mockRestore());
const lines = () => log.mock.calls.map((c) => c.join(' '));

describe('verbose, as PyTorch 1.13', () => {
  it('StepLR (also positionally, after lastEpoch)', () => {
    const op = sgd();
    const s = new StepLR(op, 2, 0.5, -1, true);
    for (let i = 0; i < 2; i++) { op.step(); s.step(); }
    const adj = 'Adjusting learning rate';
    expect(lines()).toEqual([...pair(adj, '1.0000e-01', '5.0000e-02'), ...pair(adj, '1.0000e-01', '5.0000e-02'), ...pair(adj, '5.0000e-02', '2.5000e-02')]);
    expect(s.verbose).toBe(true);
    expect('verbose' in s.stateDict()).toBe(false);
  });
  it('CosineAnnealingWarmRestarts: its lines always carry the epoch; a fractional one as %.2f', () => {
    const op = sgd();
    const s = new CosineAnnealingWarmRestarts(op, { t0: 2, verbose: true });
    op.step(); s.step(); op.step(); s.step(0.5);
    expect(lines()).toEqual([
      ...pair('Epoch 00000: adjusting learning rate', '1.0000e-01', '5.0000e-02'),
      ...pair('Epoch 00001: adjusting learning rate', '5.0000e-02', '2.5000e-02'),
      ...pair('Epoch 0.50: adjusting learning rate', '8.5355e-02', '4.2678e-02'),
    ]);
  });
  it('step(epoch) on ExponentialLR', () => {
    const op = sgd();
    const s = new ExponentialLR(op, { gamma: 0.9, verbose: true });
    op.step(); s.step(3);
    expect(lines()).toEqual([...pair('Adjusting learning rate', '1.0000e-01', '5.0000e-02'), ...pair('Epoch 00003: adjusting learning rate', '7.2900e-02', '3.6450e-02')]);
  });
  it('SequentialLR prints nothing itself; its verbose scheduler does', () => {
    const op = sgd();
    const a = new ConstantLR(op, { factor: 0.5, totalIters: 2, verbose: true });
    const q = new SequentialLR(op, [a, new ExponentialLR(op, 0.9)], [2], { verbose: true });
    for (let i = 0; i < 3; i++) { op.step(); q.step(); }
    const p = pair('Adjusting learning rate', '5.0000e-02', '2.5000e-02');
    expect(lines()).toEqual([...p, ...p, ...p]);
  });
  it("a negative epoch as Python's %.5d", () => {
    // torch: ExponentialLR(op, 0.9, verbose=True); s.step(-1) prints "Epoch -00001: adjusting learning rate of group 0 to 1.1111e-01."
    const op = sgd();
    const s = new ExponentialLR(op, { gamma: 0.9, verbose: true });
    log.mockClear();
    s.step(-1);
    expect(lines()[0]).toBe('Epoch -00001: adjusting learning rate of group 0 to 1.1111e-01.');
  });
  it('off by default; a non-boolean is an error', () => {
    const op = sgd();
    const s = new StepLR(op, 2);
    s.step();
    expect(log).not.toHaveBeenCalled();
    expect(s.verbose).toBe(false);
    expect(() => new StepLR(op, 2, { verbose: 'yes' as never })).toThrow("StepLR: verbose must be a boolean, got the string 'yes'");
  });
});
