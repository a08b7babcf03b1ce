/**
 * Data order as torch's: a DataLoader draws torch's per-epoch base seed (an int64 from its generator or
 * the global one, shuffled or not), then RandomSampler's permutation (from its own generator, or from a
 * generator torch seeds from the global stream); randomSplit is torch's randperm. With the same seeds
 * the batches, and every number drawn after them, are torch's. References: fixtures/pytorch/random/make.py.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Generator, arange, manualSeed, rand } from '@tapegrad/core';
import { DataLoader, TensorDataset, randomSplit } from '../src';

interface Case { name: string; seed: string; values: unknown }
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../fixtures/pytorch/random/streams.json'), 'utf8')) as { global: Case[] };
const ds = new TensorDataset(arange(10, { dtype: 'int32' }));
const order = (l: Iterable<unknown>): number[][] => [...l].map((b) => Array.from((b as [{ dataSync(): ArrayLike<number> }])[0].dataSync()));
const runs: Record<string, () => unknown> = {
  'DataLoader shuffle global, 2 epochs': () => {
    const l = new DataLoader(ds, { batchSize: 4, shuffle: true });
    return [order(l), order(l)];
  },
  'DataLoader shuffle generator 5, 2 epochs': () => [order(new DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(5) })), Array.from(rand([2]).dataSync())],
  'DataLoader no shuffle then rand': () => [order(new DataLoader(ds, { batchSize: 4 })), Array.from(rand([2]).dataSync())],
  'random_split 10 [7, 3]': () => randomSplit(ds, [7, 3]).map((s) => Array.from(s.indices)),
};

test.each(ref.global.filter((c) => c.name in runs).map((c) => [`${c.name}, seed ${c.seed}`, c] as const))('%s: torch\'s order', (_label, c) => {
  manualSeed(BigInt(c.seed));
  expect(runs[c.name]()).toEqual(c.values);
});
