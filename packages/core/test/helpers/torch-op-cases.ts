/**
 * The harness of the op-case files written by PyTorch 1.13 scripts (fixtures/pytorch/seqops-edge.json,
 * fixtures/pytorch/audit13c/ops.json): each case names a call, gives its inputs, and either PyTorch's
 * outputs with the first and second derivatives of sum(out · sin pattern) (then of sum(grad · cos pattern)),
 * or the error PyTorch raised. A test file supplies the calls and the expected messages; this runs them in
 * float64 and float32 and checks that cases and calls match one to one.
 */
import { readFileSync } from 'fs';
import * as c from '@tapegrad/core';
import { Tensor, ValuesIndices } from '@tapegrad/core';
import { expectClose } from './approx';

export type Num = number | 'nan' | 'inf' | '-inf';
export interface Enc { shape: number[]; dtype: 'float64' | 'float32' | 'int' | 'bool'; data: Num[] }
export interface OpCase { name: string; inputs: Enc[]; outputs?: Enc[]; grads?: Enc[]; grads2?: Enc[]; error?: string; fixedDtype?: boolean }
export type Out = Tensor | ValuesIndices;

export const num = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
export const loadOpCases = (file: string): OpCase[] => (JSON.parse(readFileSync(file, 'utf8')) as { cases: OpCase[] }).cases;

function input(e: Enc, dtype: 'float64' | 'float32'): Tensor {
  const data = e.data.map(num);
  if (e.dtype === 'int') return c.tensor(Int32Array.from(data)).reshape(e.shape);
  if (e.dtype === 'bool') return c.tensor(Uint8Array.from(data), { dtype: 'bool' }).reshape(e.shape);
  return c.tensor(data, { dtype }).reshape(e.shape).requiresGrad_();
}
const pattern = (t: Tensor, f: (v: number) => number, a: number, b: number): Tensor =>
  c.tensor(Array.from({ length: t.numel() }, (_, i) => f(a * i) + b), { dtype: t.dtype }).reshape(t.shape);
/** The size of the reference's finite values (at least 1): tolerances scale with it. */
const scaleOf = (e: Enc): number => Math.max(1, ...e.data.map(num).filter(Number.isFinite).map(Math.abs));
/** A call's result as a list: one tensor, or values then indices. */
export const outputsOf = (r: Out): Tensor[] => (r instanceof Tensor ? [r] : [r.values, r.indices]);

const TOL = { float64: [1e-10, 1e-9], float32: [3e-5, 3e-4] } as const;

export interface OpCaseOptions {
  /** float outputs compared at the run's dtype (float32 tolerances in the float32 run even for fixed-dtype outputs). */
  tolOfRunDtype?: boolean;
  /** Also require each gradient's dtype to be the run's. */
  checkGradDtype?: boolean;
}

/** Defines the reference tests (float64 and float32), the refusal tests and the one-to-one check. */
export function describeOpCases(cases: OpCase[], calls: Record<string, (...xs: Tensor[]) => Out>, errors: Record<string, RegExp>, opts: OpCaseOptions = {}): void {
  test('every fixture case has a call, and every call a case; every refusal an expected message', () => {
    expect(cases.map((k) => k.name).sort()).toEqual(Object.keys(calls).sort());
    expect(cases.filter((k) => k.error).map((k) => k.name).sort()).toEqual(Object.keys(errors).sort());
  });
  for (const dtype of ['float64', 'float32'] as const) {
    describe(`PyTorch references in ${dtype}`, () => {
      test.each(cases.filter((k) => !k.error).map((k) => [k.name, k] as const))('%s', (_name, k) => {
        const xs = k.inputs.map((e) => input(e, dtype));
        const outs = outputsOf(calls[k.name](...xs));
        const [atol, rtol] = TOL[dtype];
        expect(outs.length).toBe(k.outputs!.length);
        k.outputs!.forEach((e, i) => {
          const o = outs[i];
          const want = e.dtype === 'int' ? 'int32' : e.dtype === 'bool' ? 'bool' : k.fixedDtype ? e.dtype : dtype;
          expect(o.dtype).toBe(want);
          expect(o.shape).toEqual(e.shape);
          if (want === 'int32' || want === 'bool') expect(Array.from(o.dataSync(), Number)).toEqual(e.data);
          else expectClose(o, e.data.map(num), ...TOL[(opts.tolOfRunDtype && dtype === 'float32' ? 'float32' : want) as 'float64' | 'float32']);
        });
        if (!k.grads) return;
        const fl = xs.filter((x) => x.requiresGrad);
        const up = pattern(outs[0], Math.sin, 0.37, 0.5);
        const gs = c.grad(outs[0].mul(up).sum(), fl, { createGraph: true, allowUnused: true }).map((g, i) => g ?? c.zerosLike(fl[i]));
        gs.forEach((g, i) => {
          if (opts.checkGradDtype) expect(g.dtype).toBe(dtype);
          expectClose(g, k.grads![i].data.map(num), atol * scaleOf(k.grads![i]), rtol);
        });
        let s2: Tensor | null = null;
        for (const g of gs) if (g.requiresGrad) { const term = g.mul(pattern(g, Math.cos, 0.21, 0.3)).sum(); s2 = s2 === null ? term : s2.add(term); }
        const g2 = s2 === null ? fl.map((x) => c.zerosLike(x)) : c.grad(s2, fl, { allowUnused: true }).map((g, i) => g ?? c.zerosLike(fl[i]));
        g2.forEach((g, i) => {
          expectClose(g, k.grads2![i].data.map(num), atol * scaleOf(k.grads2![i]) * 10, rtol * 10);
        });
      });
    });
  }
  describe('refused as PyTorch refuses', () => {
    test.each(cases.filter((k) => k.error).map((k) => [k.name, k] as const))('%s', (name, k) => {
      const xs = k.inputs.map((e) => input(e, 'float64'));
      expect(() => calls[name](...xs)).toThrow(errors[name] ?? /^$/);
    });
  });
}
