/**
 * compile(fn) with the classification losses' general path (issue 15 §3): crossEntropy / nllLoss with a
 * non-default ignoreIndex (padding), class weights or label smoothing take the weighted mean, whose
 * all-ignored case (NaN, zero gradient) is chosen with where() rather than a value read, so these steps
 * replay, equal to eager bit for bit, an all-padding batch included. Batches with and without a padding
 * target take different graphs (the plain path when none is ignored): that is a decision on the targets'
 * values, checked before each replay, not a graph that keeps changing.
 */
import { compile, manualSeed, randn, randint, tensor, Tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { functional as F } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';

const bits = (t: Tensor | null): string => (t === null ? 'null' : Buffer.from(Float64Array.from(t.dataSync() as ArrayLike<number>).buffer).toString('hex'));
const PAD = 0;

describe('compile: crossEntropy and nllLoss beyond the plain case', () => {
  const weight = tensor([0.5, 1, 2, 1, 0.25]);
  test.each([
    ['crossEntropy, ignoreIndex (padding)', (o: Tensor, y: Tensor) => F.crossEntropy(o, y, { ignoreIndex: PAD }), true],
    ['crossEntropy, class weights', (o: Tensor, y: Tensor) => F.crossEntropy(o, y, { weight }), false],
    ['crossEntropy, label smoothing, weights and ignoreIndex', (o: Tensor, y: Tensor) => F.crossEntropy(o, y, { weight, labelSmoothing: 0.1, ignoreIndex: PAD }), true],
    ['nllLoss, weights and ignoreIndex', (o: Tensor, y: Tensor) => F.nllLoss(o.logSoftmax(1), y, { weight, ignoreIndex: PAD }), true],
  ])('%s: replays, equal to eager (a batch of padding only, NaN with zero grads where ignored)', (_name, loss, ignores) => {
    manualSeed(100);
    const data = Array.from({ length: 8 }, (_, i) => [randn([8, 6]), i === 5 ? randint(PAD, PAD + 1, [8], { dtype: 'int32' }) : randint(0, 5, [8], { dtype: 'int32' })] as [Tensor, Tensor]);
    const logs: string[][] = [];
    let stats = null;
    for (const compiled of [false, true]) {
      manualSeed(0);
      const model = new nn.Linear(6, 5);
      const opt = new SGD(model.parameters(), { lr: 0.5 });
      const step = (x: Tensor, y: Tensor): Tensor => { opt.zeroGrad(); const l = loss(model.call(x), y); l.backward(); opt.step(); return l; };
      const run = compiled ? compile(step) : step;
      logs.push(data.map(([x, y]) => [bits(run(x, y)), ...[...model.parameters()].map((p) => `${bits(p)} ${bits(p._peekGrad())}`)].join(' ')));
      if (compiled) stats = (run as ReturnType<typeof compile>).stats();
    }
    expect(logs[1]).toEqual(logs[0]);
    expect(logs[0][5].startsWith(bits(tensor(NaN)))).toBe(ignores);
    expect(stats).toMatchObject({ traces: 1, fallbacks: [] });
    expect((stats as unknown as { replays: number }).replays).toBeGreaterThanOrEqual(5);
  });

  test('binaryCrossEntropy after a sigmoid: replays, equal to eager; an input outside [0, 1] throws on a replay as eagerly', () => {
    manualSeed(100);
    // the sixth call scales the probabilities by 3 (an argument, so the same graph): the range check must throw
    const data = Array.from({ length: 8 }, (_, i) => [randn([8, 6]), randint(0, 2, [8, 1], { dtype: 'int32' }).float(), tensor([i === 5 ? 3 : 1])] as [Tensor, Tensor, Tensor]);
    const logs: string[][] = [];
    let stats = null;
    for (const compiled of [false, true]) {
      manualSeed(0);
      const model = new nn.Linear(6, 1);
      const opt = new SGD(model.parameters(), { lr: 0.5 });
      const step = (x: Tensor, y: Tensor, scale: Tensor): Tensor => { opt.zeroGrad(); const l = F.binaryCrossEntropy(model.call(x).sigmoid().mul(scale), y); l.backward(); opt.step(); return l; };
      const run = compiled ? compile(step) : step;
      logs.push(data.map(([x, y, scale]) => { let out: string; try { out = bits(run(x, y, scale)); } catch (e) { out = `threw ${(e as Error).message}`; } return [out, ...[...model.parameters()].map(bits)].join(' '); }));
      if (compiled) stats = (run as ReturnType<typeof compile>).stats();
    }
    expect(logs[1]).toEqual(logs[0]);
    expect(logs[0][5]).toMatch(/^threw binaryCrossEntropy: all elements of input should be between 0 and 1/);
    expect((stats as unknown as { replays: number }).replays).toBeGreaterThanOrEqual(5);
  });
});
