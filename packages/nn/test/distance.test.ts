/** nn.CosineSimilarity and nn.PairwiseDistance against PyTorch 1.13 (fixtures/pytorch/nnmore7.json), defaults and errors. */
import { tensor, randn, gradcheck } from '@tapegrad/core';
import { CosineSimilarity, PairwiseDistance, F } from '@tapegrad/nn';
import { checkCases } from './nnmore7.ref';
import { expectClose } from './helpers';

describe('CosineSimilarity', () => {
  checkCases('CosineSimilarity');
  test('defaults dim 1, eps 1e-8; same as F.cosineSimilarity; no parameters or state', () => {
    const m = new CosineSimilarity();
    expect([m.dim, m.eps]).toEqual([1, 1e-8]);
    expect(Object.keys(m.stateDict())).toEqual([]);
    expect(m.toString()).toBe('CosineSimilarity()');
    const a = randn([3, 4], { dtype: 'float64' }), b = randn([3, 4], { dtype: 'float64' });
    expectClose(new CosineSimilarity({ dim: 0 }).call(a, b), F.cosineSimilarity(a, b, 0).toArray(), 0);
  });
  test('errors: unknown option, non-integer dim, bad dim for the input', () => {
    expect(() => new CosineSimilarity({ dimm: 1 } as never)).toThrow(/CosineSimilarity.*dimm/);
    expect(() => new CosineSimilarity(0.5)).toThrow(/CosineSimilarity: dim must be an integer/);
    expect(() => new CosineSimilarity(2).call(randn([3, 4]), randn([3, 4]))).toThrow(/cosineSimilarity/);
  });
  test('gradcheck in float64', () => {
    const a = randn([3, 4], { dtype: 'float64', requiresGrad: true }), b = randn([3, 4], { dtype: 'float64', requiresGrad: true });
    gradcheck((x, y) => new CosineSimilarity(1).call(x, y), [a, b]);
  });
});

describe('PairwiseDistance', () => {
  checkCases('PairwiseDistance');
  test('defaults p 2, eps 1e-6, keepdim false (PyTorch keeps p as .norm)', () => {
    const m = new PairwiseDistance();
    expect([m.norm, m.eps, m.keepdim]).toEqual([2, 1e-6, false]);
    expect(new PairwiseDistance({ p: 1, keepdim: true }).norm).toBe(1);
    expect(Object.keys(m.stateDict())).toEqual([]);
    expect(m.call(tensor([[0, 0]], { dtype: 'float64' }), tensor([[3, 4]], { dtype: 'float64' })).shape).toEqual([1]);
    expect(new PairwiseDistance(2, 0, true).call(tensor([0, 0]), tensor([3, 4])).toArray()).toEqual([5]);
  });
  test('errors: unknown option, wrongly typed positional', () => {
    expect(() => new PairwiseDistance({ norm: 1 } as never)).toThrow(/PairwiseDistance.*norm/);
    expect(() => new PairwiseDistance('2' as never)).toThrow(/PairwiseDistance/);
    expect(() => new PairwiseDistance().call(randn([3, 4]), randn([2, 4]))).toThrow(/\[3, 4\] and \[2, 4\] cannot be broadcast/);
  });
  test('gradcheck in float64', () => {
    const a = randn([3, 4], { dtype: 'float64', requiresGrad: true }), b = randn([3, 4], { dtype: 'float64', requiresGrad: true });
    gradcheck((x, y) => new PairwiseDistance(3).call(x, y), [a, b]);
  });
});
