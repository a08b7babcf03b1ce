/**
 * The optimizers of issue 14: PyTorch's option errors (in tapegrad's words), defaults, state keys in
 * PyTorch's order, per-group options, and hand-derived first steps.
 */
import { Tensor } from '@tapegrad/core';
import { Adadelta, Adamax, NAdam, RAdam, ASGD, Rprop, Optimizer } from '@tapegrad/optim';
import { param, setGrad, expectValues } from './helpers/params';

type Ctor = new (params: Tensor[], opts?: Record<string, unknown>) => Optimizer;
const p = () => param([1, -2]);

describe('option errors', () => {
  const all: [string, Ctor][] = [['Adadelta', Adadelta], ['Adamax', Adamax], ['NAdam', NAdam], ['RAdam', RAdam], ['ASGD', ASGD], ['Rprop', Rprop]] as unknown as [string, Ctor][];
  it.each(all)('%s: negative or NaN lr, unknown (snake_case) option', (name, C) => {
    expect(() => new C([p()], { lr: -0.1 })).toThrow(`${name}: Invalid learning rate: -0.1`);
    expect(() => new C([p()], { lr: NaN })).toThrow(`${name}: Invalid learning rate: nan`);
    expect(() => new C([p()], { weight_decay: 0.1 })).toThrow(`${name}: unknown option 'weight_decay'`);
  });
  it('Adadelta: rho outside [0, 1], negative eps / weightDecay; also in a param group', () => {
    expect(() => new Adadelta([p()], { rho: 1.5 })).toThrow('Adadelta: Invalid rho value: 1.5');
    expect(() => new Adadelta([p()], { rho: -0.1 })).toThrow('Adadelta: Invalid rho value: -0.1');
    expect(new Adadelta([p()], { rho: 1 }).paramGroups[0].rho).toBe(1);
    expect(() => new Adadelta([p()], { eps: -1 })).toThrow('Adadelta: Invalid epsilon value: -1');
    expect(() => new Adadelta([p()], { weightDecay: -1 })).toThrow('Adadelta: Invalid weight_decay value: -1');
    expect(() => new Adadelta([{ params: [p()] }, { params: [p()], rho: 2 }])).toThrow('Adadelta (param group 1): Invalid rho value: 2');
  });
  it.each([['Adamax', Adamax], ['NAdam', NAdam], ['RAdam', RAdam]] as unknown as [string, Ctor][])('%s: betas outside [0, 1)', (name, C) => {
    expect(() => new C([p()], { betas: [1, 0.999] })).toThrow(`${name}: Invalid beta parameter at index 0: 1`);
    expect(() => new C([p()], { betas: [0.9, -0.5] })).toThrow(`${name}: Invalid beta parameter at index 1: -0.5`);
    expect(() => new C([p()], { betas: [0.9] })).toThrow(`${name}: betas must be an array of two numbers [beta1, beta2], got an array of length 1`);
  });
  it('NAdam: negative momentumDecay; Rprop: etas not 0 < etaminus < 1 < etaplus, reversed stepSizes', () => {
    expect(() => new NAdam([p()], { momentumDecay: -1 })).toThrow('NAdam: Invalid momentum_decay value: -1');
    expect(() => new Rprop([p()], { etas: [1.2, 0.5] })).toThrow('Rprop: Invalid eta values: 1.2, 0.5 (expected 0 < etaminus < 1 < etaplus)');
    expect(() => new Rprop([p()], { stepSizes: [1, 0.1] })).toThrow('Rprop: Invalid step sizes: 1, 0.1 (expected 0 <= min <= max)');
  });
  it('NAdam and RAdam have no maximize in PyTorch 1.13', () => {
    expect(() => new NAdam([p()], { maximize: true } as never)).toThrow("NAdam: unknown option 'maximize'");
    expect(() => new RAdam([p()], { maximize: true } as never)).toThrow("RAdam: unknown option 'maximize'");
  });
});

describe('defaults and state', () => {
  it('PyTorch 1.13 defaults', () => {
    const opts = (o: Optimizer) => { const { params: _p, ...rest } = o.paramGroups[0] as unknown as Record<string, unknown>; return rest; };
    expect(opts(new Adadelta([p()]))).toEqual({ lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false });
    expect(opts(new Adamax([p()]))).toEqual({ lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false });
    expect(opts(new NAdam([p()]))).toEqual({ lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3 });
    expect(opts(new RAdam([p()]))).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 });
    expect(opts(new ASGD([p()]))).toEqual({ lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false });
    expect(opts(new Rprop([p()]))).toEqual({ lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false });
  });
  it('state keys in PyTorch\'s order (camelCase)', () => {
    const keys = (C: Ctor) => { const x = p(); const o = new C([x]); setGrad(x, [0.5, -1]); o.step(); return Object.keys(o.stateDict().state[0]); };
    expect(keys(Adadelta as unknown as Ctor)).toEqual(['step', 'squareAvg', 'accDelta']);
    expect(keys(Adamax as unknown as Ctor)).toEqual(['step', 'expAvg', 'expInf']);
    expect(keys(NAdam as unknown as Ctor)).toEqual(['step', 'muProduct', 'expAvg', 'expAvgSq']);
    expect(keys(RAdam as unknown as Ctor)).toEqual(['step', 'expAvg', 'expAvgSq']);
    expect(keys(ASGD as unknown as Ctor)).toEqual(['step', 'eta', 'mu', 'ax']);
    expect(keys(Rprop as unknown as Ctor)).toEqual(['step', 'prev', 'stepSize']);
  });
});

describe('hand-derived steps', () => {
  it('Rprop: first step moves every element by lr against the gradient sign; a sign flip halves the step and skips the move', () => {
    const x = p();
    const o = new Rprop([x], { lr: 0.1 });
    setGrad(x, [2, -3]);
    o.step();
    expectValues(x, [0.9, -1.9]);
    setGrad(x, [1, 4]); // element 0 keeps its sign (step ·1.2), element 1 flips (step ·0.5, no move)
    o.step();
    expectValues(x, [0.9 - 0.12, -1.9], 1e-15);
    expectValues(o.state.get(x)!.stepSize as Tensor, [0.12, 0.05], 1e-16);
    expectValues(o.state.get(x)!.prev as Tensor, [1, 0]);
  });
  it('Adadelta: first step is lr·sqrt(eps)/sqrt((1 − ρ)g² + eps)·g', () => {
    const x = p();
    const o = new Adadelta([x], { lr: 1, rho: 0.9, eps: 1e-6 });
    setGrad(x, [2, -3]);
    o.step();
    const d = (g: number) => (Math.sqrt(1e-6) / Math.sqrt(0.1 * g * g + 1e-6)) * g;
    expectValues(x, [1 - d(2), -2 - d(-3)], 1e-15);
  });
  it('Adamax: first step is lr·sign(g)·|g|/(|g| + eps) (m = (1 − β1)g, bias-corrected)', () => {
    const x = p();
    const o = new Adamax([x], { lr: 0.01 });
    setGrad(x, [2, -3]);
    o.step();
    expectValues(x, [1 - 0.01 * (0.1 * 2) / 0.1 / (2 + 1e-8), -2 + 0.01 * (0.1 * 3) / 0.1 / (3 + 1e-8)], 1e-15);
  });
  it('per-group options: a group with its own lr steps by its own lr', () => {
    const a = p(), b = p();
    const o = new Rprop([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    setGrad(a, [1, 1]); setGrad(b, [1, 1]);
    o.step();
    expectValues(a, [0.9, -2.1]);
    expectValues(b, [0.5, -2.5]);
  });
});
