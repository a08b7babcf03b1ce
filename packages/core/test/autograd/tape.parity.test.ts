/**
 * Releasing the graph after backward, as PyTorch: only nodes that saved tensors are freed, so a second
 * backward through a graph of ops that saved nothing (add, sum, views) works and accumulates, while one
 * that needs a freed saved value throws. Expected behaviour printed by PyTorch 1.13.
 */
import { tensor } from '@tapegrad/core';

const f32 = (v: number[]) => tensor(v, { dtype: 'float32', requiresGrad: true });

describe('second backward without retainGraph', () => {
  test('through ops that saved nothing it works and accumulates', () => {
    // x = torch.tensor([1., 2.], requires_grad=True); y = (x + 1).sum(); y.backward(); y.backward(); x.grad -> tensor([2., 2.])
    const x = f32([1, 2]);
    const y = x.add(1).sum();
    y.backward();
    y.backward();
    expect(x.grad!.toArray()).toEqual([2, 2]);
    // y = x.unsqueeze(0).expand(3, 2).sum(); twice -> x.grad tensor([6., 6.])
    const w = f32([1, 2]);
    const z = w.unsqueeze(0).expand([3, 2]).sum();
    z.backward();
    z.backward();
    expect(w.grad!.toArray()).toEqual([6, 6]);
    // y = x.mean(); y.backward(); y.backward(); x.grad -> tensor([1., 1.])  (MeanBackward0 saves only sizes)
    const m = f32([1, 2]);
    const my = m.mean();
    my.backward();
    my.backward();
    expect(m.grad!.toArray()).toEqual([1, 1]);
  });

  test('through an op that saved a tensor it throws, naming the op', () => {
    // y = (x * x).sum(); y.backward(); y.backward() -> RuntimeError: Trying to backward through the graph a second time
    // (x * 2 and x.relu() alike: MulBackward0 saves the other operand, ReluBackward0 its result)
    for (const f of [(x: ReturnType<typeof f32>) => x.mul(x), (x: ReturnType<typeof f32>) => x.mul(2), (x: ReturnType<typeof f32>) => x.relu()]) {
      const x = f32([1, 2]);
      const y = f(x).add(1).sum();
      y.backward();
      expect(() => y.backward()).toThrow(/backward: trying to backward through the graph a second time \(op '(mul|relu)'\).*retainGraph/);
      expect(x.grad).not.toBeNull();
    }
  });
});
