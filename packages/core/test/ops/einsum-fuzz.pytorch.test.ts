/**
 * 60 random einsum equations against PyTorch 1.13 (fixtures/pytorch/audit13c/einsum-fuzz.json, written
 * by einsum_fuzz.py beside it): one to three operands, diagonals from repeated subscripts, subscripts of
 * size 1 broadcast against larger ones, '...' anywhere in a term covering 0-2 broadcasting dims, implicit
 * and explicit outputs. Values and the gradient of every operand, float64 and float32.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import * as c from '@tapegrad/core';
import { expectClose } from '../helpers/approx';

interface Enc { shape: number[]; data: number[] }
interface Case { equation: string; inputs: Enc[]; output: Enc; grads: Enc[] }
const { cases } = JSON.parse(readFileSync(join(__dirname, '../../../../fixtures/pytorch/audit13c/einsum-fuzz.json'), 'utf8')) as { cases: Case[] };

test('the fixture holds 60 equations', () => expect(cases).toHaveLength(60));

const TOL = { float64: [1e-10, 1e-9], float32: [3e-5, 3e-4] } as const;
for (const dtype of ['float64', 'float32'] as const) {
  describe(dtype, () => {
    test.each(cases.map((k, i) => [`${i}: ${k.equation}`, k] as const))('%s', (_n, k) => {
      const xs = k.inputs.map((e) => c.tensor(e.data, { dtype }).reshape(e.shape).requiresGrad_());
      const out = c.einsum(k.equation, ...xs);
      expect(out.shape).toEqual(k.output.shape);
      const [atol, rtol] = TOL[dtype];
      expectClose(out, k.output.data, atol * 10, rtol);
      const up = c.tensor(Array.from({ length: out.numel() }, (_, i) => Math.sin(0.37 * i) + 0.5), { dtype }).reshape(out.shape);
      const gs = c.grad(out.mul(up).sum(), xs, { allowUnused: true });
      gs.forEach((g, i) => expectClose(g ?? c.zerosLike(xs[i]), k.grads[i].data, atol * 10, rtol));
    });
  });
}
