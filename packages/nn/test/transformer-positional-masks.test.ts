/**
 * Transformer forward masks in PyTorch's positional order (`encoder(src, src_mask)`, as the nn.Transformer
 * language-model tutorial calls it), equal to the options form; wrong values are named errors.
 */
import { manualSeed, randn, triu, ones, Tensor } from '@tapegrad/core';
import { TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, Transformer } from '../src';

const causal = (n: number): Tensor => triu(ones([n, n]).mul(-Infinity), 1);
const same = (a: Tensor, b: Tensor) => expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));

describe('Transformer forward: positional masks', () => {
  manualSeed(0);
  const src = randn([4, 2, 8]), tgt = randn([3, 2, 8]);
  const pad = randn([2, 4]).gt(1);
  const opts = { dimFeedforward: 16, dropout: 0 };

  it('encoder layer and encoder: (src, mask, srcKeyPaddingMask)', () => {
    const layer = new TransformerEncoderLayer(8, 2, opts);
    same(layer.call(src, causal(4)), layer.call(src, { srcMask: causal(4) }));
    same(layer.call(src, null, pad), layer.call(src, { srcKeyPaddingMask: pad }));
    same(layer.call(src, causal(4), { srcKeyPaddingMask: pad }), layer.call(src, { srcMask: causal(4), srcKeyPaddingMask: pad }));
    const enc = new TransformerEncoder(layer, 2);
    same(enc.call(src, causal(4)), enc.call(src, { mask: causal(4) }));
    expect(() => enc.call(src, causal(4), { mask: causal(4) } as never)).toThrow(/TransformerEncoder.forward: got multiple values for argument 'mask'/);
    expect(() => enc.call(src, 'causal' as never)).toThrow(/TransformerEncoder.forward: argument 2 \(mask\) must be a Tensor or null, got the string 'causal'/);
    expect(() => enc.call(src, { srcMask: causal(4) } as never)).toThrow(/TransformerEncoder.forward: .*srcMask/);
  });

  it('decoder layer, decoder and Transformer: PyTorch\'s mask order', () => {
    const layer = new TransformerDecoderLayer(8, 2, opts);
    same(layer.call(tgt, src, causal(3)), layer.call(tgt, src, { tgtMask: causal(3) }));
    const dec = new TransformerDecoder(layer, 2);
    same(dec.call(tgt, src, causal(3), null, null, pad), dec.call(tgt, src, { tgtMask: causal(3), memoryKeyPaddingMask: pad }));
    const model = new Transformer(8, 2, { numEncoderLayers: 1, numDecoderLayers: 1, ...opts });
    same(model.call(src, tgt, null, causal(3)), model.call(src, tgt, { tgtMask: causal(3) }));
    expect(() => model.call(src, tgt, null, null, null, null, null, null, null as never)).toThrow(/Transformer.forward: takes at most 6 positional arguments/);
  });
});
