/** x.type(dtype) and x.length: PyTorch's x.type(torch.float) and len(x). */
import { tensor, zeros } from '../src';

describe('Tensor.type', () => {
  it('casts like to(), and names the type without an argument', () => {
    const b = tensor([1, 2, 3]).eq(tensor([1, 0, 3]));
    const f = b.type('float32');
    expect([f.dtype, f.toArray()]).toEqual(['float32', [1, 0, 1]]);
    expect(f.sum().item()).toBe(2);
    expect(f.type('float32')).toBe(f);
    expect([b.type(), f.type(), f.double().type(), f.int().type()]).toEqual(['torch.BoolTensor', 'torch.FloatTensor', 'torch.DoubleTensor', 'torch.IntTensor']);
    const x = tensor([0.5], { requiresGrad: true });
    x.type('float64').mul(2).sum().backward(); // differentiable, as the cast
    expect(x.grad!.toArray()).toEqual([2]);
    expect(() => f.type('int64' as never)).toThrow(/int64/);
  });
});

describe('Tensor.length', () => {
  it('is the size of the first dim; a 0-d tensor has none', () => {
    expect(zeros([4, 3]).length).toBe(4);
    expect(zeros([0, 2]).length).toBe(0);
    expect(() => tensor(1).length).toThrow(/len\(\) of a 0-d tensor/);
  });
});

describe('Tensor.dim', () => {
  it('is the number of dims, as ndim', () => {
    expect([tensor(1).dim(), zeros([2]).dim(), zeros([2, 3, 4]).dim()]).toEqual([0, 1, 3]);
  });
});
