/**
 * Run by autograd/memory.test.ts in a child process (`node --expose-gc scripts/run-ts.cjs <this file> <mode>`):
 * mode 'train' runs SGD steps of a small MLP (forward, backward, update under noGrad); mode 'forward' runs
 * forward passes with grad on and never calls backward. Prints heapUsed after a full GC, after the
 * warm-up and at the end, as one JSON line.
 */
import { Tensor, randn, noGrad, Generator } from '@tapegrad/core';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('memory-script: run node with --expose-gc');
const mode = process.argv[2] ?? 'train';
const steps = Number(process.argv[3] ?? 10000);
const warmup = Number(process.argv[4] ?? 1000);

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

let lastLoss = NaN;
function step(): void {
  const loss = forward();
  if (mode === 'train') {
    loss.backward();
    noGrad(() => {
      for (const p of list) { p.sub_(p.grad!.mul(0.01)); p.grad = null; }
    });
  }
  lastLoss = loss.item();
}

const heap = (): number => { for (let i = 0; i < 4; i++) gc(); return process.memoryUsage().heapUsed; };
const t0 = Date.now();
let firstLoss = NaN;
for (let i = 0; i < warmup; i++) { step(); if (i === 0) firstLoss = lastLoss; }
const before = heap();
for (let i = 0; i < steps; i++) step();
const after = heap();
process.stdout.write(JSON.stringify({ mode, steps, before, after, growth: after - before, firstLoss, lastLoss, ms: Date.now() - t0 }) + '\n');
