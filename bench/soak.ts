/**
 * `npm run bench:soak [-- --steps N]` — a leak check for the tape: memory over many iterations.
 *
 * Phase "train": the 784 -> 128 ReLU -> 10 network trained on the digits (batch 64, SGD lr 0.05
 * momentum 0.9) for N steps (default 20,000). Phase "compiled" (issue 15): the same training from the
 * same seed with the step through compile() (replayed from its third call; its final loss must equal the
 * train phase's bit for bit). Phase "forward": N forward passes + loss with grad mode on and parameters
 * that require grad, never calling backward — the graphs are simply dropped, and must be collected
 * (tapegrad keeps no global list of nodes).
 *
 * Every `every` steps it forces a full GC (node --expose-gc, set by the npm script) and samples
 * process.memoryUsage() and the kernels' WebAssembly memory size. Growth is measured from the end of a
 * warm-up (first 10% of the steps) to the end, on the V8 heap, on ArrayBuffer memory (where tensor
 * storage lives) and on WebAssembly memory, plus the Theil–Sen slope over the post-warm-up samples.
 * Writes bench/soak-results.json.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Generator, setKernelThreads, tensor, type Tensor } from '@tapegrad/core';
import { DataLoader, TensorDataset } from '@tapegrad/data';
import { wasmKernels } from '../packages/core/src/kernels/wasm-module';
import { loadDigitsArrays } from './digits-data';
import { classifierStep, crossEntropy, makeMlp, sgd } from './tapegrad';
import { COMPILED, EAGER, type StepMode } from './compiled';

const MB = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc;

interface Sample {
  step: number;
  heapUsedMB: number;
  arrayBuffersMB: number;
  externalMB: number;
  rssMB: number;
  wasmMB: number;
}

function sample(step: number): Sample {
  // Twice: after one full GC, ArrayBuffer backing stores freed by it are often still counted (they are
  // swept afterwards); the second collection reports them gone, so samples stop jumping by tens of MB.
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  const wasm = wasmKernels()?.memory.buffer.byteLength ?? 0;
  return { step, heapUsedMB: m.heapUsed / MB, arrayBuffersMB: m.arrayBuffers / MB, externalMB: m.external / MB, rssMB: m.rss / MB, wasmMB: wasm / MB };
}

/**
 * Theil–Sen slope (median of the pairwise slopes) of a memory series over steps, in MB per 10,000 steps.
 * Robust to the odd sample taken while a transient buffer was alive, which would tilt a least-squares fit.
 */
function slopePer10k(points: readonly Sample[], key: keyof Omit<Sample, 'step'>): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j].step - points[i].step;
      if (dx > 0) slopes.push((points[j][key] - points[i][key]) / dx);
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((u, v) => u - v);
  const m = slopes.length >> 1;
  return (slopes.length % 2 ? slopes[m] : (slopes[m - 1] + slopes[m]) / 2) * 10_000;
}

interface PhaseReport {
  steps: number;
  seconds: number;
  warmupSteps: number;
  /** End minus end-of-warm-up, MB. */
  growthMB: { heapUsed: number; arrayBuffers: number; external: number; rss: number; wasm: number };
  /** Theil–Sen slope after warm-up, MB per 10,000 steps. */
  slopeMBPer10kSteps: { heapUsed: number; arrayBuffers: number };
  samples: Sample[];
}

function runPhase(name: string, steps: number, every: number, body: (step: number) => void): PhaseReport {
  const warmupSteps = Math.max(every, Math.round(steps / 10 / every) * every);
  const samples: Sample[] = [sample(0)];
  const t0 = performance.now();
  for (let s = 1; s <= steps; s++) {
    body(s);
    if (s % every === 0 || s === steps) {
      const sm = sample(s);
      samples.push(sm);
      if (s % (every * 10) === 0 || s === steps) {
        process.stderr.write(`  ${name} step ${s}/${steps}: heap ${sm.heapUsedMB.toFixed(1)} MB, array buffers ${sm.arrayBuffersMB.toFixed(1)} MB, rss ${sm.rssMB.toFixed(0)} MB\n`);
      }
    }
  }
  const seconds = (performance.now() - t0) / 1e3;
  const base = samples.find((p) => p.step >= warmupSteps) ?? samples[0];
  const last = samples[samples.length - 1];
  const after = samples.filter((p) => p.step >= warmupSteps);
  return {
    steps, seconds, warmupSteps,
    growthMB: {
      heapUsed: last.heapUsedMB - base.heapUsedMB,
      arrayBuffers: last.arrayBuffersMB - base.arrayBuffersMB,
      external: last.externalMB - base.externalMB,
      rss: last.rssMB - base.rssMB,
      wasm: last.wasmMB - base.wasmMB,
    },
    slopeMBPer10kSteps: { heapUsed: slopePer10k(after, 'heapUsedMB'), arrayBuffers: slopePer10k(after, 'arrayBuffersMB') },
    samples,
  };
}

