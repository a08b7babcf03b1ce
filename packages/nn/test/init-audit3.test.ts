// init: kaiming's PyTorch positional form (a was silently ignored when given as a number), its option
// checks, and orthogonal_ (missing). Bounds from PyTorch's formulas: kaiming_uniform_(w, a=√5) on a
// [100, 50] weight has bound gain·√(3/fan) = √(2/6)·√(3/50) = 1/√50; orthogonal_ gives W·Wᵀ = gain²·I.
import { empty, Generator, eye, Tensor } from '@tapegrad/core';
import { init } from '@tapegrad/nn';

const maxAbs = (t: Tensor): number => t.abs().amax().item();

describe('kaimingUniform_/kaimingNormal_ argument forms', () => {
  test('positional a (as nn.Linear\'s reset_parameters calls it) equals { a }', () => {
    const w1 = empty(100, 50), w2 = empty(100, 50);
    init.kaimingUniform_(w1, Math.sqrt(5));
    expect(maxAbs(w1)).toBeLessThanOrEqual(1 / Math.sqrt(50));
    expect(maxAbs(w1)).toBeGreaterThan(0.9 / Math.sqrt(50));
    init.kaimingUniform_(w2, { a: Math.sqrt(5), generator: new Generator(1) });
    expect(maxAbs(w2)).toBeLessThanOrEqual(1 / Math.sqrt(50));
    const w3 = empty(100, 50);
    init.kaimingUniform_(w3, 0, 'fan_out', 'linear'); // bound 1·√(3/100)
    expect(maxAbs(w3)).toBeLessThanOrEqual(Math.sqrt(3 / 100));
    expect(maxAbs(w3)).toBeGreaterThan(0.16); // fan_in would reach √(3/50) = 0.245
  });
  test('kaimingNormal_ positional mode; unknown option keys and mixed forms are errors', () => {
    const w = empty(400, 100);
    init.kaimingNormal_(w, 0, 'fanOut', 'relu');
    expect(w.std().item()).toBeCloseTo(Math.sqrt(2 / 400), 2);
    expect(() => init.kaimingUniform_(w, { nonLinearity: 'relu' } as never)).toThrow(/nonlinearity/);
    expect(() => init.kaimingUniform_(w, { a: 1 }, 'fanIn')).toThrow(/not both/);
    expect(() => init.kaimingUniform_(w, '1' as never)).toThrow(/a must be a number/);
  });
});

describe('orthogonal_', () => {
  const close = (a: Tensor, b: Tensor): void => expect(a.sub(b).abs().amax().item()).toBeLessThan(1e-10);
  test('wide, tall and >2-D weights are (semi-)orthogonal in float64, scaled by gain', () => {
    const wide = init.orthogonal_(empty([3, 5], { dtype: 'float64' }), { generator: new Generator(0) });
    close(wide.matmul(wide.t()), eye(3, 3, { dtype: 'float64' }));
    const tall = init.orthogonal_(empty([5, 3], { dtype: 'float64' }), 2);
    close(tall.t().matmul(tall), eye(3, 3, { dtype: 'float64' }).mul(4));
    const conv = init.orthogonal_(empty([2, 3, 4], { dtype: 'float64' }));
    const m = conv.reshape(2, 12);
    close(m.matmul(m.t()), eye(2, 2, { dtype: 'float64' }));
  });
  test('seeded, and PyTorch\'s error for 1-D', () => {
    const a = init.orthogonal_(empty(4, 4), { generator: new Generator(3) });
    const b = init.orthogonal_(empty(4, 4), { generator: new Generator(3) });
    expect(a.toArray()).toEqual(b.toArray());
    expect(() => init.orthogonal_(empty(3))).toThrow(/Only tensors with 2 or more dimensions are supported/);
  });
});
