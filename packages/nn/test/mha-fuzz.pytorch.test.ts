/**
 * 40 random nn.MultiheadAttention configurations against PyTorch 1.13 (fixtures/pytorch/audit13c/
 * mha-fuzz.json, written by mha_fuzz.py beside it): bias, addBiasKv, addZeroAttn, kdim / vdim, batchFirst,
 * batched and unbatched queries, bool and float attnMasks of 2 and 3 dims, bool and float key padding
 * masks, needWeights and averageAttnWeights in combination. State-dict keys, output, weights and the
 * gradients of query, key, value and every parameter, float64 and float32.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, tensor } from '@tapegrad/core';
import { MultiheadAttention } from '../src';
import { expectClose } from './helpers';

type V = number | 'inf' | '-inf';
interface T { shape: number[]; data: V[] }
interface Case {
  embedDim: number; numHeads: number; options: Record<string, unknown>; needWeights: boolean; averageAttnWeights: boolean;
  stateDictKeys: string[]; params: Record<string, T>; query: T; key: T; value: T;
  attnMask: (T & { bool: boolean }) | null; keyPaddingMask: (T & { bool: boolean }) | null;
  output: T; weights: T | null; upstream: T; grads: Record<'query' | 'key' | 'value', T>; paramGrads: Record<string, T>;
}
const { cases } = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/audit13c/mha-fuzz.json'), 'utf8')) as { cases: Case[] };
const vals = (r: T): number[] => r.data.map((v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v));

test('the fixture holds 40 configurations', () => expect(cases).toHaveLength(40));

describe.each([['float64', 1e-9], ['float32', 3e-4]] as const)('%s', (dtype, TOL) => {
  const tt = (r: T): Tensor => tensor(vals(r), { dtype }).reshape(r.shape);
  const mask = (m: (T & { bool: boolean }) | null): Tensor | null =>
    m === null ? null : m.bool ? tensor(vals(m).map(Boolean), { dtype: 'bool' }).reshape(m.shape) : tt(m);
  test.each(cases.map((k, i) => [`${i}: E ${k.embedDim}, H ${k.numHeads}, ${JSON.stringify(k.options)}, mask ${k.attnMask ? `${k.attnMask.bool ? 'bool' : 'float'} ${k.attnMask.shape.length}-D` : 'none'}, kpm ${k.keyPaddingMask ? (k.keyPaddingMask.bool ? 'bool' : 'float') : 'none'}, q [${k.query.shape}]`, k] as const))('%s', (_n, k) => {
    const m = new MultiheadAttention(k.embedDim, k.numHeads, { ...k.options, dtype } as never);
    expect(Object.keys(m.stateDict())).toEqual(k.stateDictKeys);
    m.loadStateDict(Object.fromEntries(Object.entries(k.params).map(([n, v]) => [n, tt(v)])));
    const [q, key, v] = [k.query, k.key, k.value].map((r) => tt(r).requiresGrad_());
    const [out, w] = m.forward(q, key, v, {
      attnMask: mask(k.attnMask), keyPaddingMask: mask(k.keyPaddingMask), needWeights: k.needWeights, averageAttnWeights: k.averageAttnWeights,
    });
    expect(out.shape).toEqual(k.output.shape);
    expectClose(out, vals(k.output), TOL);
    if (k.weights === null) expect(w).toBeNull();
    else {
      expect(w!.shape).toEqual(k.weights.shape);
      expectClose(w, vals(k.weights), TOL);
    }
    out.mul(tt(k.upstream)).sum().backward();
    expectClose(q.grad, vals(k.grads.query), TOL);
    expectClose(key.grad, vals(k.grads.key), TOL);
    expectClose(v.grad, vals(k.grads.value), TOL);
    const params = new Map(m.namedParameters());
    for (const [n, g] of Object.entries(k.paramGrads)) expectClose(params.get(n)!.grad, vals(g), TOL);
  });
});
