/**
 * Evaluation pass shared by `train` (each epoch and at the end) and `eval`: loss, accuracy and the
 * predicted classes of a whole split, in eval mode without recording the tape.
 */
import { noGrad } from '@tapegrad/core';
import { F, type Sequential } from '@tapegrad/nn';
import type { Split } from './datasets';

export interface Evaluation {
  /** Mean cross-entropy over the split. */
  loss: number;
  /** Fraction correct, in [0, 1]. */
  accuracy: number;
  correct: number;
  total: number;
  /** Predicted class per example (argmax of the logits). */
  predictions: Int32Array;
}

/**
 * Batch size of evaluation passes. `train` and `eval` use the same one, so the checkpoint's recorded test
 * accuracy is reproduced bit for bit (the same rows meet the same matrix products).
 */
export const EVAL_BATCH_SIZE = 500;

/**
 * model.eval() and noGrad, then per batch: output = model.forward(x); loss summed; argmax(1).eq(target).
 * Restores the module's previous train/eval mode.
 *
 * @example
 * const { accuracy } = evaluate(model, { x: test.images, y: test.labels });
 */
export function evaluate(model: Sequential, split: Split, batchSize = EVAL_BATCH_SIZE): Evaluation {
  const wasTraining = model.training;
  model.eval();
  const n = split.x.shape[0];
  const predictions = new Int32Array(n);
  let lossSum = 0;
  let correct = 0;
  try {
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        const len = Math.min(batchSize, n - start);
        const x = split.x.narrow(0, start, len);
        const target = split.y.narrow(0, start, len);
        const output = model.forward(x);
        lossSum += F.crossEntropy(output, target, { reduction: 'sum' }).item();
        const pred = output.argmax(1);
        correct += pred.eq(target).sum().item();
        predictions.set(pred.dataSync() as Int32Array, start);
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return { loss: n > 0 ? lossSum / n : NaN, accuracy: n > 0 ? correct / n : NaN, correct, total: n, predictions };
}
