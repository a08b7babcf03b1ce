/**
 * Reads fixtures/pytorch/tutorials/<name>.json (written by tutorials.py there with PyTorch 1.13) and compares
 * tapegrad results with them.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { tensor, Tensor } from 'tapegrad';

export const fixtureDir = join(__dirname, '../../../../fixtures/pytorch/tutorials');
export interface Ref { shape: number[]; data: (number | boolean | string)[] }

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(fixtureDir, `${name}.json`), 'utf8')) as T;
}

export function toTensor(r: Ref): Tensor {
  return tensor(r.data.map((v) => (typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : Number(v))), { dtype: 'float32' }).reshape(r.shape);
}

/** A state dict of float32 tensors from the fixture's `{ key: Ref }`. */
export function stateDict(refs: Record<string, Ref>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(refs).map(([k, r]) => [k, toTensor(r)]));
}

/** Every element within `tol` (relative to max(1, |want|)) of PyTorch's. */
export function expectClose(got: Tensor | number[] | number, want: Tensor | Ref | number[] | number, tol = 1e-5): void {
  const values = (t: Tensor | number[] | number) => (typeof t === 'number' ? [t] : Array.isArray(t) ? t : Array.from(t.dataSync(), Number));
  const g = values(got);
  const w = want instanceof Tensor || typeof want === 'number' || Array.isArray(want) ? values(want) : want.data.map(Number);
  if (got instanceof Tensor && !(typeof want === 'number' || Array.isArray(want))) expect(got.shape).toEqual(want.shape);
  expect(g.length).toBe(w.length);
  const bad = g.map((v, i) => [i, v, w[i]] as const).filter(([, v, x]) => !(Math.abs(v - x) <= tol * Math.max(1, Math.abs(x))));
  expect(bad.slice(0, 5)).toEqual([]);
}
