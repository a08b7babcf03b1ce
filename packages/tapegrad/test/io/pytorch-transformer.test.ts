/**
 * A two-layer nn.TransformerEncoder that PyTorch 1.13 saved (fixtures/pytorch/transformer-encoder-2.*,
 * written by fixtures/pytorch/attention.py): it loads strictly into the tapegrad module of the same
 * configuration and reproduces PyTorch's eval outputs to float32 precision.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { load, tensor, nn, noGrad, Tensor } from 'tapegrad';

const dir = join(__dirname, '../../../../fixtures/pytorch');
interface Ref { shape: number[]; dtype: string; data: (number | boolean | string)[] }
const fx = JSON.parse(readFileSync(join(dir, 'transformer-encoder-2.json'), 'utf8')) as Record<string, Ref> & { stateDictKeys: string[] };
const toTensor = (r: Ref): Tensor =>
  r.dtype === 'bool'
    ? tensor(r.data as boolean[], { dtype: 'bool' }).reshape(r.shape)
    : tensor(r.data.map((v) => (v === '-inf' ? -Infinity : Number(v))), { dtype: 'float32' }).reshape(r.shape);

const build = () =>
  new nn.TransformerEncoder(new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0.1, batchFirst: true }), 2, { norm: new nn.LayerNorm(16) });

function expectF32(got: Tensor, want: Ref): void {
  expect(got.shape).toEqual(want.shape);
  const g = got.dataSync();
  (want.data as number[]).forEach((v, i) => expect(Math.abs(g[i] - v)).toBeLessThan(2e-5 * Math.max(1, Math.abs(v))));
}

describe('PyTorch TransformerEncoder checkpoint (safetensors)', () => {
  const sd = load(join(dir, 'transformer-encoder-2.safetensors'));

  it('stateDict() keys equal PyTorch\'s, in order', () => {
    expect(Object.keys(build().stateDict())).toEqual(fx.stateDictKeys);
    expect(Object.keys(sd).sort()).toEqual([...fx.stateDictKeys].sort());
  });

  it('loads strictly and reproduces the eval outputs, without and with masks', () => {
    const model = build();
    const r = model.loadStateDict(sd); // strict
    expect(r).toEqual({ missingKeys: [], unexpectedKeys: [] });
    model.eval();
    const src = toTensor(fx.src);
    expectF32(noGrad(() => model.call(src)), fx.outputPlain);
    expectF32(noGrad(() => model.call(src, { mask: toTensor(fx.mask), srcKeyPaddingMask: toTensor(fx.srcKeyPaddingMask) })), fx.outputMasked);
  });

  it('refuses the checkpoint for another configuration, naming the mismatch', () => {
    const wrong = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 64, batchFirst: true }), 2, { norm: new nn.LayerNorm(16) });
    expect(() => wrong.loadStateDict(sd)).toThrow(/size mismatch for layers\.0\.linear1\.weight/);
    const noNorm = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true }), 2);
    expect(() => noNorm.loadStateDict(sd)).toThrow(/Unexpected key\(s\) in state_dict: "norm\.weight", "norm\.bias"/);
  });
});
