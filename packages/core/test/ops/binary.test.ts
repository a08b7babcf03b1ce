/**
 * Broadcasting binary ops over random shape pairs (fast-check): forward values against a naive index
 * reference, and gradients against finite differences of that reference (each gradient summed back to
 * its input's shape). Operands are sometimes non-contiguous views, to exercise the strided kernels.
 */
import fc from 'fast-check';
import * as core from '@tapegrad/core';
import { Generator, Tensor, tensor } from '@tapegrad/core';
import { broadcastPairArb, numelOf } from '../helpers/shapes';
import { broadcastRef, Dense } from '../helpers/reference';
import { expectClose } from '../helpers/approx';

type Draw = (g: Generator) => number;
const normal: Draw = (g) => g.normal();
const positive: Draw = (g) => 0.5 + Math.abs(g.normal());
const awayFromZero: Draw = (g) => { const v = g.normal(); return Math.sign(v || 1) * (0.5 + Math.abs(v)); };

function dense(shape: number[], g: Generator, draw: Draw): Dense {
  return { shape, data: Array.from({ length: numelOf(shape) }, () => draw(g)) };
}

/** The same values as a float64 leaf, contiguous or as a non-contiguous (double-permuted) view. */
function leaf(d: Dense, strided: boolean, dtype: core.DType = 'float64', requiresGrad = true): Tensor {
  const base = tensor(Float64Array.from(d.data)).reshape(d.shape).to(dtype);
  let t = base;
  if (strided && d.shape.length >= 2) {
    const rev = d.shape.map((_, i) => d.shape.length - 1 - i);
    t = base.permute(rev).contiguous().permute(rev);
    if (d.shape.filter((s) => s > 1).length >= 2) expect(t.isContiguous()).toBe(false);
  }
  return requiresGrad ? t.detach().requiresGrad_(true) : t;
}

interface BinCase {
  name: string;
  op: (a: Tensor, b: Tensor) => Tensor;
  ref: (x: number, y: number) => number;
  draws: [Draw, Draw];
}
const CASES: BinCase[] = [
  { name: 'add', op: core.add, ref: (x, y) => x + y, draws: [normal, normal] },
  { name: 'sub', op: (a, b) => a.sub(b), ref: (x, y) => x - y, draws: [normal, normal] },
  { name: 'mul', op: core.mul, ref: (x, y) => x * y, draws: [normal, normal] },
  { name: 'div', op: core.div, ref: (x, y) => x / y, draws: [normal, awayFromZero] },
  { name: 'pow', op: core.pow, ref: Math.pow, draws: [positive, normal] },
  { name: 'maximum', op: core.maximum, ref: Math.max, draws: [normal, normal] },
  { name: 'minimum', op: (a, b) => a.minimum(b), ref: Math.min, draws: [normal, normal] },
  { name: 'add with alpha 2.5', op: (a, b) => a.add(b, 2.5), ref: (x, y) => x + 2.5 * y, draws: [normal, normal] },
];

const pairWithLayout = fc.tuple(broadcastPairArb(4, 3), fc.integer({ min: 1, max: 2 ** 30 }), fc.boolean(), fc.boolean());

describe.each(CASES)('$name over random broadcasting shape pairs', ({ op, ref, draws }) => {
  test('forward matches the naive reference, with the broadcast shape', () => {
    fc.assert(fc.property(pairWithLayout, ([[sa, sb, so], seed, stA, stB]) => {
      const g = new Generator(seed);
      const A = dense(sa, g, draws[0]), B = dense(sb, g, draws[1]);
      const out = op(leaf(A, stA, 'float64', false), leaf(B, stB, 'float64', false));
      const r = broadcastRef(A, B, ref);
      expect(out.shape).toEqual(so);
      expect(out.dtype).toBe('float64');
      expectClose(out, r.data, 1e-12, 1e-12);
    }), { numRuns: 150 });
  });

  test('gradients match central finite differences and have each input\'s shape', () => {
    fc.assert(fc.property(pairWithLayout, ([[sa, sb], seed, stA, stB]) => {
      const g = new Generator(seed);
      const A = dense(sa, g, draws[0]), B = dense(sb, g, draws[1]);
      const a = leaf(A, stA), b = leaf(B, stB);
      const out = op(a, b);
      const W = dense(out.shape, g, normal);
      out.mul(leaf(W, false, 'float64', false)).sum().backward();
      expect(a.grad!.shape).toEqual(sa);
      expect(b.grad!.shape).toEqual(sb);
      const loss = (x: Dense, y: Dense): number => broadcastRef(x, y, ref).data.reduce((acc, v, i) => acc + v * W.data[i], 0);
      const eps = 1e-6;
      const numeric = (which: 0 | 1): number[] => {
        const src = which === 0 ? A : B;
        return src.data.map((v, i) => {
          const plus = { shape: src.shape, data: src.data.slice() }, minus = { shape: src.shape, data: src.data.slice() };
          plus.data[i] = v + eps;
          minus.data[i] = v - eps;
          const lp = which === 0 ? loss(plus, B) : loss(A, plus);
          const lm = which === 0 ? loss(minus, B) : loss(A, minus);
          return (lp - lm) / (2 * eps);
        });
      };
      expectClose(a.grad!, numeric(0), 1e-5, 1e-5);
      expectClose(b.grad!, numeric(1), 1e-5, 1e-5);
    }), { numRuns: 60 });
  });
});

