/** RMSprop single steps derived by hand (p0 = [1, -2], g1 = [0.5, 1]). */
import { Tensor } from '@tapegrad/core';
import { RMSprop } from '@tapegrad/optim';
import { param, setGrad, values, expectValues } from './helpers/params';

describe('RMSprop', () => {
  it('has PyTorch defaults', () => {
    expect(new RMSprop([param([1])]).defaults).toEqual({ lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false });
  });

  it('plain: s = (1 - alpha) g^2, p -= lr * g / (sqrt(s) + eps) (eps outside the root, no bias correction)', () => {
    const p = param([1, -2]);
    const opt = new RMSprop([p], { lr: 0.01 });
    setGrad(p, [0.5, 1]);
    opt.step();
    expectValues(p, [1 - (0.01 * 0.5) / (Math.sqrt(0.01 * 0.25) + 1e-8), -2 - 0.01 / (Math.sqrt(0.01) + 1e-8)], 1e-15);
    expect(opt.state.get(p)!.step).toBe(1);
    expect(Object.keys(opt.state.get(p)!).sort()).toEqual(['squareAvg', 'step']);
  });

  it('centered: divides by sqrt(s - a^2) + eps with a the EMA of g', () => {
    const p = param([1, -2]);
    const opt = new RMSprop([p], { lr: 0.01, alpha: 0.9, centered: true });
    setGrad(p, [0.5, 1]);
    opt.step();
    const g = [0.5, 1];
    expectValues(p, [1, -2].map((x, i) => x - (0.01 * g[i]) / (Math.sqrt(0.1 * g[i] ** 2 - (0.1 * g[i]) ** 2) + 1e-8)), 1e-15);
    expectValues(opt.state.get(p)!.gradAvg as Tensor, [(1 - 0.9) * 0.5, (1 - 0.9) * 1], 0);
  });

  it('momentum: b = mu*b + g/avg, p -= lr*b, over two steps', () => {
    const p = param([1, -2]);
    const opt = new RMSprop([p], { lr: 0.01, momentum: 0.9 });
    const g1 = [0.5, 1], g2 = [1, -1];
    setGrad(p, g1); opt.step();
    setGrad(p, g2); opt.step();
    const expected = [1, -2].map((x0, i) => {
      const s1 = 0.01 * g1[i] ** 2, b1 = g1[i] / (Math.sqrt(s1) + 1e-8);
      const s2 = 0.99 * s1 + 0.01 * g2[i] ** 2, b2 = 0.9 * b1 + g2[i] / (Math.sqrt(s2) + 1e-8);
      return x0 - 0.01 * b1 - 0.01 * b2;
    });
    expectValues(p, expected, 1e-15);
  });

  it('weightDecay and maximize act on the gradient before the average', () => {
    const p = param([1, -2]);
    const opt = new RMSprop([p], { lr: 0.01, weightDecay: 0.5, maximize: true });
    setGrad(p, [0.5, 1]);
    opt.step();
    const gEff = [-0.5 + 0.5, -1 - 1]; // -g + wd*p
    expectValues(p, [1, -2 - (0.01 * gEff[1]) / (Math.sqrt(0.01 * gEff[1] ** 2) + 1e-8)], 1e-15);
    expect(values(p)[0]).toBe(1); // zero effective gradient: no move
  });

  it('validates as PyTorch', () => {
    const ps = () => [param([1])];
    expect(() => new RMSprop(ps(), { lr: -0.1 })).toThrow('RMSprop: Invalid learning rate: -0.1');
    expect(() => new RMSprop(ps(), { eps: -1 })).toThrow('Invalid epsilon value: -1');
    expect(() => new RMSprop(ps(), { momentum: -1 })).toThrow('Invalid momentum value: -1');
    expect(() => new RMSprop(ps(), { weightDecay: -1 })).toThrow('Invalid weight_decay value: -1');
    expect(() => new RMSprop(ps(), { alpha: -0.5 })).toThrow('Invalid alpha value: -0.5');
  });
});
