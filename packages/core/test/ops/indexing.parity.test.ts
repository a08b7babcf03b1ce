/**
 * Indexing ops where tapegrad once differed from PyTorch (indexing.ts): where's condition dtype,
 * maskedFill broadcasting, oneHot of an empty tensor, and second backwards through index ops (which
 * save their index, as PyTorch's). Expected behaviour printed by PyTorch 1.13.
 */
import { Tensor, tensor, zeros, where } from '@tapegrad/core';

const i32 = (v: number[]): Tensor => tensor(v, { dtype: 'int32' });

describe('where', () => {
  test('the condition must be a bool tensor', () => {
    // torch.where(torch.tensor([1, 0]), torch.tensor([1, 2]), torch.tensor([3, 4]))
    //   -> RuntimeError: where expected condition to be a boolean tensor, but got a tensor with dtype Long
    expect(() => where(i32([1, 0]), i32([1, 2]), i32([3, 4]))).toThrow(/where: the condition must be a bool tensor, got int32/);
    expect(() => where(zeros([2]), 1, 0)).toThrow(/where: .*float32/);
    // torch.where(torch.tensor([1, 0]) != 0, ...) -> tensor([1, 4])
    expect(where(i32([1, 0]).ne(0), i32([1, 2]), i32([3, 4])).toArray()).toEqual([1, 4]);
  });
});

describe('maskedFill', () => {
  test('the mask and the input broadcast together (out of place)', () => {
    // torch.tensor([1, 2]).masked_fill(torch.tensor([[True, False], [True, True]]), 0) -> tensor([[0, 2], [0, 0]])
    const r = tensor([1, 2], { dtype: 'int32' }).maskedFill(tensor([[true, false], [true, true]]), 0);
    expect([r.shape, r.dtype, r.toArray()]).toEqual([[2, 2], 'int32', [[0, 2], [0, 0]]]);
    // x = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
    // x.masked_fill(torch.tensor([[True], [False]]), 5.).sum().backward(); x.grad -> tensor([1., 1.])
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    x.maskedFill(tensor([[true], [false]]), 5).sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 1]);
  });

  test('in place the result must keep the tensor\'s shape', () => {
    // torch.tensor([1, 2]).masked_fill_(torch.tensor([[True, False], [True, True]]), 0) -> RuntimeError (shape mismatch)
    expect(() => tensor([1, 2]).maskedFill_(tensor([[true, false], [true, true]]), 0)).toThrow(/maskedFill_: .*\[2, 2\].*\[2\]/);
  });
});

describe('oneHot', () => {
  test('an empty tensor needs an explicit numClasses', () => {
    // F.one_hot(torch.zeros(0, dtype=torch.long)) -> RuntimeError: Can not infer total number of classes from empty tensor.
    expect(() => zeros([0], { dtype: 'int32' }).oneHot()).toThrow(/oneHot: cannot infer the number of classes from an empty tensor/);
    // F.one_hot(torch.zeros(0, dtype=torch.long), 3).shape -> torch.Size([0, 3])
    expect(zeros([0], { dtype: 'int32' }).oneHot(3).shape).toEqual([0, 3]);
  });
});

describe('index ops save their index', () => {
  test('a second backward through gather / indexSelect without retainGraph throws', () => {
    // x = torch.tensor([1., 2.], requires_grad=True); y = x.gather(0, torch.tensor([1])).sum(); y.backward(); y.backward()
    //   -> RuntimeError: Trying to backward through the graph a second time
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = x.gather(0, i32([1])).sum();
    y.backward();
    expect(() => y.backward()).toThrow(/second time/);
    const z = x.indexSelect(0, i32([0, 0])).sum();
    z.backward();
    expect(() => z.backward()).toThrow(/second time/);
  });
});
