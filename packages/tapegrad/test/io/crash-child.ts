/**
 * Child process for the crash test in checkpoint.test.ts: saves checkpoint versions start, start+1, ...
 * to argv[2] forever, printing "ready" once and "saved <v>" after each save returns; the parent kills it
 * with SIGKILL at random moments. Every value in version v's checkpoint is derived from v (see
 * {@link expectedValue}) so the parent can tell a complete checkpoint from a mix of two.
 *
 * argv[4] === 'naive' swaps in a plain non-atomic fs.writeFileSync, to show the test catches corruption.
 */
import * as fs from 'fs';
import { tensor } from '@tapegrad/core';
import { encodeCheckpoint, saveCheckpoint, Checkpoint } from '../../src/io/checkpoint';
import { CRASH_SHAPES, expectedValue } from './crash-shapes';

const [target, startArg, mode] = process.argv.slice(2);

function fill<T extends Float32Array | Float64Array | Int32Array>(arr: T, v: number, salt: number): T {
  for (let i = 0; i < arr.length; i++) arr[i] = expectedValue(v, salt, i);
  return arr;
}

function build(v: number): Checkpoint {
  const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);
  return {
    model: {
      'fc.weight': tensor(fill(new Float32Array(numel(CRASH_SHAPES.weight)), v, 1)).reshape(CRASH_SHAPES.weight),
      'fc.bias': tensor(fill(new Float64Array(numel(CRASH_SHAPES.bias)), v, 2), { dtype: 'float64' }).reshape(CRASH_SHAPES.bias),
      'emb.ids': tensor(fill(new Int32Array(numel(CRASH_SHAPES.ids)), v, 3), { dtype: 'int32' }).reshape(CRASH_SHAPES.ids),
    },
    optimizer: {
      state: { 0: { step: v, exp_avg: tensor(fill(new Float32Array(numel(CRASH_SHAPES.weight)), v, 4)).reshape(CRASH_SHAPES.weight) } },
      paramGroups: [{ lr: 0.001, params: [0] }],
    },
    step: v,
    extra: { version: v },
  };
}

process.stdout.write('ready\n');
for (let v = Number(startArg); ; v++) {
  const ckpt = build(v);
  if (mode === 'naive') fs.writeFileSync(target, encodeCheckpoint(ckpt));
  else saveCheckpoint(ckpt, target);
  process.stdout.write(`saved ${v}\n`);
}
