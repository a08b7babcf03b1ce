/**
 * Optimizer state dicts: PyTorch's layout, independence from later steps, JSON-ability, validation on
 * load, and the resume guarantee — 5 steps, checkpoint, a fresh model and optimizer, 5 more steps gives
 * bit-for-bit the parameters of 10 straight steps, for every optimizer and option set.
 */
import { Tensor, tensor, noGrad } from '@tapegrad/core';
import {
  SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam, ASGD, Rprop, Optimizer, OptimizerStateDict, StepLR,
} from '@tapegrad/optim';
import { param, setGrad, values } from './helpers/params';
import { throughCheckpoint } from './helpers/checkpoint';

type Model = { W: Tensor; b: Tensor };
type Make = (m: Model) => Optimizer;

// Fixed data for a linear least-squares model y ≈ x W + b (x [4, 3], W [3, 2], b [2]).
const X = tensor([[0.5, -1, 2], [1.5, 0.25, -0.5], [-1, 1, 1], [2, -2, 0.5]], { dtype: 'float64' });
const Y = tensor([[1, -1], [0.5, 2], [-1.5, 0], [3, 1]], { dtype: 'float64' });

function makeModel(seed: number, dtype: 'float32' | 'float64' = 'float64'): Model {
  const w = Array.from({ length: 6 }, (_, i) => Math.sin(seed + i));
  return {
    W: tensor(w, { dtype }).reshape([3, 2]).requiresGrad_(true),
    b: tensor([Math.cos(seed), Math.cos(seed + 1)], { dtype, requiresGrad: true }),
  };
}

function train(m: Model, opt: Optimizer, steps: number, sched?: StepLR): void {
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    X.to(m.W.dtype).matmul(m.W).add(m.b).sub(Y.to(m.W.dtype)).square().mean().backward();
    opt.step();
    sched?.step();
  }
}

/** Two groups (W, b) with different learning rates, so indices and per-group options both matter. */
const configs: [string, Make][] = [
  ['SGD plain', (m) => new SGD([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.05 })],
  ['SGD momentum+dampening', (m) => new SGD([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.05, momentum: 0.9, dampening: 0.1 })],
  ['SGD nesterov+weightDecay+maximize', (m) => new SGD([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.01, maximize: true })],
  ['Adam', (m) => new Adam([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.05 })],
  ['Adam amsgrad+weightDecay', (m) => new Adam([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.05, betas: [0.8, 0.99], amsgrad: true, weightDecay: 0.1 })],
  ['AdamW amsgrad', (m) => new AdamW([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.05, amsgrad: true, weightDecay: 0.1 })],
  ['RMSprop', (m) => new RMSprop([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.01 })],
  ['RMSprop centered+momentum+weightDecay', (m) => new RMSprop([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.01, centered: true, momentum: 0.5, weightDecay: 0.01 })],
  ['Adagrad', (m) => new Adagrad([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.1 })],
  ['Adagrad lrDecay+initialAccumulatorValue+weightDecay', (m) => new Adagrad([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.1, lrDecay: 0.05, initialAccumulatorValue: 0.1, weightDecay: 0.01 })],
  // issue 14
  ['Adadelta weightDecay+maximize', (m) => new Adadelta([{ params: [m.W] }, { params: [m.b], lr: 0.5 }], { rho: 0.95, weightDecay: 0.01, maximize: true })],
  ['Adamax', (m) => new Adamax([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.05, weightDecay: 0.01 })],
  ['NAdam', (m) => new NAdam([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.05, momentumDecay: 0.01 })],
  ['RAdam (past the rectification threshold)', (m) => new RAdam([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.05, betas: [0.5, 0.6] })],
  ['ASGD averaging from step 3', (m) => new ASGD([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.05, t0: 3 })],
  ['Rprop', (m) => new Rprop([{ params: [m.W] }, { params: [m.b], lr: 0.02 }], { lr: 0.05, etas: [0.4, 1.3] })],
];

