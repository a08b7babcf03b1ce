/**
 * compile(fn) and module hyperparameters changed between calls (issue 15 §3: never silently replay the
 * wrong graph). A module's forward reads its JS attributes (Dropout's p, BatchNorm's momentum and eps,
 * LeakyReLU's slope, Dropout's generator, a custom module's tensor attribute) when it runs, which a
 * replay does not; changing or assigning one between calls traces again,
 * so every call is eager mode's bit for bit. (A number in fn's own closure is a constant of the capture:
 * see replay.test.ts.)
 */
import { compile, Generator, manualSeed, randn, randint, Tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { functional as F } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';

const bits = (t: Tensor): string => Buffer.from(Float64Array.from(t.dataSync() as ArrayLike<number>).buffer).toString('hex');

describe('compile: a module attribute changed between calls traces again', () => {
  test.each([
    ['Dropout p', (m: nn.Sequential) => { (m.get(2) as unknown as { p: number }).p = 0; }],
    ['BatchNorm momentum', (m: nn.Sequential) => { (m.get(1) as unknown as { momentum: number }).momentum = 0.5; }],
    ['BatchNorm eps', (m: nn.Sequential) => { (m.get(1) as unknown as { eps: number }).eps = 0.1; }],
    ['LeakyReLU negativeSlope', (m: nn.Sequential) => { (m.get(3) as unknown as { negativeSlope: number }).negativeSlope = 0.5; }],
    ['Dropout generator replaced', (m: nn.Sequential) => { (m.get(2) as unknown as { generator: Generator }).generator = new Generator(7); }],
  ])('%s', (_name, change) => {
    manualSeed(100);
    const data = Array.from({ length: 7 }, () => [randn([8, 20]), randint(0, 5, [8], { dtype: 'int32' })] as [Tensor, Tensor]);
    const logs: string[][] = [];
    let stats = null;
    for (const compiled of [false, true]) {
      manualSeed(0);
      const model = new nn.Sequential(new nn.Linear(20, 16), new nn.BatchNorm1d(16), new nn.Dropout(0.3, { generator: new Generator(5) }), new nn.LeakyReLU(0.1), new nn.Linear(16, 5));
      const opt = new SGD(model.parameters(), { lr: 0.1 });
      const step = (x: Tensor, y: Tensor): Tensor => { opt.zeroGrad(); const l = F.crossEntropy(model.call(x) as Tensor, y); l.backward(); opt.step(); return l; };
      const run = compiled ? compile(step) : step;
      logs.push(data.map(([x, y], i) => {
        const line = [bits(run(x, y)), ...[...model.parameters(), ...model.buffers()].map((t) => bits(t as Tensor))].join(' ');
        if (i === 3) change(model);
        return line;
      }));
      if (compiled) stats = (run as ReturnType<typeof compile>).stats();
    }
    expect(logs[1]).toEqual(logs[0]);
    expect(stats).toMatchObject({ traces: 2, captures: 2, replays: 3, fallbacks: [] });
  });

  test('a plain tensor attribute of a custom module (not a parameter or buffer) assigned anew', () => {
    class Masked extends nn.Module {
      lin = new nn.Linear(6, 4);
      mask = randn([4]).gt(0).float();
      forward(x: Tensor): Tensor { return this.lin.call(x).mul(this.mask); }
    }
    manualSeed(100);
    const data = Array.from({ length: 6 }, () => randn([3, 6]));
    const logs: string[][] = [];
    let stats = null;
    for (const compiled of [false, true]) {
      manualSeed(0);
      const model = new Masked();
      const opt = new SGD(model.parameters(), { lr: 0.1 });
      const step = (x: Tensor): Tensor => { opt.zeroGrad(); const l = model.call(x).square().sum(); l.backward(); opt.step(); return l; };
      const run = compiled ? compile(step) : step;
      logs.push(data.map((x, i) => { const line = [bits(run(x)), ...[...model.parameters()].map(bits)].join(' '); if (i === 3) model.mask = model.mask.mul(0); return line; }));
      if (compiled) stats = (run as ReturnType<typeof compile>).stats();
    }
    expect(logs[1]).toEqual(logs[0]);
    expect(stats).toMatchObject({ traces: 2, fallbacks: [] });
  });
});
