/**
 * `tapegrad train --optimizer` / `--schedule` with the names of issue 14: each name builds its PyTorch
 * class with the CLI's settings, the lr per epoch follows the schedule, and LBFGS (closure-based) trains.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tensor } from '@tapegrad/core';
import * as optim from '@tapegrad/optim';
import { parseArgs, OPTIMIZERS, SCHEDULES, DEFAULT_LR, type TrainArgs } from '../../src/cli/args';
import { makeOptimizer, makeScheduler, type Metrics } from '../../src/cli/train';
import { main } from '../../src/cli/main';
import { captureIO } from './helpers';

const cfgOf = (...argv: string[]) => (parseArgs(['train', ...argv]) as TrainArgs).config;
const params = () => [tensor([1, -1], { dtype: 'float32', requiresGrad: true })];

describe('--optimizer', () => {
  const classes: Record<string, string> = {
    sgd: 'SGD', momentum: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop', adagrad: 'Adagrad', adadelta: 'Adadelta',
    adamax: 'Adamax', nadam: 'NAdam', radam: 'RAdam', asgd: 'ASGD', rprop: 'Rprop', lbfgs: 'LBFGS',
  };
  it.each([...OPTIMIZERS])('%s builds its class with PyTorch\'s default lr', (name) => {
    const opt = makeOptimizer(cfgOf('--optimizer', name), params());
    expect(opt.constructor.name).toBe(classes[name]);
    expect(opt).toBeInstanceOf((optim as unknown as Record<string, new (...a: never[]) => unknown>)[classes[name]]);
    expect(opt.paramGroups[0].lr).toBe(DEFAULT_LR[name]);
  });
  it('lbfgs uses the strong-Wolfe line search', () => {
    expect((makeOptimizer(cfgOf('--optimizer', 'lbfgs'), params()) as optim.LBFGS).paramGroups[0].lineSearchFn).toBe('strong_wolfe');
  });
});

describe('--schedule', () => {
  /** The lr of each of `epochs` epochs, as the training loop sees it (read at the epoch's start). */
  const lrs = (schedule: string, optimizer = 'momentum', epochs = 10) => {
    const cfg = cfgOf('--schedule', schedule, '--optimizer', optimizer, '--epochs', String(epochs), '--lr', '0.1');
    const opt = makeOptimizer(cfg, params());
    const s = makeScheduler(cfg, opt);
    const out: number[] = [];
    for (let e = 0; e < epochs; e++) { out.push(opt.paramGroups[0].lr); opt.step(); s?.step(); }
    return { out, opt };
  };
  it.each([...SCHEDULES])('%s runs a whole run of epochs without error', (name) => {
    const { out } = lrs(name);
    expect(out.every((v) => Number.isFinite(v) && v >= 0 && v <= 0.1 + 1e-12)).toBe(true);
  });
  it('onecycle peaks at --lr after 30% of the epochs and ends far below; cycles SGD momentum', () => {
    const { out, opt } = lrs('onecycle');
    expect(out[0]).toBeCloseTo(0.1 / 25, 15);
    expect(Math.max(...out)).toBeCloseTo(0.1, 15);
    expect(out.indexOf(Math.max(...out))).toBe(2);
    expect((opt.paramGroups[0] as unknown as { momentum: number }).momentum).not.toBe(0.9);
  });
  it('onecycle leaves plain SGD without momentum; cycles Adam\'s beta1', () => {
    expect((lrs('onecycle', 'sgd').opt.paramGroups[0] as unknown as { momentum: number }).momentum).toBe(0);
    expect((lrs('onecycle', 'adam').opt.paramGroups[0] as unknown as { betas: number[] }).betas[0]).not.toBe(0.9);
  });
  it('cyclic, warmup, polynomial, warmup-exponential follow their rules', () => {
    const cyc = lrs('cyclic', 'adam').out;
    expect(cyc[0]).toBeCloseTo(0.01, 15);
    expect(Math.max(...cyc)).toBeCloseTo(0.1, 15);
    const warm = lrs('warmup').out;
    expect(warm.slice(0, 2).map((v) => v * 3)).toEqual([0.1, 0.1].map((v) => expect.closeTo(v, 15))); // the first fifth of 10 epochs
    expect(warm[2]).toBeCloseTo(0.1, 15);
    const poly = lrs('polynomial').out;
    poly.forEach((v, t) => expect(v).toBeCloseTo(0.1 * (1 - t / 10) ** 2, 15));
    const we = lrs('warmup-exponential').out;
    we.forEach((v, t) => expect(v).toBeCloseTo((t < 2 ? 0.1 / 3 : 0.1) * 0.9 ** t, 15));
  });
});

describe('train with LBFGS and a one-cycle schedule', () => {
  let tmp = '';
  beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-cli-optim-')); });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  it('full-batch L-BFGS on moons lowers the training loss', () => {
    const io = captureIO(false);
    const code = main(['train', '--dataset', 'moons', '--samples', '200', '--epochs', '4', '--hidden', '8', '--optimizer', 'lbfgs',
      '--batch-size', '150', '--out', path.join(tmp, 'lbfgs'), '--json'], io);
    expect([code, io.err()]).toEqual([0, '']);
    const m = JSON.parse(io.out()) as Metrics;
    expect(m.epochs[3].trainLoss).toBeLessThan(m.epochs[0].trainLoss);
  });
  it('--schedule onecycle records the schedule\'s lr per epoch', () => {
    const io = captureIO(false);
    const code = main(['train', '--dataset', 'moons', '--samples', '200', '--epochs', '5', '--hidden', '8', '--optimizer', 'adam',
      '--schedule', 'onecycle', '--lr', '0.01', '--out', path.join(tmp, 'onecycle'), '--json'], io);
    expect(code).toBe(0);
    const m = JSON.parse(io.out()) as Metrics;
    const opt = new optim.Adam(params(), { lr: 0.01 });
    const s = new optim.OneCycleLR(opt, { maxLr: 0.01, totalSteps: 5 });
    m.epochs.forEach((e) => { expect(e.lr).toBe(opt.paramGroups[0].lr); s.step(); });
  });
});
