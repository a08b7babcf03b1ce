/**
 * The Generator is PyTorch's CPU generator: for the same seed, rand / uniform_ / randint / randperm /
 * bernoulli_ / dropout give torch 1.13's numbers bit for bit, and normal draws (Box–Muller, as ATen) the same
 * numbers up to the last ulp of the log, sin and cos (JS's Math vs glibc; float32 blocks of 16: torch's
 * AVX2 approximations). fixtures/pytorch/random/make.py printed the references.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Generator, manualSeed, ones, arange, rand, randint, randn, randperm, zeros, type Tensor } from '@tapegrad/core';
import { dropout } from '../../nn/src/functional/dropout';

interface Case { name: string; seed: string; values: number[] }
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../fixtures/pytorch/random/streams.json'), 'utf8')) as { generator: Case[]; global: Case[] };

const arr = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);
const exact: Record<string, (g: Generator) => number[]> = {
  'rand float32 20': (g) => arr(rand([20], { generator: g })),
  'rand float64 6': (g) => arr(rand([6], { generator: g, dtype: 'float64' })),
  'randint 0 10 x20': (g) => arr(randint(0, 10, [20], { generator: g })),
  'randint -5 2^33 x5': (g) => arr(randint(-5, 2 ** 33, [5], { generator: g, dtype: 'float64' })),
  'randperm 10': (g) => arr(randperm(10, { generator: g })),
  'randperm 100': (g) => arr(randperm(100, { generator: g })),
  'uniform_ -0.3 0.7 float32 20': (g) => arr(zeros([20]).uniform_(-0.3, 0.7, { generator: g })),
  'uniform_ -0.3 0.7 float64 6': (g) => arr(zeros([6], { dtype: 'float64' }).uniform_(-0.3, 0.7, { generator: g })),
  'bernoulli_ 0.3 float32 20': (g) => arr(zeros([20]).bernoulli_(0.3, { generator: g })),
};
// [draw, relative tolerance]: libm's last ulp (float64), torch's AVX2 float approximations (float32)
const normal: Record<string, [(g: Generator) => number[], number]> = {
  'randn float64 7': [(g) => arr(randn([7], { generator: g, dtype: 'float64' })), 1e-15],
  'randn float64 37': [(g) => arr(randn([37], { generator: g, dtype: 'float64' })), 1e-15],
  'randn float32 7': [(g) => arr(randn([7], { generator: g })), 1e-7],
  'randn float32 37': [(g) => arr(randn([37], { generator: g })), 3e-6],
  'normal_ 2 3 float64 20': [(g) => arr(zeros([20], { dtype: 'float64' }).normal_(2, 3, { generator: g })), 1e-15],
  'normal_ 2 3 float64 5': [(g) => arr(zeros([5], { dtype: 'float64' }).normal_(2, 3, { generator: g })), 1e-15],
  'randn float64 3 then 3': [(g) => [...arr(randn([3], { generator: g, dtype: 'float64' })), ...arr(randn([3], { generator: g, dtype: 'float64' }))], 1e-15],
  'randn float64 3, rand 2, randn 3': [(g) => [...arr(randn([3], { generator: g, dtype: 'float64' })), ...arr(rand([2], { generator: g, dtype: 'float64' })), ...arr(randn([3], { generator: g, dtype: 'float64' }))], 1e-15],
};

describe.each(ref.generator.map((c) => [`${c.name}, seed ${c.seed}`, c] as const))('%s', (_label, c) => {
  const g = new Generator(BigInt(c.seed));
  if (c.name in exact) {
    test('equals torch bit for bit', () => expect(exact[c.name](g)).toEqual(c.values));
  } else {
    test('equals torch to the last ulp or so', () => {
      const [draw, rel] = normal[c.name];
      const got = draw(g);
      expect(got).toHaveLength(c.values.length);
      // absolute floor of rel: values near 0 come from cos/sin near their zeros
      got.forEach((v, i) => expect(Math.abs(v - c.values[i])).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(c.values[i]))));
    });
  }
});

const globalCases: Record<string, () => number[]> = {
  'dropout p0.3 float32 ones 40': () => arr(dropout(ones([40]), 0.3)),
  'dropout p0.1 float32 arange 40': () => arr(dropout(arange(40, { dtype: 'float32' }), 0.1)),
  'dropout p0.5 float64 ones 12': () => arr(dropout(ones([12], { dtype: 'float64' }), 0.5)),
};
test.each(ref.global.filter((c) => c.name in globalCases).map((c) => [`${c.name}, seed ${c.seed}`, c] as const))('after manualSeed: %s equals torch bit for bit', (_label, c) => {
  manualSeed(BigInt(c.seed));
  expect(globalCases[c.name]()).toEqual(c.values);
});

test('new Generator() starts from torch.Generator()\'s default seed', () => {
  expect(new Generator().initialSeed()).toBe(67280421310721);
  expect(arr(rand([3], { generator: new Generator() }))).toEqual(arr(rand([3], { generator: new Generator(67280421310721) })));
});

test('uniform_, normal_ and bernoulli_ name bad arguments', () => {
  expect(() => zeros([2]).uniform_(1, 0)).toThrow('uniform_: expects to return a [from, to) range, but found from=1 > to=0');
  expect(() => zeros([2]).bernoulli_(1.5)).toThrow('bernoulli_: expected 0 <= p <= 1, got 1.5');
  expect(() => zeros([2]).normal_(0, 1, { gen: new Generator(1) } as never)).toThrow(/normal_/);
  expect(() => zeros([2], { dtype: 'int32' }).uniform_(0, 1)).toThrow('uniform_: expected a floating point tensor, got int32');
});
