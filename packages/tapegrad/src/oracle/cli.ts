/**
 * `npm run oracle -- <file.json> [--kind op|loss|module|optim|sched] [--dtype float32|float64] [--tol T]`
 * Prints a line per failing case and ends with `N passed, N failed`; exits 1 on any failure.
 */
import { existsSync, readFileSync } from 'fs';
import { parseOracle, OracleKind } from './format';
import { runCases, missingSummary } from './run';

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
  if (!existsSync(file)) {
    console.error(`oracle: no such file: ${file} (the oracle files are in fixtures/oracle/)`);
    return 2;
  }
  let cases;
  try {
    cases = parseOracle(readFileSync(file, 'utf8')).cases;
  } catch (e) {
    console.error(`oracle: cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
    return 2;
  }
  const { passed, failed, results } = runCases(cases, { kind, dtype, tol });
  for (const r of results) if (!r.ok && !r.missing) console.log(`FAIL ${r.id}: ${r.message}`);
  const missing = missingSummary(results);
  if (missing.length) console.log(`not implemented yet (${results.filter((r) => r.missing).length} cases): ${missing.join(', ')}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
