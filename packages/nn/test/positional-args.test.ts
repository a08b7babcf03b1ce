/**
 * PyTorch-style layer construction: the positional values of PyTorch 1.13's signatures (in its order),
 * then an options object of the rest, build the same layer as the options form: same parameters (from
 * the same seed) and the same output.
 */
import { Tensor, manualSeed, randn, tensor } from '@tapegrad/core';
import {
  Module, Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, Unfold, Fold,
  RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, MultiheadAttention, TransformerEncoderLayer, TransformerDecoderLayer, GroupNorm,
  BatchNorm1d, InstanceNorm1d, LayerNorm, Embedding, MarginRankingLoss, TripletMarginLoss, MultiMarginLoss, HuberLoss, HingeEmbeddingLoss, Upsample, UpsamplingBilinear2d, AdaptiveMaxPool2d, TransformerEncoder, Transformer,
} from '@tapegrad/nn';

/** The layer's parameters and its output for a fixed input, with the parameters drawn from seed 0. */
function run(make: () => Module, input: () => Tensor[]): number[][] {
  manualSeed(0);
  const m = make();
  m.eval();
  manualSeed(1);
  const out = (m.forward as (...xs: Tensor[]) => unknown)(...input());
  const flat = (v: unknown): number[] => (v instanceof Tensor ? Array.from(v.dataSync()) : Array.isArray(v) ? v.flatMap(flat) : []);
  return [...[...m.parameters()].map((p) => Array.from(p.dataSync())), flat(out)];
}

const x1 = () => [randn([2, 3, 9])];
const x2 = () => [randn([2, 3, 7, 7])];
const seq = () => [randn([5, 2, 4])];

