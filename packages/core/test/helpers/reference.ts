/**
 * Naive reference implementations, written with plain index arithmetic and no library code, to compare
 * the library's strided, broadcasting kernels against.
 */
import { numelOf } from './shapes';

export interface Dense {
  shape: number[];
  data: number[];
}

/** Row-major multi-index of flat position p in shape. */
export function unravel(p: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = p % shape[i];
    p = Math.floor(p / shape[i]);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let p = 0;
  for (let i = 0; i < shape.length; i++) p = p * shape[i] + idx[i];
  return p;
}

/** Value of `x` at output multi-index `outIdx`, reading it as broadcast (size-1 dims repeat). */
function at(x: Dense, outIdx: readonly number[]): number {
  const off = outIdx.length - x.shape.length;
  const idx = x.shape.map((s, i) => (s === 1 ? 0 : outIdx[off + i]));
  return x.data[ravel(idx, x.shape)];
}

export function broadcastRef(a: Dense, b: Dense, f: (x: number, y: number) => number): Dense {
  const n = Math.max(a.shape.length, b.shape.length);
  const shape = Array.from({ length: n }, (_, i) => {
    const x = a.shape[a.shape.length - n + i] ?? 1, y = b.shape[b.shape.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error('not broadcastable');
    return x === 1 ? y : x;
  });
  const data = Array.from({ length: numelOf(shape) }, (_, p) => {
    const idx = unravel(p, shape);
    return f(at(a, idx), at(b, idx));
  });
  return { shape, data };
}

/** Reduction over `dims` (normalised, any order) with `f` applied to each group's values in row-major order. */
export function reduceRef(x: Dense, dims: number[], keepdim: boolean, f: (vals: number[]) => number): Dense {
  const r = x.shape.length;
  const nd = dims.map((d) => (d < 0 ? d + r : d));
  const keptShape = x.shape.map((s, i) => (nd.includes(i) ? 1 : s));
  const groups = new Map<number, number[]>();
  for (let p = 0; p < x.data.length; p++) {
    const idx = unravel(p, x.shape).map((v, i) => (nd.includes(i) ? 0 : v));
    const key = ravel(idx, keptShape);
    const g = groups.get(key) ?? [];
    g.push(x.data[p]);
    groups.set(key, g);
  }
  const data = Array.from({ length: numelOf(keptShape) }, (_, k) => f(groups.get(k) ?? []));
  return { shape: keepdim ? keptShape : x.shape.filter((_, i) => !nd.includes(i)), data };
}
