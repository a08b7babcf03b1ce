/**
 * Every "optim" and "sched" case of the PyTorch 1.13 oracle, run with FORMAT.md's procedure:
 * optim: `opt = new <Optimizer>([p], hyper)`, then 5 × (zeroGrad; p.grad = g; step);
 * sched: `opt = new SGD([p], { lr: 0.1 }); s = new lrScheduler.<Scheduler>(opt, params)`, then
 * 12 × (opt.step(); s.step()), recording paramGroups[0].lr.
 */
import { Tensor, tensor } from '@tapegrad/core';
import * as optim from '@tapegrad/optim';
import { expectClose, oracleCases } from './helpers/oracle';

type OptCtor = new (params: Tensor[], opts: Record<string, unknown>) => optim.Optimizer;
type SchedCtor = new (opt: optim.Optimizer, opts: Record<string, unknown>) => { step(): void };

const optimCases = oracleCases('optim');
const schedCases = oracleCases('sched');

describe('oracle: optimizers (5 steps against PyTorch 1.13, float64)', () => {
  it('has the cases FORMAT.md lists', () => {
    expect(optimCases.length).toBe(17);
    expect(new Set(optimCases.map((c) => c.op))).toEqual(new Set(['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad']));
  });

  it.each(optimCases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const { optimizer: _o, gradients, ...hyper } = c.args;
    const p0 = c.inputs[0];
    const p = tensor(p0.data, { dtype: 'float64' }).reshape(p0.shape);
    p.requiresGrad_(true);
    const Ctor = (optim as unknown as Record<string, OptCtor>)[c.op];
    const opt = new Ctor([p], hyper);
    for (const g of gradients as number[][]) {
      opt.zeroGrad();
      p.grad = tensor(g, { dtype: 'float64' }).reshape(p0.shape);
      opt.step();
    }
    expect(p.shape).toEqual(c.output.shape);
    expectClose(p.dataSync(), c.output.data);
  });
});

describe('oracle: schedulers (12 epochs against PyTorch 1.13)', () => {
  it('has the cases FORMAT.md lists', () => {
    expect(schedCases.length).toBe(7);
  });

  it.each(schedCases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const { scheduler: _s, baseLr, steps, ...params } = c.args;
    const p = tensor([0], { dtype: 'float64', requiresGrad: true });
    const opt = new optim.SGD([p], { lr: baseLr as number });
    const Ctor = (optim.lrScheduler as unknown as Record<string, SchedCtor>)[c.op];
    const s = new Ctor(opt, params);
    const lrs: number[] = [];
    for (let t = 0; t < (steps as number); t++) {
      opt.step();
      s.step();
      lrs.push(opt.paramGroups[0].lr);
    }
    // FORMAT.md: the recursive forms match the closed forms to ~1e-17; allow a few ulps of 0.1.
    expectClose(lrs, c.output.data, 1e-15);
  });
});
