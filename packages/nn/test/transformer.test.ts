import { Tensor, randn, manualSeed, gradcheck, noGrad, tensor } from '@tapegrad/core';
import {
  TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder, Transformer, LayerNorm, GELU, F,
} from '../src';
import { refCase, refInputs, loadRef, expectMatches } from './attention.ref';
import { expectClose } from './helpers';

const d = { dtype: 'float64' } as const;

describe('Transformer layers against PyTorch 1.13 (float64, fixtures/pytorch/attention-cases.json)', () => {
  it('TransformerDecoderLayer: pre-norm, gelu, causal float tgtMask, bool memory key padding mask', () => {
    const c = refCase('decoder_layer');
    const m = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation: 'gelu', normFirst: true, ...d });
    loadRef(m, c);
    const x = refInputs(c);
    const out = m.call(x.tgt, x.memory, { tgtMask: x.tgtMask, memoryKeyPaddingMask: x.memoryKeyPaddingMask });
    expectMatches(c, m, out, x);
  });

  it('TransformerEncoderLayer: post-norm, relu, sequence-first, bool srcKeyPaddingMask', () => {
    const c = refCase('encoder_layer_kpm');
    const m = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, ...d });
    loadRef(m, c);
    const x = refInputs(c);
    expectMatches(c, m, m.call(x.src, { srcKeyPaddingMask: x.srcKeyPaddingMask }), x);
  });

  it('Transformer: 2 encoder layers, 1 decoder layer, final norms, batch first; state-dict keys in PyTorch\'s order', () => {
    const c = refCase('transformer');
    const m = new Transformer(8, 2, { numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0, batchFirst: true, ...d });
    loadRef(m, c); // checks Object.keys(stateDict()) against PyTorch's list first
    const x = refInputs(c);
    expectMatches(c, m, m.call(x.src, x.tgt, { tgtMask: x.tgtMask }), x);
  });
});

