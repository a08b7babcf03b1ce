/**
 * compile(fn) against the state a training step lives in (issue 15 §3): modules toggled train()/eval()
 * at any depth, optimizer options written between calls, param groups added, parameters replaced or
 * frozen, grads accumulated across calls, exceptions thrown during a capture or a replay, structured
 * arguments and results, two compiled steps sharing a model, and recycled buffers filled with NaN.
 * Each case runs the same calls eagerly and compiled from the same seed and compares every result,
 * parameter, buffer, grad and the generator's state bit for bit; the stats say whether replays happened.
 */
import { compile, defaultGenerator, defineFunction, grad, manualSeed, noGrad, randn, randint, setDefaultDtype, tensor, Tensor } from '@tapegrad/core';
import type { CompileStats, CompiledFunction, TypedArray } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { functional as F } from '@tapegrad/nn';
import { Adam, AdamW, Adadelta, Adagrad, Adamax, ASGD, LBFGS, NAdam, Optimizer, RAdam, RMSprop, Rprop, SGD } from '@tapegrad/optim';
import { poolGive, poolTake, _setPoolPoison } from '../../../core/src/pool';

type Batch = [Tensor, Tensor];
const bits = (t: Tensor): string => Buffer.from(Float64Array.from(t.dataSync() as ArrayLike<number>).buffer).toString('hex');

/** Parameters, their grads (as the optimizer sees them), buffers and the global generator, as one string. */
function snapshot(m: nn.Module): string {
  const ps = [...m.parameters()];
  const grads = ps.map((p) => { const g = p._peekGrad(); return g === null ? 'none' : bits(g); });
  const bufs = [...m.buffers()].filter((b): b is Tensor => b !== null).map(bits);
  return [...ps.map(bits), ...grads, ...bufs, defaultGenerator.getState().join()].join(' ');
}

function batches(n: number, x: number[], classes: number): Batch[] {
  manualSeed(100);
  return Array.from({ length: n }, () => [randn(x), randint(0, classes, [x[0]], { dtype: 'int32' })]);
}

interface Setup { model: nn.Module; opt: Optimizer; step: (x: Tensor, y: Tensor) => Tensor }

/**
 * Runs `make()`'s step on `data` eagerly, then compiled (with `modules` as opts.modules, or none), both
 * from seed 0, calling `between(setup, i)` after call i; expects the same log and returns the stats.
 */
function eagerEqualsCompiled(make: () => Setup, data: Batch[], between?: (s: Setup, i: number) => void, modules = false): CompileStats {
  const logs: string[][] = [];
  let stats: CompileStats | null = null;
  for (const compiled of [false, true]) {
    manualSeed(0);
    const s = make();
    const c = compiled ? compile(s.step, { modules: modules ? [s.model] : [] }) : null;
    const run = c ?? s.step;
    logs.push(data.map(([x, y], i) => {
      let line: string;
      try { line = bits(run(x, y)); } catch (e) { line = `threw ${(e as Error).message}`; }
      line += ` | ${snapshot(s.model)}`;
      between?.(s, i);
      return line;
    }));
    if (c !== null) stats = c.stats();
  }
  expect(logs[1]).toEqual(logs[0]);
  expect(new Set(logs[0]).size).toBe(logs[0].length); // the run trained
  return stats as CompileStats;
}

const ce = (o: Tensor, y: Tensor): Tensor => F.crossEntropy(o, y);
/** The plain step: zeroGrad, forward, backward, step. */
const plain = (model: nn.Module, opt: Optimizer, loss = ce): Setup => ({
  model, opt, step: (x, y) => { opt.zeroGrad(); const l = loss(model.call(x) as Tensor, y); l.backward(); opt.step(); return l; },
});
const mlp = (): nn.Sequential => new nn.Sequential(new nn.Linear(20, 16), new nn.Tanh(), new nn.Linear(16, 5));
const DATA = batches(10, [8, 20], 5);

