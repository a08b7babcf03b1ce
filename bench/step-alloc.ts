/**
 * `node scripts/run-ts.cjs bench/step-alloc.ts [--batch 64] [--steps 400] [--zero] [--no-pool] [--compiled]`
 *
 * The MLP training step of bench/tapegrad.ts on its own: CPU time per step (median of samples) and the
 * bytes one step allocates after warm-up: the median over steps of the growth of V8's used heap
 * (JavaScript objects) and of ArrayBuffer memory (tensor storage); steps during which a GC ran show a
 * negative growth and are left out.
 *   --zero     zeroGrad({ setToNone: false }) (PyTorch 1.13's default) instead of setting grads to null
 *   --no-pool  disables the engine's buffer pool (setBufferPool(false)), for before/after comparisons
 *   --compiled the step through compile() (replayed after two calls; checked to have replayed)
 */
import { setBufferPool, setKernelThreads } from '@tapegrad/core';
import { allocationPerCall, makeStep } from './tapegrad';
import { makeConfig } from './config';
import { COMPILED, EAGER } from './compiled';
import { setClock, timeIt } from './timing';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const batch = opt('--batch', 64), calls = opt('--steps', 400);
const setToNone = !argv.includes('--zero');
const compiled = argv.includes('--compiled');
setBufferPool(!argv.includes('--no-pool'));
setKernelThreads(1);
setClock('cpu');

const step = makeStep(makeConfig(false, 'cpu'), batch, setToNone, compiled ? COMPILED : EAGER);
const t = timeIt(step, { warmup: 200, reps: 15, minSampleMs: 100 });
const a = allocationPerCall(step, calls);
step.verify();
const sorted = [...t.samples].sort((x, y) => x - y).map((v) => +(v * 1e3).toFixed(3));
process.stdout.write(JSON.stringify({
  batch, setToNone, compiled, ms: +(t.seconds * 1e3).toFixed(3), samplesMs: [sorted[0], sorted[sorted.length - 1]],
  heapBytesPerStep: a.heapBytes, arrayBufferBytesPerStep: a.bufferBytes, stepsWithoutGc: a.counted,
}) + '\n');
