/**
 * Reductions where tapegrad once differed from PyTorch (reduce.ts, activation.ts): an empty dim list,
 * zero-size tensors reduced over a non-empty dim, std's gradient at zero spread, the all-reduce max()
 * of a tensor holding NaN, and float-only activations. Expected values printed by PyTorch 1.13.
 */
import { Tensor, tensor, zeros } from '@tapegrad/core';

const f64 = (v: number[] | number[][], requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

describe('an empty dim list reduces over every dim', () => {
  test('sum/mean/var/std/amax/amin with dim []', () => {
    const x = f64([1, 2, 4], false);
    // torch.tensor([1., 2, 4]).sum(dim=[]) -> tensor(7.); mean -> 2.3333; var -> 2.3333; std -> 1.5275; amax -> 4.; amin -> 1.
    expect(x.sum([]).toArray()).toBe(7);
    expect(x.mean([]).item()).toBeCloseTo(7 / 3, 12);
    expect(x.var([]).item()).toBeCloseTo(7 / 3, 12);
    expect(x.std([]).item()).toBeCloseTo(Math.sqrt(7 / 3), 12);
    expect(x.amax([]).item()).toBe(4);
    expect(x.amin([]).item()).toBe(1);
    // torch.tensor([[1, 2], [3, 4]]).sum([]) -> tensor(10)
    expect(tensor([[1, 2], [3, 4]], { dtype: 'int32' }).sum([]).toArray()).toBe(10);
  });
});

describe('zero-size tensors', () => {
  test('reducing a non-empty dim of an empty tensor gives an empty result', () => {
    const x = zeros([0, 3]);
    // torch.zeros(0, 3).argmax(1) -> tensor([], dtype=torch.int64); .amax(1) -> tensor([]); .max(1) -> values/indices of size (0,)
    expect(x.argmax(1).shape).toEqual([0]);
    expect(x.argmin(1, true).shape).toEqual([0, 1]);
    expect(x.amax(1).shape).toEqual([0]);
    expect(x.amin(-1).shape).toEqual([0]);
    const { values, indices } = x.max(1);
    expect([values.shape, indices.shape, indices.dtype]).toEqual([[0], [0], 'int32']);
    // torch.zeros(0, 3).softmax(1) -> tensor([], size=(0, 3)); log_softmax the same
    expect(x.softmax(1).shape).toEqual([0, 3]);
    expect(x.logSoftmax(1).shape).toEqual([0, 3]);
  });

  test('reducing over a dim of size 0 (or all of an empty tensor) still throws, naming the op and dim', () => {
    // torch.zeros(0, 3).amax(0) -> RuntimeError: amax(): Expected reduction dim 0 to have non-zero size.
    expect(() => zeros([0, 3]).amax(0)).toThrow(/amax: cannot reduce over dim 0 of size 0/);
    expect(() => zeros([0, 3]).argmax(0)).toThrow(/argmax: .*dim 0 of size 0/);
    expect(() => zeros([2, 0]).max(1)).toThrow(/max: .*dim 1 of size 0/);
    // torch.zeros(0).argmax() -> RuntimeError: argmax(): Expected reduction dim to be specified for input.numel() == 0.
    expect(() => zeros([0]).argmax()).toThrow(/argmax: .*empty tensor/);
    expect(() => zeros([0, 2]).max()).toThrow(/max: .*empty tensor/);
  });
});

describe('gradients', () => {
  test('std has zero gradient where the std is zero', () => {
    // x = torch.tensor([2., 2, 2], dtype=torch.float64, requires_grad=True); x.std().backward(); x.grad -> tensor([0., 0., 0.])
    const x = f64([2, 2, 2]);
    x.std().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
    // x = torch.tensor([[2., 2], [1, 3]], ...); x.std(1).sum().backward(); x.grad -> [[0, 0], [-0.7071, 0.7071]]
    const y = f64([[2, 2], [1, 3]]);
    y.std(1).sum().backward();
    const g = y.grad!.toArray() as number[][];
    expect(g[0]).toEqual([0, 0]);
    expect(g[1][0]).toBeCloseTo(-Math.SQRT1_2, 12);
    expect(g[1][1]).toBeCloseTo(Math.SQRT1_2, 12);
  });

  test('std stays twice differentiable (d²/dx² of std([x, 0]) = 0 away from the kink)', () => {
    // std([x, 0]) (unbiased, n = 2) = |x|/√2, so its first derivative is sign(x)/√2 and its second 0
    const x = tensor([3, 0], { dtype: 'float64', requiresGrad: true });
    const s = x.std();
    s.backward(undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.select(0, 0).item()).toBeCloseTo(Math.SQRT1_2, 12);
    x.grad = null;
    g.select(0, 0).backward();
    expect(x.grad!.select(0, 0).item()).toBeCloseTo(0, 12);
  });

  test('the all-reduce max()/min() of a tensor holding NaN sends the gradient to the NaN; amax does not', () => {
    // x = torch.tensor([nan, 1., 2.], dtype=torch.float64, requires_grad=True); x.max().backward(); x.grad -> tensor([1., 0., 0.])
    const x = f64([NaN, 1, 2]);
    x.max().backward();
    expect(x.grad!.toArray()).toEqual([1, 0, 0]);
    const y = f64([1, NaN, NaN]);
    y.min().backward();
    expect(y.grad!.toArray()).toEqual([0, 0.5, 0.5]);
    // torch.tensor([[nan, 1.]], ..., requires_grad=True).amax(1).sum().backward() -> grad tensor([[0., 0.]])
    const z = f64([[NaN, 1]]);
    z.amax(1).sum().backward();
    expect(z.grad!.toArray()).toEqual([[0, 0]]);
  });
});

describe('float-only activations', () => {
  test('softmax, logSoftmax, leakyRelu, elu, gelu of an integer tensor throw, naming the op and dtype', () => {
    // torch.tensor([1, 2]).softmax(0) -> RuntimeError: "softmax_lastdim_kernel_impl" not implemented for 'Long'
    // F.leaky_relu(torch.tensor([-1, 2])) -> RuntimeError: "leaky_relu_cpu" not implemented for 'Long' (elu, gelu alike)
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(() => i.softmax(0)).toThrow(/softmax: expected a floating point tensor, got int32/);
    expect(() => i.logSoftmax(0)).toThrow(/logSoftmax: .*int32/);
    expect(() => i.leakyRelu()).toThrow(/leakyRelu: .*int32/);
    expect(() => i.elu()).toThrow(/elu: .*int32/);
    expect(() => tensor([true]).gelu()).toThrow(/gelu: .*bool/);
  });
});
