import { noGrad } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import * as optim from '@tapegrad/optim';
import { resolveConfig } from '../src/config';
import { makeSplit } from '../src/datasets';
import { buildMlp, buildOptimizer } from '../src/model';
import { Trainer } from '../src/trainer';

describe('makeSplit', () => {
  const config = resolveConfig({ dataset: 'moons', points: 200, testFraction: 0.25, seed: 3 });

  it('holds out testFraction of the points, each point exactly once', () => {
    const d = makeSplit(config);
    expect(d.xTrain.shape).toEqual([150, 2]);
    expect(d.xTest.shape).toEqual([50, 2]);
    expect(d.yTrain.shape).toEqual([150]);
    expect(d.xTrain.dtype).toBe('float32');
    expect(d.yTrain.dtype).toBe('int32');
    expect(d.numClasses).toBe(2);
    // Same seed, same split; the union of train and test is the whole set (as multisets of points).
    const again = makeSplit(config);
    expect(Array.from(again.xTest.dataSync())).toEqual(Array.from(d.xTest.dataSync()));
    const key = (x: ArrayLike<number>, y: ArrayLike<number>, i: number): string => `${x[2 * i]},${x[2 * i + 1]},${y[i]}`;
    const keys = (x: ArrayLike<number>, y: ArrayLike<number>): string[] => Array.from({ length: y.length }, (_, i) => key(x, y, i));
    const split = [...keys(d.xTrain.dataSync(), d.yTrain.dataSync()), ...keys(d.xTest.dataSync(), d.yTest.dataSync())];
    expect(new Set(split).size).toBe(200);
    // Moons put n/2 points in each class.
    const labels = [...Array.from(d.yTrain.dataSync()), ...Array.from(d.yTest.dataSync())];
    expect(labels.filter((v) => v === 1).length).toBe(100);
  });

  it('views a square that contains every point', () => {
    const d = makeSplit(config);
    const xy = [...Array.from(d.xTrain.dataSync()), ...Array.from(d.xTest.dataSync())];
    for (let i = 0; i < xy.length; i += 2) {
      expect(Math.abs(xy[i] - d.center[0])).toBeLessThan(d.extent);
      expect(Math.abs(xy[i + 1] - d.center[1])).toBeLessThan(d.extent);
    }
  });

  it('uses the noise as the cloud std for blobs and as coordinate noise for circles', () => {
    // Circles without noise lie exactly on radius 1 (class 0) and 0.5 (class 1).
    const c = makeSplit(resolveConfig({ dataset: 'circles', noise: 0 }));
    const x = c.xTrain.dataSync(), y = c.yTrain.dataSync();
    for (let i = 0; i < y.length; i++) expect(Math.hypot(x[2 * i], x[2 * i + 1])).toBeCloseTo(y[i] === 0 ? 1 : 0.5, 5);
    // Blobs with std 0 sit exactly on their centres (-1, -1) and (1, 1).
    const b = makeSplit(resolveConfig({ dataset: 'blobs', noise: 0 }));
    const bx = b.xTrain.dataSync(), by = b.yTrain.dataSync();
    for (let i = 0; i < by.length; i++) expect([bx[2 * i], bx[2 * i + 1]]).toEqual(by[i] === 0 ? [-1, -1] : [1, 1]);
  });
});

describe('buildMlp and buildOptimizer', () => {
  it('stacks Linear layers with the activation between them', () => {
    const m = buildMlp([8, 4], 'leaky-relu', 2, 0);
    const kinds = [...m].map((l) => l.constructor.name);
    expect(kinds).toEqual(['Linear', 'LeakyReLU', 'Linear', 'LeakyReLU', 'Linear']);
    expect([...m.parameters()].map((p) => p.shape)).toEqual([[8, 2], [8], [4, 8], [4], [2, 4], [2]]);
    // 8*2+8 + 4*8+4 + 2*4+2
    expect(m.numParameters()).toBe(70);
    expect([...buildMlp([], 'relu', 2, 0)].map((l) => l.constructor.name)).toEqual(['Linear']);
    expect(buildMlp([3], 'sigmoid', 2, 0).get(1)).toBeInstanceOf(nn.Sigmoid);
    expect(buildMlp([3], 'tanh', 2, 0).get(1)).toBeInstanceOf(nn.Tanh);
    expect(buildMlp([3], 'relu', 2, 0).get(1)).toBeInstanceOf(nn.ReLU);
  });

  it('draws the same weights for the same seed, within PyTorch bounds U(-1/sqrt(in), 1/sqrt(in))', () => {
    const a = buildMlp([8], 'tanh', 2, 5), b = buildMlp([8], 'tanh', 2, 5), c = buildMlp([8], 'tanh', 2, 6);
    const w = (m: nn.Sequential): number[] => [...m.parameters()].flatMap((p) => Array.from(p.dataSync()));
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    for (const v of Array.from((a.get(2) as nn.Linear).weight.dataSync())) expect(Math.abs(v)).toBeLessThanOrEqual(1 / Math.sqrt(8));
  });

  it('maps the optimizer names to SGD, SGD with momentum 0.9 and Adam', () => {
    const m = buildMlp([4], 'relu', 2, 0);
    const sgd = buildOptimizer(m, 'sgd', 0.5);
    expect(sgd).toBeInstanceOf(optim.SGD);
    expect(sgd.paramGroups[0]).toMatchObject({ lr: 0.5, momentum: 0 });
    expect(buildOptimizer(m, 'momentum', 0.1).paramGroups[0]).toMatchObject({ lr: 0.1, momentum: 0.9 });
    const adam = buildOptimizer(m, 'adam', 0.03);
    expect(adam).toBeInstanceOf(optim.Adam);
    expect(adam.paramGroups[0]).toMatchObject({ lr: 0.03, betas: [0.9, 0.999] });
    expect(adam.paramGroups[0].params).toHaveLength(4);
  });
});

