/** gradFn.name() and `${gradFn}`: PyTorch's grad_fn.name() and print(grad_fn) (names from PyTorch 1.13). */
import { tensor, ones, matmul } from '../../src';

describe('Node.name', () => {
  it('gives PyTorch 1.13 names, also where they depend on the output', () => {
    const x = ones([2, 2], { requiresGrad: true });
    const y = x.add(2);
    expect(y.gradFn!.name()).toBe('AddBackward0');
    expect(y.mul(y).gradFn!.name()).toBe('MulBackward0');
    expect(y.mean().gradFn!.name()).toBe('MeanBackward0');
    expect(y.mean(0).gradFn!.name()).toBe('MeanBackward1');
    expect(y.max().gradFn!.name()).toBe('MaxBackward1');
    expect(matmul(ones(2), x).gradFn!.name()).toBe(String(matmul(ones(2), x).toString().match(/grad_fn=<(\w+)>/)![1]));
    expect(`${y.gradFn}`).toBe('<AddBackward0 object>'); // print(f"Gradient function for z = {z.grad_fn}")
    expect(tensor([1, 2], { requiresGrad: true }).pow(2).sum().gradFn!.name()).toBe('SumBackward0');
  });
});
