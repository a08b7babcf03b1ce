/**
 * The engine recycles the gradients of nn's own fused ops (scaledMaskedSoftmax, splitHeads / mergeHeads,
 * mseLoss: defineOp, not defineFunction) once consumed, as it does a built-in op's. A Transformer layer's
 * training run with the pool poisoned (arrays filled with NaN as they enter it) must equal the run
 * without a pool bit for bit, and those ops' gradients must actually come back to the pool.
 */
import { Generator, randn, setBufferPool, type Tensor } from '@tapegrad/core';
import { F, TransformerEncoderLayer, MultiheadAttention } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import { _poolStats, _setPoolPoison, clearPool } from '../../core/src/pool';

afterAll(() => {
  _setPoolPoison(false);
  setBufferPool(true);
});

function bits(t: Tensor): number[] {
  return Array.from(new Uint32Array(Float32Array.from(t._contigData()).buffer));
}

function run(): number[] {
  const g = new Generator(11);
  const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0, batchFirst: true, generator: g });
  const opt = new SGD([...layer.parameters()], { lr: 0.05, momentum: 0.9 });
  const x = randn([3, 8, 16], { generator: g });
  const target = randn([3, 8, 16], { generator: g });
  const out: number[] = [];
  for (let s = 0; s < 6; s++) {
    opt.zeroGrad();
    const loss = F.mseLoss(layer.call(x), target);
    loss.backward();
    opt.step();
    out.push(loss.item());
  }
  for (const p of layer.parameters()) out.push(...bits(p));
  return out;
}

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
