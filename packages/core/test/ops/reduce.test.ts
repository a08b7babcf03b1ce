/**
 * Reductions over random shapes and dims (fast-check): values against a naive grouped reference,
 * gradients against finite differences of that reference; plus hand-checked PyTorch behaviours.
 */
import fc from 'fast-check';
import * as core from '@tapegrad/core';
import { Generator, Tensor, tensor } from '@tapegrad/core';
import { shapeWithDimsArb, shapeWithDimArb, shapeArb, numelOf } from '../helpers/shapes';
import { reduceRef, Dense } from '../helpers/reference';
import { expectClose } from '../helpers/approx';

const sumOf = (v: number[]): number => v.reduce((a, b) => a + b, 0);
const meanOf = (v: number[]): number => sumOf(v) / v.length;
const varOf = (c: number) => (v: number[]): number => { const m = meanOf(v); return sumOf(v.map((x) => (x - m) ** 2)) / Math.max(0, v.length - c); };
const lseOf = (v: number[]): number => { const m = Math.max(...v); return m + Math.log(sumOf(v.map((x) => Math.exp(x - m)))); };

interface RedCase {
  name: string;
  /** dims undefined: all dims. */
  op: (x: Tensor, dims: number[] | undefined, keepdim: boolean) => Tensor;
  ref: (vals: number[]) => number;
  singleDim?: boolean;
  needsGroupsOf2?: boolean;
}
const CASES: RedCase[] = [
  { name: 'sum', op: (x, d, k) => x.sum(d, k), ref: sumOf },
  { name: 'mean', op: (x, d, k) => x.mean(d, k), ref: meanOf },
  { name: 'prod', op: (x, d, k) => (d === undefined ? x.prod(null, k) : x.prod(d[0], k)), ref: (v) => v.reduce((a, b) => a * b, 1), singleDim: true },
  { name: 'var (unbiased)', op: (x, d, k) => x.var(d, { keepdim: k }), ref: varOf(1), needsGroupsOf2: true },
  { name: 'var (biased)', op: (x, d, k) => x.var(d, { unbiased: false, keepdim: k }), ref: varOf(0) },
  { name: 'std', op: (x, d, k) => x.std(d, { keepdim: k }), ref: (v) => Math.sqrt(varOf(1)(v)), needsGroupsOf2: true },
  { name: 'logsumexp', op: (x, d, k) => x.logsumexp(d ?? x.shape.map((_, i) => i), k), ref: lseOf },
  { name: 'amax', op: (x, d, k) => x.amax(d, k), ref: (v) => Math.max(...v) },
  { name: 'amin', op: (x, d, k) => x.amin(d, k), ref: (v) => Math.min(...v) },
];

const arb = fc.tuple(shapeWithDimsArb(4, 1, 3), fc.boolean(), fc.integer({ min: 1, max: 2 ** 30 }), fc.boolean());

function setup(shape: number[], dims: number[], single: boolean | undefined, seed: number): { X: Dense; d: number[] | undefined } {
  const g = new Generator(seed);
  const X: Dense = { shape, data: Array.from({ length: numelOf(shape) }, () => g.normal()) };
  let d: number[] | undefined = dims.length === 0 ? undefined : dims;
  if (single && d) d = [d[0]];
  return { X, d };
}
const toTensor = (X: Dense, strided: boolean): Tensor => {
  const t = tensor(Float64Array.from(X.data)).reshape(X.shape);
  if (!strided || X.shape.length < 2) return t;
  const rev = X.shape.map((_, i) => X.shape.length - 1 - i);
  return t.permute(rev).contiguous().permute(rev);
};