describe('Transformer structure', () => {
  it('encoder stacks hold deep copies of the layer, with their own parameters', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const enc = new TransformerEncoder(layer, 3, { norm: new LayerNorm(8) });
    const copies = [0, 1, 2].map((i) => enc.layers.get<TransformerEncoderLayer>(i));
    expect(new Set(copies).size).toBe(3);
    expect(copies.some((l) => l === layer)).toBe(false);
    expect(copies[1].linear1.weight).not.toBe(layer.linear1.weight);
    expectClose(copies[1].linear1.weight, Array.from(layer.linear1.weight.dataSync()), 0);
    noGrad(() => copies[0].linear1.weight.fill_(0));
    expect(copies[1].linear1.weight.abs().sum().item()).toBeGreaterThan(0);
    expect(enc.numParameters()).toBe(3 * layer.numParameters() + 16);
    expect(Object.keys(enc.stateDict()).slice(-2)).toEqual(['norm.weight', 'norm.bias']);
  });

  it('decoder layer keys in PyTorch\'s order', () => {
    expect(Object.keys(new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }).stateDict())).toEqual([
      'self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight', 'self_attn.out_proj.bias',
      'multihead_attn.in_proj_weight', 'multihead_attn.in_proj_bias', 'multihead_attn.out_proj.weight', 'multihead_attn.out_proj.bias',
      'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias',
      'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias', 'norm3.weight', 'norm3.bias',
    ]);
    const dec = new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }), 2);
    expect(Object.keys(dec.stateDict())[0]).toBe('layers.0.self_attn.in_proj_weight');
    expect(Object.keys(dec.stateDict()).length).toBe(36);
  });

  it('PyTorch\'s defaults: dimFeedforward 2048, 6 + 6 layers, dModel 512', () => {
    const l = new TransformerEncoderLayer(16, 2);
    expect(l.linear1.weight.shape).toEqual([2048, 16]);
    expect(l.dropout.p).toBe(0.1);
    expect(l.norm1.eps).toBe(1e-5);
    const t = new Transformer(16, 2, { dimFeedforward: 8 });
    expect((t.encoder as TransformerEncoder).numLayers).toBe(6);
    expect((t.decoder as TransformerDecoder).numLayers).toBe(6);
  });

  it("initialises as PyTorch: Transformer re-draws every matrix xavier-uniform, keeps the biases; a lone layer's Linears keep their init", () => {
    manualSeed(21);
    const E = 32, Fd = 96;
    const t = new Transformer(E, 4, { numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: Fd });
    const maxAbs = (p: Tensor) => p.abs().max().item();
    const bounds: Record<string, number> = {
      in_proj_weight: Math.sqrt(6 / (E + 3 * E)), 'out_proj.weight': Math.sqrt(6 / (2 * E)), 'linear1.weight': Math.sqrt(6 / (E + Fd)), 'linear2.weight': Math.sqrt(6 / (E + Fd)),
    };
    for (const [name, p] of t.namedParameters()) {
      const key = Object.keys(bounds).find((k) => name.endsWith(k));
      if (p.ndim > 1) {
        expect(key).toBeDefined();
        expect([name, maxAbs(p) <= bounds[key!], maxAbs(p) > 0.9 * bounds[key!]]).toEqual([name, true, true]);
      } else if (name.endsWith('in_proj_bias') || name.endsWith('out_proj.bias') || (name.includes('norm') && name.endsWith('bias'))) {
        expect([name, maxAbs(p)]).toEqual([name, 0]);
      } else if (name.endsWith('linear1.bias')) {
        expect(maxAbs(p)).toBeLessThanOrEqual(1 / Math.sqrt(E)); // Linear's U(−1/√fanIn, 1/√fanIn), untouched
      }
    }
    // a layer on its own: Linear's kaiming-uniform weights, U(−1/√fanIn, 1/√fanIn)
    const layer = new TransformerEncoderLayer(E, 4, { dimFeedforward: Fd });
    expect(maxAbs(layer.linear1.weight)).toBeLessThanOrEqual(1 / Math.sqrt(E));
    expect(maxAbs(layer.linear1.weight)).toBeGreaterThan(0.9 / Math.sqrt(E));
    expect(maxAbs(layer.linear2.weight)).toBeLessThanOrEqual(1 / Math.sqrt(Fd));
  });

  it('generateSquareSubsequentMask: 0 on and below the diagonal, −inf above', () => {
    const m = Transformer.generateSquareSubsequentMask(4);
    expect(m.dtype).toBe('float32');
    const v = Array.from(m.dataSync());
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(v[i * 4 + j]).toBe(j > i ? -Infinity : 0);
    expect(Transformer.generateSquareSubsequentMask(2, d).dtype).toBe('float64');
  });

  it('causal encoder: an output does not depend on later positions', () => {
    manualSeed(0);
    const enc = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true, ...d }), 2);
    const x = randn([1, 5, 8], d).requiresGrad_();
    const y = enc.call(x, { mask: Transformer.generateSquareSubsequentMask(5, d) });
    // a weighted sum: a plain sum of a LayerNorm output over its features is constant
    y.narrow(1, 2, 1).mul(randn([1, 1, 8], d)).sum().backward();
    const g = Array.from(x.grad!.dataSync());
    expect(g.slice(3 * 8).every((v) => v === 0)).toBe(true);
    expect(g.slice(0, 3 * 8).some((v) => v !== 0)).toBe(true);
  });

  it('activation as a function and as a Module give the same values; a Module becomes a child', () => {
    manualSeed(1);
    const a = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation: (t: Tensor) => F.gelu(t), ...d });
    const b = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation: new GELU(), ...d });
    b.loadStateDict(a.stateDict());
    const x = randn([3, 2, 8], d);
    expectClose(b.call(x), Array.from(a.call(x).dataSync()), 1e-15);
    expect([...b.namedChildren()].map(([n]) => n)).toContain('activation');
  });

  it('unbatched input [L, E]', () => {
    const l = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, ...d });
    const x = randn([4, 8], d);
    const y = l.call(x);
    expect(y.shape).toEqual([4, 8]);
    expectClose(y, Array.from(l.call(x.unsqueeze(1)).squeeze(1).dataSync()), 1e-14);
  });

  it('gradcheck of an encoder layer with a causal mask (float64)', () => {
    manualSeed(2);
    const l = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, normFirst: true, activation: 'gelu', ...d });
    const mask = Transformer.generateSquareSubsequentMask(3, d);
    const r = gradcheck((x: Tensor) => l.call(x, { srcMask: mask }), [randn([3, 1, 4], d).requiresGrad_()]);
    expect(r.ok).toBe(true);
  });

  it('trains: dropout active in training mode, off in eval', () => {
    manualSeed(3);
    const l = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.5 });
    const x = randn([4, 2, 8]);
    const y1 = l.call(x), y2 = l.call(x);
    expect(y1.sub(y2).abs().max().item()).toBeGreaterThan(0);
    l.eval();
    expectClose(l.call(x), Array.from(l.call(x).dataSync()), 0);
  });
});

