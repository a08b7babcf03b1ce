/** summary(model, inputShape): layers, output shapes and parameter counts, like torchinfo. */
import { Tensor, DType, zeros, noGrad, getDefaultDtype } from '@tapegrad/core';
import { Module, typeName } from '../module';

/** One module that ran during the summary's forward pass. */
export interface SummaryRow {
  /** Dotted name in the model (`fc1`, `features.0`). */
  name: string;
  /** Class name (`Linear`). */
  type: string;
  /** Nesting depth (1 for the model's children). */
  depth: number;
  /** Output shape(s) of its forward; null if it returned no tensor. */
  outputShape: number[] | number[][] | null;
  /** Parameters held directly by this module (not its sub-modules). */
  numParams: number;
  /** Parameters of this module and all its sub-modules. */
  totalParams: number;
}

export interface ModelSummary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** The printable table. */
  table: string;
  toString(): string;
}

export interface SummaryOptions {
  /** dtype of the zero input(s) (default: the default float dtype). */
  dtype?: DType;
}

const fmtInt = (n: number): string => n.toLocaleString('en-US');
const fmtShape = (s: SummaryRow['outputShape']): string =>
  s === null ? '--' : Array.isArray(s[0]) ? (s as number[][]).map((x) => `[${x.join(', ')}]`).join(', ') : `[${(s as number[]).join(', ')}]`;

/**
 * Runs the model once on zeros of `inputShape` (with the batch dim, e.g. `[1, 784]`; pass an array of
 * shapes for several inputs) under noGrad and in eval mode (training flags are restored afterwards,
 * so Dropout and BatchNorm are left untouched), recording each sub-module's output shape and
 * parameter count. Works whether modules are invoked with `call()` or `forward()`.
 * @returns rows, totals, and `table` (also its `toString()`)
 * @example
 * const s = summary(new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10)), [1, 784]);
 * s.totalParams; // 101770
 * console.log(String(s));
 */
export function summary(model: Module, inputShape: number[] | number[][], { dtype = getDefaultDtype() }: SummaryOptions = {}): ModelSummary {
  if (!(model instanceof Module)) throw new TypeError('summary: model must be a Module');
  const shapes: number[][] = Array.isArray(inputShape[0]) ? (inputShape as number[][]) : [inputShape as number[]];
  if (shapes.length === 0 || shapes.some((s) => !Array.isArray(s) || s.some((d) => !Number.isInteger(d) || d < 0))) {
    throw new TypeError('summary: inputShape must be a shape such as [1, 784] (including the batch dim), or an array of shapes');
  }
  const names = new Map<Module, string>();
  for (const [name, m] of model.namedModules()) names.set(m, name);
  const rows: SummaryRow[] = [];
  const patched: Module[] = [];
  const modes = new Map<Module, boolean>();
  for (const m of model.modules()) modes.set(m, m.training);
  let depth = 0;
  try {
    for (const [name, m] of model.namedModules()) {
      if (name === '') continue;
      const original = m.forward;
      const mm = m as unknown as { forward: (...a: unknown[]) => unknown };
      mm.forward = function (this: Module, ...args: unknown[]): unknown {
        const row: SummaryRow = {
          name,
          type: typeName(m),
          depth: depth + 1,
          outputShape: null,
          numParams: [...m.parameters(false)].reduce((a, p) => a + p.numel(), 0),
          totalParams: m.numParameters(),
        };
        rows.push(row);
        depth++;
        try {
          const out = (original as (...a: unknown[]) => unknown).apply(this, args);
          if (out instanceof Tensor) row.outputShape = out.shape;
          else if (Array.isArray(out) && out.every((o) => o instanceof Tensor)) row.outputShape = (out as Tensor[]).map((o) => o.shape);
          return out;
        } finally {
          depth--;
        }
      };
      patched.push(m);
    }
    model.eval();
    noGrad(() => (model.forward as (...a: unknown[]) => unknown).apply(model, shapes.map((s) => zeros(s, { dtype }))));
  } finally {
    for (const m of patched) delete (m as unknown as { forward?: unknown }).forward;
    for (const [m, t] of modes) m.training = t;
  }
  let totalParams = 0, trainableParams = 0;
  for (const p of model.parameters()) {
    totalParams += p.numel();
    if (p.requiresGrad) trainableParams += p.numel();
  }
  const table = render(model, rows, totalParams, trainableParams);
  return { rows, totalParams, trainableParams, nonTrainableParams: totalParams - trainableParams, table, toString: () => table };
}

function render(model: Module, rows: SummaryRow[], total: number, trainable: number): string {
  const head = ['Layer (type)', 'Output Shape', 'Param #'];
  const body = rows.map((r) => [
    `${'  '.repeat(r.depth - 1)}${r.name.split('.').pop()} (${r.type})`,
    fmtShape(r.outputShape),
    r.numParams === 0 && r.totalParams > 0 ? '--' : fmtInt(r.numParams),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => `${cells[0].padEnd(w[0])}  ${cells[1].padEnd(w[1])}  ${cells[2].padStart(w[2])}`;
  const width = w[0] + w[1] + w[2] + 4;
  const rule = '='.repeat(width);
  return [
    rule,
    `${typeName(model)}`,
    line(head),
    rule,
    ...body.map(line),
    rule,
    `Total params: ${fmtInt(total)}`,
    `Trainable params: ${fmtInt(trainable)}`,
    `Non-trainable params: ${fmtInt(total - trainable)}`,
    rule,
  ].join('\n');
}
