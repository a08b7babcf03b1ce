/**
 * With PyTorch's generator (core's random.ts), `manualSeed(s)` then a layer's constructor gives torch's
 * parameters for `torch.manual_seed(s)` then the same constructor, bit for bit: the same init functions,
 * drawing in torch's order (MultiheadAttention's out_proj before in_proj_weight, an LSTM's parameters in
 * state-dict order). Embedding's normal_ goes through torch's AVX2 float approximations of log, sin and
 * cos, so it agrees to a few float32 ulps. fixtures/pytorch/random/make.py printed the references.
 */
import * as fs from 'fs';
import * as path from 'path';
import { manualSeed, type Tensor } from '@tapegrad/core';
import * as nn from '../src';

interface ModuleCase { name: string; seed: string; state: Record<string, number[]> }
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../fixtures/pytorch/random/streams.json'), 'utf8')) as { modules: ModuleCase[] };

const make: Record<string, () => nn.Module> = {
  'Linear(5, 3)': () => new nn.Linear(5, 3),
  'Conv2d(2, 3, 3)': () => new nn.Conv2d(2, 3, 3),
  'Conv1d(2, 4, 3, bias=False)': () => new nn.Conv1d(2, 4, 3, { bias: false }),
  'LSTM(4, 3, num_layers=2)': () => new nn.LSTM(4, 3, { numLayers: 2 }),
  'GRU(3, 2, bidirectional=True)': () => new nn.GRU(3, 2, { bidirectional: true }),
  'Embedding(6, 4)': () => new nn.Embedding(6, 4),
  'MultiheadAttention(8, 2)': () => new nn.MultiheadAttention(8, 2),
  'TransformerEncoderLayer(8, 2, 16)': () => new nn.TransformerEncoderLayer(8, 2, 16),
  'Sequential(Linear(4, 8), ReLU, Linear(8, 2))': () => new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2)),
};

test.each(ref.modules.map((c) => [`${c.name}, seed ${c.seed}`, c] as const))('manualSeed then %s: torch\'s parameters', (_label, c) => {
  manualSeed(BigInt(c.seed));
  const sd = make[c.name]().stateDict() as unknown as Record<string, Tensor> | Map<string, Tensor>;
  const entries = sd instanceof Map ? [...sd.entries()] : Object.entries(sd);
  expect(entries.map(([k]) => k)).toEqual(Object.keys(c.state));
  for (const [k, t] of entries) {
    const got = Array.from(t.dataSync() as ArrayLike<number>);
    if (c.name.startsWith('Embedding')) got.forEach((v, i) => expect(Math.abs(v - c.state[k][i])).toBeLessThan(1e-6));
    else expect(got).toEqual(c.state[k]);
  }
});
