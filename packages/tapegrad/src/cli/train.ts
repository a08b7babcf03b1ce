/**
 * `tapegrad train`: the training loop (written as the course's PyTorch loop), early stopping, and the run
 * folder (metrics.json, curves.svg, model.safetensors, boundary.svg).
 */
import * as fs from 'fs';
import * as nodePath from 'path';
import { cat, compile, Generator, manualSeed, noGrad, randperm, tensor, type Tensor } from '@tapegrad/core';
import { CrossEntropyLoss, type Sequential } from '@tapegrad/nn';
import { SGD, Adam, AdamW, RMSprop, Adagrad, StepLR, ExponentialLR, CosineAnnealingLR, type Optimizer } from '@tapegrad/optim';
// issue 14
import {
  Adadelta, Adamax, NAdam, RAdam, ASGD, Rprop, LBFGS, OneCycleLR, CyclicLR, CosineAnnealingWarmRestarts, PolynomialLR, ConstantLR,
  MultiplicativeLR, ChainedScheduler,
} from '@tapegrad/optim';
import { DataLoader, TensorDataset } from '@tapegrad/data';
import { save, writeFileAtomicSync } from '../io/checkpoint';
import { datasetLabel, type TrainArgs, type TrainConfig } from './args';
import { loadData, type LoadedData, type Split } from './datasets';
import { evaluate, EVAL_BATCH_SIZE } from './evaluate';
import { buildModel, cnnArchitecture, describeArchitecture, META_ARCHITECTURE, modelInput, parameterCount, type Architecture } from './model';
import { ProgressBar, type OutStream } from './progress';
import { confusionMatrix, cpuSecondsNow, estimateEnergy, formatConfusionMatrix, formatCount, formatSeconds, pct, type EnergyEstimate } from './report';
import { boundarySvg, curvesSvg, CurvePoint } from './svg';

/**
 * Metrics of one epoch, as written to metrics.json: the curves' figures (accuracies are fractions in
 * [0, 1]; valLoss/valAccuracy only with --early-stopping, from the held-out part of the training set), and:
 */
export interface EpochRecord extends CurvePoint {
  /** Learning rate used during the epoch. */
  lr: number;
  /** Seconds for the epoch: training pass plus evaluation. */
  seconds: number;
}

/** Training diverged (loss not finite); the message says where and suggests a smaller learning rate. */
export class DivergedError extends Error {
  constructor(readonly epoch: number, readonly batch: number, readonly lr: number) {
    super(`training diverged: the loss became NaN/Infinity at epoch ${epoch}, batch ${batch} (lr ${lr}); try a smaller --lr`);
    this.name = 'DivergedError';
  }
}

/** Where the training loop reports. All optional: a sweep passes nothing. */
export interface TrainHooks {
  /** Progress bars go here (one per epoch). */
  progress?: OutStream;
  /** Human-readable lines (epoch summaries, early-stopping notes). */
  log?: (line: string) => void;
}

export interface TrainResult {
  model: Sequential;
  architecture: Architecture;
  epochs: EpochRecord[];
  /** 1-based epoch whose weights the model holds (the last one, or the best one after early stopping). */
  keptEpoch: number;
  stoppedEarly: boolean;
  /** Final model on the test split. */
  test: { loss: number; accuracy: number; predictions: Int32Array };
  trainExamples: number;
  valExamples: number;
  /** Seconds spent in training passes (forward, backward, step), excluding evaluation. */
  trainSeconds: number;
  /** Training examples processed over all epochs. */
  examplesSeen: number;
}

