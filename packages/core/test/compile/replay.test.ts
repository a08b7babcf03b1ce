/**
 * compile's replay (compile/capture.ts): from the third call of a signature the step is its captured
 * kernels run again. Checked here on core ops alone: replays equal eager mode bit for bit, the arena is
 * never handed to anyone else (poisoned pool), guards send changed state back to a capture, decisions on
 * argument values are re-checked, and anything a replay would not redo keeps the signature eager.
 */
import { compile, manualSeed, noGrad, randn, rand, tensor, Tensor, zeros, setBufferPool, oneHot } from '../../src';
import { _setPoolPoison } from '../../src/pool';
import { valueGuard, noteUncapturable, runKernel } from '../../src/internal';

/** A two-layer regression net as leaves, and an SGD step written with in-place ops. */
function net(seed: number): { w1: Tensor; b1: Tensor; w2: Tensor; params: Tensor[] } {
  manualSeed(seed);
  const w1 = randn([6, 8]).mul(0.3).requiresGrad_();
  const b1 = zeros([8]).requiresGrad_();
  const w2 = randn([8, 2]).mul(0.3).requiresGrad_();
  return { w1, b1, w2, params: [w1, b1, w2] };
}

function stepOf(p: ReturnType<typeof net>, lr: { value: number }) {
  return (x: Tensor, y: Tensor): Tensor => {
    for (const t of p.params) t.grad = null;
    const h = x.matmul(p.w1).add(p.b1).relu();
    const loss = h.matmul(p.w2).sub(y).pow(2).mean();
    loss.backward();
    noGrad(() => { for (const t of p.params) t.sub_((t.grad as Tensor).mul(lr.value)); });
    return loss;
  };
}

const bits = (t: Tensor): string => Buffer.from(new Float64Array(Array.from(t.dataSync())).buffer).toString('hex');

function batches(n: number, rows = 5): [Tensor, Tensor][] {
  manualSeed(7);
  return Array.from({ length: n }, () => [randn([rows, 6]), randn([rows, 2])]);
}

