/** Value assertions shared by the core tests: tensors against nested arrays or other tensors. */
import { Tensor, NestedArray } from '@tapegrad/core';

function flat(v: Tensor | NestedArray | ArrayLike<number>): number[] {
  if (v instanceof Tensor) return Array.from(v.dataSync(), Number);
  if (typeof v === 'number' || typeof v === 'boolean') return [Number(v)];
  const out: number[] = [];
  const walk = (u: unknown): void => {
    if (Array.isArray(u)) u.forEach(walk);
    else if (typeof u === 'object' && u !== null && 'length' in u) Array.from(u as ArrayLike<number>).forEach((e) => out.push(Number(e)));
    else out.push(Number(u));
  };
  walk(v);
  return out;
}

/**
 * Asserts same number of elements and |a - e| <= atol + rtol·|e| elementwise (NaN matches NaN,
 * infinities must match exactly). Shapes are compared when `expected` is a tensor.
 */
export function expectClose(actual: Tensor | NestedArray, expected: Tensor | NestedArray | ArrayLike<number>, atol = 1e-6, rtol = 1e-6): void {
  if (actual instanceof Tensor && expected instanceof Tensor) expect(actual.shape).toEqual(expected.shape);
  const a = flat(actual), e = flat(expected);
  expect(a.length).toBe(e.length);
  const bad: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = e[i];
    if (Number.isNaN(y)) { if (!Number.isNaN(x)) bad.push(`[${i}] ${x} vs NaN`); continue; }
    if (!Number.isFinite(y)) { if (x !== y) bad.push(`[${i}] ${x} vs ${y}`); continue; }
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) bad.push(`[${i}] ${x} vs ${y}`);
  }
  if (bad.length) throw new Error(`values differ at ${bad.length} of ${a.length} positions: ${bad.slice(0, 8).join('; ')}`);
}

/** Asserts exact equality of the values (and the shape). */
export function expectValues(actual: Tensor, shape: number[], values: number[]): void {
  expect(actual.shape).toEqual(shape);
  expect(Array.from(actual.dataSync(), Number)).toEqual(values);
}

/** Runs `fn`, expecting it to throw an error whose message contains every fragment; returns the message. */
export function expectThrowMessage(fn: () => unknown, ...fragments: (string | RegExp)[]): string {
  let msg: string | null = null;
  try {
    fn();
  } catch (e) {
    msg = e instanceof Error ? e.message : String(e);
  }
  if (msg === null) throw new Error(`expected an error containing ${fragments.map(String).join(', ')}, but nothing was thrown`);
  for (const f of fragments) {
    if (typeof f === 'string' ? !msg.includes(f) : !f.test(msg)) {
      throw new Error(`error message ${JSON.stringify(msg)} does not contain ${String(f)}`);
    }
  }
  return msg;
}