/** The optimizer of `cfg` over `params` (PyTorch classes and option names). */
export function makeOptimizer(cfg: TrainConfig, params: Tensor[]): Optimizer {
  switch (cfg.optimizer) {
    case 'sgd':
    case 'momentum':
      return new SGD(params, { lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay });
    case 'adam': return new Adam(params, { lr: cfg.lr, weightDecay: cfg.weightDecay });
    case 'adamw': return new AdamW(params, { lr: cfg.lr, weightDecay: cfg.weightDecay });
    case 'rmsprop': return new RMSprop(params, { lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay });
    case 'adagrad': return new Adagrad(params, { lr: cfg.lr, weightDecay: cfg.weightDecay });
    // issue 14 (ASGD, Rprop and LBFGS have no weight decay in PyTorch except ASGD's)
    case 'adadelta': return new Adadelta(params, { lr: cfg.lr, weightDecay: cfg.weightDecay });
    case 'adamax': return new Adamax(params, { lr: cfg.lr, weightDecay: cfg.weightDecay });
    case 'nadam': return new NAdam(params, { lr: cfg.lr, weightDecay: cfg.weightDecay });
    case 'radam': return new RAdam(params, { lr: cfg.lr, weightDecay: cfg.weightDecay });
    case 'asgd': return new ASGD(params, { lr: cfg.lr, weightDecay: cfg.weightDecay });
    case 'rprop': return new Rprop(params, { lr: cfg.lr });
    case 'lbfgs': return new LBFGS(params, { lr: cfg.lr, lineSearchFn: 'strong_wolfe' });
  }
}

/** What the training loop needs of a schedule: one step per epoch. */
export interface EpochSchedule { step(): void }

/**
 * The per-epoch schedule: step = x0.1 every third of the run (at least every epoch), exponential = x0.9 per
 * epoch, cosine = CosineAnnealingLR down to 0 over all epochs; null for constant.
 */
export function makeScheduler(cfg: TrainConfig, opt: Optimizer): EpochSchedule | null {
  const fifth = Math.max(1, Math.floor(cfg.epochs / 5));
  // Cycle the momentum only where the optimizer has some (Adam-like betas, or a momentum > 0).
  const cycleMomentum = 'betas' in opt.defaults || ((opt.defaults as { momentum?: number }).momentum ?? 0) > 0;
  switch (cfg.schedule) {
    case 'constant': return null;
    case 'step': return new StepLR(opt, { stepSize: Math.max(1, Math.floor(cfg.epochs / 3)), gamma: 0.1 });
    case 'exponential': return new ExponentialLR(opt, { gamma: 0.9 });
    case 'cosine': return new CosineAnnealingLR(opt, { tMax: cfg.epochs });
    // issue 14 (stepped per epoch, like the others)
    case 'onecycle': return new OneCycleLR(opt, { maxLr: cfg.lr, totalSteps: cfg.epochs, cycleMomentum });
    case 'cyclic':
      return new CyclicLR(opt, {
        baseLr: cfg.lr / 10, maxLr: cfg.lr, stepSizeUp: Math.max(1, Math.floor(cfg.epochs / 6)), mode: 'triangular2',
        cycleMomentum: cycleMomentum && 'momentum' in opt.defaults,
      });
    case 'warm-restarts': return new CosineAnnealingWarmRestarts(opt, { t0: Math.max(1, Math.floor(cfg.epochs / 7)), tMult: 2 });
    case 'polynomial': return new PolynomialLR(opt, { totalIters: cfg.epochs, power: 2 });
    case 'warmup': return new ConstantLR(opt, { factor: 1 / 3, totalIters: fifth });
    case 'multiplicative': return new MultiplicativeLR(opt, { lrLambda: () => 0.95 });
    case 'warmup-exponential': return new ChainedScheduler([new ConstantLR(opt, { factor: 1 / 3, totalIters: fifth }), new ExponentialLR(opt, { gamma: 0.9 })]);
  }
}

/** Splits a held-out validation set off the training set (seeded, disjoint, in random order). */
function splitValidation(train: Split, fraction: number, seed: number): { train: Split; val: Split } {
  const n = train.x.shape[0];
  const nVal = Math.max(1, Math.round(fraction * n));
  if (nVal >= n) throw new Error(`--val-fraction ${fraction} leaves no training examples out of ${n}`);
  // A generator of its own, so that early stopping does not change the weights' or the shuffling's seed.
  const perm = randperm(n, { generator: new Generator(seed + 1_000_003) });
  const valIdx = perm.narrow(0, 0, nVal);
  const trIdx = perm.narrow(0, nVal, n - nVal);
  return {
    train: { x: train.x.indexSelect(0, trIdx), y: train.y.indexSelect(0, trIdx) },
    val: { x: train.x.indexSelect(0, valIdx), y: train.y.indexSelect(0, valIdx) },
  };
}

function cloneState(model: Sequential): Record<string, Tensor> {
  const sd = model.stateDict();
  const out: Record<string, Tensor> = {};
  for (const k of Object.keys(sd)) out[k] = sd[k].clone();
  return out;
}

