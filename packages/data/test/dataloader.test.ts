import { Generator, Tensor, manualSeed, tensor } from '@tapegrad/core';
import { DataLoader, Subset, TensorDataset, randomSplit } from '@tapegrad/data';
import { Range } from './range-dataset';

const ints = (t: Tensor): number[] => Array.from(t.dataSync());
const epoch = (loader: Iterable<Tensor>): number[][] => [...loader].map(ints);

describe('DataLoader batching', () => {
  test('sequential batches with a partial last batch; length = ceil(n / batchSize)', () => {
    const loader = new DataLoader(new Range(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    expect(epoch(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  test('dropLast drops the partial batch; length = floor(n / batchSize)', () => {
    const loader = new DataLoader(new Range(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(epoch(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    const exact = new DataLoader(new Range(8), { batchSize: 4, dropLast: true });
    expect(exact.length).toBe(2);
    expect(epoch(exact).length).toBe(2);
  });

  test('defaults: batchSize 1, no shuffle, every item a batch of one', () => {
    const loader = new DataLoader(new Range(3));
    expect(loader.length).toBe(3);
    expect(epoch(loader)).toEqual([[0], [1], [2]]);
  });

  test('batchSize larger than the dataset gives one batch, or none with dropLast', () => {
    expect(epoch(new DataLoader(new Range(3), { batchSize: 10 }))).toEqual([[0, 1, 2]]);
    expect(epoch(new DataLoader(new Range(3), { batchSize: 10, dropLast: true }))).toEqual([]);
  });

  test('an empty dataset gives zero batches', () => {
    const loader = new DataLoader(new Range(0), { batchSize: 4, shuffle: true });
    expect(loader.length).toBe(0);
    expect([...loader]).toEqual([]);
  });

  test('bad options are errors', () => {
    expect(() => new DataLoader(new Range(3), { batchSize: 0 })).toThrow(/batchSize should be a positive integer value, but got batchSize=0/);
    expect(() => new DataLoader(new Range(3), { batchSize: 2.5 })).toThrow(/batchSize=2.5/);
    expect(() => new DataLoader(new Range(3), { batchSize: -1 })).toThrow(/positive integer/);
    expect(() => new DataLoader({} as Range)).toThrow(/dataset must be a Dataset/);
    expect(() => new DataLoader(new Range(3), { shuffle: 1 as unknown as boolean })).toThrow(/shuffle should be a boolean/);
  });

  test('a custom collate receives the items of each batch', () => {
    const loader = new DataLoader(new Range(5), { batchSize: 2, collate: (items) => items.join('+') });
    expect([...loader]).toEqual(['0+1', '2+3', '4']);
  });
});

describe('DataLoader shuffling', () => {
  const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);

  test('every index appears exactly once per epoch', () => {
    const loader = new DataLoader(new Range(103), { batchSize: 10, shuffle: true, generator: new Generator(5) });
    for (let e = 0; e < 3; e++) {
      const batches = epoch(loader);
      expect(batches.map((b) => b.length)).toEqual([...new Array(10).fill(10), 3]);
      expect(sorted(batches.flat())).toEqual(range(103));
    }
  });

  test('same seed -> same epochs; a new permutation every epoch', () => {
    const make = (seed: number) => new DataLoader(new Range(50), { batchSize: 7, shuffle: true, generator: new Generator(seed) });
    const a = make(3), b = make(3);
    const a1 = epoch(a).flat(), a2 = epoch(a).flat();
    const b1 = epoch(b).flat(), b2 = epoch(b).flat();
    expect(a1).toEqual(b1);
    expect(a2).toEqual(b2);
    expect(a1).not.toEqual(a2);
    expect(a1).not.toEqual(range(50));
    expect(epoch(make(4)).flat()).not.toEqual(a1);
  });

  test('without a generator the global generator (manualSeed) decides the order', () => {
    const loader = new DataLoader(new Range(40), { batchSize: 8, shuffle: true });
    manualSeed(123);
    const first = epoch(loader).flat();
    manualSeed(123);
    expect(epoch(loader).flat()).toEqual(first);
  });

  test('dropLast with shuffle drops a different partial batch each epoch but keeps full batches', () => {
    const loader = new DataLoader(new Range(10), { batchSize: 3, shuffle: true, dropLast: true, generator: new Generator(0) });
    const e = epoch(loader);
    expect(e.map((b) => b.length)).toEqual([3, 3, 3]);
    expect(new Set(e.flat()).size).toBe(9);
  });
});

describe('DataLoader over a TensorDataset (indexSelect fast path)', () => {
  const n = 10;
  const x = tensor(Float32Array.from({ length: n * 2 }, (_, i) => i), { dtype: 'float32' }).reshape([n, 2]);
  const y = tensor(Int32Array.from({ length: n }, (_, i) => 100 + i), { dtype: 'int32' });

  test('batches are [x, y] pairs with the rows of the sampled indices', () => {
    const ds = new TensorDataset(x, y);
    const batches = [...new DataLoader(ds, { batchSize: 4 })];
    expect(batches.length).toBe(3);
    const [xb, yb] = batches[2];
    expect(xb.shape).toEqual([2, 2]);
    expect(ints(xb)).toEqual([16, 17, 18, 19]);
    expect(ints(yb)).toEqual([108, 109]);
  });

  test('gives the same batches as stacking the items one by one', () => {
    const ds = new TensorDataset(x, y);
    const fast = [...new DataLoader(ds, { batchSize: 3, shuffle: true, generator: new Generator(9) })];
    const slow = [...new DataLoader(ds, { batchSize: 3, shuffle: true, generator: new Generator(9), collate: (items) => items })];
    expect(fast.length).toBe(slow.length);
    fast.forEach(([xb, yb], k) => {
      expect(xb.dtype).toBe('float32');
      expect(yb.dtype).toBe('int32');
      expect(ints(xb)).toEqual(slow[k].flatMap(([xi]) => ints(xi)));
      expect(ints(yb)).toEqual(slow[k].map(([, yi]) => yi.item()));
    });
  });

  test('does not fetch items one by one, also through a Subset from randomSplit', () => {
    const ds = new TensorDataset(x, y);
    const spy = jest.spyOn(ds, 'getItem');
    const [train] = randomSplit(ds, [0.8, 0.2], new Generator(0));
    expect(train).toBeInstanceOf(Subset);
    const seen = [...new DataLoader(train, { batchSize: 3, shuffle: true })].flatMap(([, yb]) => ints(yb));
    expect(spy).not.toHaveBeenCalled();
    expect([...seen].sort()).toEqual(train.indices.map((i) => 100 + i).sort());
  });

  // Their speed is measured by the bench, not asserted here.
  test('125 shuffled batches of 64 from [8000, 784] yield all 8000 rows', () => {
    const big = tensor(new Float32Array(8000 * 784), { dtype: 'float32' }).reshape([8000, 784]);
    const labels = tensor(new Int32Array(8000), { dtype: 'int32' });
    const loader = new DataLoader(new TensorDataset(big, labels), { batchSize: 64, shuffle: true, generator: new Generator(0) });
    expect(loader.length).toBe(125);
    let rows = 0;
    for (const [xb] of loader) rows += xb.shape[0];
    expect(rows).toBe(8000);
  });
});

describe("DataLoader options as PyTorch's arguments", () => {
  const ds = (): TensorDataset => new TensorDataset(tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { dtype: 'float32' }));
  test('a number is the batch size, as DataLoader(ds, 4) in PyTorch', () => {
    // torch: len(DataLoader(TensorDataset(torch.arange(10.)), 4)) -> 3, batch sizes [4, 4, 2]
    const loader = new DataLoader(ds(), 4);
    expect(loader.length).toBe(3);
    expect([...loader].map(([x]) => x.shape[0])).toEqual([4, 4, 2]);
  });
  test('collateFn is an alias of collate; numWorkers is accepted and ignored', () => {
    const loader = new DataLoader(ds(), { batchSize: 4, collateFn: (items) => items.length, numWorkers: 0 });
    expect([...loader]).toEqual([4, 4, 2]);
    expect(() => new DataLoader(ds(), { collate: (i) => i, collateFn: (i) => i })).toThrow(/collate or collateFn, not both/);
  });
  test('unknown (snake_case) options are errors, not silently batchSize 1', () => {
    expect(() => new DataLoader(ds(), { batch_size: 4 } as never)).toThrow(/DataLoader: unknown option 'batch_size'.*expected one of batchSize/);
    expect(() => new DataLoader(ds(), { drop_last: true } as never)).toThrow(/unknown option 'drop_last'/);
  });
});