describe.each(CASES)('$name over random shapes and dims', ({ op, ref, singleDim, needsGroupsOf2 }) => {
  test('values and shape match the grouped reference', () => {
    fc.assert(fc.property(arb, ([[shape, dims], keepdim, seed, strided]) => {
      const { X, d } = setup(shape, dims, singleDim, seed);
      const out = op(toTensor(X, strided), d, keepdim);
      const r = reduceRef(X, d ?? shape.map((_, i) => i), keepdim, ref);
      expect(out.shape).toEqual(d === undefined && !keepdim ? [] : r.shape);
      expectClose(out, r.data, 1e-10, 1e-10);
    }), { numRuns: 120 });
  });

  test('gradients match finite differences of the reference', () => {
    fc.assert(fc.property(arb, ([[shape, dims], keepdim, seed, strided]) => {
      const { X, d } = setup(shape, dims, singleDim, seed);
      const all = d ?? shape.map((_, i) => i);
      if (needsGroupsOf2 && numelOf(all.map((k) => shape[(k + shape.length) % Math.max(shape.length, 1)] ?? 1)) < 2) return;
      const x = toTensor(X, strided).detach().requiresGrad_(true);
      const out = op(x, d, keepdim);
      const g = new Generator(seed + 1);
      const W = Array.from({ length: out.numel() }, () => g.normal());
      out.mul(tensor(Float64Array.from(W)).reshape(out.shape)).sum().backward();
      const loss = (Y: Dense): number => sumOf(reduceRef(Y, all, keepdim, ref).data.map((v, i) => v * W[i]));
      const eps = 1e-6;
      const numeric = X.data.map((v, i) => {
        const p = { shape, data: X.data.slice() }, m = { shape, data: X.data.slice() };
        p.data[i] = v + eps; m.data[i] = v - eps;
        return (loss(p) - loss(m)) / (2 * eps);
      });
      expect(x.grad!.shape).toEqual(shape);
      expectClose(x.grad!, numeric, 1e-5, 1e-4);
    }), { numRuns: 50 });
  });
});

describe('argmax / argmin / max(dim) over random shapes (ties: first index, as PyTorch)', () => {
  test('argmax and argmin along a dim, and over everything', () => {
    fc.assert(fc.property(shapeWithDimArb(4, 1, 3), fc.integer({ min: 1, max: 2 ** 30 }), fc.boolean(), ([shape, dim], seed, keepdim) => {
      const g = new Generator(seed);
      const X: Dense = { shape, data: Array.from({ length: numelOf(shape) }, () => g.randint(-2, 3)) };
      const x = toTensor(X, true);
      const firstIndex = (better: (a: number, b: number) => boolean) => (v: number[]): number => v.reduce((bi, val, i) => (better(val, v[bi]) ? i : bi), 0);
      const am = x.argmax(dim, keepdim);
      expect(am.dtype).toBe('int32');
      expect(Array.from(am.dataSync())).toEqual(reduceRef(X, [dim], keepdim, firstIndex((a, b) => a > b)).data);
      expect(Array.from(x.argmin(dim, keepdim).dataSync())).toEqual(reduceRef(X, [dim], keepdim, firstIndex((a, b) => a < b)).data);
      expect(x.argmax().item()).toBe(firstIndex((a, b) => a > b)(X.data));
      const mx = x.max(dim, keepdim);
      expect(Array.from(mx.values.dataSync())).toEqual(reduceRef(X, [dim], keepdim, (v) => Math.max(...v)).data);
      expect(Array.from(mx.indices.dataSync())).toEqual(Array.from(am.dataSync()));
    }), { numRuns: 150 });
  });
});

describe('reductions of zero-size tensors (PyTorch identities)', () => {
  test('sum is 0, prod is 1, mean is NaN, over random shapes containing a 0', () => {
    fc.assert(fc.property(shapeArb(3, 0, 2).filter((s) => s.includes(0)), (shape) => {
      const x = core.zeros(shape);
      expect(x.sum().item()).toBe(0);
      expect(x.prod().item()).toBe(1);
      expect(x.mean().item()).toBeNaN();
      const d = shape.indexOf(0);
      const s = x.sum(d);
      expect(s.shape).toEqual(shape.filter((_, i) => i !== d));
      expect(Array.from(s.dataSync()).every((v) => v === 0)).toBe(true);
    }));
  });
  test('amax / argmax / max of an empty tensor throw, naming the op', () => {
    expect(() => core.zeros([0]).amax()).toThrow(/amax/);
    expect(() => core.zeros([0]).argmax()).toThrow(/argmax/);
    expect(() => core.zeros([2, 0]).max(1)).toThrow(/max/);
  });
});