describe('compile replay', () => {
  test('replays the captured kernels from the third call on, equal to eager bit for bit', () => {
    const data = batches(20);
    const eager = net(1), comp = net(1);
    const fe = stepOf(eager, { value: 0.05 });
    const fc = compile(stepOf(comp, { value: 0.05 }));
    for (const [x, y] of data) expect(bits(fc(x, y))).toBe(bits(fe(x, y)));
    comp.params.forEach((t, i) => expect(bits(t)).toBe(bits(eager.params[i])));
    expect(fc.stats()).toMatchObject({ calls: 20, traces: 1, captures: 1, replays: 18, eager: 0, fallbacks: [] });
    // the run trained: a replay that did nothing would leave the loss constant
    expect(bits(fc(data[0][0], data[0][1]))).not.toBe(bits(fe(data[19][0], data[19][1])));
  });

  test('returned tensors are fresh copies: holding one across calls keeps its value', () => {
    const data = batches(6);
    const fc = compile(stepOf(net(2), { value: 0.05 }));
    const held = data.map(([x, y]) => fc(x, y));
    const again = data.map(([x, y]) => fc(x, y));
    expect(new Set(held.map(bits)).size).toBe(6);
    held.forEach((h, i) => expect(bits(h)).not.toBe(bits(again[i])));
  });

  test('a poisoned pool never shows through: arena buffers are never handed to other code', () => {
    _setPoolPoison(true);
    try {
      const data = batches(12, 70); // rows × features above the pool's minimum length
      const eager = net(3), comp = net(3);
      const fe = stepOf(eager, { value: 0.01 });
      const fc = compile(stepOf(comp, { value: 0.01 }));
      for (const [x, y] of data) {
        const a = fc(x, y);
        // eager work in between takes (poisoned) buffers from the pool and gives its own back
        const noise = randn([70, 70]).matmul(randn([70, 70])).relu().sum();
        expect(Number.isNaN(noise.item())).toBe(false);
        expect(bits(a)).toBe(bits(fe(x, y)));
      }
      expect(fc.stats().replays).toBe(10);
      comp.params.forEach((t, i) => expect(bits(t)).toBe(bits(eager.params[i])));
    } finally {
      _setPoolPoison(false);
    }
  });

  test('grads dropped outside fn are what the replay starts from anyway; a grad fn accumulates into must be the captured one', () => {
    const data = batches(8);
    const eager = net(4), comp = net(4);
    const fe = stepOf(eager, { value: 0.05 });
    const fc = compile(stepOf(comp, { value: 0.05 }));
    data.forEach(([x, y], i) => {
      if (i >= 4) for (const t of comp.params) t.grad = null; // as opt.zeroGrad() before each call
      expect(bits(fc(x, y))).toBe(bits(fe(x, y)));
    });
    expect(fc.stats()).toMatchObject({ captures: 1, replays: 6 });
    // A step that accumulates (no zeroing inside). The engine adds into a grad in place only when it is
    // private (large enough to be tracked, never read through .grad), and only then can a replay redo it.
    const big = (seed: number): Tensor[] => { manualSeed(seed); return [randn([6, 70]).mul(0.2).requiresGrad_(), randn([70, 2]).mul(0.2).requiresGrad_()]; };
    const acc = (p: Tensor[]) => (x: Tensor, y: Tensor): Tensor => {
      const loss = x.matmul(p[0]).relu().matmul(p[1]).sub(y).pow(2).mean();
      loss.backward();
      return loss;
    };
    const e2 = big(9), c2 = big(9);
    const ge = acc(e2), gc = compile(acc(c2));
    const peek = (t: Tensor): string => bits(t._peekGrad() as Tensor); // as an optimizer reads it
    data.forEach(([x, y], i) => {
      if (i === 5) { for (const t of c2) t.grad = null; for (const t of e2) t.grad = null; }
      ge(x, y); gc(x, y);
      c2.forEach((t, k) => expect(peek(t)).toBe(peek(e2[k])));
    });
    expect(gc.stats().fallbacks).toEqual([]);
    // dropped at 5: the accumulating capture does not fit, so 5 captures a fresh-grad step; 6 accumulates again and captures that
    expect(gc.stats()).toMatchObject({ captures: 3, replays: 4 });
    // Reading .grad between accumulating steps makes the engine add out of place: that step stays eager.
    const e3 = big(10), c3 = big(10);
    const he = acc(e3), hc = compile(acc(c3));
    data.forEach(([x, y]) => {
      he(x, y); hc(x, y);
      c3.forEach((t, k) => expect(bits(t.grad as Tensor)).toBe(bits(e3[k].grad as Tensor)));
    });
    expect(hc.stats().fallbacks[0].reason).toMatch(/out of place/);
  });

  test('a new shape traces and captures again; the old signature keeps replaying', () => {
    const p = net(5), q = net(5);
    const fe = stepOf(q, { value: 0.05 });
    const fc = compile(stepOf(p, { value: 0.05 }));
    const small = batches(4, 3), big = batches(4, 9);
    for (let i = 0; i < 4; i++) {
      expect(bits(fc(...small[i]))).toBe(bits(fe(...small[i])));
      expect(bits(fc(...big[i]))).toBe(bits(fe(...big[i])));
    }
    expect(fc.stats()).toMatchObject({ signatures: 2, traces: 2, captures: 2, replays: 4 });
  });

  test('JS values read from the closure are constants of the capture (documented); arguments are not', () => {
    const lr = { value: 0.05 };
    const p = net(6), q = net(6);
    const fc = compile(stepOf(p, lr));
    const data = batches(4);
    fc(...data[0]); fc(...data[1]);
    lr.value = 0.5; // read by the step's JavaScript, which a replay does not run
    fc(...data[2]);
    const fe = stepOf(q, { value: 0.05 });
    fe(...data[0]); fe(...data[1]); fe(...data[2]);
    p.params.forEach((t, i) => expect(bits(t)).toBe(bits(q.params[i])));
    // a number argument is part of the signature: another value is another capture
    const g = compile((x: Tensor, s: number) => x.mul(s));
    expect(g(tensor([1, 2]), 2).toArray()).toEqual([2, 4]);
    expect(g(tensor([1, 2]), 3).toArray()).toEqual([3, 6]);
    expect(g(tensor([1, 2]), 3).toArray()).toEqual([3, 6]);
    expect(g(tensor([5, 6]), 3).toArray()).toEqual([15, 18]);
  });

  test('random ops draw fresh numbers on every replay, from the same stream as eager', () => {
    const f = (x: Tensor): Tensor => x.add(rand([4]));
    const c = compile(f);
    manualSeed(11);
    const compiled = [0, 1, 2, 3, 4].map(() => c(zeros([4])).toArray());
    manualSeed(11);
    const eager = [0, 1, 2, 3, 4].map(() => f(zeros([4])).toArray());
    expect(compiled).toEqual(eager);
    expect(new Set(compiled.map(String)).size).toBe(5);
    expect(c.stats().replays).toBe(3);
  });

  test('a decision on an argument\'s values is checked before each replay; another outcome runs eagerly', () => {
    const f = (x: Tensor): Tensor => (valueGuard(x, (d) => d[0] > 0) ? x.mul(2) : x.neg());
    const c = compile(f);
    const pos = tensor([1, 2]), neg = tensor([-1, 2]);
    expect(c(pos).toArray()).toEqual([2, 4]);
    expect(c(pos).toArray()).toEqual([2, 4]);
    expect(c(tensor([3, 4])).toArray()).toEqual([6, 8]);
    expect(c.stats()).toMatchObject({ replays: 1, eager: 0 });
    expect(c(neg).toArray()).toEqual([1, -2]);
    expect(c.stats()).toMatchObject({ replays: 1, eager: 1 });
    // the guard's own checks run again on every replay
    const g = compile((x: Tensor): Tensor => (valueGuard(x, (d) => { if (d[0] < 0) throw new RangeError('negative'); return true; }), x.add(1)));
    g(pos); g(pos);
    expect(() => g(neg)).toThrow('negative');
  });

  test('what a replay would not redo keeps the signature eager, and says why', () => {
    const data = batches(4);
    // an item() read: code after it may branch on the value
    const a = compile((x: Tensor) => (x.sum().item() > 0 ? x.mul(2) : x));
    data.forEach(([x]) => a(x));
    expect(a.stats().fallbacks[0].reason).toMatch(/item/);
    // a storage written outside any kernel
    const b = compile((x: Tensor) => {
      const t = Tensor._fromData(new Float32Array(x.numel()), x.shape, 'float32');
      return x.add(t);
    });
    data.forEach(([x]) => b(x));
    expect(b.stats().fallbacks[0].reason).toMatch(/outside a captured kernel/);
    expect(b.stats().replays).toBe(0);
    // something that declares itself uncapturable (an LR scheduler's step, a forward hook)
    const c = compile((x: Tensor) => { noteUncapturable('a test hook'); return x.mul(3); });
    data.forEach(([x]) => c(x));
    expect(c.stats().fallbacks[0].reason).toMatch(/a test hook/);
    // arguments that require grad are not staged
    const d = compile((x: Tensor) => x.mul(2).sum());
    const w = randn([3]).requiresGrad_();
    d(w); d(w); d(w);
    expect(d.stats().fallbacks[0].reason).toMatch(/requires grad/);
  });

  test('an output whose shape depends on values (oneHot without numClasses, repeatInterleave by a tensor) keeps the step eager', () => {
    const f = compile((x: Tensor) => oneHot(x).float().sum(0));
    const outs = [[0, 1], [0, 1], [0, 1], [0, 3], [1, 1]].map((v) => f(tensor(v, { dtype: 'int32' })).toArray());
    expect(outs).toEqual([[1, 1], [1, 1], [1, 1], [1, 0, 0, 1], [0, 2]]);
    expect(f.stats()).toMatchObject({ replays: 0 });
    expect(f.stats().fallbacks[0].reason).toMatch(/outside a captured kernel \(oneHot/);
    const g = compile((x: Tensor, r: Tensor) => x.repeatInterleave(r).sum());
    expect([[1, 1], [1, 1], [1, 1], [2, 0], [0, 3]].map((v) => g(tensor([1, 10]), tensor(v, { dtype: 'int32' })).item())).toEqual([11, 11, 11, 2, 30]);
    expect(g.stats()).toMatchObject({ replays: 0 });
    // with numClasses given the shape is fixed: it replays, reading each call's values
    const h = compile((x: Tensor) => oneHot(x, 4).float().sum(0));
    expect([[0, 1], [0, 1], [2, 3], [3, 3]].map((v) => h(tensor(v, { dtype: 'int32' })).toArray())).toEqual([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 2]]);
    expect(h.stats()).toMatchObject({ replays: 2, fallbacks: [] });
  });

  test('a kernel reading a JS counter when it runs sees the live value on every replay', () => {
    let calls = 0;
    const f = (x: Tensor): Tensor => {
      const out = x.mul(1);
      runKernel(() => { calls++; }, undefined);
      return out;
    };
    const c = compile(f);
    for (let i = 0; i < 5; i++) c(tensor([1]));
    expect(calls).toBe(5);
  });

  test('with the pool off, replays are the same', () => {
    setBufferPool(false);
    try {
      const data = batches(6);
      const eager = net(8), comp = net(8);
      const fe = stepOf(eager, { value: 0.05 });
      const fc = compile(stepOf(comp, { value: 0.05 }));
      for (const [x, y] of data) expect(bits(fc(x, y))).toBe(bits(fe(x, y)));
      expect(fc.stats().replays).toBe(4);
    } finally {
      setBufferPool(true);
    }
  });
});
