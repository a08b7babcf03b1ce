import { Tensor, setDefaultDtype, tensor } from '@tapegrad/core';
import { defaultCollate } from '@tapegrad/data';

const f32 = (...v: number[]) => tensor(Float32Array.from(v), { dtype: 'float32' });
const values = (t: Tensor) => Array.from(t.dataSync());

describe('defaultCollate', () => {
  test('stacks tensors along a new dim 0', () => {
    const b = defaultCollate([f32(1, 2), f32(3, 4), f32(5, 6)]);
    expect(b.shape).toEqual([3, 2]);
    expect(values(b)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('numbers -> the default float dtype whatever their values; int32 tensors stay int32; booleans -> bool', () => {
    const ints = defaultCollate([1, 2, 3]);
    expect(ints.dtype).toBe('float32');
    const labels = defaultCollate([tensor(1, { dtype: 'int32' }), tensor(2, { dtype: 'int32' })]);
    expect([labels.dtype, values(labels)]).toEqual(['int32', [1, 2]]);
    expect(values(ints)).toEqual([1, 2, 3]);
    const floats = defaultCollate([1, 2.5]);
    expect(floats.dtype).toBe('float32');
    expect(values(floats)).toEqual([1, 2.5]);
    const bools = defaultCollate([true, false]);
    expect(bools.dtype).toBe('bool');
    expect(values(bools)).toEqual([1, 0]);
  });

  test('nested objects, tuples and strings, like PyTorch', () => {
    // torch 1.13: default_collate([{'a': (1, 2.0), 'b': 's'}, {'a': (3, 4.5), 'b': 't'}])
    //   -> {'a': [tensor([1, 3]), tensor([2.0, 4.5], dtype=float64)], 'b': ['s', 't']}
    const items: { a: [number, number]; b: string; x: { t: Tensor } }[] = [
      { a: [1, 2.0], b: 's', x: { t: f32(1, 1) } },
      { a: [3, 4.5], b: 't', x: { t: f32(2, 2) } },
    ];
    const batch = defaultCollate(items);
    expect(values(batch.a[0])).toEqual([1, 3]);
    expect(batch.a[0].dtype).toBe('float32');
    expect(values(batch.a[1])).toEqual([2, 4.5]);
    expect(batch.b).toEqual(['s', 't']);
    expect(batch.x.t.shape).toEqual([2, 2]);
    expect(values(batch.x.t)).toEqual([1, 1, 2, 2]);
  });

  test('typed arrays are treated like numpy arrays (tensors, then stacked)', () => {
    const b = defaultCollate([Float64Array.of(1, 2), Float64Array.of(3, 4)]);
    expect(b.shape).toEqual([2, 2]);
    expect(b.dtype).toBe('float64');
  });

  test('errors name the position in the structure and what differs', () => {
    expect(() => defaultCollate([])).toThrow(/empty batch/);
    expect(() => defaultCollate([f32(1, 2), f32(1, 2, 3)])).toThrow(/equal size.*\[2\] at item 0 and \[3\] at item 1/);
    expect(() => defaultCollate([{ x: [1, 2] }, { x: [1] }])).toThrow(/at x: each element in list of batch should be of equal size/);
    expect(() => defaultCollate([{ x: 1, y: 2 }, { x: 1 } as { x: number; y: number }])).toThrow(/item 1 has no key 'y'/);
    expect(() => defaultCollate([1, 'a'] as unknown[])).toThrow(/item 0 is a number but item 1 is string/);
    expect(() => defaultCollate([null])).toThrow(/batch must contain tensors.*found null/);
    expect(() => defaultCollate([{ p: [{ q: undefined }] }, { p: [{ q: undefined }] }])).toThrow(/at p\[0\]\.q: .*found undefined/);
  });
});

describe('defaultCollate follows the default float dtype', () => {
  afterEach(() => setDefaultDtype('float32'));
  test('non-integer numbers become float64 after setDefaultDtype("float64")', () => {
    setDefaultDtype('float64');
    const b = defaultCollate([0.1, 0.2]);
    expect(b.dtype).toBe('float64');
    expect(Array.from(b.dataSync())).toEqual([0.1, 0.2]);
  });
});
