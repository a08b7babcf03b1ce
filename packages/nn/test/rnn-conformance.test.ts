/**
 * The recurrent modules against PyTorch 1.13 (float64, fixtures/pytorch/rnn-conformance.json, written by
 * fixtures/pytorch/rnn_conformance.py): outputs, final states and the gradients of every input, initial
 * state and parameter, for the constructor options, unbatched and packed inputs, and the cells; and 36
 * random configurations of the layers (fixtures/pytorch/audit13c/rnn-fuzz.json, rnn_fuzz.py).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, tensor } from '@tapegrad/core';
import { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, Module } from '../src';
import { padSequence, packPaddedSequence, padPackedSequence, packSequence, PackedSequence } from '../src/utils/rnn';
import { expectClose } from './helpers';

interface T { shape: number[]; data: number[] }
interface Case {
  name: string;
  module: string;
  inputSize: number;
  hiddenSize: number;
  options: Record<string, unknown>;
  eval?: boolean;
  stateDictKeys: string[];
  params: Record<string, T>;
  inputs: Record<string, T>;
  packed?: { lengths: number[]; enforceSorted: boolean; batchSizes: number[]; sortedIndices: number[] | null; unsortedIndices: number[] | null; outputData: T };
  output: T;
  hN: T;
  cN?: T;
  upstream: Record<string, T>;
  inputGrads: Record<string, T>;
  paramGrads: Record<string, T>;
}
const fixture = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/rnn-conformance.json'), 'utf8')) as {
  cases: Case[];
  utils: Record<string, T & Record<string, unknown>>;
};
// audit13c: 36 random configurations (fixtures/pytorch/audit13c/rnn-fuzz.json, rnn_fuzz.py), same fields.
const fuzz = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/audit13c/rnn-fuzz.json'), 'utf8')) as { cases: Case[] };
const CTORS: Record<string, new (i: number, h: number, o: never) => Module> = {
  RNN: RNN as never, LSTM: LSTM as never, GRU: GRU as never, RNNCell: RNNCell as never, LSTMCell: LSTMCell as never, GRUCell: GRUCell as never,
};

// float32 runs the same cases (and the fused float32 LSTM layer) to float32 precision.
describe.each([['float64', 1e-9], ['float32', 2e-4]] as const)('recurrent modules against PyTorch 1.13 (rnn-conformance.json), %s', (dtype, TOL) => {
  const t64 = (r: T): Tensor => tensor(r.data, { dtype }).reshape(r.shape);
  for (const c of [...fixture.cases, ...fuzz.cases]) {
    it(c.name, () => {
      const m = new CTORS[c.module](c.inputSize, c.hiddenSize, { ...c.options, dtype } as never);
      expect(Object.keys(m.stateDict())).toEqual(c.stateDictKeys);
      for (const [k, p] of [...m.namedParameters()]) expect(p.shape).toEqual(c.params[k].shape);
      m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, t64(v)])));
      if (c.eval) m.eval();
      const x = t64(c.inputs.x).requiresGrad_();
      const h0 = c.inputs.h0 ? t64(c.inputs.h0).requiresGrad_() : null;
      const c0 = c.inputs.c0 ? t64(c.inputs.c0).requiresGrad_() : null;
      const isLstm = c.module.startsWith('LSTM');
      const state = isLstm ? (h0 && c0 ? [h0, c0] : null) : h0;
      let out: Tensor, hN: Tensor | null = null, cN: Tensor | null = null;
      if (c.module.endsWith('Cell')) {
        const r = (m as unknown as { forward(x: Tensor, s: unknown): Tensor | [Tensor, Tensor] }).forward(x, state);
        if (Array.isArray(r)) [out, cN] = r; else out = r;
      } else {
        const bf = c.options.batchFirst === true;
        let input: Tensor | PackedSequence = x;
        if (c.packed) {
          input = packPaddedSequence(x, c.packed.lengths, { batchFirst: bf, enforceSorted: c.packed.enforceSorted });
          expect(Array.from(input.batchSizes.dataSync())).toEqual(c.packed.batchSizes);
          expect(input.sortedIndices ? Array.from(input.sortedIndices.dataSync()) : null).toEqual(c.packed.sortedIndices);
          expect(input.unsortedIndices ? Array.from(input.unsortedIndices.dataSync()) : null).toEqual(c.packed.unsortedIndices);
        }
        const [o, s] = (m as unknown as { forward(x: unknown, s: unknown): [Tensor | PackedSequence, Tensor | [Tensor, Tensor]] }).forward(input, state);
        if (Array.isArray(s)) [hN, cN] = s; else hN = s;
        if (o instanceof PackedSequence) {
          expect(c.packed).toBeDefined();
          expect(o.data.shape).toEqual(c.packed!.outputData.shape);
          expectClose(o.data, c.packed!.outputData.data, TOL);
          expect(Array.from(o.batchSizes.dataSync())).toEqual(c.packed!.batchSizes);
          const [padded, lengths] = padPackedSequence(o, { batchFirst: bf });
          expect(Array.from(lengths.dataSync())).toEqual(c.packed!.lengths);
          out = padded;
        } else {
          expect(c.packed).toBeUndefined();
          out = o;
        }
      }
      expect(out.shape).toEqual(c.output.shape);
      expectClose(out, c.output.data, TOL);
      let loss = out.mul(t64(c.upstream.output)).sum();
      if (hN) {
        expect(hN.shape).toEqual(c.hN.shape);
        expectClose(hN, c.hN.data, TOL);
        loss = loss.add(hN.mul(t64(c.upstream.hN)).sum());
      }
      if (c.cN) {
        expect(cN!.shape).toEqual(c.cN.shape);
        expectClose(cN, c.cN.data, TOL);
        loss = loss.add(cN!.mul(t64(c.upstream.cN)).sum());
      }
      loss.backward();
      const given: Record<string, Tensor | null> = { x, h0, c0 };
      for (const [k, g] of Object.entries(c.inputGrads)) expectClose(given[k]!.grad, g.data, TOL);
      const params = new Map(m.namedParameters());
      for (const [k, g] of Object.entries(c.paramGrads)) expectClose(params.get(k)!.grad, g.data, TOL);
    });
  }
});

describe('nn.utils.rnn against PyTorch 1.13 (rnn-conformance.json)', () => {
  const u = fixture.utils as unknown as Record<string, { shape: number[]; data: number[] } & Record<string, unknown>>;
  const f = (v: number[]) => tensor(v, { dtype: 'float64' });
  const ar = (a: number, b: number) => f(Array.from({ length: b - a }, (_, i) => a + i));
  const eq = (t: Tensor, r: T) => { expect(t.shape).toEqual(r.shape); expect(Array.from(t.dataSync())).toEqual(r.data); };

  it('padSequence: 1-D and 2-D items, batchFirst, paddingValue', () => {
    const [a, b, c] = [ar(1, 4), ar(4, 6), f([6])];
    eq(padSequence([b, a, c]), u.padSequence1d);
    eq(padSequence([b, a, c], { batchFirst: true, paddingValue: -1.5 }), u.padSequence1dBatchFirstPad);
    const nd = [ar(0, 6).reshape([3, 2]), ar(10, 12).reshape([1, 2])];
    eq(padSequence(nd), u.padSequence2d);
    eq(padSequence(nd, { batchFirst: true, paddingValue: 7 }), u.padSequence2dBatchFirst);
  });

  it('packSequence (unsorted, 2-D items) and padPackedSequence (batchFirst, paddingValue, totalLength)', () => {
    const items = [ar(0, 4).reshape([2, 2]), ar(10, 16).reshape([3, 2]), f([20, 21]).reshape([1, 2])];
    const p = packSequence(items, { enforceSorted: false });
    const want = u.packSequence as unknown as { data: T; batchSizes: number[]; sortedIndices: number[]; unsortedIndices: number[] };
    eq(p.data, want.data);
    expect(Array.from(p.batchSizes.dataSync())).toEqual(want.batchSizes);
    expect(Array.from(p.sortedIndices!.dataSync())).toEqual(want.sortedIndices);
    expect(Array.from(p.unsortedIndices!.dataSync())).toEqual(want.unsortedIndices);
    const [padded, lengths] = padPackedSequence(p, { batchFirst: true, paddingValue: -1, totalLength: 4 });
    const pp = u.padPacked as unknown as { padded: T; lengths: number[] };
    eq(padded, pp.padded);
    expect(Array.from(lengths.dataSync())).toEqual(pp.lengths);
  });

  it('enforceSorted false: ties keep their order, and a sorted batch still records the identity permutation', () => {
    const x = ar(0, 12).reshape([3, 4]);
    const p = packPaddedSequence(x, tensor([2, 3, 2, 3], { dtype: 'int32' }), { enforceSorted: false });
    const want = u.packTies as unknown as { data: T; batchSizes: number[]; sortedIndices: number[]; unsortedIndices: number[] };
    eq(p.data, want.data);
    expect(Array.from(p.batchSizes.dataSync())).toEqual(want.batchSizes);
    expect(Array.from(p.sortedIndices!.dataSync())).toEqual(want.sortedIndices);
    expect(Array.from(p.unsortedIndices!.dataSync())).toEqual(want.unsortedIndices);
    const s = packPaddedSequence(x, [3, 2, 2, 1], { enforceSorted: false });
    const ws = u.packSortedNotEnforced as unknown as { sortedIndices: number[]; unsortedIndices: number[] };
    expect(Array.from(s.sortedIndices!.dataSync())).toEqual(ws.sortedIndices);
    expect(Array.from(s.unsortedIndices!.dataSync())).toEqual(ws.unsortedIndices);
  });
});
