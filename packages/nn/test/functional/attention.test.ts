import { Tensor, randn, tensor, zeros, gradcheck, gradgradcheck, manualSeed, ones } from '@tapegrad/core';
import { F } from '../../src';
import { refCase, refInputs, toTensor, expectMatches } from '../attention.ref';
import { expectClose } from '../helpers';

const d = { dtype: 'float64' } as const;

describe('F.scaledDotProductAttention against PyTorch (float64)', () => {
  it('bool mask [L, S]: true = takes part (PyTorch 2.0 semantics; 1.13\'s _scaled_dot_product_attention)', () => {
    const c = refCase('sdpa_bool_mask');
    const x = refInputs(c);
    const out = F.scaledDotProductAttention(x.query, x.key, x.value, { attnMask: toTensor(c.attnMask!) });
    expectMatches(c, null, out, x);
  });

  it('isCausal with L < S: key j allowed for query i when j ≤ i', () => {
    const c = refCase('sdpa_causal');
    const x = refInputs(c);
    expectMatches(c, null, F.scaledDotProductAttention(x.query, x.key, x.value, { isCausal: true }), x);
  });

  it('float mask [N, 1, L, S] broadcast over the heads, added to the scores', () => {
    const c = refCase('sdpa_float_mask');
    const x = refInputs(c);
    expectMatches(c, null, F.scaledDotProductAttention(x.query, x.key, x.value, { attnMask: x.attnMask }), x);
  });
});

describe('F.scaledDotProductAttention', () => {
  it('equals softmax(q·kᵀ/√E)·v written out, for 2-D and 3-D inputs', () => {
    manualSeed(0);
    for (const shape of [[3, 4], [2, 3, 4]]) {
      const q = randn(shape, d), k = randn(shape, d), v = randn(shape, d);
      const want = q.matmul(k.transpose(-2, -1)).div(2).softmax(-1).matmul(v);
      expectClose(F.scaledDotProductAttention(q, k, v), Array.from(want.dataSync()), 1e-14);
    }
  });

  it('scale replaces 1/√E; a bool mask equals the float mask with −inf where it is false', () => {
    const q = randn([2, 3, 4], d), k = randn([2, 5, 4], d), v = randn([2, 5, 2], d);
    const keep = tensor([true, false, true, true, false], { dtype: 'bool' }).reshape([1, 5]);
    const a = F.scaledDotProductAttention(q, k, v, { attnMask: keep, scale: 0.3 });
    const b = F.scaledDotProductAttention(q, k, v, { attnMask: zeros([1, 5], d).maskedFill(keep.logicalNot(), -Infinity), scale: 0.3 });
    expectClose(a, Array.from(b.dataSync()), 1e-15);
    const want = q.matmul(k.transpose(-2, -1)).mul(0.3).add(zeros([1, 5], d).maskedFill(keep.logicalNot(), -Infinity)).softmax(-1).matmul(v);
    expectClose(a, Array.from(want.dataSync()), 1e-14);
  });

  it('dropoutP > 0 drops weights even outside a module (as PyTorch), seeded', () => {
    const q = randn([1, 6, 4], d);
    manualSeed(5);
    const a = F.scaledDotProductAttention(q, q, q, { dropoutP: 0.5 });
    manualSeed(5);
    const b = F.scaledDotProductAttention(q, q, q, { dropoutP: 0.5 });
    expectClose(a, Array.from(b.dataSync()), 0);
    expect(a.sub(F.scaledDotProductAttention(q, q, q)).abs().max().item()).toBeGreaterThan(0);
  });

  it('gradcheck and gradgradcheck with a causal mask', () => {
    const q = randn([2, 3, 2], d).requiresGrad_(), k = randn([2, 3, 2], d).requiresGrad_(), v = randn([2, 3, 2], d).requiresGrad_();
    const f = (a: Tensor, b: Tensor, c: Tensor) => F.scaledDotProductAttention(a, b, c, { isCausal: true });
    expect(gradcheck(f, [q, k, v]).ok).toBe(true);
    expect(gradgradcheck(f, [q, k, v]).ok).toBe(true);
  });

  it('gradient with respect to a broadcast float mask (fused backward and createGraph)', () => {
    const q = randn([2, 2, 3, 2], d).requiresGrad_(), k = randn([2, 2, 4, 2], d).requiresGrad_(), v = randn([2, 2, 4, 2], d);
    const m = randn([2, 1, 1, 4], d).requiresGrad_();
    const f = (a: Tensor, b: Tensor, c: Tensor) => F.scaledDotProductAttention(a, b, v, { attnMask: c, scale: 0.7 });
    expect(gradcheck(f, [q, k, m]).ok).toBe(true);
    expect(gradgradcheck(f, [q, k, m]).ok).toBe(true);
  });

  it('bad input: ranks, sizes, masks, options', () => {
    const q = randn([2, 3, 4]), k = randn([2, 5, 4]), v = randn([2, 5, 2]);
    expect(() => F.scaledDotProductAttention(randn([4]), randn([4]), randn([4]))).toThrow(/expected query, key and value of at least 2 dims/);
    expect(() => F.scaledDotProductAttention(q, randn([2, 5, 3]), v)).toThrow(/key's last dim \(3, shape \[2, 5, 3\]\) must equal query's embedding size 4/);
    expect(() => F.scaledDotProductAttention(q, randn([3, 5, 4]), v)).toThrow(/leading \(batch\) dims of query \[2, 3, 4\], key \[3, 5, 4\] and value \[2, 5, 2\] do not broadcast/);
    expect(() => F.scaledDotProductAttention(q, k, randn([2, 4, 2]))).toThrow(/value \[2, 4, 2\] must have as many positions as key/);
    expect(() => F.scaledDotProductAttention(q, k, v, { attnMask: ones([5], { dtype: 'bool' }) })).toThrow(/attnMask of shape \[5\] does not broadcast to \[\.\.\., L, S\] = \[2, 3, 5\]/);
    expect(() => F.scaledDotProductAttention(q, k, v, { attnMask: ones([3, 4], { dtype: 'bool' }) })).toThrow(/attnMask of shape \[3, 4\] does not broadcast/);
    expect(() => F.scaledDotProductAttention(q, k, v, { attnMask: ones([3, 5], { dtype: 'int32' }) })).toThrow(/only bool and floating point attnMask are supported, got int32/);
    expect(() => F.scaledDotProductAttention(q, k, v, { attnMask: ones([3, 5], { dtype: 'bool' }), isCausal: true })).toThrow(/explicit attnMask should not be set when isCausal is true/);
    expect(() => F.scaledDotProductAttention(q, k, v, { dropoutP: 2 })).toThrow(/dropoutP must be between 0 and 1/);
    expect(() => F.scaledDotProductAttention(q, k, v, { is_causal: true } as never)).toThrow(/unknown option 'is_causal'/);
  });
});
