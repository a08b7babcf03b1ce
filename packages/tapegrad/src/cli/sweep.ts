/**
 * `tapegrad sweep`: one training run per (model, hidden sizes, learning rate), a table on stdout, sweep.json
 * and a heat map (sweep.svg) in the output folder. The MLP runs once per hidden size, the CNN once.
 */
import * as fs from 'fs';
import * as nodePath from 'path';
import { datasetLabel, type ModelName, type SweepArgs, type TrainConfig } from './args';
import { loadData } from './datasets';
import { describeArchitecture, parameterCount } from './model';
import { cpuSecondsNow, estimateEnergy, formatTable, pct, type EnergyEstimate } from './report';
import { heatmapSvg } from './svg';
import { architectureFor, defaultOutDir, DivergedError, trainModel, writeTextAtomic, type CliIO } from './train';

export interface SweepRun {
  model: ModelName;
  /** The MLP's hidden sizes; [] for the CNN. */
  hidden: number[];
  lr: number;
  /** Final test accuracy in [0, 1]; null if training diverged. */
  testAccuracy: number | null;
  bestTestAccuracy: number | null;
  testLoss: number | null;
  /** Wall seconds of this run's training and evaluation. */
  seconds: number;
  parameters: number;
  diverged: boolean;
}

export interface SweepReport {
  config: Record<string, unknown>;
  grid: { models: ModelName[]; hiddenSizes: number[][]; lrs: number[] };
  runs: SweepRun[];
  best: SweepRun | null;
  wallSeconds: number;
  energy: EnergyEstimate;
  files: { json: string; svg: string };
}

/** '128', '64x32', or '0' (no hidden layer): how a hidden-size entry is written on the command line. */
export function hiddenLabel(h: number[]): string {
  return h.length === 0 ? '0' : h.join('x');
}

/** A row of the grid: 'cnn', or the hidden sizes ('mlp 128' when the sweep compares models). */
function rowLabel(model: ModelName, hidden: number[], compare: boolean): string {
  if (model === 'cnn') return 'cnn';
  return compare ? `mlp ${hiddenLabel(hidden)}` : hiddenLabel(hidden);
}

