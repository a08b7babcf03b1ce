/**
 * Run by autograd/memory.test.ts in a child process (`node --expose-gc scripts/run-ts.cjs <this file> <mode>`):
 * mode 'train' runs SGD steps of a small MLP (forward, backward, update under noGrad); mode 'compiled' runs
 * the same step through compile() (traced, captured, then replayed); mode 'forward' runs forward passes
 * with grad on and never calls backward. Prints, as one JSON line, heapUsed and ArrayBuffer memory after a
 * full GC and the kernels' WebAssembly memory size, after the warm-up and at the end (and compile's stats).
 */
import { Tensor, randn, noGrad, Generator, compile, setKernelThreads, type CompileStats } from '@tapegrad/core';
import { wasmKernels } from '../../src/kernels/wasm-module';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('memory-script: run node with --expose-gc');
const mode = process.argv[2] ?? 'train';
const steps = Number(process.argv[3] ?? 10000);
const warmup = Number(process.argv[4] ?? 1000);
if (mode !== 'train' && mode !== 'compiled' && mode !== 'forward') throw new Error(`memory-script: unknown mode '${mode}'`);
// One thread: the two-thread GEMM's shared memory is not the memory measured here.
setKernelThreads(1);

const g = new Generator(0);
const X = randn([16, 4], { generator: g });
const Y = randn([16, 1], { generator: g });
const params = {
  w1: randn([4, 16], { generator: g }).mul(0.5).requiresGrad_(),
  b1: randn([16], { generator: g }).mul(0.1).requiresGrad_(),
  w2: randn([16, 1], { generator: g }).mul(0.5).requiresGrad_(),
  b2: randn([1], { generator: g }).mul(0.1).requiresGrad_(),
};
const list: Tensor[] = Object.values(params);

function forward(): Tensor {
  const h = X.matmul(params.w1).add(params.b1).tanh();
  return h.matmul(params.w2).add(params.b2).sub(Y).pow(2).mean();
}

function trainStep(): Tensor {
  for (const p of list) p.grad = null;
  const loss = forward();
  loss.backward();
  noGrad(() => {
    for (const p of list) p.sub_(p.grad!.mul(0.01));
  });
  return loss;
}

const compiled = mode === 'compiled' ? compile(trainStep) : null;
const run = mode === 'forward' ? forward : compiled ?? trainStep;
let lastLoss = NaN;
const step = (): void => {
  lastLoss = run().item();
};

interface Memory { heap: number; arrayBuffers: number; wasm: number }
const memory = (): Memory => {
  for (let i = 0; i < 4; i++) gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, arrayBuffers: m.arrayBuffers, wasm: wasmKernels()?.memory.buffer.byteLength ?? 0 };
};
const t0 = Date.now();
let firstLoss = NaN;
for (let i = 0; i < warmup; i++) { step(); if (i === 0) firstLoss = lastLoss; }
const before = memory();
for (let i = 0; i < steps; i++) step();
const after = memory();
const stats: CompileStats | null = compiled ? compiled.stats() : null;
process.stdout.write(JSON.stringify({
  mode, steps, before: before.heap, after: after.heap, growth: after.heap - before.heap,
  arrayBuffersGrowth: after.arrayBuffers - before.arrayBuffers, wasmBefore: before.wasm, wasmGrowth: after.wasm - before.wasm,
  firstLoss, lastLoss, stats, ms: Date.now() - t0,
}) + '\n');
