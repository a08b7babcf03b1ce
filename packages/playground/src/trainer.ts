/**
 * One training run: data, model, optimizer and the loop that takes mini-batch steps and records the loss
 * once per epoch. No DOM here, so the same code runs in the page and in Node tests.
 */
import { Generator, noGrad, tensor, type Tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import type * as optim from '@tapegrad/optim';
import type { PlaygroundConfig } from './config';
import { makeSplit, type SplitData } from './datasets';
import { buildMlp, buildOptimizer } from './model';

/** Loss and accuracy on the training and test points, measured together after an epoch. */
export interface Metrics {
  /** Completed epochs (passes over the training points). */
  epoch: number;
  /** Optimizer steps taken. */
  step: number;
  trainLoss: number;
  testLoss: number;
  /** Fraction of training points classified correctly, in [0, 1]. */
  trainAccuracy: number;
  testAccuracy: number;
}

/** Losses after one epoch, as plotted by the loss chart. */
export interface HistoryPoint {
  epoch: number;
  trainLoss: number;
  testLoss: number;
}

/** Class probabilities of a `cols` x `rows` grid over the view, row 0 at the top (largest y). */
export interface GridPrediction {
  cols: number;
  rows: number;
  numClasses: number;
  /** probs[(r * cols + c) * numClasses + k] = P(class k) at cell (r, c). */
  probs: Float32Array;
}

/**
 * Trains a fresh MLP on a fresh split of the configured data set.
 * @example
 * const t = new Trainer(resolveConfig({ dataset: 'circles' }));
 * t.trainSteps(500);
 * t.metrics.testAccuracy; // about 0.99
 */
export class Trainer {
  readonly data: SplitData;
  readonly model: nn.Sequential;
  readonly optimizer: optim.Optimizer;
  /** One point per completed epoch, after a first one for the untrained network (epoch 0). */
  readonly history: HistoryPoint[] = [];
  /** Metrics after the last completed epoch (epoch 0: the untrained network). */
  metrics: Metrics;
  /** True once a loss became NaN or infinite (learning rate too high); further steps are refused. */
  diverged = false;

  private readonly batchGenerator: Generator;
  private order: Int32Array;
  private cursor = 0;
  private stepsTaken = 0;

  constructor(readonly config: Readonly<PlaygroundConfig>) {
    this.data = makeSplit(config);
    this.model = buildMlp(config.hidden, config.activation, this.data.numClasses, config.seed + 2);
    this.optimizer = buildOptimizer(this.model, config.optimizer, config.lr);
    // Its own generator so the batch order does not depend on anything else drawing random numbers.
    this.batchGenerator = new Generator(config.seed + 1);
    this.order = this.shuffled();
    this.metrics = this.evaluate(0);
    // The curve starts at the untrained network's loss (about ln 2 for two classes).
    this.history.push({ epoch: 0, trainLoss: this.metrics.trainLoss, testLoss: this.metrics.testLoss });
  }

  /** Optimizer steps taken so far (metrics.step lags behind until the epoch ends). */
  get steps(): number {
    return this.stepsTaken;
  }

  /** Training points per step (the whole training set in full-batch mode). */
  get batchSize(): number {
    const n = this.data.xTrain.shape[0];
    return this.config.batchSize === 0 ? n : Math.min(this.config.batchSize, n);
  }

  /**
   * Takes `steps` optimizer steps (mini-batches in a reshuffled order each epoch; a last short batch of an
   * epoch is used, as PyTorch's DataLoader with drop_last=false). Stops early if the loss diverges.
   * Returns the number of steps taken.
   */
  trainSteps(steps: number): number {
    if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`Trainer.trainSteps: steps must be a non-negative integer, got ${steps}`);
    const { xTrain, yTrain } = this.data;
    const n = xTrain.shape[0];
    const size = this.batchSize;
    let taken = 0;
    while (taken < steps && !this.diverged) {
      const end = Math.min(this.cursor + size, n);
      let xb: Tensor = xTrain, yb: Tensor = yTrain;
      if (size < n) {
        const idx = tensor(this.order.slice(this.cursor, end), { dtype: 'int32' });
        xb = xTrain.indexSelect(0, idx);
        yb = yTrain.indexSelect(0, idx);
      }
      this.optimizer.zeroGrad();
      const loss = nn.functional.crossEntropy(this.model.forward(xb), yb);
      loss.backward();
      this.optimizer.step();
      this.stepsTaken++;
      taken++;
      this.cursor = end;
      if (!Number.isFinite(loss.item())) this.diverged = true;
      if (this.cursor >= n) {
        this.cursor = 0;
        this.order = this.shuffled();
        this.metrics = this.evaluate(this.metrics.epoch + 1);
        this.history.push({ epoch: this.metrics.epoch, trainLoss: this.metrics.trainLoss, testLoss: this.metrics.testLoss });
        if (!Number.isFinite(this.metrics.trainLoss)) this.diverged = true;
      }
    }
    return taken;
  }

  /** Class probabilities over a grid covering the data's view square (for the decision-region canvas). */
  predictGrid(cols: number, rows: number): GridPrediction {
    const { center, extent, numClasses } = this.data;
    const xy = new Float32Array(cols * rows * 2);
    for (let r = 0; r < rows; r++) {
      const y = center[1] + extent - ((r + 0.5) / rows) * 2 * extent;
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        xy[2 * i] = center[0] - extent + ((c + 0.5) / cols) * 2 * extent;
        xy[2 * i + 1] = y;
      }
    }
    const probs = noGrad(() => this.model.forward(tensor(xy).reshape([cols * rows, 2])).softmax(1).dataSync());
    return { cols, rows, numClasses, probs: Float32Array.from(probs) };
  }

  private shuffled(): Int32Array {
    const n = this.data.xTrain.shape[0];
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.batchGenerator.random() * (i + 1));
      const t = a[i]; a[i] = a[j]; a[j] = t;
    }
    return a;
  }

  private evaluate(epoch: number): Metrics {
    const { xTrain, yTrain, xTest, yTest } = this.data;
    const measure = (x: Tensor, y: Tensor): [number, number] => {
      const logits = this.model.forward(x);
      const loss = nn.functional.crossEntropy(logits, y).item();
      const correct = logits.argmax(1).eq(y).sum().item();
      return [loss, correct / y.shape[0]];
    };
    return noGrad(() => {
      const [trainLoss, trainAccuracy] = measure(xTrain, yTrain);
      const [testLoss, testAccuracy] = measure(xTest, yTest);
      return { epoch, step: this.stepsTaken, trainLoss, testLoss, trainAccuracy, testAccuracy };
    });
  }
}