describe('comparisons and logic over random broadcasting pairs (ties included)', () => {
  const cmp: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => boolean][] = [
    ['eq', core.eq, (x, y) => x === y], ['ne', core.ne, (x, y) => x !== y], ['lt', core.lt, (x, y) => x < y],
    ['le', core.le, (x, y) => x <= y], ['gt', core.gt, (x, y) => x > y], ['ge', core.ge, (x, y) => x >= y],
    ['logicalAnd', core.logicalAnd, (x, y) => !!x && !!y], ['logicalOr', core.logicalOr, (x, y) => !!x || !!y],
  ];
  test.each(cmp)('%s gives bool values equal to the reference', (_n, op, ref) => {
    fc.assert(fc.property(pairWithLayout, ([[sa, sb, so], seed, stA, stB]) => {
      const g = new Generator(seed);
      const small: Draw = (gg) => gg.randint(-1, 2); // -1, 0, 1: plenty of ties and zeros
      const A = dense(sa, g, small), B = dense(sb, g, small);
      const out = op(leaf(A, stA, 'int32', false), leaf(B, stB, 'float32', false));
      expect(out.dtype).toBe('bool');
      expect(out.shape).toEqual(so);
      expect(Array.from(out.dataSync())).toEqual(broadcastRef(A, B, (x, y) => +ref(x, y)).data);
    }), { numRuns: 100 });
  });
});

describe('integer arithmetic over random pairs is exact and keeps int32 (division gives float32)', () => {
  test('add, sub, mul on int32; div on int32 is true division in float32', () => {
    fc.assert(fc.property(pairWithLayout, ([[sa, sb], seed, stA, stB]) => {
      const g = new Generator(seed);
      const ints: Draw = (gg) => gg.randint(-50, 50);
      const nz: Draw = (gg) => { const v = gg.randint(1, 20); return gg.random() < 0.5 ? -v : v; };
      const A = dense(sa, g, ints), B = dense(sb, g, nz);
      const a = leaf(A, stA, 'int32', false), b = leaf(B, stB, 'int32', false);
      for (const [op, f] of [[core.add, (x: number, y: number) => x + y], [core.sub, (x: number, y: number) => x - y], [core.mul, (x: number, y: number) => (x * y) | 0]] as const) {
        const out = op(a, b);
        expect(out.dtype).toBe('int32');
        expect(Array.from(out.dataSync())).toEqual(broadcastRef(A, B, f).data);
      }
      const q = core.div(a, b);
      expect(q.dtype).toBe('float32');
      expectClose(q, broadcastRef(A, B, (x, y) => Math.fround(x / y)).data, 0, 0);
    }), { numRuns: 100 });
  });
});

