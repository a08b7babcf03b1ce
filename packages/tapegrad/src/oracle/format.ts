/** The tapegrad-oracle/1 file format (see fixtures/oracle/FORMAT.md): PyTorch's values and gradients. */
export interface OracleTensor {
  shape: number[];
  data: number[];
}
export interface OracleInput extends OracleTensor {
  requiresGrad: boolean;
  dtype?: 'int64';
}
export type OracleKind = 'op' | 'loss' | 'module' | 'optim' | 'sched';
export interface OracleCase {
  id: string;
  kind: OracleKind;
  op: string;
  args: Record<string, unknown>;
  inputs: OracleInput[];
  output: OracleTensor;
  upstream: OracleTensor | null;
  grads: (OracleTensor | null)[];
}
export interface OracleFile {
  format: string;
  torch?: string;
  cases: OracleCase[];
}

export function parseOracle(text: string): OracleFile {
  const f = JSON.parse(text) as OracleFile;
  if (f.format !== 'tapegrad-oracle/1' || !Array.isArray(f.cases)) {
    throw new Error(`oracle: expected a tapegrad-oracle/1 file with a cases array, got format ${JSON.stringify(f.format)}`);
  }
  return f;
}
