/**
 * compile(fn) and the random generators (issue 15 §3): every random op draws on each replay from the
 * stream eager mode draws from, so N compiled calls give eager mode's N results bit for bit and leave the
 * generator in the same state; reseeding or setting a generator's state inside fn is replayed too, and a
 * state read inside fn (a JavaScript value a replay would not take again) keeps the step eager.
 */
import { compile, manualSeed, noGrad, rand, randn, randint, randperm, randLike, randnLike, tensor, Tensor, Generator, defaultGenerator } from '../../src';

const bits = (t: Tensor): string => Buffer.from(Float64Array.from(t.dataSync() as ArrayLike<number>).buffer).toString('hex');

/** `calls` calls of `make()` from seed 4, eagerly and compiled: their results and the global generator's state after. */
function eagerAndCompiled(make: () => (x: Tensor) => Tensor, calls = 6) {
  const run = (f: (x: Tensor) => Tensor) => {
    manualSeed(4);
    const x = tensor([1, 2, 3, 4, 5], { dtype: 'float32' });
    const out = Array.from({ length: calls }, () => bits(f(x)));
    return { out, state: defaultGenerator.getState() };
  };
  const e = run(make());
  const c = compile(make());
  const k = run(c);
  return { e, k, stats: c.stats() };
}

describe('compile and the random generators', () => {
  const ops: [string, () => (x: Tensor) => Tensor][] = [
    ['randn (an odd count: Box-Muller keeps a spare)', () => (x) => x.add(randn([5], { dtype: 'float32' }))],
    ['rand', () => (x) => x.mul(rand([5], { dtype: 'float32' }))],
    ['randint', () => (x) => x.add(randint(0, 100, [5], { dtype: 'float32' }))],
    ['randperm', () => (x) => x.add(randperm(5, { dtype: 'float32' }))],
    ['randLike, randnLike', () => (x) => x.add(randLike(x)).sub(randnLike(x))],
    ['normal_, uniform_ on a fresh tensor', () => (x) => x.add(noGrad(() => x.clone().normal_())).mul(noGrad(() => x.clone().uniform_(-1, 1)))],
    ['a mix, several draws per call', () => (x) => x.add(rand([5])).mul(randn([1])).add(randint(0, 3, [5]))],
  ];
  test.each(ops)('%s: N compiled calls equal N eager calls, and leave the generator where eager mode does', (_name, make) => {
    const { e, k, stats } = eagerAndCompiled(make);
    expect(k.out).toEqual(e.out);
    expect(k.state).toEqual(e.state);
    expect(new Set(k.out).size).toBe(k.out.length); // fresh numbers on every call
    expect(stats).toMatchObject({ traces: 1, captures: 1, replays: 4, eager: 0, fallbacks: [], random: 1 });
  });

  test('a generator from fn\'s closure is drawn from live, also by eager code between calls', () => {
    const run = (compiled: boolean) => {
      const g = new Generator(11);
      const f = (x: Tensor) => x.add(randn([5], { generator: g }));
      const s = compiled ? compile(f) : f;
      const x = tensor([0, 0, 0, 0, 0]);
      return Array.from({ length: 6 }, (_, i) => { const r = bits(s(x)); if (i === 3) randn([3], { generator: g }); return r; }).concat(g.getState().join());
    };
    expect(run(true)).toEqual(run(false));
  });

  test('manualSeed, a new Generator and setState inside fn are replayed where eager mode does them', () => {
    const cases: [string, () => (x: Tensor) => Tensor][] = [
      ['manualSeed', () => (x) => { manualSeed(3); return x.add(randn([5])); }],
      ['a Generator made in fn', () => (x) => x.add(randn([5], { generator: new Generator(3) }))],
      ['Generator.manualSeed between draws', () => (x) => { const a = randn([5]); defaultGenerator.manualSeed(8); return x.add(a).mul(rand([5])); }],
      ['setState', () => { const st = new Generator(9).getState(); return (x) => { defaultGenerator.setState(st); return x.add(randn([5])); }; }],
    ];
    for (const [name, make] of cases) {
      const { e, k, stats } = eagerAndCompiled(make);
      expect([name, k.out]).toEqual([name, e.out]);
      expect([name, k.state]).toEqual([name, e.state]);
      expect([name, stats.replays]).toEqual([name, 4]);
    }
    // the reseeded step gives the same numbers on every call, as in eager mode
    expect(new Set(eagerAndCompiled(cases[0][1]).k.out).size).toBe(1);
  });

  test('getState inside fn keeps the step eager (a replay would set a stale state), with eager mode\'s results', () => {
    const make = () => (x: Tensor) => {
      const st = defaultGenerator.getState();
      const a = randn([5]);
      defaultGenerator.setState(st);
      return x.add(a).sub(randn([5])); // the same draw twice: zeros
    };
    const { e, k, stats } = eagerAndCompiled(make);
    expect(k.out).toEqual(e.out);
    expect(k.state).toEqual(e.state);
    expect(stats.replays).toBe(0);
    expect(stats.fallbacks[0].reason).toMatch(/Generator\.getState inside a compiled step/);
  });

  test('outside compile, manualSeed and setState are unchanged', () => {
    const g = new Generator(5);
    const a = g.normal();
    const st = g.getState();
    const b = [g.normal(), g.random()];
    g.setState(st);
    expect([g.normal(), g.random()]).toEqual(b);
    expect(g.manualSeed(5).normal()).toBe(a);
    expect(g.initialSeed()).toBe(5);
  });
});
