/**
 * BatchNorm2d/3d, BatchNorm1d on 3-D input, InstanceNorm1d/2d and GroupNorm against PyTorch 1.13
 * (fixtures/pytorch/norm-layers.json, written by fixtures/pytorch/pooling_norm.py): outputs and input
 * gradients over training steps, running statistics (momentum, cumulative average, unbiased variance),
 * num_batches_tracked, eval-mode outputs and state-dict keys. Plus the functional forms and errors.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, tensor, zeros, ones, cos, arange } from '@tapegrad/core';
import {
  Module, Linear, ReLU, Sequential, BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, GroupNorm, NormBase, F,
} from '@tapegrad/nn';
import { expectClose } from './helpers';

interface Flat { shape: number[]; data: number[] }
interface Step { x: Flat; y: Flat; gx: Flat; runningMean?: number[]; runningVar?: number[]; numBatchesTracked?: number }
interface Entry { steps: Step[]; eval: { x: Flat; y: Flat }; params: Record<string, Flat>; stateDictKeys: string[] }
const REF = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/norm-layers.json'), 'utf8')).layers as Record<string, Entry> & { sequentialStateDictKeys: string[] };

type DT = 'float32' | 'float64';
const BUILD: Record<string, (dtype: DT) => Module> = {
  batchNorm2d: (dtype) => new BatchNorm2d(3, { dtype }),
  batchNorm2dCumulative: (dtype) => new BatchNorm2d(2, { momentum: null, dtype }),
  batchNorm3d: (dtype) => new BatchNorm3d(2, { momentum: 0.3, dtype }),
  batchNorm1d3d: (dtype) => new BatchNorm1d(3, { dtype }),
  instanceNorm2dTracked: (dtype) => new InstanceNorm2d(3, { affine: true, trackRunningStats: true, dtype }),
  instanceNorm1d: (dtype) => new InstanceNorm1d(2, { dtype }),
  instanceNorm1dTrackedUnbatched: (dtype) => new InstanceNorm1d(2, { momentum: 0.2, trackRunningStats: true, dtype }),
  groupNorm: (dtype) => new GroupNorm(2, 4, { dtype }),
  groupNormNoAffine: (dtype) => new GroupNorm(3, 6, { eps: 1e-3, affine: false, dtype }),
};

const t = (f: Flat, dtype: DT): Tensor => tensor(f.data, { dtype }).reshape(f.shape);
const upstream = (shape: number[], dtype: DT): Tensor =>
  cos(arange(0, shape.reduce((a, b) => a * b, 1), 1, { dtype: 'float64' })).reshape(shape).to(dtype);

describe('normalisation layers against PyTorch 1.13', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? 1e-10 : 2e-5;
    test.each(Object.keys(BUILD))(`${dtype}: %s — training steps, running stats, eval, state-dict keys`, (name) => {
      const ref = REF[name];
      const m = BUILD[name](dtype);
      expect(Object.keys(m.stateDict())).toEqual(ref.stateDictKeys);
      m.loadStateDict(Object.fromEntries(Object.entries(ref.params).map(([k, v]) => [k, t(v, dtype)])), { strict: false });
      for (const s of ref.steps) {
        const x = t(s.x, dtype).requiresGrad_();
        const y = m.call(x) as Tensor;
        expect(y.shape).toEqual(s.y.shape);
        expectClose(y, s.y.data, tol);
        y.mul(upstream(y.shape, dtype)).sum().backward();
        expectClose(x.grad, s.gx.data, tol * 10);
        if (s.runningMean) {
          const n = m as NormBase;
          expectClose(n.runningMean, s.runningMean, tol);
          expectClose(n.runningVar, s.runningVar, tol);
          expect(n.numBatchesTracked!.item()).toBe(s.numBatchesTracked);
          expect(n.numBatchesTracked!.dtype).toBe('int32');
        }
      }
      m.eval();
      expectClose(m.call(t(ref.eval.x, dtype)) as Tensor, ref.eval.y.data, tol);
    });
  }

  it("a model's state dict has PyTorch's keys in PyTorch's order", () => {
    // PyTorch's model starts with a Conv2d(1, 2, 3); a Linear has the same parameter names.
    const m = new Sequential(new Linear(1, 2), new BatchNorm2d(2), new ReLU(), new GroupNorm(1, 2), new InstanceNorm2d(2, { trackRunningStats: true }));
    expect(Object.keys(m.stateDict())).toEqual(REF.sequentialStateDictKeys);
    expect([...m.namedBuffers()].map(([n]) => n)).toEqual(['1.running_mean', '1.running_var', '1.num_batches_tracked', '4.running_mean', '4.running_var', '4.num_batches_tracked']);
  });

  it('the camelCase fields are the buffers, also after to()', () => {
    const bn = new BatchNorm2d(2);
    expect(bn.runningMean).toBe(bn.running_mean);
    bn.to('float64');
    expect(bn.runningVar!.dtype).toBe('float64');
    expect(bn.runningVar).toBe(bn.running_var);
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    bn.runningMean = ones([2], { dtype: 'float64' });
    expect(Array.from(bn.stateDict().running_mean.dataSync())).toEqual([1, 1]);
  });
});

describe('functional normalisation', () => {
  it('F.groupNorm with one group per channel equals F.instanceNorm; with one group, layer norm over C and spatial dims', () => {
    const x = arange(0, 24, 1, { dtype: 'float64' }).reshape([2, 3, 4]).sin();
    expectClose(F.groupNorm(x, 3), Array.from(F.instanceNorm(x).dataSync()), 1e-12);
    expectClose(F.groupNorm(x, 1), Array.from(F.layerNorm(x, [3, 4]).dataSync()), 1e-12);
  });
  it('F.instanceNorm with useInputStats false uses the running stats', () => {
    const x = arange(0, 12, 1, { dtype: 'float64' }).reshape([1, 2, 6]);
    const y = F.instanceNorm(x, tensor([1, 2], { dtype: 'float64' }), tensor([4, 9], { dtype: 'float64' }), { useInputStats: false, eps: 0 });
    expectClose(y, [[-0.5, 0, 0.5, 1, 1.5, 2], [4 / 3, 5 / 3, 2, 7 / 3, 8 / 3, 3]].flat(), 1e-12);
  });
  it('errors: groups not dividing channels, channel mismatch of weights, wrong rank', () => {
    const x = zeros([2, 6, 3]);
    expect(() => F.groupNorm(x, 4)).toThrow('groupNorm: expected the number of channels (6) of input [2, 6, 3] to be divisible by numGroups=4');
    expect(() => F.groupNorm(x, 0)).toThrow('groupNorm: numGroups must be a positive integer, got 0');
    expect(() => F.groupNorm(x, 2, { weight: ones([4]) })).toThrow('groupNorm: weight should have shape [6] (the channels in dim 1 of input [2, 6, 3]), got [4]');
    expect(() => F.groupNorm(zeros([6]), 2)).toThrow('groupNorm: expected an input of at least 2 dims [N, C, *], got shape [6]');
    expect(() => F.instanceNorm(x, null, null, { bias: ones([5]) })).toThrow('instanceNorm: bias should have shape [6] (the channels in dim 1 of input [2, 6, 3]), got [5]');
    expect(() => F.instanceNorm(zeros([2, 6]))).toThrow('instanceNorm: expected an input of at least 3 dims [N, C, *] (one spatial dim), got shape [2, 6]');
    expect(() => F.instanceNorm(zeros([2, 6, 1]))).toThrow('instanceNorm: expected more than 1 spatial element when training, got input size [2, 6, 1]');
    expect(() => F.batchNorm(zeros([4, 3, 2, 2]), null, null, { training: true, weight: ones([2]) })).toThrow(/batchNorm: weight should contain 3 elements/);
  });
  it('module errors: ranks, channels, divisibility, unknown options', () => {
    expect(() => new GroupNorm(4, 6)).toThrow('GroupNorm: numChannels (6) must be divisible by numGroups (4)');
    expect(() => new GroupNorm(2, 6).call(zeros([2, 4, 3]))).toThrow('GroupNorm(2, 6): expected input [N, 6, *], got shape [2, 4, 3]');
    expect(() => new GroupNorm(2, 6, { momentum: 0.1 } as never)).toThrow(/GroupNorm: unknown option 'momentum'/);
    expect(() => new BatchNorm2d(3).call(zeros([2, 3, 4]))).toThrow('BatchNorm2d: expected 4D input ([N, C, H, W]), got 3D input of shape [2, 3, 4]');
    expect(() => new BatchNorm3d(3).call(zeros([2, 3, 4, 4]))).toThrow(/BatchNorm3d: expected 5D input/);
    expect(() => new BatchNorm2d(3).call(zeros([2, 4, 2, 2]))).toThrow('BatchNorm2d(3): expected input with 3 channels in dim 1, got shape [2, 4, 2, 2]');
    expect(() => new InstanceNorm2d(3).call(zeros([2, 3]))).toThrow('InstanceNorm2d: expected 3D or 4D input ([C, H, W] or [N, C, H, W]), got 2D input of shape [2, 3]');
    expect(() => new InstanceNorm1d(3, { affine: true }).call(zeros([2, 4, 5]))).toThrow("InstanceNorm1d(3): expected input's size at dim 1 to match numFeatures (3), got input of shape [2, 4, 5]");
    // PyTorch 1.13 hands momentum to F.instance_norm on every call, which refuses None, tracked or not, training or eval.
    for (const m of [new InstanceNorm1d(3, { momentum: null }), new InstanceNorm1d(3, { momentum: null, trackRunningStats: true }).eval()]) {
      expect(() => m.call(zeros([2, 3, 4]))).toThrow('InstanceNorm1d: momentum null (a cumulative average) is not supported by instance norm; give a number');
    }
    // Without per-channel state PyTorch only warns on a mismatch; the statistics do not depend on it.
    expect(new InstanceNorm1d(3).call(zeros([2, 4, 5])).shape).toEqual([2, 4, 5]);
    expect(() => new InstanceNorm2d(2, { track_running_stats: true } as never)).toThrow(/unknown option 'track_running_stats'/);
  });
});
