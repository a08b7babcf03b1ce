/** Loads the optim and sched cases of the PyTorch oracle (fixtures/oracle/public.json, see FORMAT.md). */
import { readFileSync } from 'fs';
import { join } from 'path';

export interface OracleTensor { shape: number[]; data: number[] }
export interface OracleCase {
  id: string;
  kind: string;
  op: string;
  args: Record<string, unknown>;
  inputs: (OracleTensor & { requiresGrad: boolean })[];
  output: OracleTensor;
}

export const ORACLE_FILE = join(__dirname, '../../../../fixtures/oracle/public.json');

export function oracleCases(kind: 'optim' | 'sched'): OracleCase[] {
  const file = JSON.parse(readFileSync(ORACLE_FILE, 'utf8')) as { cases: OracleCase[] };
  return file.cases.filter((c) => c.kind === kind);
}

/** FORMAT.md's suggested tolerance: |a − b| <= 1e-9 · max(1, max|b|). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-9): number {
  expect(actual.length).toBe(expected.length);
  let scale = 1, worst = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  if (!(worst <= rel * scale)) {
    throw new Error(`max |actual - expected| = ${worst} exceeds ${rel} * ${scale}\nactual:   ${Array.from(actual).join(', ')}\nexpected: ${Array.from(expected).join(', ')}`);
  }
  return worst;
}
