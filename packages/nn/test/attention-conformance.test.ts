/**
 * MultiheadAttention and the Transformer modules against PyTorch 1.13 in the configurations that
 * attention-cases.json lacks (float64, fixtures/pytorch/attention-conformance.json, written by
 * fixtures/pytorch/attention_conformance.py): mixed mask kinds, 3-D masks, needWeights false, every
 * decoder mask, normFirst / gelu / function activations, stacks, the full Transformer, unbatched inputs
 * and TransformerEncoder's eval-mode nested-tensor path.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, noGrad } from '@tapegrad/core';
import {
  Module, MultiheadAttention, TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder, Transformer, LayerNorm, F,
} from '../src';
import { RefCase, RefTensor, refInputs, loadRef, expectMatches, toTensor, num } from './attention.ref';
import { expectClose } from './helpers';

const doc = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/attention-conformance.json'), 'utf8')) as {
  cases: RefCase[];
  nestedEncoder: { stateDictKeys: string[]; params: (RefTensor & { name: string })[]; src: RefTensor; srcKeyPaddingMask: RefTensor; noGrad: RefTensor; grad: RefTensor };
  squareSubsequentMask4: RefTensor;
};
const refCase = (name: string): RefCase => {
  const c = doc.cases.find((x) => x.name === name);
  if (!c) throw new Error(`no case '${name}' in attention-conformance.json`);
  return c;
};
const d = { dtype: 'float64' } as const;

/**
 * Runs case `name` on `m` with `call` (which returns the output and the attention weights or null), in
 * float64, then again in float32 (the fused float32 softmax and row kernels) to float32 precision.
 */
function check<M extends Module>(name: string, m: M, call: (m: M, x: Record<string, Tensor>) => [Tensor, Tensor | null]): void {
  const c = refCase(name);
  loadRef(m, c);
  const x = refInputs(c);
  const [out, w] = call(m, x);
  if (c.weights) {
    expect(w!.shape).toEqual(c.weights.shape);
    expectClose(w, c.weights.data.map(num));
  } else {
    expect(w).toBeNull();
  }
  expectMatches(c, m, out, x);
  m.float();
  m.zeroGrad();
  loadRef(m, c);
  const x32 = refInputs(c, 'float32');
  const [o32, w32] = call(m, x32);
  expect(o32.dtype).toBe('float32');
  if (c.weights) expectClose(w32, c.weights.data.map(num), 1e-4);
  expectMatches(c, m, o32, x32, 2e-4);
}
const mhaCall = (m: MultiheadAttention, x: Record<string, Tensor>, extra: object = {}) =>
  m.call(x.query, x.key, x.value, { attnMask: x.attnMask ?? null, keyPaddingMask: x.keyPaddingMask ?? null, ...extra });

describe('MultiheadAttention against PyTorch 1.13 (attention-conformance.json)', () => {
  it('a float key padding mask with a bool attnMask: 1.13 or-s them, a nonzero float entry masking its key', () => {
    check('mha_bool_attn_float_kpm', new MultiheadAttention(6, 2, d), (m, x) => mhaCall(m, x));
  });
  it('a float attnMask with a bool key padding mask', () => {
    check('mha_float_attn_bool_kpm', new MultiheadAttention(6, 3, { batchFirst: true, ...d }), (m, x) => mhaCall(m, x));
  });
  it('a float key padding mask with finite entries alone is added to the scores', () => {
    check('mha_float_kpm_finite', new MultiheadAttention(4, 2, d), (m, x) => mhaCall(m, x));
  });
  it('a 3-D bool attnMask [N·H, L, S] with needWeights false (weights null)', () => {
    check('mha_3d_bool_no_weights', new MultiheadAttention(4, 2, d), (m, x) => mhaCall(m, x, { needWeights: false }));
  });
  it('an unbatched query with a 3-D [H, L, S] mask and per-head weights [H, L, S]', () => {
    check('mha_unbatched_3d_mask', new MultiheadAttention(6, 3, d), (m, x) => mhaCall(m, x, { averageAttnWeights: false }));
  });
  it('kdim/vdim without biases, addBiasKv, batch first, float attnMask and bool key padding mask', () => {
    check('mha_kdim_vdim_nobias_bias_kv', new MultiheadAttention(4, 2, { bias: false, addBiasKv: true, kdim: 3, vdim: 5, batchFirst: true, ...d }), (m, x) => mhaCall(m, x));
  });
  it('addZeroAttn alone with a bool key padding mask', () => {
    check('mha_zero_attn', new MultiheadAttention(4, 1, { addZeroAttn: true, ...d }), (m, x) => mhaCall(m, x));
  });
});