function repoRoot(): string {
  let dir = resolve(process.cwd());
  while (!existsSync(join(dir, 'bench', 'soak.ts'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`soak: cannot find the repository root above ${process.cwd()}`);
    dir = up;
  }
  return dir;
}

function main(): void {
  const argv = process.argv.slice(2);
  let steps = 20_000;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--steps') steps = Number(argv[++i]);
    else if (argv[i].startsWith('--steps=')) steps = Number(argv[i].slice(8));
    else throw new Error(`soak: unknown argument '${argv[i]}' (expected --steps N)`);
  }
  if (!Number.isInteger(steps) || steps < 10) throw new Error(`soak: --steps must be an integer >= 10, got ${steps}`);
  if (!gc) process.stderr.write('soak: global.gc is not exposed (run through `npm run bench:soak`, which passes --expose-gc); samples include garbage\n');
  const every = Math.max(1, Math.round(steps / 100));

  // One thread: the two-thread GEMM's shared memory is not the WebAssembly memory sampled here.
  setKernelThreads(1);
  const data = loadDigitsArrays(8000);
  const P = data.pixels;
  const x = tensor(data.images).reshape([data.images.length / P, P]).narrow(0, 0, data.trainSize);
  const y = tensor(data.labels).narrow(0, 0, data.trainSize);
  /** A fresh model, optimizer and shuffled batch stream from seed 0, with its training step eager or compiled. */
  const setup = (mode: StepMode) => {
    const g = new Generator(0);
    const model = makeMlp(P, 128, 10, g);
    const opt = sgd(model.params, 0.05, 0.9);
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true, generator: g });
    let it: Iterator<[Tensor, Tensor]> = loader[Symbol.iterator]();
    const nextBatch = (): [Tensor, Tensor] => {
      let r = it.next();
      if (r.done) {
        it = loader[Symbol.iterator]();
        r = it.next();
      }
      return r.value as [Tensor, Tensor];
    };
    const step = classifierStep(mode, 'soak training step', model, opt);
    return { model, nextBatch, step };
  };

  process.stderr.write(`soak: ${steps} training steps, ${steps} compiled training steps, then ${steps} forward passes without backward (sample every ${every} steps)\n`);
  const eager = setup(EAGER), comp = setup(COMPILED);
  let lastLoss = NaN, lastCompiledLoss = NaN;
  const train = runPhase('train', steps, every, (s) => {
    const loss = eager.step(...eager.nextBatch());
    if (s === steps) lastLoss = loss.item();
  });
  const compiled = runPhase('compiled', steps, every, (s) => {
    const loss = comp.step(...comp.nextBatch());
    if (s === steps) lastCompiledLoss = loss.item();
  });
  comp.step.verify(); // throws unless every step after the second replayed
  const forward = runPhase('forward', steps, every, () => {
    const [xb, yb] = eager.nextBatch();
    crossEntropy(eager.model.forward(xb), yb); // graph built, never walked, dropped
  });

  const report = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
    gcExposed: gc !== undefined,
    sampleEvery: every,
    finalTrainLoss: lastLoss,
    finalCompiledLoss: lastCompiledLoss,
    phases: { train, compiled, forward },
  };
  writeFileSync(join(repoRoot(), 'bench', 'soak-results.json'), JSON.stringify(report, null, 2) + '\n');
  const line = (name: string, p: PhaseReport): string =>
    `${name.padEnd(8)} ${String(p.steps).padStart(6)} steps  ${p.seconds.toFixed(1).padStart(6)} s   heap ${p.growthMB.heapUsed >= 0 ? '+' : ''}${p.growthMB.heapUsed.toFixed(2)} MB` +
    ` (slope ${p.slopeMBPer10kSteps.heapUsed.toFixed(2)} MB/10k)   array buffers ${p.growthMB.arrayBuffers >= 0 ? '+' : ''}${p.growthMB.arrayBuffers.toFixed(2)} MB` +
    ` (slope ${p.slopeMBPer10kSteps.arrayBuffers.toFixed(2)} MB/10k)   wasm ${p.growthMB.wasm >= 0 ? '+' : ''}${p.growthMB.wasm.toFixed(2)} MB   rss ${p.growthMB.rss >= 0 ? '+' : ''}${p.growthMB.rss.toFixed(1)} MB`;
  process.stdout.write(
    [
      '',
      `tapegrad soak — growth after warm-up (first ${train.warmupSteps} steps), measured after a forced GC every ${every} steps:`,
      line('train', train),
      line('compiled', compiled),
      line('forward', forward),
      `final training loss ${lastLoss.toFixed(4)}, compiled ${lastCompiledLoss.toFixed(4)} (${Object.is(lastLoss, lastCompiledLoss) ? 'equal bit for bit' : 'DIFFERENT: compiled training is not bit-identical to eager'}); written to bench/soak-results.json`,
      '',
    ].join('\n'),
  );
}

main();
