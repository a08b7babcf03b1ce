import { Generator } from '@tapegrad/core';
import { randomSplit, splitLengths } from '@tapegrad/data';
import { Range } from './range-dataset';

describe('splitLengths (PyTorch >= 1.13 rules)', () => {
  // Expected values computed with torch 1.13: [len(s) for s in random_split(range(n), fracs)].
  test.each([
    [11, [0.5, 0.5], [6, 5]],
    [10, [0.3, 0.3, 0.4], [3, 3, 4]],
    [7, [0.1, 0.1, 0.8], [1, 1, 5]],
    [5, [0.34, 0.33, 0.33], [2, 2, 1]],
  ])('n=%i fractions %j -> %j', (n, fracs, expected) => {
    expect(splitLengths(n, fracs)).toEqual(expected);
  });

  test('counts pass through; a wrong sum is an error naming both numbers', () => {
    expect(splitLengths(10, [7, 3])).toEqual([7, 3]);
    expect(() => splitLengths(10, [7, 4])).toThrow(/sum of input lengths \(11\) does not equal the length of the input dataset \(10\)/);
    expect(() => splitLengths(10, [0.5, 0.4])).toThrow(/integer counts, or fractions that sum to 1/);
    expect(() => splitLengths(10, [-1, 11])).toThrow(/index 0 must be a non-negative number/);
    expect(() => splitLengths(10, [])).toThrow(/non-empty array/);
  });
});

describe('randomSplit', () => {
  const ds = new Range(100);

  test('subsets are disjoint and together cover the dataset', () => {
    const parts = randomSplit(ds, [50, 30, 20], new Generator(1));
    expect(parts.map((p) => p.length)).toEqual([50, 30, 20]);
    const all = parts.flatMap((p) => [...p]);
    expect(new Set(all).size).toBe(100);
    expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  test('is reproducible with a seeded generator and differs between seeds', () => {
    const a = randomSplit(ds, [0.8, 0.2], new Generator(42)).map((p) => [...p]);
    const b = randomSplit(ds, [0.8, 0.2], new Generator(42)).map((p) => [...p]);
    const c = randomSplit(ds, [0.8, 0.2], new Generator(43)).map((p) => [...p]);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[0]).not.toEqual(Array.from({ length: 80 }, (_, i) => i)); // actually shuffled
  });

  test('returns Subsets of the original dataset', () => {
    const [s] = randomSplit(ds, [100], new Generator(0));
    expect(s.dataset).toBe(ds);
    expect([...s].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe("randomSplit with PyTorch's keyword generator", () => {
  test('randomSplit(ds, lengths, { generator }) equals randomSplit(ds, lengths, generator)', () => {
    const a = randomSplit(new Range(20), [0.8, 0.2], { generator: new Generator(5) });
    const b = randomSplit(new Range(20), [0.8, 0.2], new Generator(5));
    expect(a.map((s) => [...s])).toEqual(b.map((s) => [...s]));
    expect(a.map((s) => s.length)).toEqual([16, 4]);
    expect(() => randomSplit(new Range(4), [2, 2], { gen: new Generator(1) } as never)).toThrow(/randomSplit: the third argument must be a Generator or \{ generator \}, got an object with keys gen/);
  });
});
