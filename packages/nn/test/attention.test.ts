import { Tensor, tensor, randn, zeros, manualSeed, gradcheck, noGrad } from '@tapegrad/core';
import { MultiheadAttention, Transformer } from '../src';
import { refCase, refInputs, loadRef, expectMatches, toTensor, num } from './attention.ref';
import { expectClose } from './helpers';

/** The element at a multi-index (row-major). */
const at = (t: Tensor, ...idx: number[]): number => t.dataSync()[idx.reduce((o, i, k) => o * t.shape[k] + i, 0)];

const d = { dtype: 'float64' } as const;

describe('MultiheadAttention: parameters and init', () => {
  it('has PyTorch\'s parameters in PyTorch\'s order, packed or separate', () => {
    const packed = new MultiheadAttention(8, 2);
    expect([...packed.namedParameters()].map(([n, p]) => [n, p.shape])).toEqual([
      ['in_proj_weight', [24, 8]], ['in_proj_bias', [24]], ['out_proj.weight', [8, 8]], ['out_proj.bias', [8]],
    ]);
    const sep = new MultiheadAttention(8, 2, { kdim: 6, vdim: 5, addBiasKv: true });
    expect(Object.keys(sep.stateDict())).toEqual(['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'bias_k', 'bias_v', 'out_proj.weight', 'out_proj.bias']);
    expect(sep.k_proj_weight!.shape).toEqual([8, 6]);
    expect(sep.v_proj_weight!.shape).toEqual([8, 5]);
    expect(sep.in_proj_weight).toBeNull();
    const nob = new MultiheadAttention(8, 2, { bias: false });
    expect(Object.keys(nob.stateDict())).toEqual(['in_proj_weight', 'out_proj.weight']);
  });

  it('initialises as PyTorch: xavier-uniform projections, zero biases, Linear out_proj', () => {
    manualSeed(3);
    const m = new MultiheadAttention(64, 4);
    const bound = Math.sqrt(6 / (64 + 192)); // fanIn 64, fanOut 192 of the [192, 64] packed weight
    const w = m.in_proj_weight!;
    expect(w.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(w.abs().max().item()).toBeGreaterThan(0.95 * bound);
    // U(−a, a) has variance a²/3: 12288 draws give it within a few percent
    expect(w.square().mean().item() / (bound * bound / 3)).toBeCloseTo(1, 1);
    expect(m.in_proj_bias!.abs().max().item()).toBe(0);
    expect(m.out_proj.bias!.abs().max().item()).toBe(0);
    expect(m.out_proj.weight.abs().max().item()).toBeLessThanOrEqual(1 / 8); // kaiming U(−1/√64, 1/√64)
  });
});

describe('MultiheadAttention against PyTorch 1.13 (float64, fixtures/pytorch/attention-cases.json)', () => {
  it('kdim/vdim: separate projections, sequence-first, averaged weights', () => {
    const c = refCase('mha_kdim_vdim');
    const m = new MultiheadAttention(8, 2, { kdim: 6, vdim: 5, ...d });
    loadRef(m, c);
    const x = refInputs(c);
    const [out, w] = m.call(x.query, x.key, x.value);
    expectClose(w, c.weights!.data.map(num));
    expectMatches(c, m, out, x);
  });

  it('addBiasKv and addZeroAttn with a 3-D float attnMask, a bool key padding mask and per-head weights', () => {
    const c = refCase('mha_bias_kv_zero_attn');
    const m = new MultiheadAttention(8, 2, { addBiasKv: true, addZeroAttn: true, batchFirst: true, ...d });
    loadRef(m, c);
    const x = refInputs(c);
    const [out, w] = m.call(x.query, x.kv, x.kv, { attnMask: x.attnMask, keyPaddingMask: x.keyPaddingMask, averageAttnWeights: false });
    expect(w!.shape).toEqual([2, 2, 3, 6]);
    expectClose(w, c.weights!.data.map(num));
    expectMatches(c, m, out, x);
  });

  it('unbatched input, no biases, bool [L, S] attnMask and a bool [S] key padding mask', () => {
    const c = refCase('mha_unbatched');
    const m = new MultiheadAttention(6, 3, { bias: false, ...d });
    loadRef(m, c);
    const x = refInputs(c);
    const [out, w] = m.call(x.query, x.key, x.value, { attnMask: x.attnMask, keyPaddingMask: x.keyPaddingMask });
    expect(out.shape).toEqual([4, 6]);
    expectClose(w, c.weights!.data.map(num));
    expectMatches(c, m, out, x);
  });

  it('a float key padding mask with −inf entries is added to the scores', () => {
    const c = refCase('mha_float_kpm');
    const m = new MultiheadAttention(6, 2, d);
    loadRef(m, c);
    const x = refInputs(c);
    const [out, w] = m.call(x.query, x.key, x.value, { keyPaddingMask: x.keyPaddingMask });
    expectClose(w, c.weights!.data.map(num));
    expectMatches(c, m, out, x);
  });

  it('self-attention with a bool causal mask and a bool key padding mask, batch first', () => {
    const c = refCase('mha_self_masks');
    const m = new MultiheadAttention(8, 4, { batchFirst: true, ...d });
    loadRef(m, c);
    const x = refInputs(c);
    const [out, w] = m.call(x.x, x.x, x.x, { attnMask: x.attnMask, keyPaddingMask: x.keyPaddingMask });
    expectClose(w, c.weights!.data.map(num));
    expectMatches(c, m, out, x);
  });

  it('gives the same values in float32 to float32 precision', () => {
    const c = refCase('mha_self_masks');
    const m = new MultiheadAttention(8, 4, { batchFirst: true });
    loadRef(m, c);
    const x = refInputs(c, 'float32');
    const [out] = m.call(x.x, x.x, x.x, { attnMask: x.attnMask, keyPaddingMask: x.keyPaddingMask });
    expect(out.dtype).toBe('float32');
    expectClose(out, c.output.data.map(num), 2e-5);
  });
});

describe('MultiheadAttention: masks and modes', () => {
  const m = new MultiheadAttention(4, 2, { batchFirst: true, ...d });
  const x = randn([2, 3, 4], d);

  it('a bool mask equals the float mask with −inf where it is true', () => {
    const bool = tensor([false, true, true, false, false, true, false, false, false], { dtype: 'bool' }).reshape([3, 3]);
    const float = zeros([3, 3], d).maskedFill(bool, -Infinity);
    const [a, wa] = m.call(x, x, x, { attnMask: bool });
    const [b, wb] = m.call(x, x, x, { attnMask: float });
    expectClose(a, Array.from(b.dataSync()), 1e-15);
    expectClose(wa, Array.from(wb!.dataSync()), 1e-15);
    expect(at(wa!, 0, 0, 1)).toBe(0);
  });

  it('a 3-D [N·H, L, S] mask applies per head', () => {
    const perHead = zeros([4, 3, 3], d);
    const [both] = m.call(x, x, x, { attnMask: perHead });
    const [none] = m.call(x, x, x);
    expectClose(both, Array.from(none.dataSync()), 1e-15);
  });

  it('needWeights false returns null; averageAttnWeights false gives [N, H, L, S] rows summing to 1', () => {
    expect(m.call(x, x, x, { needWeights: false })[1]).toBeNull();
    const w = m.call(x, x, x, { averageAttnWeights: false })[1]!;
    expect(w.shape).toEqual([2, 2, 3, 3]);
    expectClose(w.sum(-1), new Array(12).fill(1), 1e-14);
  });

  it('a query whose every key is masked gets NaN, as PyTorch', () => {
    const kpm = tensor([true, true, true, false, false, false], { dtype: 'bool' }).reshape([2, 3]);
    const [out] = m.call(x, x, x, { keyPaddingMask: kpm });
    expect(Number.isNaN(at(out, 0, 0, 0))).toBe(true);
    expect(Number.isNaN(at(out, 1, 0, 0))).toBe(false);
  });

  it('dropout on the weights in training only', () => {
    const md = new MultiheadAttention(4, 2, { dropout: 0.5, ...d });
    const q = randn([5, 1, 4], d);
    manualSeed(1);
    const w = md.call(q, q, q, { averageAttnWeights: false })[1]!;
    const vals = Array.from(w.dataSync());
    expect(vals.some((v) => v === 0)).toBe(true);
    // surviving weights are scaled by 1 / (1 − p): rows sum to 2·(kept mass), not 1
    expect(vals.some((v) => v > 1 / 5)).toBe(true);
    md.eval();
    const we = md.call(q, q, q)[1]!;
    expectClose(we.sum(-1), new Array(5).fill(1), 1e-14);
  });

  it('gradcheck through the projections, the masks and the softmax (float64)', () => {
    const small = new MultiheadAttention(4, 2, { kdim: 3, vdim: 2, addBiasKv: true, ...d });
    const q = randn([2, 1, 4], d).requiresGrad_();
    const k = randn([3, 1, 3], d).requiresGrad_();
    const v = randn([3, 1, 2], d).requiresGrad_();
    const mask = randn([2, 3], d);
    const r = gradcheck((a: Tensor, b: Tensor, c: Tensor) => small.call(a, b, c, { attnMask: mask })[0], [q, k, v]);
    expect(r.ok).toBe(true);
  });

  it('works with the Transformer\'s float causal mask', () => {
    const mask = Transformer.generateSquareSubsequentMask(3, d);
    const w = noGrad(() => m.call(x, x, x, { attnMask: mask })[1]!);
    expect(at(w, 0, 0, 1)).toBe(0);
    expect(at(w, 1, 0, 2)).toBe(0);
    expect(at(w, 1, 2, 0)).toBeGreaterThan(0);
  });
});

describe('MultiheadAttention: bad input', () => {
  const m = new MultiheadAttention(4, 2, { batchFirst: true, ...d });
  const x = randn([2, 3, 4], d);

  it('embedDim not divisible by numHeads', () => {
    expect(() => new MultiheadAttention(10, 3)).toThrow(/embedDim \(10\) must be divisible by numHeads \(3\)/);
    expect(() => new MultiheadAttention(8, 0)).toThrow(/numHeads must be a positive integer/);
    expect(() => new MultiheadAttention(8, 2, { batch_first: true } as never)).toThrow(/unknown option 'batch_first'/);
  });

  it('wrong input rank or feature size', () => {
    expect(() => m.call(randn([3, 4], d), x, x)).toThrow(/expected key and value to be 2-D/);
    expect(() => m.call(randn([1, 2, 3, 4], d), x, x)).toThrow(/query should be unbatched 2-D \[L, E\] or batched 3-D \[N, L, E\], got shape \[1, 2, 3, 4\]/);
    expect(() => m.call(randn([2, 3, 5], d), x, x)).toThrow(/query must have 4 features in its last dim, got shape \[2, 3, 5\]/);
    expect(() => m.call(x, randn([3, 3, 4], d), randn([3, 3, 4], d))).toThrow(/same batch size/);
    expect(() => m.call(x, x, randn([2, 2, 4], d))).toThrow(/same sequence length/);
    expect(() => m.call(tensor([[[1, 2, 3, 4]]], { dtype: 'int32' }), x, x)).toThrow(/floating point input, got int32/);
  });

  it('masks of the wrong shape: no silent broadcast', () => {
    expect(() => m.call(x, x, x, { attnMask: zeros([3], d) })).toThrow(/attnMask must be 2-D \[L, S\] or 3-D \[N·numHeads, L, S\], got shape \[3\]/);
    expect(() => m.call(x, x, x, { attnMask: zeros([1, 3], d) })).toThrow(/2-D attnMask is \[1, 3\], but should be \[3, 3\]/);
    expect(() => m.call(x, x, x, { attnMask: zeros([2, 3, 3], d) })).toThrow(/3-D attnMask is \[2, 3, 3\], but should be \[4, 3, 3\]/);
    expect(() => m.call(x, x, x, { keyPaddingMask: zeros([3], { dtype: 'bool' }) })).toThrow(/keyPaddingMask must have shape \[2, 3\] \(\[N, S\]\), got \[3\]/);
    expect(() => m.call(x, x, x, { keyPaddingMask: zeros([2, 1], { dtype: 'bool' }) })).toThrow(/keyPaddingMask must have shape \[2, 3\]/);
  });

  it('masks of the wrong dtype', () => {
    expect(() => m.call(x, x, x, { attnMask: zeros([3, 3], { dtype: 'int32' }) })).toThrow(/only bool and floating point attnMask are supported, got int32/);
    expect(() => m.call(x, x, x, { keyPaddingMask: zeros([2, 3], { dtype: 'int32' }) })).toThrow(/only bool and floating point keyPaddingMask are supported, got int32/);
  });

  it('unknown forward options', () => {
    expect(() => m.call(x, x, x, { key_padding_mask: null } as never)).toThrow(/unknown option 'key_padding_mask'/);
  });

  it('the fixture\'s masks decode as bool and float', () => {
    expect(toTensor(refCase('mha_unbatched').inputs[3]).dtype).toBe('bool');
    expect(at(toTensor(refCase('mha_float_kpm').inputs[3]), 0, 4)).toBe(-Infinity);
  });
});
