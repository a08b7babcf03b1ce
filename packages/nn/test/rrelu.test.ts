/** nn.RReLU / F.rrelu: eval mode against PyTorch 1.13 (fixtures/pytorch/nnmore7.json); training draws, generator, repr, errors. */
import { tensor, randn, Generator, gradcheck } from '@tapegrad/core';
import { RReLU, F } from '@tapegrad/nn';
import { checkCases } from './nnmore7.ref';
import { expectClose } from './helpers';

describe('RReLU', () => {
  checkCases('RReLU', { make: (args) => new RReLU(...(args as [])).eval() });
  test('training: each negative slope is in [lower, upper], is the gradient there, and varies; positives pass', () => {
    const x = randn([2000], { dtype: 'float64' }).requiresGrad_();
    const m = new RReLU(0.1, 0.3, { generator: new Generator(5) });
    const y = m.call(x);
    y.sum().backward();
    const xs = x.toArray() as number[], ys = y.toArray() as number[], gs = x.grad!.toArray() as number[];
    const slopes: number[] = [];
    xs.forEach((v, i) => {
      if (v > 0) {
        expect([ys[i], gs[i]]).toEqual([v, 1]);
      } else {
        const a = ys[i] / v;
        expect(a).toBeGreaterThanOrEqual(0.1);
        expect(a).toBeLessThanOrEqual(0.3);
        expect(Math.abs(gs[i] - a)).toBeLessThan(1e-12);
        slopes.push(a);
      }
    });
    const mean = slopes.reduce((s, v) => s + v, 0) / slopes.length;
    expect(Math.abs(mean - 0.2)).toBeLessThan(0.01); // U(0.1, 0.3): sd of the mean of ~1000 draws ≈ 0.002
    const again = new RReLU(0.1, 0.3, { generator: new Generator(5) }).call(x.detach());
    expect(again.toArray()).toEqual(ys);
    expectClose(F.rrelu(x.detach(), { lower: 0.1, upper: 0.3, training: true, generator: new Generator(5) }), ys, 0);
  });
  test('defaults, eval slope, float32, inplace, repr', () => {
    const m = new RReLU();
    expect([m.lower, m.upper, m.inplace]).toEqual([1 / 8, 1 / 3, false]);
    expect(m.toString()).toBe('RReLU(lower=0.125, upper=0.3333333333333333)');
    expect(new RReLU(0.1, 0.3, true).toString()).toBe('RReLU(lower=0.1, upper=0.3, inplace=True)');
    expectClose(F.rrelu(tensor([-1, 2], { dtype: 'float64' })), [-(1 / 8 + 1 / 3) / 2, 2], 1e-15);
    expect(F.rrelu(tensor([-1, 2])).dtype).toBe('float32');
    const x = tensor([-2, 1]);
    expect(new RReLU(0.5, 0.5, true).eval().call(x)).toBe(x);
    expect(x.toArray()).toEqual([-1, 1]);
  });
  test('errors', () => {
    expect(() => F.rrelu(randn([3]), 0.5, 0.1)).toThrow(/rrelu: Lower bound should be less than or equal to the upper bound, got lower 0.5 and upper 0.1/);
    expect(() => new RReLU(0.5, 0.1).call(randn([3]))).toThrow(/Lower bound/);
    expect(() => new RReLU({ low: 0.1 } as never)).toThrow(/RReLU.*low/);
    expect(() => F.rrelu(randn([3]), { slope: 1 } as never)).toThrow(/rrelu.*slope/);
    expect(() => F.rrelu(tensor([1, 2], { dtype: 'int32' }))).toThrow(/rrelu: expected a floating point tensor, got int32/);
  });
  test('gradcheck in float64 (eval; away from 0)', () => {
    gradcheck((t) => F.rrelu(t, 0.1, 0.4), [tensor([-2, -0.5, 0.7, 3], { dtype: 'float64', requiresGrad: true })]);
  });
});
