/**
 * `npm run bench [-- --quick] [-- --json] [-- --clock cpu] [-- --only tapegrad,tfjs-wasm,...]`
 *
 * tapegrad side by side with TensorFlow.js 4.22 (cpu and wasm backends) and, when `python3 -c "import
 * torch"` works, PyTorch; all single-threaded, float32. Prints a table (figures and tapegrad/peer
 * ratios) and writes every figure with the machine description to bench/results.json.
 *   --quick   fewer repetitions, a 2-epoch digits job, tfjs-cpu skips its slowest rows (under a minute)
 *   --json    print only the JSON to stdout (progress still goes to stderr)
 *   --only    comma-separated subset of columns: tapegrad, tapegrad-compiled, tapegrad-fma, tfjs-cpu, tfjs-wasm,
 *             pytorch (tapegrad-compiled: the step rows with each step through compile(); bench/compiled.ts)
 *   --clock   wall (default) or cpu: time every figure by the process's CPU time instead of the wall
 *             clock — for machines shared with other busy processes (see bench/timing.ts)
 *   --rounds  run the selected columns N times, one after the other in turn (tapegrad, its compiled
 *             column, PyTorch, then again); each figure is the median over the rounds, and a note gives
 *             the per-round tapegrad ÷ PyTorch ratios of the target rows. On a machine whose speed drifts
 *             by tens of percent from minute to minute (a shared cloud core), one round's ratio says
 *             more about when each column ran than about the code: rounds put both sides in every period.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, arch, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { COLUMNS, ROWS, makeConfig, type Column, type ColumnFigures, type RowId } from './config';
import { loadDigitsArrays, writeDigitsBin, type DigitsArrays, type DigitsFiles } from './digits-data';
import { buildRows, renderTable, fmtNum } from './table';
import { runTapegrad, type Log } from './tapegrad';
import { runTfjs } from './tfjs';
import { runTorch } from './torch';
import { runJsonChild } from './child';
import { median, setClock, type ClockName } from './timing';
import { relaxedSimdActive, setRelaxedSimd } from '@tapegrad/core';
import type { BenchConfig } from './config';

interface Args {
  quick: boolean;
  json: boolean;
  only: Column[];
  clock: ClockName;
  rounds: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, json: false, only: [...COLUMNS], clock: 'wall', rounds: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--json') args.json = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const list = a === '--only' ? argv[++i] : a.slice('--only='.length);
      if (!list) throw new Error('bench: --only needs a comma-separated list of columns');
      const cols = list.split(',').map((s) => s.trim()).filter(Boolean);
      for (const c of cols) {
        if (!(COLUMNS as readonly string[]).includes(c)) throw new Error(`bench: unknown column '${c}' in --only (expected ${COLUMNS.join(', ')})`);
      }
      args.only = cols as Column[];
    } else if (a === '--clock' || a.startsWith('--clock=')) {
      const c = a === '--clock' ? argv[++i] : a.slice('--clock='.length);
      if (c !== 'wall' && c !== 'cpu') throw new Error(`bench: --clock must be 'wall' or 'cpu', got '${c ?? ''}'`);
      args.clock = c;
    } else if (a === '--rounds' || a.startsWith('--rounds=')) {
      const v = a === '--rounds' ? argv[++i] : a.slice('--rounds='.length);
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 50) throw new Error(`bench: --rounds must be a whole number from 1 to 50, got '${v ?? ''}'`);
      args.rounds = n;
    } else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run bench [-- --quick] [-- --json] [-- --clock wall|cpu] [-- --rounds N] [-- --only tapegrad,tapegrad-compiled,tapegrad-fma,tfjs-cpu,tfjs-wasm,pytorch]\n');
      process.exit(0);
    } else throw new Error(`bench: unknown argument '${a}' (expected --quick, --json, --clock wall|cpu, --rounds N, --only <columns>)`);
  }
  return args;
}

/** The repository root: the first folder from the working directory upwards holding bench/torch.py. */
function repoRoot(): string {
  let dir = resolve(process.cwd());
  for (;;) {
    if (existsSync(join(dir, 'bench', 'torch.py')) && existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`bench: cannot find the repository root (a folder with bench/torch.py) above ${process.cwd()}`);
    dir = up;
  }
}

