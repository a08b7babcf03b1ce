/**
 * The grad_fn a tensor's repr prints is PyTorch 1.13's node name, also where our op is composed of others
 * (t() is a permute here, TBackward0 there): fixtures/pytorch/grad-fn-names.json, written by
 * fixtures/pytorch/grad_fn_names.py with the same calls.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import * as c from '@tapegrad/core';
import { Tensor } from '@tapegrad/core';

const REF = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/grad-fn-names.json'), 'utf8')).core as Record<string, string>;

const x = c.ones([2, 3], { requiresGrad: true }), x3 = c.ones([2, 3, 4], { requiresGrad: true }), v = c.ones([3], { requiresGrad: true });
const cc = c.ones([1, 3], { requiresGrad: true }), x4 = c.ones([1, 1, 3, 4], { requiresGrad: true }), xs = x.mul(1);
const i32 = (a: number[] | number[][]): Tensor => c.tensor(a, { dtype: 'int32' });

const CASES: Record<string, () => Tensor> = {
  t: () => x.t(), 't 1-d': () => v.t(), transpose: () => x.transpose(0, 1), permute: () => x3.permute([2, 0, 1]),
  T: () => x.T, movedim: () => x3.movedim(0, 2), view: () => x.view(3, 2), 'view of a non-leaf': () => xs.view(6),
  reshape: () => x.reshape(3, 2), 'reshape that copies': () => x.t().reshape(6), flatten: () => x3.flatten(),
  unsqueeze: () => x.unsqueeze(0), 'unsqueeze -1': () => x.unsqueeze(-1), squeeze: () => cc.squeeze(),
  'squeeze dim': () => cc.squeeze(0), 'squeeze dim not 1': () => x.squeeze(0), expand: () => cc.expand(4, 3),
  expandAs: () => cc.expandAs(x), narrow: () => x.narrow(1, 0, 2), select: () => x.select(0, 1),
  split: () => x.split(1, 1)[0], 'split sizes': () => x.split([1, 2], 1)[0], chunk: () => x.chunk(3, 1)[0],
  diagonal: () => x.diagonal(), indexSelect: () => x.indexSelect(0, i32([1])),
  gather: () => x.gather(1, i32([[0], [1]])), 'contiguous of t': () => x.t().contiguous(), clone: () => x.clone(),
  flip: () => x.flip([0]), roll: () => x.roll(1, 0), 'roll flat': () => x.roll(1), repeat: () => x.repeat(2, 1),
  stack: () => c.stack([x, x]), 'stack dim 1': () => c.stack([x, x], 1), cat: () => c.cat([x, x]),
  where: () => c.where(x.gt(0), x, x), tril: () => x.tril(), triu: () => x.triu(),
  'matmul 2-d': () => x.matmul(x.t()), 'matmul 3-d': () => x3.matmul(x3.transpose(1, 2)), 'matmul 1-d': () => v.matmul(v),
  'matmul matrix-vector': () => x.matmul(v), 'matmul vector-matrix': () => x.select(0, 0).matmul(x.t()),
  'matmul batch-vector': () => x3.matmul(c.ones([4])),
  mm: () => x.mm(x.t()), bmm: () => x3.bmm(x3.transpose(1, 2)), dot: () => v.dot(v),
  baddbmm: () => c.baddbmm(c.ones([2, 3, 3]), x3, x3.transpose(1, 2)),
  var: () => x.var(), 'var dim': () => x.var(1), std: () => x.std(1), logsumexp: () => x.logsumexp(1),
  square: () => x.square(), 'max dim': () => x.max(1).values, 'min dim': () => x.min(1).values, 'max all': () => x.max(),
  sort: () => x.sort(1).values, topk: () => x.topk(2).values, leakyRelu: () => c.leakyRelu(x), elu: () => c.elu(x),
  gelu: () => c.gelu(x), 'gelu tanh': () => c.gelu(x, 'tanh'),
  linear: () => c.linear(x, x), 'linear bias': () => c.linear(x, x, v.narrow(0, 0, 2)), 'linear 3-d': () => c.linear(x3, c.ones([2, 4])),
  'linear 3-d bias': () => c.linear(x3, c.ones([2, 4]), c.ones([2])),
  conv1d: () => c.conv1d(x3, c.ones([2, 3, 2])), 'conv1d unbatched': () => c.conv1d(x3.select(0, 0), c.ones([2, 3, 2])),
  conv2d: () => c.conv2d(x4, c.ones([1, 1, 2, 2])), convTranspose1d: () => c.convTranspose1d(x3, c.ones([3, 2, 2])),
  pad: () => c.pad(x, [1, 1]), 'pad reflect 1-d': () => c.pad(x3, [1, 1], 'reflect'),
  'pad reflect 2-d': () => c.pad(x4, [1, 1, 1, 1], 'reflect'), 'pad replicate 1-d': () => c.pad(x3, [1, 1], 'replicate'),
  layerNorm: () => c.layerNorm(x, [3]), to: () => x.double(), sum: () => x.sum(), 'sum dim': () => x.sum(1),
};

describe("grad_fn in a tensor's repr, as PyTorch 1.13", () => {
  test('every fixture case is run', () => expect(Object.keys(CASES).sort()).toEqual(Object.keys(REF).sort()));
  test.each(Object.keys(CASES))('%s', (name) => {
    expect(/grad_fn=<(\w+)>/.exec(CASES[name]().toString())?.[1]).toBe(REF[name]);
  });
  test('the name is only printed: the node keeps its op, and a call that returns its input leaves the input\'s node', () => {
    const y = x.t();
    expect(y.gradFn!.op).toBe('permute');
    const z = xs.t().t();
    expect(z.toString()).toMatch(/TBackward0/);
    expect(xs.toString()).toMatch(/MulBackward0/);
  });
});
