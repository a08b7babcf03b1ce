/**
 * The Transformer encoder layer row (transformer_step) for the TensorFlow.js columns: the layer of
 * nn.TransformerEncoderLayer(dModel, nhead, { dimFeedforward, dropout: 0, batchFirst: true }) written
 * with tfjs ops as a tfjs user would (tfjs has no attention layer in tfjs-core): one packed q/k/v
 * matMul, heads by reshape/transpose, batched matMul with the transpose flag, tf.softmax, LayerNorm from
 * tf.moments, post-norm residuals, MSE loss, `optimizer.minimize` with SGD.
 */
import type { BenchConfig } from './config';
import { timeIt } from './timing';

type Tf = typeof import('@tensorflow/tfjs-core');
type TfTensor = import('@tensorflow/tfjs-core').Tensor;
type TfVariable = import('@tensorflow/tfjs-core').Variable;

export function transformerStepTfjs(tf: Tf, cfg: BenchConfig): number {
  const { dModel: E, nhead: H, seq: L, batch: B, dimFeedforward: Fd, lr } = cfg.transformer;
  const D = E / H;
  let seed = 20;
  const u = (shape: number[], fanIn: number): TfVariable => {
    const bound = 1 / Math.sqrt(fanIn);
    return tf.tidy(() => tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed++)));
  };
  const c = (shape: number[], v: number): TfVariable => tf.variable(tf.fill(shape, v));
  const wqkv = u([E, 3 * E], E), bqkv = c([3 * E], 0), wo = u([E, E], E), bo = c([E], 0);
  const w1 = u([E, Fd], E), b1 = u([Fd], E), w2 = u([Fd, E], Fd), b2 = u([E], Fd);
  const g1 = c([E], 1), be1 = c([E], 0), g2 = c([E], 1), be2 = c([E], 0);
  const vars = [wqkv, bqkv, wo, bo, w1, b1, w2, b2, g1, be1, g2, be2];
  const layerNorm = (x: TfTensor, g: TfTensor, b: TfTensor): TfTensor => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
  };
  const forward = (x: TfTensor): TfTensor => {
    const heads = (t: TfTensor): TfTensor => tf.reshape(tf.transpose(tf.reshape(t, [B, L, H, D]), [0, 2, 1, 3]), [B * H, L, D]);
    const [q, k, v] = tf.split(tf.add(tf.matMul(x, wqkv), bqkv), 3, 1).map(heads);
    const w = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D)));
    const o = tf.reshape(tf.transpose(tf.reshape(tf.matMul(w, v), [B, H, L, D]), [0, 2, 1, 3]), [B * L, E]);
    const h = layerNorm(tf.add(x, tf.add(tf.matMul(o, wo), bo)), g1, be1);
    const ff = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(h, w1), b1)), w2), b2);
    return layerNorm(tf.add(h, ff), g2, be2);
  };
  const x = tf.randomNormal([B * L, E], 0, 1, 'float32', 5);
  const target = tf.randomNormal([B * L, E], 0, 1, 'float32', 6);
  const opt = tf.train.sgd(lr);
  const t = timeIt(() => {
    tf.tidy(() => {
      opt.minimize(() => tf.losses.meanSquaredError(target, forward(x)) as import('@tensorflow/tfjs-core').Scalar, false, vars);
    });
  }, cfg.transformerTiming);
  tf.dispose([x, target, ...vars]);
  opt.dispose();
  return t.seconds * 1e3;
}
