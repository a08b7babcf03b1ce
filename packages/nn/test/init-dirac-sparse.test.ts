/** init.dirac_ against PyTorch 1.13 (fixtures/pytorch/nnmore7.json), init.sparse_'s counts and distribution, both inits' errors. */
import { empty, Generator, randn, conv2d } from '@tapegrad/core';
import { init } from '@tapegrad/nn';
import { REF } from './nnmore7.ref';
import { expectClose } from './helpers';

interface DiracCase { shape: number[]; groups: number; w: number[] }
const DIRAC = (REF as unknown as { dirac: DiracCase[] }).dirac;

describe('init.dirac_', () => {
  test.each(DIRAC.map((c) => [`[${c.shape.join(', ')}] groups ${c.groups}`, c] as const))('%s matches PyTorch', (_n, c) => {
    for (const dtype of ['float32', 'float64'] as const) {
      const w = randn(c.shape, { dtype, requiresGrad: true });
      expect(init.dirac_(w, c.groups)).toBe(w);
      expectClose(w, c.w, 0);
      expect(w.grad).toBeNull();
      expectClose(init.dirac_(randn(c.shape, { dtype }), { groups: c.groups }), c.w, 0);
    }
  });
  test('a dirac conv passes its input through', () => {
    const x = randn([2, 3, 5, 5], { dtype: 'float64' });
    const w = init.dirac_(empty([3, 3, 3, 3], { dtype: 'float64' }));
    expectClose(conv2d(x, w, null, { padding: 1 }), x.toArray(), 1e-15);
  });
  test('errors', () => {
    expect(() => init.dirac_(randn([3, 3]))).toThrow(/init.dirac_: Only tensors with 3, 4, or 5 dimensions are supported, got shape \[3, 3\]/);
    expect(() => init.dirac_(randn([3, 2, 3]), 2)).toThrow(/init.dirac_: dim 0 must be divisible by groups, got size 3 and groups 2/);
    expect(() => init.dirac_(randn([4, 2, 3]), 0)).toThrow(/groups must be a positive integer/);
    expect(() => init.dirac_(randn([4, 2, 3]), { group: 2 } as never)).toThrow(/init.dirac_.*group/);
  });
});

describe('init.sparse_', () => {
  test('⌈sparsity·rows⌉ zeros per column, the rest N(0, std²); the generator makes it reproducible', () => {
    const rows = 40, cols = 50;
    const w = init.sparse_(empty([rows, cols], { dtype: 'float64' }), 0.25, 0.5, { generator: new Generator(3) });
    const v = w.toArray() as number[][];
    const nonzero: number[] = [];
    for (let c = 0; c < cols; c++) {
      expect(v.filter((r) => r[c] === 0).length).toBe(10);
      for (let r = 0; r < rows; r++) if (v[r][c] !== 0) nonzero.push(v[r][c]);
    }
    const mean = nonzero.reduce((a, b) => a + b, 0) / nonzero.length;
    const sd = Math.sqrt(nonzero.reduce((a, b) => a + (b - mean) ** 2, 0) / nonzero.length);
    expect(Math.abs(mean)).toBeLessThan(0.05); // 1500 draws: mean's sd ≈ 0.013
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.04);
    const w2 = init.sparse_(empty([rows, cols], { dtype: 'float64' }), { sparsity: 0.25, std: 0.5, generator: new Generator(3) });
    expect(w2.toArray()).toEqual(v);
    // ceil: 0.1 of 15 rows is 2 zeros per column; default std 0.01
    const w3 = init.sparse_(empty([15, 4]), 0.1, undefined, { generator: new Generator(1) }).toArray() as number[][];
    for (let c = 0; c < 4; c++) expect(w3.filter((r) => r[c] === 0).length).toBe(2);
    expect(Math.max(...w3.flat().map(Math.abs))).toBeLessThan(0.06);
  });
  test('errors', () => {
    expect(() => init.sparse_(randn([2, 3, 4]), 0.1)).toThrow(/init.sparse_: Only tensors with 2 dimensions are supported/);
    expect(() => init.sparse_(randn([2, 3]), 1.5)).toThrow(/init.sparse_: sparsity must be a number in \[0, 1\], got 1.5/);
    expect(() => init.sparse_(randn([2, 3]), { sparsity: 0.1, sigma: 1 } as never)).toThrow(/init.sparse_.*sigma/);
    expect(() => init.sparse_(randn([2, 3]), 0.1, 0.01, { gen: 1 } as never)).toThrow(/init.sparse_.*gen/);
  });
});
