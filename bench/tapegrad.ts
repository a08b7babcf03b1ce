/**
 * The tapegrad column: every row of the table measured on @tapegrad/core (matmul kernels, tape and
 * backward), with the network from @tapegrad/nn (Sequential, Linear, ReLU, F.crossEntropy) and the
 * optimizer from @tapegrad/optim (SGD) — the code a user would write.
 */
import { Generator, noGrad, rand, randint, randn, relaxedSimdActive, setRelaxedSimd, tensor, setKernelThreads, type Tensor } from '@tapegrad/core';
import { DataLoader, TensorDataset } from '@tapegrad/data';
import { Conv2d, F, Flatten, Linear, MaxPool2d, ReLU, Sequential, type Module } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import { kernelBackend, gemm } from '../packages/core/src/kernels/gemm';
import type { BenchConfig, ColumnFigures } from './config';
import type { DigitsArrays } from './digits-data';
import { median, now, timeIt } from './timing';
import { tapegradLstmStep } from './lstm-rows'; // recurrent (issue 13)
// attention (issue 13)
import { transformerStepRow } from './transformer';
import { measureSimdPeak } from './simd-peak';
import { memoryUsage } from 'node:process';
import { getHeapStatistics } from 'node:v8';
import { COMPILED, EAGER, ReplayCheckError, withArgs, type Step, type StepMode } from './compiled'; // compiled step (issue 15)

export type Log = (msg: string) => void;

/** The 784 -> 128 ReLU -> 10 network (nn.Linear's PyTorch init, drawn from `g`) and its parameters. */
export interface Mlp {
  module: Module;
  params: Tensor[];
  forward(x: Tensor): Tensor;
}

export function makeMlp(inF: number, hidden: number, classes: number, g: Generator): Mlp {
  const model = new Sequential(new Linear(inF, hidden, { generator: g }), new ReLU(), new Linear(hidden, classes, { generator: g }));
  return { module: model, params: [...model.parameters()], forward: (x) => model.call(x) as Tensor };
}

/** The CLI's LeNet (cfg.cnn) with PyTorch's init drawn from `g`; it takes [N, 1, side, side]. */
export function makeCnn(cfg: BenchConfig, g: Generator): Mlp {
  const { side, channels, classes } = cfg.cnn;
  const layers: Module[] = [];
  let prev = 1, s = side;
  for (const c of channels) {
    layers.push(new Conv2d(prev, c, 3, { padding: 1, generator: g }), new ReLU(), new MaxPool2d(2));
    prev = c;
    s = Math.floor(s / 2);
  }
  const model = new Sequential(...layers, new Flatten(), new Linear(prev * s * s, classes, { generator: g }));
  return { module: model, params: [...model.parameters()], forward: (x) => model.call(x) as Tensor };
}

/** Mean softmax cross-entropy of logits [N, C] against int32 class labels [N]. */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  return F.crossEntropy(logits, labels);
}

/** torch.optim.SGD through @tapegrad/optim. */
export function sgd(params: Tensor[], lr: number, momentum = 0): SGD {
  return new SGD(params, { lr, momentum });
}

/** The classifier training step every MLP/CNN row times (zero grads, cross-entropy, backward, SGD), eager or compiled. */
export function classifierStep(mode: StepMode, label: string, model: Mlp, opt: SGD, setToNone = true): Step<[Tensor, Tensor], Tensor> {
  return mode.wrap(label, (xb: Tensor, yb: Tensor) => {
    opt.zeroGrad({ setToNone });
    const loss = crossEntropy(model.forward(xb), yb);
    loss.backward();
    opt.step();
    return loss;
  }, [model.module]);
}

// ---- rows -----------------------------------------------------------------------------------------

function matmulRows(cfg: BenchConfig, log: Log): ColumnFigures {
  const n = cfg.matmulN, g = new Generator(1);
  const a = randn([n, n], { generator: g }), b = randn([n, n], { generator: g });
  const flops = 2 * n * n * n;
  const forms = {
    matmul_ab: () => a.matmul(b),
    matmul_atb: () => a.t().matmul(b),
    matmul_abt: () => a.matmul(b.t()),
  };
  const out: ColumnFigures = {};
  noGrad(() => {
    for (const [id, fn] of Object.entries(forms) as [keyof typeof forms, () => Tensor][]) {
      const t = timeIt(fn, cfg.matmulTiming);
      out[id] = flops / t.seconds / 1e9;
      log(`  tapegrad ${id}: ${out[id]!.toFixed(2)} GFLOP/s`);
    }
  });
  return out;
}