const CASES: [string, () => Module, () => Module, () => Tensor[]][] = [
  ['Conv2d(3, 4, 3, 2, 1)', () => new Conv2d(3, 4, 3, 2, 1), () => new Conv2d(3, 4, 3, { stride: 2, padding: 1 }), x2],
  ['Conv2d(3, 4, 3, 1, 2, 2, 1, false)', () => new Conv2d(3, 4, 3, 1, 2, 2, 1, false), () => new Conv2d(3, 4, 3, { padding: 2, dilation: 2, bias: false }), x2],
  ["Conv2d(3, 3, 3, 1, 1, 1, 3, true, 'reflect')", () => new Conv2d(3, 3, 3, 1, 1, 1, 3, true, 'reflect'), () => new Conv2d(3, 3, 3, { padding: 1, groups: 3, paddingMode: 'reflect' }), x2],
  ["Conv1d(3, 4, 3, 1, 'same')", () => new Conv1d(3, 4, 3, 1, 'same'), () => new Conv1d(3, 4, 3, { padding: 'same' }), x1],
  ['Conv1d(3, 4, 3, 2, { bias: false })', () => new Conv1d(3, 4, 3, 2, { bias: false }), () => new Conv1d(3, 4, 3, { stride: 2, bias: false }), x1],
  ['ConvTranspose2d(3, 2, 3, 2, 1, 1)', () => new ConvTranspose2d(3, 2, 3, 2, 1, 1), () => new ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }), x2],
  ['ConvTranspose1d(3, 2, 3, 2, 0, 1, 1, false, 2)', () => new ConvTranspose1d(3, 2, 3, 2, 0, 1, 1, false, 2), () => new ConvTranspose1d(3, 2, 3, { stride: 2, outputPadding: 1, bias: false, dilation: 2 }), x1],
  ['MaxPool2d(3, 2, 1)', () => new MaxPool2d(3, 2, 1), () => new MaxPool2d(3, { stride: 2, padding: 1 }), x2],
  ['MaxPool2d(2, 1, 0, 2, false, true)', () => new MaxPool2d(2, 1, 0, 2, false, true), () => new MaxPool2d(2, { stride: 1, dilation: 2, ceilMode: true }), x2],
  ['MaxPool1d(2, 2)', () => new MaxPool1d(2, 2), () => new MaxPool1d(2, { stride: 2 }), x1],
  ['AvgPool2d(3, 2, 1, true, false, 5)', () => new AvgPool2d(3, 2, 1, true, false, 5), () => new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 5 }), x2],
  ['AvgPool1d(3, 2, 1, false, false)', () => new AvgPool1d(3, 2, 1, false, false), () => new AvgPool1d(3, { stride: 2, padding: 1, countIncludePad: false }), x1],
  ['Unfold(2, 1, 1, 2)', () => new Unfold(2, 1, 1, 2), () => new Unfold(2, { padding: 1, stride: 2 }), x2],
  ['Fold([4, 4], 2, 1, 0, 2)', () => new Fold([4, 4], 2, 1, 0, 2), () => new Fold([4, 4], 2, { stride: 2 }), () => [randn([1, 12, 4])]],
  ['LSTM(4, 3, 2)', () => new LSTM(4, 3, 2), () => new LSTM(4, 3, { numLayers: 2 }), seq],
  ['LSTM(4, 3, 1, false, true, 0, true, 2)', () => new LSTM(4, 3, 1, false, true, 0, true, 2), () => new LSTM(4, 3, { bias: false, batchFirst: true, bidirectional: true, projSize: 2 }), seq],
  ['GRU(4, 3, 2, { bidirectional: true })', () => new GRU(4, 3, 2, { bidirectional: true }), () => new GRU(4, 3, { numLayers: 2, bidirectional: true }), seq],
  ["RNN(4, 3, 2, 'relu', false)", () => new RNN(4, 3, 2, 'relu', false), () => new RNN(4, 3, { numLayers: 2, nonlinearity: 'relu', bias: false }), seq],
  ["RNNCell(4, 3, false, 'relu')", () => new RNNCell(4, 3, false, 'relu'), () => new RNNCell(4, 3, { bias: false, nonlinearity: 'relu' }), () => [randn([2, 4])]],
  ['LSTMCell(4, 3, false)', () => new LSTMCell(4, 3, false), () => new LSTMCell(4, 3, { bias: false }), () => [randn([2, 4])]],
  ['GRUCell(4, 3, false)', () => new GRUCell(4, 3, false), () => new GRUCell(4, 3, { bias: false }), () => [randn([2, 4])]],
  ['MultiheadAttention(4, 2, 0, false, true)', () => new MultiheadAttention(4, 2, 0, false, true), () => new MultiheadAttention(4, 2, { bias: false, addBiasKv: true }),
    () => { const q = randn([3, 2, 4]); return [q, q, q]; }],
  ["TransformerEncoderLayer(4, 2, 8, 0, 'gelu', 1e-6, false, true)", () => new TransformerEncoderLayer(4, 2, 8, 0, 'gelu', 1e-6, false, true),
    () => new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, activation: 'gelu', layerNormEps: 1e-6, normFirst: true }), () => [randn([3, 2, 4])]],
  ['TransformerDecoderLayer(4, 2, 8, { dropout: 0 })', () => new TransformerDecoderLayer(4, 2, 8, { dropout: 0 }), () => new TransformerDecoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 }),
    () => [randn([3, 2, 4]), randn([5, 2, 4])]],
  ['BatchNorm1d(4, 1e-3, 0.5, false)', () => new BatchNorm1d(4, 1e-3, 0.5, false), () => new BatchNorm1d(4, { eps: 1e-3, momentum: 0.5, affine: false }), () => [randn([3, 4])]],
  ['InstanceNorm1d(4, 1e-3, 0.1, true)', () => new InstanceNorm1d(4, 1e-3, 0.1, true), () => new InstanceNorm1d(4, { eps: 1e-3, affine: true }), () => [randn([2, 4, 5])]],
  ['LayerNorm(4, 1e-3, false)', () => new LayerNorm(4, 1e-3, false), () => new LayerNorm(4, { eps: 1e-3, elementwiseAffine: false }), () => [randn([2, 4])]],
  ['Embedding(10, 3, 0)', () => new Embedding(10, 3, 0), () => new Embedding(10, 3, { paddingIdx: 0 }), () => [tensor([[0, 2], [9, 0]], { dtype: 'int32' })]],
  ["Upsample(null, 2, 'bilinear', true)", () => new Upsample(null, 2, 'bilinear', true), () => new Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: true }), x2],
  ['Upsample([9, 9])', () => new Upsample([9, 9]), () => new Upsample({ size: [9, 9] }), x2],
  ['UpsamplingBilinear2d(null, 2)', () => new UpsamplingBilinear2d(null, 2), () => new UpsamplingBilinear2d({ scaleFactor: 2 }), x2],
  ['AdaptiveMaxPool2d(2, true)', () => new AdaptiveMaxPool2d(2, true), () => new AdaptiveMaxPool2d(2, { returnIndices: true }), x2],
  ['TransformerEncoder(layer, 2, new LayerNorm(4))',
    () => new TransformerEncoder(new TransformerEncoderLayer(4, 2, 8, 0), 2, new LayerNorm(4)),
    () => new TransformerEncoder(new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 }), 2, { norm: new LayerNorm(4) }), () => [randn([3, 2, 4])]],
  ['Transformer(4, 2, 1, 1, 8, 0)', () => new Transformer(4, 2, 1, 1, 8, 0), () => new Transformer(4, 2, { numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8, dropout: 0 }),
    () => [randn([3, 2, 4]), randn([5, 2, 4])]],
  ['MarginRankingLoss(0.5)', () => new MarginRankingLoss(0.5), () => new MarginRankingLoss({ margin: 0.5 }), () => [randn([6]), randn([6]), tensor([1, -1, 1, -1, 1, 1])]],
  ['TripletMarginLoss(0.5, 1, 1e-3, true)', () => new TripletMarginLoss(0.5, 1, 1e-3, true), () => new TripletMarginLoss({ margin: 0.5, p: 1, eps: 1e-3, swap: true }),
    () => [randn([4, 3]), randn([4, 3]), randn([4, 3])]],
  ["MultiMarginLoss(2, 0.5, w, { reduction: 'sum' })", () => new MultiMarginLoss(2, 0.5, tensor([1, 2, 3]), { reduction: 'sum' }),
    () => new MultiMarginLoss({ p: 2, margin: 0.5, weight: tensor([1, 2, 3]), reduction: 'sum' }), () => [randn([4, 3]), tensor([0, 2, 1, 1], { dtype: 'int32' })]],
  ["HuberLoss('sum', 0.5)", () => new HuberLoss('sum', 0.5), () => new HuberLoss({ reduction: 'sum', delta: 0.5 }), () => [randn([5]).mul(3), randn([5])]],
  ['HingeEmbeddingLoss(0.5)', () => new HingeEmbeddingLoss(0.5), () => new HingeEmbeddingLoss({ margin: 0.5 }), () => [randn([6]).abs(), tensor([1, -1, 1, -1, -1, 1])]],
  ['GroupNorm(2, 4, 1e-3, false)', () => new GroupNorm(2, 4, 1e-3, false), () => new GroupNorm(2, 4, { eps: 1e-3, affine: false }), () => [randn([2, 4, 3])]],
];

