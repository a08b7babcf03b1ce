/**
 * Builds the result rows (figures and tapegrad/peer ratios) and prints them as a plain-text table.
 */
import { COLUMNS, ROWS, type Column, type ColumnFigures, type Peer, type RowId } from './config';

const PEERS = COLUMNS.filter((c): c is Peer => c !== 'tapegrad' && c !== 'tapegrad-compiled' && c !== 'tapegrad-fma');
/** Peers the FMA and compiled columns are also compared with (the fastest ones). */
const FMA_PEERS: readonly Peer[] = ['tfjs-wasm', 'pytorch'];

export interface ResultRow {
  id: RowId;
  label: string;
  unit: string;
  higherIsBetter: boolean;
  /** null: the column skipped this row (or the whole column was skipped). */
  values: Record<Column, number | null>;
  /** tapegrad / peer, null where either figure is missing. */
  ratios: Record<Peer, number | null>;
  /** tapegrad-fma / peer, likewise. */
  ratiosFma: Record<Peer, number | null>;
  /** tapegrad-compiled / peer, likewise. */
  ratiosCompiled: Record<Peer, number | null>;
}

export function buildRows(figures: Partial<Record<Column, ColumnFigures>>): ResultRow[] {
  return ROWS.map((r) => {
    const values = Object.fromEntries(COLUMNS.map((c) => [c, figures[c]?.[r.id] ?? null])) as Record<Column, number | null>;
    const ratioOf = (tg: number | null) => Object.fromEntries(
      PEERS.map((p) => {
        const v = values[p];
        return [p, tg !== null && v !== null && v !== 0 ? tg / v : null];
      }),
    ) as Record<Peer, number | null>;
    return { id: r.id, label: r.label, unit: r.unit, higherIsBetter: r.higherIsBetter, values, ratios: ratioOf(values.tapegrad), ratiosFma: ratioOf(values['tapegrad-fma']), ratiosCompiled: ratioOf(values['tapegrad-compiled']) };
  });
}

/** Three significant digits, without exponent notation for the magnitudes this table holds. */
export function fmtNum(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

function fmtRatio(v: number | null): string {
  return v === null ? '–' : `${fmtNum(v)}×`;
}

const HEADERS: Record<Column, string> = { tapegrad: 'tapegrad', 'tapegrad-compiled': 'tg comp', 'tapegrad-fma': 'tg FMA', 'tfjs-cpu': 'tfjs-cpu', 'tfjs-wasm': 'tfjs-wasm', pytorch: 'PyTorch' };
const RATIO_HEADERS: Record<Peer, string> = { 'tfjs-cpu': 'tg/cpu', 'tfjs-wasm': 'tg/wasm', pytorch: 'tg/torch' };
const FMA_RATIO_HEADERS: Record<Peer, string> = { 'tfjs-cpu': 'fma/cpu', 'tfjs-wasm': 'fma/wasm', pytorch: 'fma/torch' };
const COMPILED_RATIO_HEADERS: Record<Peer, string> = { 'tfjs-cpu': 'comp/cpu', 'tfjs-wasm': 'comp/wasm', pytorch: 'comp/torch' };

/** The table as lines of text: one line per row, values then ratios. */
export function renderTable(rows: readonly ResultRow[]): string {
  const header = ['', 'unit', ...COLUMNS.map((c) => HEADERS[c]), ...PEERS.map((p) => RATIO_HEADERS[p]), ...FMA_PEERS.map((p) => FMA_RATIO_HEADERS[p]),
    ...FMA_PEERS.map((p) => COMPILED_RATIO_HEADERS[p])];
  const body = rows.map((r) => [
    r.label, r.unit, ...COLUMNS.map((c) => fmtNum(r.values[c])), ...PEERS.map((p) => fmtRatio(r.ratios[p])), ...FMA_PEERS.map((p) => fmtRatio(r.ratiosFma[p])),
    ...FMA_PEERS.map((p) => fmtRatio(r.ratiosCompiled[p])),
  ]);
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((line) => line[i].length)));
  const fmtLine = (line: string[]): string =>
    line.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [fmtLine(header), rule, ...body.map(fmtLine)].join('\n');
}