/**
 * One training step of the MLP at `batch` (zeroGrad, forward, cross-entropy, backward, SGD step),
 * eager or compiled (`mode`); it returns the loss.
 */
export function makeStep(cfg: BenchConfig, batch: number, setToNone = true, mode: StepMode = EAGER): Step<[], Tensor> {
  const { inF, hidden, classes, lr } = cfg.mlp;
  const g = new Generator(2);
  const model = makeMlp(inF, hidden, classes, g);
  const opt = sgd(model.params, lr);
  const x = rand([batch, inF], { generator: g });
  const y = randint(0, classes, [batch], { generator: g, dtype: 'int32' });
  return withArgs(classifierStep(mode, `MLP step at batch ${batch}`, model, opt, setToNone), x, y);
}

function stepRow(cfg: BenchConfig, batch: number, mode: StepMode): number {
  const step = makeStep(cfg, batch, true, mode);
  const ms = timeIt(step, cfg.stepTiming).seconds * 1e3;
  step.verify();
  return ms;
}

/**
 * Bytes one (warmed-up) call of `step` allocates: the medians over `calls` calls of the growth of V8's
 * used heap (JavaScript objects) and of ArrayBuffer memory (tensor storage). A call during which a GC
 * ran shows a negative growth and is left out.
 */
export function allocationPerCall(step: () => void, calls: number): { heapBytes: number; bufferBytes: number; counted: number } {
  const heapBytes: number[] = [], bufferBytes: number[] = [];
  for (let i = 0; i < calls; i++) {
    const h0 = getHeapStatistics().used_heap_size, b0 = memoryUsage().arrayBuffers;
    step();
    const dh = getHeapStatistics().used_heap_size - h0, db = memoryUsage().arrayBuffers - b0;
    if (dh >= 0 && db >= 0) {
      heapBytes.push(dh);
      bufferBytes.push(db);
    }
  }
  if (heapBytes.length === 0) throw new Error('allocationPerCall: a GC ran during every call');
  return { heapBytes: median(heapBytes), bufferBytes: median(bufferBytes), counted: heapBytes.length };
}

function allocationRows(cfg: BenchConfig, mode: StepMode): ColumnFigures {
  const step = makeStep(cfg, 64, true, mode);
  for (let i = 0; i < cfg.stepTiming.warmup; i++) step();
  const a = allocationPerCall(step, cfg.quick ? 100 : 400);
  step.verify();
  return { step_b64_heap_kb: a.heapBytes / 1e3, step_b64_buffer_kb: a.bufferBytes / 1e3 };
}

function cnnStepRow(cfg: BenchConfig, batch: number, mode: StepMode): number {
  const g = new Generator(2);
  const model = makeCnn(cfg, g);
  const opt = sgd(model.params, cfg.cnn.lr);
  const x = rand([batch, 1, cfg.cnn.side, cfg.cnn.side], { generator: g });
  const y = randint(0, cfg.cnn.classes, [batch], { generator: g, dtype: 'int32' });
  const step = classifierStep(mode, `LeNet step at batch ${batch}`, model, opt);
  const t = timeIt(() => step(x, y), cfg.cnnStepTiming);
  step.verify();
  return t.seconds * 1e3;
}

/** The LeNet rows (issue 12): a training step at batch 32 and 128, and the CNN digits job. */
export function cnnRows(cfg: BenchConfig, data: DigitsArrays | null, log: Log, mode: StepMode = EAGER): ColumnFigures {
  const out: ColumnFigures = { cnn_step_b32: cnnStepRow(cfg, 32, mode), cnn_step_b128: cnnStepRow(cfg, 128, mode) };
  log(`  tapegrad${mode.compiled ? '-compiled' : ''} LeNet step: ${out.cnn_step_b32!.toFixed(3)} ms (b32), ${out.cnn_step_b128!.toFixed(3)} ms (b128)`);
  const r = data ? digitsJob(cfg, data, log, 'cnn', mode) : null;
  out.cnn_digits_wall = r ? r.seconds : null;
  out.cnn_digits_acc = r ? r.accuracy : null;
  return out;
}

