/** Tensor.data: PyTorch's detached view of the values (shares storage, never requires grad). */
import { tensor } from '../src';

describe('Tensor.data', () => {
  it('is cut from the graph and shares storage, for non-leaves and gradients too', () => {
    const x = tensor([3, 4], { requiresGrad: true });
    const y = x.mul(2);
    const d = y.data;
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    expect(d.norm().item()).toBe(10);
    d.mul_(0.5); // writes y's storage, as in PyTorch
    expect(y.toArray()).toEqual([3, 4]);
    y.sum().backward();
    const g = x.grad!.data;
    g.add_(1);
    expect(x.grad!.toArray()).toEqual([3, 3]);
  });
});
