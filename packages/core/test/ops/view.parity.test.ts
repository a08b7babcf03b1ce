/**
 * Shape ops where tapegrad once differed from PyTorch (view.ts): cutting a 0-d tensor, chunk of an
 * empty dim, negative split sizes. Expected behaviour printed by PyTorch 1.13.
 */
import { tensor, zeros, arange } from '@tapegrad/core';

describe('cutting ops on 0-d tensors throw', () => {
  test('narrow, select, split, chunk', () => {
    const s = tensor(1.5);
    // torch.tensor(1.5).narrow(0, 0, 1) -> RuntimeError: narrow() cannot be applied to a 0-dim tensor.
    expect(() => s.narrow(0, 0, 1)).toThrow(/narrow: cannot be applied to a 0-d tensor/);
    // torch.tensor(1.5).select(0, 0) -> IndexError: select() cannot be applied to a 0-dim tensor.
    expect(() => s.select(0, 0)).toThrow(/select: cannot be applied to a 0-d tensor/);
    // torch.tensor(1.5).split(1) -> RuntimeError: split expects at least a 1-dimensional tensor (chunk alike)
    expect(() => s.split(1)).toThrow(/split: .*0-d/);
    expect(() => s.chunk(1)).toThrow(/chunk: .*0-d/);
    // a dim out of range still gets the dim-range message
    expect(() => s.select(3, 0)).toThrow(/select: dim 3 is out of range for a tensor of rank 0/);
  });
});

describe('split and chunk sizes', () => {
  test('chunk of an empty dim gives `chunks` empty pieces', () => {
    // [t.shape for t in torch.zeros(0).chunk(3)] -> [torch.Size([0])] * 3
    expect(zeros([0]).chunk(3).map((t) => t.shape)).toEqual([[0], [0], [0]]);
    // torch.zeros(2, 0).chunk(2, 1) -> two (2, 0) tensors
    expect(zeros([2, 0]).chunk(2, 1).map((t) => t.shape)).toEqual([[2, 0], [2, 0]]);
  });

  test('uneven chunk follows ceil(size / chunks) and may return fewer pieces', () => {
    // [len(t) for t in torch.arange(5).chunk(3)] -> [2, 2, 1]; arange(6).chunk(4) -> [2, 2, 2]; arange(2).chunk(5) -> [1, 1]
    expect(arange(5).chunk(3).map((t) => t.shape[0])).toEqual([2, 2, 1]);
    expect(arange(6).chunk(4).map((t) => t.shape[0])).toEqual([2, 2, 2]);
    expect(arange(2).chunk(5).map((t) => t.shape[0])).toEqual([1, 1]);
  });

  test('negative split sizes are rejected', () => {
    // torch.zeros(3).split([4, -1]) -> RuntimeError: split_with_sizes expects split_sizes have only non-negative entries
    expect(() => zeros([3]).split([4, -1])).toThrow(/split: sizes \[4, -1\] must be non-negative/);
  });
});
