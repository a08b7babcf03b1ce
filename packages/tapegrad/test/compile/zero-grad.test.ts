/**
 * compile(fn) and the JavaScript around `.grad` that a replay does not run again (issue 15 §3): zeroGrad's
 * loop over the parameters (which it skips when their grad is null, which it zero-fills in place) and the
 * optimizer's parameter groups. A replay must leave every parameter, grad and optimizer state where eager
 * mode does, whatever happens to the grads between calls, or capture again.
 */
import { compile, defaultGenerator, manualSeed, randn, randint, Tensor } from '@tapegrad/core';
import type { CompileStats } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { functional as F } from '@tapegrad/nn';
import { Adam, AdamW, Optimizer, RMSprop, SGD } from '@tapegrad/optim';

type Batch = [Tensor, Tensor];
const bits = (t: Tensor | null): string => (t === null ? 'null' : Buffer.from(Float64Array.from(t.dataSync() as ArrayLike<number>).buffer).toString('hex'));

interface Setup { model: nn.Module; opt: Optimizer; step: (x: Tensor, y: Tensor) => Tensor }

/** Runs `make()`'s step over `data` eagerly, then compiled, from seed 0, calling `between` after call i; the logs must agree bit for bit. */
function eagerEqualsCompiled(make: () => Setup, data: Batch[], between?: (s: Setup, i: number) => void): CompileStats {
  const logs: string[][] = [];
  let stats: CompileStats | null = null;
  for (const compiled of [false, true]) {
    manualSeed(0);
    const s = make();
    const c = compiled ? compile(s.step) : null;
    const run = c ?? s.step;
    logs.push(data.map(([x, y], i) => {
      const ps = [...s.model.parameters()];
      const line = [bits(run(x, y)), ...ps.map(bits), ...ps.map((p) => bits(p._peekGrad())), defaultGenerator.getState().join()].join(' ');
      between?.(s, i);
      return line;
    }));
    if (c !== null) stats = c.stats();
  }
  expect(logs[1]).toEqual(logs[0]);
  expect(new Set(logs[0]).size).toBe(logs[0].length); // every call changed something
  return stats as CompileStats;
}

function batches(n: number): Batch[] {
  manualSeed(100);
  return Array.from({ length: n }, () => [randn([8, 20]), randint(0, 5, [8], { dtype: 'int32' })]);
}
const DATA = batches(12);
const ce = (o: Tensor, y: Tensor): Tensor => F.crossEntropy(o, y);

describe('compile: zeroGrad and parameter groups between calls', () => {
  test.each([['opt.zeroGrad()', false], ['model.zeroGrad()', true]])('%s inside fn clears a grad set outside fn on some calls only (a second head)', (_name, viaModule) => {
    const st = eagerEqualsCompiled(() => {
      const model = new nn.Sequential(new nn.Linear(20, 5), new nn.Linear(20, 5));
      const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      const body = model.get(0) as nn.Linear;
      return { model, opt, step: (x, y) => { if (viaModule) model.zeroGrad(); else opt.zeroGrad(); const l = ce(body.call(x), y); l.backward(); opt.step(); return l; } };
    }, DATA, (s, i) => {
      // the head gets a grad after calls 2, 5, 8: the next call's zeroGrad must drop it before the step
      if (i % 3 === 2) ((s.model as nn.Sequential).get(1) as nn.Linear).call(DATA[0][0]).sum().backward();
    });
    expect(st.replays).toBeGreaterThan(0);
    expect(st.fallbacks).toEqual([]);
  });

  test.each([
    ['SGD with momentum', (p: Iterable<Tensor>) => new SGD(p, { lr: 0.1, momentum: 0.9 })],
    ['Adam', (p: Iterable<Tensor>) => new Adam(p, { lr: 0.01 })],
  ])('a parameter group added between calls is cleared by the step\'s zeroGrad and stepped (%s)', (_name, makeOpt) => {
    const st = eagerEqualsCompiled(() => {
      // no biases: every grad is large enough to be added into in place across calls
      const model = new nn.Sequential(new nn.Linear(20, 16, { bias: false }), new nn.Tanh(), new nn.Linear(16, 5, { bias: false }));
      const opt = makeOpt((model.get(0) as nn.Linear).parameters());
      return { model, opt, step: (x, y) => { opt.zeroGrad(); const l = ce(model.call(x) as Tensor, y); l.backward(); opt.step(); return l; } };
    }, DATA, (s, i) => { if (i === 4) s.opt.addParamGroup({ params: [...((s.model as nn.Sequential).get(2) as nn.Linear).parameters()], lr: 0.05 }); });
    expect(st).toMatchObject({ captures: 2, fallbacks: [] });
  });

  describe('zeroGrad({ setToNone: false }) inside fn (PyTorch 1.13\'s default), with biases', () => {
    const makers: [string, (p: Iterable<Tensor>) => Optimizer][] = [
      ['SGD (momentum, nesterov, weightDecay)', (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-2 })],
      ['Adam (amsgrad)', (p) => new Adam(p, { lr: 0.01, amsgrad: true })],
      ['AdamW', (p) => new AdamW(p, { lr: 0.01 })],
      ['RMSprop (centered, momentum)', (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 })],
    ];
    const data = [...DATA, ...DATA];
    test.each(makers)('the step replays, equal to eager over 24 steps (%s)', (_name, makeOpt) => {
      for (const viaModule of [false, true]) {
        const st = eagerEqualsCompiled(() => {
          const model = new nn.Sequential(new nn.Linear(20, 16), new nn.ReLU(), new nn.Linear(16, 5));
          const opt = makeOpt(model.parameters());
          return { model, opt, step: (x, y) => {
            if (viaModule) model.zeroGrad({ setToNone: false }); else opt.zeroGrad({ setToNone: false });
            const l = ce(model.call(x) as Tensor, y); l.backward(); opt.step(); return l;
          } };
        }, data);
        // before: the 5-element bias grads were never the engine's own, so every capture failed for good
        expect(st.fallbacks).toEqual([]);
        expect(st.replays).toBeGreaterThanOrEqual(20);
      }
    });

    test('a second head whose grad is set outside fn on some calls is zero-filled as in eager mode', () => {
      const st = eagerEqualsCompiled(() => {
        const model = new nn.Sequential(new nn.Linear(20, 5), new nn.Linear(20, 5));
        const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
        const body = model.get(0) as nn.Linear;
        return { model, opt, step: (x, y) => { opt.zeroGrad({ setToNone: false }); const l = ce(body.call(x), y); l.backward(); opt.step(); return l; } };
      }, DATA, (s, i) => { if (i % 3 === 2) ((s.model as nn.Sequential).get(1) as nn.Linear).call(DATA[0][0]).sum().backward(); });
      expect(st.replays).toBeGreaterThan(0);
    });
  });
});