function fmtLr(lr: number): string {
  return Number(lr.toPrecision(4)).toString();
}

/** The architecture `cfg.model` names, sized for `data` (CNN: its inputs as square single-channel images). */
export function architectureFor(cfg: TrainConfig, data: LoadedData): Architecture {
  if (cfg.model === 'cnn') return cnnArchitecture(data.inputSize, data.numClasses, cfg.activation, data.label);
  return { inputSize: data.inputSize, hidden: cfg.hidden, outputSize: data.numClasses, activation: cfg.activation };
}

/**
 * Trains an MLP or a CNN on `data` as `cfg` says and returns the model, the per-epoch metrics and the final test
 * evaluation. Deterministic for a given seed: `manualSeed(seed)` before building the model, and the loader
 * shuffles with its own Generator(seed).
 */
export function trainModel(cfg: TrainConfig, data: LoadedData, hooks: TrainHooks = {}): TrainResult {
  const log = hooks.log ?? (() => undefined);
  manualSeed(cfg.seed);
  const architecture = architectureFor(cfg, data);
  const model = buildModel(architecture, cfg.init);
  const asInput = (s: Split): Split => ({ x: modelInput(architecture, s.x), y: s.y });
  const test = asInput(data.test);
  let trainSplit = asInput(data.train);
  let val: Split | null = null;
  if (cfg.earlyStopping !== null) ({ train: trainSplit, val } = splitValidation(trainSplit, cfg.valFraction, cfg.seed));

  const loader = new DataLoader(new TensorDataset(trainSplit.x, trainSplit.y), {
    batchSize: cfg.batchSize,
    shuffle: true,
    generator: new Generator(cfg.seed),
  });
  const criterion = new CrossEntropyLoss();
  const optimizer = makeOptimizer(cfg, [...model.parameters()]);
  const scheduler = makeScheduler(cfg, optimizer);

  // One training step. As a closure for optimizer.step, so LBFGS can re-evaluate (issue 14); the other
  // optimizers call it once, before their update. Through compile (issue 15) unless --no-compile: the
  // second step of each batch shape is captured, later ones replay its kernels (the same numbers).
  const eagerStep = (x: Tensor, y: Tensor): [Tensor, Tensor] => {
    const first: Tensor[] = [];
    const loss = optimizer.step(() => {
      optimizer.zeroGrad();
      const out = model.forward(x);
      if (first.length === 0) first.push(out);
      const l = criterion.forward(out, y);
      l.backward();
      return l;
    }) as Tensor;
    return [loss, first[0]];
  };
  const step = cfg.compile ? compile(eagerStep, { modules: [model] }) : eagerStep;

  const epochs: EpochRecord[] = [];
  let trainSeconds = 0;
  let examplesSeen = 0;
  let best: { loss: number; epoch: number; state: Record<string, Tensor> } | null = null;
  let stale = 0;
  let stoppedEarly = false;

  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    const lr = optimizer.paramGroups[0].lr;
    const bar = hooks.progress ? new ProgressBar({ label: `epoch ${String(epoch).padStart(String(cfg.epochs).length)}/${cfg.epochs}`, total: loader.length, stream: hooks.progress }) : null;
    const t0 = performance.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let batch = 0;

    model.train();
    for (const [x, y] of loader) {
      const [loss, output] = step(x, y);

      const n = x.shape[0];
      const l = loss.item();
      batch += 1;
      if (!Number.isFinite(l)) throw new DivergedError(epoch, batch, lr);
      lossSum += l * n;
      correct += noGrad(() => output.argmax(1).eq(y).sum().item());
      seen += n;
      bar?.update(batch, seen, lossSum / seen);
    }
    const trainTime = (performance.now() - t0) / 1000;
    trainSeconds += trainTime;
    examplesSeen += seen;
    bar?.finish();

    const te = evaluate(model, test);
    const va = val ? evaluate(model, val) : null;
    const record: EpochRecord = {
      epoch,
      trainLoss: lossSum / seen,
      trainAccuracy: correct / seen,
      testLoss: te.loss,
      testAccuracy: te.accuracy,
      ...(va ? { valLoss: va.loss, valAccuracy: va.accuracy } : {}),
      lr,
      seconds: (performance.now() - t0) / 1000,
    };
    epochs.push(record);
    log(
      `epoch ${String(epoch).padStart(String(cfg.epochs).length)}/${cfg.epochs}  ` +
        `train loss ${record.trainLoss.toFixed(4)} acc ${pct(record.trainAccuracy)}  ` +
        (va ? `val loss ${va.loss.toFixed(4)} acc ${pct(va.accuracy)}  ` : '') +
        `test loss ${te.loss.toFixed(4)} acc ${pct(te.accuracy)}  lr ${fmtLr(lr)}  ${record.seconds.toFixed(2)} s`,
    );
    scheduler?.step();

    if (va) {
      if (best === null || va.loss < best.loss) {
        best = { loss: va.loss, epoch, state: cloneState(model) };
        stale = 0;
      } else {
        stale += 1;
        if (cfg.earlyStopping !== null && stale >= cfg.earlyStopping) {
          stoppedEarly = epoch < cfg.epochs;
          if (stoppedEarly) log(`early stopping: validation loss has not improved for ${stale} epoch${stale === 1 ? '' : 's'} (best ${best.loss.toFixed(4)} at epoch ${best.epoch})`);
          break;
        }
      }
    }
  }

  let keptEpoch = epochs.length;
  if (best !== null && best.epoch !== epochs.length) {
    model.loadStateDict(best.state);
    keptEpoch = best.epoch;
    log(`restored the weights of epoch ${best.epoch} (lowest validation loss ${best.loss.toFixed(4)})`);
  }
  const final = evaluate(model, test);
  return {
    model,
    architecture,
    epochs,
    keptEpoch,
    stoppedEarly,
    test: { loss: final.loss, accuracy: final.accuracy, predictions: final.predictions },
    trainExamples: trainSplit.x.shape[0],
    valExamples: val ? val.x.shape[0] : 0,
    trainSeconds,
    examplesSeen,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------------------

/** What the CLI writes to: stdout/stderr of the process, or test doubles. */
export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  /** Clock for default run-folder names (tests fix it). */
  now?: () => Date;
}

