/**
 * An adversarial conformance audit of the convolution, pooling, padding, upsampling and normalization
 * layers against PyTorch 1.13 (fixtures/pytorch/auditconv8/layers.json, written by layers.py beside it):
 * random constructor arguments (PyTorch's positional ones, then its keyword arguments in camelCase),
 * outputs, the input and parameter gradients of sum(output · upstream), buffers after a few training
 * forwards, eval-mode outputs, and PyTorch's errors. float64 at 1e-10, float32 at 1e-4.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, tensor, pad, grad } from '@tapegrad/core';
import * as nn from '../src';
import { F } from '../src';
import { expectClose as closeFinite } from './helpers';

/** expectClose, with infinities of the right sign matching. */
function expectClose(t: Tensor | null | undefined, want: number[], tol: number): void {
  if (!t) throw new Error('expectClose: got no tensor');
  const got = Array.from(t.dataSync());
  const inf = want.map((w, i) => (Number.isFinite(w) || Number.isNaN(w) ? null : [got[i], w]));
  for (const p of inf) if (p) expect(p[0]).toBe(p[1]);
  closeFinite(tensor(got.map((g, i) => (inf[i] ? 0 : g)), { dtype: 'float64' }), want.map((w, i) => (inf[i] ? 0 : w)), tol);
}

type V = number | 'inf' | '-inf' | 'nan';
interface T { shape: number[]; data: V[] }
interface ModCase {
  name: string; cls: string; args: unknown[]; kwargs: Record<string, unknown>; forwardKw?: Record<string, unknown>;
  float64Only?: boolean; conditioning?: number; allPaddingWindow?: boolean; error?: string; stateDictKeys?: string[]; state?: Record<string, T>; inputs: T[];
  indices?: T; indicesOut?: T; output?: T; upstream?: T; inputGrad?: T | null; paramGrads?: Record<string, T>;
  stateAfter?: Record<string, T>; evalInput?: T; evalOutput?: T;
}
interface PadCase { name: string; mode: 'constant' | 'reflect' | 'replicate' | 'circular'; pad: number[]; value?: number; input: T; output?: T; upstream?: T; inputGrad?: T; error?: string }
interface FnCase {
  name: string; fn: string; tensors: T[]; ints: boolean[]; noGrad: boolean[]; float64Only: boolean; transpose: [number, number] | null; args: unknown[];
  indicesOut?: T; output?: T; upstream?: T; grads?: (T | null)[]; after?: (T | null)[]; argGrads?: (T | null)[]; error?: string;
}
interface GGCase { name: string; fn: 'batchNorm' | 'groupNorm' | 'instanceNorm'; args: number[]; x: T; w: T; b: T; up: T; v: T; u: T; gx: T; gw: T; ggx: T; ggw: T; ggup: T }
const fx = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/auditconv8/layers.json'), 'utf8')) as { modules: ModCase[]; pad: PadCase[]; functional: FnCase[]; gradgrad: GGCase[] };

const num = (v: V): number => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? NaN : v);
const vals = (r: T): number[] => r.data.map(num);
const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const camelKeys = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));
const CTORS = nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>;
type Fwd = { forward(...a: unknown[]): Tensor | [Tensor, Tensor] };

