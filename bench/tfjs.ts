/**
 * The TensorFlow.js columns: @tensorflow/tfjs-core 4.22 on the plain JavaScript backend (tfjs-backend-cpu)
 * and on the WebAssembly backend (tfjs-backend-wasm, XNNPACK), both single-threaded.
 *
 * The wasm binaries are read from the local node_modules/@tensorflow/tfjs-backend-wasm/dist/ (setWasmPaths;
 * nothing is downloaded). Multithreading is switched off before the backend initialises, so the
 * non-threaded SIMD binary (tfjs-backend-wasm-simd.wasm) is the one loaded, and setThreadsCount(1)
 * pins its thread pool anyway. Production mode is on (as a deployed app would run it); it also
 * silences tfjs's "install tfjs-node" banner, which would otherwise land in the output.
 *
 * Code is idiomatic tfjs: weights in tfjs's [in, out] layout, matMul's transpose flags for Aᵀ·B and
 * A·Bᵀ, `optimizer.minimize` with `tf.losses.softmaxCrossEntropy` on one-hot labels, `tf.grad` for
 * the tiny-op chain.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BenchConfig, ColumnFigures, RowId } from './config';
import type { DigitsArrays } from './digits-data';
import type { Log } from './tapegrad';
import { now, timeIt } from './timing';
import { tfjsLstmStep } from './lstm-rows'; // recurrent (issue 13)
// attention (issue 13)
import { transformerStepTfjs } from './tfjs-transformer';

type Tf = typeof import('@tensorflow/tfjs-core');
type TfWasm = typeof import('@tensorflow/tfjs-backend-wasm');
type TfTensor = import('@tensorflow/tfjs-core').Tensor;
type TfVariable = import('@tensorflow/tfjs-core').Variable;

export type TfBackend = 'cpu' | 'wasm';

interface Loaded {
  tf: Tf;
  wasm: TfWasm;
  versions: Record<string, string>;
  wasmDir: string;
}

let loaded: Loaded | null = null;

/**
 * Loads tfjs from the repository's node_modules.
 *
 * tfjs-core's Node build (dist/tf-core.node.js) registers no gradients: they live in the ES module file
 * dist/register_all_gradients.js, which the @tensorflow/tfjs umbrella package imports for its users.
 * So, as a bundler would for an app, this bundles tfjs-core's ES modules, the gradients and both
 * backends into one CommonJS file with esbuild (about 0.3 s) and loads that: a single copy of the core,
 * with `tf.grad` and `optimizer.minimize` working. The bench itself runs from a bundle in a temporary
 * folder (scripts/run-ts.cjs), so packages are resolved from the working directory (the repository or a
 * folder below it), not from that bundle's location.
 */
