import { makeCircles } from '@tapegrad/data';
import { count, labels, points } from './helpers';

describe('makeCircles (scikit-learn formula, factor 0.5 by default)', () => {
  test('shapes, class sizes, and radii 1 (class 0) and factor (class 1) without noise', () => {
    const { x, y } = makeCircles({ n: 101, seed: 0 });
    expect(x.shape).toEqual([101, 2]);
    expect(y.shape).toEqual([101]);
    const ys = labels(y);
    expect(count(ys, 0)).toBe(50);
    expect(count(ys, 1)).toBe(51);
    points(x).forEach(([px, py], i) => expect(Math.hypot(px, py)).toBeCloseTo(ys[i] === 0 ? 1 : 0.5, 5));
  });

  test('angles are evenly spaced over [0, 2 pi) with the end excluded', () => {
    const pts = points(makeCircles({ n: 8, factor: 0.25, shuffle: false }).x);
    // sklearn make_circles(8, shuffle=False, factor=0.25): outer at 0, 90, 180, 270 degrees, then the inner ones.
    const expected = [[1, 0], [0, 1], [-1, 0], [0, -1], [0.25, 0], [0, 0.25], [-0.25, 0], [0, -0.25]];
    pts.forEach(([px, py], i) => {
      expect(px).toBeCloseTo(expected[i][0], 6);
      expect(py).toBeCloseTo(expected[i][1], 6);
    });
  });

  test('seeded and reproducible; noise spreads the radii', () => {
    const a = makeCircles({ n: 500, noise: 0.05, seed: 3 });
    const b = makeCircles({ n: 500, noise: 0.05, seed: 3 });
    expect(points(a.x)).toEqual(points(b.x));
    const ys = labels(a.y);
    const r = points(a.x).map(([px, py]) => Math.hypot(px, py));
    const mean = (c: number) => r.filter((_, i) => ys[i] === c).reduce((s, v) => s + v, 0) / count(ys, c);
    expect(mean(0)).toBeCloseTo(1, 1);
    expect(mean(1)).toBeCloseTo(0.5, 1);
    expect(r.some((v, i) => Math.abs(v - (ys[i] === 0 ? 1 : 0.5)) > 0.01)).toBe(true);
  });

  test('factor must be in [0, 1)', () => {
    expect(() => makeCircles({ factor: 1 })).toThrow(/factor has to be between 0 and 1/);
    expect(() => makeCircles({ factor: -0.1 })).toThrow(/factor/);
  });
});
