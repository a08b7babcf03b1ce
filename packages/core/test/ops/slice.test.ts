/** slice: Python's x[..., start:end:step] along one dim, as a view (values from PyTorch 1.13's indexing). */
import { arange, tensor, zeros, slice, cat, stack, Tensor } from '../../src';

const x = arange(10, { dtype: 'float32' });

describe('slice', () => {
  it.each([
    // [start, end, step, torch x[start:end:step] of arange(10)]
    [null, null, 2, [0, 2, 4, 6, 8]],
    [1, null, 3, [1, 4, 7]],
    [-4, -1, 2, [6, 8]],
    [-20, 3, 1, [0, 1, 2]],
    [8, 100, 5, [8]],
    [7, 2, 1, []],
    [3, 3, 2, []],
  ] as const)('x[%p:%p:%p]', (start, end, step, want) => {
    expect(x.slice(0, start, end, step).toArray()).toEqual(want);
  });

  it('is a view: writing through it is x[:, 0::2] = v', () => {
    const pe = zeros([3, 1, 4]);
    pe.select(1, 0).slice(1, 0, null, 2).copy_(tensor([[1, 2], [3, 4], [5, 6]]));
    pe.select(1, 0).slice(1, 1, null, 2).fill_(-1);
    expect(pe.reshape(3, 4).toArray()).toEqual([[1, -1, 2, -1], [3, -1, 4, -1], [5, -1, 6, -1]]);
  });

  it('backward puts the gradient at the taken places (torch: [0, 1, 0, 1, 0, 0, 0])', () => {
    const a = arange(7, { dtype: 'float64' }).requiresGrad_();
    slice(a, 0, 1, 5, 2).sum().backward();
    expect(a.grad!.toArray()).toEqual([0, 1, 0, 1, 0, 0, 0]);
    const b = arange(6, { dtype: 'float32' }).reshape(2, 3).requiresGrad_();
    const s = b.slice(1, null, null, 2);
    expect(s.toString()).toContain('grad_fn=<SliceBackward0>');
    s.mul(tensor([[1, 2], [3, 4]])).sum().backward();
    expect(b.grad!.toArray()).toEqual([[1, 0, 2], [3, 0, 4]]);
  });

  it('errors: a step that is not positive, a non-integer bound, a bad dim', () => {
    expect(() => x.slice(0, null, null, 0)).toThrow(/slice: step must be a positive integer, got 0/);
    expect(() => x.slice(0, null, null, -1)).toThrow(/use flip/);
    expect(() => x.slice(0, 1.5)).toThrow(/slice: start must be an integer or null, got 1.5/);
    expect(() => x.slice(1, 0)).toThrow(/slice/);
  });
});

describe('cat and stack take dim= as an options object', () => {
  const t: Tensor = arange(4, { dtype: 'float32' }).reshape(2, 2);
  it('matches the positional dim', () => {
    expect(cat([t, t], { dim: 1 }).toArray()).toEqual(cat([t, t], 1).toArray());
    expect(stack([t, t], { dim: -1 }).toArray()).toEqual(stack([t, t], -1).toArray());
    expect(cat([t, t], {}).shape).toEqual([4, 2]);
  });
  it('rejects unknown keys', () => {
    expect(() => cat([t, t], { axis: 1 } as never)).toThrow(/cat: .*axis/);
    expect(() => stack([t, t], { dims: 1 } as never)).toThrow(/stack: .*dims/);
  });
});
