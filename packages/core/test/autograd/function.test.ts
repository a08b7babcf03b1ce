/** defineFunction: custom ops with a hand-written backward, checked by gradcheck and gradgradcheck. */
import { Tensor, tensor, defineFunction, gradcheck, gradgradcheck, GradcheckReport, manualSeed } from '@tapegrad/core';
import { expectThrowMessage } from '../helpers/approx';

const f64 = (v: number[], requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

const cube = defineFunction('cube', {
  forward(ctx, x) { ctx.saveForBackward(x); return x.mul(x).mul(x); },
  backward(ctx, g) { const [x] = ctx.savedTensors; return [g.mul(x.mul(x)).mul(3)]; },
});

/** f(x, y) = x·sin(y), with ctx.data carrying a constant. */
const scaledXSinY = defineFunction('scaledXSinY', {
  forward(ctx, x, y) { ctx.saveForBackward(x, y); ctx.data.k = 2; return x.mul(y.sin()).mul(2); },
  backward(ctx, g) {
    const [x, y] = ctx.savedTensors;
    const k = ctx.data.k as number;
    return [g.mul(y.sin()).mul(k), g.mul(x).mul(y.cos()).mul(k)];
  },
});

describe('defineFunction', () => {
  test('forward value, one node named after the op, and its gradient', () => {
    const x = f64([1.5, -2]);
    const y = cube(x);
    expect(y.toArray()).toEqual([3.375, -8]);
    expect(y.gradFn!.op).toBe('cube');
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([6.75, 12]);
  });

  test('passes gradcheck and gradgradcheck (its backward is written in Tensor ops)', () => {
    manualSeed(1);
    expect(gradcheck(cube, [f64([1.5, -2, 0.3])]).ok).toBe(true);
    expect(gradgradcheck(cube, [f64([1.5, -2, 0.3])]).ok).toBe(true);
    expect(gradcheck(scaledXSinY, [f64([0.5, 2]), f64([1, -0.7])]).ok).toBe(true);
    expect(gradgradcheck(scaledXSinY, [f64([0.5, 2]), f64([1, -0.7])]).ok).toBe(true);
  });

  test('a deliberately wrong backward makes gradcheck throw a report naming the input, max abs error and worst index', () => {
    // Wrong: d/dy should be x·cos(y)·2; this gives x·cos(y) (off by a factor 2) for input 1 only.
    const wrong = defineFunction('wrong', {
      forward(ctx, x, y) { ctx.saveForBackward(x, y); return x.mul(y.sin()).mul(2); },
      backward(ctx, g) { const [x, y] = ctx.savedTensors; return [g.mul(y.sin()).mul(2), g.mul(x).mul(y.cos())]; },
    });
    const x = f64([0.5, 2]), y = f64([1, -0.7]);
    const msg = expectThrowMessage(() => gradcheck(wrong, [x, y]), 'gradcheck', 'input 1 [2]', 'max abs error', 'worst at input element');
    expect(msg).not.toContain('input 0 [2]');
    // The worst entry is element 1 (|x·cos y| is largest there: 2·cos(0.7) = 1.5297).
    expect(msg).toContain('worst at input element 1, output element 1');
    expect(msg).toMatch(/max abs error 1\.5\d\de\+0/);
    // The same facts, as data.
    let report: GradcheckReport | undefined;
    try { gradcheck(wrong, [x, y]); } catch (e) { report = (e as Error & { report: GradcheckReport }).report; }
    expect(report!.ok).toBe(false);
    expect(report!.inputs[0].ok).toBe(true);
    const r1 = report!.inputs[1];
    expect(r1.input).toBe(1);
    expect(r1.ok).toBe(false);
    expect(r1.worst!.inputIndex).toBe(1);
    expect(r1.worst!.analytical).toBeCloseTo(2 * Math.cos(-0.7), 9);
    expect(r1.worst!.numerical).toBeCloseTo(4 * Math.cos(-0.7), 6);
    expect(r1.maxAbsError).toBeCloseTo(2 * Math.cos(-0.7), 6);
  });

  test('saved tensors modified in place before backward are detected', () => {
    const x = f64([1, 2]);
    const h = x.mul(1);
    const y = cube(h);
    h.add_(1);
    expectThrowMessage(() => y.sum().backward(), "'cube'", 'in-place');
  });

  test('a backward returning the wrong number of gradients is reported', () => {
    const bad = defineFunction('bad', {
      forward(_ctx, x) { return x.mul(2); },
      backward(_ctx, g) { return [g, g]; },
    });
    expectThrowMessage(() => bad(f64([1])).sum().backward(), 'bad', 'expected 1, got 2');
  });

  test('a backward returning a wrongly shaped gradient is reported', () => {
    const bad = defineFunction('badShape', {
      forward(_ctx, x) { return x.sum(); },
      backward(_ctx, g) { return [g]; }, // should expand to x's shape
    });
    expectThrowMessage(() => bad(f64([1, 2])).backward(), "'badShape'", 'returned shape []', '[2]');
  });

  test('null gradients for inputs that need none; forward returning an input gets a fresh tensor', () => {
    const firstOnly = defineFunction('firstOnly', {
      forward(_ctx, x, y) { return x.add(y); },
      backward(_ctx, g) { return [g, null]; },
    });
    const x = f64([1]), y = f64([2]);
    firstOnly(x, y).sum().backward();
    expect(x.grad!.toArray()).toEqual([1]);
    expect(y.grad).toBeNull();
    const ident = defineFunction('ident', { forward(_c, x) { return x; }, backward(_c, g) { return [g]; } });
    const z = ident(x);
    expect(z).not.toBe(x);
    expect(z.gradFn!.op).toBe('ident');
  });

  test('forward runs with recording off and must return a tensor', () => {
    const inner: boolean[] = [];
    const probe = defineFunction('probe', {
      forward(_c, x) { const t = x.mul(2); inner.push(t.requiresGrad); return t; },
      backward(_c, g) { return [g.mul(2)]; },
    });
    probe(f64([1]));
    expect(inner).toEqual([false]);
    const notTensor = defineFunction('notTensor', { forward: () => 3 as unknown as Tensor, backward: (_c, g) => [g] });
    expectThrowMessage(() => notTensor(f64([1])), 'notTensor', 'must return a Tensor');
  });
});