describe('hand-checked values', () => {
  test('sum/mean over dims with keepdim', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' });
    expect(x.sum().item()).toBe(21);
    expect(x.sum(0).toArray()).toEqual([5, 7, 9]);
    expect(x.sum(-1, true).toArray()).toEqual([[6], [15]]);
    expect(x.mean(1).toArray()).toEqual([2, 5]);
    expect(x.sum([0, 1]).item()).toBe(21);
  });

  test('integer and bool sums are int32; mean of int throws', () => {
    expect(tensor([1, 2, 3], { dtype: 'int32' }).sum().dtype).toBe('int32');
    expect(tensor([true, true, false]).sum().item()).toBe(2);
    expect(tensor([true, true, false]).sum().dtype).toBe('int32');
    expect(() => tensor([1, 2], { dtype: 'int32' }).mean()).toThrow(/mean.*int32/);
  });

  test('var/std default to unbiased, as PyTorch', () => {
    // torch.tensor([1.,2.,3.,4.]).var() = 1.6667, .var(unbiased=False) = 1.25, .std() = 1.2910
    const x = tensor([1, 2, 3, 4], { dtype: 'float64' });
    expectClose(x.var(), [5 / 3]);
    expectClose(x.var(null, { unbiased: false }), [1.25]);
    expectClose(x.std(), [Math.sqrt(5 / 3)]);
    expect(tensor([3.5]).var().item()).toBeNaN();
  });

  test('amax/max() share the gradient evenly among ties; max(dim) sends it to the returned index', () => {
    // torch: x=[1.,3.,3.] rg; x.amax().backward() -> [0,.5,.5]; x.max(0).values.backward() -> [0,1,0]
    const x = tensor([1, 3, 3], { dtype: 'float64', requiresGrad: true });
    x.amax().backward();
    expect(x.grad!.toArray()).toEqual([0, 0.5, 0.5]);
    x.grad = null;
    x.max().backward();
    expect(x.grad!.toArray()).toEqual([0, 0.5, 0.5]);
    x.grad = null;
    const m = x.max(0);
    expect(m.indices.item()).toBe(1);
    m.values.backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 0]);
  });

  test('prod gradient with one zero and with two zeros', () => {
    // torch: x=[2.,0.,3.] rg; x.prod().backward() -> [0,6,0];  x=[0.,2.,0.] -> [0,0,0]
    const x = tensor([2, 0, 3], { dtype: 'float64', requiresGrad: true });
    x.prod().backward();
    expect(x.grad!.toArray()).toEqual([0, 6, 0]);
    const y = tensor([0, 2, 0], { dtype: 'float64', requiresGrad: true });
    y.prod().backward();
    expect(y.grad!.toArray()).toEqual([0, 0, 0]);
  });

  test('logsumexp is stable for large values and handles -inf rows', () => {
    expectClose(tensor([1000, 1000], { dtype: 'float64' }).logsumexp(0), [1000 + Math.log(2)]);
    expect(tensor([-Infinity, -Infinity]).logsumexp(0).item()).toBe(-Infinity);
    expect(tensor([Infinity, 1]).logsumexp(0).item()).toBe(Infinity);
  });

  test('all / any', () => {
    expect(tensor([true, true]).all().item()).toBe(1);
    expect(tensor([1, 0]).all().item()).toBe(0);
    expect(tensor([0, 0]).any().item()).toBe(0);
    expect(tensor([0, 2]).any().dtype).toBe('bool');
  });

  test('sumTo undoes broadcasting', () => {
    const g = core.ones([2, 3, 4]);
    expect(core.sumTo(g, [3, 1]).toArray()).toEqual([[8], [8], [8]]);
    expect(core.sumTo(g, []).item()).toBe(24);
    expect(core.sumTo(g, [2, 3, 4])).toBe(g);
  });
});
