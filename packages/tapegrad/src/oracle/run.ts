/** Runs oracle cases with tapegrad and compares values and every input's gradient with PyTorch's. */
import { Tensor, tensor } from '@tapegrad/core';
import { OracleCase, OracleKind, OracleTensor } from './format';
import { ops, modules, moduleCases, runLoss, runOptim, runSched, NotImplemented } from './kinds';
import type { ModuleCase, Args } from './types';

export interface CaseResult {
  id: string;
  ok: boolean;
  /** Why it failed (first mismatch or the error thrown). */
  message?: string;
  /** Set when it failed because tapegrad has no such op yet: `kind 'op'`. */
  missing?: string;
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
    // Where each input's gradient is read after backward (a module case's parameters live in the module).
    let gradOf = (i: number): Tensor | null => inputs[i].grad;
    switch (c.kind) {
      case 'op': {
        const fn = ops[c.op];
        if (!fn) throw new NotImplemented(c.kind, c.op);
        out = fn(inputs, c.args);
        break;
      }
      case 'loss':
        out = runLoss(c.op, inputs, c.args);
        break;
      case 'module': {
        if (Array.isArray(c.args.params)) {
          const mc = moduleCases[c.op];
          if (!mc) throw new NotImplemented(c.kind, c.op);
          ({ out, gradOf } = runModuleCase(mc, inputs, c.args, dtype));
        } else {
          const fn = modules[c.op];
          if (!fn) throw new NotImplemented(c.kind, c.op);
          out = fn(inputs, c.args);
        }
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
        const g = gradOf(i);
        if (!g) return { id: c.id, ok: false, message: `grad of input ${i}: none computed` };
        const m = compare(`grad of input ${i}`, g, want, tol);
        if (m) return { id: c.id, ok: false, message: m };
      }
    }
    return { id: c.id, ok: true };
  } catch (e) {
    if (e instanceof NotImplemented) return { id: c.id, ok: false, message: e.message, missing: `${e.kind} '${e.op}'` };
    return { id: c.id, ok: false, message: `threw: ${(e as Error).message.split('\n')[0]}` };
  }
}

/**
 * Builds the module, loads the case's parameters under PyTorch's names and runs it on the data inputs
 * (the inputs before the parameters). Every parameter the module has must be among the names, and every
 * name must be a parameter of the module: that is the state-dict compatibility the case checks.
 */
function runModuleCase(mc: ModuleCase, inputs: Tensor[], a: Args, dtype: 'float32' | 'float64') {
  const names = a.params as string[];
  const config = (a.config ?? {}) as Args;
  const nData = inputs.length - names.length;
  const m = mc.build(config).to(dtype);
  const own = new Map(m.namedParameters());
  const unknown = names.filter((n) => !own.has(n));
  const unnamed = [...own.keys()].filter((n) => !names.includes(n));
  if (unknown.length || unnamed.length) {
    throw new Error(`module parameters differ from PyTorch's: unknown ${JSON.stringify(unknown)}, not given ${JSON.stringify(unnamed)}`);
  }
  const order = [...own.keys()];
  if (order.join() !== names.join()) throw new Error(`parameter order ${JSON.stringify(order)}, PyTorch's ${JSON.stringify(names)}`);
  m.loadStateDict(Object.fromEntries(names.map((n, i) => [n, inputs[nData + i].detach()])), { strict: false });
  m.eval();
  const out = mc.forward(m, inputs.slice(0, nData), config);
  const gradOf = (i: number): Tensor | null => (i < nData ? inputs[i].grad : (own.get(names[i - nData])?.grad ?? null));
  return { out, gradOf };
}

/** The ops a set of results lacks, with how many cases each: `op 'conv2d' ×9`. */
export function missingSummary(results: CaseResult[]): string[] {
  const counts = new Map<string, number>();
  for (const r of results) if (r.missing) counts.set(r.missing, (counts.get(r.missing) ?? 0) + 1);
  return [...counts].map(([what, n]) => `${what} ×${n}`);
}

export function runCases(cases: OracleCase[], opts: RunOptions = {}): { passed: number; failed: number; results: CaseResult[] } {
  const chosen = opts.kind ? cases.filter((c) => c.kind === opts.kind) : cases;
  const results = chosen.map((c) => runCase(c, opts));
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, results };
}
