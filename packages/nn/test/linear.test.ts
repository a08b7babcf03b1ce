/** Linear, Bilinear, Identity: values and gradients vs PyTorch, default init, shape errors. */
import { tensor, zeros, manualSeed, Generator, Tensor } from '@tapegrad/core';
import { Linear, Bilinear, Identity } from '@tapegrad/nn';
import { REF } from './layers.ref';
import { expectClose } from './helpers';

const f64 = { dtype: 'float64' as const };

describe('Linear', () => {
  it('y = x·Wᵀ + b and its gradients match PyTorch', () => {
    const lin = new Linear(3, 2, { dtype: 'float64' });
    lin.loadStateDict({ weight: tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], f64), bias: tensor([0.01, -0.02], f64) });
    const x = tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], { ...f64, requiresGrad: true });
    const y = lin.call(x);
    y.backward(tensor([[1.0, -2.0], [0.5, 3.0]], f64));
    expectClose(y, REF.linear.y, 1e-12);
    expectClose(x.grad, REF.linear.gx, 1e-12);
    expectClose(lin.weight.grad, REF.linear.gw, 1e-12);
    expectClose(lin.bias!.grad, REF.linear.gb, 1e-12);
  });
  it('weight is [out, in]; bias optional (options or positional boolean); any leading dims', () => {
    const lin = new Linear(5, 3);
    expect(lin.weight.shape).toEqual([3, 5]);
    expect(lin.bias!.shape).toEqual([3]);
    expect(lin.weight.dtype).toBe('float32');
    expect(new Linear(5, 3, false).bias).toBeNull();
    expect(new Linear(5, 3, { bias: false }).numParameters()).toBe(15);
    expect(lin.call(zeros([2, 4, 5])).shape).toEqual([2, 4, 3]);
    expect(lin.call(zeros([5])).shape).toEqual([3]);
  });
  it("PyTorch's default init: weight and bias in U(−1/√in, 1/√in), std bound/√3", () => {
    manualSeed(11);
    const lin = new Linear(400, 300);
    const bound = 1 / Math.sqrt(400);
    const w = Array.from(lin.weight.dataSync());
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.99 * bound);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.01 * bound);
    expect(std / (bound / Math.sqrt(3))).toBeCloseTo(1, 2);
    const b = Array.from(lin.bias!.dataSync());
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...b.map(Math.abs))).toBeGreaterThan(0.9 * bound);
  });
  it('is reproducible from a seed or a generator', () => {
    manualSeed(5);
    const a = new Linear(3, 2);
    manualSeed(5);
    const b = new Linear(3, 2);
    expect(a.weight.dataSync()).toEqual(b.weight.dataSync());
    const c = new Linear(3, 2, { generator: new Generator(9) });
    const d = new Linear(3, 2, { generator: new Generator(9) });
    expect(c.bias!.dataSync()).toEqual(d.bias!.dataSync());
  });
  it('wrong input feature size names expected and got', () => {
    const lin = new Linear(784, 128);
    expect(() => lin.call(zeros([2, 100]))).toThrow('Linear(784, 128): expected input with 784 features in the last dim, got shape [2, 100]');
    expect(() => lin.call(zeros([]))).toThrow(/expected input with 784 features in the last dim, got shape \[\]/);
    expect(() => new Linear(-1, 2)).toThrow(/inFeatures must be a non-negative integer, got -1/);
    expect(() => lin.call('x' as unknown as Tensor)).toThrow(/expected a Tensor input, got string/);
  });
});

describe('Bilinear', () => {
  it('y_k = x1ᵀ W_k x2 + b_k and its gradients match PyTorch', () => {
    const bl = new Bilinear(2, 3, 2, { dtype: 'float64' });
    const w = Array.from({ length: 12 }, (_, i) => i / 10 - 0.5);
    bl.loadStateDict({ weight: tensor(w, f64).reshape([2, 2, 3]), bias: tensor([0.1, -0.1], f64) });
    const x1 = tensor([[0.5, -1.0], [2.0, 0.3]], { ...f64, requiresGrad: true });
    const x2 = tensor([[1.0, 0.2, -0.5], [0.1, -0.4, 0.7]], { ...f64, requiresGrad: true });
    const y = bl.call(x1, x2);
    y.sum().backward();
    expectClose(y, REF.bilinear.y, 1e-12);
    expectClose(x1.grad, REF.bilinear.g1, 1e-12);
    expectClose(x2.grad, REF.bilinear.g2, 1e-12);
    expectClose(bl.weight.grad, REF.bilinear.gw, 1e-12);
    expectClose(bl.bias!.grad, REF.bilinear.gb, 1e-12);
  });
  it('shape errors', () => {
    const bl = new Bilinear(2, 3, 4);
    expect(bl.weight.shape).toEqual([4, 2, 3]);
    expect(() => bl.call(zeros([5, 3]), zeros([5, 3]))).toThrow(/bilinear: input1 has shape \[5, 3\] but the weight \[4, 2, 3\] expects 2 features/);
    expect(() => bl.call(zeros([5, 2]), zeros([5, 2]))).toThrow(/input2 has shape \[5, 2\].*expects 3 features/);
    expect(() => bl.call(zeros([5, 2]), zeros([4, 3]))).toThrow(/must have the same leading \(batch\) dims/);
  });
});

describe('Identity', () => {
  it('returns its input', () => {
    const x = tensor([1.5, 2]);
    expect(new Identity().call(x)).toBe(x);
  });
});

describe('Linear / Bilinear options', () => {
  it('unknown keys are errors instead of silently keeping the bias', () => {
    expect(() => new Linear(4, 2, { bais: false } as never)).toThrow(/Linear: unknown option 'bais'.*expected one of bias, dtype, generator/);
    expect(() => new Bilinear(2, 3, 4, { use_bias: false } as never)).toThrow(/Bilinear: unknown option 'use_bias'/);
    expect(new Linear(4, 2, false).bias).toBeNull();
    expect(new Linear(4, 2, { bias: false }).bias).toBeNull();
  });
});