describe('layers take PyTorch positional arguments', () => {
  it.each(CASES)('%s has the parameters and output of the options form', (_label, positional, options, input) => {
    expect(run(positional, input)).toEqual(run(options, input));
  });

  it('the positional values are used (they change the layer)', () => {
    expect(new Conv2d(3, 8, 3, 2, 1).stride).toEqual([2, 2]);
    expect(new Conv2d(3, 8, 3, 2, 1).padding).toEqual([1, 1]);
    expect(new MaxPool2d(3, 2, 1).stride).toBe(2);
    expect(new MaxPool2d(2).stride).toBe(2); // stride defaults to kernelSize, as PyTorch's None
    expect(new LSTM(4, 3, 2).numLayers).toBe(2);
    expect(new RNN(4, 3, 2, 'relu').mode).toBe('RNN_RELU');
    expect(new LSTMCell(4, 3, false).bias_ih).toBeNull();
    // These three used to take only eps positionally and silently dropped PyTorch's later positional values.
    const bn = new BatchNorm1d(8, 1e-3, 0.2, false, false);
    expect([bn.eps, bn.momentum, bn.affine, bn.trackRunningStats, bn.weight]).toEqual([1e-3, 0.2, false, false, null]);
    expect(new InstanceNorm1d(8, 1e-5, 0.1, true).affine).toBe(true);
    expect(new LayerNorm(8, 1e-5, false).weight).toBeNull();
    expect(new MarginRankingLoss(0.5).margin).toBe(0.5);
    expect([new HuberLoss('sum', 0.5).reduction, new HuberLoss('sum', 0.5).delta]).toEqual(['sum', 0.5]);
    expect(run(() => new Conv2d(3, 4, 3, 2, 1), x2)).not.toEqual(run(() => new Conv2d(3, 4, 3, 1, 1), x2));
  });
});