/** metrics.json. */
export interface Metrics {
  config: Record<string, unknown>;
  data: { dataset: string; trainExamples: number; valExamples: number; testExamples: number; inputSize: number; classes: string[] };
  model: { architecture: Architecture; description: string; parameters: number };
  epochs: EpochRecord[];
  final: {
    testAccuracy: number;
    testLoss: number;
    bestTestAccuracy: number;
    bestTestEpoch: number;
    keptEpoch: number;
    epochsRun: number;
    stoppedEarly: boolean;
    wallSeconds: number;
    trainSeconds: number;
    examplesPerSecond: number;
    parameters: number;
    cpuSeconds: number;
    energyWh: number;
    co2Grams: number;
    powerWattsPerCore: number;
    carbonIntensity: number;
    method: string;
    throughputMethod: string;
    confusionMatrix: number[][];
  };
  files: Record<string, string>;
}

/** runs/<name> or runs/<local time stamp like 2024-05-01_14-03-27>. */
export function defaultOutDir(name: string | null, now: Date, prefix = ''): string {
  if (name !== null) return nodePath.join('runs', prefix + name);
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}_${p(now.getHours())}-${p(now.getMinutes())}-${p(now.getSeconds())}`;
  return nodePath.join('runs', prefix + stamp);
}

/** Writes text atomically (temp file, fsync, rename) through the checkpoint module. */
export function writeTextAtomic(path: string, s: string): void {
  writeFileAtomicSync(path, new TextEncoder().encode(s));
}

/** The data-set recipe stored with the model, so that `eval` can rebuild the same test split. */
export interface DataRecipe {
  dataset: string;
  seed: number;
  samples: number;
  noise: number | null;
  limit: number | null;
  testLimit: number | null;
}
export const META_DATA = 'tapegrad.data';
export const META_TEST_ACCURACY = 'tapegrad.testAccuracy';
export const META_TEST_EXAMPLES = 'tapegrad.testExamples';

/** Predicted classes on a grid over the points' range (padded by 10%), for the decision-boundary plot. */
function predictGrid(model: Sequential, points: Tensor, steps = 120): { xMin: number; xMax: number; yMin: number; yMax: number; nx: number; ny: number; classes: Int32Array } {
  const xy = points.dataSync();
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    xMin = Math.min(xMin, xy[i]); xMax = Math.max(xMax, xy[i]);
    yMin = Math.min(yMin, xy[i + 1]); yMax = Math.max(yMax, xy[i + 1]);
  }
  const padX = 0.1 * (xMax - xMin || 1), padY = 0.1 * (yMax - yMin || 1);
  xMin -= padX; xMax += padX; yMin -= padY; yMax += padY;
  const grid = new Float32Array(steps * steps * 2);
  for (let j = 0; j < steps; j++) {
    for (let i = 0; i < steps; i++) {
      grid[2 * (j * steps + i)] = xMin + ((i + 0.5) / steps) * (xMax - xMin);
      grid[2 * (j * steps + i) + 1] = yMin + ((j + 0.5) / steps) * (yMax - yMin);
    }
  }
  model.eval();
  const classes = noGrad(() => model.forward(tensor(grid).reshape([steps * steps, 2])).argmax(1).dataSync());
  return { xMin, xMax, yMin, yMax, nx: steps, ny: steps, classes: Int32Array.from(classes) };
}

/** The config as written to metrics.json (the data set as its command-line name). */
function configJson(cfg: TrainConfig): Record<string, unknown> {
  return { ...cfg, dataset: datasetLabel(cfg.dataset) };
}

/**
 * Runs `tapegrad train`: loads the data, trains, writes the run folder, prints the report (or, with --json,
 * only the metrics document). Returns the metrics.
 */
export function runTrain(args: TrainArgs, io: CliIO): Metrics {
  const wall0 = performance.now();
  const cpu0 = cpuSecondsNow();
  const cfg = args.config;
  const say = (s = '') => {
    if (!args.json) io.stdout.write(s + '\n');
  };
  const outDir = args.out ?? defaultOutDir(args.name, (io.now ?? (() => new Date()))());
  const data = loadData(cfg.dataset, cfg);
  // Created only once the data loaded, so a bad --dataset leaves no empty run folder behind.
  fs.mkdirSync(outDir, { recursive: true });
  const arch = architectureFor(cfg, data);
  const params = parameterCount(arch);
  say(`tapegrad train: ${data.label}, ${formatCount(data.train.x.shape[0])} train / ${formatCount(data.test.x.shape[0])} test examples, ${data.numClasses} classes`);
  say(`model: ${describeArchitecture(arch)}, ${formatCount(params)} parameters, init ${cfg.init}`);
  say(
    `optimizer: ${cfg.optimizer === 'momentum' ? 'SGD' : cfg.optimizer} lr ${cfg.lr}` +
      (cfg.momentum > 0 ? ` momentum ${cfg.momentum}` : '') +
      (cfg.weightDecay > 0 ? ` weight decay ${cfg.weightDecay}` : '') +
      `, schedule ${cfg.schedule}, batch ${cfg.batchSize}, ${cfg.epochs} epoch${cfg.epochs === 1 ? '' : 's'}, seed ${cfg.seed}` +
      (cfg.earlyStopping !== null ? `, early stopping patience ${cfg.earlyStopping} on ${Math.round(100 * cfg.valFraction)}% validation` : ''),
  );
  say(`output: ${outDir}`);
  say();

  const result = trainModel(cfg, data, args.json ? {} : { progress: io.stdout, log: (l) => say(l) });

  const wallSeconds = (performance.now() - wall0) / 1000;
  const energy: EnergyEstimate = estimateEnergy(cpuSecondsNow() - cpu0, cfg.powerWattsPerCore, cfg.carbonIntensity);
  const cm = confusionMatrix(data.test.y.dataSync(), result.test.predictions, data.numClasses);
  let bestIdx = 0;
  result.epochs.forEach((e, i) => {
    if (e.testAccuracy > result.epochs[bestIdx].testAccuracy) bestIdx = i;
  });

  const files: Record<string, string> = {
    metrics: nodePath.join(outDir, 'metrics.json'),
    curves: nodePath.join(outDir, 'curves.svg'),
    model: nodePath.join(outDir, 'model.safetensors'),
  };
  if (data.twoD) files.boundary = nodePath.join(outDir, 'boundary.svg');

  const metrics: Metrics = {
    config: configJson(cfg),
    data: {
      dataset: data.label,
      trainExamples: result.trainExamples,
      valExamples: result.valExamples,
      testExamples: data.test.x.shape[0],
      inputSize: data.inputSize,
      classes: data.classes,
    },
    model: { architecture: arch, description: describeArchitecture(arch), parameters: params },
    epochs: result.epochs,
    final: {
      testAccuracy: result.test.accuracy,
      testLoss: result.test.loss,
      bestTestAccuracy: result.epochs[bestIdx].testAccuracy,
      bestTestEpoch: result.epochs[bestIdx].epoch,
      keptEpoch: result.keptEpoch,
      epochsRun: result.epochs.length,
      stoppedEarly: result.stoppedEarly,
      wallSeconds,
      trainSeconds: result.trainSeconds,
      examplesPerSecond: result.examplesSeen / result.trainSeconds,
      parameters: params,
      cpuSeconds: energy.cpuSeconds,
      energyWh: energy.energyWh,
      co2Grams: energy.co2Grams,
      powerWattsPerCore: energy.powerWattsPerCore,
      carbonIntensity: energy.carbonIntensity,
      method: energy.method,
      throughputMethod: 'examplesPerSecond = training examples processed / seconds spent in training passes (forward, backward, optimizer step; evaluation excluded); wallSeconds covers the whole command including data loading and evaluation',
      confusionMatrix: cm,
    },
    files,
  };

  // Model first: metrics.json then describes files that exist.
  const recipe: DataRecipe = { dataset: data.label, seed: cfg.seed, samples: cfg.samples, noise: cfg.noise, limit: cfg.limit, testLimit: cfg.testLimit };
  const state = result.model.stateDict();
  save(state, files.model, {
    metadata: {
      [META_ARCHITECTURE]: JSON.stringify(arch),
      [META_DATA]: JSON.stringify(recipe),
      [META_TEST_ACCURACY]: String(result.test.accuracy),
      [META_TEST_EXAMPLES]: String(data.test.x.shape[0]),
      'tapegrad.format': arch.kind === 'cnn' ? 'tapegrad-cli-cnn/1' : 'tapegrad-cli-mlp/1',
    },
  });
  writeTextAtomic(files.curves, curvesSvg(result.epochs, `${describeArchitecture(arch)} on ${data.label}`));
  if (files.boundary) {
    const allX = cat([data.train.x, data.test.x], 0);
    const allY = cat([data.train.y, data.test.y], 0);
    const grid = predictGrid(result.model, allX);
    writeTextAtomic(files.boundary, boundarySvg(grid, { xy: allX.dataSync(), labels: allY.dataSync() }, data.numClasses,
      `${data.label}: decision regions and all points, test accuracy ${pct(result.test.accuracy)}`));
  }
  writeTextAtomic(files.metrics, JSON.stringify(metrics, null, 2) + '\n');

  if (args.json) {
    io.stdout.write(JSON.stringify(metrics, null, 2) + '\n');
    return metrics;
  }
  const f = metrics.final;
  say();
  say('Final report');
  say(`  test accuracy       ${pct(f.testAccuracy)} (${Math.round(f.testAccuracy * data.test.x.shape[0])}/${data.test.x.shape[0]}), loss ${f.testLoss.toFixed(4)}` +
    (result.keptEpoch !== result.epochs.length ? `, weights of epoch ${result.keptEpoch}` : ''));
  say(`  best test accuracy  ${pct(f.bestTestAccuracy)} (epoch ${f.bestTestEpoch})`);
  say(`  parameters          ${formatCount(params)}`);
  say(`  wall time           ${formatSeconds(wallSeconds)} (training passes ${formatSeconds(f.trainSeconds)})`);
  say(`  throughput          ${formatCount(f.examplesPerSecond)} examples/s (training)`);
  say(`  energy              ${f.energyWh.toPrecision(3)} Wh, ${f.co2Grams.toPrecision(3)} g CO2`);
  say(`    method: ${energy.method}`);
  say();
  say('Confusion matrix (test set; rows: true class, columns: predicted)');
  say(formatConfusionMatrix(cm, data.classes));
  say();
  say(`wrote ${Object.values(files).join(', ')}`);
  return metrics;
}
