// Tensor.registerHook against PyTorch 1.13's register_hook (values printed by torch; the script is
// fixtures/pytorch/audit3_hooks.py).
import { tensor, grad, Tensor } from '../../src';

const x3 = (): Tensor => tensor([1, 2, 3], { requiresGrad: true });

describe('registerHook', () => {
  test('a leaf hook sees the summed gradient once and may replace what is accumulated', () => {
    const x = x3(); const calls: number[][] = [];
    x.registerHook((g) => { calls.push(g.toArray() as number[]); });
    x.mul(2).add(x.mul(3)).sum().backward();
    expect(calls).toEqual([[5, 5, 5]]);
    expect(x.grad!.toArray()).toEqual([5, 5, 5]);
    const z = x3(); z.registerHook((g) => g.mul(10));
    z.mul(2).sum().backward();
    expect(z.grad!.toArray()).toEqual([20, 20, 20]);
  });
  test('a non-leaf hook changes what flows on; retainGrad sees the gradient of the hooks registered before it', () => {
    let x = x3(); let y = x.mul(2);
    y.retainGrad(); y.registerHook((g) => g.mul(10));
    y.sum().backward();
    expect(y.grad!.toArray()).toEqual([1, 1, 1]);
    expect(x.grad!.toArray()).toEqual([20, 20, 20]);
    x = x3(); y = x.mul(2);
    y.registerHook((g) => g.mul(10)); y.retainGrad();
    y.sum().backward();
    expect(y.grad!.toArray()).toEqual([10, 10, 10]);
    expect(x.grad!.toArray()).toEqual([20, 20, 20]);
  });
  test('hooks chain in registration order; remove() unregisters', () => {
    const x = x3();
    x.registerHook((g) => g.mul(10)); x.registerHook((g) => g.add(1));
    x.sum().backward();
    expect(x.grad!.toArray()).toEqual([11, 11, 11]);
    const z = x3(); const h = z.registerHook((g) => g.mul(10)); h.remove();
    z.sum().backward();
    expect(z.grad!.toArray()).toEqual([1, 1, 1]);
  });
  test('grad() does not run a leaf input\'s hooks (as PyTorch: they sit on the accumulator)', () => {
    const x = x3(); x.registerHook((g) => g.mul(10));
    expect(grad(x.sum(), [x])[0]!.toArray()).toEqual([1, 1, 1]);
  });
  test('errors: no grad required, a gradient of another shape', () => {
    expect(() => tensor([1]).registerHook((g) => g)).toThrow(/cannot register a hook on a tensor that doesn't require gradient/);
    const x = x3(); x.registerHook((g) => g.narrow(0, 0, 2));
    expect(() => x.sum().backward()).toThrow(/returned shape \[2\] for a gradient of shape \[3\]/);
  });
});
