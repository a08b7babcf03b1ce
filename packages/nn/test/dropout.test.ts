/** Dropout: train zeroes with probability p and scales by 1/(1 − p); eval is the identity; seeded. */
import { ones, manualSeed, Generator, tensor } from '@tapegrad/core';
import { Dropout, Dropout1d, Dropout2d, F, Sequential, Linear } from '@tapegrad/nn';

describe('Dropout', () => {
  it('training: about p of the elements are zero, the rest are scaled by 1/(1 − p)', () => {
    manualSeed(123);
    const d = new Dropout(0.3);
    const y = Array.from(d.call(ones([100, 100])).dataSync());
    const zeros = y.filter((v) => v === 0).length;
    // 10,000 Bernoulli(0.3) draws: sd = √(10⁴·0.21) ≈ 46, so ±200 is > 4 sd.
    expect(Math.abs(zeros - 3000)).toBeLessThan(200);
    const kept = y.filter((v) => v !== 0);
    expect(new Set(kept.map((v) => v.toFixed(5)))).toEqual(new Set([(1 / 0.7).toFixed(5)]));
  });
  it('the gradient is the same mask times 1/(1 − p)', () => {
    const x = ones([50], { requiresGrad: true });
    const y = F.dropout(x, 0.5, true, { generator: new Generator(1) });
    y.sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual(Array.from(y.dataSync()));
  });
  it('eval mode is the identity (the very same tensor)', () => {
    const d = new Dropout(0.5);
    const x = ones([3, 3]);
    d.eval();
    expect(d.call(x)).toBe(x);
    expect(F.dropout(x, 0.5, false)).toBe(x);
  });
  it('model.eval() reaches a Dropout inside a Sequential', () => {
    const m = new Sequential(new Linear(4, 4), new Dropout(0.9));
    m.eval();
    const x = ones([2, 4]);
    expect(Array.from(m.call(x).dataSync())).toEqual(Array.from(m.get<Linear>(0).call(x).dataSync()));
  });
  it('is reproducible from the global seed or a generator', () => {
    manualSeed(7);
    const a = Array.from(new Dropout().call(ones([64])).dataSync());
    manualSeed(7);
    const b = Array.from(new Dropout().call(ones([64])).dataSync());
    expect(a).toEqual(b);
    const c = Array.from(new Dropout(0.5, { generator: new Generator(3) }).call(ones([64])).dataSync());
    const d = Array.from(new Dropout(0.5, { generator: new Generator(3) }).call(ones([64])).dataSync());
    expect(c).toEqual(d);
  });
  it('p = 0 keeps everything, p = 1 zeroes everything; p outside [0, 1] is an error', () => {
    const x = tensor([1.5, 2.5]);
    expect(new Dropout(0).call(x)).toBe(x);
    expect(Array.from(new Dropout(1).call(x).dataSync())).toEqual([0, 0]);
    expect(() => new Dropout(1.5)).toThrow('Dropout: dropout probability has to be between 0 and 1, but got 1.5');
    expect(() => F.dropout(x, -0.1)).toThrow(/dropout probability has to be between 0 and 1, but got -0.1/);
    expect(new Dropout().p).toBe(0.5);
  });
});

describe("Dropout with PyTorch's keyword arguments as options", () => {
  it('new Dropout({ p }) and F.dropout(x, { p, training }) equal the positional forms', () => {
    expect(new Dropout({ p: 0.2 }).p).toBe(0.2);
    expect(new Dropout({}).p).toBe(0.5);
    const a = new Dropout({ p: 0.3, generator: new Generator(7) }).call(ones([40]));
    const b = new Dropout(0.3, { generator: new Generator(7) }).call(ones([40]));
    expect(a.toArray()).toEqual(b.toArray());
    const x = ones([3]);
    expect(F.dropout(x, { p: 0.5, training: false })).toBe(x); // identity in eval, as F.dropout(x, p=0.5, training=False)
    const c = F.dropout(ones([40]), { p: 0.3, generator: new Generator(8) });
    expect(c.toArray()).toEqual(F.dropout(ones([40]), 0.3, true, { generator: new Generator(8) }).toArray());
    expect(() => new Dropout({ prob: 0.2 } as never)).toThrow(/Dropout: unknown option 'prob'.*expected one of p, inplace, generator/);
  });
});

describe('Dropout2d / Dropout1d (channel dropout)', () => {
  it('zeroes whole channels of [N, C, H, W]; the rest scaled by 1/(1 − p); eval is the identity', () => {
    manualSeed(5);
    const d = new Dropout2d(0.5);
    const y = d.call(ones([20, 10, 3, 3]));
    const per = y.reshape([200, 9]);
    const sums = Array.from(per.sum(1).dataSync());
    // every channel is all zeros or all 2s
    expect(new Set(sums)).toEqual(new Set([0, 18]));
    const dropped = sums.filter((v) => v === 0).length;
    expect(Math.abs(dropped - 100)).toBeLessThan(40); // Binomial(200, 0.5): sd ≈ 7
    const z = ones([2, 3, 2, 2]);
    expect(d.eval().call(z)).toBe(z);
  });
  it("3-D input is [N, C, L] (PyTorch 1.13's dropout2d), Dropout1d accepts unbatched [C, L]", () => {
    const y = F.dropout2d(ones([4, 50, 6]), 0.5, true, { generator: new Generator(2) });
    const sums = new Set(Array.from(y.sum(2).dataSync()));
    expect(sums).toEqual(new Set([0, 12]));
    const y1 = new Dropout1d({ p: 0.5, generator: new Generator(3) }).call(ones([40, 5]));
    expect(new Set(Array.from(y1.sum(1).dataSync()))).toEqual(new Set([0, 10]));
    expect(y1.shape).toEqual([40, 5]);
  });
  it('the gradient is the same channel mask; errors', () => {
    const x = ones([2, 4, 3], { requiresGrad: true });
    const y = F.dropout2d(x, { p: 0.5, generator: new Generator(9) });
    y.sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual(Array.from(y.dataSync()));
    expect(() => new Dropout2d(1.5)).toThrow('Dropout2d: dropout probability has to be between 0 and 1, but got 1.5');
    expect(() => F.dropout2d(tensor([1, 2], { dtype: 'float32' }), 0.5)).toThrow('dropout2d: feature dropout needs at least 2 dims [N, C, *], got shape [2]');
    expect(() => F.dropout1d(ones([2, 2, 2, 2]), 0.5)).toThrow('dropout1d: expected a 2-D [C, L] or 3-D [N, C, L] input, got shape [2, 2, 2, 2]');
  });
});