function tinyRow(cfg: BenchConfig): number {
  const x = tensor([1.5], { requiresGrad: true });
  const half = cfg.tinyChain / 2;
  const t = timeIt(() => {
    let y = x;
    for (let i = 0; i < half; i++) y = y.mul(1.0001).add(0.5);
    x.grad = null;
    y.backward();
  }, cfg.tinyTiming);
  return (t.seconds / cfg.tinyChain) * 1e6;
}

/** The digits job: returns seconds (training + per-epoch eval, on the selected clock) and the final test accuracy in %. */
export function digitsJob(cfg: BenchConfig, data: DigitsArrays, log: Log, net: 'mlp' | 'cnn' = 'mlp', mode: StepMode = EAGER): { seconds: number; accuracy: number } {
  const job = cfg.digits, P = data.pixels;
  const all = tensor(data.images).reshape(net === 'cnn' ? [data.images.length / P, 1, cfg.cnn.side, cfg.cnn.side] : [data.images.length / P, P]);
  const labels = tensor(data.labels);
  const trainX = all.narrow(0, 0, job.trainSize), trainY = labels.narrow(0, 0, job.trainSize);
  const testX = all.narrow(0, job.trainSize, job.testSize), testY = labels.narrow(0, job.trainSize, job.testSize);
  const g = new Generator(job.seed);
  const t0 = now();
  const model = net === 'cnn' ? makeCnn(cfg, g) : makeMlp(P, cfg.mlp.hidden, cfg.mlp.classes, g);
  const opt = sgd(model.params, job.lr, job.momentum);
  const loader = new DataLoader(new TensorDataset(trainX, trainY), { batchSize: job.batchSize, shuffle: true, generator: g });
  const step = classifierStep(mode, `${net === 'cnn' ? 'CNN ' : ''}digits job's step`, model, opt);
  let accuracy = 0;
  for (let epoch = 0; epoch < job.epochs; epoch++) {
    for (const [xb, yb] of loader) step(xb, yb);
    accuracy = noGrad(() => model.forward(testX).argmax(1).eq(testY).float().mean().item()) * 100;
    log(`  tapegrad${mode.compiled ? '-compiled' : ''} ${net === 'cnn' ? 'CNN ' : ''}digits epoch ${epoch + 1}/${job.epochs}: test accuracy ${accuracy.toFixed(2)}%`);
  }
  const seconds = (now() - t0) / 1e3;
  step.verify();
  return { seconds, accuracy };
}

/** conv2d rows (issue 12): F.conv2d forward, and the GEMM alone at the im2col shape it runs. */
export function convRows(cfg: BenchConfig, log: Log): ColumnFigures {
  const { batch, inC, outC, size, kernel } = cfg.conv, g = new Generator(5);
  const x = randn([batch, inC, size, size], { generator: g }), w = randn([outC, inC, kernel, kernel], { generator: g });
  const b = randn([outC], { generator: g });
  const K = inC * kernel * kernel, L = size * size;
  const flops = 2 * batch * outC * K * L;
  const tc = noGrad(() => timeIt(() => F.conv2d(x, w, b, { padding: Math.floor(kernel / 2) }), cfg.convTiming));
  const A = w.dataSync() as Float32Array, B = randn([K, L], { generator: g }).dataSync() as Float32Array, C = new Float32Array(outC * L);
  const tg = timeIt(() => {
    for (let n = 0; n < batch; n++) gemm(false, false, outC, L, K, 1, A, 0, K, B, 0, L, 0, C, 0, L);
  }, cfg.convTiming);
  const out = { conv2d_fwd: flops / tc.seconds / 1e9, conv2d_gemm: flops / tg.seconds / 1e9 };
  log(`  tapegrad conv2d: ${out.conv2d_fwd.toFixed(2)} GFLOP/s, its GEMM alone ${out.conv2d_gemm.toFixed(2)} GFLOP/s (${((100 * out.conv2d_fwd) / out.conv2d_gemm).toFixed(0)} %)`);
  return out;
}

/**
 * Runs every row; `data` is null when the digits could not be loaded (the digits rows are then null).
 * `fma` selects the relaxed-SIMD (fused multiply-add) kernels, and throws if this engine lacks them.
 * `compiled` (the tapegrad-compiled column) runs the step rows with each step through compile() and
 * leaves the kernel rows (GEMM, conv, tiny op, SIMD peak: the same code) null; a step that did not
 * replay leaves its row null and says why in `info.replayFailures`.
 */
