/** Generator, manualSeed and the random creation functions: reproducibility, independence, ranges, moments. */
import { Generator, manualSeed, rand, randn, randint, randperm, randLike, randnLike, zeros, noGrad } from '@tapegrad/core';

describe('Generator', () => {
  test('same seed, same stream; different seeds, different streams', () => {
    const a = new Generator(42), b = new Generator(42), c = new Generator(43);
    const sa = Array.from({ length: 20 }, () => a.random());
    const sb = Array.from({ length: 20 }, () => b.random());
    const sc = Array.from({ length: 20 }, () => c.random());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    expect(sa.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(sa).size).toBe(20);
  });

  test('manualSeed re-seeds and returns the generator; initialSeed remembers it', () => {
    const g = new Generator(1);
    const first = [g.random(), g.normal()];
    g.random();
    expect(g.manualSeed(1)).toBe(g);
    expect([g.random(), g.normal()]).toEqual(first);
    expect(g.initialSeed()).toBe(1);
    expect(() => g.manualSeed(NaN)).toThrow(/manualSeed/);
  });

  test('seeds follow PyTorch 1.13: negatives wrap modulo 2^64, non-integers and overflow are refused', () => {
    const draws = (g: Generator) => [g.nextUint32(), g.nextUint32(), g.random()];
    // torch: Generator().manual_seed(-1).initial_seed() == 2**64 - 1, and -5 -> 2**64 - 5
    const neg = new Generator(-1);
    expect(neg.initialSeed()).toBe(2n ** 64n - 1n);
    expect(draws(neg)).toEqual(draws(new Generator(2n ** 64n - 1n)));
    expect(new Generator(-5).initialSeed()).toBe(2n ** 64n - 5n);
    expect(new Generator(-(2n ** 63n)).initialSeed()).toBe(2n ** 63n);
    // a safe bigint seeds as the equal number, and initialSeed stays a number there
    expect(draws(new Generator(123n))).toEqual(draws(new Generator(123)));
    expect(new Generator(123n).initialSeed()).toBe(123);
    expect(new Generator(Number.MAX_SAFE_INTEGER).initialSeed()).toBe(Number.MAX_SAFE_INTEGER);
    expect(draws(new Generator(-1))).not.toEqual(draws(new Generator(1)));
    // torch: 1.5, 2.0, nan, inf -> "manual_seed expected a long, but got float"
    for (const bad of [1.5, NaN, Infinity, -Infinity]) expect(() => new Generator().manualSeed(bad)).toThrow(/manualSeed: expected an integer seed/);
    expect(() => manualSeed(0.5)).toThrow(/manualSeed: expected an integer seed, got 0.5/);
    // JS cannot tell 2^53 from 2^53 + 1
    expect(() => manualSeed(2 ** 53)).toThrow(/manualSeed: seed 9007199254740992 is beyond Number.MAX_SAFE_INTEGER.*bigint/);
    expect(() => manualSeed(-(2 ** 53))).toThrow(/MAX_SAFE_INTEGER/);
    // torch: 2**64 and -2**63 - 1 -> "Overflow when unpacking long"
    expect(() => manualSeed(2n ** 64n)).toThrow(/manualSeed: seed 18446744073709551616 is outside the 64-bit range/);
    expect(() => manualSeed(-(2n ** 63n) - 1n)).toThrow(/outside the 64-bit range/);
    manualSeed(0);
  });

  test('getState / setState restore the stream, including the cached normal', () => {
    const g = new Generator(5);
    g.normal(); // leaves a spare normal cached
    const s = g.getState();
    const next = [g.normal(), g.random(), g.normal()];
    g.setState(s);
    expect([g.normal(), g.random(), g.normal()]).toEqual(next);
    expect(() => g.setState([1, 2])).toThrow(/setState/);
  });

  test('generators are independent of each other and of the global one', () => {
    const g1 = new Generator(9), g2 = new Generator(9);
    manualSeed(9);
    const x1 = rand([5], { generator: g1 }).toArray();
    rand([100]); // draws from the global generator only
    randn([7], { generator: new Generator(1) });
    const x2 = rand([5], { generator: g2 }).toArray();
    expect(x1).toEqual(x2);
  });

  test('negative and large seeds work and differ', () => {
    const v = (s: number) => new Generator(s).random();
    expect(v(-1)).not.toBe(v(1));
    // torch's mt19937 takes the seed's low 32 bits: 2^40 seeds seed 0's stream, 2^40 + 1 seed 1's
    expect(v(2 ** 40)).toBe(v(0));
    expect(v(2 ** 40 + 1)).toBe(v(1));
    expect(v(2 ** 40)).not.toBe(v(1));
  });

  test('uniform and normal moments over 200,000 draws', () => {
    const g = new Generator(123);
    const n = 200000;
    let su = 0, su2 = 0, sn = 0, sn2 = 0, sn4 = 0;
    for (let i = 0; i < n; i++) {
      const u = g.random(); su += u; su2 += u * u;
      const z = g.normal(); sn += z; sn2 += z * z; sn4 += z ** 4;
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(su2 / n - (su / n) ** 2).toBeCloseTo(1 / 12, 2);
    expect(Math.abs(sn / n)).toBeLessThan(0.01);
    expect(sn2 / n).toBeCloseTo(1, 1);
    expect(sn4 / n).toBeCloseTo(3, 0); // kurtosis of a normal
  });
});

describe('random creation functions', () => {
  test('manualSeed makes rand/randn/randint/randperm reproducible', () => {
    const draw = () => [rand([3]).toArray(), randn([2, 2]).toArray(), randint(0, 10, [4]).toArray(), randperm(6).toArray()];
    manualSeed(2024);
    const a = draw();
    manualSeed(2024);
    expect(draw()).toEqual(a);
    manualSeed(2025);
    expect(draw()).not.toEqual(a);
  });

  test('shapes and dtypes', () => {
    expect(rand([2, 3]).shape).toEqual([2, 3]);
    expect(rand([2, 3]).dtype).toBe('float32');
    expect(randn(4, { dtype: 'float64' }).dtype).toBe('float64');
    expect(randn([2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(randint(0, 5, [3]).dtype).toBe('int32');
    expect(randperm(4).dtype).toBe('int32');
    const base = zeros([2, 2], { dtype: 'float64' });
    expect(randLike(base).shape).toEqual([2, 2]);
    expect(randnLike(base).dtype).toBe('float64');
    expect(() => rand([2], { dtype: 'int32' })).toThrow(/rand.*floating/);
  });

  test('randint stays in [low, high) and hits every value', () => {
    const g = new Generator(7);
    const v = Array.from(randint(-3, 4, [5000], { generator: g }).dataSync());
    expect(Math.min(...v)).toBe(-3);
    expect(Math.max(...v)).toBe(3);
    expect(new Set(v).size).toBe(7);
    expect(() => randint(3, 3, [1])).toThrow(/randint/);
    expect(() => randint(0.5, 3, [1])).toThrow(/randint/);
  });

  test('randperm is a permutation of 0..n-1, and shuffles', () => {
    const g = new Generator(3);
    for (const n of [0, 1, 2, 10, 257]) {
      const p = Array.from(randperm(n, { generator: g }).dataSync());
      expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    const p = Array.from(randperm(50, { generator: g }).dataSync());
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(() => randperm(-1)).toThrow(/randperm/);
  });

  test('every position of randperm is uniform (chi-square over 6,000 permutations of 4)', () => {
    const g = new Generator(11);
    const counts = Array.from({ length: 4 }, () => new Array<number>(4).fill(0));
    for (let k = 0; k < 6000; k++) {
      const p = randperm(4, { generator: g }).dataSync();
      for (let i = 0; i < 4; i++) counts[i][p[i]]++;
    }
    let chi = 0;
    for (const row of counts) for (const c of row) chi += (c - 1500) ** 2 / 1500;
    expect(chi).toBeLessThan(40); // 9 degrees of freedom: p < 1e-5 for a uniform shuffle
  });

  test('uniform_ and normal_ fill in place from a generator (under noGrad for leaves that require grad)', () => {
    const w = zeros([1000]).requiresGrad_();
    noGrad(() => w.uniform_(-2, 2, new Generator(1)));
    const v = Array.from(w.dataSync());
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...v)).toBeLessThan(2);
    expect(Math.max(...v)).toBeGreaterThan(1.9);
    const a = zeros([3]).normal_(1, 0.5, new Generator(2)).toArray();
    const b = zeros([3]).normal_(1, 0.5, new Generator(2)).toArray();
    expect(a).toEqual(b);
    expect(() => zeros([3]).normal_(0, -1)).toThrow(/normal_.*std/);
    expect(() => w.uniform_()).toThrow(/uniform_.*leaf/);
  });
});
