import { makeXor } from '@tapegrad/data';
import { count, labels, points } from './helpers';

describe('makeXor', () => {
  test('label = 1 exactly when the coordinates have different signs; points in [-1, 1]^2', () => {
    const { x, y } = makeXor({ n: 1000, seed: 0 });
    expect(x.shape).toEqual([1000, 2]);
    expect(y.dtype).toBe('int32');
    const ys = labels(y);
    points(x).forEach(([a, b], i) => {
      expect(Math.abs(a)).toBeLessThanOrEqual(1);
      expect(Math.abs(b)).toBeLessThanOrEqual(1);
      expect(ys[i]).toBe(a >= 0 !== b >= 0 ? 1 : 0);
    });
    // Uniform over the square: each class holds about half the points, each quadrant about a quarter.
    expect(count(ys, 1)).toBeGreaterThan(430);
    expect(count(ys, 1)).toBeLessThan(570);
    const q2 = points(x).filter(([a, b]) => a < 0 && b >= 0).length;
    expect(q2).toBeGreaterThan(200);
    expect(q2).toBeLessThan(300);
  });

  test('margin keeps points away from both axes', () => {
    const pts = points(makeXor({ n: 500, margin: 0.2, seed: 1 }).x);
    pts.forEach(([a, b]) => {
      expect(Math.abs(a)).toBeGreaterThanOrEqual(0.2 - 1e-6);
      expect(Math.abs(b)).toBeGreaterThanOrEqual(0.2 - 1e-6);
    });
  });

  test('noise is added after labelling, so some points cross an axis; seeded', () => {
    const a = makeXor({ n: 500, noise: 0.3, seed: 2 });
    expect(points(a.x)).toEqual(points(makeXor({ n: 500, noise: 0.3, seed: 2 }).x));
    const ys = labels(a.y);
    const crossed = points(a.x).filter(([p, q], i) => ys[i] !== (p >= 0 !== q >= 0 ? 1 : 0)).length;
    expect(crossed).toBeGreaterThan(0);
    expect(() => makeXor({ margin: 1 })).toThrow(/margin must be in \[0, 1\)/);
  });
});
