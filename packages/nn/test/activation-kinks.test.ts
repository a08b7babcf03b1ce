/**
 * Gradients of the piecewise activations exactly at their kinks (which side's slope PyTorch takes, or
 * its own value there) and beside them, against PyTorch 1.13 in float64
 * (fixtures/pytorch/activation-kinks.json, written by fixtures/pytorch/activation_kinks.py).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { tensor, Tensor } from '@tapegrad/core';
import { F } from '@tapegrad/nn';

const REF = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/activation-kinks.json'), 'utf8')) as { x: number[]; grads: Record<string, number[]> };

const FNS: Record<string, (x: Tensor) => Tensor> = {
  hardswish: (x) => F.hardswish(x), hardsigmoid: (x) => F.hardsigmoid(x), relu6: (x) => F.relu6(x), hardtanh: (x) => F.hardtanh(x),
  'hardtanh(-2, 0.5)': (x) => F.hardtanh(x, -2, 0.5), leakyRelu: (x) => F.leakyRelu(x), 'leakyRelu(0.2)': (x) => F.leakyRelu(x, 0.2),
  relu: (x) => F.relu(x), elu: (x) => F.elu(x), 'elu(0.5)': (x) => F.elu(x, 0.5), celu: (x) => F.celu(x), selu: (x) => F.selu(x),
  softshrink: (x) => F.softshrink(x), hardshrink: (x) => F.hardshrink(x), 'threshold(1, 2)': (x) => F.threshold(x, 1, 2),
  'prelu(0.25)': (x) => F.prelu(x, tensor([0.25], { dtype: 'float64' })),
};

describe('activation gradients at the kinks, as PyTorch 1.13', () => {
  test('every fixture function is run', () => expect(Object.keys(FNS).sort()).toEqual(Object.keys(REF.grads).sort()));
  test.each(Object.keys(FNS))('%s', (name) => {
    const x = tensor(REF.x, { dtype: 'float64', requiresGrad: true });
    FNS[name](x).sum().backward();
    const got = x.grad!.toArray() as number[];
    // 1e-7: PyTorch's float64 hardsigmoid slope is the float32 constant 1.0f/6.0f (0.16666667163…), ours 1/6;
    // the kink values themselves (0, 1, a slope or its half) differ from each other by far more.
    REF.grads[name].forEach((want, i) => expect([REF.x[i], got[i]]).toEqual([REF.x[i], expect.closeTo(want, 7)]));
  });
});
