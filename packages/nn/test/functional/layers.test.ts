/** functional layers: linear, bilinear, batchNorm, layerNorm, embedding, dropout — argument errors. */
import { tensor, zeros, ones } from '@tapegrad/core';
import { F, Linear, LayerNorm, BatchNorm1d, Bilinear, Maxout } from '@tapegrad/nn';
import { expectClose } from '../helpers';

describe('functional layers', () => {
  it('F.linear = x·Wᵀ + b', () => {
    const y = F.linear(tensor([[1, 2]], { dtype: 'float32' }), tensor([[1, 0], [2, 3]], { dtype: 'float32' }), tensor([0.5, -1], { dtype: 'float32' }));
    expectClose(y, [[1.5, 7]], 1e-7);
    expectClose(F.linear(tensor([[1, 2]], { dtype: 'float32' }), tensor([[1, 1]], { dtype: 'float32' })), [[3]], 1e-7);
  });
  it('F.batchNorm in eval needs running stats; weights must match the channels', () => {
    expect(() => F.batchNorm(zeros([2, 3]), null, null)).toThrow(/runningMean and runningVar must be given when training is false/);
    expect(() => F.batchNorm(zeros([2, 3]), zeros([4]), ones([4]))).toThrow(/runningMean should contain 3 elements \(the channels of input \[2, 3\]\) not 4/);
    expect(() => F.batchNorm(zeros([3]), null, null, { training: true })).toThrow(/at least 2 dims/);
    expectClose(F.batchNorm(tensor([[1, 2], [3, 6]], { dtype: 'float64' }), null, null, { training: true, eps: 0 }), [[-1, -1], [1, 1]], 1e-12);
  });
  it('F.layerNorm checks weight shape', () => {
    expect(() => F.layerNorm(zeros([2, 3]), [3], { weight: ones([2]) })).toThrow(/layerNorm: weight must have shape \[3\], got \[2\]/);
  });
  it('integer inputs get a clear error from every float layer', () => {
    const ints = tensor([[0, 1]], { dtype: 'int32' });
    expect(() => new Linear(2, 1).call(ints)).toThrow(
      "Linear(2, 1): expected a floating point input, got int32 (convert it with .float(), or create it without { dtype: 'int32' })",
    );
    expect(() => new Maxout(2, 1).call(ints)).toThrow(/Maxout\(2, 1, k=2\): expected a floating point input, got int32/);
    expect(() => new LayerNorm(2).call(ints)).toThrow(/layerNorm: expected a floating point input, got int32/);
    expect(() => new BatchNorm1d(2).call(tensor([[0, 1], [1, 0]], { dtype: 'int32' }))).toThrow(/BatchNorm1d: expected a floating point input, got int32/);
    expect(() => new Bilinear(2, 2, 1).call(ints, ints)).toThrow(/bilinear: expected a floating point input, got int32/);
    expect(() => F.dropout(ints, 0.5)).toThrow(/dropout: expected a floating point tensor, got int32/);
  });
});
