/**
 * float32 meeting float64: PyTorch 1.13 refuses it in matrix products, convolutions, layerNorm and
 * einsum contractions ("expected scalar type Float but found Double") and promotes in elementwise ops.
 * Which is which, and the accepted cases' result dtypes, are PyTorch's own
 * (fixtures/pytorch/mixed-dtype.json, written by fixtures/pytorch/mixed_dtype.py).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import * as c from '@tapegrad/core';
import { Tensor } from '@tapegrad/core';

type Ref = { error: true; message: string } | { error: false; dtype: string };
const REF = JSON.parse(readFileSync(join(__dirname, '../../../../fixtures/pytorch/mixed-dtype.json'), 'utf8')) as Record<string, Ref>;

const D = { dtype: 'float64' as const };
const f = c.ones([2, 3]), d = c.ones([2, 3], D);
const x1 = c.ones([1, 2, 5]), w1 = c.ones([3, 2, 3]);
const x2 = c.ones([1, 2, 5, 5]), w2 = c.ones([3, 2, 3, 3]);
const row = (t: Tensor): Tensor => t.select(0, 0);

// name in the fixture -> [the op our message must name, the call]
const CASES: Record<string, [string, () => Tensor]> = {
  matmul: ['matmul', () => c.matmul(f, d.t())],
  'matmul 1-d': ['matmul', () => c.matmul(row(f), row(d))],
  'matmul matrix-vector': ['matmul', () => c.matmul(f, row(d))],
  'matmul float64 @ float32': ['matmul', () => c.matmul(d, f.t())],
  mm: ['mm', () => c.mm(f, d.t())],
  dot: ['dot', () => c.dot(row(f), row(d))],
  bmm: ['bmm', () => c.bmm(f.unsqueeze(0), d.t().unsqueeze(0))],
  'baddbmm batches': ['baddbmm', () => c.baddbmm(f.narrow(1, 0, 2).unsqueeze(0), f.unsqueeze(0), d.t().narrow(1, 0, 2).unsqueeze(0))],
  'baddbmm input': ['baddbmm', () => c.baddbmm(d.narrow(1, 0, 2).unsqueeze(0), f.unsqueeze(0), f.t().narrow(1, 0, 2).unsqueeze(0))],
  'conv1d weight': ['conv1d', () => c.conv1d(x1, w1.double())],
  'conv1d input': ['conv1d', () => c.conv1d(x1.double(), w1)],
  'conv2d weight': ['conv2d', () => c.conv2d(x2, w2.double())],
  'conv2d bias': ['conv2d', () => c.conv2d(x2, w2, c.ones([3], D))],
  'convTranspose1d weight': ['convTranspose1d', () => c.convTranspose1d(x1, c.ones([2, 3, 3], D))],
  'convTranspose2d weight': ['convTranspose2d', () => c.convTranspose2d(x2, c.ones([2, 3, 3, 3], D))],
  'convTranspose2d bias': ['convTranspose2d', () => c.convTranspose2d(x2, c.ones([2, 3, 3, 3]), c.ones([3], D))],
  'layerNorm weight': ['layerNorm', () => c.layerNorm(f, [3], row(d))],
  'layerNorm bias': ['layerNorm', () => c.layerNorm(f, [3], row(f), row(d))],
  'layerNorm input': ['layerNorm', () => c.layerNorm(d, [3], row(f), row(f))],
  'einsum contraction': ['einsum', () => c.einsum('ij,kj->ik', f, d)],
  'einsum product': ['einsum', () => c.einsum('ij,ij->ij', f, d)],
  'einsum outer': ['einsum', () => c.einsum('ij,jk->ijk', f, d.t())],
  'add promotes': ['add', () => f.add(d)],
  'mul promotes': ['mul', () => f.mul(d)],
  'where promotes': ['where', () => c.where(f.gt(0), f, d)],
  'cat promotes': ['cat', () => c.cat([f, d])],
};

describe('mixed float32/float64 operands, as PyTorch 1.13', () => {
  test.each(Object.keys(CASES))('%s', (name) => {
    const ref = REF[name];
    expect(ref).toBeDefined();
    const [op, call] = CASES[name];
    if (ref.error) {
      // PyTorch: "expected scalar type Float but found Double"; ours names the op and both dtypes.
      expect(call).toThrow(new RegExp(`^${op}: .*float(32|64).*float(32|64)`));
    } else {
      expect(call().dtype).toBe(ref.dtype);
    }
  });

  test('the refused ops still accept one dtype, and gradients keep it', () => {
    const a = c.randn([2, 3], D).requiresGrad_(), b = c.randn([3, 4], D).requiresGrad_();
    const y = c.matmul(a, b);
    y.sum().backward();
    expect([y.dtype, a.grad!.dtype, b.grad!.dtype]).toEqual(['float64', 'float64', 'float64']);
  });

  test('baddbmm casts an input of the other float dtype to the batches\' dtype, gradient in the input\'s dtype', () => {
    const input = c.tensor([[[1, 2]]], D).requiresGrad_();
    const y = c.baddbmm(input, c.ones([1, 1, 3]), c.ones([1, 3, 2]), { beta: 2 });
    expect(y.dtype).toBe('float32');
    expect(y.toArray()).toEqual([[[5, 7]]]);
    y.sum().backward();
    expect(input.grad!.dtype).toBe('float64');
    expect(input.grad!.toArray()).toEqual([[[2, 2]]]);
  });
});