describe.each([['float64', 1e-10], ['float32', 1e-4]] as const)('%s', (dtype, TOL) => {
  const tt = (r: T): Tensor => tensor(vals(r), { dtype }).reshape(r.shape);
  const ti = (r: T): Tensor => tensor(vals(r), { dtype: 'int32' }).reshape(r.shape);
  const build = (c: ModCase): nn.Module => {
    const kw = camelKeys(c.kwargs);
    const m = new CTORS[c.cls](...c.args, ...(Object.keys(kw).length ? [kw] : []));
    return dtype === 'float64' ? m.double() : m.float();
  };
  const fwd = (m: nn.Module, c: ModCase, x: Tensor): Tensor | [Tensor, Tensor] => {
    const f = m as unknown as Fwd;
    const outSize = c.forwardKw?.output_size as number[] | undefined;
    if (c.cls.startsWith('MaxUnpool')) return f.forward(x, ti(c.indices!), outSize ?? null);
    return outSize !== undefined ? f.forward(x, outSize) : f.forward(x);
  };

  describe('modules', () => {
    const cases = fx.modules.filter((c) => dtype === 'float64' || !c.float64Only);
    test.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
      if (c.error !== undefined) {
        expect(() => {
          const m = build(c);
          const x = tt(c.inputs[0]);
          fwd(m, c, x);
        }).toThrow();
        return;
      }
      // Ill-conditioned inputs (a large mean, a tiny spread): neither PyTorch nor we are exact beyond about
      // |mean|/spread ulps (LayerNorm large mean, conditioning 1e6: PyTorch's and our input gradients are both
      // ~1e-8 relative from the value computed on the exactly shifted input).
      const tol = TOL * Math.max(1, (c.conditioning ?? 0) * 1e-3);
      const m = build(c);
      expect(Object.keys(m.stateDict())).toEqual(c.stateDictKeys);
      m.loadStateDict(Object.fromEntries(Object.entries(c.state!).map(([k, v]) => [k, k === 'num_batches_tracked' ? ti(v) : tt(v)])));
      for (const r of c.inputs.slice(0, -1)) fwd(m, c, tt(r));
      const x = tt(c.inputs[c.inputs.length - 1]).requiresGrad_();
      let out = fwd(m, c, x);
      let indices: Tensor | null = null;
      if (Array.isArray(out)) {
        expect(c.indicesOut).toBeDefined();
        [out, indices] = out;
        expect(indices.shape).toEqual(c.indicesOut!.shape);
      } else {
        expect(c.indicesOut).toBeUndefined();
      }
      expect(out.shape).toEqual(c.output!.shape);
      expectClose(out, vals(c.output!), tol);
      out.mul(tt(c.upstream!)).sum().backward();
      if (c.allPaddingWindow) {
        // PyTorch 1.13 indexes past the row there and its backward writes into the next row; ours: index -1, no gradient.
        const o = Array.from(out.dataSync());
        if (indices) Array.from(indices.dataSync()).forEach((v, i) => expect(o[i] === -Infinity ? v === -1 : v === vals(c.indicesOut!)[i]).toBe(true));
        expect(Array.from(x.grad!.dataSync()).every(Number.isFinite)).toBe(true);
        return;
      }
      if (indices) expect(Array.from(indices.dataSync())).toEqual(vals(c.indicesOut!));
      if (c.inputGrad) expectClose(x.grad, vals(c.inputGrad), tol);
      const params = new Map(m.namedParameters());
      expect([...params.keys()].filter((k) => params.get(k)!.requiresGrad).sort()).toEqual(Object.keys(c.paramGrads!).sort());
      for (const [k, g] of Object.entries(c.paramGrads!)) expectClose(params.get(k)!.grad, vals(g), tol);
      const sd = m.stateDict();
      for (const [k, v] of Object.entries(c.stateAfter!)) expectClose(sd[k], vals(v), tol);
      if (c.evalInput) {
        m.eval();
        expectClose(fwd(m, c, tt(c.evalInput)) as Tensor, vals(c.evalOutput!), tol);
      }
    });
  });

  describe('pad (PyTorch 1.13 F.pad, negative pads included)', () => {
    test.each(fx.pad.map((c) => [c.name, c] as const))('%s', (_n, c) => {
      const x = tt(c.input).requiresGrad_();
      const run = (): Tensor => pad(x, c.pad, c.mode, c.value);
      if (c.error !== undefined) {
        expect(run).toThrow();
        return;
      }
      const out = run();
      expect(out.shape).toEqual(c.output!.shape);
      expectClose(out, vals(c.output!), TOL);
      out.mul(tt(c.upstream!)).sum().backward();
      expectClose(x.grad, vals(c.inputGrad!), TOL);
    });
  });

  describe("nn.functional with PyTorch's positional arguments", () => {
    const FNS = F as unknown as Record<string, (...a: unknown[]) => Tensor | [Tensor, Tensor]>;
    // float64Only: a mean of 1e5 with spread 1, which float32 inputs cannot hold
    test.each(fx.functional.filter((c) => dtype === 'float64' || !c.float64Only).map((c) => [c.name, c] as const))('%s', (_n, c) => {
      const ts = c.tensors.map((r, i) => (c.ints[i] ? ti(r) : c.noGrad[i] ? tt(r) : tt(r).requiresGrad_()));
      const isT = (a: unknown): a is { tensor: T } => typeof a === 'object' && a !== null && 'tensor' in a;
      const as = c.args.map((a) => (isT(a) ? tt(a.tensor).requiresGrad_() : a));
      // a strided view when PyTorch was given one (the fused batch-norm primitive reads it through _contigData)
      const first = c.transpose ? ts[0].transpose(...c.transpose) : ts[0];
      const run = (): Tensor | [Tensor, Tensor] => FNS[camel(c.fn)](first, ...ts.slice(1), ...as);
      if (c.error !== undefined) {
        expect(run).toThrow();
        return;
      }
      let out = run();
      if (Array.isArray(out)) {
        expect(Array.from(out[1].dataSync())).toEqual(vals(c.indicesOut!));
        out = out[0];
      } else {
        expect(c.indicesOut).toBeUndefined();
      }
      expect(out.shape).toEqual(c.output!.shape);
      expectClose(out, vals(c.output!), TOL);
      out.mul(tt(c.upstream!)).sum().backward();
      c.grads!.forEach((g, i) => { if (g) expectClose(ts[i].grad, vals(g), TOL); });
      c.argGrads?.forEach((g, i) => { if (g) expectClose((as[i] as Tensor).grad, vals(g), TOL); });
      c.after?.forEach((r, i) => { if (r) expectClose(ts[i], vals(r), TOL); });
    });
  });

  describe('second derivatives through the fused batch-norm primitive (createGraph)', () => {
    test.each(fx.gradgrad.map((c) => [c.name, c] as const))('%s', (_n, c) => {
      const [x, w, b, up] = [c.x, c.w, c.b, c.up].map((r) => tt(r).requiresGrad_());
      const y = c.fn === 'batchNorm' ? F.batchNorm(x, null, null, w, b, true, 0.1, c.args[0] ?? 1e-5)
        : c.fn === 'groupNorm' ? F.groupNorm(x, c.args[0], w, b) : F.instanceNorm(x, null, null, w, b);
      const [gx, gw] = grad(y.mul(up).sum(), [x, w], { createGraph: true });
      expectClose(gx, vals(c.gx), TOL);
      expectClose(gw, vals(c.gw), TOL);
      gx!.mul(tt(c.v)).sum().add(gw!.mul(tt(c.u)).sum()).backward();
      expectClose(x.grad, vals(c.ggx), TOL);
      expectClose(w.grad, vals(c.ggw), TOL);
      expectClose(up.grad, vals(c.ggup), TOL);
    });
  });
});
