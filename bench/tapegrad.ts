/**
 * The tapegrad column: every row of the table measured on @tapegrad/core (matmul kernels, tape and
 * backward), with the model and optimizer written on core's public API (see mlp below).
 */
import { Generator, linear, noGrad, rand, randint, randn, tensor, type Tensor } from '@tapegrad/core';
import { DataLoader, TensorDataset } from '@tapegrad/data';
import { kernelBackend } from '../packages/core/src/kernels/gemm';
import type { BenchConfig, ColumnFigures } from './config';
import type { DigitsArrays } from './digits-data';
import { timeIt } from './timing';

export type Log = (msg: string) => void;

// ---- the 784 -> 128 ReLU -> 10 network, on core only --------------------------------------------

/** A two-layer perceptron with PyTorch's nn.Linear init: weight and bias ~ U(-1/√in, 1/√in). */
export interface Mlp {
  params: Tensor[];
  forward(x: Tensor): Tensor;
}

function uniformLeaf(shape: number[], bound: number, g: Generator): Tensor {
  return noGrad(() => rand(shape, { generator: g }).mul(2 * bound).sub(bound)).requiresGrad_();
}

export function makeMlp(inF: number, hidden: number, classes: number, g: Generator): Mlp {
  const b1 = 1 / Math.sqrt(inF), b2 = 1 / Math.sqrt(hidden);
  const w1 = uniformLeaf([hidden, inF], b1, g), c1 = uniformLeaf([hidden], b1, g);
  const w2 = uniformLeaf([classes, hidden], b2, g), c2 = uniformLeaf([classes], b2, g);
  return {
    params: [w1, c1, w2, c2],
    forward: (x) => linear(linear(x, w1, c1).relu(), w2, c2),
  };
}

/** Mean softmax cross-entropy of logits [N, C] against int32 class labels [N] (F.cross_entropy). */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  return logits.logSoftmax(1).gather(1, labels.unsqueeze(1)).mean().neg();
}

/** torch.optim.SGD (dampening 0, no weight decay, no Nesterov); zeroGrad sets grads to null. */
export class Sgd {
  private readonly bufs: (Tensor | null)[];
  constructor(readonly params: Tensor[], readonly lr: number, readonly momentum = 0) {
    this.bufs = params.map(() => null);
  }
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }
  step(): void {
    noGrad(() => {
      this.params.forEach((p, i) => {
        const g = p.grad;
        if (!g) return;
        if (this.momentum === 0) {
          p.sub_(g.mul(this.lr));
          return;
        }
        const buf = this.bufs[i];
        // PyTorch: the first step's buffer is the gradient itself, later ones momentum * buf + grad.
        const next = buf ? buf.mul_(this.momentum).add_(g) : g.clone();
        this.bufs[i] = next;
        p.sub_(next.mul(this.lr));
      });
    });
  }
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

function stepRow(cfg: BenchConfig, batch: number): number {
  const { inF, hidden, classes, lr } = cfg.mlp;
  const g = new Generator(2);
  const model = makeMlp(inF, hidden, classes, g);
  const opt = new Sgd(model.params, lr);
  const x = rand([batch, inF], { generator: g });
  const y = randint(0, classes, [batch], { generator: g });
  const t = timeIt(() => {
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
  }, cfg.stepTiming);
  return t.seconds * 1e3;
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

/** The digits job: returns wall seconds (training + per-epoch eval) and the final test accuracy in %. */
export function digitsJob(cfg: BenchConfig, data: DigitsArrays, log: Log): { seconds: number; accuracy: number } {
  const job = cfg.digits, P = data.pixels;
  const all = tensor(data.images).reshape([data.images.length / P, P]);
  const labels = tensor(data.labels);
  const trainX = all.narrow(0, 0, job.trainSize), trainY = labels.narrow(0, 0, job.trainSize);
  const testX = all.narrow(0, job.trainSize, job.testSize), testY = labels.narrow(0, job.trainSize, job.testSize);
  const g = new Generator(job.seed);
  const t0 = performance.now();
  const model = makeMlp(P, cfg.mlp.hidden, cfg.mlp.classes, g);
  const opt = new Sgd(model.params, job.lr, job.momentum);
  const loader = new DataLoader(new TensorDataset(trainX, trainY), { batchSize: job.batchSize, shuffle: true, generator: g });
  let accuracy = 0;
  for (let epoch = 0; epoch < job.epochs; epoch++) {
    for (const [xb, yb] of loader) {
      opt.zeroGrad();
      crossEntropy(model.forward(xb), yb).backward();
      opt.step();
    }
    accuracy = noGrad(() => model.forward(testX).argmax(1).eq(testY).float().mean().item()) * 100;
    log(`  tapegrad digits epoch ${epoch + 1}/${job.epochs}: test accuracy ${accuracy.toFixed(2)}%`);
  }
  return { seconds: (performance.now() - t0) / 1e3, accuracy };
}

/** Runs every row; `data` is null when the digits could not be loaded (the digits rows are then null). */
export function runTapegrad(cfg: BenchConfig, data: DigitsArrays | null, log: Log): { figures: ColumnFigures; info: Record<string, string> } {
  log(`tapegrad (gemm kernel: ${kernelBackend()})`);
  const figures: ColumnFigures = { ...matmulRows(cfg, log) };
  figures.step_b64 = stepRow(cfg, 64);
  figures.step_b256 = stepRow(cfg, 256);
  log(`  tapegrad step: ${figures.step_b64.toFixed(3)} ms (b64), ${figures.step_b256.toFixed(3)} ms (b256)`);
  figures.tiny_op = tinyRow(cfg);
  log(`  tapegrad tiny op: ${figures.tiny_op.toFixed(2)} µs/op`);
  if (data) {
    const r = digitsJob(cfg, data, log);
    figures.digits_wall = r.seconds;
    figures.digits_acc = r.accuracy;
  } else {
    figures.digits_wall = figures.digits_acc = null;
  }
  return { figures, info: { gemmKernel: kernelBackend(), model: 'core only (linear, relu, logSoftmax + gather, hand-written SGD)' } };
}
