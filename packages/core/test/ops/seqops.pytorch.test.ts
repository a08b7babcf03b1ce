/**
 * The issue-13 ops against PyTorch 1.13 (fixtures/pytorch/seqops.json, written by seqops.py beside it):
 * values, int32 indices and the gradient of sum(out · upstream), in float64 and float32.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import * as c from '@tapegrad/core';
import { Tensor, ValuesIndices } from '@tapegrad/core';
import { expectClose } from '../helpers/approx';

interface Enc { shape: number[]; data: number[] }
interface Case { name: string; inputs: Enc[]; output?: Enc; indices?: Enc; grads?: Enc[] }
const file = join(__dirname, '../../../../fixtures/pytorch/seqops.json');
const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: Case[] };

type Fn = (...xs: Tensor[]) => Tensor | ValuesIndices;
const int = (v: number[]): Tensor => c.tensor(v, { dtype: 'int32' });
const CALLS: Record<string, Fn> = {
  'cumsum dim 1': (x) => x.cumsum(1),
  'cumprod no zeros dim -1': (x) => x.cumprod(-1),
  'cumprod one zero dim 0': (x) => c.cumprod(x, 0),
  'cumprod zeros dim 1': (x) => x.cumprod(1),
  'sort ties stable': (x) => x.sort(-1, false, { stable: true }),
  'sort ties stable descending dim 0': (x) => c.sort(x, 0, true, { stable: true }),
  'sort dim 1 of 3-d': (x) => x.sort(1),
  'argsort descending': (x) => x.argsort(1, true),
  'topk 3 dim 0': (x) => x.topk(3, 0),
  'topk 2 smallest dim -1': (x) => c.topk(x, 2, -1, false),
  'kthvalue 2 dim -1': (x) => x.kthvalue(2, -1),
  'kthvalue 3 dim 0 keepdim': (x) => c.kthvalue(x, 3, 0, true),
  'tril -1 batched': (x) => x.tril(-1),
  'triu 2': (x) => c.triu(x, 2),
  'diagonal offset 1': (x) => x.diagonal(1),
  'diagonal offset -2 dims 2 0': (x) => c.diagonal(x, -2, 2, 0),
  'diagEmbed': (x) => x.diagEmbed(),
  'diagEmbed offset -1 dims 0 2': (x) => c.diagEmbed(x, -1, 0, 2),
  'flip dims 0 2': (x) => x.flip(0, 2),
  'roll no dims': (x) => x.roll(-5),
  'roll shifts 1 -2 dims 1 0': (x) => c.roll(x, [1, -2], [1, 0]),
  'repeatInterleave 2': (x) => c.repeatInterleave(x, 2),
  'repeatInterleave tensor dim 1': (x) => x.repeatInterleave(int([2, 0, 1]), 1),
  'einsum trace': (x) => c.einsum('ii', x),
  'einsum diagonal': (x) => c.einsum('ii->i', x),
  'einsum batch diagonal': (x) => c.einsum('bii->bi', x),
  'einsum ellipsis broadcast': (a, b) => c.einsum('...ij,...jk->...ik', a, b),
  'einsum implicit uppercase': (a, b) => c.einsum('Ba,ab', a, b),
  'einsum three operands': (a, b, d) => c.einsum('ij,jk,kl->il', a, b, d),
  'einsum bilinear': (a, w, b) => c.einsum('bi,kij,bj->bk', [a, w, b]),
  'einsum sum out ellipsis': (x) => c.einsum('...ij->ij', x),
  'einsum size-1 broadcast': (a, b) => c.einsum('ij,jk->ik', a, b),
  'einsum outer batched': (a, b) => c.einsum('bi,bj->bij', a, b),
  'einsum mixed diagonal contraction': (a, b) => c.einsum('iij,ji->j', a, b),
  'vectorNorm 2 at zero row': (x) => c.linalg.vectorNorm(x, 2, 1),
  'vectorNorm 1 with zeros': (x) => c.linalg.vectorNorm(x, 1, -1),
  'vectorNorm inf with ties': (x) => c.linalg.vectorNorm(x, Infinity, 1),
  'vectorNorm -inf': (x) => c.linalg.vectorNorm(x, -Infinity, 1),
  'vectorNorm 0': (x) => c.linalg.vectorNorm(x, 0, 1),
  'vectorNorm 0.5 with a zero': (x) => c.linalg.vectorNorm(x, 0.5, 1),
  'vectorNorm 3 with a zero row': (x) => c.linalg.vectorNorm(x, 3, 1, true),
  'vectorNorm 1.5 dims 0 2': (x) => c.linalg.vectorNorm(x, 1.5, [0, 2]),
  'vectorNorm -1.5': (x) => c.linalg.vectorNorm(x, -1.5),
  'norm fro': (x) => x.norm(),
  'norm p 2 dim 0 keepdim': (x) => c.norm(x, 2, 0, true),
  'cosineSimilarity dim 1': (a, b) => c.cosineSimilarity(a, b),
  'cosineSimilarity broadcast dim -1': (a, b) => c.cosineSimilarity(a, b, -1),
  'cosineSimilarity below eps': (a, b) => c.cosineSimilarity(a, b, 1, 1e-8),
  'cosineSimilarity eps 0.5': (a, b) => c.cosineSimilarity(a, b, 1, 0.5),
  'pairwiseDistance': (a, b) => c.pairwiseDistance(a, b),
  'pairwiseDistance p 1 keepdim broadcast': (a, b) => c.pairwiseDistance(a, b, 1, 1e-6, true),
  'pairwiseDistance p inf': (a, b) => c.pairwiseDistance(a, b, Infinity),
  'baddbmm': (i, a, b) => c.baddbmm(i, a, b),
  'baddbmm broadcast beta alpha': (i, a, b) => i.baddbmm(a, b, { beta: 0.5, alpha: -2 }),
};

test('every fixture case has a call, and every call a case', () => {
  expect(cases.map((k) => k.name).sort()).toEqual(Object.keys(CALLS).sort());
});

const TOL = { float64: [1e-10, 1e-9], float32: [2e-5, 2e-4] } as const;
for (const dtype of ['float64', 'float32'] as const) {
  describe(`PyTorch references in ${dtype}`, () => {
    test.each(cases.map((k) => [k.name, k] as const))('%s', (_name, k) => {
      const xs = k.inputs.map((e) => c.tensor(e.data, { dtype }).reshape(e.shape).requiresGrad_());
      const r = CALLS[k.name](...xs);
      const out = r instanceof Tensor ? (r.dtype === 'int32' ? null : r) : r.values;
      const idx = r instanceof Tensor ? (r.dtype === 'int32' ? r : null) : r.indices;
      const [atol, rtol] = TOL[dtype];
      if (k.indices) {
        expect(idx).not.toBeNull();
        expect(idx!.dtype).toBe('int32');
        expect(idx!.shape).toEqual(k.indices.shape);
        expect(Array.from(idx!.dataSync())).toEqual(k.indices.data);
      }
      if (k.output) {
        expect(out!.dtype).toBe(dtype);
        expect(out!.shape).toEqual(k.output.shape);
        expectClose(out!, k.output.data, atol, rtol);
        const up = c.tensor(k.output.data.map((_, i) => Math.sin(0.37 * i) + 0.5), { dtype }).reshape(k.output.shape);
        out!.mul(up).sum().backward();
        xs.forEach((x, i) => {
          // Below eps, PyTorch's gradient is ~1/eps: compare relative to its size in float32.
          const scale = Math.max(1, ...k.grads![i].data.map(Math.abs));
          expectClose(x.grad ?? c.zerosLike(x), k.grads![i].data, atol * scale, rtol);
        });
      }
    });
  });
}
