/**
 * compile(fn)'s signatures and guards: which calls trace, capture or replay, which fall back for good,
 * and that every result is eager mode's bit for bit. The replay itself is tested in replay.test.ts.
 */
import {
  compile, tensor, randn, manualSeed, noGrad, enableGrad, detectAnomaly, setDefaultDtype, getDefaultDtype, Tensor, zeros,
} from '@tapegrad/core';

const same = (a: Tensor, b: Tensor): boolean => {
  if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) return false;
  const x = a.dataSync(), y = b.dataSync();
  return x.every((v, i) => Object.is(v, y[i]));
};

/** A two-layer MLP step on hand-made parameters: forward, backward, SGD in place. */
function mlp(seed: number) {
  manualSeed(seed);
  const w1 = randn([4, 8], { dtype: 'float32' }).requiresGrad_();
  const w2 = randn([8, 3], { dtype: 'float32' }).requiresGrad_();
  const step = (x: Tensor, y: Tensor): Tensor => {
    w1.grad = null;
    w2.grad = null;
    const loss = x.matmul(w1).relu().matmul(w2).sub(y).square().mean();
    loss.backward();
    noGrad(() => {
      w1.sub_(w1.grad!.mul(0.1));
      w2.sub_(w2.grad!.mul(0.1));
    });
    return loss;
  };
  return { w1, w2, step };
}

