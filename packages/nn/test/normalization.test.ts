/** BatchNorm1d / LayerNorm vs PyTorch: outputs, gradients, running statistics, eval mode, errors. */
import { tensor, zeros, arange, Tensor } from '@tapegrad/core';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from '@tapegrad/nn';
import { REF } from './layers.ref';
import { expectClose } from './helpers';

const f64 = { dtype: 'float64' as const };
const XS = [
  [[1.0, 2.0, -1.0], [3.0, -2.0, 0.5], [0.0, 1.0, 4.0], [-1.0, 0.5, 2.0]],
  [[2.0, 0.0, 1.0], [4.0, 1.0, -3.0], [1.0, 2.0, 0.0], [0.5, -1.0, 1.5]],
  [[0.3, 0.6, 0.9], [-0.2, 1.4, 2.2], [1.1, -0.7, 0.4], [0.8, 0.1, -1.6]],
];

describe('BatchNorm1d', () => {
  it('training: batch stats (biased var) for the output, unbiased var for the running update — 3 steps vs PyTorch', () => {
    const bn = new BatchNorm1d(3, { dtype: 'float64' });
    bn.weight!.data = tensor([1.5, 0.5, -1.0], f64);
    bn.bias!.data = tensor([0.1, 0.2, 0.3], f64);
    const up = arange(12, undefined, 1, f64).reshape([4, 3]).div(6).sub(1);
    XS.forEach((data, i) => {
      const x = tensor(data, { ...f64, requiresGrad: true });
      const y = bn.call(x);
      y.backward(up);
      const ref = REF.bn_steps[i];
      expectClose(y, ref.y, 1e-10);
      expectClose(x.grad, ref.gx, 1e-10);
      expectClose(bn.runningMean, ref.rm, 1e-12);
      expectClose(bn.runningVar, ref.rv, 1e-12);
    });
    expect(bn.numBatchesTracked!.item()).toBe(3);
    expectClose(bn.weight!.grad, REF.bn_grads.gw, 1e-10);
    expectClose(bn.bias!.grad, REF.bn_grads.gb, 1e-10);
  });
  it('eval: normalises with the running stats and leaves them alone', () => {
    const bn = new BatchNorm1d(3, { dtype: 'float64' });
    bn.weight!.data = tensor([1.5, 0.5, -1.0], f64);
    bn.bias!.data = tensor([0.1, 0.2, 0.3], f64);
    for (const data of XS) bn.call(tensor(data, f64));
    const rm = Array.from(bn.runningMean!.dataSync());
    bn.eval();
    expectClose(bn.call(tensor([[1, 1, 1], [0, -1, 2]], f64)), REF.bn_eval, 1e-10);
    expect(Array.from(bn.runningMean!.dataSync())).toEqual(rm);
    expect(bn.numBatchesTracked!.item()).toBe(3);
  });
  it('[N, C, L] input with momentum null (cumulative average), affine false — vs PyTorch', () => {
    const bn = new BatchNorm1d(2, { momentum: null, affine: false, dtype: 'float64' });
    expect(bn.weight).toBeNull();
    expect([...bn.parameters()].length).toBe(0);
    const a = tensor([[[1, 2, 3], [0, -1, 1]], [[4, 0, -2], [2, 2, 5]]], f64);
    const ya = bn.call(a);
    const yb = bn.call(a.mul(0.5).add(1));
    expectClose(ya, REF.bn3.ya, 1e-10);
    expectClose(yb, REF.bn3.yb, 1e-10);
    expectClose(bn.runningMean, REF.bn3.rm, 1e-12);
    expectClose(bn.runningVar, REF.bn3.rv, 1e-12);
    expect(bn.numBatchesTracked!.item()).toBe(REF.bn3.n);
  });
  it('trackRunningStats false: batch statistics in eval mode too, no buffers', () => {
    const bn = new BatchNorm1d(2, { trackRunningStats: false });
    expect(bn.runningMean).toBeNull();
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias']);
    const x = tensor([[1, 10], [3, 20]], { dtype: 'float32' });
    const yTrain = Array.from(bn.call(x).dataSync());
    const yEval = Array.from(bn.eval().call(x).dataSync());
    expect(yEval).toEqual(yTrain);
    expect(yTrain[0]).toBeCloseTo(-1, 3);
  });
  it('errors: rank, channels, one value per channel in training', () => {
    const bn = new BatchNorm1d(3);
    expect(() => bn.call(zeros([2, 3, 4, 5]))).toThrow('BatchNorm1d: expected 2D or 3D input ([N, C] or [N, C, L]), got 4D input of shape [2, 3, 4, 5]');
    expect(() => bn.call(zeros([4, 5]))).toThrow('BatchNorm1d(3): expected input with 3 channels in dim 1, got shape [4, 5]');
    expect(() => bn.call(zeros([1, 3]))).toThrow(/expected more than 1 value per channel when training, got input size \[1, 3\]/);
    expect(bn.eval().call(zeros([1, 3])).shape).toEqual([1, 3]);
    expect(() => new BatchNorm2d(3).call(zeros([2, 3]))).toThrow(/BatchNorm2d: expected 4D input/);
    expect(() => new BatchNorm1d(0)).toThrow(/numFeatures must be a positive integer/);
  });
  it("an empty batch gives an empty output, leaves the running stats and counts the batch (PyTorch 1.13)", () => {
    // PyTorch: bn = nn.BatchNorm1d(3); bn(torch.randn(0, 3)) -> shape [0, 3]; running_mean 0, running_var 1, num_batches_tracked 1
    const bn = new BatchNorm1d(3, f64);
    const x = zeros([0, 3], f64).requiresGrad_();
    const y = bn.call(x);
    expect(y.shape).toEqual([0, 3]);
    expect(Array.from(bn.running_mean!.dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(bn.running_var!.dataSync())).toEqual([1, 1, 1]);
    expect(bn.num_batches_tracked!.item()).toBe(1);
    y.sum().backward();
    expect(x.grad!.shape).toEqual([0, 3]);
    const bn2 = new BatchNorm2d(3, f64);
    expect(bn2.call(zeros([2, 3, 0, 2], f64)).shape).toEqual([2, 3, 0, 2]);
    expect(Array.from(bn2.running_var!.dataSync())).toEqual([1, 1, 1]);
  });
  it('BatchNorm2d normalises each channel over N, H, W', () => {
    const x = tensor([[[[1, 2], [3, 4]], [[0, 0], [0, 8]]]], { dtype: 'float64' });
    const y = new BatchNorm2d(2, { dtype: 'float64' }).call(x);
    const c0 = Array.from(y.dataSync()).slice(0, 4);
    const sd = Math.sqrt(1.25 + 1e-5);
    expectClose(tensor(c0, f64), [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd], 1e-12);
  });
});

describe('LayerNorm', () => {
  it('matches PyTorch values and gradients', () => {
    const ln = new LayerNorm(4, { dtype: 'float64' });
    ln.weight!.data = tensor([1.0, 2.0, 0.5, -1.0], f64);
    ln.bias!.data = tensor([0.0, 0.1, 0.2, 0.3], f64);
    const x = tensor([[1.0, 2.0, 4.0, -1.0], [0.5, 0.5, 0.25, 3.0]], { ...f64, requiresGrad: true });
    const y = ln.call(x);
    y.backward(tensor([[1.0, -1.0, 2.0, 0.5], [0.3, 0.2, -0.4, 1.0]], f64));
    expectClose(y, REF.layernorm.y, 1e-10);
    expectClose(x.grad, REF.layernorm.gx, 1e-10);
    expectClose(ln.weight!.grad, REF.layernorm.gw, 1e-10);
    expectClose(ln.bias!.grad, REF.layernorm.gb, 1e-10);
  });
  it('over several trailing dims, no affine, eps 1e-3', () => {
    const ln = new LayerNorm([2, 2], { elementwiseAffine: false, eps: 1e-3 });
    expect([...ln.parameters()].length).toBe(0);
    expectClose(ln.call(tensor([[[1, 2], [3, 5]], [[0, 0], [0, 1]]], f64)), REF.layernorm2, 1e-10);
  });
  it('same in train and eval; wrong trailing shape is an error', () => {
    const ln = new LayerNorm(3);
    const x = tensor([[1, 2, 4]], { dtype: 'float32' });
    expect(Array.from(ln.eval().call(x).dataSync())).toEqual(Array.from(ln.train().call(x).dataSync()));
    expect(() => ln.call(zeros([2, 4]) as Tensor)).toThrow('layerNorm: given normalizedShape=[3], expected input with shape [*, 3], but got input of size [2, 4]');
  });
});

describe("PyTorch's positional eps; unknown option keys", () => {
  it('new BatchNorm1d(3, 1e-3) and new LayerNorm(3, 1e-6) set eps, as nn.BatchNorm1d(3, 1e-3) / nn.LayerNorm(3, 1e-6)', () => {
    expect(new BatchNorm1d(3, 1e-3).eps).toBe(1e-3);
    expect(new BatchNorm2d(3, 1e-3).eps).toBe(1e-3);
    expect(new LayerNorm(3, 1e-6).eps).toBe(1e-6);
  });
  it('snake_case keys are errors instead of silently keeping the defaults', () => {
    expect(() => new BatchNorm1d(3, { track_running_stats: false } as never)).toThrow(/BatchNorm1d: unknown option 'track_running_stats'.*expected one of eps, momentum, affine, trackRunningStats, dtype/);
    expect(() => new LayerNorm(3, { elementwise_affine: false } as never)).toThrow(/LayerNorm: unknown option 'elementwise_affine'/);
  });
});

describe('BatchNorm loadStateDict without num_batches_tracked', () => {
  it('fills it with 0 as PyTorch does for a plain dict; other missing keys stay errors', () => {
    // PyTorch: bn = nn.BatchNorm1d(2); two training calls; bn.load_state_dict({weight, bias, running_mean,
    // running_var}) -> "<All keys matched successfully>", bn.num_batches_tracked == tensor(0)
    const bn = new BatchNorm1d(2);
    bn.call(tensor([[1, 2], [3, 5], [0, 1], [2, 2]]));
    bn.call(tensor([[1, 0], [3, 1], [2, 1], [2, 4]]));
    expect(bn.num_batches_tracked!.item()).toBe(2);
    const r = bn.loadStateDict({ weight: tensor([2, 3]), bias: tensor([0.5, 0.25]), running_mean: tensor([1, -1]), running_var: tensor([4, 9]) });
    expect(r).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(bn.num_batches_tracked!.item()).toBe(0);
    expect(bn.num_batches_tracked!.dtype).toBe('int32');
    expect(Array.from(bn.running_var!.toArray() as number[])).toEqual([4, 9]);
    // PyTorch: Missing key(s) in state_dict: "bias", "running_mean", "running_var".
    expect(() => new BatchNorm1d(2).loadStateDict({ weight: zeros([2]) })).toThrow(/Missing key\(s\) in state_dict: "bias", "running_mean", "running_var"\./);
  });
});
