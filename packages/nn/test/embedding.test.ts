/** Embedding: lookup, gradient accumulation on repeated indices, paddingIdx, N(0, 1) init, errors. */
import { tensor, zeros, arange, manualSeed } from '@tapegrad/core';
import { Embedding, F } from '@tapegrad/nn';
import { REF } from './layers.ref';
import { expectClose } from './helpers';

describe('Embedding', () => {
  it('looks rows up; repeated indices accumulate gradient; the padding row gets none (vs PyTorch)', () => {
    const emb = new Embedding(5, 2, { paddingIdx: 0, dtype: 'float64' });
    emb.weight.data = arange(10, undefined, 1, { dtype: 'float64' }).reshape([5, 2]);
    const idx = tensor([[1, 0, 3], [3, 3, 4]], { dtype: 'int32' });
    const y = emb.call(idx);
    expect(y.shape).toEqual([2, 3, 2]);
    y.backward(arange(12, undefined, 1, { dtype: 'float64' }).reshape([2, 3, 2]));
    expectClose(y, REF.embedding.y, 0);
    expectClose(emb.weight.grad, REF.embedding.gw, 0);
  });
  it('init is N(0, 1) with the padding row zero', () => {
    manualSeed(2);
    const emb = new Embedding(200, 50, { paddingIdx: 3 });
    const w = Array.from(emb.weight.dataSync());
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
    expect(w.slice(150, 200).every((v) => v === 0)).toBe(true);
  });
  it('errors: float indices, out-of-range index, bad paddingIdx', () => {
    const emb = new Embedding(4, 2);
    expect(() => emb.call(zeros([3]))).toThrow(/embedding: expected int32 indices, got float32/);
    expect(() => emb.call(tensor([1, 4], { dtype: 'int32' }))).toThrow('embedding: index 4 is out of range for 4 embeddings (valid 0..3)');
    expect(() => emb.call(tensor([-1], { dtype: 'int32' }))).toThrow(/index -1 is out of range/);
    expect(() => new Embedding(4, 2, { paddingIdx: 4 })).toThrow(/paddingIdx must be within numEmbeddings \(4\), got 4/);
    expect(new Embedding(4, 2, { paddingIdx: -1 }).paddingIdx).toBe(3);
    expect(() => F.embedding(tensor([0], { dtype: 'int32' }), zeros([3]))).toThrow(/weight must be 2-D/);
  });
});

describe("Embedding's third argument", () => {
  it('a number is PyTorch\'s positional padding_idx: new Embedding(4, 2, 0) as nn.Embedding(4, 2, 0)', () => {
    const e = new Embedding(4, 2, 0);
    expect(e.paddingIdx).toBe(0);
    expect(e.weight.select(0, 0).toArray()).toEqual([0, 0]);
    expect(new Embedding(4, 2, -1).paddingIdx).toBe(3);
  });
  it('snake_case keys are errors', () => {
    expect(() => new Embedding(4, 2, { padding_idx: 0 } as never)).toThrow(/Embedding: unknown option 'padding_idx'.*expected one of paddingIdx, maxNorm, normType, dtype, generator/);
  });
});