/**
 * The tapegrad-fma column: in this process when the engine ships relaxed SIMD, else in a child
 * `node --experimental-wasm-relaxed-simd` (bench/tapegrad-fma-child.ts) given the same config and digits.
 */
async function runTapegradFma(root: string, cfg: BenchConfig, data: DigitsArrays | null, files: DigitsFiles | null, log: Log): Promise<Omit<ColumnResult, 'seconds'>> {
  setRelaxedSimd(true);
  const here = relaxedSimdActive();
  setRelaxedSimd(false);
  if (here) {
    const r = runTapegrad(cfg, data, log, true);
    return { figures: r.figures, info: { ...r.info, process: 'this process (the engine ships relaxed SIMD)' } };
  }
  const flag = '--experimental-wasm-relaxed-simd';
  const arg = JSON.stringify({ cfg, digits: data && files ? { images: files.images, labels: files.labels, trainSize: data.trainSize, pixels: data.pixels } : null });
  const r = await runJsonChild<{ figures: ColumnFigures; info: Record<string, string> }>(
    `node ${flag}`, process.execPath, [flag, join(root, 'scripts', 'run-ts.cjs'), join(root, 'bench', 'tapegrad-fma-child.ts'), arg],
  );
  if (!r.ok) return { skipped: `${r.reason} (this Node may not know the flag)` };
  return { figures: r.value.figures, info: { ...r.value.info, process: `child: node ${flag}` } };
}

/** The training-step rows that the compiled column and the per-round notes compare with PyTorch. */
const STEP_ROWS: readonly RowId[] = ['step_b64', 'step_b256', 'digits_wall', 'lstm_step', 'transformer_step', 'cnn_step_b32', 'cnn_step_b128', 'cnn_digits_wall'];

/**
 * The tapegrad-compiled column's notes (issue 15): what it is, rows whose step did not replay, the digits
 * accuracies against the eager column's (compile must not change a bit, so they must be equal), and
 * compiled ÷ PyTorch and compiled ÷ eager on the step rows beside the issue's targets.
 */
function compiledNotes(eager: ColumnFigures | undefined, comp: ColumnFigures | undefined, torch: ColumnFigures | undefined, info: Record<string, string> | undefined): string[] {
  if (!comp) return [];
  const notes = ['tg comp: the tapegrad column\'s step rows with each step (zeroGrad, forward, loss, backward, opt.step()) through compile(), checked to replay after the timing; kernel rows are the same code (left empty)'];
  if (info?.replayFailures) notes.push(`warning: tapegrad-compiled rows left empty because their step did not replay: ${info.replayFailures}`);
  for (const id of ['digits_acc', 'cnn_digits_acc'] as const) {
    const c = comp[id], e = eager?.[id];
    if (typeof c !== 'number') continue;
    if (typeof e !== 'number') notes.push(`tapegrad-compiled ${id} ${fmtNum(c)} % not compared with eager (the tapegrad column did not run it)`);
    else if (Object.is(c, e)) notes.push(`tapegrad-compiled ${id} equals eager's exactly (${fmtNum(c)} %)`);
    else notes.push(`warning: tapegrad-compiled ${id} ${c} % differs from eager's ${e} %: compiled training is not bit-identical to eager`);
  }
  const targets: Partial<Record<RowId, number>> = { step_b64: 1.4, step_b256: 1.4, digits_wall: 1.5 };
  const ratio = (a: number | null | undefined, b: number | null | undefined): string => (typeof a === 'number' && typeof b === 'number' && b > 0 ? `${fmtNum(a / b)}×` : '–');
  const ids = STEP_ROWS;
  const label = (id: RowId): string => `${id}${targets[id] !== undefined ? ` (target ≤ ${targets[id]}×)` : ''}`;
  if (torch) notes.push(`tapegrad-compiled ÷ PyTorch: ${ids.map((id) => `${label(id)} ${ratio(comp[id], torch[id])}`).join(', ')}`);
  if (eager) notes.push(`tapegrad-compiled ÷ tapegrad (eager): ${ids.map((id) => `${id} ${ratio(comp[id], eager[id])}`).join(', ')}`);
  return notes;
}

