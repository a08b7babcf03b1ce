/**
 * Conv1d, Conv2d, ConvTranspose1d/2d, Unfold, Fold: PyTorch-saved parameters reproduce PyTorch's outputs
 * (fixtures/pytorch/conv.json, every paddingMode), defaults, PyTorch's init bounds, state-dict keys, errors.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, tensor, randn, manualSeed, Generator } from '@tapegrad/core';
import { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, Unfold, Fold, Module, F } from '@tapegrad/nn';

interface Arr { shape: number[]; data: number[] }
interface ModCase { module: string; config: Record<string, unknown>; state: (Arr & { name: string })[]; input: Arr; output: Arr }
const mods = (JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/conv.json'), 'utf8')) as { modules: ModCase[] }).modules;

const t64 = (a: Arr): Tensor => tensor(Float64Array.from(a.data), { dtype: 'float64' }).reshape(a.shape);
const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const CLASSES = { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } as const;

function build(c: ModCase): Module {
  const { inChannels, outChannels, kernelSize, ...opts } = c.config as { inChannels: number; outChannels: number; kernelSize: number } & Record<string, never>;
  const Cls = CLASSES[c.module as keyof typeof CLASSES] as unknown as new (i: number, o: number, k: number, opts: object) => Module;
  return new Cls(inChannels, outChannels, kernelSize, { ...opts, dtype: 'float64' });
}

describe('modules with PyTorch-saved parameters reproduce PyTorch 1.13', () => {
  test.each(mods.map((c) => [`${c.module} ${JSON.stringify(c.config)}`, c] as const))('%s', (_n, c) => {
    const m = build(c);
    // state-dict keys are PyTorch's, in its order
    expect(Object.keys(m.stateDict())).toEqual(c.state.map((s) => s.name));
    m.loadStateDict(Object.fromEntries(c.state.map((s) => [s.name, t64(s)])));
    const y = m.call(t64(c.input)) as Tensor;
    expect(y.shape).toEqual(c.output.shape);
    const err = Math.max(...vals(y).map((v, i) => Math.abs(v - c.output.data[i])));
    expect(err).toBeLessThan(1e-12);
  });
  test('every paddingMode is covered', () => {
    expect(new Set(mods.map((c) => c.config.paddingMode ?? 'zeros'))).toEqual(new Set(['zeros', 'reflect', 'replicate', 'circular']));
  });
});

describe('defaults and shapes', () => {
  test('Conv2d: weight [out, in/groups, kH, kW], bias [out], float32, options stored as PyTorch', () => {
    const c = new Conv2d(4, 8, 3);
    expect(c.weight.shape).toEqual([8, 4, 3, 3]);
    expect(c.bias!.shape).toEqual([8]);
    expect(c.weight.dtype).toBe('float32');
    expect([c.kernelSize, c.stride, c.padding, c.dilation, c.groups, c.paddingMode]).toEqual([[3, 3], [1, 1], [0, 0], [1, 1], 1, 'zeros']);
    expect(new Conv2d(4, 8, [3, 1], { groups: 2, bias: false }).weight.shape).toEqual([8, 2, 3, 1]);
    expect(new Conv2d(4, 8, 3, { bias: false }).bias).toBeNull();
    expect(c.call(randn([2, 4, 10, 10])).shape).toEqual([2, 8, 8, 8]);
    expect(c.call(randn([4, 10, 10])).shape).toEqual([8, 8, 8]);
    expect(new Conv2d(1, 8, 3, { padding: 1 }).call(randn([5, 1, 28, 28])).shape).toEqual([5, 8, 28, 28]);
    expect(String(new Conv2d(1, 8, 3, { padding: 1, stride: 2 }))).toContain('Conv2d(1, 8, kernelSize=[3, 3], stride=[2, 2], padding=[1, 1])');
  });
  test('Conv1d, ConvTranspose1d/2d shapes (transposed weights are [in, out/groups, k...])', () => {
    expect(new Conv1d(3, 6, 5, { padding: 'same' }).call(randn([2, 3, 11])).shape).toEqual([2, 6, 11]);
    const ct = new ConvTranspose2d(4, 6, 2, { stride: 2, groups: 2 });
    expect(ct.weight.shape).toEqual([4, 3, 2, 2]);
    expect(ct.call(randn([1, 4, 7, 7])).shape).toEqual([1, 6, 14, 14]);
    expect(new ConvTranspose1d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }).call(randn([2, 3, 6])).shape).toEqual([2, 2, 12]);
  });
  test("ConvTranspose forward(x, outputSize) picks PyTorch's outputPadding", () => {
    const ct = new ConvTranspose2d(2, 2, 3, { stride: 2, padding: 1 });
    const x = randn([1, 2, 4, 4]);
    expect(ct.call(x, [8, 8]).shape).toEqual([1, 2, 8, 8]);
    expect(ct.call(x, [1, 2, 7, 8]).shape).toEqual([1, 2, 7, 8]);
    expect(() => ct.call(x, [9, 9])).toThrow(/ConvTranspose2d: requested outputSize \[9, 9\] is not reachable for input \[1, 2, 4, 4\]: dim 0 can be 7 to 8/);
    // PyTorch: output_size has the spatial sizes or the whole shape (2 or 4 elements for 4-D input, 2 or 3 for 3-D)
    expect(() => ct.call(x, [2, 8, 8])).toThrow('ConvTranspose2d: for 4-D input [1, 2, 4, 4], outputSize must have 2 or 4 elements (the spatial sizes or the whole output shape), got [2, 8, 8]');
    expect(() => ct.call(x, [8])).toThrow(/ConvTranspose2d: for 4-D input \[1, 2, 4, 4\], outputSize must have 2 or 4 elements/);
    expect(ct.call(randn([2, 4, 4]), [2, 7, 8]).shape).toEqual([2, 7, 8]);
    expect(() => ct.call(randn([2, 4, 4]), [1, 2, 8, 8])).toThrow('ConvTranspose2d: for 3-D input [2, 4, 4], outputSize must have 2 or 3 elements (the spatial sizes or the whole output shape), got [1, 2, 8, 8]');

    // PyTorch's _output_padding allows stride − 1 extra, even when dilation is larger:
    // nn.ConvTranspose1d(1, 1, 3, stride=1, dilation=2)(x, output_size=[7]) on a length-3 x -> ValueError
    const d = new ConvTranspose1d(1, 1, 3, { stride: 1, dilation: 2 });
    expect(d.call(randn([1, 1, 3]), [7]).shape).toEqual([1, 1, 7]);
    expect(() => d.call(randn([1, 1, 3]), [8])).toThrow(/ConvTranspose1d: requested outputSize \[8\] is not reachable .*dim 0 can be 7 to 7/);
  });
  test('Unfold and Fold are F.unfold / F.fold', () => {
    const x = randn([2, 3, 6, 6]);
    const cols = new Unfold(2, { stride: 2 }).call(x) as Tensor;
    expect(cols.shape).toEqual([2, 12, 9]);
    // non-overlapping blocks: fold undoes unfold exactly
    expect(vals(new Fold([6, 6], 2, { stride: 2 }).call(cols) as Tensor)).toEqual(vals(x));
    expect(vals(F.unfold(x, 2, { stride: 2 }))).toEqual(vals(cols));
  });
});

describe("PyTorch's reset_parameters", () => {
  const bounds = (m: Conv2d | ConvTranspose2d | Conv1d, fanIn: number): void => {
    const b = 1 / Math.sqrt(fanIn);
    const w = vals(m.weight), bias = vals(m.bias!);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(b);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * b);
    expect(Math.max(...bias.map(Math.abs))).toBeLessThanOrEqual(b);
    expect(Math.max(...bias.map(Math.abs))).toBeGreaterThan(0.5 * b);
  };
  test('Conv2d: U(±1/√(in/groups·kH·kW)) for weight and bias', () => {
    manualSeed(3);
    bounds(new Conv2d(16, 64, 3), 16 * 9);
    bounds(new Conv2d(16, 64, [3, 5], { groups: 4 }), 4 * 15);
    bounds(new Conv1d(8, 64, 5), 40);
  });
  test('ConvTranspose2d: the fan-in is weight dim 1 (out/groups)·kH·kW', () => {
    bounds(new ConvTranspose2d(64, 8, 3, { generator: new Generator(4) }), 8 * 9);
    bounds(new ConvTranspose2d(64, 8, 3, { groups: 2, generator: new Generator(4) }), 4 * 9);
  });
  test('a generator makes the init reproducible', () => {
    expect(vals(new Conv2d(2, 3, 3, { generator: new Generator(7) }).weight)).toEqual(vals(new Conv2d(2, 3, 3, { generator: new Generator(7) }).weight));
  });
});

describe('errors', () => {
  test.each([
    ['groups not dividing inChannels', () => new Conv2d(3, 4, 3, { groups: 2 }), /Conv2d: inChannels \(3\) must be divisible by groups \(2\)/],
    ['groups not dividing outChannels', () => new Conv2d(4, 3, 3, { groups: 2 }), /Conv2d: outChannels \(3\) must be divisible by groups \(2\)/],
    ['unknown paddingMode', () => new Conv2d(1, 1, 3, { paddingMode: 'mirror' as 'reflect' }), /Conv2d: paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular', got 'mirror'/],
    ["'same' with stride 2", () => new Conv1d(1, 1, 3, { padding: 'same', stride: 2 }), /Conv1d: padding='same' is not supported for strided convolutions \(stride \[2\]\)/],
    ['negative kernel size', () => new Conv2d(1, 1, -3), /Conv2d: kernelSize must be a positive integer or a list of 2 positive integers, got -3/],
    ['non-integer channels', () => new Conv2d(1.5, 1, 3), /Conv2d: inChannels must be a positive integer, got 1.5/],
    ['unknown option', () => new Conv2d(1, 1, 3, { padding_mode: 'zeros' } as never), /Conv2d: unknown option 'padding_mode'/],
    ['transposed with reflect', () => new ConvTranspose2d(1, 1, 3, { paddingMode: 'reflect' as 'zeros' }), /ConvTranspose2d: only paddingMode 'zeros' is supported for transposed convolutions/],
    ['wrong input channels', () => new Conv2d(3, 4, 3).call(randn([1, 2, 5, 5])), /conv2d: the input has 2 channels \(shape \[1, 2, 5, 5\]\) but the weight \[4, 3, 3, 3\] with groups=1 expects 3·1 = 3 input channels/],
    ['wrong input rank', () => new Conv1d(3, 4, 3).call(randn([3])), /conv1d: expected a 2-D \(unbatched \[C, L\]\) or 3-D \(batched \[N, C, L\]\) input, got shape \[3\]/],
    ['integer input', () => new Conv2d(1, 1, 1).call(tensor([[[[1]]]], { dtype: 'int32' })), /Conv2d\(1, 1\): expected a floating point input, got int32/],
    ['reflect padding wider than the input', () => new Conv2d(1, 1, 3, { padding: 3, paddingMode: 'reflect' }).call(randn([1, 1, 3, 3])), /pad: reflect padding \(3, 3\) of dim 3 must be smaller than its size 3/],
  ] as [string, () => unknown, RegExp][])('%s', (_n, f, re) => {
    expect(f).toThrow(re);
  });
});
