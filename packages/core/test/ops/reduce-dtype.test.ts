/**
 * PyTorch's `dtype=` keyword on sum, mean, prod, softmax and logSoftmax: the input is cast first, the
 * result has that dtype and the gradient comes back in the input's dtype. Expected values are torch
 * 1.13's for the same calls (x.sum(1, dtype=torch.float32), f.softmax(1, dtype=torch.float64), ...).
 */
import { tensor, sum, mean, prod, softmax, logSoftmax, Tensor } from '@tapegrad/core';

const close = (t: Tensor, want: number[] | number[][], digits = 12) => {
  const got = t.tolist() as number[] | number[][];
  expect(t.shape).toEqual(Array.isArray(want[0]) ? [want.length, (want[0] as number[]).length] : [want.length]);
  (want.flat() as number[]).forEach((w, i) => expect((got.flat() as number[])[i]).toBeCloseTo(w, digits));
};

describe('dtype option of the reductions and softmax (PyTorch 1.13)', () => {
  const xi = () => tensor([[1, 2, 3], [4, 5, 7]], { dtype: 'int32' });

  test('int32 input with a float dtype gives a float result', () => {
    const s = xi().sum({ dim: 1, dtype: 'float32' });
    expect(s.dtype).toBe('float32');
    close(s, [6, 16]);
    const k = xi().sum(1, true, { dtype: 'float64' });
    expect([k.dtype, k.shape]).toEqual(['float64', [2, 1]]);
    expect(k.tolist()).toEqual([[6], [16]]);
    expect(sum(xi(), { dtype: 'float64' }).item()).toBe(22);
    const p = xi().prod(1, { dtype: 'float32' });
    expect(p.dtype).toBe('float32');
    close(p, [6, 140]);
    expect(mean(xi(), { dtype: 'float32' }).item()).toBeCloseTo(3.6666667461395264, 6);
    const m = xi().mean(0, { dtype: 'float64' });
    expect(m.dtype).toBe('float64');
    close(m, [2.5, 3.5, 5]);
    close(xi().softmax(1, { dtype: 'float64' }), [[0.09003057317038045, 0.2447284710547976, 0.6652409557748218], [0.04201006613406605, 0.11419519938459449, 0.8437947344813395]]);
    close(logSoftmax(xi(), { dim: 1, dtype: 'float64' }), [[-2.4076059644443806, -1.4076059644443804, -0.4076059644443804], [-3.1698460195562856, -2.1698460195562856, -0.16984601955628567]]);
    // without dtype an int32 sum stays int32, as PyTorch
    expect(xi().sum(1).dtype).toBe('int32');
  });

  test('float32 input computed in float64: float64 result, float32 gradient with torch\'s values', () => {
    const w = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const grad = (f: (x: Tensor) => Tensor, weight: (o: Tensor) => Tensor): Tensor => {
      const x = tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], { dtype: 'float32', requiresGrad: true });
      const o = f(x);
      expect(o.dtype).toBe('float64');
      weight(o).sum().backward();
      expect(x.grad!.dtype).toBe('float32');
      return x.grad!;
    };
    const col0 = w.narrow(1, 0, 1).reshape([2]);
    close(grad((x) => x.sum(1, { dtype: 'float64' }), (o) => o.mul(col0)), [[1, 1, 1], [4, 4, 4]]);
    close(grad((x) => x.mean({ dtype: 'float64' }), (o) => o), [[1 / 6, 1 / 6, 1 / 6], [1 / 6, 1 / 6, 1 / 6]], 7);
    close(grad((x) => prod(x, 1, { dtype: 'float64' }), (o) => o.mul(col0)), [[-2, 1, -0.5], [-0.75, -4.5, 1.5]], 6);
    close(grad((x) => softmax(x, 1, { dtype: 'float64' }), (o) => o.mul(w)),
      [[-0.28227129578590393, -0.023870663717389107, 0.3061419427394867], [-0.2566863000392914, 0.13229474425315857, 0.124391570687294]], 6);
    close(grad((x) => x.logSoftmax({ dim: 1, dtype: 'float64' }), (o) => o.mul(w)),
      [[-0.05174235254526138, 1.765324592590332, -1.713582158088684], [-6.776605129241943, 1.912450909614563, 4.86415433883667]], 5);
  });

  test('bad dtype options are errors naming the op', () => {
    // torch: "mean(): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: Int"
    expect(() => tensor([1.5, 2.5]).mean({ dtype: 'int32' })).toThrow(/mean: could not infer output dtype.*floating point dtype, got int32/);
    expect(() => xi().mean()).toThrow(/mean: expected a floating point tensor, got int32/);
    expect(() => tensor([1, 2]).softmax(0, { dtype: 'int32' })).toThrow(/softmax: the dtype option must be a floating point dtype, got int32/);
    expect(() => tensor([1, 2]).sum(0, { dtype: 'float64', keepDim: true } as never)).toThrow(/sum/);
    expect(() => tensor([1, 2]).softmax({ dtype: 'float64' })).toThrow(/softmax: dim is required/);
    expect(() => tensor([[1, 2]]).prod([0, 1] as never)).toThrow(/prod: argument 2 \(dim\) must be a number or null/);
    expect(() => tensor([1, 2]).sum(0, { dim: 0 })).toThrow(/sum: got multiple values for argument 'dim'/);
  });
});
