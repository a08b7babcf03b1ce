/**
 * Runs the PyTorch 1.13 cases of fixtures/pytorch/nnmore7.json (written by nnmore7.py): each builds the
 * layer from the case's constructor arguments, checks the float64 forward, the input gradients and the
 * parameter gradients of sum(y · w), then the float32 forward (within float32 rounding).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Tensor, tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { Module } from '@tapegrad/nn';
import { expectClose, flat } from './helpers';

type Nested = number | Nested[];
export interface RefCase {
  args: unknown[];
  inputs: Nested[];
  y: Nested;
  w: Nested;
  grads: (Nested | null)[];
  paramGrads: Record<string, Nested>;
}
export const REF = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../fixtures/pytorch/nnmore7.json'), 'utf8')) as Record<string, RefCase[]>;

type Ctor = new (...a: unknown[]) => Module;
const isIntTarget = (v: Nested): boolean => flat(v).every((x) => Number.isInteger(x));

/**
 * `intInputs`: the indices of inputs that are integer targets (int32, no gradient).
 * `make`: how to build the layer (default: `new nn[name](...args)`).
 */
export function checkCases(name: string, { tol = 1e-10, intInputs = [] as number[], make }: { tol?: number; intInputs?: number[]; make?: (args: unknown[]) => Module } = {}): void {
  const cases = REF[name];
  if (!cases || cases.length === 0) throw new Error(`no PyTorch cases for ${name}`);
  const build = make ?? ((args: unknown[]) => new (nn as unknown as Record<string, Ctor>)[name](...args));
  cases.forEach((c, i) => {
    test(`${name}(${JSON.stringify(c.args).slice(1, -1)}) #${i} float64 values and gradients`, () => {
      const m = build(c.args);
      const xs = c.inputs.map((v, j) => (intInputs.includes(j) && isIntTarget(v) ? tensor(v, { dtype: 'int32' }) : tensor(v, { dtype: 'float64', requiresGrad: true })));
      const y = m.call(...xs) as Tensor;
      expect(y.dtype).toBe('float64');
      expect(y.shape).toEqual(tensor(c.y as number[], { dtype: 'float64' }).shape);
      expectClose(y, c.y, tol);
      y.mul(tensor(c.w as number[], { dtype: 'float64' })).sum().backward();
      c.grads.forEach((g, j) => {
        if (g !== null && xs[j].dtype === 'float64') expectClose(xs[j].grad, g, tol);
      });
      const params = new Map(m.namedParameters());
      expect([...params.keys()]).toEqual(Object.keys(c.paramGrads));
      for (const [k, g] of Object.entries(c.paramGrads)) expectClose(params.get(k)!.grad, g, tol);
    });
    test(`${name} #${i} float32 forward`, () => {
      const m = build(c.args);
      const xs = c.inputs.map((v, j) => (intInputs.includes(j) && isIntTarget(v) ? tensor(v, { dtype: 'int32' }) : tensor(v, { dtype: 'float32' })));
      const y = m.call(...xs) as Tensor;
      expect(y.dtype).toBe('float32');
      expectClose(y, c.y, 1e-4);
    });
  });
}
