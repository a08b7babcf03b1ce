/**
 * The PyTorch column: spawns bench/torch.py with the bench config and parses the JSON it prints.
 * Optional: when `python3 -c "import torch"` fails (CI without PyTorch) the column is skipped with the
 * reason, and the rest of the bench runs as usual.
 *
 * Threads: PyTorch, OpenMP and the BLAS are all held to one thread (torch.set_num_threads(1) in the
 * script, OMP/OPENBLAS/MKL_NUM_THREADS=1 here), like the single-threaded JavaScript columns.
 * BLAS: Debian's python3-torch links the generic libblas.so.3, which the alternatives system points at
 * OpenBLAS or at the reference BLAS. When OpenBLAS is installed its folder is put first on
 * LD_LIBRARY_PATH so the figure is OpenBLAS whatever the alternative says; the report records the
 * alternative and the libraries the Python process actually mapped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchConfig, ColumnFigures, RowId } from './config';
import type { DigitsFiles } from './digits-data';
import type { Log } from './tapegrad';
import { runJsonChild } from './child';

export type TorchResult =
  | { ok: true; figures: ColumnFigures; info: Record<string, string> }
  | { ok: false; reason: string };

function multiarch(): string {
  return process.arch === 'arm64' ? 'aarch64-linux-gnu' : process.arch === 'x64' ? 'x86_64-linux-gnu' : `${process.arch}-linux-gnu`;
}

/** The python3 to use: $TAPEGRAD_BENCH_PYTHON, else /usr/bin/python3 (Debian's torch), else python3 on PATH. */
function pythonPath(): string {
  const env = process.env.TAPEGRAD_BENCH_PYTHON;
  if (env) return env;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** Where libblas.so.3 points through update-alternatives (Debian/Ubuntu), or null when there is no such system. */
function blasAlternative(): string | null {
  const name = `libblas.so.3-${multiarch()}`;
  const r = spawnSync('update-alternatives', ['--display', name], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) return null;
  const m = /link currently points to (\S+)/.exec(r.stdout);
  const mode = /- (auto|manual) mode/.exec(r.stdout);
  return m ? `${name} -> ${m[1]}${mode ? ` (${mode[1]} mode)` : ''}` : null;
}

/** The first OpenBLAS build folder holding a libblas.so.3, if OpenBLAS is installed. */
function openblasDir(): string | null {
  for (const flavour of ['openblas-pthread', 'openblas-openmp', 'openblas-serial']) {
    const dir = join('/usr/lib', multiarch(), flavour);
    if (existsSync(join(dir, 'libblas.so.3'))) return dir;
  }
  return null;
}

export function torchAvailable(): { ok: true; python: string; version: string } | { ok: false; reason: string } {
  const python = pythonPath();
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.error) return { ok: false, reason: `${python} could not be run (${r.error.message})` };
  if (r.status !== 0) {
    const last = (r.stderr || '').trim().split('\n').pop() ?? '';
    return { ok: false, reason: `${python} -c "import torch" failed${last ? `: ${last}` : ''}` };
  }
  return { ok: true, python, version: r.stdout.trim() };
}

export async function runTorch(cfg: BenchConfig, files: DigitsFiles | null, skip: readonly RowId[], script: string, log: Log): Promise<TorchResult> {
  const avail = torchAvailable();
  if (!avail.ok) return avail;
  const obDir = openblasDir();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1',
    ...(obDir ? { LD_LIBRARY_PATH: [obDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') } : {}),
  };
  const arg = JSON.stringify({ ...cfg, skip, digitsFiles: files ? { images: files.images, labels: files.labels } : null });
  const r = await runJsonChild<{ figures: ColumnFigures; info: Record<string, string> }>('bench/torch.py', avail.python, [script, arg], env);
  if (!r.ok) return r;
  const parsed = r.value;
  const alt = blasAlternative();
  const info: Record<string, string> = {
    ...parsed.info,
    python: avail.python,
    blasAlternative: alt ?? '(no update-alternatives entry)',
    ldLibraryPath: obDir ?? '(not set: OpenBLAS not found under /usr/lib)',
  };
  log(`  pytorch BLAS: ${info.blasLoaded}`);
  return { ok: true, figures: parsed.figures, info };
}
