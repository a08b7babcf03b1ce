// arange takes its options after any of PyTorch's argument forms: torch.arange(0, 3, dtype=torch.float64)
// gives [0., 1., 2.] float64 and torch.arange(3, dtype=torch.float32) [0., 1., 2.] (torch 1.13); before,
// arange(0, 3, { dtype }) threw "step must be a number".
import { arange } from '../src';

test('arange(end, opts), arange(start, end, opts), arange(start, end, step, opts) and dtype strings', () => {
  expect([arange(0, 3, { dtype: 'float64' }).dtype, arange(0, 3, { dtype: 'float64' }).toArray()]).toEqual(['float64', [0, 1, 2]]);
  expect([arange(3, { dtype: 'float32' }).dtype, arange(3, { dtype: 'float32' }).toArray()]).toEqual(['float32', [0, 1, 2]]);
  expect(arange(0, 3, 'float64').dtype).toBe('float64');
  expect(arange(1, 4, 2, { dtype: 'float64' }).toArray()).toEqual([1, 3]);
  expect(arange(0, 3, { requiresGrad: true, dtype: 'float32' }).requiresGrad).toBe(true);
  expect(() => arange(3, { dtyp: 'float32' } as never)).toThrow(/did you mean 'dtype'/);
  expect(arange(3).dtype).toBe('int32');
});
