/**
 * 150 random calls of the issue-13 ops against PyTorch 1.13 (fixtures/pytorch/audit13c/ops-fuzz.json,
 * written by ops_fuzz.py beside it): vectorNorm over random orders, dim subsets and keepdim, cumsum /
 * cumprod with zeros, tril / triu, roll, flip, diagonal / diagEmbed, repeatInterleave, cosineSimilarity and
 * pairwiseDistance with broadcasting. Values, first and second derivatives, float64 and float32.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import * as c from '@tapegrad/core';
import { Tensor } from '@tapegrad/core';
import { expectClose } from '../helpers/approx';

type Num = number | 'nan' | 'inf' | '-inf';
interface Enc { shape: number[]; data: Num[] }
interface Case { op: string; args: Record<string, unknown>; inputs: Enc[]; output: Enc; grads: Enc[]; grads2: Enc[] }
const { cases } = JSON.parse(readFileSync(join(__dirname, '../../../../fixtures/pytorch/audit13c/ops-fuzz.json'), 'utf8')) as { cases: Case[] };
const num = (v: unknown): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));
type A = Record<string, never>;

const CALLS: Record<string, (a: A, x: Tensor, y: Tensor) => Tensor> = {
  vectorNorm: (a, x) => c.linalg.vectorNorm(x, num(a.ord), a.dim, a.keepdim),
  cumsum: (a, x) => x.cumsum(a.dim),
  cumprod: (a, x) => c.cumprod(x, a.dim),
  tril: (a, x) => x.tril(a.diagonal),
  triu: (a, x) => c.triu(x, a.diagonal),
  roll: (a, x) => x.roll(a.shifts, a.dims),
  flip: (a, x) => x.flip(a.dims),
  diagonal: (a, x) => x.diagonal(a.offset, a.dim1, a.dim2),
  diagEmbed: (a, x) => c.diagEmbed(x, { offset: a.offset, dim1: a.dim1, dim2: a.dim2 }),
  repeatInterleave: (a, x) => x.repeatInterleave(typeof a.repeats === 'number' ? a.repeats : c.tensor(a.repeats as number[], { dtype: 'int32' }), a.dim),
  cosineSimilarity: (a, x, y) => c.cosineSimilarity(x, y, a.dim, a.eps),
  pairwiseDistance: (a, x, y) => c.pairwiseDistance(x, y, num(a.p), a.eps, a.keepdim),
};

const pattern = (t: Tensor, f: (v: number) => number, a: number, b: number): Tensor =>
  c.tensor(Array.from({ length: t.numel() }, (_, i) => f(a * i) + b), { dtype: t.dtype }).reshape(t.shape);
const scaleOf = (e: Enc): number => Math.max(1, ...e.data.map(num).filter(Number.isFinite).map(Math.abs));
const TOL = { float64: [1e-10, 1e-9], float32: [3e-5, 3e-4] } as const;

test('the fixture holds 150 calls of known ops', () => {
  expect(cases).toHaveLength(150);
  for (const k of cases) expect(Object.keys(CALLS)).toContain(k.op);
});

for (const dtype of ['float64', 'float32'] as const) {
  describe(dtype, () => {
    test.each(cases.map((k, i) => [`${i}: ${k.op} ${JSON.stringify(k.args)} of ${k.inputs.map((e) => `[${e.shape}]`).join(', ')}`, k] as const))('%s', (_n, k) => {
      const xs = k.inputs.map((e) => c.tensor(e.data.map(num), { dtype }).reshape(e.shape).requiresGrad_());
      const out = CALLS[k.op](k.args as A, xs[0], xs[1]);
      const [atol, rtol] = TOL[dtype];
      expect(out.shape).toEqual(k.output.shape);
      expectClose(out, k.output.data.map(num), atol * scaleOf(k.output), rtol);
      const gs = c.grad(out.mul(pattern(out, Math.sin, 0.37, 0.5)).sum(), xs, { createGraph: true, allowUnused: true }).map((g, i) => g ?? c.zerosLike(xs[i]));
      gs.forEach((g, i) => expectClose(g, k.grads[i].data.map(num), atol * scaleOf(k.grads[i]) * 10, rtol * 10));
      let s2: Tensor | null = null;
      for (const g of gs) if (g.requiresGrad) { const t = g.mul(pattern(g, Math.cos, 0.21, 0.3)).sum(); s2 = s2 === null ? t : s2.add(t); }
      const g2 = s2 === null ? xs.map((x) => c.zerosLike(x)) : c.grad(s2, xs, { allowUnused: true }).map((g, i) => g ?? c.zerosLike(xs[i]));
      g2.forEach((g, i) => expectClose(g, k.grads2[i].data.map(num), atol * scaleOf(k.grads2[i]) * 100, rtol * 100));
    });
  });
}
