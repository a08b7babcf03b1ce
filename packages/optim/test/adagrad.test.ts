/** Adagrad single steps derived by hand (p0 = [1, -2], g1 = [0.5, 1]). */
import { Tensor } from '@tapegrad/core';
import { Adagrad } from '@tapegrad/optim';
import { param, setGrad, values, expectValues } from './helpers/params';

describe('Adagrad', () => {
  it('has PyTorch defaults and creates state (step 0, sum = initialAccumulatorValue) up front', () => {
    const p = param([1, -2]);
    const opt = new Adagrad([p], { initialAccumulatorValue: 0.25 });
    expect(opt.defaults).toEqual({ lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0.25, eps: 1e-10, maximize: false });
    expect(opt.state.get(p)!.step).toBe(0);
    expect(values(opt.state.get(p)!.sum as Tensor)).toEqual([0.25, 0.25]);
    const q = param([3]);
    opt.addParamGroup({ params: [q], initialAccumulatorValue: 1 });
    expect(values(opt.state.get(q)!.sum as Tensor)).toEqual([1]);
  });

  it('step 1: sum = g^2, p -= lr * g / (sqrt(sum) + eps)', () => {
    const p = param([1, -2]);
    const opt = new Adagrad([p], { lr: 0.1 });
    setGrad(p, [0.5, 1]);
    opt.step();
    expectValues(p, [1 - (0.1 * 0.5) / (0.5 + 1e-10), -2 - 0.1 / (1 + 1e-10)], 1e-15);
  });

  it('lrDecay: step t uses lr / (1 + (t - 1) lrDecay); the sum starts at initialAccumulatorValue', () => {
    const p = param([1, -2]);
    const opt = new Adagrad([p], { lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 0.1 });
    const g1 = [0.5, 1], g2 = [1, -1];
    setGrad(p, g1); opt.step();
    setGrad(p, g2); opt.step();
    const expected = [1, -2].map((x0, i) => {
      const s1 = 0.1 + g1[i] ** 2, s2 = s1 + g2[i] ** 2;
      return x0 - (0.1 * g1[i]) / (Math.sqrt(s1) + 1e-10) - ((0.1 / 1.5) * g2[i]) / (Math.sqrt(s2) + 1e-10);
    });
    expectValues(p, expected, 1e-15);
    expect(opt.state.get(p)!.step).toBe(2);
  });

  it('weightDecay and maximize act on the gradient', () => {
    const p = param([1, -2]);
    const opt = new Adagrad([p], { lr: 0.1, weightDecay: 0.5, maximize: true });
    setGrad(p, [0.5, 1]);
    opt.step();
    const gEff = [-0.5 + 0.5, -1 - 1];
    expectValues(p, [1, -2 - (0.1 * gEff[1]) / (Math.abs(gEff[1]) + 1e-10)], 1e-15);
  });

  it('validates as PyTorch', () => {
    const ps = () => [param([1])];
    expect(() => new Adagrad(ps(), { lr: -1 })).toThrow('Adagrad: Invalid learning rate: -1');
    expect(() => new Adagrad(ps(), { lrDecay: -1 })).toThrow('Invalid lr_decay value: -1');
    expect(() => new Adagrad(ps(), { weightDecay: -1 })).toThrow('Invalid weight_decay value: -1');
    expect(() => new Adagrad(ps(), { initialAccumulatorValue: -1 })).toThrow('Invalid initial_accumulator_value value: -1');
    expect(() => new Adagrad(ps(), { eps: -1 })).toThrow('Invalid epsilon value: -1');
  });
});
