/** The PyTorch references of fixtures/pytorch/conv.json (written by fixtures/pytorch/conv.py) and a runner for them. */
import { readFileSync } from 'fs';
import { join } from 'path';
import * as core from '@tapegrad/core';
import { Tensor } from '@tapegrad/core';

export interface RefCase {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: { shape: number[]; data: number[] }[];
  upstream: number[];
  output: { shape: number[]; data: number[] };
  grads: number[][];
}

export const refCases: RefCase[] = (JSON.parse(readFileSync(join(__dirname, '../../../../fixtures/pytorch/conv.json'), 'utf8')) as { cases: RefCase[] }).cases;

type A = Record<string, never>;
/** Calls the tapegrad op of a case the way a user would write the PyTorch call. */
export function runRef(c: RefCase, xs: Tensor[]): Tensor {
  const { pad, mode, value, kernelSize, outputSize, ...rest } = c.args as Record<string, unknown>;
  const o = rest as A;
  switch (c.op) {
    case 'conv1d': return core.conv1d(xs[0], xs[1], xs[2] ?? null, o);
    case 'conv2d': return core.conv2d(xs[0], xs[1], xs[2] ?? null, o);
    case 'convTranspose1d': return core.convTranspose1d(xs[0], xs[1], xs[2] ?? null, o);
    case 'convTranspose2d': return core.convTranspose2d(xs[0], xs[1], xs[2] ?? null, o);
    case 'unfold': return core.unfold(xs[0], kernelSize as number[], o);
    case 'fold': return core.fold(xs[0], outputSize as number[], kernelSize as number[], o);
    case 'pad': return core.pad(xs[0], pad as number[], mode as core.PadMode, value as number | undefined);
    default: throw new Error(`unknown op ${c.op}`);
  }
}

/** max |a − b| / (1 + |b|) over the elements. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

/** Runs a case in `dtype`: checks the output shape and returns the worst output and gradient errors. */
export function checkRef(c: RefCase, dtype: 'float32' | 'float64'): { out: number; grad: number } {
  const xs = c.inputs.map((i) => core.tensor(Float64Array.from(i.data), { dtype: 'float64' }).reshape(i.shape).to(dtype).detach().requiresGrad_(true));
  const y = runRef(c, xs);
  expect(y.shape).toEqual(c.output.shape);
  const up = core.tensor(Float64Array.from(c.upstream), { dtype: 'float64' }).reshape(c.output.shape).to(dtype);
  y.mul(up).sum().backward();
  const out = maxRelErr(y.dataSync(), c.output.data);
  const grad = Math.max(...xs.map((x, i) => maxRelErr(x.grad!.dataSync(), c.grads[i])));
  return { out, grad };
}
