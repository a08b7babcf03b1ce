/**
 * compile(fn) on whole training steps (forward, backward, optimizer step) of nn models: compiled and
 * eager runs from the same seed agree bit for bit over many steps, and the compiler's stats say which
 * calls passed its guards and which fell back (and why).
 */
import { compile, manualSeed, noGrad, randn, randint, tensor, Tensor } from '@tapegrad/core';
import type { CompileStats } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { functional as F } from '@tapegrad/nn';
import { Adam, SGD, Optimizer, StepLR } from '@tapegrad/optim';

type Batch = [Tensor, Tensor];
type LossFn = (out: Tensor, y: Tensor) => Tensor;

interface Run { losses: number[]; params: Float64Array[]; stats: CompileStats | null }

/** `steps` training steps from seed 0, eagerly or through compile; every loss and the final parameters. */
function train(make: () => nn.Module, opt: (m: nn.Module) => Optimizer, loss: LossFn, data: Batch[], compiled: boolean, forward?: (m: nn.Module, x: Tensor) => Tensor): Run {
  manualSeed(0);
  const model = make();
  const o = opt(model);
  const call = forward ?? ((m: nn.Module, x: Tensor) => m.call(x) as Tensor);
  const step = (x: Tensor, y: Tensor): Tensor => {
    o.zeroGrad();
    const l = loss(call(model, x), y);
    l.backward();
    o.step();
    return l;
  };
  const run = compiled ? compile(step, { modules: [model] }) : step;
  const losses = data.map(([x, y]) => run(x, y).item());
  const params = [...model.parameters()].map((p) => Float64Array.from(p.dataSync()));
  return { losses, params, stats: compiled ? (run as ReturnType<typeof compile>).stats() : null };
}

function bitwise(a: Run, b: Run): void {
  expect(a.losses.length).toBe(b.losses.length);
  a.losses.forEach((v, i) => expect(Object.is(v, b.losses[i])).toBe(true));
  expect(a.params.length).toBe(b.params.length);
  a.params.forEach((p, i) => expect(Buffer.from(p.buffer).equals(Buffer.from(b.params[i].buffer))).toBe(true));
  // The run did train (a loss that never moves would make the comparison weak).
  expect(a.losses[a.losses.length - 1]).not.toBe(a.losses[0]);
}

function batches(n: number, x: number[], classes: number | null, yShape: number[] = []): Batch[] {
  manualSeed(100);
  return Array.from({ length: n }, () => [
    randn(x, { dtype: 'float32' }),
    classes === null ? randn(yShape, { dtype: 'float32' }) : randint(0, classes, [x[0]], { dtype: 'int32' }),
  ]);
}

const mlp = () => new nn.Sequential(new nn.Linear(20, 16), new nn.ReLU(), new nn.Linear(16, 5));
const STEPS = 25;

