/**
 * `node scripts/run-ts.cjs bench/step-alloc.ts [--batch 64] [--steps 400] [--zero] [--no-pool]`
 *
 * The MLP training step of bench/tapegrad.ts on its own: CPU time per step (median of samples) and the
 * bytes one eager step allocates after warm-up (median over steps of the growth of V8's used heap plus
 * ArrayBuffer memory; a step during which a GC ran shows a negative growth and is left out).
 *   --zero     zeroGrad({ setToNone: false }) (PyTorch 1.13's default) instead of setting grads to null
 *   --no-pool  disables the engine's buffer pool (setBufferPool(false)), for before/after comparisons
 */
import { memoryUsage } from 'node:process';
import { getHeapStatistics } from 'node:v8';
import { Generator, rand, randint, setKernelThreads, setBufferPool } from '@tapegrad/core';
import { crossEntropy, makeMlp, sgd } from './tapegrad';
import { median, setClock, timeIt } from './timing';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const batch = opt('--batch', 64), steps = opt('--steps', 400);
const setToNone = !argv.includes('--zero');
setBufferPool(!argv.includes('--no-pool'));
setKernelThreads(1);
setClock('cpu');

const g = new Generator(2);
const model = makeMlp(784, 128, 10, g);
const o = sgd(model.params, 0.05);
const x = rand([batch, 784], { generator: g });
const y = randint(0, 10, [batch], { generator: g, dtype: 'int32' });
const step = (): void => {
  o.zeroGrad({ setToNone });
  crossEntropy(model.forward(x), y).backward();
  o.step();
};
const t = timeIt(step, { warmup: 200, reps: 15, minSampleMs: 100 });
const used = (): number => getHeapStatistics().used_heap_size + memoryUsage().arrayBuffers;
const bytes: number[] = [];
for (let i = 0; i < steps; i++) {
  const b0 = used();
  step();
  const d = used() - b0;
  if (d >= 0) bytes.push(d);
}
const ms = t.seconds * 1e3;
const sorted = [...t.samples].sort((a, b) => a - b).map((s) => +(s * 1e3).toFixed(3));
process.stdout.write(JSON.stringify({ batch, setToNone, ms: +ms.toFixed(3), samplesMs: [sorted[0], sorted[sorted.length - 1]], bytesPerStep: median(bytes), stepsWithoutGc: bytes.length }) + '\n');