describe('Trainer', () => {
  it('counts epochs as passes over the training set, with a short last batch', () => {
    // 400 points, 30% test: 280 training points, batches of 32 -> 8 full batches + one of 24.
    const t = new Trainer(resolveConfig({ dataset: 'circles', batchSize: 32 }));
    expect(t.batchSize).toBe(32);
    expect(t.metrics.epoch).toBe(0);
    expect(t.trainSteps(8)).toBe(8);
    expect(t.metrics.epoch).toBe(0);
    const untrained = t.history[0];
    expect(t.history).toHaveLength(1);
    expect(untrained.epoch).toBe(0);
    t.trainSteps(1);
    expect(t.metrics.epoch).toBe(1);
    expect(t.metrics.step).toBe(9);
    expect(t.history).toEqual([untrained, { epoch: 1, trainLoss: t.metrics.trainLoss, testLoss: t.metrics.testLoss }]);
    t.trainSteps(18);
    expect(t.metrics.epoch).toBe(3);
    expect(t.steps).toBe(27);

    const full = new Trainer(resolveConfig({ dataset: 'circles', batchSize: 0 }));
    expect(full.batchSize).toBe(280);
    full.trainSteps(5);
    expect(full.metrics.epoch).toBe(5);
    expect(() => full.trainSteps(-1)).toThrow('Trainer.trainSteps: steps must be a non-negative integer, got -1');
  });

  it('measures loss and accuracy as cross-entropy and the share of argmax hits', () => {
    const t = new Trainer(resolveConfig({ dataset: 'xor', hidden: [4] }));
    t.trainSteps(27); // three epochs of 9 steps: metrics are taken at the end of an epoch
    expect(t.metrics.epoch).toBe(3);
    const { xTest, yTest } = t.data;
    const logits = noGrad(() => t.model.forward(xTest)).dataSync();
    const y = yTest.dataSync();
    let loss = 0, hits = 0;
    for (let i = 0; i < y.length; i++) {
      // Two-class cross-entropy by hand: logsumexp(a, b) - logit of the true class.
      const a = logits[2 * i], b = logits[2 * i + 1], m = Math.max(a, b);
      loss += m + Math.log(Math.exp(a - m) + Math.exp(b - m)) - (y[i] === 0 ? a : b);
      if ((b > a ? 1 : 0) === y[i]) hits++;
    }
    expect(t.metrics.testLoss).toBeCloseTo(loss / y.length, 5);
    expect(t.metrics.testAccuracy).toBe(hits / y.length);
  });

  it('learns circles past 95% test accuracy (the e2e target) and is reproducible by seed', () => {
    const config = resolveConfig({ dataset: 'circles', hidden: [8, 8], activation: 'tanh', optimizer: 'adam' });
    const t = new Trainer(config);
    const start = t.metrics.trainLoss;
    expect(start).toBeGreaterThan(0.5); // near ln 2 untrained
    t.trainSteps(9 * 60);
    expect(t.metrics.testAccuracy).toBeGreaterThan(0.95);
    expect(t.metrics.trainLoss).toBeLessThan(0.1);
    const u = new Trainer(config);
    u.trainSteps(9 * 60);
    expect(u.metrics).toEqual(t.metrics);
  });

  it('cannot separate circles without a hidden layer (a linear boundary)', () => {
    const t = new Trainer(resolveConfig({ dataset: 'circles', hidden: [] }));
    t.trainSteps(9 * 60);
    expect(t.metrics.testAccuracy).toBeLessThan(0.8);
  });

  it('predicts class probabilities on a grid, top row first', () => {
    const t = new Trainer(resolveConfig({ dataset: 'blobs' }));
    t.trainSteps(9 * 20);
    const g = t.predictGrid(5, 4);
    expect(g).toMatchObject({ cols: 5, rows: 4, numClasses: 2 });
    expect(g.probs).toHaveLength(5 * 4 * 2);
    for (let i = 0; i < 20; i++) expect(g.probs[2 * i] + g.probs[2 * i + 1]).toBeCloseTo(1, 5);
    // Blobs: class 0 around (-1, -1) (bottom left), class 1 around (1, 1) (top right).
    const p1 = (r: number, c: number): number => g.probs[2 * (r * 5 + c) + 1];
    expect(p1(0, 4)).toBeGreaterThan(0.9);
    expect(p1(3, 0)).toBeLessThan(0.1);
  });

  it('stops and reports divergence once the loss is not finite', () => {
    const t = new Trainer(resolveConfig({ dataset: 'moons', batchSize: 0 }));
    noGrad(() => (t.model.get(0) as nn.Linear).weight.fill_(NaN));
    expect(t.trainSteps(10)).toBe(1);
    expect(t.diverged).toBe(true);
    expect(Number.isNaN(t.metrics.trainLoss)).toBe(true);
    expect(t.trainSteps(10)).toBe(0);
  });
});