function loadTf(): Loaded {
  if (loaded) return loaded;
  const req = createRequire(join(process.cwd(), 'bench-resolve.js'));
  const esbuild = req('esbuild') as typeof import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-bench-tfjs-'));
  const outfile = join(dir, 'tfjs.cjs');
  esbuild.buildSync({
    stdin: {
      contents: [
        "export * from '@tensorflow/tfjs-core';",
        "import '@tensorflow/tfjs-core/dist/register_all_gradients';",
        "import '@tensorflow/tfjs-backend-cpu';",
        "export * as wasm from '@tensorflow/tfjs-backend-wasm';",
      ].join('\n'),
      resolveDir: dirname(req.resolve('@tensorflow/tfjs-core/package.json')),
      loader: 'js',
    },
    bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'error', mainFields: ['module', 'main'],
  });
  const bundle = req(outfile) as Tf & { wasm: TfWasm };
  rmSync(dir, { recursive: true, force: true });
  const version = (p: string): string => (req(`${p}/package.json`) as { version: string }).version;
  const wasmDir = join(dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  loaded = {
    tf: bundle, wasm: bundle.wasm, wasmDir,
    versions: {
      'tfjs-core': version('@tensorflow/tfjs-core'),
      'tfjs-backend-cpu': version('@tensorflow/tfjs-backend-cpu'),
      'tfjs-backend-wasm': version('@tensorflow/tfjs-backend-wasm'),
    },
  };
  return loaded;
}

async function useBackend(backend: TfBackend): Promise<Loaded> {
  const l = loadTf();
  const { tf, wasm } = l;
  tf.enableProdMode();
  if (backend === 'wasm') {
    wasm.setWasmPaths(l.wasmDir + '/');
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setThreadsCount(1);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend '${backend}' failed to initialise`);
  await tf.ready();
  return l;
}

// ---- rows -----------------------------------------------------------------------------------------

/**
 * The three forms through matMul's transposeA / transposeB flags (the API's way), and, as extras, the
 * two transposed forms written with an explicit tf.transpose copy first (faster on the wasm backend,
 * whose XNNPACK path does not take transposeA: the flag falls back to a plain loop).
 */
function matmulRows(tf: Tf, cfg: BenchConfig, name: string, withExtras: boolean, log: Log): { figures: ColumnFigures; extras: Record<string, number> } {
  const n = cfg.matmulN, flops = 2 * n * n * n;
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1), b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  const forms: [RowId, boolean, boolean][] = [['matmul_ab', false, false], ['matmul_atb', true, false], ['matmul_abt', false, true]];
  const figures: ColumnFigures = {};
  for (const [id, ta, tb] of forms) {
    const t = timeIt(() => tf.matMul(a, b, ta, tb).dispose(), cfg.matmulTiming);
    figures[id] = flops / t.seconds / 1e9;
    log(`  ${name} ${id}: ${figures[id]!.toFixed(2)} GFLOP/s`);
  }
  const extras: Record<string, number> = {};
  const copies: [string, () => TfTensor][] = [
    ['matmul_atb_transpose_copy', () => tf.matMul(tf.transpose(a), b)],
    ['matmul_abt_transpose_copy', () => tf.matMul(a, tf.transpose(b))],
  ];
  for (const [id, fn] of withExtras ? copies : []) {
    const t = timeIt(() => tf.tidy(fn).dispose(), cfg.matmulTiming);
    extras[id] = flops / t.seconds / 1e9;
    log(`  ${name} ${id}: ${extras[id].toFixed(2)} GFLOP/s`);
  }
  a.dispose();
  b.dispose();
  return { figures, extras };
}

interface TfMlp {
  vars: TfVariable[];
  forward(x: TfTensor): TfTensor;
}

/** 784 -> 128 ReLU -> 10 with PyTorch's nn.Linear init bounds, weights [in, out]. */
function makeMlp(tf: Tf, inF: number, hidden: number, classes: number, seed: number): TfMlp {
  const u = (shape: number[], fanIn: number, s: number): TfVariable => {
    const bound = 1 / Math.sqrt(fanIn);
    // tidy frees the initial tensor; the variable (its own copy) survives it.
    return tf.tidy(() => tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', s)));
  };
  const w1 = u([inF, hidden], inF, seed), b1 = u([hidden], inF, seed + 1);
  const w2 = u([hidden, classes], hidden, seed + 2), b2 = u([classes], hidden, seed + 3);
  return {
    vars: [w1, b1, w2, b2],
    forward: (x) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2),
  };
}

/**
 * The LeNet of cfg.cnn (issue 12) in tfjs's NHWC layout: conv2d 'same' + bias + ReLU fused, maxPool 2,
 * then dense; PyTorch's init bounds (U(±1/√fanIn), fanIn = inC·9 for the convs). Takes [N, side, side, 1].
 */
function makeCnn(tf: Tf, cfg: BenchConfig, seed: number): TfMlp {
  const { side, channels, classes } = cfg.cnn;
  const u = (shape: number[], fanIn: number, s: number): TfVariable => {
    const bound = 1 / Math.sqrt(fanIn);
    return tf.tidy(() => tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', s)));
  };
  const convs: { w: TfVariable; b: TfVariable }[] = [];
  let prev = 1, s = side, k = seed;
  for (const c of channels) {
    convs.push({ w: u([3, 3, prev, c], prev * 9, k++), b: u([c], prev * 9, k++) });
    prev = c;
    s = Math.floor(s / 2);
  }
  const feat = prev * s * s;
  const w = u([feat, classes], feat, k++), b = u([classes], feat, k++);
  type T4 = import('@tensorflow/tfjs-core').Tensor4D;
  return {
    vars: [...convs.flatMap((c) => [c.w, c.b]), w, b],
    forward: (x) => {
      let h = x as T4;
      for (const c of convs) h = tf.maxPool(tf.fused.conv2d({ x: h, filter: c.w as unknown as T4, strides: 1, pad: 'same', bias: c.b, activation: 'relu' }), 2, 2, 'valid');
      return tf.add(tf.matMul(tf.reshape(h, [h.shape[0], feat]), w), b);
    },
  };
}

function cnnStepRow(tf: Tf, cfg: BenchConfig, batch: number): number {
  const model = makeCnn(tf, cfg, 10);
  const opt = tf.train.sgd(cfg.cnn.lr);
  const x = tf.randomUniform([batch, cfg.cnn.side, cfg.cnn.side, 1], 0, 1, 'float32', 3);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, cfg.cnn.classes, 'int32', 4), cfg.cnn.classes));
  const t = timeIt(() => {
    tf.tidy(() => {
      opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.forward(x)) as import('@tensorflow/tfjs-core').Scalar, false, model.vars);
    });
  }, cfg.cnnStepTiming);
  tf.dispose([x, y, ...model.vars]);
  opt.dispose();
  return t.seconds * 1e3;
}

function stepRow(tf: Tf, cfg: BenchConfig, batch: number): number {
  const { inF, hidden, classes, lr } = cfg.mlp;
  const model = makeMlp(tf, inF, hidden, classes, 10);
  const opt = tf.train.sgd(lr);
  const x = tf.randomUniform([batch, inF], 0, 1, 'float32', 3);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32', 4), classes));
  const t = timeIt(() => {
    tf.tidy(() => {
      opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.forward(x)) as import('@tensorflow/tfjs-core').Scalar, false, model.vars);
    });
  }, cfg.stepTiming);
  tf.dispose([x, y, ...model.vars]);
  opt.dispose();
  return t.seconds * 1e3;
}

function tinyRow(tf: Tf, cfg: BenchConfig): number {
  const x = tf.tensor1d([1.5]);
  const half = cfg.tinyChain / 2;
  const g = tf.grad((v: TfTensor) => {
    let y = v;
    for (let i = 0; i < half; i++) y = tf.add(tf.mul(y, 1.0001), 0.5);
    return y;
  });
  const t = timeIt(() => tf.tidy(() => g(x)).dispose(), cfg.tinyTiming);
  x.dispose();
  return (t.seconds / cfg.tinyChain) * 1e6;
}

/** Mulberry32: a small seeded generator for the per-epoch shuffle (tfjs has no generator objects). */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function digitsJob(tf: Tf, cfg: BenchConfig, data: DigitsArrays, name: string, log: Log, net: 'mlp' | 'cnn' = 'mlp'): { seconds: number; accuracy: number } {
  const job = cfg.digits, P = data.pixels, C = cfg.mlp.classes;
  const n = job.trainSize;
  // The CNN views each row of 784 pixels as a 28×28×1 NHWC image.
  const image = net === 'cnn' ? [cfg.cnn.side, cfg.cnn.side, 1] : [P];
  const trainX = tf.tensor(data.images.subarray(0, n * P), [n, ...image]);
  const trainY = tf.tensor1d(data.labels.subarray(0, n), 'int32');
  const testX = tf.tensor(data.images.subarray(n * P, (n + job.testSize) * P), [job.testSize, ...image]);
  const testY = tf.tensor1d(data.labels.subarray(n, n + job.testSize), 'int32');
  const random = mulberry32(job.seed);
  const t0 = now();
  const model = net === 'cnn' ? makeCnn(tf, cfg, job.seed) : makeMlp(tf, P, cfg.mlp.hidden, C, job.seed);
  const opt = tf.train.momentum(job.lr, job.momentum);
  const order = new Int32Array(n);
  let accuracy = 0;
  for (let epoch = 0; epoch < job.epochs; epoch++) {
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (let s = 0; s < n; s += job.batchSize) {
      tf.tidy(() => {
        const idx = tf.tensor1d(order.subarray(s, Math.min(n, s + job.batchSize)), 'int32');
        const xb = tf.gather(trainX, idx), yb = tf.oneHot(tf.gather(trainY, idx), C);
        opt.minimize(() => tf.losses.softmaxCrossEntropy(yb, model.forward(xb)) as import('@tensorflow/tfjs-core').Scalar, false, model.vars);
      });
    }
    accuracy = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(model.forward(testX), 1), testY), 'float32')).dataSync()[0]) * 100;
    log(`  ${name} ${net === 'cnn' ? 'CNN ' : ''}digits epoch ${epoch + 1}/${job.epochs}: test accuracy ${accuracy.toFixed(2)}%`);
  }
  const seconds = (now() - t0) / 1e3;
  tf.dispose([trainX, trainY, testX, testY, ...model.vars]);
  opt.dispose();
  return { seconds, accuracy };
}

/** conv2d forward (issue 12) in tfjs's own NHWC layout, bias fused; the GEMM-only row is tapegrad's. */
function convRow(tf: Tf, cfg: BenchConfig): number {
  const { batch, inC, outC, size, kernel } = cfg.conv;
  const x = tf.randomNormal([batch, size, size, inC], 0, 1, 'float32', 5) as import('@tensorflow/tfjs-core').Tensor4D;
  const w = tf.randomNormal([kernel, kernel, inC, outC], 0, 1, 'float32', 6) as import('@tensorflow/tfjs-core').Tensor4D;
  const b = tf.randomNormal([outC], 0, 1, 'float32', 7);
  const t = timeIt(() => tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias: b }).dispose(), cfg.convTiming);
  x.dispose();
  w.dispose();
  b.dispose();
  return (2 * batch * outC * inC * kernel * kernel * size * size) / t.seconds / 1e9;
}

/** Runs every row on one backend except those in `skip` (null in the result). */
export async function runTfjs(
  backend: TfBackend, cfg: BenchConfig, data: DigitsArrays | null, skip: readonly RowId[], log: Log,
): Promise<{ figures: ColumnFigures; extras: Record<string, number>; info: Record<string, string> }> {
  const { tf, wasm, versions } = await useBackend(backend);
  const name = `tfjs-${backend}`;
  const threads = backend === 'wasm' ? String(wasm.getThreadsCount()) : '1 (JavaScript)';
  log(`${name} (tfjs-core ${versions['tfjs-core']}, threads ${threads})`);
  const want = (id: RowId): boolean => !skip.includes(id);
  // The transpose-copy extras matter for wasm; on cpu they only cost time in a --quick run.
  const mm = matmulRows(tf, cfg, name, !(cfg.quick && backend === 'cpu'), log);
  const figures: ColumnFigures = { ...mm.figures };
  figures.step_b64 = want('step_b64') ? stepRow(tf, cfg, 64) : null;
  figures.step_b256 = want('step_b256') ? stepRow(tf, cfg, 256) : null;
  log(`  ${name} step: ${figures.step_b64?.toFixed(3) ?? '-'} ms (b64), ${figures.step_b256?.toFixed(3) ?? '-'} ms (b256)`);
  figures.tiny_op = want('tiny_op') ? tinyRow(tf, cfg) : null;
  log(`  ${name} tiny op: ${figures.tiny_op?.toFixed(2) ?? '-'} µs/op`);
  figures.conv2d_fwd = want('conv2d_fwd') ? convRow(tf, cfg) : null;
  figures.conv2d_gemm = null;
  log(`  ${name} conv2d: ${figures.conv2d_fwd?.toFixed(2) ?? '-'} GFLOP/s`);
  // recurrent (issue 13)
  figures.lstm_step = want('lstm_step') ? tfjsLstmStep(tf, cfg) : null;
  log(`  ${name} lstm step: ${figures.lstm_step?.toFixed(3) ?? '-'} ms`);
  // attention (issue 13)
  figures.transformer_step = want('transformer_step') ? transformerStepTfjs(tf, cfg) : null;
  log(`  ${name} transformer encoder layer step: ${figures.transformer_step?.toFixed(2) ?? '-'} ms`);
  if (data && want('digits_wall')) {
    const r = digitsJob(tf, cfg, data, name, log);
    figures.digits_wall = r.seconds;
    figures.digits_acc = r.accuracy;
  } else {
    figures.digits_wall = figures.digits_acc = null;
  }
  // LeNet rows (issue 12). tfjs-backend-wasm 4.x has no Conv2DBackpropFilter kernel, so it cannot train a
  // CNN: those rows stay null and info.cnnUnsupported says why (tfjs-cpu runs them).
  let cnnUnsupported: string | null = null;
  try {
    figures.cnn_step_b32 = want('cnn_step_b32') ? cnnStepRow(tf, cfg, 32) : null;
    figures.cnn_step_b128 = want('cnn_step_b128') ? cnnStepRow(tf, cfg, 128) : null;
    log(`  ${name} LeNet step: ${figures.cnn_step_b32?.toFixed(3) ?? '-'} ms (b32), ${figures.cnn_step_b128?.toFixed(3) ?? '-'} ms (b128)`);
    const cnnJob = data && want('cnn_digits_wall') ? digitsJob(tf, cfg, data, name, log, 'cnn') : null;
    figures.cnn_digits_wall = cnnJob ? cnnJob.seconds : null;
    figures.cnn_digits_acc = cnnJob ? cnnJob.accuracy : null;
  } catch (err) {
    if (!/not registered for backend/.test((err as Error).message)) throw err;
    cnnUnsupported = (err as Error).message;
    figures.cnn_step_b32 = figures.cnn_step_b128 = figures.cnn_digits_wall = figures.cnn_digits_acc = null;
    log(`  ${name} LeNet rows skipped: ${cnnUnsupported}`);
  }
  const leaked = tf.memory().numTensors;
  return {
    figures,
    extras: mm.extras,
    info: {
      ...versions,
      backend: tf.getBackend(),
      threads,
      ...(backend === 'wasm' ? { binary: 'tfjs-backend-wasm-simd.wasm (non-threaded)', simd: String(tf.env().getBool('WASM_HAS_SIMD_SUPPORT')) } : {}),
      tensorsAlive: String(leaked),
      ...(cnnUnsupported ? { cnnUnsupported } : {}),
    },
  };
}
