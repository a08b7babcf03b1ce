/** Adam and AdamW single steps derived by hand from the update rules in their TSDoc. */
import { Tensor } from '@tapegrad/core';
import { Adam, AdamW } from '@tapegrad/optim';
import { param, setGrad, values, expectValues } from './helpers/params';

describe('Adam', () => {
  it('has PyTorch defaults', () => {
    const opt = new Adam([param([1])]);
    expect(opt.defaults).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
    expect(opt.paramGroups[0]).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999] });
  });

  it('step 1 moves each coordinate by lr * g / (|g| + eps): the bias corrections cancel', () => {
    const p = param([1, -2, 3]);
    const opt = new Adam([p], { lr: 0.1 });
    const g = [0.5, 1, -4];
    setGrad(p, g);
    opt.step();
    expectValues(p, [1, -2, 3].map((x, i) => x - (0.1 * g[i]) / (Math.abs(g[i]) + 1e-8)), 1e-15);
    const s = opt.state.get(p)!;
    expect(s.step).toBe(1);
    expectValues(s.expAvg as Tensor, g.map((x) => (1 - 0.9) * x), 0);
    expectValues(s.expAvgSq as Tensor, g.map((x) => (1 - 0.999) * x * x), 0);
  });

  it('step 2 equals the paper: p -= lr * mhat / (sqrt(vhat) + eps)', () => {
    const p = param([1, -2]);
    const opt = new Adam([p], { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6 });
    const g1 = [0.5, 1], g2 = [1, -1];
    setGrad(p, g1); opt.step();
    setGrad(p, g2); opt.step();
    const expected = [1, -2].map((x0, i) => {
      let x = x0, m = 0, v = 0;
      [g1[i], g2[i]].forEach((g, k) => {
        const t = k + 1;
        m = 0.8 * m + 0.2 * g;
        v = 0.99 * v + 0.01 * g * g;
        const mhat = m / (1 - 0.8 ** t), vhat = v / (1 - 0.99 ** t);
        x -= (0.01 * mhat) / (Math.sqrt(vhat) + 1e-6);
      });
      return x;
    });
    expectValues(p, expected, 1e-15);
  });

  it('eps is added to sqrt(v)/sqrt(1 - beta2^t), not to sqrt(v): with |g| = eps the first step is exactly lr/2', () => {
    const p = param([0]);
    const opt = new Adam([p], { lr: 0.1, eps: 1e-8 });
    setGrad(p, [1e-8]);
    opt.step();
    // PyTorch: 0.1 * g / (g + eps) = 0.05. The "efficient" form eps-on-sqrt(v) would give about 0.1 * 0.0306.
    expectValues(p, [-0.05], 1e-12);
  });

  it('weightDecay is L2 through the gradient (and so through the moments)', () => {
    const p = param([1, -2]);
    const opt = new Adam([p], { lr: 0.1, weightDecay: 0.5 });
    setGrad(p, [0, 0]);
    opt.step();
    // g' = 0.5 * p = [0.5, -1]; step 1 moves by lr * g'/(|g'| + eps), i.e. about lr, not lr * wd * p
    expectValues(p, [1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 + 0.1 * 1 / (1 + 1e-8)], 1e-15);
    expectValues(opt.state.get(p)!.expAvg as Tensor, [(1 - 0.9) * 0.5, (1 - 0.9) * -1], 0);
  });

  it('amsgrad normalizes by the running max of v', () => {
    const p = param([1]);
    const opt = new Adam([p], { lr: 0.1, amsgrad: true });
    setGrad(p, [1]); opt.step();
    const p1 = values(p)[0];
    setGrad(p, [0]); opt.step();
    const s = opt.state.get(p)!;
    expectValues(s.expAvgSq as Tensor, [0.999 * 0.001], 1e-18); // v fell...
    expectValues(s.maxExpAvgSq as Tensor, [1 - 0.999], 1e-18); // ...the max did not
    const m2 = 0.9 * 0.1;
    const denom = Math.sqrt(1 - 0.999) / Math.sqrt(1 - 0.999 ** 2) + 1e-8;
    expectValues(p, [p1 - (0.1 / (1 - 0.9 ** 2)) * m2 / denom], 1e-15);
    // Without amsgrad the smaller v gives a larger step
    const q = param([1]);
    const plain = new Adam([q], { lr: 0.1 });
    setGrad(q, [1]); plain.step();
    setGrad(q, [0]); plain.step();
    expect(p1 - values(p)[0]).toBeLessThan(values(q).map((x) => p1 - x)[0]);
  });

  it('maximize steps uphill', () => {
    const p = param([1, -2]);
    const opt = new Adam([p], { lr: 0.1, maximize: true });
    setGrad(p, [0.5, -1]);
    opt.step();
    expectValues(p, [1 + 0.1 * 0.5 / (0.5 + 1e-8), -2 - 0.1 * 1 / (1 + 1e-8)], 1e-15);
  });

  it('validates as PyTorch: lr, eps, betas in [0, 1), weightDecay', () => {
    const ps = () => [param([1])];
    expect(() => new Adam(ps(), { lr: -1 })).toThrow('Adam: Invalid learning rate: -1');
    expect(() => new Adam(ps(), { lr: NaN })).toThrow('Invalid learning rate: nan');
    expect(() => new Adam(ps(), { eps: -1e-8 })).toThrow('Invalid epsilon value: -1e-8');
    expect(() => new Adam(ps(), { betas: [1, 0.999] })).toThrow('Invalid beta parameter at index 0: 1');
    expect(() => new Adam(ps(), { betas: [0.9, -0.1] })).toThrow('Invalid beta parameter at index 1: -0.1');
    expect(() => new Adam(ps(), { betas: [0.9] as never })).toThrow(/betas must be an array of two numbers/);
    expect(() => new Adam(ps(), { weightDecay: -0.1 })).toThrow('Invalid weight_decay value: -0.1');
  });
});

