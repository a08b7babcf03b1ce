/**
 * The child half of webgpu-checkpoint.test.ts: in Node, where `webgpu.init()` opens Dawn from the optional
 * `webgpu` package (jest's module system cannot load it), trains a small model on the device for two Adam
 * steps, saves the checkpoint straight from the device with saveCheckpointAsync, loads it back and prints
 * one JSON line comparing the file with the device values; or {"skipped": reason} without an adapter.
 * Usage: node scripts/run-ts.cjs packages/tapegrad/test/io/webgpu-checkpoint-run.ts <dir>
 */
import path from 'node:path';
import { Generator, randn, webgpu, type Tensor } from '@tapegrad/core';
import { Linear, ReLU, Sequential, F } from '@tapegrad/nn';
import { Adam } from '@tapegrad/optim';
import { loadCheckpoint, saveCheckpoint, saveCheckpointAsync, saveAsync, load, toCpuAsync } from '../../src/io/checkpoint';

async function main(): Promise<void> {
  const dir = process.argv[2];
  try {
    await webgpu.init();
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ skipped: (e as Error).message })}\n`);
    return;
  }
  const g = new Generator(1);
  const model = new Sequential(new Linear(4, 8, { generator: g }), new ReLU(), new Linear(8, 3, { generator: g }));
  model.to('webgpu');
  const opt = new Adam([...model.parameters()], { lr: 0.01 });
  const x = randn([5, 4], { generator: g }).to('webgpu'), y = randn([5, 3], { generator: g }).to('webgpu');
  for (let i = 0; i < 2; i++) {
    opt.zeroGrad();
    F.mseLoss(model.call(x) as Tensor, y).backward();
    opt.step();
  }
  let syncError = 'no error';
  try {
    saveCheckpoint({ model: model.stateDict(), optimizer: opt.stateDict(), step: 2 }, path.join(dir, 'sync.safetensors'));
  } catch (e) {
    syncError = (e as Error).message;
  }
  const file = path.join(dir, 'ckpt.safetensors');
  await saveCheckpointAsync({ model: model.stateDict(), optimizer: opt.stateDict(), step: 2 }, file);
  await saveAsync(model.stateDict(), path.join(dir, 'model.safetensors'));
  const back = loadCheckpoint(file);
  const host = await toCpuAsync(model.stateDict());
  const hostOpt = await toCpuAsync(opt.stateDict());
  const same = (a: Tensor, b: Tensor): boolean => a.shape.join() === b.shape.join() && Array.from(a.dataSync()).every((v, i) => v === b.dataSync()[i]);
  const modelSame = Object.keys(host).every((k) => same(back.model[k], host[k]));
  const plain = load(path.join(dir, 'model.safetensors'));
  const plainSame = Object.keys(host).every((k) => same(plain[k], host[k]));
  const st = (hostOpt as { state: Record<string, Record<string, unknown>> }).state;
  const bst = (back.optimizer as unknown as { state: Record<string, Record<string, unknown>> }).state;
  const optSame = Object.keys(st).every((k) => same(bst[k].expAvg as Tensor, st[k].expAvg as Tensor) && same(bst[k].expAvgSq as Tensor, st[k].expAvgSq as Tensor));
  // A fresh cpu model loads the file and gives the device model's outputs.
  const cpuModel = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
  cpuModel.loadStateDict(back.model);
  const outCpu = Array.from((cpuModel.call(await x.cpuAsync()) as Tensor).dataSync());
  const outGpu = Array.from(await (model.call(x) as Tensor).dataAsync());
  const outErr = Math.max(...outCpu.map((v, i) => Math.abs(v - outGpu[i])));
  process.stdout.write(`${JSON.stringify({ syncError, modelSame, plainSame, optSame, keys: Object.keys(back.model), step: back.step, outErr, onDevice: host['0.weight'] !== model.stateDict()['0.weight'] })}\n`);
}

main().then(
  () => process.exit(0), // Dawn's live instance could keep Node running
  (e: unknown) => {
    process.stderr.write(`${String((e as Error).stack ?? e)}\n`);
    process.exit(1);
  },
);