export function runTapegrad(cfg: BenchConfig, data: DigitsArrays | null, log: Log, fma = false, compiled = false): { figures: ColumnFigures; info: Record<string, string> } {
  // The table compares one thread with one thread (tfjs-wasm and PyTorch are pinned to one too); the
  // two-thread GEMM is measured by packages/core/scripts/bench-gemm.mjs --threads.
  setKernelThreads(1);
  setRelaxedSimd(fma);
  if (relaxedSimdActive() !== fma) throw new Error('relaxed SIMD is not available in this engine');
  const name = compiled ? 'tapegrad-compiled' : fma ? 'tapegrad-fma' : 'tapegrad';
  const mode = compiled ? COMPILED : EAGER;
  log(`${name} (gemm kernel: ${kernelBackend()}${fma ? ' relaxed-SIMD FMA' : ''}, 1 thread${compiled ? ', every step through compile()' : ''})`);
  const figures: ColumnFigures = {};
  const failures: string[] = [];
  // Only a compiled step's failed replay check is caught (its rows become null); anything else fails the column as before.
  const rows = (ids: readonly (keyof ColumnFigures)[], fn: () => ColumnFigures | void): void => {
    try {
      const r = fn();
      if (r) Object.assign(figures, r);
    } catch (e) {
      if (!(e instanceof ReplayCheckError)) throw e;
      for (const id of ids) figures[id] = null;
      failures.push(`${ids.join(', ')}: ${e.message}`);
      log(`  ${name} ${ids.join(', ')} FAILED: ${e.message}`);
    }
  };
  if (compiled) {
    figures.matmul_ab = figures.matmul_atb = figures.matmul_abt = figures.simd_peak = figures.tiny_op = figures.conv2d_fwd = figures.conv2d_gemm = null;
  } else {
    Object.assign(figures, matmulRows(cfg, log));
    figures.simd_peak = measureSimdPeak(cfg.quick ? 3 : 7);
    log(`  ${name} WASM SIMD mul+add peak: ${figures.simd_peak.toFixed(1)} GFLOP/s`);
  }
  rows(['step_b64'], () => ({ step_b64: stepRow(cfg, 64, mode) }));
  rows(['step_b256'], () => ({ step_b256: stepRow(cfg, 256, mode) }));
  log(`  ${name} step: ${fmt3(figures.step_b64)} ms (b64), ${fmt3(figures.step_b256)} ms (b256)`);
  rows(['step_b64_heap_kb', 'step_b64_buffer_kb'], () => allocationRows(cfg, mode));
  log(`  ${name} step b64 allocates ${fmt3(figures.step_b64_heap_kb)} kB of JS heap + ${fmt3(figures.step_b64_buffer_kb)} kB of buffers`);
  if (!compiled) {
    figures.tiny_op = tinyRow(cfg);
    log(`  tapegrad tiny op: ${figures.tiny_op.toFixed(2)} µs/op`);
    Object.assign(figures, convRows(cfg, log));
  }
  // recurrent (issue 13)
  rows(['lstm_step'], () => ({ lstm_step: tapegradLstmStep(cfg, mode) }));
  log(`  ${name} lstm step: ${fmt3(figures.lstm_step)} ms`);
  // attention (issue 13)
  rows(['transformer_step'], () => ({ transformer_step: transformerStepRow(cfg, mode) }));
  log(`  ${name} transformer encoder layer step: ${fmt3(figures.transformer_step)} ms`);
  if (data) {
    rows(['digits_wall', 'digits_acc'], () => {
      const r = digitsJob(cfg, data, log, 'mlp', mode);
      return { digits_wall: r.seconds, digits_acc: r.accuracy };
    });
  } else {
    figures.digits_wall = figures.digits_acc = null;
  }
  rows(['cnn_step_b32', 'cnn_step_b128', 'cnn_digits_wall', 'cnn_digits_acc'], () => cnnRows(cfg, data, log, mode));
  const info: Record<string, string> = { gemmKernel: kernelBackend(), model: '@tapegrad/nn Sequential(Linear, ReLU, Linear) + F.crossEntropy, @tapegrad/optim SGD' };
  if (failures.length) info.replayFailures = failures.join(' | ');
  return { figures, info };
}

function fmt3(v: number | null | undefined): string {
  return typeof v === 'number' ? v.toFixed(3) : 'failed';
}
