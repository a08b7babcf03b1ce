/**
 * The tape does not leak: in a child process with --expose-gc, 10,000 training steps of a small MLP and
 * 10,000 forward passes with grad on (never backpropagated) leave the heap (after a full GC) within 3 MB
 * of where it was after a warm-up.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const runner = path.join(root, 'scripts', 'run-ts.cjs');
const script = path.join(__dirname, '..', 'helpers', 'memory-script.ts');
const MB = 1024 * 1024;

interface Result { mode: string; steps: number; before: number; after: number; growth: number; firstLoss: number; lastLoss: number; ms: number }

function run(mode: 'train' | 'forward'): Result {
  const r = spawnSync(process.execPath, ['--expose-gc', runner, script, mode, '10000', '1000'], { cwd: root, encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`memory script (${mode}) failed with ${r.status}: ${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop() as string;
  return JSON.parse(line) as Result;
}

describe('memory: heap growth over 10,000 steps (after a 1,000-step warm-up)', () => {
  test('training steps: forward, backward, SGD update under noGrad — growth < 3 MB', () => {
    const r = run('train');
    // eslint-disable-next-line no-console
    console.log(`memory (train): heapUsed ${(r.before / MB).toFixed(2)} MB -> ${(r.after / MB).toFixed(2)} MB over ${r.steps} steps (${r.ms} ms)`);
    expect(r.steps).toBe(10000);
    expect(r.growth).toBeLessThan(3 * MB);
    expect(r.lastLoss).toBeLessThan(r.firstLoss * 0.01); // it really trained
  });

  test('forward passes with grad on and no backward — growth < 3 MB (graphs are freed with their outputs)', () => {
    const r = run('forward');
    // eslint-disable-next-line no-console
    console.log(`memory (forward): heapUsed ${(r.before / MB).toFixed(2)} MB -> ${(r.after / MB).toFixed(2)} MB over ${r.steps} steps (${r.ms} ms)`);
    expect(r.growth).toBeLessThan(3 * MB);
    expect(r.lastLoss).toBe(r.firstLoss);
  });
});
