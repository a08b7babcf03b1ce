/**
 * A third conformance audit of the issue-13 modules against PyTorch 1.13 (fixtures/pytorch/audit13c/
 * modules.json, written by modules.py beside it): recurrent modules in training mode with dropout 1
 * between layers (PyTorch's mask is all zeros, so the result is deterministic: dropout only between
 * layers), scaledDotProductAttention with leading dims that broadcast, nn.Transformer from options only
 * with the mask made by the model, and nn.utils.rnn with positional arguments.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, tensor, noGrad, tanh } from '@tapegrad/core';
import { RNN, LSTM, GRU, LSTMCell, RNNCell, Module, Transformer, MultiheadAttention, TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, LayerNorm, functional as F } from '../src';
import { padSequence, packPaddedSequence, padPackedSequence, packSequence, PackedSequence } from '../src/utils/rnn';
import { expectClose } from './helpers';

type V = number | 'inf' | '-inf';
interface T { shape: number[]; data: V[] }
interface RnnCase {
  name: string; module: 'RNN' | 'LSTM' | 'GRU'; inputSize: number; hiddenSize: number; options: Record<string, unknown>;
  stateDictKeys: string[]; params: Record<string, T>; x: T; packed?: { lengths: number[]; enforceSorted: boolean };
  output: T; hN: T; cN?: T; upstream: Record<string, T>; xGrad: T; paramGrads: Record<string, T>;
}
interface SdpaCase { name: string; query: T; key: T; value: T; mask: (T & { bool: boolean }) | null; output: T; upstream: T; grads: T[] }
const fx = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/audit13c/modules.json'), 'utf8')) as {
  rnn: RnnCase[]; sdpa: SdpaCase[];
  transformer: { stateDictKeys: string[]; params: Record<string, T>; src: T; tgt: T; mask: T; output: T };
  utils: Record<string, T & Record<string, unknown>>;
  fastPaths: { name: string; noGrad: boolean; fast: boolean; stateDictKeys: string[]; params: Record<string, T>; x: T; keyPaddingMask: T; output: T; weights: T | null }[];
};
const num = (v: V): number => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
const vals = (r: T): number[] => r.data.map(num);
const CTORS = { RNN, LSTM, GRU } as unknown as Record<string, new (i: number, h: number, o: never) => Module>;

describe.each([['float64', 1e-9], ['float32', 2e-4]] as const)('%s', (dtype, TOL) => {
  const tt = (r: T): Tensor => tensor(vals(r), { dtype }).reshape(r.shape);

  describe('recurrent modules in training mode with dropout 1 between layers', () => {
    test.each(fx.rnn.map((c) => [c.name, c] as const))('%s', (_n, c) => {
      const m = new CTORS[c.module](c.inputSize, c.hiddenSize, { ...c.options, dtype } as never);
      expect(m.training).toBe(true);
      expect(Object.keys(m.stateDict())).toEqual(c.stateDictKeys);
      m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, tt(v)])));
      const x = tt(c.x).requiresGrad_();
      const bf = c.options.batchFirst === true;
      const input = c.packed ? packPaddedSequence(x, c.packed.lengths, { batchFirst: bf, enforceSorted: c.packed.enforceSorted }) : x;
      const [o, s] = (m as unknown as { forward(x: unknown): [Tensor | PackedSequence, Tensor | [Tensor, Tensor]] }).forward(input);
      const out = o instanceof PackedSequence ? padPackedSequence(o, { batchFirst: bf })[0] : o;
      const [hN, cN] = Array.isArray(s) ? s : [s, null];
      expect(out.shape).toEqual(c.output.shape);
      expectClose(out, vals(c.output), TOL);
      expectClose(hN, vals(c.hN), TOL);
      let loss = out.mul(tt(c.upstream.output)).sum().add(hN.mul(tt(c.upstream.hN)).sum());
      if (c.cN) {
        expectClose(cN, vals(c.cN), TOL);
        loss = loss.add(cN!.mul(tt(c.upstream.cN)).sum());
      }
      loss.backward();
      expectClose(x.grad, vals(c.xGrad), TOL);
      const params = new Map(m.namedParameters());
      for (const [k, g] of Object.entries(c.paramGrads)) expectClose(params.get(k)!.grad, vals(g), TOL);
    });
  });

  describe('scaledDotProductAttention with broadcast leading dims', () => {
    test.each(fx.sdpa.map((c) => [c.name, c] as const))('%s', (_n, c) => {
      const [q, k, v] = [c.query, c.key, c.value].map((r) => tt(r).requiresGrad_());
      const mask = c.mask === null ? null : c.mask.bool ? tensor(vals(c.mask).map(Boolean), { dtype: 'bool' }).reshape(c.mask.shape) : tt(c.mask);
      // PyTorch's positional attn_mask
      const out = F.scaledDotProductAttention(q, k, v, mask);
      expect(out.shape).toEqual(c.output.shape);
      expectClose(out, vals(c.output), TOL);
      out.mul(tt(c.upstream)).sum().backward();
      [q, k, v].forEach((t, i) => expectClose(t.grad, vals(c.grads[i]), TOL));
    });
  });

  test('nn.Transformer from options only; the model makes the causal mask', () => {
    const r = fx.transformer;
    const m = new Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 2, dimFeedforward: 16, dropout: 0, batchFirst: true, normFirst: true, dtype });
    expect(Object.keys(m.stateDict())).toEqual(r.stateDictKeys);
    m.loadStateDict(Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, tt(v)])));
    const mask = m.generateSquareSubsequentMask(3, { dtype });
    expect(Array.from(mask.dataSync())).toEqual(vals(r.mask));
    const out = m.call(tt(r.src), tt(r.tgt), { tgtMask: mask });
    expect(out.shape).toEqual(r.output.shape);
    expectClose(out, vals(r.output), TOL);
  });
});

describe('nn.utils.rnn with PyTorch\'s positional arguments', () => {
  const u = fx.utils as unknown as {
    padSequence: T; packPadded: { data: T; batchSizes: number[]; sortedIndices: number[] }; padPacked: { padded: T; lengths: number[] };
    packSequence: { data: T; sortedIndices: number[] };
  };
  const f = (v: number[]) => tensor(v, { dtype: 'float64' });
  const ar = (a: number, b: number) => f(Array.from({ length: b - a }, (_, i) => a + i));
  const eq = (t: Tensor, r: T) => { expect(t.shape).toEqual(r.shape); expect(Array.from(t.dataSync())).toEqual(vals(r)); };
  const [a, b, c] = [ar(1, 4), ar(4, 6), f([6])];

  test('padSequence(sequences, batchFirst, paddingValue)', () => eq(padSequence([b, a, c], true, -1), u.padSequence));
  test('packPaddedSequence(input, lengths, batchFirst, enforceSorted), padPackedSequence(seq, batchFirst, paddingValue, totalLength)', () => {
    const x = ar(0, 24).reshape([3, 4, 2]);
    const p = packPaddedSequence(x, [2, 4, 3], true, false);
    eq(p.data, u.packPadded.data);
    expect(Array.from(p.batchSizes.dataSync())).toEqual(u.packPadded.batchSizes);
    expect(Array.from(p.sortedIndices!.dataSync())).toEqual(u.packPadded.sortedIndices);
    const [padded, lengths] = padPackedSequence(p, true, -2, 5);
    eq(padded, u.padPacked.padded);
    expect(Array.from(lengths.dataSync())).toEqual(u.padPacked.lengths);
    expect(padPackedSequence(p, true, -2, null)[0].shape).toEqual([3, 4, 2]);
  });
  test('packSequence(sequences, enforceSorted)', () => {
    const p = packSequence([b, a, c], false);
    eq(p.data, u.packSequence.data);
    expect(Array.from(p.sortedIndices!.dataSync())).toEqual(u.packSequence.sortedIndices);
  });
  test('a positional value of the wrong type, or given twice, is refused by name', () => {
    expect(() => padSequence([a], 'yes' as never)).toThrow(/padSequence: argument 2 \(batchFirst\) must be a boolean, got the string 'yes'/);
    expect(() => padSequence([a], true, { batchFirst: false })).toThrow(/padSequence: got multiple values for argument 'batchFirst'/);
    expect(() => packPaddedSequence(ar(0, 4).reshape([2, 2]), [2, 1], { enforce_sorted: false } as never)).toThrow(/packPaddedSequence: unknown option 'enforce_sorted'/);
  });
});

describe('recurrent bad input names the module', () => {
  test('an input or state of another dtype than the parameters', () => {
    const lstm = new LSTM(3, 4);
    const x = tensor(new Array(30).fill(0.5), { dtype: 'float32' }).reshape([5, 2, 3]);
    expect(() => lstm.forward(x.to('float64'))).toThrow(/^LSTM: input is float64 but the module's parameters are float32; they must have the same dtype/);
    const h = tensor(new Array(8).fill(0), { dtype: 'float32' }).reshape([1, 2, 4]);
    expect(() => lstm.forward(x, [h.to('float64'), h])).toThrow(/^LSTM: h0 is float64 but the module's parameters are float32/);
    expect(() => lstm.forward(x, [h, h.to('float64')])).toThrow(/^LSTM: c0 is float64 but the module's parameters are float32/);
    expect(() => new GRU(3, 4, { dtype: 'float64' }).forward(x)).toThrow(/^GRU: input is float32 but the module's parameters are float64/);
    expect(() => new LSTMCell(3, 4).forward(x.select(0, 0), [h.select(0, 0).to('float64'), h.select(0, 0)])).toThrow(/^LSTMCell: hidden state h is float64 but the module's parameters are float32/);
    expect(() => new RNNCell(3, 4).forward(x.select(0, 0).to('float64'))).toThrow(/^RNNCell: input is float64 but the module's parameters are float32/);
  });
  test('a projected LSTM\'s h0 of the hidden size is refused naming projSize', () => {
    const lstm = new LSTM(3, 4, { projSize: 2 });
    const x = tensor(new Array(30).fill(0.5), { dtype: 'float32' }).reshape([5, 2, 3]);
    const z = (s: number[]) => tensor(new Array(s.reduce((a, b) => a * b, 1)).fill(0), { dtype: 'float32' }).reshape(s);
    expect(() => lstm.forward(x, [z([1, 2, 4]), z([1, 2, 4])])).toThrow(/LSTM: expected h0 of shape \[1, 2, 2\] \(numLayers·numDirections, batch, projSize\), got \[1, 2, 4\]/);
    expect(lstm.forward(x, [z([1, 2, 2]), z([1, 2, 4])])[1][0].shape).toEqual([1, 2, 2]);
  });
});

test('RNNCell\'s repr names a relu nonlinearity, as PyTorch\'s (RNNCell(3, 4, nonlinearity=relu))', () => {
  expect(String(new RNNCell(3, 4, { nonlinearity: 'relu' }))).toBe("RNNCell(3, 4, nonlinearity='relu')");
  expect(String(new RNNCell(3, 4, false, 'relu'))).toBe("RNNCell(3, 4, bias=false, nonlinearity='relu')");
  expect(String(new RNNCell(3, 4))).toBe('RNNCell(3, 4)');
});

describe('PyTorch 1.13\'s native fast paths (eval, no gradients): a float key padding mask counts as bool', () => {
  type Run = (m: Module, x: Tensor, k: Tensor) => Tensor | [Tensor, Tensor | null];
  const mha: Run = (m, x, k) => (m as MultiheadAttention).forward(x, x, x, { keyPaddingMask: k });
  const enc: Run = (m, x, k) => m.call(x, { srcKeyPaddingMask: k }) as Tensor;
  const stack: Run = (m, x, k) => (m as TransformerEncoder).forward(x, { srcKeyPaddingMask: k });
  const layer = (o: Record<string, unknown> = {}) => new TransformerEncoderLayer(8, 2, 16, { batchFirst: true, ...o });
  const CASES: Record<string, [() => Module, Run]> = {
    mha_self_batch_first_no_grad: [() => new MultiheadAttention(8, 2, { batchFirst: true }), mha],
    mha_self_batch_first_no_grad_no_weights: [() => new MultiheadAttention(8, 2, { batchFirst: true }), (m, x, k) => (m as MultiheadAttention).forward(x, x, x, { keyPaddingMask: k, needWeights: false })],
    mha_sequence_first_no_grad: [() => new MultiheadAttention(8, 2), mha],
    mha_odd_heads_no_grad: [() => new MultiheadAttention(8, 1, { batchFirst: true }), mha],
    mha_dropout_no_grad: [() => new MultiheadAttention(8, 2, { batchFirst: true, dropout: 0.1 }), mha],
    mha_not_self_attention_no_grad: [() => new MultiheadAttention(8, 2, { batchFirst: true }), (m, x, k) => (m as MultiheadAttention).forward(x, x.clone(), x.clone(), { keyPaddingMask: k })],
    mha_grad_mode: [() => new MultiheadAttention(8, 2, { batchFirst: true }), mha],
    encoder_layer_no_grad: [() => layer(), enc],
    encoder_layer_norm_first_gelu_no_grad: [() => layer({ normFirst: true, activation: 'gelu' }), enc],
    encoder_layer_tanh_no_grad: [() => layer({ activation: tanh }), enc],
    encoder_layer_tanh_dropout_0_no_grad: [() => layer({ activation: tanh, dropout: 0 }), enc],
    decoder_layer_dropout_0_no_grad: [() => new TransformerDecoderLayer(8, 2, 16, 0, { batchFirst: true }), (m, x, k) => m.call(x, x, { tgtKeyPaddingMask: k }) as Tensor],
    encoder_layer_sequence_first_no_grad: [() => new TransformerEncoderLayer(8, 2, 16), enc],
    encoder_layer_odd_heads_no_grad: [() => new TransformerEncoderLayer(8, 1, 16, { batchFirst: true }), enc],
    encoder_layer_grad_mode: [() => layer(), enc],
    encoder_no_nested_no_grad: [() => new TransformerEncoder(layer(), 2, { enableNestedTensor: false }), stack],
    encoder_nested_left_aligned_float_no_grad: [() => new TransformerEncoder(layer(), 2, { norm: new LayerNorm(8) }), stack],
  };
  test('every fixture case has a module, and every module a case', () => {
    expect(fx.fastPaths.map((k) => k.name).sort()).toEqual(Object.keys(CASES).sort());
  });
  describe.each([['float64', 1e-9], ['float32', 2e-4]] as const)('%s', (dtype, TOL) => {
    const tt = (r: T): Tensor => tensor(vals(r), { dtype }).reshape(r.shape);
    test.each(fx.fastPaths.map((k) => [`${k.name} (${k.fast ? 'fast path: masked where nonzero' : 'dense: added'})`, k] as const))('%s', (_n, k) => {
      const [make, run] = CASES[k.name];
      const m = make().to(dtype);
      expect(Object.keys(m.stateDict())).toEqual(k.stateDictKeys);
      m.loadStateDict(Object.fromEntries(Object.entries(k.params).map(([n, v]) => [n, tt(v)])));
      m.eval();
      const r = k.noGrad ? noGrad(() => run(m, tt(k.x), tt(k.keyPaddingMask))) : run(m, tt(k.x), tt(k.keyPaddingMask));
      const [out, w] = Array.isArray(r) ? r : [r, null];
      expectClose(out, vals(k.output), TOL);
      if (k.weights) expectClose(w, vals(k.weights), TOL);
      else expect(w).toBeNull();
    });
  });
});
