/**
 * Checkpoints straight from the webgpu device (issue 17): saveAsync / saveCheckpointAsync read device
 * tensors back (toCpuAsync) and write what save / saveCheckpoint write; the synchronous writers name the
 * async call. The device half runs in a child Node process on Dawn (webgpu-checkpoint-run.ts), skipped
 * with a warning when no adapter opens (TAPEGRAD_REQUIRE_WEBGPU=1 makes that a failure).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { noGrad, tensor, Tensor } from '@tapegrad/core';
import { load, loadCheckpoint, save, saveAsync, saveCheckpointAsync, toCpuAsync } from '../../src/io/checkpoint';

import { RUN_TS, dawnInstalled, dawnUnusable, runNode } from '../../../core/test/webgpu/dawn';

describe('toCpuAsync and saveAsync on host values', () => {
  it('copies cpu tensors and typed arrays, keeping the shape of nested state and other values', async () => {
    const a = tensor([1, 2]), b = tensor([[3]], { dtype: 'float64' });
    const state = { model: { w: a }, optimizer: { state: { 0: { expAvg: b, step: 3 } }, paramGroups: [{ lr: 0.1, params: [0] }] }, arr: new Float32Array([1]), none: null };
    const out = await toCpuAsync(state);
    expect(out).not.toBe(state);
    expect(out.model.w).not.toBe(a);
    expect(Array.from(out.model.w.dataSync())).toEqual([1, 2]);
    expect(out.optimizer.state[0].expAvg.dtype).toBe('float64');
    expect(out.optimizer.state[0].expAvg.shape).toEqual([1, 1]);
    expect(out.optimizer.state[0].step).toBe(3);
    expect(out.optimizer.paramGroups).toEqual([{ lr: 0.1, params: [0] }]);
    expect(Array.from(out.arr)).toEqual([1]);
    expect(out.arr).not.toBe(state.arr);
    expect(out.none).toBeNull();
  });

  it('is a snapshot taken at the call: writes while it is pending do not reach the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tg-snapshot-'));
    try {
      const w = tensor([1, 2, 3]);
      const pending = saveAsync({ w }, path.join(dir, 'a.safetensors'));
      const pendingCkpt = saveCheckpointAsync({ model: { w }, step: 1 }, path.join(dir, 'c.safetensors'));
      noGrad(() => w.add_(100));
      await pending;
      await pendingCkpt;
      expect(Array.from(load(path.join(dir, 'a.safetensors')).w.dataSync())).toEqual([1, 2, 3]);
      expect(Array.from(loadCheckpoint(path.join(dir, 'c.safetensors')).model.w.dataSync())).toEqual([1, 2, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a circular reference instead of recursing, and refuses the path-first order', async () => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    await expect(toCpuAsync({ optimizer: o })).rejects.toThrow('toCpuAsync: optimizer.self is a circular reference');
    await expect(saveCheckpointAsync('ckpt.safetensors' as never, { model: {} } as never)).rejects.toThrow(/the checkpoint comes first and the path second/);
  });

  it('saveAsync writes the same bytes as save', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tg-saveasync-'));
    try {
      const sd: Record<string, Tensor> = { 'fc.weight': tensor([[1, -2], [3, 4]]), 'fc.bias': tensor([0.5, 0.25], { dtype: 'float64' }) };
      save(sd, path.join(dir, 'a.safetensors'), { metadata: { epoch: '1' } });
      await saveAsync(sd, path.join(dir, 'b.safetensors'), { metadata: { epoch: '1' } });
      expect(readFileSync(path.join(dir, 'b.safetensors')).equals(readFileSync(path.join(dir, 'a.safetensors')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const installed = dawnInstalled;

(installed ? describe : describe.skip)('a checkpoint saved from a model on the webgpu device (Dawn in Node)', () => {
  interface Result { skipped?: string; syncError: string; modelSame: boolean; plainSame: boolean; optSame: boolean; keys: string[]; step: number; outErr: number; onDevice: boolean }
  let r: Result;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tg-webgpu-ckpt-'));
    const unusable = await dawnUnusable();
    if (unusable !== null) r = { skipped: unusable } as Result;
    else {
      const c = await runNode([RUN_TS, path.join(__dirname, 'webgpu-checkpoint-run.ts'), dir], 120_000);
      if (c.code !== 0) throw new Error(`webgpu-checkpoint-run.ts exited with ${c.code ?? c.signal}: ${c.stderr}${c.stdout}`.slice(0, 4000));
      r = JSON.parse(c.stdout.trim().split('\n').pop() ?? '{}') as Result;
    }
    if (r.skipped !== undefined) {
      if (process.env.TAPEGRAD_REQUIRE_WEBGPU === '1') throw new Error(`no webgpu adapter: ${r.skipped}`);
      console.warn(`webgpu checkpoint: SKIPPED — ${r.skipped}`);
    }
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const deviceTest = (name: string, fn: () => void): void => test(name, () => { if (r.skipped === undefined) fn(); });
  deviceTest('saveCheckpointAsync writes the device values of the model and the Adam state; a cpu model loads them and gives the device outputs', () => {
    expect(r.onDevice).toBe(true);
    expect(r.modelSame).toBe(true);
    expect(r.optSame).toBe(true);
    expect(r.step).toBe(2);
    expect([...r.keys].sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
    expect(r.outErr).toBeLessThan(1e-5);
  });
  deviceTest('saveAsync writes a state dict from the device', () => {
    expect(r.plainSame).toBe(true);
  });
  deviceTest('the synchronous saveCheckpoint names the tensor, the device and the async call', () => {
    expect(r.syncError).toBe('saveCheckpoint: model["0.weight"] is on the webgpu device, whose values are read asynchronously: use `await saveCheckpointAsync(...)` (or `await toCpuAsync(...)` first)');
  });
});