/** Runs the grid (models, then hidden sizes outer, learning rates inner) and writes sweep.json and sweep.svg. */
export function runSweep(args: SweepArgs, io: CliIO): SweepReport {
  const wall0 = performance.now();
  const cpu0 = cpuSecondsNow();
  const base = args.base;
  const say = (s = '') => {
    if (!args.json) io.stdout.write(s + '\n');
  };
  const outDir = args.out ?? defaultOutDir(args.name, (io.now ?? (() => new Date()))(), 'sweep-');
  const data = loadData(base.dataset, base);
  fs.mkdirSync(outDir, { recursive: true });
  const compare = args.models.length > 1 || args.models[0] !== 'mlp';
  const grid: { model: ModelName; hidden: number[] }[] = args.models.flatMap((model): { model: ModelName; hidden: number[] }[] =>
    model === 'cnn' ? [{ model, hidden: [] }] : args.hiddenSizes.map((hidden) => ({ model, hidden })));
  const total = grid.length * args.lrs.length;
  const rowsWhat = compare ? `${grid.length} models` : `${args.hiddenSizes.length} hidden sizes`;
  say(`tapegrad sweep: ${data.label}, ${data.train.x.shape[0]} train / ${data.test.x.shape[0]} test examples; ` +
    `${rowsWhat} x ${args.lrs.length} learning rates = ${total} runs of ${base.epochs} epoch${base.epochs === 1 ? '' : 's'} ` +
    `(${base.optimizer}, batch ${base.batchSize}, seed ${base.seed})`);

  const runs: SweepRun[] = [];
  let k = 0;
  for (const { model, hidden } of grid) {
    for (const lr of args.lrs) {
      k += 1;
      const cfg: TrainConfig = { ...base, model, hidden, lr };
      const arch = architectureFor(cfg, data);
      const t0 = performance.now();
      let run: SweepRun;
      try {
        const r = trainModel(cfg, data);
        run = {
          model, hidden, lr,
          testAccuracy: r.test.accuracy,
          bestTestAccuracy: Math.max(...r.epochs.map((e) => e.testAccuracy)),
          testLoss: r.test.loss,
          seconds: (performance.now() - t0) / 1000,
          parameters: parameterCount(arch),
          diverged: false,
        };
      } catch (err) {
        if (!(err instanceof DivergedError)) throw err;
        run = { model, hidden, lr, testAccuracy: null, bestTestAccuracy: null, testLoss: null, seconds: (performance.now() - t0) / 1000, parameters: parameterCount(arch), diverged: true };
      }
      runs.push(run);
      say(`[${k}/${total}] ${describeArchitecture(arch)} lr ${lr}: ` +
        (run.testAccuracy === null ? 'diverged' : `test accuracy ${pct(run.testAccuracy)}`) + `  ${run.seconds.toFixed(2)} s`);
    }
  }
  const ok = runs.filter((r) => r.testAccuracy !== null);
  const best = ok.length === 0 ? null : ok.reduce((a, b) => ((b.testAccuracy as number) > (a.testAccuracy as number) ? b : a));
  const wallSeconds = (performance.now() - wall0) / 1000;
  const energy = estimateEnergy(cpuSecondsNow() - cpu0, base.powerWattsPerCore, base.carbonIntensity);
  const files = { json: nodePath.join(outDir, 'sweep.json'), svg: nodePath.join(outDir, 'sweep.svg') };
  const { hidden: _h, lr: _l, model: _m, ...rest } = base;
  const report: SweepReport = {
    config: { ...rest, dataset: datasetLabel(base.dataset) },
    grid: { models: args.models, hiddenSizes: args.hiddenSizes, lrs: args.lrs },
    runs,
    best,
    wallSeconds,
    energy,
    files,
  };
  const rows = grid.map((g) => rowLabel(g.model, g.hidden, compare));
  const cols = args.lrs.map((lr) => `lr ${lr}`);
  const values = grid.map((_, i) => args.lrs.map((__, j) => runs[i * args.lrs.length + j].testAccuracy ?? NaN));
  writeTextAtomic(files.svg, heatmapSvg({
    title: `Sweep on ${data.label}: test accuracy after ${base.epochs} epoch${base.epochs === 1 ? '' : 's'}`,
    rowLabel: compare ? 'model' : 'hidden sizes',
    colLabel: 'learning rate',
    rows,
    cols,
    values,
    cellText: (v, i, j) => [Number.isFinite(v) ? pct(v) : 'diverged', `${runs[i * args.lrs.length + j].seconds.toFixed(1)} s`],
  }));
  writeTextAtomic(files.json, JSON.stringify(report, null, 2) + '\n');

  if (args.json) {
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return report;
  }
  say();
  say(formatTable(
    [compare ? 'model' : 'hidden', 'lr', 'params', 'test acc', 'best acc', 'seconds'],
    runs.map((r) => [
      rowLabel(r.model, r.hidden, compare), String(r.lr), String(r.parameters),
      r.testAccuracy === null ? 'diverged' : pct(r.testAccuracy),
      r.bestTestAccuracy === null ? '-' : pct(r.bestTestAccuracy),
      r.seconds.toFixed(2),
    ]),
  ));
  say();
  if (best) say(`best: ${compare ? rowLabel(best.model, best.hidden, true) : `hidden ${hiddenLabel(best.hidden)}`}, lr ${best.lr}: ${pct(best.testAccuracy as number)}`);
  say(`wall time ${wallSeconds.toFixed(1)} s; energy ${energy.energyWh.toPrecision(3)} Wh, ${energy.co2Grams.toPrecision(3)} g CO2 (${energy.method})`);
  say(`wrote ${files.json}, ${files.svg}`);
  return report;
}
