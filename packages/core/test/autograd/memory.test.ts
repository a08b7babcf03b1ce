/**
 * The tape does not leak: in a child process with --expose-gc, 10,000 training steps of a small MLP,
 * 10,000 of the same step through compile() (replays: issue 15) and 10,000 forward passes with grad on
 * (never backpropagated) leave the heap (after a full GC) within 3 MB of where it was after a warm-up;
 * the training steps also leave ArrayBuffer memory (tensor storage) within 1 MB and the kernels'
 * WebAssembly memory exactly where it was.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import type { CompileStats } from '../../src';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const runner = path.join(root, 'scripts', 'run-ts.cjs');
const script = path.join(__dirname, '..', 'helpers', 'memory-script.ts');
const MB = 1024 * 1024;

interface Result {
  mode: string; steps: number; before: number; after: number; growth: number; arrayBuffersGrowth: number; wasmBefore: number; wasmGrowth: number;
  firstLoss: number; lastLoss: number; stats: CompileStats | null; ms: number;
}

function run(mode: 'train' | 'compiled' | 'forward'): Result {
  const r = spawnSync(process.execPath, ['--expose-gc', runner, script, mode, '10000', '1000'], { cwd: root, encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`memory script (${mode}) failed with ${r.status}: ${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop() as string;
  return JSON.parse(line) as Result;
}

function report(r: Result): void {
  // eslint-disable-next-line no-console
  console.log(`memory (${r.mode}): heapUsed ${(r.before / MB).toFixed(2)} MB -> ${(r.after / MB).toFixed(2)} MB, array buffers ${r.arrayBuffersGrowth >= 0 ? '+' : ''}${r.arrayBuffersGrowth} B, ` +
    `wasm memory ${(r.wasmBefore / MB).toFixed(2)} MB ${r.wasmGrowth >= 0 ? '+' : ''}${r.wasmGrowth} B over ${r.steps} steps (${r.ms} ms)`);
}

describe('memory: growth over 10,000 steps (after a 1,000-step warm-up)', () => {
  let eagerRun: Result | undefined;
  const eager = (): Result => (eagerRun ??= run('train'));

  test('training steps: forward, backward, SGD update under noGrad — heap growth < 3 MB, array buffers < 1 MB, wasm memory unchanged', () => {
    const r = eager();
    report(r);
    expect(r.steps).toBe(10000);
    expect(r.growth).toBeLessThan(3 * MB);
    expect(r.arrayBuffersGrowth).toBeLessThan(1 * MB);
    expect(r.wasmBefore).toBeGreaterThan(0); // the GEMMs ran in WebAssembly
    expect(r.wasmGrowth).toBe(0);
    expect(r.lastLoss).toBeLessThan(r.firstLoss * 0.01); // it really trained
  });

  test('the same steps through compile(): replayed after two calls, same losses as eager, heap < 3 MB, array buffers < 1 MB, wasm memory unchanged', () => {
    const r = run('compiled');
    report(r);
    expect(r.stats).toMatchObject({ calls: 11000, traces: 1, captures: 1, replays: 10998, eager: 0, fallbacks: [] });
    expect(r.growth).toBeLessThan(3 * MB);
    expect(r.arrayBuffersGrowth).toBeLessThan(1 * MB);
    expect(r.wasmBefore).toBeGreaterThan(0);
    expect(r.wasmGrowth).toBe(0);
    // a replay is eager mode's arithmetic: the same first and last loss, bit for bit
    expect(r.firstLoss).toBe(eager().firstLoss);
    expect(r.lastLoss).toBe(eager().lastLoss);
  });

  test('forward passes with grad on and no backward — growth < 3 MB (graphs are freed with their outputs)', () => {
    const r = run('forward');
    report(r);
    expect(r.growth).toBeLessThan(3 * MB);
    expect(r.lastLoss).toBe(r.firstLoss);
  });
});
