/**
 * `scheduler.step(epoch)` with explicit epochs (out of order, repeated), over two parameter groups, as
 * PyTorch 1.13: fixtures/pytorch/sched-epoch.json, written by fixtures/pytorch/sched_epoch.py.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { tensor } from '@tapegrad/core';
import { SGD, lrScheduler, LRScheduler } from '@tapegrad/optim';

interface Case { scheduler: string; options: Record<string, unknown>; lrs: number[][] }
const ref = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'fixtures', 'pytorch', 'sched-epoch.json'), 'utf8')) as { epochs: number[]; cases: Case[] };
const LAMBDAS: Record<string, (e: number) => number> = { '0.9 ** e': (e) => 0.9 ** e, '0.9': () => 0.9 };
type Ctor = new (opt: SGD, opts: Record<string, unknown>) => LRScheduler;

describe('step(epoch) as PyTorch 1.13', () => {
  it.each(ref.cases.map((c) => [c.scheduler, c] as const))('%s', (name, c) => {
    const opt = new SGD([{ params: [tensor([0], { dtype: 'float64', requiresGrad: true })] }, { params: [tensor([0], { dtype: 'float64', requiresGrad: true })], lr: 0.05 }], { lr: 0.1, momentum: 0.9 });
    const opts = { ...c.options };
    if (typeof opts.lrLambda === 'string') opts.lrLambda = LAMBDAS[opts.lrLambda];
    const s = new (lrScheduler as unknown as Record<string, Ctor>)[name](opt, opts);
    ref.epochs.forEach((e, k) => {
      opt.step();
      s.step(e);
      opt.paramGroups.forEach((g, j) => expect(Math.abs(g.lr - c.lrs[k][j])).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(c.lrs[k][j]))));
      expect(s.lastEpoch).toBe(e);
    });
  });
});
