/**
 * 30 random TransformerEncoderLayer / TransformerDecoderLayer / Transformer configurations against
 * PyTorch 1.13 (fixtures/pytorch/audit13c/transformer-fuzz.json, written by transformer_fuzz.py beside
 * it): dModel, nhead, dimFeedforward, relu / gelu / a function activation, layerNormEps, batchFirst,
 * normFirst, unbatched inputs, and every mask as none, bool or float (2-D or 3-D for the attention
 * masks). State-dict keys, output, input and parameter gradients, float64 and float32.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, tensor, tanh } from '@tapegrad/core';
import { TransformerEncoderLayer, TransformerDecoderLayer, Transformer, Module } from '../src';
import { expectClose } from './helpers';

type V = number | 'inf' | '-inf';
interface T { shape: number[]; data: V[] }
interface Case {
  name: string; kind: 'encoder' | 'decoder' | 'transformer'; dModel: number; nhead: number; options: Record<string, unknown>;
  stateDictKeys: string[]; params: Record<string, T>; inputs: Record<string, T>; masks: Record<string, T & { bool: boolean }>;
  output: T; upstream: T; inputGrads: Record<string, T>; paramGrads: Record<string, T>;
}
const { cases } = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/audit13c/transformer-fuzz.json'), 'utf8')) as { cases: Case[] };
const vals = (r: T): number[] => r.data.map((v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v));

test('the fixture holds 30 configurations', () => expect(cases).toHaveLength(30));

describe.each([['float64', 1e-9], ['float32', 5e-4]] as const)('%s', (dtype, TOL) => {
  const tt = (r: T): Tensor => tensor(vals(r), { dtype }).reshape(r.shape);
  test.each(cases.map((k) => [`${k.name}: dModel ${k.dModel}, nhead ${k.nhead}, ${JSON.stringify(k.options)}, masks ${Object.entries(k.masks).map(([n, m]) => `${n} ${m.bool ? 'bool' : 'float'} [${m.shape}]`).join(', ') || 'none'}`, k] as const))('%s', (_n, k) => {
    const opts = { ...k.options, activation: k.options.activation === 'tanh' ? tanh : k.options.activation, dtype } as never;
    const m: Module = k.kind === 'encoder' ? new TransformerEncoderLayer(k.dModel, k.nhead, opts)
      : k.kind === 'decoder' ? new TransformerDecoderLayer(k.dModel, k.nhead, opts) : new Transformer(k.dModel, k.nhead, opts);
    expect(Object.keys(m.stateDict())).toEqual(k.stateDictKeys);
    m.loadStateDict(Object.fromEntries(Object.entries(k.params).map(([n, v]) => [n, tt(v)])));
    const inputs = Object.fromEntries(Object.entries(k.inputs).map(([n, v]) => [n, tt(v).requiresGrad_()]));
    const masks = Object.fromEntries(Object.entries(k.masks).map(([n, v]) => [n, v.bool ? tensor(vals(v).map(Boolean), { dtype: 'bool' }).reshape(v.shape) : tt(v)]));
    const out = (k.kind === 'encoder' ? m.call(inputs.src, masks)
      : k.kind === 'decoder' ? m.call(inputs.tgt, inputs.memory, masks) : m.call(inputs.src, inputs.tgt, masks)) as Tensor;
    expect(out.shape).toEqual(k.output.shape);
    expectClose(out, vals(k.output), TOL);
    out.mul(tt(k.upstream)).sum().backward();
    for (const [n, g] of Object.entries(k.inputGrads)) expectClose(inputs[n].grad, vals(g), TOL);
    const params = new Map(m.namedParameters());
    for (const [n, g] of Object.entries(k.paramGrads)) expectClose(params.get(n)!.grad, vals(g), TOL);
  });
});
