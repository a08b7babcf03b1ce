/**
 * PyTorch-style optimizer construction: PyTorch 1.13's positional parameters after `params` (lr, momentum,
 * betas, … in its order), then an options object of the rest, give the same trajectory as the options form.
 */
import { Tensor, tensor } from '@tapegrad/core';
import { SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, ASGD, NAdam, RAdam, Rprop, LBFGS, Optimizer } from '@tapegrad/optim';
import { param, setGrad, values } from './helpers/params';

const TARGET = [0.5, -1.5, 2];

/** Ten steps on f(p) = Σ (p − target)² · (1 + i)/2 with the gradient set by hand; the parameter after each step. */
function trajectory(make: (ps: Tensor[]) => Optimizer): number[][] {
  const p = param([1, -2, 0.25]);
  const opt = make([p]);
  const out: number[][] = [];
  for (let t = 0; t < 10; t++) {
    setGrad(p, values(p).map((v, i) => (v - TARGET[i]) * (1 + i)));
    opt.step();
    out.push(values(p));
  }
  return out;
}

const CASES: [string, (ps: Tensor[]) => Optimizer, (ps: Tensor[]) => Optimizer][] = [
  ['SGD(params, 0.1)', (ps) => new SGD(ps, 0.1), (ps) => new SGD(ps, { lr: 0.1 })],
  ['SGD(params, 0.1, 0.9, 0, 0.01, true)', (ps) => new SGD(ps, 0.1, 0.9, 0, 0.01, true), (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov: true })],
  ['SGD(params, 0.1, 0.9, 0.5, { maximize: true })', (ps) => new SGD(ps, 0.1, 0.9, 0.5, { maximize: true }), (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.5, maximize: true })],
  ['Adam(params, 0.05, [0.8, 0.99], 1e-6, 0.01, true)', (ps) => new Adam(ps, 0.05, [0.8, 0.99], 1e-6, 0.01, true), (ps) => new Adam(ps, { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.01, amsgrad: true })],
  ['Adam(params, 0.05, { betas: [0.8, 0.99] })', (ps) => new Adam(ps, 0.05, { betas: [0.8, 0.99] }), (ps) => new Adam(ps, { lr: 0.05, betas: [0.8, 0.99] })],
  ['AdamW(params, 0.05, [0.8, 0.99], 1e-6, 0.1)', (ps) => new AdamW(ps, 0.05, [0.8, 0.99], 1e-6, 0.1), (ps) => new AdamW(ps, { lr: 0.05, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1 })],
  ['RMSprop(params, 0.01, 0.9, 1e-6, 0.01, 0.5, true)', (ps) => new RMSprop(ps, 0.01, 0.9, 1e-6, 0.01, 0.5, true), (ps) => new RMSprop(ps, { lr: 0.01, alpha: 0.9, eps: 1e-6, weightDecay: 0.01, momentum: 0.5, centered: true })],
  ['Adagrad(params, 0.1, 0.01, 0.01, 0.1, 1e-8)', (ps) => new Adagrad(ps, 0.1, 0.01, 0.01, 0.1, 1e-8), (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1, eps: 1e-8 })],
  ['Adadelta(params, 0.5, 0.8, 1e-4, 0.01)', (ps) => new Adadelta(ps, 0.5, 0.8, 1e-4, 0.01), (ps) => new Adadelta(ps, { lr: 0.5, rho: 0.8, eps: 1e-4, weightDecay: 0.01 })],
  ['Adamax(params, 0.01, [0.8, 0.9], 1e-6, 0.01)', (ps) => new Adamax(ps, 0.01, [0.8, 0.9], 1e-6, 0.01), (ps) => new Adamax(ps, { lr: 0.01, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.01 })],
  ['ASGD(params, 0.05, 1e-3, 0.5, 3, 0.01)', (ps) => new ASGD(ps, 0.05, 1e-3, 0.5, 3, 0.01), (ps) => new ASGD(ps, { lr: 0.05, lambd: 1e-3, alpha: 0.5, t0: 3, weightDecay: 0.01 })],
  ['NAdam(params, 0.01, [0.8, 0.9], 1e-6, 0.01, 0.01)', (ps) => new NAdam(ps, 0.01, [0.8, 0.9], 1e-6, 0.01, 0.01), (ps) => new NAdam(ps, { lr: 0.01, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.01, momentumDecay: 0.01 })],
  ['RAdam(params, 0.01, [0.8, 0.9], 1e-6, 0.01)', (ps) => new RAdam(ps, 0.01, [0.8, 0.9], 1e-6, 0.01), (ps) => new RAdam(ps, { lr: 0.01, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.01 })],
  ['Rprop(params, 0.05, [0.4, 1.5], [1e-4, 0.1])', (ps) => new Rprop(ps, 0.05, [0.4, 1.5], [1e-4, 0.1]), (ps) => new Rprop(ps, { lr: 0.05, etas: [0.4, 1.5], stepSizes: [1e-4, 0.1] })],
];

