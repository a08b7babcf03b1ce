/**
 * compile(fn) in a PyTorch-style training loop (issue 15 §3): epochs over a loader whose last batch is
 * smaller (two signatures alternating), an LR scheduler stepping once per epoch outside fn, an eval pass
 * through the same model between epochs, Dropout drawing from an explicit Generator, and zeroGrad with
 * and without setToNone. From one seed, the compiled loop's losses, parameters, grads and both random
 * streams equal eager mode's bit for bit, and both signatures replay.
 */
import { compile, defaultGenerator, Generator, manualSeed, noGrad, randn, randint, Tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { functional as F } from '@tapegrad/nn';
import { Adam, Optimizer, SGD, StepLR } from '@tapegrad/optim';

const bits = (t: Tensor | null): string => (t === null ? 'null' : Buffer.from(Float64Array.from(t.dataSync() as ArrayLike<number>).buffer).toString('hex'));

describe('compile: epochs with a partial last batch, a scheduler and an eval pass', () => {
  test.each([
    ['SGD momentum, setToNone', (p: Iterable<Tensor>) => new SGD(p, { lr: 0.1, momentum: 0.9 }), true],
    ['SGD momentum, zero-filled grads', (p: Iterable<Tensor>) => new SGD(p, { lr: 0.1, momentum: 0.9 }), false],
    ['Adam, setToNone', (p: Iterable<Tensor>) => new Adam(p, { lr: 0.01 }), true],
    ['Adam, zero-filled grads', (p: Iterable<Tensor>) => new Adam(p, { lr: 0.01 }), false],
  ])('%s', (_name, makeOpt: (p: Iterable<Tensor>) => Optimizer, setToNone) => {
    manualSeed(100);
    const loader = [8, 8, 8, 3].map((n) => [randn([n, 20]), randint(0, 5, [n], { dtype: 'int32' })] as [Tensor, Tensor]);
    const logs: string[][] = [];
    let stats = null;
    for (const compiled of [false, true]) {
      manualSeed(0);
      const gen = new Generator(42);
      const model = new nn.Sequential(new nn.Linear(20, 16), new nn.ReLU(), new nn.Dropout(0.3, { generator: gen }), new nn.Linear(16, 5));
      const opt = makeOpt(model.parameters());
      const sched = new StepLR(opt, 2, { gamma: 0.5 });
      const step = (x: Tensor, y: Tensor): Tensor => { opt.zeroGrad({ setToNone }); const l = F.crossEntropy(model.call(x) as Tensor, y); l.backward(); opt.step(); return l; };
      const run = compiled ? compile(step) : step;
      const log: string[] = [];
      for (let epoch = 0; epoch < 4; epoch++) {
        for (const [x, y] of loader) {
          const ps = [...model.parameters()];
          log.push([bits(run(x, y)), ...ps.map(bits), ...ps.map((p) => bits(p._peekGrad())), gen.getState().join(), defaultGenerator.getState().join()].join(' '));
        }
        sched.step();
        model.eval();
        log.push(bits(noGrad(() => model.call(loader[0][0]) as Tensor)));
        model.train();
      }
      logs.push(log);
      if (compiled) stats = (run as ReturnType<typeof compile>).stats();
    }
    expect(logs[1]).toEqual(logs[0]);
    expect(stats).toMatchObject({ signatures: 2, traces: 2, fallbacks: [] });
    expect((stats as unknown as { replays: number }).replays).toBeGreaterThanOrEqual(10);
  });
});