describe('Transformer modules against PyTorch 1.13 (attention-conformance.json)', () => {
  it('TransformerEncoderLayer: normFirst, gelu, layerNormEps, float srcMask and srcKeyPaddingMask, batch first', () => {
    check('enc_layer_norm_first_gelu', new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation: 'gelu', layerNormEps: 1e-3, batchFirst: true, normFirst: true, ...d }),
      (m, x) => [m.call(x.src, { srcMask: x.srcMask, srcKeyPaddingMask: x.srcKeyPaddingMask }), null]);
  });
  it('TransformerEncoderLayer: a function activation, unbatched src, bool srcMask', () => {
    check('enc_layer_fn_activation_unbatched', new TransformerEncoderLayer(8, 4, { dimFeedforward: 12, dropout: 0, activation: (t: Tensor) => t.tanh(), ...d }),
      (m, x) => [m.call(x.src, { srcMask: x.srcMask }), null]);
  });
  it('TransformerDecoderLayer: post-norm with all four masks, sequence first', () => {
    check('dec_layer_all_masks', new TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, ...d }),
      (m, x) => [m.call(x.tgt, x.memory, { tgtMask: x.tgtMask, memoryMask: x.memoryMask, tgtKeyPaddingMask: x.tgtKeyPaddingMask, memoryKeyPaddingMask: x.memoryKeyPaddingMask }), null]);
  });
  it('TransformerDecoder: two normFirst layers with F.gelu and a final norm, bool masks', () => {
    const layer = new TransformerDecoderLayer(8, 4, { dimFeedforward: 16, dropout: 0, batchFirst: true, normFirst: true, activation: F.gelu, ...d });
    check('decoder_2_norm_first_final_norm', new TransformerDecoder(layer, 2, { norm: new LayerNorm(8, d) }),
      (m, x) => [m.call(x.tgt, x.memory, { tgtMask: x.tgtMask, memoryMask: x.memoryMask }), null]);
  });
  it('TransformerEncoder: two layers, no final norm, mask and srcKeyPaddingMask', () => {
    check('encoder_2_no_norm', new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, ...d }), 2),
      (m, x) => [m.call(x.src, { mask: x.mask, srcKeyPaddingMask: x.srcKeyPaddingMask }), null]);
  });
  it('Transformer: all six masks, gelu, 1 + 2 layers; state-dict keys in PyTorch\'s order', () => {
    check('transformer_all_masks', new Transformer(8, 2, { numEncoderLayers: 1, numDecoderLayers: 2, dimFeedforward: 16, dropout: 0, activation: 'gelu', ...d }),
      (m, x) => [m.call(x.src, x.tgt, {
        srcMask: x.srcMask, tgtMask: x.tgtMask, memoryMask: x.memoryMask, srcKeyPaddingMask: x.srcKeyPaddingMask, tgtKeyPaddingMask: x.tgtKeyPaddingMask, memoryKeyPaddingMask: x.memoryKeyPaddingMask,
      }), null]);
  });
  it('Transformer: unbatched src and tgt, normFirst', () => {
    check('transformer_unbatched', new Transformer(8, 4, { numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8, dropout: 0, batchFirst: true, normFirst: true, ...d }),
      (m, x) => [m.call(x.src, x.tgt, { tgtMask: x.tgtMask }), null]);
  });
  it('generateSquareSubsequentMask(4) equals PyTorch\'s', () => {
    const want = doc.squareSubsequentMask4;
    const got = Transformer.generateSquareSubsequentMask(4);
    expect(got.shape).toEqual(want.shape);
    expect(Array.from(got.dataSync())).toEqual(want.data.map(num));
  });
});

describe("TransformerEncoder's eval-mode nested-tensor path (PyTorch 1.13)", () => {
  const n = doc.nestedEncoder;
  const make = (opts: { enableNestedTensor?: boolean } = {}) => {
    const enc = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true, ...d }), 2, { norm: new LayerNorm(8, d), ...opts });
    expect(Object.keys(enc.stateDict())).toEqual(n.stateDictKeys);
    enc.loadStateDict(Object.fromEntries(n.params.map((p) => [p.name, toTensor(p)])));
    return enc.eval();
  };
  it('without grad, a key padding mask and no src mask: padded positions are zeros before the final norm', () => {
    const enc = make();
    const out = noGrad(() => enc.call(toTensor(n.src), { srcKeyPaddingMask: toTensor(n.srcKeyPaddingMask) }));
    expectClose(out, n.noGrad.data.map(num));
  });
  it('enableNestedTensor false (also positional, after norm), a src mask or a mask that is not left-aligned: the dense values', () => {
    const kpm = toTensor(n.srcKeyPaddingMask);
    expectClose(noGrad(() => make({ enableNestedTensor: false }).call(toTensor(n.src), { srcKeyPaddingMask: kpm })), n.grad.data.map(num));
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true, ...d });
    const positional = new TransformerEncoder(layer, 2, new LayerNorm(8, d), false, true);
    expect([positional.enableNestedTensor, positional.maskCheck]).toEqual([false, true]);
    const enc = make();
    const zeros = Array.from(toTensor(n.src).dataSync(), () => 0);
    const mask = toTensor({ shape: [4, 4], dtype: 'float64', data: zeros.slice(0, 16) });
    const withMask = noGrad(() => enc.call(toTensor(n.src), { mask, srcKeyPaddingMask: kpm }));
    expectClose(withMask, n.grad.data.map(num));
    // a key padding mask that is not left-aligned keeps the dense path
    const holes = toTensor({ shape: [2, 4], dtype: 'bool', data: [false, true, false, false, false, false, true, true] });
    const dense = enc.call(toTensor(n.src), { srcKeyPaddingMask: holes });
    expectClose(noGrad(() => enc.call(toTensor(n.src), { srcKeyPaddingMask: holes })), Array.from(dense.dataSync()));
  });
  it('with grad on parameters that require it: the dense values everywhere', () => {
    const enc = make();
    const out = enc.call(toTensor(n.src), { srcKeyPaddingMask: toTensor(n.srcKeyPaddingMask) });
    expectClose(out, n.grad.data.map(num));
  });
});
