import fc from 'fast-check';
import * as c from '@tapegrad/core';
import { Generator, Tensor } from '@tapegrad/core';
import { expectClose, expectValues } from '../helpers/approx';

const f64 = (v: number[], shape: number[]): Tensor => c.tensor(Float64Array.from(v)).reshape(shape);
const rnd = (gen: Generator, shape: number[]): Tensor => c.randn(shape, { dtype: 'float64', generator: gen });

describe('einsum', () => {
  const a = f64([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = f64([1, 0, 2, 1, 0, 3], [3, 2]);
  test('matmul, transpose, outer, sums, trace, diagonal (hand values)', () => {
    expectValues(c.einsum('ij,jk->ik', a, b), [2, 2], [5, 11, 14, 23]);
    expectValues(c.einsum('ij,jk', a, b), [2, 2], [5, 11, 14, 23]);
    expectValues(c.einsum('ij->ji', a), [3, 2], [1, 4, 2, 5, 3, 6]);
    expectValues(c.einsum('ji', a), [3, 2], [1, 4, 2, 5, 3, 6]);
    expectValues(c.einsum('i,j->ij', f64([1, 2], [2]), f64([3, 4, 5], [3])), [2, 3], [3, 4, 5, 6, 8, 10]);
    expectValues(c.einsum('ij->', a), [], [21]);
    expectValues(c.einsum('ij->j', a), [3], [5, 7, 9]);
    const sq = f64([1, 2, 3, 4], [2, 2]);
    expectValues(c.einsum('ii', sq), [], [5]);
    expectValues(c.einsum('ii->i', sq), [2], [1, 4]);
    expectValues(c.einsum('ij,ij->', a, a), [], [91]);
    expectValues(c.einsum(' i j , j k -> i k ', a, b), [2, 2], [5, 11, 14, 23]);
    expectValues(c.einsum('i,->i', f64([1, 2, 3], [3]), f64([2], [])), [3], [2, 4, 6]);
    expect(c.einsum('ij,jk->ik', c.zeros([2, 0], { dtype: 'float64' }), c.zeros([0, 3], { dtype: 'float64' })).shape).toEqual([2, 3]);
  });
  test('implicit output: ellipsis first, then letters used once in ASCII order (uppercase first)', () => {
    expect(c.einsum('Ba,ab', c.zeros([2, 3], { dtype: 'float64' }), c.zeros([3, 5], { dtype: 'float64' })).shape).toEqual([2, 5]);
    expect(c.einsum('ba', c.zeros([2, 3], { dtype: 'float64' })).shape).toEqual([3, 2]);
    expect(c.einsum('i...j', c.zeros([2, 4, 5, 3], { dtype: 'float64' })).shape).toEqual([4, 5, 2, 3]);
  });
  test('ellipsis broadcasting and summing it out', () => {
    const gen = new Generator(3);
    const x = rnd(gen, [2, 1, 3, 4]), y = rnd(gen, [5, 4, 2]);
    expectClose(c.einsum('...ij,...jk->...ik', x, y), x.matmul(y), 1e-12, 1e-12);
    expectClose(c.einsum('...ij->ij', x), x.sum([0, 1]), 1e-12, 1e-12);
  });
  test('operands as one array; three operands; integers', () => {
    const gen = new Generator(4);
    const p = rnd(gen, [2, 3]), q = rnd(gen, [3, 4]), r = rnd(gen, [4, 2]);
    expectClose(c.einsum('ij,jk,kl->il', [p, q, r]), p.matmul(q).matmul(r), 1e-12, 1e-12);
    const i = c.einsum('ij,jk->ik', c.tensor([[1, 2]], { dtype: 'int32' }), c.tensor([[3], [4]], { dtype: 'int32' }));
    expect(i.dtype).toBe('int32');
    expectValues(i, [1, 1], [11]);
  });
  test('float32 stays float32; a mixed contraction is refused, a mixed product without a sum promotes (PyTorch: bmm vs mul)', () => {
    expect(c.einsum('ij,jk', a.float(), b.float()).dtype).toBe('float32');
    expect(() => c.einsum('ij,jk', a.float(), b)).toThrow(/einsum: operands of dtypes float32 and float64 are contracted over 'j'/);
    expect(c.einsum('ij,jk->ijk', a.float(), b).dtype).toBe('float64');
  });
  test('gradients of a diagonal-and-contraction form', () => {
    const x = f64([1, 2, 3, 4], [2, 2]).requiresGrad_();
    c.einsum('ii', x).backward();
    expectValues(x.grad!, [2, 2], [1, 0, 0, 1]);
  });
  test('a contraction is one batched matmul on the tape, with no elementwise product', () => {
    const gen = new Generator(5);
    const q = rnd(gen, [2, 4, 8, 16]).requiresGrad_(), k = rnd(gen, [2, 4, 8, 16]).requiresGrad_();
    const ops: string[] = [];
    const walk = (n: c.Node | null): void => { if (!n) return; ops.push(n.op); n.next.forEach(walk); };
    walk(c.einsum('bhqd,bhkd->bhqk', q, k).gradFn);
    expect(ops.filter((o) => o === 'matmul')).toHaveLength(1);
    expect(ops).not.toContain('mul');
    expect(ops).not.toContain('sum');
  });
  test('errors name the letter, the operand and the sizes', () => {
    expect(() => c.einsum('ij,jk->ik', a, a)).toThrow(/einsum: subscript 'j' has size 2 in operand 1 \(shape \[2, 3\]\) but size 3 in operand 0 \(shape \[2, 3\]\); sizes must match or be 1/);
    expect(() => c.einsum('ii->i', a)).toThrow(/einsum: subscript 'i' is repeated in operand 0 \('ii', shape \[2, 3\]\) for a diagonal, but its sizes 2 and 3 differ/);
    expect(() => c.einsum('ijk->i', a)).toThrow(/einsum: operand 0 has 2 dims \(shape \[2, 3\]\) but its subscripts 'ijk' name 3/);
    expect(() => c.einsum('ij,jk->ik', a)).toThrow(/einsum: the equation 'ij,jk->ik' has 2 input terms but 1 operand was given/);
    expect(() => c.einsum('ij->iz', a)).toThrow(/einsum: output subscript 'z' of 'ij->iz' does not appear in any operand/);
    expect(() => c.einsum('ij->ii', a)).toThrow(/einsum: output subscript 'i' appears more than once/);
    expect(() => c.einsum('i1->i', a)).toThrow(/einsum: invalid subscript '1'/);
    expect(() => c.einsum('i..j->ij', a)).toThrow(/must be part of an ellipsis/);
    expect(() => c.einsum('...i...->i', a)).toThrow(/more than one ellipsis/);
    // An output '...' that no operand has covers no dims, as PyTorch: a full sum, not an error.
    expect(c.einsum('ij->...', a).item()).toBeCloseTo(a.sum().item(), 12);
    expect(() => c.einsum('ij->i->j', a)).toThrow(/more than one '->'/);
    expect(() => c.einsum('abc...->a', a)).toThrow(/operand 0 has 2 dims \(shape \[2, 3\]\), fewer than the 3 subscripts/);
  });
  test('property: matches a loop-and-sum formulation over random shapes', () => {
    fc.assert(fc.property(fc.record({
      i: fc.integer({ min: 1, max: 3 }), j: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 3 }), b: fc.integer({ min: 1, max: 3 }),
      seed: fc.integer({ min: 1, max: 1e6 }),
    }), ({ i, j, k, b, seed }) => {
      const gen = new Generator(seed);
      const x = rnd(gen, [b, i, j]), y = rnd(gen, [j, b, k]);
      // out[k, i] = Σ_{b, j} x[b, i, j] y[j, b, k], written with broadcasting mul + sum.
      const want = x.permute(2, 0, 1).unsqueeze(-1).mul(y.unsqueeze(2)).sum([0, 1]).t();
      expectClose(c.einsum('bij,jbk->ki', x, y), want, 1e-10, 1e-10);
      // and a batched matmul for 'bij,bjk->bik'
      const z = rnd(gen, [b, j, k]);
      expectClose(c.einsum('bij,bjk->bik', x, z), x.bmm(z), 1e-10, 1e-10);
    }), { numRuns: 40 });
  });
});
