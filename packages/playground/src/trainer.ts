/**
 * One training run: data, model, optimizer and the loop that takes mini-batch steps and records the loss
 * once per epoch. No DOM here, so the same code runs in the page and in Node tests.
 */
import { Generator, compile, noGrad, tensor, type Device, type Tensor } from '@tapegrad/core';
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
  /** webgpu: the data on the device, the compiled step, and what is still to be read back. */
  private readonly gpu: { xTrain: Tensor; yTrain: Tensor; xTest: Tensor; yTest: Tensor; step: (x: Tensor, y: Tensor) => Tensor } | null = null;
  private grid: { cols: number; rows: number; xy: Tensor } | null = null;
  private pending: { evals: { epoch: number; step: number; values: Tensor[] }[]; losses: Tensor[] } = { evals: [], losses: [] };

  /**
   * `device` 'webgpu' (after `await webgpu.init()`) trains on the GPU through a compiled step; metrics and
   * predictions are then read asynchronously: call {@link settle} after {@link trainSteps}.
   */
  constructor(readonly config: Readonly<PlaygroundConfig>, readonly device: Device = 'cpu') {
    this.data = makeSplit(config);
    this.model = buildMlp(config.hidden, config.activation, this.data.numClasses, config.seed + 2);
    if (device === 'webgpu') this.model.to('webgpu');
    this.optimizer = buildOptimizer(this.model, config.optimizer, config.lr);
    // Its own generator so the batch order does not depend on anything else drawing random numbers.
    this.batchGenerator = new Generator(config.seed + 1);
    this.order = this.shuffled();
    if (device === 'webgpu') {
      const { xTrain, yTrain, xTest, yTest } = this.data;
      const step = compile((xb: Tensor, yb: Tensor): Tensor => {
        this.optimizer.zeroGrad();
        const loss = nn.functional.crossEntropy(this.model.forward(xb), yb);
        loss.backward();
        this.optimizer.step();
        return loss.detach();
      });
      this.gpu = { xTrain: xTrain.to('webgpu'), yTrain: yTrain.to('webgpu'), xTest: xTest.to('webgpu'), yTest: yTest.to('webgpu'), step };
      this.metrics = { epoch: 0, step: 0, trainLoss: NaN, testLoss: NaN, trainAccuracy: 0, testAccuracy: 0 };
      this.queueEvaluation(0); // read by settle()
      return;
    }
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
      if (this.gpu !== null) {
        // the batch is gathered on the host and uploaded; the step enqueues its work and reads nothing
        this.pending.losses = [size < n ? this.gpu.step(xb.to('webgpu'), yb.to('webgpu')) : this.gpu.step(this.gpu.xTrain, this.gpu.yTrain)]; // a NaN stays: the last loss tells
      } else {
        this.optimizer.zeroGrad();
        const loss = nn.functional.crossEntropy(this.model.forward(xb), yb);
        loss.backward();
        this.optimizer.step();
        if (!Number.isFinite(loss.item())) this.diverged = true;
      }
      this.stepsTaken++;
      taken++;
      this.cursor = end;
      if (this.cursor >= n) {
        this.cursor = 0;
        this.order = this.shuffled();
        if (this.gpu !== null) {
          this.queueEvaluation(this.pending.evals.length ? this.pending.evals[this.pending.evals.length - 1].epoch + 1 : this.metrics.epoch + 1);
          continue;
        }
        this.metrics = this.evaluate(this.metrics.epoch + 1);
        this.history.push({ epoch: this.metrics.epoch, trainLoss: this.metrics.trainLoss, testLoss: this.metrics.testLoss });
        if (!Number.isFinite(this.metrics.trainLoss)) this.diverged = true;
      }
    }
    return taken;
  }

  /**
   * webgpu: reads back what the steps since the last call left on the device (the epochs' metrics, the
   * losses' finiteness) and updates `metrics`, `history` and `diverged`. On the cpu there is nothing to wait for.
   * @example
   * t.trainSteps(9);
   * await t.settle();
   * t.metrics.epoch; // 1
   */
  async settle(): Promise<void> {
    const { evals, losses } = this.pending;
    this.pending = { evals: [], losses: [] };
    for (const l of losses) if (!Number.isFinite(await l.itemAsync())) this.diverged = true;
    for (const e of evals) {
      const [trainLoss, trainCorrect, testLoss, testCorrect] = await Promise.all(e.values.map((v) => v.itemAsync()));
      this.metrics = {
        epoch: e.epoch, step: e.step, trainLoss, testLoss,
        trainAccuracy: trainCorrect / this.data.yTrain.shape[0], testAccuracy: testCorrect / this.data.yTest.shape[0],
      };
      this.history.push({ epoch: e.epoch, trainLoss, testLoss });
      if (!Number.isFinite(trainLoss)) this.diverged = true;
    }
  }

  /** {@link predictGrid} on either device (webgpu reads the probabilities back asynchronously). */
  async predictGridAsync(cols: number, rows: number): Promise<GridPrediction> {
    if (this.gpu === null) return this.predictGrid(cols, rows);
    if (this.grid === null || this.grid.cols !== cols || this.grid.rows !== rows) {
      this.grid = { cols, rows, xy: tensor(this.gridPoints(cols, rows)).reshape([cols * rows, 2]).to('webgpu') }; // uploaded once
    }
    const xy = this.grid.xy;
    const probs = await noGrad(() => this.model.forward(xy).softmax(1)).dataAsync();
    return { cols, rows, numClasses: this.data.numClasses, probs: Float32Array.from(probs) };
  }

  /** Class probabilities over a grid covering the data's view square (for the decision-region canvas). */
  predictGrid(cols: number, rows: number): GridPrediction {
    const { numClasses } = this.data;
    const xy = this.gridPoints(cols, rows);
    const probs = noGrad(() => this.model.forward(tensor(xy).reshape([cols * rows, 2])).softmax(1).dataSync());
    return { cols, rows, numClasses, probs: Float32Array.from(probs) };
  }

  /** The grid's cell centres, row 0 at the top. */
  private gridPoints(cols: number, rows: number): Float32Array {
    const { center, extent } = this.data;
    const xy = new Float32Array(cols * rows * 2);
    for (let r = 0; r < rows; r++) {
      const y = center[1] + extent - ((r + 0.5) / rows) * 2 * extent;
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        xy[2 * i] = center[0] - extent + ((c + 0.5) / cols) * 2 * extent;
        xy[2 * i + 1] = y;
      }
    }
    return xy;
  }

  /** webgpu: the losses and correct counts of an epoch's end, left on the device for settle(). */
  private queueEvaluation(epoch: number): void {
    const g = this.gpu as NonNullable<Trainer['gpu']>;
    const values = noGrad(() => [g.xTrain, g.yTrain, g.xTest, g.yTest].flatMap((_, i, a) => {
      if (i % 2) return [];
      const logits = this.model.forward(a[i]);
      return [nn.functional.crossEntropy(logits, a[i + 1]), logits.argmax(1).eq(a[i + 1]).sum()];
    }));
    this.pending.evals.push({ epoch, step: this.stepsTaken, values });
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