describe('AdamW', () => {
  it('defaults weightDecay to 1e-2', () => {
    expect(new AdamW([param([1])]).defaults.weightDecay).toBe(0.01);
  });

  it('decays decoupled: with g = 0 the step is exactly p *= 1 - lr*wd (Adam with L2 would move by ~lr)', () => {
    const p = param([1, -2]);
    const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.5 });
    setGrad(p, [0, 0]);
    opt.step();
    expect(values(p)).toEqual([1 * (1 - 0.1 * 0.5), -2 * (1 - 0.1 * 0.5)]);
    expect(values(opt.state.get(p)!.expAvg as Tensor)).toEqual([0, 0]); // the decay never reaches the moments
  });

  it('then takes the Adam step with the raw gradient', () => {
    const p = param([1, -2]);
    const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.5 });
    setGrad(p, [0.5, 1]);
    opt.step();
    expectValues(p, [1 * 0.95 - 0.1 * 0.5 / (0.5 + 1e-8), -2 * 0.95 - 0.1 / (1 + 1e-8)], 1e-15);
  });

  it('amsgrad and maximize work as in Adam', () => {
    const a = param([1]), b = param([1]);
    const oa = new AdamW([a], { lr: 0.1, weightDecay: 0, amsgrad: true, maximize: true });
    const ob = new Adam([b], { lr: 0.1, amsgrad: true, maximize: true });
    for (const g of [1, 0.1, 2]) {
      setGrad(a, [g]); setGrad(b, [g]);
      oa.step(); ob.step();
    }
    expect(values(a)).toEqual(values(b));
    expect(values(a)[0]).toBeGreaterThan(1);
  });

  it('validates like Adam', () => {
    expect(() => new AdamW([param([1])], { betas: [0.9, 1] })).toThrow('AdamW: Invalid beta parameter at index 1: 1');
  });
});
