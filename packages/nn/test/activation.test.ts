/** Activation modules and functions vs PyTorch; Step has zero gradient; Softmax's implicit dim. */
import { tensor, Tensor } from '@tapegrad/core';
import { F, ReLU, LeakyReLU, ELU, GELU, Sigmoid, Tanh, Softplus, SiLU, Step, Softmax, LogSoftmax } from '@tapegrad/nn';
import { REF } from './layers.ref';
import { expectClose } from './helpers';

const f64 = { dtype: 'float64' as const };
const Z = [-3.0, -0.5, 0.0, 0.7, 2.5, 25.0];
const z = (): Tensor => tensor(Z, f64);
const M = [[1.0, 2.0, 3.0], [0.5, -0.5, 4.0]];

describe('activation modules match PyTorch', () => {
  it.each([
    ['ReLU', new ReLU(), REF.act.relu],
    ['LeakyReLU(0.1)', new LeakyReLU(0.1), REF.act.leaky],
    ['ELU(1.5)', new ELU(1.5), REF.act.elu],
    ['GELU', new GELU(), REF.act.gelu],
    ["GELU('tanh')", new GELU('tanh'), REF.act.gelu_tanh],
    ['Sigmoid', new Sigmoid(), REF.act.sigmoid],
    ['Tanh', new Tanh(), REF.act.tanh],
    ['Softplus', new Softplus(), REF.act.softplus],
    ['Softplus(2, 5)', new Softplus(2, 5), REF.act.softplus_b],
    ['SiLU', new SiLU(), REF.act.silu],
  ])('%s', (_, m, want) => expectClose(m.call(z()), want, 1e-12));

  it('defaults are PyTorch\'s', () => {
    expect(new LeakyReLU().negativeSlope).toBe(0.01);
    expect(new ELU().alpha).toBe(1);
    expect(new GELU().approximate).toBe('none');
    expect([new Softplus().beta, new Softplus().threshold]).toEqual([1, 20]);
    expect(() => new GELU('fast' as never)).toThrow(/approximate must be 'none' or 'tanh'/);
  });

  it('functional forms give the same values', () => {
    expectClose(F.relu(z()), REF.act.relu, 1e-12);
    expectClose(F.leakyRelu(z(), 0.1), REF.act.leaky, 1e-12);
    expectClose(F.elu(z(), 1.5), REF.act.elu, 1e-12);
    expectClose(F.gelu(z(), 'tanh'), REF.act.gelu_tanh, 1e-12);
    expectClose(F.sigmoid(z()), REF.act.sigmoid, 1e-12);
    expectClose(F.tanh(z()), REF.act.tanh, 1e-12);
    expectClose(F.softplus(z(), 2, 5), REF.act.softplus_b, 1e-12);
    expect(() => F.relu(null as never)).toThrow(/relu: expected a Tensor input, got null/);
  });

  it('softmax / logSoftmax along a dim; without dim PyTorch picks 1 for 2-D', () => {
    expectClose(new Softmax(1).call(tensor(M, f64)), REF.softmax.d1, 1e-12);
    expectClose(F.softmax(tensor(M, f64), 0), REF.softmax.d0, 1e-12);
    expectClose(new LogSoftmax(1).call(tensor(M, f64)), REF.softmax.log1, 1e-12);
    expectClose(new Softmax().call(tensor(M, f64)), REF.softmax.implicit, 1e-12);
    expect(new Softmax().call(tensor([1, 2], f64)).sum().item()).toBeCloseTo(1, 12);
  });
});

