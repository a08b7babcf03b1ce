/** nn.LocalResponseNorm / F.localResponseNorm and nn.ChannelShuffle / F.channelShuffle against PyTorch 1.13 (fixtures/pytorch/nnmore7.json). */
import { tensor, randn, gradcheck, arange } from '@tapegrad/core';
import { LocalResponseNorm, ChannelShuffle, F } from '@tapegrad/nn';
import { checkCases, REF } from './nnmore7.ref';
import { expectClose } from './helpers';

describe('LocalResponseNorm', () => {
  checkCases('LocalResponseNorm');
  test('defaults, repr, functional positional/options forms, no state', () => {
    const m = new LocalResponseNorm(2);
    expect([m.size, m.alpha, m.beta, m.k]).toEqual([2, 1e-4, 0.75, 1]);
    expect(m.toString()).toBe('LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1)');
    expect(Object.keys(m.stateDict())).toEqual([]);
    const x = randn([2, 4, 3], { dtype: 'float64' });
    expectClose(F.localResponseNorm(x, 3, { beta: 0.5, k: 2 }), F.localResponseNorm(x, 3, 1e-4, 0.5, 2).toArray(), 0);
    // size 1, alpha 1, beta 1, k 0: x / x² = 1/x
    expectClose(F.localResponseNorm(tensor([[[2, 4]]], { dtype: 'float64' }), 1, 1, 1, 0), [0.5, 0.25], 1e-15);
    expect(F.localResponseNorm(randn([0, 3, 2]), 2).shape).toEqual([0, 3, 2]);
  });
  test('errors', () => {
    expect(() => F.localResponseNorm(randn([2, 3]), 2)).toThrow(/localResponseNorm: Expected 3D or higher dimensionality input \(got 2 dimensions, shape \[2, 3\]\)/);
    expect(() => new LocalResponseNorm(0)).toThrow(/LocalResponseNorm: size must be a positive integer, got 0/);
    expect(() => new LocalResponseNorm(2, { gamma: 1 } as never)).toThrow(/LocalResponseNorm.*gamma/);
    expect(() => F.localResponseNorm(tensor([[[1]]], { dtype: 'int32' }), 1)).toThrow(/localResponseNorm: expected a floating point input/);
  });
  test('gradcheck in float64', () => {
    gradcheck((t) => F.localResponseNorm(t, 3, 0.5, 0.75, 1), [randn([1, 4, 2, 2], { dtype: 'float64', requiresGrad: true })]);
  });
});

interface ShuffleCase { groups: number; x: number[]; y: number[] }
describe('ChannelShuffle', () => {
  const cases = (REF as unknown as { ChannelShuffle: ShuffleCase[] }).ChannelShuffle;
  test.each(cases.map((c, i) => [i, c] as const))('case %i matches PyTorch (float32 and float64)', (_i, c) => {
    for (const dtype of ['float32', 'float64'] as const) {
      const y = new ChannelShuffle(c.groups).call(tensor(c.x, { dtype }));
      expect(y.dtype).toBe(dtype);
      expectClose(y, c.y, dtype === 'float32' ? 1e-6 : 0);
    }
  });
  test('the interleave, its gradient (the inverse permutation), repr and errors', () => {
    expect((F.channelShuffle(arange(6, { dtype: 'float64' }).reshape([1, 6, 1]), 3).reshape([6]).toArray())).toEqual([0, 2, 4, 1, 3, 5]);
    const x = randn([1, 6, 1], { dtype: 'float64', requiresGrad: true });
    F.channelShuffle(x, 3).mul(arange(6, { dtype: 'float64' }).reshape([1, 6, 1])).sum().backward();
    expect(x.grad!.reshape([6]).toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    gradcheck((t) => F.channelShuffle(t, 2), [randn([2, 4, 3], { dtype: 'float64', requiresGrad: true })]);
    expect(new ChannelShuffle({ groups: 2 }).toString()).toBe('ChannelShuffle(groups=2)');
    expect(() => F.channelShuffle(randn([2, 4]), 2)).toThrow(/channelShuffle: expects input with > 2 dims, but got input with sizes \[2, 4\]/);
    expect(() => F.channelShuffle(randn([2, 6, 3]), 4)).toThrow(/channelShuffle: Number of channels must be divisible by groups. Got 6 channels and 4 groups./);
    expect(() => new ChannelShuffle(0)).toThrow(/ChannelShuffle: groups must be a positive integer, got 0/);
    expect(() => F.channelShuffle(randn([2, 6, 3]), 0)).toThrow(/channelShuffle: Number of groups to divide channels in must be a positive integer/);
    expect(() => new ChannelShuffle({ group: 2 } as never)).toThrow(/ChannelShuffle.*group/);
  });
});
