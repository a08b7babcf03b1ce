/**
 * pad with negative (cropping) amounts in the reflect, replicate and circular modes, against PyTorch 1.13
 * (fixtures/pytorch/pad-negative.json, written by fixtures/pytorch/pad_negative.py): values and input
 * gradients in float64, and the errors where PyTorch refuses (or, for circular, has no defined result).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { tensor, randn, pad, PadMode } from '@tapegrad/core';

interface Case { name: string; mode?: PadMode; pad?: number[]; x: { shape: number[]; data: number[] }; out: { shape: number[]; data: number[] }; upstream: number[]; grad: number[] }
const fixture = JSON.parse(readFileSync(join(__dirname, '../../../../fixtures/pytorch/pad-negative.json'), 'utf8')) as { cases: Case[] };
const opCases = fixture.cases.filter((c) => c.mode !== undefined);
const maxDiff = (a: ArrayLike<number>, b: number[]): number => b.reduce((m, v, i) => Math.max(m, Math.abs(a[i] - v)), a.length === b.length ? 0 : Infinity);

describe('negative amounts crop, as PyTorch', () => {
  test('the fixture covers each mode', () => {
    expect(new Set(opCases.map((c) => c.mode))).toEqual(new Set(['reflect', 'replicate', 'circular']));
  });
  test.each(opCases.map((c) => [c.name, c] as const))('%s: value and gradient', (_n, c) => {
    const x = tensor(Float64Array.from(c.x.data), { dtype: 'float64' }).reshape(c.x.shape).requiresGrad_();
    const y = pad(x, c.pad as number[], c.mode as PadMode);
    expect(y.shape).toEqual(c.out.shape);
    expect(maxDiff(y.dataSync(), c.out.data)).toBe(0);
    y.mul(tensor(Float64Array.from(c.upstream), { dtype: 'float64' }).reshape(c.out.shape)).sum().backward();
    expect(maxDiff(x.grad!.dataSync(), c.grad)).toBeLessThan(1e-14);
  });
  test('reflect and replicate index the whole dim: a crop on one side does not change the other', () => {
    const x = tensor([0, 1, 2, 3, 4], { dtype: 'float64' }).reshape([1, 5]);
    expect(Array.from(pad(x, [-1, 2], 'reflect').dataSync())).toEqual([1, 2, 3, 4, 3, 2]);
    expect(Array.from(pad(x, [3, -2], 'replicate').dataSync())).toEqual([0, 0, 0, 0, 1, 2]);
    // circular wraps the cropped part (PyTorch 1.13's result)
    expect(Array.from(pad(x.unsqueeze(0), [-1, 2], 'circular').dataSync())).toEqual([1, 2, 3, 4, 1, 2]);
  });
  test.each([
    ['reflect to nothing', () => pad(randn([1, 1, 5]), [-3, -2], 'reflect'), /pad: reflect padding \(-3, -2\) of dim 2 leaves 0 elements of its 5 \(input shape \[1, 1, 5\]\); the output must not be empty/],
    ['reflect as wide as the dim beside a crop', () => pad(randn([1, 1, 5]), [-2, 5], 'reflect'), /pad: reflect padding \(-2, 5\) of dim 2 must be smaller than its size 5/],
    ['circular wider than the cropped dim', () => pad(randn([1, 1, 5]), [-4, 4], 'circular'), /pad: circular padding \(-4, 4\) of dim 2 must be at most its size 1 after cropping \(input shape \[1, 1, 5\]\); it would wrap around more than once/],
  ] as [string, () => unknown, RegExp][])('%s', (_n, f, re) => {
    expect(f).toThrow(re);
  });
});
