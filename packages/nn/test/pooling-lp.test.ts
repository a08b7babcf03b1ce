/** nn.LPPool1d/2d and F.lpPool1d/2d against PyTorch 1.13 (fixtures/pytorch/nnmore7.json), defaults, repr and errors. */
import { randn, rand, gradcheck, zeros } from '@tapegrad/core';
import { LPPool1d, LPPool2d, F, AvgPool2d } from '@tapegrad/nn';
import { checkCases } from './nnmore7.ref';
import { expectClose } from './helpers';

describe('LPPool1d', () => {
  checkCases('LPPool1d');
});
describe('LPPool2d', () => {
  checkCases('LPPool2d'); // the last case has an all-zero window: gradient 0 there, as PyTorch
});
describe('LP pooling', () => {
  test('p = 1 is sum pooling; repr; stride defaults to the kernel', () => {
    const x = rand([1, 2, 4, 4], { dtype: 'float64' });
    expectClose(new LPPool2d(1, 2).call(x), new AvgPool2d(2).call(x).mul(4).toArray(), 1e-14);
    expect(new LPPool2d(2, 3).toString()).toBe('LPPool2d(normType=2, kernelSize=3, stride=None, ceilMode=false)');
    expect(new LPPool1d(2, 3, 2, true).toString()).toBe('LPPool1d(normType=2, kernelSize=3, stride=2, ceilMode=true)');
    expect(new LPPool2d(2, [3, 2], { stride: [2, 1] }).call(randn([20, 16, 50, 32])).shape).toEqual([20, 16, 24, 31]);
    expect(new LPPool1d(2, 3, 2).call(randn([20, 16, 50])).shape).toEqual([20, 16, 24]);
    expect(Object.keys(new LPPool1d(2, 3).stateDict())).toEqual([]);
  });
  test('functional forms equal the layers; an all-zero input has gradient 0, not NaN', () => {
    const x = randn([2, 3, 6], { dtype: 'float64' });
    expectClose(F.lpPool1d(x, 2, 3, 2), new LPPool1d(2, 3, { stride: 2 }).call(x).toArray(), 0);
    expectClose(F.lpPool1d(x, 2, 3, { stride: 2, ceilMode: true }), new LPPool1d(2, 3, 2, true).call(x).toArray(), 0);
    const z = zeros([1, 2, 2], { dtype: 'float64', requiresGrad: true });
    F.lpPool2d(z, 2, 2).sum().backward();
    expect(z.grad!.toArray()).toEqual([[[0, 0], [0, 0]]]);
  });
  test('errors name the op', () => {
    expect(() => new LPPool2d(2, 2, { padding: 1 } as never)).toThrow(/LPPool2d.*padding/);
    expect(() => new LPPool1d('2' as never, 2)).toThrow(/LPPool1d: normType must be a number/);
    expect(() => F.lpPool2d(randn([4]), 2, 2)).toThrow(/avgPool2d/);
    expect(() => F.lpPool1d(randn([1, 4]), 2, 0)).toThrow(/avgPool1d: kernelSize/);
    expect(() => F.lpPool1d(randn([1, 4]), 2, 2, { stride: 'x' } as never)).toThrow(/lpPool1d: stride/);
  });
  test('gradcheck in float64 (positive inputs, fractional p)', () => {
    const x = rand([1, 4, 5], { dtype: 'float64' }).add(0.5).requiresGrad_();
    gradcheck((t) => F.lpPool2d(t, 1.5, [2, 3], { stride: 1 }), [x]);
    gradcheck((t) => F.lpPool1d(t, 2, 2), [randn([2, 6], { dtype: 'float64', requiresGrad: true })]);
  });
});