describe('compile and the state around a step', () => {
  test('a nested submodule toggled train()/eval(), not passed in opts.modules, traces again', () => {
    const st = eagerEqualsCompiled(() => {
      const model = new nn.Sequential(new nn.Linear(20, 16), new nn.Sequential(new nn.ReLU(), new nn.Dropout(0.5)), new nn.Linear(16, 5));
      return plain(model, new SGD(model.parameters(), { lr: 0.1 }));
    }, DATA, (s, i) => {
      const drop = ((s.model as nn.Sequential).get(1) as nn.Sequential).get(1);
      if (i === 3) drop.eval();
      if (i === 6) drop.train();
    });
    expect(st).toMatchObject({ traces: 3, captures: 3, replays: 4, fallbacks: [] });
  });

  test('a nested submodule toggled with the model in opts.modules: each mode is its own signature, and both replay', () => {
    let inner: nn.Sequential | null = null;
    const st = eagerEqualsCompiled(() => {
      inner = new nn.Sequential(new nn.Linear(16, 16), new nn.Dropout(0.5));
      const model = new nn.Sequential(new nn.Linear(20, 16), inner, new nn.Linear(16, 5));
      return plain(model, new Adam(model.parameters(), { lr: 0.01 }));
    }, DATA, (_s, i) => { (inner as nn.Sequential).get(1).train(i % 4 < 2); }, true);
    expect(st).toMatchObject({ signatures: 2, traces: 2, captures: 2, replays: 6, fallbacks: [] });
  });

  test('lr, weightDecay and momentum written into a param group between calls are read by the replay', () => {
    for (const opt of [(m: nn.Module) => new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }), (m: nn.Module) => new Adam(m.parameters(), { lr: 0.01 })]) {
      const st = eagerEqualsCompiled(() => { const model = mlp(); return plain(model, opt(model)); }, DATA, (s, i) => {
        const g = s.opt.paramGroups[0] as unknown as Record<string, number>;
        g.lr *= 0.7;
        if (i === 4) g.weightDecay = 0.01;
        if (i === 6 && 'momentum' in g) g.momentum = 0.5;
      });
      expect(st).toMatchObject({ traces: 1, captures: 1, replays: 8, fallbacks: [] });
    }
  });

  test('every optimizer\'s compiled step equals its eager step', () => {
    const opts: ((p: Iterable<Tensor>) => Optimizer)[] = [
      (p) => new AdamW(p, { lr: 0.01 }), (p) => new RMSprop(p, { lr: 0.01, momentum: 0.5, centered: true }), (p) => new Adagrad(p, { lr: 0.1 }),
      (p) => new Adadelta(p), (p) => new Adamax(p), (p) => new NAdam(p), (p) => new RAdam(p), (p) => new ASGD(p, { lr: 0.1 }), (p) => new Rprop(p),
      (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }), (p) => new Adam(p, { lr: 0.01, amsgrad: true, weightDecay: 1e-3 }),
    ];
    for (const opt of opts) {
      const st = eagerEqualsCompiled(() => { const model = mlp(); return plain(model, opt(model.parameters())); }, DATA.slice(0, 6));
      expect(st).toMatchObject({ replays: 4, fallbacks: [] });
    }
    // LBFGS reads values in its line search (item()): its step stays eager, with eager mode's results
    const st = eagerEqualsCompiled(() => {
      const model = mlp();
      const opt = new LBFGS(model.parameters(), { lr: 0.5, maxIter: 3 });
      return { model, opt, step: (x, y) => opt.step(() => { opt.zeroGrad(); const l = ce(model.call(x) as Tensor, y); l.backward(); return l; }) as Tensor };
    }, DATA.slice(0, 5));
    expect(st.replays).toBe(0);
    expect(st.fallbacks[0].reason).toMatch(/item/);
  });

  test('a param group added between calls (its parameters\' grads were accumulating unzeroed) is stepped as in eager mode', () => {
    eagerEqualsCompiled(() => {
      const model = mlp();
      return plain(model, new SGD((model.get(0) as nn.Linear).parameters(), { lr: 0.1, momentum: 0.9 }));
    }, DATA, (s, i) => { if (i === 4) s.opt.addParamGroup({ params: [...((s.model as nn.Sequential).get(2) as nn.Linear).parameters()], lr: 0.05 }); });
  });

  test('grads accumulated over calls without zeroGrad, the optimizer stepping outside fn every second or third call', () => {
    const accumulate = (m: nn.Module, opt: Optimizer): Setup => ({ model: m, opt, step: (x, y) => { const l = ce(m.call(x) as Tensor, y); l.backward(); return l; } });
    eagerEqualsCompiled(() => { const m = mlp(); return accumulate(m, new Adam(m.parameters(), { lr: 0.01 })); }, DATA,
      (s, i) => { if (i % 2 === 1) { s.opt.step(); s.opt.zeroGrad(); } });
    eagerEqualsCompiled(() => { const m = mlp(); return accumulate(m, new SGD(m.parameters(), { lr: 0.05 })); }, DATA,
      (s, i) => { if (i % 3 === 2) { s.opt.step(); s.opt.zeroGrad({ setToNone: false }); } });
  });

  test('parameters reloaded, frozen and unfrozen, or scaled in place between calls', () => {
    const st = eagerEqualsCompiled(() => { const model = mlp(); return plain(model, new SGD(model.parameters(), { lr: 0.1, momentum: 0.5 })); }, DATA, (s, i) => {
      const first = (s.model as nn.Sequential).get(0) as nn.Linear;
      if (i === 2) {
        manualSeed(9);
        const sd = s.model.stateDict();
        for (const k of Object.keys(sd)) sd[k] = randn(sd[k].shape).mul(0.1);
        s.model.loadStateDict(sd);
      }
      if (i === 4) first.bias?.requiresGrad_(false);
      if (i === 6) first.bias?.requiresGrad_(true);
      if (i === 7) noGrad(() => first.weight.mul_(0.5));
    });
    expect(st.replays).toBeGreaterThan(0);
  });

  test('BatchNorm running statistics follow every replay; clipGradNorm_ inside fn replays too (its norm is read inside its kernel)', () => {
    const data = batches(10, [4, 2, 6, 6], 3);
    const bn = () => new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(4, 3));
    const st = eagerEqualsCompiled(() => { const m = bn(); return plain(m, new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 })); }, data,
      (s, i) => { if (i === 6) s.model.eval(); });
    expect(st).toMatchObject({ traces: 2, replays: 6, fallbacks: [] });
    const clipped = eagerEqualsCompiled(() => {
      const m = bn();
      const opt = new SGD(m.parameters(), { lr: 0.1 });
      return { model: m, opt, step: (x, y) => { opt.zeroGrad(); const l = ce(m.call(x) as Tensor, y); l.backward(); nn.utils.clipGradNorm_(m.parameters(), 0.5); opt.step(); return l; } };
    }, data);
    expect(clipped).toMatchObject({ replays: 8, fallbacks: [] });
  });

  test('an exception inside a replay\'s kernels (Embedding\'s index check) or thrown by fn during the capture leaves the next call right', () => {
    manualSeed(1);
    const data: Batch[] = Array.from({ length: 10 }, (_, i) => [
      i === 1 || i === 4 || i === 7 ? tensor([[1, 2, 30], [0, 0, 0]], { dtype: 'int32' }) : randint(0, 10, [2, 3], { dtype: 'int32' }),
      randint(0, 3, [2], { dtype: 'int32' }),
    ]);
    const st = eagerEqualsCompiled(() => {
      const m = new nn.Sequential(new nn.Embedding(10, 4), new nn.Flatten(), new nn.Linear(12, 3));
      return plain(m, new Adam(m.parameters(), { lr: 0.01 }));
    }, data);
    // call 1 (the capture) threw, call 2 captured; calls 4 and 7 threw in a replay
    expect(st).toMatchObject({ traces: 1, captures: 2, replays: 6, fallbacks: [] });
    let boom = 1;
    const thrower = eagerEqualsCompiled(() => {
      boom = 1; // the second call throws, after its backward and before its step
      const m = mlp();
      const opt = new SGD(m.parameters(), { lr: 0.1 });
      return { model: m, opt, step: (x, y) => { opt.zeroGrad(); const l = ce(m.call(x) as Tensor, y); l.backward(); if (boom-- === 0) throw new Error('boom'); opt.step(); return l; } };
    }, DATA);
    expect(thrower).toMatchObject({ captures: 1, replays: 7, fallbacks: [] });
  });

  test('structured arguments and results: objects and arrays of tensors and numbers in, objects and tuples out', () => {
    const make = () => {
      manualSeed(0);
      const model = mlp();
      const opt = new SGD(model.parameters(), { lr: 0.1 });
      return { model, step: (b: { x: Tensor; y: Tensor }, extra: [Tensor, number]) => {
        opt.zeroGrad();
        const logits = model.call(b.x.mul(extra[0]).mul(extra[1])) as Tensor;
        const l = ce(logits, b.y);
        l.backward();
        opt.step();
        return { loss: l, parts: [logits, logits.detach().argmax(1)] as const, n: 3, tag: 'step' };
      } };
    };
    const e = make(), c = make();
    const step = compile(c.step);
    const scale = tensor([0.5]);
    for (const [x, y] of DATA) {
      const a = e.step({ x, y }, [scale, 2]), b = step({ x, y }, [scale, 2]);
      expect([bits(b.loss), bits(b.parts[0]), bits(b.parts[1]), b.n, b.tag]).toEqual([bits(a.loss), bits(a.parts[0]), bits(a.parts[1]), 3, 'step']);
    }
    expect(snapshot(c.model)).toBe(snapshot(e.model));
    expect(step.stats()).toMatchObject({ replays: 8, fallbacks: [] });
  });

  test('an LSTM\'s state carried through arguments and results', () => {
    manualSeed(100);
    const seq = Array.from({ length: 8 }, () => [randn([3, 2, 4]), randn([3, 2, 6])] as const);
    const logs: string[][] = [];
    let stats: CompileStats | null = null;
    for (const compiled of [false, true]) {
      manualSeed(0);
      const model = new nn.LSTM(4, 6);
      const opt = new Adam(model.parameters(), { lr: 0.02 });
      const f = (x: Tensor, y: Tensor, hx: [Tensor, Tensor]) => {
        opt.zeroGrad();
        const [out, [h, c]] = model.call(x, hx);
        const l = F.mseLoss(out, y);
        l.backward();
        opt.step();
        return [l, [h.detach(), c.detach()]] as [Tensor, [Tensor, Tensor]];
      };
      const s = compiled ? compile(f) : f;
      let hx: [Tensor, Tensor] = [randn([1, 2, 6]), randn([1, 2, 6])];
      logs.push(seq.map(([x, y]) => { const [l, next] = s(x, y, hx); hx = next; return `${bits(l)} ${bits(hx[0])} ${bits(hx[1])} ${snapshot(model)}`; }));
      if (compiled) stats = (s as CompiledFunction<[Tensor, Tensor, [Tensor, Tensor]], unknown>).stats();
    }
    expect(logs[1]).toEqual(logs[0]);
    expect(stats).toMatchObject({ replays: 6, fallbacks: [] });
  });

  test('a compiled training step and a compiled eval forward alternating on one model (Dropout, BatchNorm)', () => {
    const data = batches(12, [4, 2, 6, 6], 3);
    const logs: string[][] = [];
    const stats: CompileStats[] = [];
    for (const compiled of [false, true]) {
      manualSeed(0);
      const model = new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Dropout(0.3), new nn.Flatten(), new nn.Linear(64, 3));
      const { step } = plain(model, new Adam(model.parameters(), { lr: 0.01 }));
      const evaluate = (x: Tensor) => noGrad(() => model.call(x) as Tensor);
      const T = compiled ? compile(step, { modules: [model] }) : step;
      const E = compiled ? compile(evaluate) : evaluate;
      logs.push(data.map(([x, y], i) => {
        let line = bits(T(x, y));
        if (i % 2 === 1) { model.eval(); line += bits(E(x)); model.train(); }
        return `${line} ${snapshot(model)}`;
      }));
      if (compiled) stats.push((T as CompiledFunction<[Tensor, Tensor], Tensor>).stats(), (E as CompiledFunction<[Tensor], Tensor>).stats());
    }
    expect(logs[1]).toEqual(logs[0]);
    expect(stats[0]).toMatchObject({ replays: 10, fallbacks: [] });
    expect(stats[1]).toMatchObject({ replays: 4, fallbacks: [] });
  });

  test('retainGrad, grad() with and without createGraph, a defineFunction, Module.zeroGrad, zeroGrad outside fn, contiguous views as arguments', () => {
    manualSeed(100);
    const xs = randn([80, 20]), ys = randint(0, 5, [80], { dtype: 'int32' });
    // contiguous views with offsets (the same signature as whole tensors)
    const data: Batch[] = Array.from({ length: 8 }, (_, i) => [xs.narrow(0, i * 8, 8), ys.narrow(0, i * 8, 8)]);
    const sq = defineFunction('sq', { forward(ctx, a) { ctx.saveForBackward(a); return a.mul(a); }, backward(ctx, g) { return [g.mul(ctx.savedTensors[0]).mul(2)]; } });
    const cases: [string, () => Setup, ((s: Setup) => void) | null][] = [
      ['retainGrad', () => { const m = mlp(); const opt = new SGD(m.parameters(), { lr: 0.1 }); return { model: m, opt, step: (x, y) => { opt.zeroGrad(); const h = m.call(x) as Tensor; h.retainGrad(); const l = ce(h, y); l.backward(); opt.step(); return noGrad(() => l.add((h.grad as Tensor).square().sum())); } }; }, null],
      ['grad()', () => { const m = mlp(); const opt = new SGD(m.parameters(), { lr: 0.1 }); return { model: m, opt, step: (x, y) => { const l = ce(m.call(x) as Tensor, y); const gs = grad(l, [...m.parameters()]); noGrad(() => [...m.parameters()].forEach((p, i) => p.sub_((gs[i] as Tensor).mul(0.1)))); return l.detach(); } }; }, null],
      ['gradient penalty (createGraph)', () => { const m = mlp(); const opt = new Adam(m.parameters(), { lr: 0.01 }); return { model: m, opt, step: (x, y) => { opt.zeroGrad(); const l = ce(m.call(x) as Tensor, y); const gs = grad(l, [...m.parameters()], { createGraph: true }); const pen = gs.reduce((a: Tensor, g) => a.add((g as Tensor).square().sum()), l); pen.backward(); opt.step(); return pen; } }; }, null],
      ['defineFunction', () => { const m = mlp(); const opt = new SGD(m.parameters(), { lr: 0.1 }); return { model: m, opt, step: (x, y) => { opt.zeroGrad(); const l = ce(sq(m.call(x) as Tensor), y); l.backward(); opt.step(); return l; } }; }, null],
      ['Module.zeroGrad', () => { const m = mlp(); const opt = new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }); return { model: m, opt, step: (x, y) => { m.zeroGrad(); const l = ce(m.call(x) as Tensor, y); l.backward(); opt.step(); return l; } }; }, null],
      ['zeroGrad outside fn', () => { const m = mlp(); const opt = new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }); return { model: m, opt, step: (x, y) => { const l = ce(m.call(x) as Tensor, y); l.backward(); opt.step(); return l; } }; }, (s) => s.opt.zeroGrad()],
    ];
    for (const [name, make, between] of cases) {
      const st = eagerEqualsCompiled(make, data, between ?? undefined);
      expect([name, st]).toMatchObject([name, { replays: 6, fallbacks: [] }]);
    }
  });

  test('a float64 model (the default dtype float64) replays equal to eager', () => {
    setDefaultDtype('float64');
    try {
      const data = batches(6, [2, 1, 6, 6], 2);
      const st = eagerEqualsCompiled(() => {
        const m = new nn.Sequential(new nn.Conv2d(1, 3, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(48, 2));
        return plain(m, new Adam(m.parameters(), { lr: 0.01 }));
      }, data);
      expect(st).toMatchObject({ replays: 4, fallbacks: [] });
    } finally {
      setDefaultDtype('float32');
    }
  });

  describe('recycled buffers filled with NaN never reach a compiled step', () => {
    /** Takes every array out of the pool, fills it with NaN, and gives it back (as other code writing into what it was handed). */
    const spoilPool = (): void => {
      for (const f32 of [true, false]) {
        for (let n = 64; n < 6000; n++) {
          const taken: TypedArray[] = [];
          for (let a = poolTake(f32, n); a !== undefined; a = poolTake(f32, n)) { a.fill(NaN); taken.push(a); }
          for (const a of taken) poolGive(a);
        }
      }
    };
    test('CNN with Dropout and SGD momentum, the pool spoiled after every call and poisoned on every give', () => {
      _setPoolPoison(true);
      try {
        const data = batches(8, [4, 1, 12, 12], 3);
        const st = eagerEqualsCompiled(() => {
          const m = new nn.Sequential(new nn.Conv2d(1, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.Dropout(0.2), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(288, 3));
          return plain(m, new SGD(m.parameters(), { lr: 0.05, momentum: 0.9 }));
        }, data, () => spoilPool());
        expect(st).toMatchObject({ replays: 6, fallbacks: [] });
      } finally {
        _setPoolPoison(false);
      }
    });
    test('LSTM with Adam, eager work between calls taking and giving poisoned buffers', () => {
      _setPoolPoison(true);
      try {
        manualSeed(100);
        const data: Batch[] = Array.from({ length: 8 }, () => [randn([5, 4, 8]), randn([4, 16])]);
        const st = eagerEqualsCompiled(() => {
          const m = new nn.LSTM(8, 16);
          const opt = new Adam(m.parameters(), { lr: 0.01 });
          return { model: m, opt, step: (x, y) => { opt.zeroGrad(); const [out] = m.call(x); const l = F.mseLoss(out.select(0, -1), y); l.backward(); opt.step(); return l; } };
        }, data, () => { noGrad(() => randn([100, 100]).matmul(randn([100, 100])).relu().sum()); spoilPool(); });
        expect(st).toMatchObject({ replays: 6, fallbacks: [] });
      } finally {
        _setPoolPoison(false);
      }
    });
  });

  describe('a replay\'s check of the watched modules walks each parameter and buffer once', () => {
    /** Counts parameters() and buffers() calls per module. */
    const spy = (ms: Iterable<nn.Module>) => [...ms].map((m) => [jest.spyOn(m, 'parameters'), jest.spyOn(m, 'buffers')] as const);
    const nested = () => {
      const inner = new nn.Sequential(new nn.Linear(16, 16), new nn.BatchNorm1d(16), new nn.Dropout(0.5));
      const model = new nn.Sequential(new nn.Linear(20, 16), inner, new nn.Linear(16, 5));
      return { model, inner };
    };

    test.each([['without opts.modules', 0], ['with the model in opts.modules', 1], ['with a submodule listed before the model', 2]])('%s: only the outermost module is walked', (_name, kind) => {
      manualSeed(0);
      const { model, inner } = nested();
      const { step } = plain(model, new SGD(model.parameters(), { lr: 0.1 }));
      const c = compile(step, { modules: kind === 0 ? [] : kind === 1 ? [model] : [inner.get(0) as nn.Module, inner, model] });
      c(...DATA[0]); c(...DATA[1]);
      const spies = spy(model.modules());
      for (let i = 2; i < 5; i++) c(...DATA[i]);
      expect(c.stats()).toMatchObject({ captures: 1, replays: 3 });
      const counts = spies.map(([p, b]) => [p.mock.calls.length, b.mock.calls.length]);
      expect(counts[0]).toEqual([3, 3]);
      expect(counts.slice(1).every(([p, b]) => p === 0 && b === 0)).toBe(true);
      spies.forEach(([p, b]) => { p.mockRestore(); b.mockRestore(); });
    });

    test('a nested parameter replaced, or a nested module toggled, is still caught', () => {
      for (const modules of [false, true]) {
        let inner: nn.Sequential | null = null;
        const st = eagerEqualsCompiled(() => {
          const n = nested();
          inner = n.inner;
          return plain(n.model, new Adam(n.model.parameters(), { lr: 0.01 }));
        }, DATA, (s, i) => {
          const lin = (inner as nn.Sequential).get(0) as nn.Linear;
          if (i === 3) { manualSeed(5); lin.weight = new nn.Parameter(randn([16, 16]).mul(0.1)); s.opt.addParamGroup({ params: [lin.weight] }); }
          if (i === 6) (inner as nn.Sequential).get(2).eval();
        }, modules);
        expect(st.captures).toBeGreaterThanOrEqual(3);
      }
    });

    test('a submodule moved out of its ancestor after the capture is watched on its own from the next capture', () => {
      class Holder extends nn.Module {
        constructor(public a: nn.Module, public b: nn.Module) { super(); }
        forward(x: Tensor): Tensor { return x; }
      }
      let head: nn.Linear | null = null;
      const st = eagerEqualsCompiled(() => {
        const body = new nn.Linear(20, 16);
        head = new nn.Linear(16, 5);
        const h = head;
        const holder = new Holder(body, h);
        const opt = new SGD(holder.parameters(), { lr: 0.1 });
        return { model: holder, opt, step: (x, y) => { opt.zeroGrad(); const l = ce(h.call(body.call(x).tanh()), y); l.backward(); opt.step(); return l; } };
      }, DATA, (s, i) => {
        const h = head as nn.Linear;
        if (i === 3) (s.model as Holder).b = new nn.Linear(16, 5); // head leaves the holder; fn still calls it
        if (i === 6) { manualSeed(6); noGrad(() => h.weight.mul_(0)); h.weight = new nn.Parameter(randn([5, 16])); s.opt.addParamGroup({ params: [h.weight], lr: 0.01 }); }
      }, true);
      expect(st.captures).toBeGreaterThanOrEqual(3);
    });
  });
});
