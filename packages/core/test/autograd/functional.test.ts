/** grad(): gradients without touching .grad, higher derivatives with createGraph, allowUnused. */
import { Tensor, tensor, grad, Generator, randn, noGrad } from '@tapegrad/core';
import { expectClose, expectThrowMessage } from '../helpers/approx';

const f64 = (v: number | number[], requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

describe('grad()', () => {
  test('returns d(out)/d(input) and leaves .grad untouched', () => {
    const x = f64([1, 2, 3]);
    const [g] = grad(x.mul(x).sum(), x);
    expect(g!.toArray()).toEqual([2, 4, 6]);
    expect(x.grad).toBeNull();
    expect(g!.requiresGrad).toBe(false);
  });

  test('with createGraph: d²/dx² of x³ is 6x, d³/dx³ is 6', () => {
    const x = f64([-1.5, 0.5, 2]);
    const [d1] = grad(x.pow(3).sum(), x, { createGraph: true });
    expectClose(d1!, [6.75, 0.75, 12], 1e-12, 0);
    expect(d1!.requiresGrad).toBe(true);
    const [d2] = grad(d1!.sum(), x, { createGraph: true });
    expectClose(d2!, [-9, 3, 12], 1e-12, 0);
    const [d3] = grad(d2!.sum(), x);
    expectClose(d3!, [6, 6, 6], 1e-12, 0);
  });

  test('the doc example: x = 2, dy = 3x² = 12, d²y = 6x = 12', () => {
    const x = f64(2);
    const [dy] = grad(x.pow(3), x, { createGraph: true });
    const [d2y] = grad(dy!, x);
    expect(dy!.item()).toBe(12);
    expect(d2y!.item()).toBe(12);
  });

  test('Hessian-vector product of a small tanh MLP, via grad twice, matches finite differences of the gradient', () => {
    const gen = new Generator(11);
    const X = randn([5, 3], { dtype: 'float64', generator: gen });
    const Y = randn([5, 1], { dtype: 'float64', generator: gen });
    const sizes = { w1: [4, 3], b1: [4], w2: [1, 4], b2: [1] };
    const n = 12 + 4 + 4 + 1;
    // All parameters in one flat vector θ, unpacked with narrow/reshape so grad() sees one input.
    const loss = (theta: Tensor): Tensor => {
      let off = 0;
      const take = (shape: number[]): Tensor => {
        const k = shape.reduce((a, b) => a * b, 1);
        const t = theta.narrow(0, off, k).reshape(shape);
        off += k;
        return t;
      };
      const w1 = take(sizes.w1), b1 = take(sizes.b1), w2 = take(sizes.w2), b2 = take(sizes.b2);
      const h = X.matmul(w1.t()).add(b1).tanh();
      return h.matmul(w2.t()).add(b2).sub(Y).pow(2).mean();
    };
    const theta = randn([n], { dtype: 'float64', generator: gen }).requiresGrad_();
    const v = randn([n], { dtype: 'float64', generator: gen });
    const [g] = grad(loss(theta), theta, { createGraph: true });
    const [hvp] = grad(g!.mul(v).sum(), theta);
    const gradAt = (t: Tensor): number[] => {
      const tt = t.detach().requiresGrad_();
      return Array.from(grad(loss(tt), tt)[0]!.dataSync());
    };
    const eps = 1e-5;
    const plus = gradAt(noGrad(() => theta.add(v.mul(eps))));
    const minus = gradAt(noGrad(() => theta.sub(v.mul(eps))));
    const fd = plus.map((p, i) => (p - minus[i]) / (2 * eps));
    expectClose(hvp!, fd, 1e-7, 1e-5);
    // And the Hessian is symmetric: u·(Hv) = v·(Hu).
    const u = randn([n], { dtype: 'float64', generator: gen });
    const [hu] = grad(grad(loss(theta), theta, { createGraph: true })[0]!.mul(u).sum(), theta);
    expectClose(u.mul(hvp!).sum(), v.mul(hu!).sum().toArray(), 1e-10, 1e-10);
  });

  test('several outputs and inputs, with gradOutputs', () => {
    const a = f64([1, 2]), b = f64([3]);
    const [ga, gb] = grad([a.mul(b), a.sum()], [a, b], { gradOutputs: [f64([1, 10], false), f64(2, false)] });
    expect(ga!.toArray()).toEqual([3 + 2, 30 + 2]);
    expect(gb!.toArray()).toEqual([1 + 20]);
  });

  test('a non-leaf input gets the gradient with respect to itself', () => {
    const x = f64([1, 2]);
    const h = x.mul(3);
    const [gh] = grad(h.pow(2).sum(), h);
    expect(gh!.toArray()).toEqual([6, 12]);
  });

  test('allowUnused returns null for an input the output does not depend on; otherwise an error', () => {
    const x = f64([1]), unused = f64([2]);
    const y = x.mul(2).sum();
    expectThrowMessage(() => grad(y, [x, unused], { retainGraph: true }), 'grad', 'input 1', 'not used', 'allowUnused');
    const [gx, gu] = grad(y, [x, unused], { allowUnused: true });
    expect(gx!.toArray()).toEqual([2]);
    expect(gu).toBeNull();
  });

  test('errors: input not requiring grad, non-scalar output without gradOutputs, mismatched gradOutputs', () => {
    const x = f64([1, 2]);
    expectThrowMessage(() => grad(x.sum(), f64([1], false)), 'grad', 'input 0', 'does not require grad');
    expectThrowMessage(() => grad(x.mul(2), x), 'grad', 'scalar outputs', '[2]');
    expectThrowMessage(() => grad(x.mul(2), x, { gradOutputs: f64([1, 2, 3], false) }), 'gradOutputs[0]', '[3]', '[2]');
    expectThrowMessage(() => grad([x.sum(), x.sum()], x, { gradOutputs: [f64(1, false)] }), '1 gradOutputs for 2 outputs');
    expectThrowMessage(() => grad(f64([1], false), x), 'output 0', 'does not require grad');
  });

  test('without retainGraph the graph is freed; with it grad can be taken again', () => {
    const x = f64([1, 2]);
    const y = x.exp().sum();
    grad(y, x, { retainGraph: true });
    const [g] = grad(y, x);
    expectClose(g!, [Math.E, Math.exp(2)], 1e-12, 0);
    expectThrowMessage(() => grad(y, x), 'second time');
  });
});
