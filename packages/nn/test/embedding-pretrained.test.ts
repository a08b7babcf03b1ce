// Embedding.fromPretrained, maxNorm renormalisation and Module.addModule's name checks, against
// torch 1.13 (values printed by fixtures/pytorch/audit3_embedding.py).
import { tensor, Tensor } from '@tapegrad/core';
import { Embedding, Module, ReLU, Linear } from '@tapegrad/nn';
import { expectClose } from './helpers';

const idx = (v: number[]): Tensor => tensor(v, { dtype: 'int32' });

describe('Embedding.fromPretrained and maxNorm', () => {
  test('maxNorm rescales the looked-up rows in place (2-norm), freeze: false makes it trainable', () => {
    const e = Embedding.fromPretrained(tensor([[3, 4], [0.3, 0.4], [6, 8]]), { maxNorm: 1, freeze: false });
    const y = e.call(idx([0, 0, 1]));
    expectClose(y, [[0.6, 0.8], [0.6, 0.8], [0.3, 0.4]], 1e-6);
    expectClose(e.weight, [[0.6, 0.8], [0.3, 0.4], [6, 8]], 1e-6); // row 2 was not looked up
    expect(e.weight.requiresGrad).toBe(true);
  });
  test('normType 1; frozen by default; paddingIdx kept but its row not zeroed', () => {
    const e = Embedding.fromPretrained(tensor([[3, 4], [0.3, 0.4], [6, 8]]), { maxNorm: 2, normType: 1 });
    expectClose(e.call(idx([2])), [[0.857142806, 1.142857075]], 1e-6);
    expect(e.weight.requiresGrad).toBe(false);
    expect(e.paddingIdx).toBeNull();
    const p = Embedding.fromPretrained(tensor([[3, 4], [0.3, 0.4]]), { paddingIdx: 0 });
    expect(p.paddingIdx).toBe(0);
    expect(p.weight.toArray()).toEqual([[3, 4], [expect.closeTo(0.3, 6), expect.closeTo(0.4, 6)]]);
    expect([p.numEmbeddings, p.embeddingDim]).toEqual([2, 2]);
  });
  test('the weight shares the given tensor\'s storage; errors', () => {
    const w = tensor([[1, 2], [3, 4]]);
    const e = Embedding.fromPretrained(w);
    w.select(0, 1).fill_(9);
    expect(e.call(idx([1])).toArray()).toEqual([[9, 9]]);
    expect(() => Embedding.fromPretrained(tensor([1, 2, 3]))).toThrow(/expected to be 2-dimensional/);
    expect(() => Embedding.fromPretrained(w, { frezee: true } as never)).toThrow(/freeze/);
    expect(() => new Embedding(3, 2, { maxNorm: -1 })).toThrow(/maxNorm/);
  });
  test('new Embedding with maxNorm (positional, as PyTorch\'s third argument)', () => {
    const e = new Embedding(4, 3, null, 0.5);
    e.call(idx([1, 3]));
    for (const r of [1, 3]) expect(e.weight.select(0, r).pow(2).sum().sqrt().item()).toBeLessThanOrEqual(0.5 + 1e-6);
  });
});

describe('addModule / registerModule names', () => {
  test('a dotted, empty or clashing name is refused, as PyTorch', () => {
    class M extends Module { fc = new Linear(1, 1); forward(x: Tensor): Tensor { return x; } }
    const m = new M();
    expect(() => m.addModule('a.b', new ReLU())).toThrow(/without '\.'/);
    expect(() => m.addModule('', new ReLU())).toThrow(/non-empty/);
    m.registerBuffer('buf', tensor([1]));
    expect(() => m.addModule('buf', new ReLU())).toThrow(/attribute 'buf' already exists/);
    m.addModule('act', new ReLU());
    expect([...m.namedChildren()].map(([k]) => k)).toEqual(['fc', 'act']);
  });
});