/**
 * One result per column from several rounds: each figure the median of the rounds that produced it (null
 * when none did), info from the last round, seconds summed; a column skipped in every round stays skipped.
 */
function mergeRounds(rounds: Partial<Record<Column, ColumnResult>>[]): Partial<Record<Column, ColumnResult>> {
  if (rounds.length === 1) return rounds[0];
  const out: Partial<Record<Column, ColumnResult>> = {};
  for (const c of COLUMNS) {
    const rs = rounds.map((r) => r[c]).filter((r): r is ColumnResult => r !== undefined);
    if (rs.length === 0) continue;
    const seconds = rs.reduce((a, r) => a + r.seconds, 0);
    const withFigures = rs.filter((r) => r.figures);
    if (withFigures.length === 0) {
      out[c] = { ...rs[rs.length - 1], seconds };
      continue;
    }
    const figures: ColumnFigures = {};
    for (const row of ROWS) {
      const id = row.id as RowId;
      const vals = withFigures.map((r) => r.figures![id]).filter((v): v is number => typeof v === 'number');
      figures[id] = vals.length ? median(vals) : null;
    }
    const last = withFigures[withFigures.length - 1];
    out[c] = { ...last, figures, seconds };
  }
  return out;
}

/** Per-round tapegrad ÷ PyTorch (eager and compiled) for the rows with targets, and their median. */
function roundNotes(rounds: Partial<Record<Column, ColumnResult>>[]): string[] {
  const ids = STEP_ROWS;
  const notes: string[] = [];
  for (const col of ['tapegrad', 'tapegrad-compiled'] as const) {
    const parts: string[] = [];
    for (const id of ids) {
      const rs = rounds.map((r) => {
        const a = r[col]?.figures?.[id], b = r.pytorch?.figures?.[id];
        return typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null;
      }).filter((x): x is number => x !== null);
      if (rs.length) parts.push(`${id} ${rs.map((x) => x.toFixed(2)).join('/')} (median ${median(rs).toFixed(2)}×)`);
    }
    if (parts.length) notes.push(`per-round ${col} ÷ PyTorch over ${rounds.length} rounds: ${parts.join(', ')}`);
  }
  return notes;
}

interface ColumnResult {
  figures?: ColumnFigures;
  extras?: Record<string, number>;
  info?: Record<string, string>;
  skipped?: string;
  seconds: number;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = repoRoot();
  const cfg = makeConfig(args.quick, args.clock);
  setClock(args.clock);
  const log: Log = (m) => process.stderr.write(m + '\n');
  const loadStart = loadavg();
  const started = Date.now();
  log(`tapegrad bench${args.quick ? ' (--quick)' : ''}: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, node ${process.version}`);

  let data: DigitsArrays | null = null;
  let dataNote = '';
  try {
    data = loadDigitsArrays(cfg.digits.trainSize);
  } catch (e) {
    dataNote = `digits rows skipped: ${(e as Error).message}`;
    log(dataNote);
  }

