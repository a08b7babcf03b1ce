/** gradcheck / gradgradcheck themselves: they pass right gradients and catch wrong first and second derivatives. */
import { Tensor, tensor, gradcheck, gradgradcheck, defineFunction, manualSeed, GradcheckReport } from '@tapegrad/core';
import { expectThrowMessage } from '../helpers/approx';

const f64 = (v: number[], requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

describe('gradcheck', () => {
  test('passes for a composite function and reports per-input errors below tolerance', () => {
    const r = gradcheck((x, y) => x.tanh().mul(y).add(x.exp()), [f64([0.3, -1.2]), f64([2, 0.5])]);
    expect(r.ok).toBe(true);
    expect(r.inputs.map((i) => i.input)).toEqual([0, 1]);
    for (const i of r.inputs) expect(i.maxAbsError).toBeLessThan(1e-8);
    expect(r.inputs[0].shape).toEqual([2]);
  });

  test('only inputs that require grad are checked; the others are constants', () => {
    const r = gradcheck((x, c) => x.mul(c), [f64([1, 2]), f64([3, 4], false)]);
    expect(r.inputs.map((i) => i.input)).toEqual([0]);
  });

  test('a list of outputs is checked as one concatenated output', () => {
    const r = gradcheck((x) => [x.sin(), x.mul(2).sum()], [f64([0.1, 0.2, 0.3])]);
    expect(r.ok).toBe(true);
  });

  test('raiseException: false returns the failing report instead of throwing', () => {
    const wrong = defineFunction('doubleWrong', {
      forward(_c, x) { return x.mul(2); },
      backward(_c, g) { return [g.mul(3)]; },
    });
    const r = gradcheck(wrong, [f64([1, 2, 3])], { raiseException: false });
    expect(r.ok).toBe(false);
    expect(r.inputs[0].maxAbsError).toBeCloseTo(1, 6);
    expect(r.inputs[0].worst!.analytical).toBe(3);
    expect(r.inputs[0].worst!.numerical).toBeCloseTo(2, 6);
  });

  test('tolerances are honoured: |error| <= atol + rtol·|numerical| (defaults 1e-5, 1e-3)', () => {
    const nudged = (d: number) => defineFunction('nudged', {
      forward(_c, x) { return x.mul(1); },
      backward(_c, g) { return [g.add(d)]; },
    });
    // Numerical derivative 1: the bound is 1e-5 + 1e-3 = 1.01e-3.
    expect(gradcheck(nudged(9e-4), [f64([1])], { raiseException: false }).ok).toBe(true);
    expect(gradcheck(nudged(2e-3), [f64([1])], { raiseException: false }).ok).toBe(false);
    expect(gradcheck(nudged(2e-3), [f64([1])], { atol: 3e-3 }).ok).toBe(true);
    expect(gradcheck(nudged(2e-3), [f64([1])], { rtol: 3e-3 }).ok).toBe(true);
  });

  test('a gradient that is NaN fails and the report says so', () => {
    const nan = defineFunction('nanGrad', { forward(_c, x) { return x.mul(1); }, backward(_c, g) { return [g.mul(NaN)]; } });
    const r = gradcheck(nan, [f64([1])], { raiseException: false });
    expect(r.ok).toBe(false);
    expect(r.inputs[0].maxAbsError).toBeNaN();
  });

  test('rejects float32 inputs that require grad, non-tensors, and having nothing to check', () => {
    expectThrowMessage(() => gradcheck((x) => x.mul(2), [tensor([1], { dtype: 'float32', requiresGrad: true })]), 'gradcheck', 'input 0', 'float32', 'float64');
    expectThrowMessage(() => gradcheck((x) => x, [3 as unknown as Tensor]), 'gradcheck', 'input 0 is not a Tensor');
    expectThrowMessage(() => gradcheck((x) => x.mul(2), [f64([1], false)]), 'gradcheck', 'no input requires grad');
  });

  test('does not change the inputs it is given', () => {
    const x = f64([0.5, 1.5]);
    gradcheck((a) => a.pow(3), [x]);
    expect(x.toArray()).toEqual([0.5, 1.5]);
    expect(x.grad).toBeNull();
  });
});

describe('gradgradcheck', () => {
  test('passes for ops whose VJPs are differentiable', () => {
    manualSeed(3);
    expect(gradgradcheck((x, y) => x.mul(y).sigmoid().sum(), [f64([0.3, -1]), f64([1.2, 0.4])]).ok).toBe(true);
  });

  test('catches a backward that is right to first order but not differentiable (detached inside)', () => {
    // d/dx x³ = 3x², but computed on detached values: first derivatives agree, second derivatives are lost.
    const opaque = defineFunction('opaqueCube', {
      forward(ctx, x) { ctx.saveForBackward(x); return x.pow(3); },
      backward(ctx, g) { const [x] = ctx.savedTensors; return [g.mul(x.detach().pow(2).mul(3))]; },
    });
    const x = f64([0.5, -1.5]);
    expect(gradcheck(opaque, [x]).ok).toBe(true);
    manualSeed(4);
    let report: GradcheckReport | undefined;
    expect(() => { try { gradgradcheck(opaque, [x]); } catch (e) { report = (e as Error & { report: GradcheckReport }).report; throw e; } }).toThrow(/gradcheck: Jacobian mismatch/);
    // The input x (index 0) is wrong; the upstream vector v (index 1) is fine.
    expect(report!.inputs.find((i) => i.input === 0)!.ok).toBe(false);
    expect(report!.inputs.find((i) => i.input === 1)!.ok).toBe(true);
  });

  test('accepts explicit gradOutputs', () => {
    const r = gradgradcheck((x) => x.pow(3), [f64([1, 2])], { gradOutputs: [f64([1, -1], false)] });
    expect(r.ok).toBe(true);
  });
});
