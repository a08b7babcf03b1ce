/**
 * The LSTM training-step row (issue 13) for the tapegrad and TensorFlow.js columns: an LSTM over a
 * [seq, batch, input] sequence, Linear to the classes on the last step's output, cross-entropy, one SGD
 * step. bench/torch.py's lstm_step_row is the PyTorch twin (nn.LSTM + nn.Linear + SGD).
 */
import { Generator, randint, randn, type Tensor } from '@tapegrad/core';
import { F, Linear, LSTM } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import type { BenchConfig } from './config';
import { timeIt } from './timing';
import { EAGER, type StepMode } from './compiled';

type Tf = typeof import('@tensorflow/tfjs-core');

/** ms per step with @tapegrad/nn's LSTM (the code a user would write), eager or compiled (`mode`). */
export function tapegradLstmStep(cfg: BenchConfig, mode: StepMode = EAGER): number {
  const { input, hidden, seq, batch, classes, lr } = cfg.lstm;
  const g = new Generator(5);
  const lstm = new LSTM(input, hidden, { generator: g }), fc = new Linear(hidden, classes, { generator: g });
  const opt = new SGD([...lstm.parameters(), ...fc.parameters()], { lr });
  const x = randn([seq, batch, input], { generator: g });
  const y = randint(0, classes, [batch], { generator: g });
  // The batch goes in as arguments: a compiled step re-checks crossEntropy's targets on every replay.
  const step = mode.wrap('LSTM step', (xb: Tensor, yb: Tensor) => {
    opt.zeroGrad();
    const [out] = lstm.call(xb);
    const loss = F.crossEntropy(fc.call(out.select(0, seq - 1)), yb);
    loss.backward();
    opt.step();
    return loss;
  }, [lstm, fc]);
  const t = timeIt(() => step(x, y), cfg.stepTiming);
  step.verify();
  return t.seconds * 1e3;
}

/**
 * ms per step with tfjs's own LSTM cell (`tf.basicLSTMCell`, one matmul of [x_t, h] by the [in + H, 4H]
 * kernel per step), `tf.unstack` over time and `optimizer.minimize`.
 */
export function tfjsLstmStep(tf: Tf, cfg: BenchConfig): number {
  const { input, hidden, seq, batch, classes, lr } = cfg.lstm;
  const u = (shape: number[], bound: number, s: number) => tf.tidy(() => tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', s)));
  const k = 1 / Math.sqrt(hidden);
  const kernel = u([input + hidden, 4 * hidden], k, 11), bias = u([4 * hidden], k, 12);
  const wFc = u([hidden, classes], k, 13), bFc = u([classes], k, 14);
  const vars = [kernel, bias, wFc, bFc];
  const x = tf.randomNormal([seq, batch, input], 0, 1, 'float32', 15);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32', 16), classes));
  const opt = tf.train.sgd(lr);
  const t = timeIt(() => {
    tf.tidy(() => {
      opt.minimize(() => {
        let c: import('@tensorflow/tfjs-core').Tensor2D = tf.zeros([batch, hidden]);
        let h: import('@tensorflow/tfjs-core').Tensor2D = tf.zeros([batch, hidden]);
        for (const xt of tf.unstack(x) as import('@tensorflow/tfjs-core').Tensor2D[]) [c, h] = tf.basicLSTMCell(0, kernel as import('@tensorflow/tfjs-core').Tensor2D, bias as import('@tensorflow/tfjs-core').Tensor1D, xt, c, h);
        return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h, wFc), bFc)) as import('@tensorflow/tfjs-core').Scalar;
      }, false, vars);
    });
  }, cfg.stepTiming);
  tf.dispose([x, y, ...vars]);
  opt.dispose();
  return t.seconds * 1e3;
}