  let results: Partial<Record<Column, ColumnResult>> = {};
  const run = async (col: Column, fn: () => Promise<Omit<ColumnResult, 'seconds'>>): Promise<void> => {
    if (!args.only.includes(col)) {
      results[col] = { skipped: 'not selected (--only)', seconds: 0 };
      return;
    }
    const t0 = performance.now();
    try {
      results[col] = { ...(await fn()), seconds: (performance.now() - t0) / 1e3 };
    } catch (e) {
      const msg = (e as Error).message;
      log(`${col} failed: ${msg}`);
      results[col] = { skipped: `failed: ${msg}`, seconds: (performance.now() - t0) / 1e3 };
    }
  };

  // Raw copies of the digits for the child processes (PyTorch, tapegrad-fma), removed at the end.
  const files: DigitsFiles | null = data ? writeDigitsBin(data) : null;
  const perRound: Partial<Record<Column, ColumnResult>>[] = [];
  try {
    for (let round = 0; round < args.rounds; round++) {
      if (args.rounds > 1) log(`-- round ${round + 1}/${args.rounds}`);
      results = {};
      await run('tapegrad', async () => runTapegrad(cfg, data, log, false));
      await run('tapegrad-compiled', async () => runTapegrad(cfg, data, log, false, true)); // compiled step (issue 15)
      await run('tapegrad-fma', () => runTapegradFma(root, cfg, data, files, log));
      await run('tfjs-wasm', () => runTfjs('wasm', cfg, data, [], log));
      await run('tfjs-cpu', () => runTfjs('cpu', cfg, data, cfg.tfjsCpuSkip, log));
      await run('pytorch', async () => {
        const r = await runTorch(cfg, files, [], join(root, 'bench', 'torch.py'), log);
        if (!r.ok) {
          log(`pytorch column skipped: ${r.reason}`);
          return { skipped: r.reason };
        }
        return { figures: r.figures, info: r.info };
      });
      perRound.push(results);
    }
  } finally {
    files?.cleanup();
  }
  results = mergeRounds(perRound);

  const figures: Partial<Record<Column, ColumnFigures>> = {};
  for (const c of COLUMNS) if (results[c]?.figures) figures[c] = results[c]!.figures;
  const rows = buildRows(figures);

  const notes: string[] = [];
  for (const c of COLUMNS) if (results[c]?.skipped) notes.push(`${c} column skipped: ${results[c]!.skipped}`);
  if (dataNote) notes.push(dataNote);
  if (results['tfjs-cpu']?.figures) {
    const skippedRows = ROWS.filter((r) => results['tfjs-cpu']!.figures![r.id as RowId] === null).map((r) => r.id);
    if (skippedRows.length) notes.push(`tfjs-cpu skipped (too slow for --quick): ${skippedRows.join(', ')}`);
  }
  const wasmExtras = results['tfjs-wasm']?.extras;
  if (wasmExtras) {
    notes.push(
      `tfjs-wasm with an explicit tf.transpose copy instead of matMul's transpose flag: Aᵀ·B ${fmtNum(wasmExtras.matmul_atb_transpose_copy)}, ` +
        `A·Bᵀ ${fmtNum(wasmExtras.matmul_abt_transpose_copy)} GFLOP/s (its XNNPACK path takes neither flag)`,
    );
  }
  // convolution (issue 12)
  for (const c of ['tfjs-cpu', 'tfjs-wasm'] as const) {
    const why = results[c]?.info?.cnnUnsupported;
    if (why) notes.push(`${c} cannot train the LeNet (${why}): its cnn_* rows are empty`);
  }
  const torchInfo = results.pytorch?.info;
  if (torchInfo) notes.push(`PyTorch ${torchInfo.torchVersion}, BLAS loaded: ${torchInfo.blasLoaded} (${torchInfo.blasAlternative})`);
  const tgInfo = results.tapegrad?.info;
  if (tgInfo) notes.push(`tapegrad gemm kernel: ${tgInfo.gemmKernel} (plain SIMD: separate multiply and add); model: ${tgInfo.model}`);
  for (const c of ['tapegrad', 'tapegrad-fma'] as const) {
    const f = results[c]?.figures;
    const peak = f?.simd_peak;
    if (!f || !peak) continue;
    const frac = (id: RowId): string => (typeof f[id] === 'number' ? `${(((f[id] as number) / peak) * 100).toFixed(0)} %` : '–');
    notes.push(`${c} GEMM as a fraction of the measured plain-SIMD mul+add peak (${fmtNum(peak)} GFLOP/s): A·B ${frac('matmul_ab')}, Aᵀ·B ${frac('matmul_atb')}, A·Bᵀ ${frac('matmul_abt')}`);
  }
  const fmaInfo = results['tapegrad-fma']?.info;
  if (fmaInfo) notes.push(`tg FMA: the same code on the relaxed-SIMD kernels (fused multiply-add), run in ${fmaInfo.process}`);
  notes.push(...compiledNotes(results.tapegrad?.figures, results['tapegrad-compiled']?.figures, results.pytorch?.figures, results['tapegrad-compiled']?.info));
  if (perRound.length > 1) notes.push(...roundNotes(perRound));

