import { Generator, Tensor, grad, gradcheck, gradgradcheck, randint, randn, tensor } from '@tapegrad/core';
import { nllRows } from '@tapegrad/core/internal';

/** The op chain nllRows stands for (nn's crossEntropy before it existed). */
function chain(rows: Tensor, t: Tensor, r: 'mean' | 'sum'): Tensor {
  const s = rows.gather(1, t.unsqueeze(1)).squeeze(1).neg().sum();
  return r === 'mean' ? s.div(t.shape[0]) : s;
}

const bits = (t: Tensor): number[] => Array.from(new Uint8Array((t.dataSync() as Float32Array).slice().buffer));

describe('nllRows (cross-entropy\'s plain negative log-likelihood)', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const r of ['mean', 'sum'] as const) {
      it(`equals the gather/neg/sum${r === 'mean' ? '/div' : ''} chain bit for bit, value and gradient (${dtype}, ${r})`, () => {
        const g = new Generator(7);
        for (const [M, C, transposed] of [[64, 10, false], [7, 3, false], [5, 9, true], [1, 1, false]] as const) {
          const base = randn(transposed ? [C, M] : [M, C], { generator: g, dtype }).mul(30).logSoftmax(transposed ? 0 : 1);
          const x = (transposed ? base.t() : base).detach().requiresGrad_();
          const t = randint(0, C, [M], { generator: g, dtype: 'int32' });
          const a = nllRows(x, t, r), b = chain(x, t, r);
          expect(a.shape).toEqual([]);
          expect(bits(a)).toEqual(bits(b));
          const [ga] = grad(a, [x]), [gb] = grad(b, [x]);
          expect(bits(ga!)).toEqual(bits(gb!));
          // an upstream gradient of -0 and of a value that does not divide exactly
          for (const up of [-0, 0.3]) {
            const [ha] = grad(nllRows(x, t, r), [x], { gradOutputs: [tensor(up, { dtype })] });
            const [hb] = grad(chain(x, t, r), [x], { gradOutputs: [tensor(up, { dtype })] });
            expect(bits(ha!)).toEqual(bits(hb!));
          }
        }
      });
    }
  }

  it('has the gradient of −mean(x[m, tₘ]) and a second derivative (gradcheck, gradgradcheck)', () => {
    const x = randn([6, 4], { generator: new Generator(3), dtype: 'float64', requiresGrad: true });
    const t = tensor([0, 3, 1, 1, 2, 0], { dtype: 'int32' });
    const [gx] = grad(nllRows(x, t, 'mean'), [x]);
    const want = new Float64Array(24);
    [0, 3, 1, 1, 2, 0].forEach((c, m) => { want[m * 4 + c] = -1 / 6; });
    expect(Array.from(gx!.dataSync())).toEqual(Array.from(want));
    const f = (v: Tensor): Tensor => nllRows(v.mul(v), t, 'sum');
    expect(gradcheck(f, [x]).ok).toBe(true);
    expect(gradgradcheck(f, [x]).ok).toBe(true);
  });

  it('names what it expected for bad shapes or dtypes', () => {
    expect(() => nllRows(randn([3, 4]), tensor([0, 1], { dtype: 'int32' }), 'mean')).toThrow(/nllRows: expected float rows \[M, C\] and int32 targets \[M\], got float32 \[3, 4\] and int32 \[2\]/);
    expect(() => nllRows(randn([3, 4]), tensor([0, 1, 2]), 'mean')).toThrow(/int32 targets/);
  });
});
