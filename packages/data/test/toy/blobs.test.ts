import { makeBlobs } from '@tapegrad/data';
import { count, labels, points } from './helpers';

describe('makeBlobs', () => {
  test('two clouds by default, split evenly, linearly separable by x + y = 0', () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      const { x, y } = makeBlobs({ n: 201, seed });
      expect(x.shape).toEqual([201, 2]);
      const ys = labels(y);
      expect(count(ys, 0)).toBe(101); // the first n mod k centres get one extra point, as in sklearn
      expect(count(ys, 1)).toBe(100);
      points(x).forEach(([px, py], i) => expect(px + py > 0).toBe(ys[i] === 1));
    }
  });

  test('cluster means and spreads match the centres and std', () => {
    const centers: [number, number][] = [[0, 0], [5, 0], [0, 5]];
    const { x, y } = makeBlobs({ n: 3000, centers, std: [0.5, 1, 0.25], seed: 9 });
    const ys = labels(y);
    const pts = points(x);
    centers.forEach(([cx, cy], c) => {
      const mine = pts.filter((_, i) => ys[i] === c);
      expect(mine.length).toBe(1000);
      const mx = mine.reduce((s, p) => s + p[0], 0) / mine.length;
      const my = mine.reduce((s, p) => s + p[1], 0) / mine.length;
      const sd = Math.sqrt(mine.reduce((s, p) => s + (p[0] - mx) ** 2, 0) / (mine.length - 1));
      expect(mx).toBeCloseTo(cx, 1);
      expect(my).toBeCloseTo(cy, 1);
      expect(sd / [0.5, 1, 0.25][c]).toBeGreaterThan(0.9);
      expect(sd / [0.5, 1, 0.25][c]).toBeLessThan(1.1);
    });
  });

  test('seeded; bad options', () => {
    expect(points(makeBlobs({ n: 20, seed: 5 }).x)).toEqual(points(makeBlobs({ n: 20, seed: 5 }).x));
    expect(points(makeBlobs({ n: 20, seed: 5 }).x)).not.toEqual(points(makeBlobs({ n: 20, seed: 6 }).x));
    expect(() => makeBlobs({ std: [1] })).toThrow(/std has 1 entries but there are 2 centers/);
    expect(() => makeBlobs({ centers: [] })).toThrow(/non-empty/);
    expect(() => makeBlobs({ centers: [[1, 2, 3] as unknown as [number, number]] })).toThrow(/centers\[0\] must be a pair/);
    expect(() => makeBlobs({ noise: 1 } as never)).toThrow(/use std/);
  });
});