describe('resume: 5 steps + checkpoint + fresh model/optimizer + 5 steps == 10 steps, bit for bit', () => {
  it.each(configs)('%s', (_name, make) => {
    const straight = makeModel(1);
    train(straight, make(straight), 10);

    const first = makeModel(1);
    const opt1 = make(first);
    train(first, opt1, 5);
    const ckpt = throughCheckpoint({ W: first.W.detach(), b: first.b.detach(), optimizer: opt1.stateDict() });
    train(first, opt1, 1); // later steps must not change the saved copy

    const fresh = makeModel(7); // different initial weights
    noGrad(() => {
      fresh.W.copy_(ckpt.W);
      fresh.b.copy_(ckpt.b);
    });
    const opt2 = make(fresh);
    opt2.paramGroups[0].lr = 123; // the loaded groups' options must win
    opt2.loadStateDict(ckpt.optimizer);
    train(fresh, opt2, 5);

    expect(values(fresh.W)).toEqual(values(straight.W));
    expect(values(fresh.b)).toEqual(values(straight.b));
  });

  it('also with a scheduler saved beside the optimizer (SGD + StepLR)', () => {
    const run = (m: Model) => {
      const opt = new SGD([m.W, m.b], { lr: 0.05, momentum: 0.9 });
      return { opt, sched: new StepLR(opt, { stepSize: 3, gamma: 0.5 }) };
    };
    const straight = makeModel(2);
    const s = run(straight);
    train(straight, s.opt, 10, s.sched);

    const first = makeModel(2);
    const a = run(first);
    train(first, a.opt, 5, a.sched);
    const ckpt = throughCheckpoint({ W: first.W.detach(), b: first.b.detach(), optimizer: a.opt.stateDict(), scheduler: a.sched.stateDict() });

    const fresh = makeModel(3);
    noGrad(() => { fresh.W.copy_(ckpt.W); fresh.b.copy_(ckpt.b); });
    const b = run(fresh);
    b.opt.loadStateDict(ckpt.optimizer);
    b.sched.loadStateDict(ckpt.scheduler);
    train(fresh, b.opt, 5, b.sched);
    expect(values(fresh.W)).toEqual(values(straight.W));
    expect(b.opt.paramGroups[0].lr).toBe(s.opt.paramGroups[0].lr);
  });

  it('float32 models resume exactly too', () => {
    const make = (m: Model) => new Adam([m.W, m.b], { lr: 0.05, amsgrad: true });
    const straight = makeModel(4, 'float32');
    train(straight, make(straight), 10);
    const first = makeModel(4, 'float32');
    const opt1 = make(first);
    train(first, opt1, 5);
    const ckpt = throughCheckpoint({ W: first.W.detach(), b: first.b.detach(), optimizer: opt1.stateDict() });
    const fresh = makeModel(5, 'float32');
    noGrad(() => { fresh.W.copy_(ckpt.W); fresh.b.copy_(ckpt.b); });
    const opt2 = make(fresh);
    opt2.loadStateDict(ckpt.optimizer);
    expect((opt2.state.get(fresh.W)!.expAvg as Tensor).dtype).toBe('float32');
    train(fresh, opt2, 5);
    expect(values(fresh.W)).toEqual(values(straight.W));
  });
});

