/** Runs oracle cases with tapegrad and compares values and every input's gradient with PyTorch's. */
import { Tensor, tensor } from '@tapegrad/core';
import { OracleCase, OracleKind, OracleTensor } from './format';
import { ops, losses, modules, runOptim, runSched } from './kinds';

export interface CaseResult {
  id: string;
  ok: boolean;
  /** Why it failed (first mismatch or the error thrown). */
  message?: string;
}
export interface RunOptions {
  dtype?: 'float32' | 'float64';
  /** Relative tolerance: |got − want| <= tol · max(1, max|want|). Default 1e-9 (float64), 2e-4 (float32). */
  tol?: number;
  kind?: OracleKind;
}

function compare(what: string, got: Tensor, want: OracleTensor, tol: number): string | null {
  const gs = got.shape;
  if (gs.length !== want.shape.length || gs.some((s, i) => s !== want.shape[i])) {
    return `${what}: shape [${gs.join(', ')}], want [${want.shape.join(', ')}]`;
  }
  const g = got.dataSync();
  const scale = Math.max(1, ...want.data.map(Math.abs));
  for (let i = 0; i < want.data.length; i++) {
    const err = Math.abs(g[i] - want.data[i]);
    if (!(err <= tol * scale)) return `${what}[${i}]: got ${g[i]}, want ${want.data[i]} (|diff| ${err.toExponential(2)} > ${(tol * scale).toExponential(2)})`;
  }
  return null;
}

export function runCase(c: OracleCase, opts: RunOptions = {}): CaseResult {
  const dtype = opts.dtype ?? 'float64';
  const tol = opts.tol ?? (dtype === 'float64' ? 1e-9 : 2e-4);
  try {
    const inputs = c.inputs.map((x) =>
      tensor(x.data, { dtype: x.dtype === 'int64' ? 'int32' : dtype }).reshape(x.shape).requiresGrad_(x.requiresGrad),
    );
    let out: Tensor;
    switch (c.kind) {
      case 'op':
      case 'loss':
      case 'module': {
        const table = c.kind === 'op' ? ops : c.kind === 'loss' ? losses : modules;
        const fn = table[c.op];
        if (!fn) throw new Error(`no ${c.kind} named '${c.op}'`);
        out = fn(inputs, c.args);
        break;
      }
      case 'optim':
        out = runOptim(c.op, inputs[0], c.args);
        break;
      case 'sched':
        out = runSched(c.op, c.args, dtype);
        break;
      default:
        throw new Error(`unknown kind '${String(c.kind)}'`);
    }
    const bad = compare('output', out, c.output, tol);
    if (bad) return { id: c.id, ok: false, message: bad };
    if (c.upstream && c.grads.some((g) => g !== null)) {
      out.backward(tensor(c.upstream.data, { dtype: out.dtype }).reshape(c.upstream.shape));
      for (let i = 0; i < c.grads.length; i++) {
        const want = c.grads[i];
        if (!want) continue;
        const g = inputs[i].grad;
        if (!g) return { id: c.id, ok: false, message: `grad of input ${i}: none computed` };
        const m = compare(`grad of input ${i}`, g, want, tol);
        if (m) return { id: c.id, ok: false, message: m };
      }
    }
    return { id: c.id, ok: true };
  } catch (e) {
    return { id: c.id, ok: false, message: `threw: ${(e as Error).message.split('\n')[0]}` };
  }
}

export function runCases(cases: OracleCase[], opts: RunOptions = {}): { passed: number; failed: number; results: CaseResult[] } {
  const chosen = opts.kind ? cases.filter((c) => c.kind === opts.kind) : cases;
  const results = chosen.map((c) => runCase(c, opts));
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, results };
}
