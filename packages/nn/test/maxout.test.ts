/** Maxout: max over k affine pieces, the course's max(w1·x + b1, w2·x + b2). */
import { tensor, zeros, Tensor } from '@tapegrad/core';
import { Maxout } from '@tapegrad/nn';
import { expectClose } from './helpers';

const f64 = { dtype: 'float64' as const };

describe('Maxout', () => {
  it('equals max(w1·x + b1, w2·x + b2) per output, and the gradient goes to the winning piece', () => {
    const m = new Maxout(2, 1, 2, { dtype: 'float64' });
    // piece 1: w1 = [1, 2], b1 = 0; piece 2: w2 = [-1, 0.5], b2 = 1
    m.weight.data = tensor([[[1, 2]], [[-1, 0.5]]], f64);
    m.bias.data = tensor([[0], [1]], f64);
    const x = tensor([[1, 1], [-2, 0.5], [0.5, -1]], { ...f64, requiresGrad: true });
    const y = m.call(x);
    const want = [[3, 0.5], [-1, 3.25], [-1.5, 0]].map(([a, b]) => [Math.max(a, b)]);
    expectClose(y, want, 1e-12);
    y.sum().backward();
    // rows 0: piece 1 wins -> dx = w1; row 1: piece 2 -> w2; row 2: piece 2 -> w2
    expectClose(x.grad, [[1, 2], [-1, 0.5], [-1, 0.5]], 1e-12);
    expectClose(m.weight.grad, [[[1, 1]], [[-2 + 0.5, 0.5 - 1]]], 1e-12); // piece 2 won rows 1 and 2
    expectClose(m.bias.grad, [[1], [2]], 1e-12);
  });
  it('shapes, parameter count, init bound, errors', () => {
    const m = new Maxout(4, 3, 5);
    expect(m.weight.shape).toEqual([5, 3, 4]);
    expect(m.numParameters()).toBe(5 * 3 * 4 + 5 * 3);
    expect(Math.max(...Array.from(m.weight.dataSync()).map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(m.call(zeros([2, 7, 4])).shape).toEqual([2, 7, 3]);
    expect(() => m.call(zeros([2, 3]) as Tensor)).toThrow('Maxout(4, 3, k=5): expected input with 4 features in the last dim, got shape [2, 3]');
    expect(() => new Maxout(4, 3, 0)).toThrow(/k \(number of pieces\) must be a positive integer/);
  });
});

describe('Maxout k as an option', () => {
  it('new Maxout(4, 3, { k: 5 }) is new Maxout(4, 3, 5)', () => {
    const m = new Maxout(4, 3, { k: 5, dtype: 'float64' });
    expect([m.k, m.weight.shape, m.bias.shape, m.weight.dtype]).toEqual([5, [5, 3, 4], [5, 3], 'float64']);
    expect(new Maxout(4, 3, {}).k).toBe(2);
    expect(m.call(zeros([2, 4], { dtype: 'float64' })).shape).toEqual([2, 3]);
    expect(() => new Maxout(4, 3, { pieces: 3 } as never)).toThrow(/Maxout: unknown option 'pieces'/);
  });
});
