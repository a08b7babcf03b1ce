/** x.newZeros / newOnes / newFull / newEmpty: PyTorch's new_* (the source's dtype unless given). */
import { tensor, zeros } from '../src';

describe('Tensor.new*', () => {
  const x = tensor([1, 2], { dtype: 'float64' });
  it('take the tensor\'s dtype, the size in zeros\' forms, and options', () => {
    expect(x.newOnes(5, 3).dtype).toBe('float64');
    expect(x.newOnes([2, 2]).toArray()).toEqual([[1, 1], [1, 1]]);
    expect(x.newZeros(3).toArray()).toEqual([0, 0, 0]);
    expect(x.newEmpty([2]).shape).toEqual([2]);
    expect(x.newFull([2], 7).toArray()).toEqual([7, 7]);
    expect(x.newOnes([5, 3], { dtype: 'float32' }).dtype).toBe('float32'); // x.new_ones(5, 3, dtype=torch.float)
    expect(zeros(2, { dtype: 'int32' }).newFull([1], 3).dtype).toBe('int32');
    const r = x.newZeros([2], { requiresGrad: true });
    expect([r.requiresGrad, r.isLeaf]).toEqual([true, true]);
  });
  it('errors as zeros does', () => {
    expect(() => x.newZeros([2], { dtpye: 'float32' } as never)).toThrow(/newZeros: .*dtpye/);
    expect(() => x.newOnes(-1)).toThrow(/newOnes/);
  });
});
