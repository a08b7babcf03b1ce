/**
 * The engine's buffer recycling (src/pool.ts, autograd/tape.ts). Every test runs with the pool
 * poisoned: an array is filled with NaN the moment it enters the pool, so a buffer that is still in use
 * shows up as NaN in a result. Arrays below POOL_MIN_LENGTH (64) elements are never pooled, so the
 * tensors here have at least 64.
 */
import { Generator, Tensor, defineFunction, grad, linear, noGrad, randn, setBufferPool, tensor, zeros } from '@tapegrad/core';
import * as core from '@tapegrad/core';
import { _inPool, _poolStats, _setPoolPoison, clearPool } from '../src/pool';
import { record } from '../src/autograd/tape';

beforeEach(() => {
  setBufferPool(true);
  clearPool();
  _setPoolPoison(true);
});
afterAll(() => {
  _setPoolPoison(false);
  setBufferPool(true);
});

const bits = (t: Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t._contigData()).buffer));
const arr = (t: Tensor): number[] => Array.from(t._contigData());
const rnd = (shape: number[], seed: number, requiresGrad = true): Tensor => randn(shape, { generator: new Generator(seed), dtype: 'float32', requiresGrad });
const given = (): number => _poolStats().given;

/**
 * A 32 -> 24 ReLU -> 8 MLP trained by hand-written SGD for `steps` steps (the optimizer's own read and
 * release calls, _peekGrad and _releaseGrad, as @tapegrad/optim's SGD makes them). Returns the bits of
 * every loss and of the final parameters.
 */
function train(steps: number, setToNone: boolean): number[] {
  const g = new Generator(7);
  const w1 = randn([24, 32], { generator: g, dtype: 'float32' }).mul(0.2).requiresGrad_();
  const b1 = zeros([24], { dtype: 'float32', requiresGrad: true });
  const w2 = randn([8, 24], { generator: g, dtype: 'float32' }).mul(0.2).requiresGrad_();
  const b2 = zeros([8], { dtype: 'float32', requiresGrad: true });
  const x = randn([16, 32], { generator: g, dtype: 'float32' });
  const target = randn([16, 8], { generator: g, dtype: 'float32' });
  const params = [w1, b1, w2, b2];
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    for (const p of params) {
      if (setToNone) p._releaseGrad();
      else noGrad(() => p._peekGrad()?.zero_());
    }
    const h = linear(x, w1, b1).relu();
    const y = linear(h, w2, b2).logSoftmax(1);
    const loss = y.sub(target).pow(2).mean().add(h.mul(h).mean().mul(0.01));
    loss.backward();
    out.push(...bits(loss.reshape([1])));
    noGrad(() => {
      for (const p of params) {
        const gr = p._peekGrad() as Tensor;
        p.sub_(gr.mul(0.1));
      }
    });
  }
  for (const p of params) out.push(...bits(p));
  return out;
}