describe('gradients of activations (hand formulas)', () => {
  const grad = (f: (x: Tensor) => Tensor): number[] => {
    const x = tensor(Z, { ...f64, requiresGrad: true });
    f(x).sum().backward();
    return Array.from(x.grad!.dataSync());
  };
  it("sigmoid' = σ(1 − σ), tanh' = 1 − tanh², relu'(0) = 0", () => {
    const s = Z.map((v) => 1 / (1 + Math.exp(-v)));
    expectClose(tensor(grad((x) => new Sigmoid().call(x)), f64), s.map((v) => v * (1 - v)), 1e-12);
    expectClose(tensor(grad((x) => new Tanh().call(x)), f64), Z.map((v) => 1 - Math.tanh(v) ** 2), 1e-12);
    expect(grad((x) => new ReLU().call(x))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(grad((x) => new LeakyReLU(0.1).call(x))).toEqual([0.1, 0.1, 0.1, 1, 1, 1]);
  });
  it('Step is the binary step (1 if x > 0) with zero gradient', () => {
    expect(Array.from(new Step().call(z()).dataSync())).toEqual([0, 0, 0, 1, 1, 1]);
    expect(grad((x) => new Step().call(x))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe("PyTorch's keyword arguments as an options object", () => {
  const x = (): Tensor => tensor([[-2, -0.5, 0.5, 3]], f64);
  it('modules: LeakyReLU({ negativeSlope }), ELU({ alpha }), GELU({ approximate }), Softplus({ beta, threshold }), Softmax({ dim })', () => {
    // torch (float64, x = [[-2, -0.5, 0.5, 3]]):
    //   nn.LeakyReLU(negative_slope=0.2)(x) -> [[-0.4, -0.1, 0.5, 3.0]]
    //   nn.ELU(alpha=2.0)(x) -> [[-1.7293294335267746, -0.7869386805747332, 0.5, 3.0]]
    //   nn.Softplus(beta=2, threshold=1)(x) -> [[0.009074963958904869, 0.15663084375911143, 0.6566308437591114, 3.0]]
    //   nn.GELU(approximate='tanh')(x) -> [[-0.04540230591222494, -0.15428599017485606, 0.34571400982514394, 2.996362607918227]]
    expectClose(new LeakyReLU({ negativeSlope: 0.2 }).call(x()), [-0.4, -0.1, 0.5, 3.0], 1e-15);
    expectClose(new ELU({ alpha: 2 }).call(x()), [-1.7293294335267746, -0.7869386805747332, 0.5, 3.0], 1e-14);
    expectClose(new Softplus({ beta: 2, threshold: 1 }).call(x()), [0.009074963958904869, 0.15663084375911143, 0.6566308437591114, 3.0], 1e-14);
    expectClose(new GELU({ approximate: 'tanh' }).call(x()), [-0.04540230591222494, -0.15428599017485606, 0.34571400982514394, 2.996362607918227], 1e-14);
    expect(new LeakyReLU({}).negativeSlope).toBe(0.01);
    expect(new Softmax({ dim: 0 }).dim).toBe(0);
    expect(new LogSoftmax({ dim: 1 }).call(x()).toArray()).toEqual(new LogSoftmax(1).call(x()).toArray());
  });
  it('functions: F.leakyRelu(x, { negativeSlope }), F.softmax(x, { dim }), F.softplus(x, { beta })', () => {
    expect(F.leakyRelu(x(), { negativeSlope: 0.2 }).toArray()).toEqual(F.leakyRelu(x(), 0.2).toArray());
    expect(F.elu(x(), { alpha: 2 }).toArray()).toEqual(F.elu(x(), 2).toArray());
    expect(F.gelu(x(), { approximate: 'tanh' }).toArray()).toEqual(F.gelu(x(), 'tanh').toArray());
    expect(F.softplus(x(), { beta: 2, threshold: 1 }).toArray()).toEqual(F.softplus(x(), 2, 1).toArray());
    expect(F.softmax(x(), { dim: 1 }).toArray()).toEqual(F.softmax(x(), 1).toArray());
    expect(F.logSoftmax(x(), { dim: 0 }).toArray()).toEqual(F.logSoftmax(x(), 0).toArray());
  });
  it('unknown keys are errors (before, new Softplus({ beta: 2 }) silently gave NaN)', () => {
    expect(() => new LeakyReLU({ negative_slope: 0.2 } as never)).toThrow(/LeakyReLU: unknown option 'negative_slope'.*expected one of negativeSlope/);
    expect(() => F.softmax(x(), { axis: 1 } as never)).toThrow(/softmax: unknown option 'axis'/);
    expect(() => new Softplus({ beta: 2, thresh: 1 } as never)).toThrow(/Softplus: unknown option 'thresh'/);
  });
});
