import { Tensor, randn, Generator, gradcheck, gradgradcheck, setKernelBackend } from '@tapegrad/core';
import { splitHeads, mergeHeads } from '../../src/functional/heads';

const bits = (t: Tensor): number[] => Array.from(t.dataSync());

describe('splitHeads / mergeHeads (functional/heads.ts)', () => {
  afterEach(() => setKernelBackend('auto'));
  for (const backend of ['auto', 'js'] as const) {
    it(`${backend}: the reshape-permute-reshape composition, and inverse of each other`, () => {
      setKernelBackend(backend);
      const x = randn([2, 5, 12], { generator: new Generator(1) });
      const s = splitHeads(x, 3);
      expect(s.shape).toEqual([6, 5, 4]);
      expect(bits(s)).toEqual(bits(x.reshape([2, 5, 3, 4]).permute([0, 2, 1, 3]).reshape([6, 5, 4])));
      expect(bits(mergeHeads(s, 2, 3))).toEqual(bits(x));
      // a non-contiguous input is read in logical order
      const xt = randn([5, 2, 12], { generator: new Generator(2) }).transpose(0, 1);
      expect(bits(splitHeads(xt, 3))).toEqual(bits(xt.reshape([2, 5, 3, 4]).permute([0, 2, 1, 3]).reshape([6, 5, 4])));
    });
  }
  it('gradcheck and gradgradcheck (float64)', () => {
    const x = randn([2, 3, 6], { dtype: 'float64', generator: new Generator(3) }).requiresGrad_(true);
    const f = (t: Tensor): Tensor => mergeHeads(splitHeads(t, 2).mul(splitHeads(t, 2)), 2, 2);
    expect(gradcheck(f, [x]).ok).toBe(true);
    expect(gradgradcheck(f, [x]).ok).toBe(true);
  });
});
