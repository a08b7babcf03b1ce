import { Generator, Tensor, grad, gradgradcheck, noGrad, randn } from '@tapegrad/core';

const bits = (t: Tensor): number[] => Array.from(new Uint8Array((t.dataSync() as Float32Array).slice().buffer));

describe('logSoftmax backward row kernel', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`equals the rule's ops g − exp(y)·Σg bit for bit (${dtype})`, () => {
      const gen = new Generator(11);
      for (const shape of [[64, 10], [3, 1], [1, 7], [9], [2, 3, 5]]) {
        const x = randn(shape, { generator: gen, dtype }).mul(20).requiresGrad_();
        const d = shape.length - 1;
        const y = x.logSoftmax(d);
        const up = randn(shape, { generator: gen, dtype });
        const [gx] = grad(y, [x], { gradOutputs: [up] });
        const want = noGrad(() => up.sub(y.exp().mul(up.sum(d, true))));
        expect(bits(gx!)).toEqual(bits(want));
      }
    });
  }

  it('keeps a second derivative (createGraph takes the ops)', () => {
    const x = randn([4, 5], { generator: new Generator(2), dtype: 'float64', requiresGrad: true });
    expect(gradgradcheck((v: Tensor) => v.logSoftmax(1), [x]).ok).toBe(true);
  });
});