describe('compile', () => {
  test('the second call with the trace signature captures, later ones replay; all equal eager mode bit for bit', () => {
    const eager = mlp(1), comp = mlp(1);
    const step = compile(comp.step);
    manualSeed(7);
    const data = Array.from({ length: 10 }, () => [randn([5, 4], { dtype: 'float32' }), randn([5, 3], { dtype: 'float32' })]);
    for (const [x, y] of data) expect(same(step(x, y), eager.step(x, y))).toBe(true);
    expect(same(comp.w1, eager.w1)).toBe(true);
    expect(same(comp.w2, eager.w2)).toBe(true);
    const s = step.stats();
    expect(s).toMatchObject({ calls: 10, traces: 1, captures: 1, replays: 8, eager: 0, signatures: 1, fallbacks: [], random: 0 });
  });

  test('a shape, dtype or requiresGrad change traces again; the old signature is kept', () => {
    const f = compile((x: Tensor) => x.mul(2).sum());
    f(zeros([2, 3]));
    f(zeros([2, 3]));
    f(zeros([3, 3]));
    f(zeros([2, 3], { dtype: 'float64' }));
    f(zeros([2, 3]).requiresGrad_());
    f(zeros([2, 3]));
    expect(f.stats()).toMatchObject({ calls: 6, traces: 4, captures: 1, replays: 1, signatures: 4 });
    // A non-contiguous view is its own signature (a kernel replay would read different strides).
    f(zeros([3, 2]).t());
    expect(f.stats().traces).toBe(5);
  });

  test('non-tensor arguments are part of the signature by value', () => {
    const f = compile((x: Tensor, k: number, o: { neg: boolean }) => (o.neg ? x.mul(-k) : x.mul(k)));
    expect(f(tensor([1, 2], { dtype: 'float32' }), 3, { neg: false }).toArray()).toEqual([3, 6]);
    expect(f(tensor([1, 2], { dtype: 'float32' }), 3, { neg: true }).toArray()).toEqual([-3, -6]);
    expect(f(tensor([1, 2], { dtype: 'float32' }), 2, { neg: true }).toArray()).toEqual([-2, -4]);
    expect(f.stats()).toMatchObject({ traces: 3, replays: 0, fallbacks: [] });
  });

  test('grad mode and the default dtype are part of the signature', () => {
    const w = tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
    const f = compile((x: Tensor) => x.mul(w).sum());
    expect(f(tensor([3, 4], { dtype: 'float32' })).requiresGrad).toBe(true);
    const off = noGrad(() => f(tensor([3, 4], { dtype: 'float32' })));
    expect(off.requiresGrad).toBe(false);
    expect(off.item()).toBe(11);
    expect(f.stats().traces).toBe(2);
    const prev = getDefaultDtype();
    setDefaultDtype(prev === 'float32' ? 'float64' : 'float32');
    try {
      f(tensor([3, 4], { dtype: 'float32' }));
    } finally {
      setDefaultDtype(prev);
    }
    expect(f.stats().traces).toBe(3);
    // With grad mode on the result is in the graph for the caller's backward: that signature stays eager.
    const g = f(tensor([3, 4], { dtype: 'float32' }));
    g.backward();
    expect(w.grad?.toArray()).toEqual([3, 4]);
    expect(f.stats().fallbacks[0].reason).toMatch(/autograd graph/);
    // Under noGrad it replays.
    noGrad(() => f(tensor([3, 4], { dtype: 'float32' })));
    expect(noGrad(() => f(tensor([5, 6], { dtype: 'float32' }))).item()).toBe(17);
    expect(f.stats()).toMatchObject({ traces: 3, captures: 1, replays: 1 });
  });

  test('the training flags of the given modules (and their descendants) are part of the signature', () => {
    const child = { training: true };
    const model = { training: true, *modules() { yield model; yield child; } };
    const f = compile((x: Tensor) => x.add(1), { modules: [model] });
    const x = zeros([2]);
    f(x);
    f(x);
    child.training = false;
    f(x);
    model.training = false;
    f(x);
    child.training = true;
    model.training = true;
    f(x);
    f(x);
    expect(f.stats()).toMatchObject({ traces: 3, captures: 1, replays: 2 });
  });

  test('a value read while tracing makes that signature eager for good', () => {
    let reads = 0;
    const f = compile((x: Tensor) => {
      const s = x.sum();
      reads++;
      return s.item() > 0 ? x.mul(2) : x.mul(-2);
    });
    expect(f(tensor([1, 2], { dtype: 'float32' })).toArray()).toEqual([2, 4]);
    expect(f(tensor([-1, -2], { dtype: 'float32' })).toArray()).toEqual([2, 4]);
    expect(f(tensor([1, 2], { dtype: 'float32' })).toArray()).toEqual([2, 4]);
    expect(reads).toBe(3);
    const s = f.stats();
    expect(s).toMatchObject({ calls: 3, traces: 1, replays: 0, eager: 2 });
    expect(s.fallbacks).toHaveLength(1);
    expect(s.fallbacks[0].reason).toMatch(/read during tracing \(item\)/);
    for (const read of [(t: Tensor) => t.dataSync(), (t: Tensor) => t.toArray()]) {
      const g = compile((x: Tensor) => { read(x); return x.add(1); });
      g(zeros([2]));
      expect(g.stats().fallbacks[0].reason).toMatch(/dataSync|toArray/);
    }
  });

  test('a value printed or formatted inside fn (toString, a template literal) is a value read: no replay takes the other branch', () => {
    const f = compile((x: Tensor) => (String(x.sum()).includes('-') ? x.neg() : x.mul(1)));
    const outs = [[1, 2], [1, 2], [1, 2], [-5, 1], [3, 4]].map((v) => f(tensor(v, { dtype: 'float32' })).toArray());
    expect(outs).toEqual([[1, 2], [1, 2], [1, 2], [5, -1], [3, 4]]);
    expect(f.stats()).toMatchObject({ replays: 0, eager: 4 });
    expect(f.stats().fallbacks[0].reason).toMatch(/read during tracing \(toString\)/);
    const g = compile((x: Tensor) => (`${x.max()}`.startsWith('tensor(9') ? x.mul(0) : x.add(1)));
    expect([[1], [1], [1], [9]].map((v) => g(tensor(v, { dtype: 'float32' })).toArray())).toEqual([[2], [2], [2], [0]]);
  });

  test('enableGrad inside noGrad around the call is grad mode on; the result of each mode is eager mode\'s', () => {
    const w = tensor([1, 2, 3], { dtype: 'float32' }).requiresGrad_();
    const f = compile((x: Tensor) => x.mul(w).sum());
    const x = tensor([4, 5, 6], { dtype: 'float32' });
    expect(noGrad(() => enableGrad(() => f(x))).requiresGrad).toBe(true);
    const off = [0, 1, 2].map(() => noGrad(() => f(x)));
    expect(off.map((t) => [t.requiresGrad, t.item()])).toEqual([[false, 32], [false, 32], [false, 32]]);
    const on = noGrad(() => enableGrad(() => f(x)));
    expect(on.requiresGrad).toBe(true);
    on.backward();
    expect(w.grad?.toArray()).toEqual([4, 5, 6]);
    expect(f.stats()).toMatchObject({ signatures: 2, replays: 1 });
  });

  test('detectAnomaly around the call or inside fn runs the step eagerly, so its checks run on every call', () => {
    const w = tensor([1, 1, 1], { dtype: 'float32' }).requiresGrad_();
    const body = (x: Tensor): Tensor => { w.grad = null; const l = x.mul(w).sqrt().sum(); l.backward(); return l; };
    const ok = tensor([1, 4, 9], { dtype: 'float32' }), bad = tensor([-1, 4, 9], { dtype: 'float32' });
    expect(() => detectAnomaly(() => body(bad))).toThrow(/detectAnomaly: the backward of 'sqrt'/);
    // captured with anomaly detection off, called with it on: another signature, traced (and checked)
    const f = compile(body);
    for (let i = 0; i < 3; i++) expect(f(ok).item()).toBe(6);
    expect(() => detectAnomaly(() => f(bad))).toThrow(/detectAnomaly: the backward of 'sqrt'/);
    // on from the start: the check reads gradients' values, so that signature stays eager
    const g = compile(body);
    detectAnomaly(() => { for (let i = 0; i < 3; i++) g(ok); });
    expect(() => detectAnomaly(() => g(bad))).toThrow(/detectAnomaly: the backward of 'sqrt'/);
    expect(g.stats()).toMatchObject({ replays: 0 });
    expect(g.stats().fallbacks[0].reason).toMatch(/detectAnomaly's check of a gradient/);
    // inside fn
    const h = compile((x: Tensor) => detectAnomaly(() => body(x)));
    for (let i = 0; i < 3; i++) h(ok);
    expect(() => h(bad)).toThrow(/detectAnomaly: the backward of 'sqrt'/);
    expect(h.stats().replays).toBe(0);
  });

  test('a graph that keeps changing under one signature before its capture falls back for good', () => {
    let deep = false;
    const f = compile((x: Tensor) => (deep ? x.mul(2).add(1) : x.mul(2)));
    const x = zeros([3]);
    f(x);
    deep = true; // the capture call records another graph: it runs eagerly and becomes the trace
    expect(f(x).toArray()).toEqual([1, 1, 1]);
    deep = false;
    expect(f(x).toArray()).toEqual([0, 0, 0]);
    expect(f.stats()).toMatchObject({ traces: 1, captures: 0, eager: 2, fallbacks: [] });
    deep = true; // a third change: eager for good
    expect(f(x).toArray()).toEqual([1, 1, 1]);
    expect(f.stats().fallbacks[0].reason).toMatch(/graph changed under one signature \(op 1 is add \[3\] float32, traced nothing\)/);
    deep = false;
    expect(f(x).toArray()).toEqual([0, 0, 0]);
    expect(f.stats().eager).toBe(4);
    // A different op at the same position, and fewer ops than traced, are named too.
    const flip = (g: ReturnType<typeof compile<[Tensor], Tensor>>, a: boolean) => { deep = a; g(x); deep = !a; g(x); deep = a; g(x); deep = !a; g(x); return g; };
    expect(flip(compile((y: Tensor) => (deep ? y.add(2) : y.mul(2))), false).stats().fallbacks[0].reason).toMatch(/op 0 is (add|mul) \[3\] float32, traced (mul|add) \[3\] float32/);
    expect(flip(compile((y: Tensor) => (deep ? y.mul(2).add(1) : y.mul(2))), true).stats().fallbacks[0].reason).toMatch(/graph changed/);
  });

  test('random draws come from the generator stream as in eager mode, fresh on every call', () => {
    const f = compile((x: Tensor) => x.add(randn([4], { dtype: 'float32' })));
    const x = zeros([4]);
    manualSeed(3);
    const compiled = [f(x), f(x), f(x)];
    manualSeed(3);
    const eager = [x.add(randn([4], { dtype: 'float32' })), x.add(randn([4], { dtype: 'float32' })), x.add(randn([4], { dtype: 'float32' }))];
    compiled.forEach((c, i) => expect(same(c, eager[i])).toBe(true));
    expect(same(compiled[0], compiled[1])).toBe(false);
    expect(same(compiled[1], compiled[2])).toBe(false);
    expect(f.stats()).toMatchObject({ traces: 1, captures: 1, replays: 1, random: 1 });
  });

  test('an error while tracing leaves no trace behind', () => {
    let fail = true;
    const f = compile((x: Tensor) => { if (fail) throw new Error('boom'); return x.add(1); });
    expect(() => f(zeros([2]))).toThrow('boom');
    fail = false;
    f(zeros([2]));
    expect(f.stats()).toMatchObject({ calls: 2, traces: 1, signatures: 1 });
  });

  test('a compiled function inside another passes its events to the outer trace', () => {
    const inner = compile((x: Tensor) => { x.sum().item(); return x.add(1); });
    const outer = compile((x: Tensor) => inner(x).mul(2));
    outer(zeros([2]));
    outer(zeros([2]));
    expect(outer.stats().fallbacks[0].reason).toMatch(/item/);
    expect(inner.stats().eager).toBe(1);
  });

  test('maxSignatures bounds the traces; reset() forgets them', () => {
    const f = compile((x: Tensor) => x.add(1), { maxSignatures: 2 });
    for (const n of [1, 2, 3, 4, 1]) f(zeros([n]));
    expect(f.stats()).toMatchObject({ calls: 5, traces: 2, captures: 1, eager: 2, signatures: 2 });
    f.reset();
    f(zeros([3]));
    expect(f.stats()).toMatchObject({ calls: 1, traces: 1 });
  });

  test('bad arguments and options are errors naming compile', () => {
    expect(() => compile(3 as never)).toThrow('compile: expected a function, got number');
    expect(() => compile((x: Tensor) => x, { modlues: [] } as never)).toThrow(/compile.*modlues/);
    expect(() => compile((x: Tensor) => x, { maxSignatures: 0 })).toThrow('compile: maxSignatures must be a positive integer, got 0');
    expect(() => compile((x: Tensor) => x, { modules: [{}] } as never)).toThrow(/compile: modules must be an array/);
    const f = compile((x: unknown) => x);
    expect(() => f(new Map())).toThrow("compile: argument 0 is a Map; pass tensors, numbers, strings, booleans, arrays or plain objects of them, and capture anything else (modules, optimizers) in fn's closure");
    expect(() => f([zeros([1]), () => 1])).toThrow(/compile: argument 0\[1\] is a function/);
  });
});

describe('compile: { values, indices } results unpack in order on every call', () => {
  // max replays; sort and kthvalue run eagerly under compile (their per-line results are computed outside a
  // captured kernel) and must unpack all the same.
  test.each([
    ['max(1)', true, (x: Tensor) => x.mul(2).max(1)],
    ['sort(1)', false, (x: Tensor) => x.mul(2).sort(1)],
    ['kthvalue(2, 1)', false, (x: Tensor) => x.mul(2).kthvalue(2, 1)],
  ])('%s', (_name, replays, op) => {
    manualSeed(3);
    const x = randn([3, 5]);
    const f = compile(op);
    const want = op(x);
    for (let i = 0; i < 4; i++) {
      const r = f(x);
      const [values, indices] = r;
      expect(same(values, want.values) && same(indices, want.indices)).toBe(true);
      expect(Object.keys(r)).toEqual(['values', 'indices']);
    }
    expect(f.stats().replays > 0).toBe(replays);
  });
});