describe('optimizers take PyTorch positional arguments', () => {
  it.each(CASES)('%s follows the same 10 steps as the options form', (_label, positional, options) => {
    expect(trajectory(positional)).toEqual(trajectory(options));
  });

  it('the positional values are used (not the defaults)', () => {
    expect(trajectory((ps) => new SGD(ps, 0.1, 0.9))).not.toEqual(trajectory((ps) => new SGD(ps, 0.1)));
    expect(trajectory((ps) => new Adam(ps, 0.05, [0.8, 0.99]))).not.toEqual(trajectory((ps) => new Adam(ps, 0.05)));
    expect(trajectory((ps) => new Rprop(ps, 0.05, [0.4, 1.5], [1e-4, 0.1]))).not.toEqual(trajectory((ps) => new Rprop(ps, 0.05, [0.4, 1.5])));
  });

  it('SGD(params, 0.5, 0.5) is momentum 0.5 (hand-derived: p = 1, g = p, b₁ = g, b₂ = 0.5·b₁ + g)', () => {
    const p = param([1]);
    const opt = new SGD([p], 0.5, 0.5);
    setGrad(p, [1]);
    opt.step(); // b = 1, p = 1 − 0.5 = 0.5
    setGrad(p, [0.5]);
    opt.step(); // b = 0.5 + 0.5 = 1, p = 0.5 − 0.5 = 0
    expect(values(p)).toEqual([0]);
    expect(opt.paramGroups[0].momentum).toBe(0.5);
  });

  it('LBFGS(params, 0.5, 5, null, 1e-9, 1e-12, 3, "strong_wolfe") runs as the options form', () => {
    const run = (make: (ps: Tensor[]) => LBFGS) => {
      const p = param([1, -2, 0.25]);
      const opt = make([p]);
      const c = tensor(TARGET, { dtype: 'float64' });
      const w = tensor([1, 2, 3], { dtype: 'float64' });
      const closure = () => {
        opt.zeroGrad();
        const loss = p.sub(c).pow(2).mul(w).sum();
        loss.backward();
        return loss;
      };
      for (let t = 0; t < 2; t++) opt.step(closure);
      return values(p);
    };
    const pos = run((ps) => new LBFGS(ps, 0.5, 5, null, 1e-9, 1e-12, 3, 'strong_wolfe'));
    expect(pos).toEqual(run((ps) => new LBFGS(ps, { lr: 0.5, maxIter: 5, toleranceGrad: 1e-9, toleranceChange: 1e-12, historySize: 3, lineSearchFn: 'strong_wolfe' })));
    expect(pos).not.toEqual(run((ps) => new LBFGS(ps, 0.5))); // maxIter 20
  });
});

describe('optimizer positional argument errors', () => {
  const loose = <T>(C: unknown) => C as new (...args: unknown[]) => T;
  const ps = () => [param([1])];

  it('a value given positionally and in the options', () => {
    expect(() => new SGD(ps(), 0.1, { lr: 0.2 })).toThrow("SGD: got multiple values for argument 'lr': number 0.1 as argument 2 and number 0.2 in the options; give it once");
    expect(() => new Adam(ps(), 0.1, [0.9, 0.99], { betas: [0.9, 0.999] })).toThrow(/Adam: got multiple values for argument 'betas'/);
  });

  it('a positional value of the wrong type, or too many', () => {
    expect(() => new (loose<Adam>(Adam))(ps(), 1e-3, 0.9)).toThrow('Adam: argument 3 (betas) must be an array of numbers, got number 0.9');
    expect(() => new (loose<SGD>(SGD))(ps(), '0.1')).toThrow("SGD: argument 2 (lr) must be a number, got the string '0.1' (write 0.1 without quotes)");
    expect(() => new (loose<SGD>(SGD))(ps(), 0.1, 0.9, 0, 0, true, false)).toThrow('SGD: takes at most 5 positional arguments (lr, momentum, dampening, weightDecay, nesterov) before its options object, got 6');
  });

  it('keyword-only options (maximize) are still accepted in the options, unknown keys are not', () => {
    expect(new SGD(ps(), 0.1, { maximize: true }).paramGroups[0].maximize).toBe(true);
    expect(() => new (loose<SGD>(SGD))(ps(), 0.1, { weight_decay: 0.1 })).toThrow(/SGD: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\)/);
  });

  it('positional values get the same range checks as options', () => {
    expect(() => new SGD(ps(), -0.1)).toThrow('SGD: Invalid learning rate: -0.1');
    expect(() => new Adam(ps(), 1e-3, [1.5, 0.9])).toThrow(/Adam: Invalid beta parameter at index 0: 1.5/);
  });
});
