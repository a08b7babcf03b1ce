/**
 * Fresh arrays for outputs the kernels overwrite (allocateUninit on a pool miss) come, under Node and from
 * 16 KB up, from Buffer.allocUnsafeSlow: uninitialised memory. A kernel that read its output before writing
 * it would then give garbage. Poison mode fills those fresh arrays with NaN; a Transformer layer's and an
 * MLP's training runs at sizes above the threshold, poisoned, must equal runs on zeroed fresh arrays bit
 * for bit.
 */
import { Generator, randn, randint, setBufferPool, type Tensor } from '@tapegrad/core';
import { F, Linear, ReLU, Sequential } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import { _setPoolPoison, clearPool } from '../../core/src/pool';
import { _setUnsafeFresh, allocateUninit } from '../../core/src/dtype';
import { float32Bits, transformerTrainingRun } from './helpers';

afterEach(() => {
  _setPoolPoison(false);
  _setUnsafeFresh(true);
  setBufferPool(true);
});

// [4, 32, 64] activations: 32 KB each, above the 16 KB threshold; the feed-forward ones 128 KB.
const transformerRun = (): number[] => transformerTrainingRun({ seed: 3, dModel: 64, nhead: 4, dimFeedforward: 256, batch: 4, seq: 32, steps: 3 });

function mlpRun(): number[] {
  const g = new Generator(4);
  const model = new Sequential(new Linear(784, 128, { generator: g }), new ReLU(), new Linear(128, 10, { generator: g }));
  const opt = new SGD([...model.parameters()], { lr: 0.05, momentum: 0.9 });
  const x = randn([64, 784], { generator: g });
  const y = randint(0, 10, [64], { generator: g, dtype: 'int32' });
  const out: number[] = [];
  for (let s = 0; s < 3; s++) {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.call(x) as Tensor, y);
    loss.backward();
    opt.step();
    out.push(loss.item());
  }
  for (const p of model.parameters()) out.push(...float32Bits(p));
  return out;
}

test('poison mode fills a fresh uninitialised array with NaN (float32 and float64)', () => {
  setBufferPool(false); // every allocation fresh
  _setPoolPoison(true);
  for (const dtype of ['float32', 'float64'] as const) {
    const a = allocateUninit(dtype, 8192);
    expect(a.length).toBe(8192);
    expect(a.every((v) => Number.isNaN(v))).toBe(true);
  }
});

test.each([['Transformer encoder layer', transformerRun], ['784-128-10 MLP', mlpRun]])(
  'a %s training run on poisoned uninitialised fresh arrays equals the run on zeroed ones, bit for bit',
  (_name, run) => {
    setBufferPool(false);
    _setUnsafeFresh(false);
    const zeroed = run();
    _setUnsafeFresh(true);
    _setPoolPoison(true);
    const poisoned = run();
    _setPoolPoison(false);
    expect(poisoned.every((v) => Number.isFinite(v))).toBe(true);
    expect(poisoned).toEqual(zeroed);
    // With the pool on too (recycled and fresh arrays both poisoned).
    setBufferPool(true);
    clearPool();
    _setPoolPoison(true);
    expect(run()).toEqual(zeroed);
  },
);