describe('compile on training steps', () => {
  test('MLP, crossEntropy, SGD with momentum: replayed from the third step, equal to eager', () => {
    const data = batches(STEPS, [8, 20], 5);
    const sgd = (m: nn.Module) => new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
    const c = train(mlp, sgd, (o, y) => F.crossEntropy(o, y), data, true);
    bitwise(c, train(mlp, sgd, (o, y) => F.crossEntropy(o, y), data, false));
    expect(c.stats).toMatchObject({ calls: STEPS, traces: 1, captures: 1, replays: STEPS - 2, eager: 0, fallbacks: [] });
  });

  test('crossEntropy checks every replayed batch\'s targets; an ignored target runs that step eagerly', () => {
    manualSeed(0);
    const model = mlp();
    const o = new SGD(model.parameters(), { lr: 0.1 });
    const step = compile((x: Tensor, y: Tensor) => { o.zeroGrad(); const l = F.crossEntropy(model.call(x) as Tensor, y, { ignoreIndex: 4 }); l.backward(); o.step(); return l; }, { modules: [model] });
    const x = randn([3, 20]);
    const y = (v: number[]) => tensor(v, { dtype: 'int32' });
    for (let i = 0; i < 4; i++) step(x, y([0, 1, 2]));
    expect(step.stats()).toMatchObject({ captures: 1, replays: 2, eager: 0 });
    expect(() => step(x, y([0, 7, 2]))).toThrow(/target class index 7.*out of range for 5 classes/);
    const ignored = step(x, y([0, 4, 2]));
    expect(step.stats()).toMatchObject({ replays: 2, eager: 1 });
    expect(Number.isFinite(ignored.item())).toBe(true);
    // Targets from fn's closure (not an argument) are checked on their current values before each replay.
    const target = y([0, 1, 2]);
    const closed = compile((xb: Tensor) => { o.zeroGrad(); const l = F.crossEntropy(model.call(xb) as Tensor, target); l.backward(); o.step(); return l; }, { modules: [model] });
    for (let i = 0; i < 3; i++) closed(x);
    target.copy_(y([0, 9, 2]));
    expect(() => closed(x)).toThrow(/target class index 9/);
    target.copy_(y([1, 1, 1]));
    closed(x);
    expect(closed.stats()).toMatchObject({ captures: 1, replays: 2, fallbacks: [] });
    // A decision on a value the step computed cannot be taken before a replay: that step stays eager.
    const computed = compile((xb: Tensor) => F.crossEntropy(noGrad(() => model.call(xb) as Tensor), noGrad(() => (model.call(xb) as Tensor).argmax(1))));
    for (let i = 0; i < 3; i++) computed(x);
    expect(computed.stats().fallbacks[0].reason).toMatch(/a tensor the step computed/);
  });

  test('MLP, mseLoss, Adam: equal to eager, replayed from the third step; a scheduler stepping between calls is read live', () => {
    const data = batches(STEPS, [8, 20], null, [8, 5]);
    const adam = (m: nn.Module) => new Adam(m.parameters(), { lr: 0.01 });
    const c = train(mlp, adam, (o, y) => F.mseLoss(o, y), data, true);
    bitwise(c, train(mlp, adam, (o, y) => F.mseLoss(o, y), data, false));
    expect(c.stats).toMatchObject({ calls: STEPS, traces: 1, captures: 1, replays: STEPS - 2, eager: 0, fallbacks: [] });
    const run = (compiled: boolean): number[] => {
      manualSeed(0);
      const model = mlp();
      const o = new Adam(model.parameters(), { lr: 0.05 });
      const sched = new StepLR(o, { stepSize: 2, gamma: 0.5 });
      const f = (x: Tensor, y: Tensor) => { o.zeroGrad(); const l = F.mseLoss(model.call(x) as Tensor, y); l.backward(); o.step(); return l; };
      const s = compiled ? compile(f, { modules: [model] }) : f;
      return data.slice(0, 10).map(([x, y]) => { const l = s(x, y).item(); sched.step(); return l; });
    };
    expect(run(true)).toEqual(run(false));
    // stepping the scheduler inside fn is something a replay would not redo
    manualSeed(0);
    const model = mlp();
    const o = new SGD(model.parameters(), { lr: 0.05 });
    const sched = new StepLR(o, { stepSize: 2 });
    const inside = compile((x: Tensor, y: Tensor) => { o.zeroGrad(); const l = F.mseLoss(model.call(x) as Tensor, y); l.backward(); o.step(); sched.step(); return l; }, { modules: [model] });
    data.slice(0, 4).forEach(([x, y]) => inside(x, y));
    expect(inside.stats().fallbacks[0].reason).toMatch(/StepLR\.step inside a compiled step/);
  });

  test('CNN (Conv2d, MaxPool2d), SGD: replayed, equal to eager', () => {
    const data = batches(12, [4, 1, 8, 8], null, [4, 3]);
    const cnn = () => new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(64, 3));
    const sgd = (m: nn.Module) => new SGD(m.parameters(), { lr: 0.05, momentum: 0.5 });
    const c = train(cnn, sgd, (o, y) => F.mseLoss(o, y), data, true);
    bitwise(c, train(cnn, sgd, (o, y) => F.mseLoss(o, y), data, false));
    expect(c.stats).toMatchObject({ traces: 1, captures: 1, replays: 10, fallbacks: [] });
  });

  test('LSTM, Adam: replayed, equal to eager', () => {
    const data = batches(12, [4, 2, 3], null, [2, 5]);
    const lstm = () => new nn.LSTM(3, 5);
    const last = (m: nn.Module, x: Tensor) => (m as nn.LSTM).call(x)[0].select(0, -1);
    const adam = (m: nn.Module) => new Adam(m.parameters(), { lr: 0.02 });
    const c = train(lstm, adam, (o, y) => F.mseLoss(o, y), data, true, last);
    bitwise(c, train(lstm, adam, (o, y) => F.mseLoss(o, y), data, false, last));
    expect(c.stats).toMatchObject({ traces: 1, captures: 1, replays: 10, fallbacks: [] });
  });

  test('GRU (2 layers, bidirectional), Transformer encoder layer (dropout), BatchNorm CNN, Embedding + LayerNorm: replayed, equal to eager', () => {
    const cases: [string, () => nn.Module, (m: nn.Module) => Optimizer, LossFn, Batch[], ((m: nn.Module, x: Tensor) => Tensor) | undefined][] = [
      ['gru', () => new nn.GRU(3, 5, { numLayers: 2, bidirectional: true }), (m) => new SGD(m.parameters(), { lr: 0.05 }), (o, y) => F.mseLoss(o, y),
        batches(10, [4, 2, 3], null, [2, 10]), (m, x) => (m as nn.GRU).call(x)[0].select(0, -1)],
      ['transformer', () => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.1 }), (m) => new Adam(m.parameters(), { lr: 0.01 }),
        (o, y) => F.mseLoss(o, y), batches(10, [5, 2, 8], null, [5, 2, 8]), undefined],
      ['batchnorm', () => new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(4, 3)),
        (m) => new SGD(m.parameters(), { lr: 0.05, momentum: 0.9 }), (o, y) => F.crossEntropy(o, y), batches(10, [4, 1, 6, 6], 3), undefined],
    ];
    for (const [name, make, opt, loss, data, fwd] of cases) {
      const c = train(make, opt, loss, data, true, fwd);
      bitwise(c, train(make, opt, loss, data, false, fwd));
      expect([name, c.stats]).toMatchObject([name, { traces: 1, captures: 1, replays: data.length - 2, fallbacks: [] }]);
    }
    // Embedding reads int32 indices: its range check runs inside the kernel, on every replay.
    manualSeed(100);
    const tokens: Batch[] = Array.from({ length: 10 }, () => [randint(0, 10, [4, 3], { dtype: 'int32' }), randint(0, 3, [4], { dtype: 'int32' })]);
    const emb = () => new nn.Sequential(new nn.Embedding(10, 4), new nn.Flatten(), new nn.LayerNorm(12), new nn.Linear(12, 3));
    const adam = (m: nn.Module) => new Adam(m.parameters(), { lr: 0.01 });
    const c = train(emb, adam, (o, y) => F.crossEntropy(o, y), tokens, true);
    bitwise(c, train(emb, adam, (o, y) => F.crossEntropy(o, y), tokens, false));
    expect(c.stats).toMatchObject({ captures: 1, replays: 8, fallbacks: [] });
  });

  test('a parameter replaced between calls captures again; a forward whose graph is backpropagated outside stays eager', () => {
    const data = batches(8, [8, 20], null, [8, 5]);
    const run = (compiled: boolean): number[] => {
      manualSeed(0);
      const model = mlp() as nn.Sequential;
      const f = (x: Tensor, y: Tensor) => {
        const o = new SGD(model.parameters(), { lr: 0.1 });
        o.zeroGrad();
        const l = F.mseLoss(model.call(x) as Tensor, y);
        l.backward();
        o.step();
        return l;
      };
      const s = compiled ? compile(f, { modules: [model] }) : f;
      return data.map(([x, y], i) => {
        if (i === 4) { manualSeed(5); (model.get(2) as nn.Linear).weight = new nn.Parameter(randn([5, 16]).mul(0.1)); }
        return s(x, y).item();
      });
    };
    expect(run(true)).toEqual(run(false));
    // forward only, with grad: the caller backpropagates the result, which needs the tape
    manualSeed(0);
    const model = mlp();
    const fwd = compile((x: Tensor) => model.call(x) as Tensor, { modules: [model] });
    for (const [x] of data.slice(0, 3)) {
      const y = fwd(x);
      y.sum().backward();
    }
    expect(fwd.stats().fallbacks[0].reason).toMatch(/no backward\(\) inside fn used/);
    expect([...model.parameters()].every((p) => p.grad !== null)).toBe(true);
  });

  test('Dropout draws fresh numbers every step, from the same stream as eager; eval() traces again', () => {
    const data = batches(STEPS, [8, 20], null, [8, 5]);
    const drop = () => new nn.Sequential(new nn.Linear(20, 16), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(16, 5));
    const sgd = (m: nn.Module) => new SGD(m.parameters(), { lr: 0.05 });
    const c = train(drop, sgd, (o, y) => F.mseLoss(o, y), data, true);
    bitwise(c, train(drop, sgd, (o, y) => F.mseLoss(o, y), data, false));
    expect(c.stats).toMatchObject({ traces: 1, captures: 1, replays: STEPS - 2, random: 1 });

    manualSeed(0);
    const model = drop();
    const f = compile((x: Tensor) => noGrad(() => model.call(x) as Tensor), { modules: [model] });
    const x = data[0][0];
    const a = f(x), b = f(x);
    expect(Buffer.from(a.dataSync().buffer).equals(Buffer.from(b.dataSync().buffer))).toBe(false);
    model.eval();
    const e1 = f(x), e2 = f(x), e3 = f(x);
    expect(Buffer.from(e1.dataSync().buffer).equals(Buffer.from(e2.dataSync().buffer))).toBe(true);
    expect(Buffer.from(e1.dataSync().buffer).equals(Buffer.from(e3.dataSync().buffer))).toBe(true);
    expect(f.stats()).toMatchObject({ traces: 2, captures: 2, replays: 1 });
  });

  // The review of the replay (issue 15): each of these once replayed wrong values without a fallback.
  describe('state around the step: eager mode\'s results, by replaying or by capturing again', () => {
    /** Runs `make()`'s step eagerly and compiled from the same seed; returns both logs (losses, params, grads). */
    const both = (make: () => { model: nn.Module; step: (x: Tensor, y: Tensor) => Tensor; between?: (i: number) => void }, data: Batch[], modules = true) => {
      const logs: string[][] = [];
      let stats: CompileStats | null = null;
      for (const compiled of [false, true]) {
        manualSeed(0);
        const s = make();
        const run = compiled ? compile(s.step, { modules: modules ? [s.model] : [] }) : s.step;
        logs.push(data.map(([x, y], i) => {
          const l = run(x, y).item();
          const ps = [...s.model.parameters()];
          const line = `${l} ${ps.map((p) => p.dataSync()[0]).join(' ')} ${ps.map((p) => p._peekGrad()?.dataSync()[0] ?? 'null').join(' ')}`;
          s.between?.(i);
          return line;
        }));
        if (compiled) stats = (run as ReturnType<typeof compile>).stats();
      }
      expect(logs[1]).toEqual(logs[0]);
      return stats as unknown as CompileStats;
    };
    const data = batches(8, [8, 20], 5);
    const ce = (o: Tensor, y: Tensor) => F.crossEntropy(o, y);

    test('zeroGrad at the end of fn (the grads are put back for the optimizer, then dropped as eager mode drops them)', () => {
      const st = both(() => {
        const model = mlp(); const o = new SGD(model.parameters(), { lr: 0.1 });
        return { model, step: (x, y) => { const l = ce(model.call(x) as Tensor, y); l.backward(); o.step(); o.zeroGrad(); return l; } };
      }, data);
      expect(st).toMatchObject({ replays: 6, fallbacks: [] });
    });

    test('zeroGrad inside fn drops a grad its backward never reaches (a second head trained elsewhere)', () => {
      both(() => {
        const model = new nn.Sequential(new nn.Linear(20, 5), new nn.Linear(20, 5));
        const o = new SGD(model.parameters(), { lr: 0.1 });
        const head = model.get(1) as nn.Linear;
        return { model, step: (x, y) => { o.zeroGrad(); const l = ce((model.get(0) as nn.Linear).call(x), y); l.backward(); o.step(); return l; },
          between: () => { head.call(data[0][0]).sum().backward(); } };
      }, data);
    });

    test('freezing a layer between calls, and a forward hook registered after the capture', () => {
      both(() => {
        const model = mlp(); const o = new SGD(model.parameters(), { lr: 0.1 });
        return { model, step: (x, y) => { o.zeroGrad(); const l = ce(model.call(x) as Tensor, y); l.backward(); o.step(); return l; },
          between: (i) => { if (i === 3) (model.get(0) as nn.Linear).weight.requiresGrad_(false); } };
      }, data);
      const st = both(() => {
        const model = mlp(); const o = new SGD(model.parameters(), { lr: 0.1 });
        return { model, step: (x, y) => { o.zeroGrad(); const l = ce(model.call(x) as Tensor, y); l.backward(); o.step(); return l; },
          between: (i) => { if (i === 3) (model.get(2) as nn.Linear).registerForwardHook((_m, _i, out) => (out as Tensor).mul(0)); } };
      }, data);
      expect(st.fallbacks[0].reason).toMatch(/forward hooks/);
    });

    test('without opts.modules, the modules a step calls are found: eval() between calls traces again', () => {
      const st = both(() => {
        const model = new nn.Sequential(new nn.Linear(20, 16), new nn.Dropout(0.5), new nn.Linear(16, 5));
        const o = new SGD(model.parameters(), { lr: 0.1 });
        return { model, step: (x, y) => { o.zeroGrad(); const l = ce(model.call(x) as Tensor, y); l.backward(); o.step(); return l; },
          between: (i) => { if (i === 4) model.eval(); } };
      }, data, false);
      expect(st.traces).toBe(2);
    });

    test('grads read through .grad between calls stay the caller\'s: the next call captures fresh ones', () => {
      manualSeed(0);
      const model = mlp(); const o = new SGD(model.parameters(), { lr: 0.1 });
      const step = compile((x: Tensor, y: Tensor) => { o.zeroGrad(); const l = ce(model.call(x) as Tensor, y); l.backward(); o.step(); return l; }, { modules: [model] });
      const held = data.map(([x, y]) => { step(x, y); const g = (model.get(0) as nn.Linear).weight.grad as Tensor; return [g, g.dataSync()[0]] as const; });
      held.forEach(([g, v]) => expect(g.dataSync()[0]).toBe(v));
      expect(new Set(held.map(([g]) => g)).size).toBe(held.length);
    });

    test('writing into a tensor argument in place, or returning a class instance, keeps the step eager', () => {
      const x = tensor([1, 2, 3]);
      const f = compile((t: Tensor) => { noGrad(() => t.mul_(2)); return t.sum(); });
      for (let i = 0; i < 3; i++) f(x);
      expect(x.toArray()).toEqual([8, 16, 24]);
      expect(f.stats().fallbacks[0].reason).toMatch(/writes into a tensor argument in place/);
      class Out { constructor(readonly v: Tensor) {} }
      const g = compile((t: Tensor) => new Out(t.mul(2)));
      const outs = [0, 1, 2, 3].map((i) => g(tensor([i])).v);
      expect(outs.map((o) => o.item())).toEqual([0, 2, 4, 6]);
      expect(g.stats().fallbacks[0].reason).toMatch(/fn returns Out/);
    });
  });
});
