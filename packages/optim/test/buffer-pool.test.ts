/**
 * The optimizers with the engine's buffer recycling (issue 15): zeroGrad returns engine-private grads to
 * the pool, the step reads grads without exposing them. A training run with the pool poisoned (arrays
 * filled with NaN as they enter it) must equal the run without a pool bit for bit.
 */
import { Generator, Tensor, linear, randn, randint, setBufferPool, zeros } from '@tapegrad/core';
import { Adam, SGD, type Optimizer } from '@tapegrad/optim';
import { _poolStats, _setPoolPoison, clearPool } from '../../core/src/pool';

afterAll(() => {
  _setPoolPoison(false);
  setBufferPool(true);
});

function run(make: (ps: Tensor[]) => Optimizer, setToNone: boolean): number[] {
  const g = new Generator(3);
  const w1 = randn([32, 48], { generator: g, dtype: 'float32' }).mul(0.1).requiresGrad_();
  const b1 = zeros([32], { dtype: 'float32', requiresGrad: true });
  const w2 = randn([10, 32], { generator: g, dtype: 'float32' }).mul(0.1).requiresGrad_();
  const b2 = zeros([10], { dtype: 'float32', requiresGrad: true });
  const x = randn([16, 48], { generator: g, dtype: 'float32' });
  const y = randint(0, 10, [16], { generator: g, dtype: 'int32' });
  const params = [w1, b1, w2, b2];
  const opt = make(params);
  const out: number[] = [];
  for (let s = 0; s < 25; s++) {
    opt.zeroGrad({ setToNone });
    const logp = linear(linear(x, w1, b1).relu(), w2, b2).logSoftmax(1);
    const loss = logp.gather(1, y.reshape([16, 1])).mean().neg();
    loss.backward();
    opt.step();
    out.push(loss.item());
  }
  for (const p of params) out.push(...Array.from(new Uint32Array(Float32Array.from(p._contigData()).buffer)));
  return out;
}

describe.each([
  ['SGD with momentum', (ps: Tensor[]) => new SGD(ps, { lr: 0.1, momentum: 0.9 })],
  ['Adam', (ps: Tensor[]) => new Adam(ps, { lr: 0.01 })],
])('%s', (_name, make) => {
  test.each([true, false])('recycling changes no bit of a training run (setToNone %s)', (setToNone) => {
    setBufferPool(false);
    const plain = run(make, setToNone);
    setBufferPool(true);
    clearPool();
    _setPoolPoison(true);
    const before = _poolStats();
    const pooled = run(make, setToNone);
    _setPoolPoison(false);
    expect(pooled).toEqual(plain);
    expect(pooled.every((v) => Number.isFinite(v))).toBe(true);
    expect(_poolStats().taken - before.taken).toBeGreaterThan(25);
  });
});

test('zeroGrad does not recycle a grad the user read', () => {
  setBufferPool(true);
  _setPoolPoison(true);
  const w = randn([8, 16], { generator: new Generator(1), dtype: 'float32', requiresGrad: true });
  const opt = new SGD([w], { lr: 0.1 });
  w.mul(2).sum().backward();
  const held = w.grad as Tensor;
  opt.zeroGrad();
  w.mul(3).sum().backward();
  expect(Array.from(held._contigData()).every((v) => v === 2)).toBe(true);
  _setPoolPoison(false);
});
