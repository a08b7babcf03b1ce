/**
 * The engine recycles the gradients of nn's own fused ops (scaledMaskedSoftmax, splitHeads / mergeHeads,
 * mseLoss: defineOp, not defineFunction) once consumed, as it does a built-in op's. A Transformer layer's
 * training run with the pool poisoned (arrays filled with NaN as they enter it) must equal the run
 * without a pool bit for bit, and those ops' gradients must actually come back to the pool.
 */
import { Generator, randn, setBufferPool } from '@tapegrad/core';
import { MultiheadAttention } from '@tapegrad/nn';
import { transformerTrainingRun } from './helpers';
import { _poolStats, _setPoolPoison, clearPool } from '../../core/src/pool';

afterAll(() => {
  _setPoolPoison(false);
  setBufferPool(true);
});

const run = (): number[] => transformerTrainingRun({ seed: 11, dModel: 16, nhead: 4, dimFeedforward: 32, batch: 3, seq: 8, steps: 6 });

test('recycling the fused attention ops\' gradients changes no bit of a Transformer layer\'s training run', () => {
  setBufferPool(false);
  const plain = run();
  setBufferPool(true);
  clearPool();
  _setPoolPoison(true);
  const pooled = run();
  _setPoolPoison(false);
  expect(pooled).toEqual(plain);
  expect(pooled.every((v) => Number.isFinite(v))).toBe(true);
});

test('the gradients of splitHeads, mergeHeads and the attention softmax go back to the pool once consumed', () => {
  // MultiheadAttention's batched path: [N·H, L, L] scores of 2·4·32·32 floats, head tensors of 2·32·32.
  const g = new Generator(5);
  const mha = new MultiheadAttention(32, 4, { batchFirst: true, generator: g });
  const q = randn([2, 32, 32], { generator: g, requiresGrad: true });
  const [out] = mha.call(q, q, q, { needWeights: false });
  clearPool();
  const before = _poolStats();
  out.sum().backward();
  const given = _poolStats().given - before.given;
  // Counted on this graph: 15 arrays came back while those three ops pinned their gradients
  // (defineFunction), 25 with them recycled.
  expect(given).toBeGreaterThanOrEqual(25);
});
