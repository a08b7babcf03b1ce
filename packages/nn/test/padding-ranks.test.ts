/**
 * The constant padding layers (ZeroPad2d, ConstantPad1d/2d) on inputs of any rank with enough dims, as
 * PyTorch 1.13 (its layers are F.pad(x, padding, 'constant', value)), negative amounts included: values and
 * input gradients from fixtures/pytorch/pad-negative.json (fixtures/pytorch/pad_negative.py).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { ZeroPad2d, ConstantPad1d, ConstantPad2d, ReflectionPad2d } from '@tapegrad/nn';
import { Tensor, tensor, randn } from '@tapegrad/core';

interface Case { name: string; layer?: string; padding?: number | number[]; value?: number; x: { shape: number[]; data: number[] }; out: { shape: number[]; data: number[] }; upstream: number[]; grad: number[] }
const fixture = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/pad-negative.json'), 'utf8')) as { cases: Case[] };
const layerCases = fixture.cases.filter((c) => c.layer !== undefined);
const f64 = (v: number[], shape: number[]): Tensor => tensor(Float64Array.from(v), { dtype: 'float64' }).reshape(shape);
const maxDiff = (a: ArrayLike<number>, b: number[]): number => b.reduce((m, v, i) => Math.max(m, Math.abs(a[i] - v)), a.length === b.length ? 0 : Infinity);

function build(c: Case): ZeroPad2d | ConstantPad1d | ConstantPad2d {
  const p = c.padding as number | number[];
  if (c.layer === 'ZeroPad2d') return new ZeroPad2d(p);
  if (c.layer === 'ConstantPad1d') return new ConstantPad1d(p, c.value as number);
  return new ConstantPad2d(p, c.value as number);
}

describe('constant padding layers on other ranks', () => {
  test('each layer is covered', () => {
    expect(new Set(layerCases.map((c) => c.layer))).toEqual(new Set(['ZeroPad2d', 'ConstantPad1d', 'ConstantPad2d']));
  });
  test.each(layerCases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const x = f64(c.x.data, c.x.shape).requiresGrad_();
    const y = build(c).call(x);
    expect(y.shape).toEqual(c.out.shape);
    expect(maxDiff(y.dataSync(), c.out.data)).toBe(0);
    y.mul(f64(c.upstream, c.out.shape)).sum().backward();
    expect(maxDiff(x.grad!.dataSync(), c.grad)).toBe(0);
  });
  test('too few dims is F.pad\'s error; reflect still needs the leading dims', () => {
    expect(() => new ZeroPad2d(1).call(randn([4]))).toThrow(/pad: 4 amounts \[1, 1, 1, 1\] pad 2 dims, but the input has only 1 \(shape \[4\]\)/);
    expect(() => new ReflectionPad2d(1).call(randn([1, 1, 1, 3, 3]))).toThrow(/ReflectionPad2d: expected a 3-D or 4-D input, got shape \[1, 1, 1, 3, 3\]/);
  });
});
