/**
 * `npm run oracle -- <file.json> [--kind op|loss|module|optim|sched] [--dtype float32|float64] [--tol T]`
 * Prints a line per failing case and ends with `N passed, N failed`; exits 1 on any failure.
 */
import { readFileSync } from 'fs';
import { parseOracle, OracleKind } from './format';
import { runCases } from './run';

function main(argv: string[]): number {
  let file: string | undefined;
  let kind: OracleKind | undefined;
  let dtype: 'float32' | 'float64' = 'float64';
  let tol: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--kind') kind = argv[++i] as OracleKind;
    else if (a === '--dtype') dtype = argv[++i] as 'float32' | 'float64';
    else if (a === '--tol') tol = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run oracle -- <file.json> [--kind op|loss|module|optim|sched] [--dtype float64|float32] [--tol T]');
      return 0;
    } else if (a.startsWith('--')) {
      console.error(`oracle: unknown option ${a}`);
      return 2;
    } else file = a;
  }
  if (!file) {
    console.error('oracle: give an oracle file, e.g. npm run oracle -- fixtures/oracle/public.json');
    return 2;
  }
  if (kind && !['op', 'loss', 'module', 'optim', 'sched'].includes(kind)) {
    console.error(`oracle: unknown kind '${kind}' (expected op, loss, module, optim or sched)`);
    return 2;
  }
  const { passed, failed, results } = runCases(parseOracle(readFileSync(file, 'utf8')).cases, { kind, dtype, tol });
  for (const r of results) if (!r.ok) console.log(`FAIL ${r.id}: ${r.message}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
