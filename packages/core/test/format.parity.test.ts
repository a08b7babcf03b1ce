/**
 * toString() layout that follows torch/_tensor_str.py beyond small tensors: line wrapping at 80 columns,
 * summarising past 1000 elements, widths from the non-zero finite values, scientific notation for integral
 * floats spanning more than 1000×, Python's half-to-even rounding of exact ties, -0, and the dtype of empty
 * tensors. Every expected string was printed by PyTorch 1.13 (`print(repr(str(...)))`); the only edits are
 * tapegrad's deliberate names (dtype without `torch.`, int32 for int64).
 */
import { tensor, zeros, ones, arange, setDefaultDtype } from '@tapegrad/core';

describe('toString layout as PyTorch', () => {
  test.each([
    // torch.arange(20.) / 3
    ['wraps 1-D at 80 columns', () => arange(20).float().div(3),
      'tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n        3.0000, 3.3333, 3.6667, 4.0000, 4.3333, 4.6667, 5.0000, 5.3333, 5.6667,\n        6.0000, 6.3333])'],
    // torch.arange(30)
    ['wraps integers', () => arange(30),
      'tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])'],
    // (torch.arange(24.) / 7).reshape(2, 12)
    ['wraps rows one column further in', () => arange(24).float().div(7).reshape([2, 12]),
      'tensor([[0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n         1.2857, 1.4286, 1.5714],\n        [1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286, 2.5714, 2.7143, 2.8571,\n         3.0000, 3.1429, 3.2857]])'],
    // torch.arange(2000).reshape(2, 1000)
    ['summarises past 1000 elements', () => arange(2000).reshape([2, 1000]),
      'tensor([[   0,    1,    2,  ...,  997,  998,  999],\n        [1000, 1001, 1002,  ..., 1997, 1998, 1999]])'],
    // torch.arange(1200.)
    ['summarised 1-D, scientific from the edge items', () => arange(1200).float(),
      'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.1970e+03, 1.1980e+03,\n        1.1990e+03])'],
    // torch.ones(1001, dtype=torch.bool)
    ['summarised bool', () => ones([1001], { dtype: 'bool' }), 'tensor([True, True, True,  ..., True, True, True])'],
    // torch.tensor([1., 2000.])
    ['integral floats spanning more than 1000x are scientific', () => tensor([1, 2000], { dtype: 'float32' }), 'tensor([1.0000e+00, 2.0000e+03])'],
    // torch.tensor([0.03125, 1.])
    ['exact ties round half to even', () => tensor([0.03125, 1], { dtype: 'float32' }), 'tensor([0.0312, 1.0000])'],
    // torch.tensor([float('nan'), 1.]), torch.tensor([-float('inf'), 1.])
    ['nan and inf do not widen the columns', () => tensor([NaN, 1], { dtype: 'float32' }), 'tensor([nan, 1.])'],
    ['-inf does not widen the columns', () => tensor([-Infinity, 1], { dtype: 'float32' }), 'tensor([-inf, 1.])'],
    // torch.tensor([-0., 0.5]), torch.tensor(-0.)
    ['negative zero keeps its sign', () => tensor([-0, 0.5], { dtype: 'float32' }), 'tensor([-0.0000, 0.5000])'],
    ['0-d negative zero', () => tensor(-0, { dtype: 'float32' }), 'tensor(-0.)'],
    // torch.zeros(0, dtype=torch.bool), torch.zeros(2, 0, dtype=torch.int32)
    ['empty bool shows its dtype', () => zeros([0], { dtype: 'bool' }), 'tensor([], dtype=bool)'],
    ['empty int shows its dtype', () => zeros([2, 0], { dtype: 'int32' }), 'tensor([], size=(2, 0), dtype=int32)'],
  ])('%s', (_name, make, expected) => {
    expect(make().toString()).toBe(expected);
  });

  test('a suffix that would pass 80 columns goes on its own line', () => {
    // torch.tensor([-0.1442, 0.2947, -2.7253, 0.3972, -0.1059, -1.5417, -0.0798, 1.], requires_grad=True)
    // -> 'tensor([-0.1442,  0.2947, -2.7253,  0.3972, -0.1059, -1.5417, -0.0798,  1.0000],\n       requires_grad=True)'
    const x = tensor([-0.1442, 0.2947, -2.7253, 0.3972, -0.1059, -1.5417, -0.0798, 1], { dtype: 'float32', requiresGrad: true });
    expect(x.toString()).toBe('tensor([-0.1442,  0.2947, -2.7253,  0.3972, -0.1059, -1.5417, -0.0798,  1.0000],\n       requires_grad=True)');
  });

  test('the dtype shown is relative to the default dtype', () => {
    // torch.set_default_dtype(torch.float64); torch.tensor([1.5], dtype=torch.float32) -> tensor([1.5000], dtype=torch.float32)
    setDefaultDtype('float64');
    try {
      expect(tensor([1.5], { dtype: 'float64' }).toString()).toBe('tensor([1.5000])');
      expect(tensor([1.5], { dtype: 'float32' }).toString()).toBe('tensor([1.5000], dtype=float32)');
      expect(zeros([0], { dtype: 'float32' }).toString()).toBe('tensor([], dtype=float32)');
    } finally {
      setDefaultDtype('float32');
    }
  });
});