describe('hand-checked values', () => {
  test('maximum/minimum split the gradient evenly on ties (PyTorch)', () => {
    // torch: a=[1,2,3], b=[1,0,5] (requires_grad); torch.maximum(a,b).sum().backward()
    // -> a.grad=[0.5,1,0], b.grad=[0.5,0,1]; minimum -> a.grad=[0.5,0,1], b.grad=[0.5,1,0]
    const a = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true }), b = tensor([1, 0, 5], { dtype: 'float64', requiresGrad: true });
    core.maximum(a, b).sum().backward();
    expect(a.grad!.toArray()).toEqual([0.5, 1, 0]);
    expect(b.grad!.toArray()).toEqual([0.5, 0, 1]);
    a.grad = null; b.grad = null;
    core.minimum(a, b).sum().backward();
    expect(a.grad!.toArray()).toEqual([0.5, 0, 1]);
    expect(b.grad!.toArray()).toEqual([0.5, 1, 0]);
  });

  test('maximum/minimum propagate NaN', () => {
    const r = core.maximum(tensor([NaN, 1]), tensor([0, NaN]));
    expect(r.toArray()).toEqual([NaN, NaN]);
    expect(core.minimum(tensor([NaN, 1]), tensor([0, 2])).toArray()).toEqual([NaN, 1]);
  });

  test('pow with a tensor exponent: d/de = x^e·ln x, and 0 where x = 0 and e >= 0 (PyTorch)', () => {
    // torch: x=[0.,2.], e=[2.,3.] requires_grad; (x**e).sum().backward() -> x.grad=[0,12], e.grad=[0, 8 ln 2]
    const x = tensor([0, 2], { dtype: 'float64', requiresGrad: true }), e = tensor([2, 3], { dtype: 'float64', requiresGrad: true });
    x.pow(e).sum().backward();
    expectClose(x.grad!, [0, 12]);
    expectClose(e.grad!, [0, 8 * Math.log(2)]);
  });

  test('pow with a number exponent and a number base', () => {
    expectClose(tensor([1, 2, 3], { dtype: 'float64' }).pow(2), [1, 4, 9]);
    expectClose(core.pow(2, tensor([0, 1, 3], { dtype: 'float64' })), [1, 2, 8]);
    expect(tensor([4, 9], { dtype: 'int32' }).pow(0.5).dtype).toBe('float32');
    expect(tensor([2, 3], { dtype: 'int32' }).pow(2).toArray()).toEqual([4, 9]);
    expect(tensor([2, 3], { dtype: 'int32' }).pow(2).dtype).toBe('int32');
  });

  test('division by zero follows IEEE (inf, -inf, nan), as PyTorch', () => {
    expect(tensor([1, -1, 0]).div(0).toArray()).toEqual([Infinity, -Infinity, NaN]);
  });

  test('scalars far outside int32 keep their value', () => {
    expect(tensor([1.5], { dtype: 'float64' }).add(3e9).item()).toBe(3000000001.5);
    expect(tensor([1.5], { dtype: 'float64' }).mul(-1e12).item()).toBe(-1.5e12);
  });
});

// audit18: PyTorch's keyword alpha; the function form dropped it and the method turned { alpha } into NaN.
// torch 1.13: add([1, 2], [10, 20], alpha=2) = [21, 42] with grads [1, 1] and [2, 2]; sub([5], [1], alpha=3) = [2];
// add(int tensor, 2, alpha=0.5) raises "For integral input tensors, argument alpha must not be a floating point number".
test('add/sub take alpha as a number or { alpha }, in the function and the method, with its gradient', () => {
  const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true }), b = tensor([10, 20], { dtype: 'float64', requiresGrad: true });
  for (const r of [core.add(a, b, { alpha: 2 }), core.add(a, b, 2), a.add(b, { alpha: 2 })]) expect(r.toArray()).toEqual([21, 42]);
  core.add(a, b, { alpha: 2 }).sum().backward();
  expect(a.grad!.toArray()).toEqual([1, 1]);
  expect(b.grad!.toArray()).toEqual([2, 2]);
  expect(core.sub(tensor([5]), tensor([1]), { alpha: 3 }).toArray()).toEqual([2]);
  expect(tensor([5]).sub(1, { alpha: 3 }).toArray()).toEqual([2]);
  expect(() => core.add(a, 1, { alph: 2 } as never)).toThrow(/^add: unknown option 'alph' \(did you mean 'alpha'\?\)/);
  expect(() => tensor([1]).sub(1, { alpha: '2' } as never)).toThrow(/^sub: alpha must be a number, got the string '2'$/);
  expect(() => core.add(tensor([1], { dtype: 'int32' }), 2, { alpha: 0.5 })).toThrow(/for integral input tensors, alpha must not be a floating point number/);
});
