/**
 * Reads fixtures/pytorch/attention-cases.json (written by fixtures/pytorch/attention.py with PyTorch 1.13,
 * float64): module cases with their parameters, inputs, outputs, attention weights and the gradients of
 * sum(output · upstream).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, tensor, DType } from '@tapegrad/core';
import { Module } from '../src';
import { expectClose } from './helpers';

export interface RefTensor {
  shape: number[];
  dtype: string;
  data: (number | boolean | string)[];
}
export interface RefCase {
  name: string;
  note: string;
  stateDictKeys: string[];
  params: (RefTensor & { name: string })[];
  inputs: (RefTensor & { name: string })[];
  output: RefTensor;
  weights: RefTensor | null;
  upstream: RefTensor;
  inputGrads: Record<string, RefTensor>;
  paramGrads: Record<string, RefTensor>;
  attnMask?: RefTensor;
}

const file = join(__dirname, '../../../fixtures/pytorch/attention-cases.json');
const cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: RefCase[] }).cases;

/** The case by name. */
export function refCase(name: string): RefCase {
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`no case '${name}' in attention-cases.json`);
  return c;
}

const num = (v: number | boolean | string): number => (v === '-inf' ? -Infinity : v === 'inf' ? Infinity : Number(v));

/** The tensor (bool stays bool; floats in `dtype`, float64 by default). */
export function toTensor(r: RefTensor, dtype: DType = 'float64'): Tensor {
  if (r.dtype === 'bool') return tensor(r.data as boolean[], { dtype: 'bool' }).reshape(r.shape);
  return tensor(r.data.map(num), { dtype }).reshape(r.shape);
}

/** The case's inputs by name; float inputs other than masks require grad. */
export function refInputs(c: RefCase, dtype: DType = 'float64'): Record<string, Tensor> {
  return Object.fromEntries(c.inputs.map((i) => {
    const t = toTensor(i, dtype);
    return [i.name, i.dtype !== 'bool' && !i.name.endsWith('Mask') ? t.requiresGrad_() : t];
  }));
}

/** Loads the case's parameters strictly (every parameter named, no unknown name) and checks the state-dict order. */
export function loadRef(m: Module, c: RefCase): void {
  expect(Object.keys(m.stateDict())).toEqual(c.stateDictKeys);
  m.loadStateDict(Object.fromEntries(c.params.map((p) => [p.name, toTensor(p, m.parameters().next().value!.dtype)])));
}

/** Backpropagates the case's upstream through `out` and compares the output, input and parameter gradients. */
export function expectMatches(c: RefCase, m: Module | null, out: Tensor, inputs: Record<string, Tensor>, tol = 1e-10): void {
  expect(out.shape).toEqual(c.output.shape);
  expectClose(out, c.output.data.map(num), tol);
  out.backward(toTensor(c.upstream, out.dtype));
  for (const [n, g] of Object.entries(c.inputGrads)) expectClose(inputs[n].grad, g.data.map(num), tol);
  if (m) {
    const params = new Map(m.namedParameters());
    for (const [n, g] of Object.entries(c.paramGrads)) expectClose(params.get(n)!.grad, g.data.map(num), tol);
  }
}

export { num };