describe('layer positional argument errors', () => {
  const loose = <T>(C: unknown) => C as new (...args: unknown[]) => T;

  it('a value given positionally and in the options', () => {
    expect(() => new Conv2d(3, 8, 3, 2, { stride: 1 })).toThrow("Conv2d: got multiple values for argument 'stride': number 2 as argument 4 and number 1 in the options; give it once");
    expect(() => new LSTM(4, 3, 2, { numLayers: 2 })).toThrow(/LSTM: got multiple values for argument 'numLayers'/);
  });

  it('a positional value of the wrong type, or too many', () => {
    expect(() => new (loose<Conv2d>(Conv2d))(3, 8, 3, 1, 1, 1, 1, 'false')).toThrow("Conv2d: argument 8 (bias) must be a boolean, got the string 'false'");
    expect(() => new (loose<MaxPool2d>(MaxPool2d))(2, '2')).toThrow("MaxPool2d: argument 2 (stride) must be a number, an array of numbers or null, got the string '2'");
    expect(() => new (loose<LSTM>(LSTM))(4, 3, true)).toThrow('LSTM: argument 3 (numLayers) must be a number, got boolean true');
    expect(() => new (loose<LSTMCell>(LSTMCell))(4, 3, true, 'tanh')).toThrow('LSTMCell: takes at most 1 positional argument (bias) before its options object, got 2');
    // PyTorch's padding_idx, max_norm, norm_type; scale_grad_by_freq (unsupported) is an error, not silently dropped.
    expect(new Embedding(10, 3, 0, 1.0, 1).maxNorm).toBe(1);
    expect(() => new (loose<Embedding>(Embedding))(10, 3, 0, 1.0, 2, true)).toThrow('Embedding: takes at most 3 positional arguments (paddingIdx, maxNorm, normType) before its options object, got 4');
  });

  it('unknown option keys are still errors, and range checks still apply', () => {
    expect(() => new (loose<Conv2d>(Conv2d))(3, 8, 3, 1, { padding_mode: 'reflect' })).toThrow(/Conv2d: unknown option 'padding_mode' \(did you mean 'paddingMode'\?\)/);
    expect(() => new RNN(4, 3, 1, 'sigmoid' as 'relu')).toThrow("RNN: unknown nonlinearity 'sigmoid'");
    expect(() => new GroupNorm(3, 4, 1e-5)).toThrow('GroupNorm: numChannels (4) must be divisible by numGroups (3)');
  });
});
