/** nn.Dropout3d / F.dropout3d, nn.AlphaDropout / F.alphaDropout, nn.FeatureAlphaDropout / F.featureAlphaDropout. */
import { tensor, randn, Generator, ones, Tensor } from '@tapegrad/core';
import { Dropout3d, AlphaDropout, FeatureAlphaDropout, F } from '@tapegrad/nn';

const ALPHA = 1.7580993408473766; // PyTorch's −SELU saturation
const affine = (p: number): { a: number; dropped: number; shift: number } => {
  const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
  return { a, dropped: -ALPHA * a * (1 - p), shift: ALPHA * a * p };
};

describe('AlphaDropout', () => {
  test('kept entries become a·x + αap, dropped ones −αa(1 − p), gradient a or 0 (PyTorch\'s _dropout_impl formula)', () => {
    const p = 0.3, { a, dropped, shift } = affine(p);
    const x = randn([4000], { dtype: 'float64', requiresGrad: true });
    const y = new AlphaDropout(p, { generator: new Generator(1) }).call(x);
    y.sum().backward();
    const xs = x.toArray() as number[], ys = y.toArray() as number[], gs = x.grad!.toArray() as number[];
    let nDrop = 0;
    xs.forEach((v, i) => {
      if (gs[i] === 0) {
        nDrop++;
        expect(Math.abs(ys[i] - dropped)).toBeLessThan(1e-12);
      } else {
        expect(Math.abs(gs[i] - a)).toBeLessThan(1e-15);
        expect(Math.abs(ys[i] - (a * v + shift))).toBeLessThan(1e-12);
      }
    });
    expect(Math.abs(nDrop / 4000 - p)).toBeLessThan(0.03);
    // a standard normal input keeps mean 0 and variance 1 (the point of alpha dropout)
    const z = new AlphaDropout(p, { generator: new Generator(2) }).call(randn([100000], { dtype: 'float64', generator: new Generator(3) }));
    expect(Math.abs(z.mean().item())).toBeLessThan(0.02);
    expect(Math.abs(z.std().item() - 1)).toBeLessThan(0.02);
  });
  test('eval, p = 0 and F\'s default training=false are the identity; p = 1 gives zeros; float32; repr', () => {
    const x = randn([3, 4]);
    expect(new AlphaDropout(0.4).eval().call(x)).toBe(x);
    expect(new AlphaDropout(0).call(x)).toBe(x);
    expect(F.alphaDropout(x, 0.4)).toBe(x);
    expect(F.featureAlphaDropout(x, 0.4)).toBe(x);
    expect((F.alphaDropout(x, 1, true).toArray() as number[][]).flat().map(Math.abs)).toEqual(new Array(12).fill(0)); // x·0: PyTorch's signed zeros
    expect(F.alphaDropout(x, { p: 0.5, training: true }).dtype).toBe('float32');
    expect(new AlphaDropout().toString()).toBe('AlphaDropout(p=0.5)');
    expect(new FeatureAlphaDropout(0.2, true).toString()).toBe('FeatureAlphaDropout(p=0.2, inplace=True)');
    const y = tensor([1, 2, 3]);
    expect(new AlphaDropout(0.5, true, { generator: new Generator(0) }).call(y)).toBe(y);
  });
  test('errors', () => {
    expect(() => new AlphaDropout(1.5)).toThrow(/AlphaDropout: dropout probability has to be between 0 and 1, but got 1.5/);
    expect(() => F.alphaDropout(randn([3]), 1.5, true)).toThrow(/alphaDropout: dropout probability/);
    expect(() => F.featureAlphaDropout(randn([3]), 0.5, true)).toThrow(/featureAlphaDropout: Feature dropout requires at least 2 dimensions in the input, got shape \[3\]/);
    expect(() => F.alphaDropout(randn([3]), { q: 1 } as never)).toThrow(/alphaDropout.*q/);
    expect(() => F.alphaDropout(tensor([1], { dtype: 'int32' }), 0.5, true)).toThrow(/floating point/);
  });
});

describe('FeatureAlphaDropout', () => {
  test('one draw per (sample, channel), the same affine map', () => {
    const p = 0.5, { a, dropped, shift } = affine(p);
    const x = randn([8, 6, 3, 2], { dtype: 'float64' });
    const y = new FeatureAlphaDropout(p, { generator: new Generator(4) }).call(x);
    const xs = x.toArray() as number[][][][], ys = y.toArray() as number[][][][];
    let kept = 0;
    for (let n = 0; n < 8; n++) {
      for (let c = 0; c < 6; c++) {
        const isDropped = Math.abs(ys[n][c][0][0] - dropped) < 1e-12 && Math.abs(xs[n][c][0][0] * a + shift - dropped) > 1e-9;
        for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) {
          const want = isDropped ? dropped : a * xs[n][c][i][j] + shift;
          expect(Math.abs(ys[n][c][i][j] - want)).toBeLessThan(1e-12);
        }
        if (!isDropped) kept++;
      }
    }
    expect(kept).toBeGreaterThan(8);
    expect(kept).toBeLessThan(40);
  });
});

describe('Dropout3d', () => {
  const channelsConstant = (y: Tensor, scale: number, lead: number): number => {
    // every channel of ones is all 0 or all `scale`; returns how many were kept
    const v = y.reshape([lead, -1]).toArray() as number[][];
    let kept = 0;
    for (const row of v) {
      expect(row.every((e) => e === row[0])).toBe(true);
      expect([0, scale]).toContain(row[0]);
      if (row[0] !== 0) kept++;
    }
    return kept;
  };
  test('zeroes whole channels of 5-D and unbatched 4-D inputs, survivors × 1/(1 − p)', () => {
    const m = new Dropout3d(0.5, { generator: new Generator(7) });
    const kept = channelsConstant(m.call(ones([4, 10, 2, 2, 3], { dtype: 'float64' })), 2, 40);
    expect(kept).toBeGreaterThan(8);
    expect(kept).toBeLessThan(32);
    const y4 = F.dropout3d(ones([10, 2, 2, 3], { dtype: 'float64' }), { p: 0.25, generator: new Generator(1) });
    expect(y4.shape).toEqual([10, 2, 2, 3]);
    channelsConstant(y4, 4 / 3, 10);
    const x = randn([2, 3, 2, 2, 2]);
    expect(m.eval().call(x)).toBe(x);
    expect(new Dropout3d().toString()).toBe('Dropout3d(p=0.5)');
  });
  test('errors', () => {
    expect(() => F.dropout3d(randn([2, 3, 4]))).toThrow(/dropout3d: expected a 4-D \[C, D, H, W\] or 5-D \[N, C, D, H, W\] input, got shape \[2, 3, 4\]/);
    expect(() => new Dropout3d(-0.1)).toThrow(/Dropout3d: dropout probability has to be between 0 and 1/);
  });
});
