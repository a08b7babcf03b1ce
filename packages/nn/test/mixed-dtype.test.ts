/**
 * nn.functional and modules fed float32 and float64 together: PyTorch 1.13 refuses linear, the norm
 * layers (parameters and running stats included) and every module whose float32 parameters meet a
 * float64 input; losses promote. Which is which comes from PyTorch itself
 * (fixtures/pytorch/mixed-dtype.json, written by fixtures/pytorch/mixed_dtype.py).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, ones, zeros, rand, tensor } from '@tapegrad/core';
import {
  F, Linear, Conv1d, Conv2d, ConvTranspose2d, LayerNorm, BatchNorm1d, GroupNorm, InstanceNorm1d, LSTM, GRU, RNN, Bilinear,
  MultiheadAttention, Embedding, PReLU,
} from '@tapegrad/nn';

type Ref = { error: true; message: string } | { error: false; dtype: string };
const REF = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/mixed-dtype.json'), 'utf8')) as Record<string, Ref>;

const D = { dtype: 'float64' as const };
const f = ones([2, 3]), d = ones([2, 3], D);
const x1 = ones([1, 2, 5]), x2 = ones([1, 2, 5, 5]);
const xb = ones([4, 3]), xg = rand([2, 4, 3]);
const idx = (): Tensor => tensor([0, 1, 2, 0], { dtype: 'int32' });
const first = (r: Tensor | [Tensor, unknown]): Tensor => (Array.isArray(r) ? r[0] : r);

// name in the fixture -> [the op our message must name, the call]
const CASES: Record<string, [string, () => Tensor]> = {
  'linear weight': ['linear', () => F.linear(f, d)],
  'linear bias': ['linear', () => F.linear(f, f, d.select(0, 0).narrow(0, 0, 2))],
  'batchNorm weight': ['batchNorm', () => F.batchNorm(xb, zeros([3]), ones([3]), { weight: ones([3], D), training: true })],
  'batchNorm running stats': ['batchNorm', () => F.batchNorm(xb, zeros([3], D), ones([3], D), { training: true })],
  'batchNorm running stats eval': ['batchNorm', () => F.batchNorm(xb, zeros([3], D), ones([3], D), { training: false })],
  'batchNorm input': ['batchNorm', () => F.batchNorm(xb.double(), zeros([3]), ones([3]), { training: true })],
  'groupNorm weight': ['groupNorm', () => F.groupNorm(xg, 2, { weight: ones([4], D) })],
  'groupNorm input': ['groupNorm', () => F.groupNorm(xg.double(), 2, { weight: ones([4]) })],
  'instanceNorm weight': ['instanceNorm', () => F.instanceNorm(xg, null, null, { weight: ones([4], D), bias: zeros([4]) })],
  'instanceNorm input': ['instanceNorm', () => F.instanceNorm(xg.double(), null, null, { weight: ones([4]), bias: zeros([4]) })],
  'mseLoss promotes': ['mseLoss', () => F.mseLoss(f, d)],
  'crossEntropy class weight': ['crossEntropy', () => F.crossEntropy(xb, idx(), { weight: ones([3], D) })],
  'crossEntropy class weight float64 input': ['crossEntropy', () => F.crossEntropy(xb.double(), idx(), { weight: ones([3]) })],
  'crossEntropy probabilities promote': ['crossEntropy', () => F.crossEntropy(xb, xb.double().softmax(1))],
  'crossEntropy probabilities weight promotes': ['crossEntropy', () => F.crossEntropy(xb, xb.softmax(1), { weight: ones([3], D) })],
  'nllLoss weight': ['nllLoss', () => F.nllLoss(xb, idx(), { weight: ones([3], D) })],
  'binaryCrossEntropy target': ['binaryCrossEntropy', () => F.binaryCrossEntropy(xb.mul(0.5), xb.double().mul(0.5))],
  'binaryCrossEntropy weight': ['binaryCrossEntropy', () => F.binaryCrossEntropy(xb.mul(0.5), xb.mul(0.5), { weight: ones([3], D) })],
  'multiMarginLoss weight': ['multiMarginLoss', () => F.multiMarginLoss(xb, idx(), { weight: ones([3], D) })],
  'nn.Linear': ['linear', () => new Linear(3, 2).forward(d)],
  'nn.Conv1d': ['conv1d', () => new Conv1d(2, 3, 3).forward(x1.double())],
  'nn.Conv2d': ['conv2d', () => new Conv2d(2, 3, 3).forward(x2.double())],
  'nn.ConvTranspose2d': ['convTranspose2d', () => new ConvTranspose2d(2, 3, 3).forward(x2.double())],
  'nn.LayerNorm': ['layerNorm', () => new LayerNorm(3).forward(d)],
  'nn.BatchNorm1d': ['batchNorm', () => new BatchNorm1d(3).forward(xb.double())],
  'nn.BatchNorm1d eval': ['batchNorm', () => new BatchNorm1d(3).eval().forward(xb.double())],
  'nn.GroupNorm': ['groupNorm', () => new GroupNorm(2, 4).forward(xg.double())],
  'nn.InstanceNorm1d affine': ['instanceNorm', () => new InstanceNorm1d(4, { affine: true }).forward(xg.double())],
  'nn.InstanceNorm1d no affine': ['instanceNorm', () => new InstanceNorm1d(4).forward(xg.double())],
  'nn.LSTM': ['LSTM', () => first(new LSTM(3, 2).forward(d.unsqueeze(0)))],
  'nn.GRU': ['GRU', () => first(new GRU(3, 2).forward(d.unsqueeze(0)))],
  'nn.RNN': ['RNN', () => first(new RNN(3, 2).forward(d.unsqueeze(0)))],
  'nn.Bilinear': ['bilinear', () => new Bilinear(3, 3, 2).forward(d, d)],
  'nn.MultiheadAttention': ['linear', () => first(new MultiheadAttention(4, 2).forward(ones([2, 1, 4], D), ones([2, 1, 4], D), ones([2, 1, 4], D)))],
  'bilinear weight': ['bilinear', () => F.bilinear(f, f, ones([2, 3, 3], D))],
  'bilinear input2': ['bilinear', () => F.bilinear(f, d, ones([2, 3, 3]))],
  'prelu weight': ['prelu', () => F.prelu(f, ones([1], D))],
  'nn.PReLU': ['prelu', () => new PReLU().forward(d)],
  'nn.Embedding int input': ['embedding', () => new Embedding(3, 2).forward(tensor([0, 1], { dtype: 'int32' }))],
};

describe('mixed float32/float64 in nn, as PyTorch 1.13', () => {
  test.each(Object.keys(CASES))('%s', (name) => {
    const ref = REF[name];
    expect(ref).toBeDefined();
    const [op, call] = CASES[name];
    if (ref.error) expect(call).toThrow(new RegExp(`^${op}: .*float(32|64).*float(32|64)`));
    else expect(call().dtype).toBe(ref.dtype);
  });

  test('a module converted to the input\'s dtype runs', () => {
    expect(new Linear(3, 2).to('float64').forward(d).dtype).toBe('float64');
    expect(new BatchNorm1d(3).to('float64').forward(xb.double()).dtype).toBe('float64');
  });
});
