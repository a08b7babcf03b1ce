/**
 * compile(fn) and tensor gradient hooks (`registerHook`, issue 15 §3). A replay runs kernels, not the
 * JavaScript of a hook: a step whose backward runs one stays eager (its results and side effects are
 * eager mode's on every call), and a hook registered or removed after a capture reaches the next call.
 * retainGrad is not a hook in that sense: its steps still replay.
 */
import { compile, manualSeed, randn, Tensor } from '../../src';

const bits = (t: Tensor | null): string => (t === null ? 'null' : Buffer.from(Float64Array.from(t.dataSync() as ArrayLike<number>).buffer).toString('hex'));

/** Six calls of a step on a leaf with hooks set up by `setup` and changed by `between` after call i, eagerly and compiled. */
function run(setup: (w: Tensor, seen: { n: number }) => void, between: (w: Tensor, i: number) => void) {
  const logs: string[][] = [];
  let stats = null;
  for (const compiled of [false, true]) {
    manualSeed(0);
    const w = randn([70]).requiresGrad_();
    const seen = { n: 0 };
    setup(w, seen);
    const step = (x: Tensor): Tensor => { w.grad = null; const l = x.mul(w).tanh().sum(); l.backward(); return l; };
    const f = compile(step);
    const call = compiled ? f : step;
    logs.push(Array.from({ length: 6 }, (_, i) => { const line = `${bits(call(randn([70])))} ${bits(w._peekGrad())} ${seen.n}`; between(w, i); return line; }));
    if (compiled) stats = f.stats();
  }
  expect(logs[1]).toEqual(logs[0]);
  return stats as unknown as ReturnType<ReturnType<typeof compile>['stats']>;
}

describe('compile: tensor hooks', () => {
  test('a hook registered after the capture is called from the next call on', () => {
    const st = run(() => {}, (w, i) => { if (i === 3) w.registerHook((g) => g.mul(3)); });
    expect(st.fallbacks[0].reason).toMatch(/tensor hook/);
  });

  test('a hook removed after the capture is no longer applied', () => {
    let h: { remove(): void } | null = null;
    run((w) => { h = w.registerHook((g) => g.mul(3)); }, (_w, i) => { if (i === 3) h?.remove(); });
  });

  test('a hook with a side effect runs on every call', () => {
    const st = run((w, seen) => { w.registerHook(() => { seen.n++; }); }, () => {});
    expect(st.replays).toBe(0);
  });

  test('retainGrad inside fn still replays', () => {
    const w = randn([70]).requiresGrad_();
    const f = compile((x: Tensor) => { w.grad = null; const h = x.mul(w); h.retainGrad(); h.tanh().sum().backward(); return h.grad as Tensor; });
    for (let i = 0; i < 4; i++) f(randn([70]));
    expect(f.stats()).toMatchObject({ replays: 2, fallbacks: [] });
  });
});