  const loadEnd = loadavg();
  const report = {
    date: new Date().toISOString(),
    quick: args.quick,
    rounds: args.rounds,
    clock: args.clock,
    wallSeconds: (Date.now() - started) / 1e3,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      os: `${platform()} ${release()} ${arch()}`,
      totalMemGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      loadavgStart: loadStart,
      loadavgEnd: loadEnd,
    },
    blas: {
      torch: torchInfo ? { loaded: torchInfo.blasLoaded, build: torchInfo.blasBuild, alternative: torchInfo.blasAlternative, ldLibraryPath: torchInfo.ldLibraryPath } : null,
    },
    config: cfg,
    columns: results,
    rows,
    notes,
  };
  const outPath = join(root, 'bench', 'results.json');
  writeFileSync(outPath, JSON.stringify(report, null, 2) + '\n');

  if (args.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const lines = [
    '',
    `tapegrad bench${args.quick ? ' --quick' : ''} — ${report.machine.cpu}, ${report.machine.cores} cores, node ${report.machine.node}, ${report.machine.os}`,
    `float32, one thread everywhere, ${args.clock === 'cpu' ? 'process CPU time' : 'wall-clock time'};${args.rounds > 1 ? ` each figure the median of ${args.rounds} rounds, each of them` : ''} median of ${cfg.matmulTiming.reps} (matmul) / ${cfg.stepTiming.reps} (step, tiny op) samples after warm-up;` +
      ` digits job: ${cfg.digits.epochs} epochs × ${cfg.digits.trainSize} digits, batch ${cfg.digits.batchSize}, SGD lr ${cfg.digits.lr} momentum ${cfg.digits.momentum}, eval on ${cfg.digits.testSize} each epoch`,
    '',
    renderTable(rows),
    '',
    'tg/x = tapegrad ÷ x (fma/x, comp/x: tg FMA, tg comp ÷ x): above 1 means tapegrad is higher — better for GFLOP/s and %, worse for ms, µs and s.',
    ...(args.clock === 'wall' && Math.max(loadStart[0], loadEnd[0]) > report.machine.cores
      ? [`- warning: load average above the core count (${report.machine.cores}): other processes were competing for the CPU; consider --clock cpu`]
      : []),
    ...notes.map((n) => `- ${n}`),
    `(${report.wallSeconds.toFixed(1)} s; load average ${loadStart.map((l) => l.toFixed(2)).join(' ')} at start, ${loadEnd.map((l) => l.toFixed(2)).join(' ')} at end; written to bench/results.json)`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((e: unknown) => {
  const err = e instanceof Error ? e : new Error(String(e));
  // Usage errors (thrown by parseArgs/repoRoot, prefixed 'bench:') need no stack trace.
  process.stderr.write(err.message.startsWith('bench:') ? `${err.message}\n` : `bench: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