describe('Transformer: bad input', () => {
  it('dModel not divisible by nhead, bad sizes, unknown options', () => {
    expect(() => new TransformerEncoderLayer(10, 4)).toThrow(/TransformerEncoderLayer: dModel \(10\) must be divisible by nhead \(4\)/);
    expect(() => new TransformerDecoderLayer(8, 3)).toThrow(/TransformerDecoderLayer: dModel \(8\) must be divisible by nhead \(3\)/);
    expect(() => new TransformerEncoderLayer(8, 2, { dimFeedforward: 0 })).toThrow(/dimFeedforward must be a positive integer/);
    expect(() => new TransformerEncoderLayer(8, 2, { activation: 'tanh' as never })).toThrow(/activation should be 'relu', 'gelu', a function or a Module, not "tanh"/);
    expect(() => new TransformerEncoderLayer(8, 2, { dim_feedforward: 16 } as never)).toThrow(/unknown option 'dim_feedforward'/);
    expect(() => new TransformerEncoder(new TransformerEncoderLayer(8, 2), 0)).toThrow(/numLayers must be a positive integer, got 0/);
  });

  it('wrong input rank or feature size', () => {
    const l = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true });
    expect(() => l.call(randn([2, 3, 6]))).toThrow(/expected src with 8 features \(dModel\) in the last dim, got shape \[2, 3, 6\]/);
    expect(() => l.call(randn([8]))).toThrow(/expected src unbatched \[L, 8\] or batched \[N, L, 8\], got shape \[8\]/);
    const dec = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 });
    expect(() => dec.call(randn([3, 2, 8]), randn([4, 8]))).toThrow(/both be batched or both unbatched/);
    const t = new Transformer(8, 2, { numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 });
    expect(() => t.call(randn([3, 2, 8]), randn([3, 4, 8]))).toThrow(/the batch number of src \[3, 2, 8\] and tgt \[3, 4, 8\] must be equal/);
    expect(() => t.call(randn([3, 2, 8]), randn([3, 2, 4]))).toThrow(/must be equal to dModel \(8\)/);
  });

  it('masks of the wrong shape or dtype name the layer', () => {
    const l = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true });
    const x = randn([2, 3, 8]);
    expect(() => l.call(x, { srcMask: Transformer.generateSquareSubsequentMask(4) })).toThrow(/MultiheadAttention\(8, 2\): the shape of the 2-D attnMask is \[4, 4\], but should be \[3, 3\]/);
    expect(() => l.call(x, { srcKeyPaddingMask: tensor([[0, 0, 1], [0, 0, 0]], { dtype: 'int32' }) })).toThrow(/only bool and floating point keyPaddingMask are supported, got int32/);
    expect(() => l.call(x, { src_mask: null } as never)).toThrow(/unknown option 'src_mask'/);
  });
});