describe('stateDict layout', () => {
  it('is PyTorch\'s: state keyed by parameter index in group order, groups list indices and every option', () => {
    const a = param([1, 2]), b = param([3]), c = param([4]);
    const opt = new Adam([{ params: [a, b] }, { params: [c], lr: 0.5 }], { lr: 0.1 });
    setGrad(a, [1, 1]);
    setGrad(c, [1]); // b has no grad: no state
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '2']);
    expect(Object.keys(sd.state[0]).sort()).toEqual(['expAvg', 'expAvgSq', 'step']);
    expect(sd.state[0].step).toBe(1);
    expect(sd.paramGroups).toEqual([
      { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, params: [0, 1] },
      { lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, params: [2] },
    ]);
  });

  it('holds copies: later steps and edits to the optimizer do not change it', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    setGrad(p, [1]);
    opt.step();
    const sd = opt.stateDict();
    const buf = sd.state[0].momentumBuffer as Tensor;
    expect(buf).not.toBe(opt.state.get(p)!.momentumBuffer);
    opt.step();
    opt.paramGroups[0].lr = 5;
    expect(values(buf)).toEqual([1]);
    expect(sd.paramGroups[0].lr).toBe(0.1);
  });

  it('is JSON apart from its tensors', () => {
    const p = param([1, 2]);
    const opt = new RMSprop([p], { centered: true, momentum: 0.5 });
    setGrad(p, [1, 1]);
    opt.step();
    const text = JSON.stringify(opt.stateDict(), (_k, v: unknown) => (v instanceof Tensor ? 'T' : v));
    expect(JSON.parse(text)).toEqual({
      state: { 0: { step: 1, squareAvg: 'T', momentumBuffer: 'T', gradAvg: 'T' } },
      paramGroups: [{ lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0.5, centered: true, maximize: false, params: [0] }],
    });
  });
});

describe('loadStateDict', () => {
  function adamAfterOneStep(shape = [2]): { opt: Adam; sd: OptimizerStateDict } {
    const p = tensor(new Float64Array(shape.reduce((x, y) => x * y, 1)).fill(1), { requiresGrad: true }).reshape(shape);
    const q = p.detach().requiresGrad_(true);
    const opt = new Adam([q], { lr: 0.1 });
    setGrad(q, new Array(q.numel()).fill(1));
    opt.step();
    return { opt, sd: opt.stateDict() };
  }

  it('checks the number and sizes of groups (PyTorch messages)', () => {
    const { sd } = adamAfterOneStep();
    expect(() => new Adam([{ params: [param([1, 1])] }, { params: [param([1])] }]).loadStateDict(sd))
      .toThrow('Adam.loadStateDict: loaded state dict has a different number of parameter groups (the optimizer has 2, the state dict 1)');
    expect(() => new Adam([param([1, 1]), param([1])]).loadStateDict(sd))
      .toThrow(/loaded state dict contains a parameter group that doesn't match the size of optimizer's group \(group 0: the optimizer has 2 params, the state dict 1\)/);
  });

  it('checks state tensor shapes and unknown parameter indices', () => {
    const { sd } = adamAfterOneStep([2]);
    expect(() => new Adam([param([1, 2, 3])]).loadStateDict(sd)).toThrow('Adam.loadStateDict: state[0].expAvg has shape [2], but its parameter has shape [3]');
    const bad = { ...sd, state: { 5: sd.state[0] } };
    expect(() => new Adam([param([1, 2])]).loadStateDict(bad)).toThrow(/state for parameter index 5, which no saved parameter group lists/);
    expect(() => new Adam([param([1, 2])]).loadStateDict(null as never)).toThrow(/expected \{ state, paramGroups \}, got null/);
  });

  it('casts state to the parameter dtype, accepts a tensor step, and fills options the saved groups lack', () => {
    const { sd } = adamAfterOneStep([2]);
    const p = param([1, 1], 'float32');
    const opt = new Adam([p], { amsgrad: true });
    const { maximize: _m, amsgrad: _a, ...olderGroup } = sd.paramGroups[0];
    opt.loadStateDict({ state: { 0: { ...sd.state[0], step: tensor(1, { dtype: 'float32' }) } }, paramGroups: [olderGroup as never] });
    const s = opt.state.get(p)!;
    expect((s.expAvg as Tensor).dtype).toBe('float32');
    expect(s.step).toBe(1);
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.1, amsgrad: true, maximize: false });
  });

  it('validates the loaded options', () => {
    const { sd } = adamAfterOneStep();
    const broken = { ...sd, paramGroups: [{ ...sd.paramGroups[0], lr: -1 }] };
    expect(() => new Adam([param([1, 1])]).loadStateDict(broken)).toThrow('Adam.loadStateDict (param group 0): Invalid learning rate: -1');
  });
});
