/**
 * The child half of webgpu-optim.test.ts (Dawn in Node): an RMSprop step on webgpu parameters through
 * compile() and the same step eagerly from the same start; prints their losses and compile's stats as
 * one JSON line, or {"skipped": reason} without a device.
 */
import { compile, manualSeed, randn, webgpu, type Tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import * as optim from '@tapegrad/optim';

async function losses(compiled: boolean): Promise<{ losses: number[]; stats: unknown }> {
  manualSeed(3);
  const model = new nn.Linear(4, 3).to('webgpu');
  const opt = new optim.RMSprop(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = randn([8, 4]).to('webgpu'), y = randn([8, 3]).to('webgpu');
  const body = (xb: Tensor, yb: Tensor): Tensor => {
    opt.zeroGrad();
    const l = nn.functional.mseLoss(model.call(xb) as Tensor, yb);
    l.backward();
    opt.step();
    return l;
  };
  const step = compiled ? compile(body) : body;
  const out: number[] = [];
  for (let i = 0; i < 5; i++) out.push(await step(x, y).itemAsync());
  return { losses: out, stats: compiled ? (step as ReturnType<typeof compile>).stats() : null };
}

async function main(): Promise<void> {
  try {
    await webgpu.init();
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ skipped: (e as Error).message })}\n`);
    return;
  }
  const eager = await losses(false), compiled = await losses(true);
  process.stdout.write(`${JSON.stringify({ eager: eager.losses, compiled: compiled.losses, stats: compiled.stats })}\n`);
}

main().then(() => process.exit(0), (e: unknown) => {
  process.stderr.write(`${String((e as Error).stack ?? e)}\n`);
  process.exit(1);
});
