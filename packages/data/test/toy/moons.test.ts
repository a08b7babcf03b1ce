import { Generator } from '@tapegrad/core';
import { makeMoons } from '@tapegrad/data';
import { count, labels, points } from './helpers';

describe('makeMoons (scikit-learn formula)', () => {
  test('shapes, dtypes, and floor(n/2) points of class 0', () => {
    const { x, y } = makeMoons({ n: 101, seed: 0 });
    expect(x.shape).toEqual([101, 2]);
    expect(x.dtype).toBe('float32');
    expect(y.shape).toEqual([101]);
    expect(y.dtype).toBe('int32');
    expect(count(labels(y), 0)).toBe(50);
    expect(count(labels(y), 1)).toBe(51);
  });

  test('without noise points lie on the two unit half circles', () => {
    const { x, y } = makeMoons({ n: 200, seed: 1 });
    const ys = labels(y);
    points(x).forEach(([px, py], i) => {
      if (ys[i] === 0) {
        expect(Math.hypot(px, py)).toBeCloseTo(1, 5); // upper arc centred at (0, 0)
        expect(py).toBeGreaterThanOrEqual(-1e-6);
      } else {
        expect(Math.hypot(px - 1, py - 0.5)).toBeCloseTo(1, 5); // lower arc centred at (1, 0.5)
        expect(py).toBeLessThanOrEqual(0.5 + 1e-6);
      }
    });
  });

  test('unshuffled order puts the arc end points where sklearn does', () => {
    const pts = points(makeMoons({ n: 4, shuffle: false }).x);
    // sklearn make_moons(4, shuffle=False): [[1, 0], [-1, 0], [0, 0.5], [2, 0.5]]
    const expected = [[1, 0], [-1, 0], [0, 0.5], [2, 0.5]];
    pts.forEach(([px, py], i) => {
      expect(px).toBeCloseTo(expected[i][0], 6);
      expect(py).toBeCloseTo(expected[i][1], 6);
    });
  });

  test('seeded: same seed same data, other seed other data; generator option equivalent to seed', () => {
    const a = makeMoons({ n: 50, noise: 0.1, seed: 7 });
    const b = makeMoons({ n: 50, noise: 0.1, seed: 7 });
    const c = makeMoons({ n: 50, noise: 0.1, seed: 8 });
    const d = makeMoons({ n: 50, noise: 0.1, generator: new Generator(7) });
    expect(points(a.x)).toEqual(points(b.x));
    expect(labels(a.y)).toEqual(labels(b.y));
    expect(points(a.x)).not.toEqual(points(c.x));
    expect(points(d.x)).toEqual(points(a.x));
  });

  test('noise moves points off the arcs by about its standard deviation', () => {
    const noise = 0.1;
    const { x, y } = makeMoons({ n: 2000, noise, seed: 2 });
    const ys = labels(y);
    // The distance from the arc is about the radial part of the noise, |N(0, noise^2)|, with mean noise * sqrt(2 / pi) = 0.08.
    const dist = points(x).map(([px, py], i) => Math.abs((ys[i] === 0 ? Math.hypot(px, py) : Math.hypot(px - 1, py - 0.5)) - 1));
    const mean = dist.reduce((s, v) => s + v, 0) / dist.length;
    expect(mean).toBeGreaterThan(0.05);
    expect(mean).toBeLessThan(0.12);
  });

  test('bad options', () => {
    expect(() => makeMoons({ n: 0 })).toThrow(/makeMoons: n must be a positive integer, got 0/);
    expect(() => makeMoons({ noise: -1 })).toThrow(/makeMoons: noise must be a finite number >= 0/);
    expect(() => makeMoons({ seed: 1, generator: new Generator(1) })).toThrow(/either seed or generator/);
  });
});
