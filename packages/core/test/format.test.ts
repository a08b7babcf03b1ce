/**
 * toString() follows PyTorch's printing. The expected strings were printed by PyTorch 1.13:
 * `/usr/bin/python3 -c "import torch; print(repr(str(torch.tensor(...))))"` with the same values.
 * Deliberate differences: tapegrad names dtypes without the `torch.` prefix, does not print the dtype of
 * int32 (its default integer type, as int64 is PyTorch's), and names grad_fn by the op (`<mul>`).
 */
import { tensor, zeros, arange, type Tensor } from '@tapegrad/core';

describe('toString matches PyTorch', () => {
  test.each([
    ['1-D integral floats', () => tensor([1, 2, 3], { dtype: 'float32' }), 'tensor([1., 2., 3.])'],
    ['2-D with signs (padded to one width)', () => tensor([[1.5, -2.25], [3, 4]]), 'tensor([[ 1.5000, -2.2500],\n        [ 3.0000,  4.0000]])'],
    ['3-D: blank line between blocks', () => arange(8).reshape([2, 2, 2]).float(), 'tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])'],
    ['scientific when the range exceeds 1000', () => tensor([1e-5, 1, 100]), 'tensor([1.0000e-05, 1.0000e+00, 1.0000e+02])'],
    ['scientific for large values', () => tensor([-2.5, 1e9]), 'tensor([-2.5000e+00,  1.0000e+09])'],
    ['integral floats padded', () => tensor([1, 10, 100], { dtype: 'float32' }), 'tensor([  1.,  10., 100.])'],
    ['4 decimals', () => tensor([0.12345678]), 'tensor([0.1235])'],
    ['small but within range', () => tensor([[1e-3, 1]]), 'tensor([[0.0010, 1.0000]])'],
    ['0-d', () => tensor(3.5), 'tensor(3.5000)'],
    ['0-d negative', () => tensor(-0.25), 'tensor(-0.2500)'],
    ['a single zero', () => tensor([0], { dtype: 'float32' }), 'tensor([0.])'],
    ['nan among values', () => tensor([0.5, NaN, 2]), 'tensor([0.5000,    nan, 2.0000])'],
    ['nan and inf', () => tensor([NaN, Infinity, -1], { dtype: 'float32' }), 'tensor([nan, inf, -1.])'],
    ['empty 1-D', () => zeros([0]), 'tensor([])'],
    ['empty 2-D shows its size', () => zeros([2, 0]), 'tensor([], size=(2, 0))'],
    ['bool', () => tensor([true, false]), 'tensor([ True, False])'],
    ['bool column', () => tensor([[true], [false]]), 'tensor([[ True],\n        [False]])'],
    ['requires grad', () => tensor([1, 2], { dtype: 'float32', requiresGrad: true }), 'tensor([1., 2.], requires_grad=True)'],
    ['size-1 inner dims', () => tensor([1.5, 2.5]).reshape([2, 1, 1]), 'tensor([[[1.5000]],\n\n        [[2.5000]]])'],
  ])('%s', (_name, make, expected) => {
    expect(String(make())).toBe(expected);
  });

  test('grad_fn prints PyTorch 1.13\'s backward-node names; the node keeps our op name', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const y = tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
    const name = (t: Tensor) => /grad_fn=<(\w+)>/.exec(t.toString())?.[1];
    // each expected name is type(out.grad_fn).__name__ for the same call in torch 1.13
    const cases: [Tensor, string][] = [
      [x.add(x), 'AddBackward0'], [x.add(1), 'AddBackward0'], [x.sub(x), 'SubBackward0'], [x.div(2), 'DivBackward0'],
      [x.matmul(y), 'MmBackward0'], [x.sum(), 'SumBackward0'], [x.sum(1), 'SumBackward1'], [x.sum(1, true), 'SumBackward1'],
      [x.mean(), 'MeanBackward0'], [x.mean(1), 'MeanBackward1'], [x.relu(), 'ReluBackward0'], [x.sigmoid(), 'SigmoidBackward0'],
      [x.tanh(), 'TanhBackward0'], [x.exp(), 'ExpBackward0'], [x.log(), 'LogBackward0'], [x.pow(2), 'PowBackward0'],
      [x.pow(x), 'PowBackward1'], [x.view([3, 2]), 'ViewBackward0'], [x.reshape([6]), 'ReshapeAliasBackward0'],
      [x.permute([1, 0]), 'PermuteBackward0'], [x.logSoftmax(1), 'LogSoftmaxBackward0'], [x.softmax(1), 'SoftmaxBackward0'],
      [x.neg(), 'NegBackward0'], [x.clamp(0, 1), 'ClampBackward1'], [x.max(), 'MaxBackward1'], [x.to('float64'), 'ToCopyBackward0'],
      [x.cumsum(1), 'CumsumBackward0'], [x.prod(), 'ProdBackward0'],
    ];
    for (const [t, expected] of cases) expect([t.gradFn!.op, name(t)]).toEqual([t.gradFn!.op, expected]);
    expect(x.mul(2).gradFn!.op).toBe('mul');
  });

  test.each([
    // PyTorch: 'tensor([[ -1,  20],\n        [300,   4]], dtype=torch.int32)'
    ['int32 (no dtype: it is the default integer type)', () => tensor([[-1, 20], [300, 4]], { dtype: 'int32' }), 'tensor([[ -1,  20],\n        [300,   4]])'],
    // PyTorch: 'tensor([1., 2.], dtype=torch.float64)'
    ['float64', () => tensor([1, 2], { dtype: 'float64' }), 'tensor([1., 2.], dtype=float64)'],
    // PyTorch: 'tensor([2., 4.], grad_fn=<MulBackward0>)'
    ['grad_fn', () => tensor([1, 2], { dtype: 'float32', requiresGrad: true }).mul(2), 'tensor([2., 4.], grad_fn=<MulBackward0>)'],
    // PyTorch: 'tensor([], size=(2, 0), dtype=torch.float64)'
    ['empty float64', () => zeros([2, 0], { dtype: 'float64' }), 'tensor([], size=(2, 0), dtype=float64)'],
  ])('tapegrad naming: %s', (_name, make, expected) => {
    expect(String(make())).toBe(expected);
  });

  test('non-contiguous views print their logical values', () => {
    expect(String(tensor([[1, 2], [3, 4]], { dtype: 'float32' }).t())).toBe('tensor([[1., 3.],\n        [2., 4.]])');
  });
});
