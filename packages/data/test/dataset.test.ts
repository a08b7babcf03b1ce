import { tensor } from '@tapegrad/core';
import { ConcatDataset, Subset, TensorDataset } from '@tapegrad/data';
import { Range } from './range-dataset';

const xs = () => tensor(Float32Array.from({ length: 12 }, (_, i) => i), { dtype: 'float32' }).reshape([4, 3]);
const ys = () => tensor(Int32Array.of(7, 8, 9, 10), { dtype: 'int32' });

describe('TensorDataset', () => {
  test('item i is the tuple of row i of every tensor', () => {
    const ds = new TensorDataset(xs(), ys());
    expect(ds.length).toBe(4);
    const [x2, y2] = ds.getItem(2);
    expect(x2.shape).toEqual([3]);
    expect(Array.from(x2.dataSync())).toEqual([6, 7, 8]);
    expect(y2.shape).toEqual([]);
    expect(y2.item()).toBe(9);
  });

  test('negative indices count from the end, like Python indexing', () => {
    const ds = new TensorDataset(ys());
    expect(ds.getItem(-1)[0].item()).toBe(10);
  });

  test('getBatch gathers rows in the given order', () => {
    const ds = new TensorDataset(xs(), ys());
    const [xb, yb] = ds.getBatch(Int32Array.of(3, 0));
    expect(xb.shape).toEqual([2, 3]);
    expect(Array.from(xb.dataSync())).toEqual([9, 10, 11, 0, 1, 2]);
    expect(Array.from(yb.dataSync())).toEqual([10, 7]);
  });

  test('tensors with different sizes in dim 0 are rejected with both sizes named', () => {
    const bad = tensor(Int32Array.of(1, 2, 3), { dtype: 'int32' });
    expect(() => new TensorDataset(xs(), bad)).toThrow(/^Size mismatch between tensors \(TensorDataset\).*dim 0.*got 4 \(argument 0\) and 3 \(argument 1\).*\[4, 3\], \[3\]/);
  });

  test('no tensors, 0-d tensors and out-of-range indices are errors', () => {
    expect(() => new TensorDataset()).toThrow(/at least one tensor/);
    expect(() => new TensorDataset(tensor(Float32Array.of(1), { dtype: 'float32' }).reshape([]))).toThrow(/0-d tensor/);
    const ds = new TensorDataset(ys());
    expect(() => ds.getItem(4)).toThrow(/index 4 is out of range for a dataset of length 4/);
    expect(() => ds.getItem(1.5)).toThrow(/must be an integer/);
    expect(() => ds.getBatch(Int32Array.of(0, 4))).toThrow(/index 4 is out of range/);
  });

  test('a dataset iterates its items in order', () => {
    expect([...new Range(3, 10)]).toEqual([10, 11, 12]);
  });
});

describe('Subset', () => {
  test('maps indices into the wrapped dataset', () => {
    const s = new Subset(new Range(10), [9, 2, 5]);
    expect(s.length).toBe(3);
    expect([...s]).toEqual([9, 2, 5]);
    expect(s.getItem(-1)).toBe(5);
  });

  test('rejects indices outside the dataset', () => {
    expect(() => new Subset(new Range(3), [0, 3])).toThrow(/index 3 at position 1 is out of range for a dataset of length 3/);
    expect(() => new Subset(new Range(3), [0.5])).toThrow(/must be an integer/);
    expect(() => new Subset(new Range(3), [-4])).toThrow(/index -4 at position 0 is out of range for a dataset of length 3/);
  });

  test('takes negative indices as PyTorch does (dataset[-1] is the last item), on both paths', () => {
    const s = new Subset(new Range(10), [-1, 2, -10]);
    expect([...s]).toEqual([9, 2, 0]);
    expect(s.indices).toEqual([-1, 2, -10]);
    const t = new Subset(new TensorDataset(ys()), [-1, 0]);
    const [yb] = t.getBatch!(Int32Array.of(0, 1)) as [ReturnType<typeof ys>];
    expect(Array.from(yb.dataSync())).toEqual([10, 7]);
    expect(t.getItem(0)[0].item()).toBe(10);
  });

  test('has getBatch exactly when the wrapped dataset has it', () => {
    expect(new Subset(new Range(3), [0]).getBatch).toBeUndefined();
    const s = new Subset(new TensorDataset(ys()), [3, 1]);
    const [yb] = s.getBatch!(Int32Array.of(1, 0)) as [ReturnType<typeof ys>];
    expect(Array.from(yb.dataSync())).toEqual([8, 10]);
  });
});

describe('ConcatDataset', () => {
  test('chains datasets and finds the right one for each index', () => {
    const c = new ConcatDataset([new Range(2, 0), new Range(0, 50), new Range(3, 100)]);
    expect(c.length).toBe(5);
    expect(c.cumulativeSizes).toEqual([2, 2, 5]);
    expect([...c]).toEqual([0, 1, 100, 101, 102]);
    expect(c.getItem(-1)).toBe(102);
    expect(() => c.getItem(5)).toThrow(/index 5 is out of range for a dataset of length 5/);
    expect(() => new ConcatDataset([])).toThrow(/should not be an empty/);
  });
});