describe('buffer pool', () => {
  test.each([true, false])('an MLP training run is bit for bit the same with and without recycling (setToNone %s)', (setToNone) => {
    setBufferPool(false);
    const plain = train(30, setToNone);
    setBufferPool(true);
    _setPoolPoison(true);
    const before = _poolStats();
    const pooled = train(30, setToNone);
    const after = _poolStats();
    expect(pooled).toEqual(plain);
    expect(pooled.some((b) => (b & 0x7f800000) === 0x7f800000)).toBe(false); // no NaN/Inf anywhere
    // Recycling actually happened, in both directions.
    expect(after.given - before.given).toBeGreaterThan(30);
    expect(after.taken - before.taken).toBeGreaterThan(30);
  });

  test("a leaf's private grad is accumulated into in place; one read through .grad is not", () => {
    const w = rnd([8, 16], 1);
    const x = rnd([4, 8], 2, false);
    x.matmul(w).sum().backward();
    const first = w._peekGrad() as Tensor;
    const once = arr(first);
    x.matmul(w).sum().backward();
    expect(w._peekGrad()).toBe(first); // same tensor, updated in place
    expect(arr(first)).toEqual(once.map((v) => Math.fround(v + v)));
    const held = w.grad as Tensor; // the user now holds it
    const heldValues = arr(held);
    x.matmul(w).sum().backward();
    expect(w._peekGrad()).not.toBe(held);
    expect(arr(held)).toEqual(heldValues); // untouched
    expect(arr(w.grad as Tensor)).toEqual(once.map((v) => Math.fround(Math.fround(v + v) + v)));
  });

  test('a .grad the user assigned is never written in place nor recycled', () => {
    const w = rnd([8, 16], 3);
    const mine = rnd([8, 16], 4, false);
    const mineValues = arr(mine);
    w.grad = mine;
    w.mul(2).sum().backward();
    expect(arr(mine)).toEqual(mineValues);
    expect(arr(w.grad as Tensor)).toEqual(mineValues.map((v) => Math.fround(v + 2)));
    w._releaseGrad(); // the engine's sum is private: recycled
    w.grad = mine;
    w._releaseGrad(); // assigned by the user: not
    expect(_inPool(mine._storage.data)).toBe(false);
    expect(arr(mine)).toEqual(mineValues);
  });

  test('releasing a grad that was read through the getter does not recycle it', () => {
    const w = rnd([8, 16], 5);
    w.mul(3).sum().backward();
    const g = w.grad as Tensor;
    w._releaseGrad();
    expect(w.grad).toBeNull();
    expect(_inPool(g._storage.data)).toBe(false);
    expect(arr(g).every((v) => v === 3)).toBe(true);
  });

  test('grad() outputs are never recycled, for leaf and non-leaf inputs', () => {
    const x = rnd([64], 6);
    const h = x.mul(2);
    const y = h.mul(h).sum();
    const [gx, gh] = grad(y, [x, h], { retainGraph: true });
    const gxValues = arr(gx as Tensor), ghValues = arr(gh as Tensor);
    for (let i = 0; i < 5; i++) grad(y, [x], { retainGraph: true });
    y.backward();
    expect(_inPool((gx as Tensor)._storage.data)).toBe(false);
    expect(_inPool((gh as Tensor)._storage.data)).toBe(false);
    expect(arr(gx as Tensor)).toEqual(gxValues);
    expect(arr(gh as Tensor)).toEqual(ghValues);
    expect(gxValues.every((v, i) => Math.abs(v - 8 * arr(x)[i]) < 1e-5)).toBe(true);
  });

  test('retainGraph: a second backward through the same graph gives the same gradients', () => {
    const w = rnd([16, 8], 7);
    const x = rnd([8, 16], 8, false);
    const loss = x.matmul(w).relu().matmul(w.t()).pow(2).sum();
    loss.backward(null, { retainGraph: true });
    const once = arr(w.grad as Tensor);
    w.grad = null;
    loss.backward();
    expect(arr((w as Tensor).grad as Tensor)).toEqual(once);
  });

  test('createGraph recycles nothing, and second derivatives stay correct', () => {
    const x = rnd([64], 9);
    const before = given();
    const [g1] = grad(x.pow(3).sum(), [x], { createGraph: true });
    expect(given()).toBe(before);
    const [g2] = grad((g1 as Tensor).sum(), [x]);
    const xs = arr(x);
    arr(g2 as Tensor).forEach((v, i) => expect(v).toBeCloseTo(6 * xs[i], 4));
    const mid = given();
    x.pow(3).sum().backward(null, { createGraph: true });
    expect(x.grad!.requiresGrad).toBe(true);
    x.pow(3).sum().backward(null, { createGraph: true });
    expect(given()).toBe(mid);
    arr(x.grad as Tensor).forEach((v, i) => expect(v).toBeCloseTo(6 * xs[i] * xs[i], 4));
  });

  test("retainGrad: a non-leaf's retained grad is not recycled", () => {
    const w = rnd([8, 16], 10);
    const x = rnd([4, 8], 11, false);
    const h = x.matmul(w).retainGrad();
    h.relu().mul(h).sum().backward();
    const hg = h.grad as Tensor;
    const values = arr(hg);
    for (let i = 0; i < 3; i++) x.matmul(w).relu().mul(2).sum().backward();
    expect(_inPool(hg._storage.data)).toBe(false);
    expect(arr(hg)).toEqual(values);
  });

  test("the caller's gradient passed to backward() is not recycled, even through views", () => {
    const x = rnd([8, 8], 12);
    const gOut = rnd([64], 13, false);
    const values = arr(gOut);
    x.reshape([64]).backward(gOut);
    expect(_inPool(gOut._storage.data)).toBe(false);
    expect(arr(gOut)).toEqual(values);
    expect(x.grad!._storage).not.toBe(gOut._storage); // a copy: an optimizer may write into .grad
    x.reshape([64]).mul(1).backward(gOut);
    expect(arr(gOut)).toEqual(values);
    expect(arr(x.grad as Tensor)).toEqual(values.map((v) => Math.fround(v + v)));
  });

  test('what a defineFunction backward receives or returns may be kept by it, so it is never recycled', () => {
    const kept: Tensor[] = [];
    const double = defineFunction('double', {
      forward: (_ctx, x) => x.mul(2),
      backward: (_ctx, g) => {
        const r = g.mul(2);
        kept.push(g, r);
        return [r];
      },
    });
    const x = rnd([64], 14);
    for (let i = 0; i < 3; i++) double(x.mul(3)).mul(x).sum().backward();
    const snapshot = kept.map(arr);
    for (let i = 0; i < 3; i++) x.mul(5).mul(x).sum().backward();
    kept.forEach((t, i) => {
      expect(_inPool(t._storage.data)).toBe(false);
      expect(arr(t)).toEqual(snapshot[i]);
    });
  });

  test("add's VJP hands one gradient to two leaves: each gets its own correct grad", () => {
    const a = rnd([64], 15), b = rnd([64], 16);
    for (let i = 0; i < 3; i++) {
      a._releaseGrad();
      b._releaseGrad();
      a.add(b).mul(tensor(3, { dtype: 'float32' })).sum().backward();
      expect(a._peekGrad()!._storage).not.toBe(b._peekGrad()!._storage);
      expect(arr(a._peekGrad() as Tensor).every((v) => v === 3)).toBe(true);
      expect(arr(b._peekGrad() as Tensor).every((v) => v === 3)).toBe(true);
    }
  });

  test('forward values held by the user are never recycled by backward', () => {
    const w = rnd([16, 8], 17);
    const x = rnd([8, 16], 18, false);
    const h = x.matmul(w);
    const r = h.relu();
    const values = [arr(h), arr(r)];
    r.mul(r).sum().backward();
    for (let i = 0; i < 3; i++) x.matmul(w).relu().sum().backward();
    expect(arr(h)).toEqual(values[0]);
    expect(arr(r)).toEqual(values[1]);
  });

  test('a large gradient buffer is not recycled while a small view of it is still pending', () => {
    // An op whose VJP wraps part of its incoming (engine-born, 64-element) gradient as a new 8-element
    // array over the same buffer: small arrays are not counted, so the engine must look for them.
    const b = rnd([8], 19);
    const viewOp = (x: Tensor): Tensor => {
      const out = Tensor._fromData(new Float32Array(64).fill(1), [64], 'float32');
      return record('viewOp', [x], out, (g) => [Tensor._fromData((g._contigData() as Float32Array).subarray(0, 8), [8], 'float32')]);
    };
    const scale = tensor(Array.from({ length: 64 }, (_, i) => i), { dtype: 'float32' });
    viewOp(b).mul(scale).sum().backward();
    expect(arr(b._peekGrad() as Tensor)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test('setBufferPool checks its argument', () => {
    expect(() => setBufferPool('yes' as unknown as boolean)).toThrow('setBufferPool: expected a boolean, got string');
  });
});

describe('VJPs that keep their gradient for a later node (unbind, sharedLinear: the recurrent layers)', () => {
  // Poisoned pool vs no pool: a stashed gradient that was recycled would come back as NaN or as another
  // gradient's values. Sizes are large enough (>= 64 elements per gradient) to be pooled.
  const run = (f: () => Tensor[]): number[][] => {
    const on = f().map(bits);
    setBufferPool(false);
    try {
      expect(on).toEqual(f().map(bits));
    } finally {
      setBufferPool(true);
    }
    return on;
  };

  it('unbind: the slices\' gradients survive until the token stacks them', () => {
    run(() => {
      const x = rnd([3, 128], 21);
      const [a, b, c] = core.unbind(x, 0);
      a.mul(b).add(c.exp()).mul(rnd([128], 22, false)).sum().backward();
      return [x.grad!];
    });
  });

  it('sharedLinear: every use\'s gradient survives until the weight\'s node', () => {
    run(() => {
      const w = rnd([64, 64], 23), b = rnd([64], 24);
      const f = core.sharedLinear(w, b);
      let h = rnd([4, 64], 25, false);
      for (let t = 0; t < 5; t++) h = f(h).tanh();
      h.sum().backward();
      return [w.grad!, b.grad!];
    });
  });
});
