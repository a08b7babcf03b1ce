/**
 * conv1d/conv2d, convTranspose1d/2d, unfold and fold: PyTorch 1.13 references (fixtures/pytorch/conv.json)
 * in float64 and float32, hand-computed cases, the column buffer's reuse, and the errors.
 */
import {
  Tensor, tensor, randn, conv1d, conv2d, convTranspose1d, convTranspose2d, unfold, fold, setKernelBackend, Generator, grad,
} from '@tapegrad/core';
import { refCases, checkRef } from './conv-fixtures';

const f64 = (v: number[], shape: number[]): Tensor => tensor(Float64Array.from(v), { dtype: 'float64' }).reshape(shape);
const arange = (n: number, shape: number[]): Tensor => f64(Array.from({ length: n }, (_, i) => i + 1), shape);
const vals = (t: Tensor): number[] => Array.from(t.dataSync());

const convCases = refCases.filter((c) => c.op !== 'pad');

describe('against PyTorch 1.13 (fixtures/pytorch/conv.json)', () => {
  test('the fixture holds every conv op', () => {
    expect(new Set(convCases.map((c) => c.op))).toEqual(new Set(['conv1d', 'conv2d', 'convTranspose1d', 'convTranspose2d', 'unfold', 'fold']));
  });
  test.each(convCases.map((c) => [c.name, c] as const))('%s: float64 values and gradients', (_n, c) => {
    const e = checkRef(c, 'float64');
    expect(e.out).toBeLessThan(1e-12);
    expect(e.grad).toBeLessThan(1e-12);
  });
  test.each(convCases.map((c) => [c.name, c] as const))('%s: float32', (_n, c) => {
    const e = checkRef(c, 'float32');
    expect(e.out).toBeLessThan(2e-5);
    expect(e.grad).toBeLessThan(2e-5);
  });
  test('the JS GEMM backend gives the same values', () => {
    setKernelBackend('js');
    try {
      for (const c of convCases) expect(checkRef(c, 'float64').grad).toBeLessThan(1e-12);
    } finally {
      setKernelBackend('auto');
    }
  });
});

describe('hand-computed', () => {
  test('conv1d: a difference kernel, bias, stride and padding', () => {
    const x = f64([1, 2, 4, 8], [1, 1, 4]);
    expect(vals(conv1d(x, f64([1, -1], [1, 1, 2])))).toEqual([-1, -2, -4]);
    expect(vals(conv1d(x, f64([1, -1], [1, 1, 2]), f64([10], [1]), { stride: 2, padding: 1 }))).toEqual([9, 8, 18]);
  });
  test('conv2d: a 2x2 box sum over a 3x3 image; two groups keep their channels apart', () => {
    const x = arange(9, [1, 1, 3, 3]);
    expect(vals(conv2d(x, f64([1, 1, 1, 1], [1, 1, 2, 2])))).toEqual([12, 16, 24, 28]);
    const two = f64([1, 2, 3, 4, 10, 20, 30, 40], [1, 2, 2, 2]);
    // Per channel 1x1 weights 1 and -1 (depthwise): each output channel sees only its own input channel.
    expect(vals(conv2d(two, f64([1, -1], [2, 1, 1, 1]), null, { groups: 2 }))).toEqual([1, 2, 3, 4, -10, -20, -30, -40]);
  });
  test("padding 'same' keeps the size; an even kernel puts the extra zero after the input", () => {
    const x = f64([1, 2, 3], [1, 1, 3]);
    // k = [1, 1]: total padding 1, none before, one after: y[i] = x[i] + x[i+1]
    expect(vals(conv1d(x, f64([1, 1], [1, 1, 2]), null, { padding: 'same' }))).toEqual([3, 5, 3]);
    expect(conv2d(randn([2, 3, 5, 6]), randn([4, 3, 3, 4]), null, { padding: 'same', dilation: 2 }).shape).toEqual([2, 4, 5, 6]);
  });
  test('unbatched inputs give unbatched outputs', () => {
    expect(conv2d(randn([3, 5, 5]), randn([2, 3, 3, 3])).shape).toEqual([2, 3, 3]);
    expect(conv1d(randn([3, 7]), randn([2, 3, 3])).shape).toEqual([2, 5]);
    expect(convTranspose2d(randn([3, 2, 2]), randn([3, 1, 2, 2]), null, { stride: 2 }).shape).toEqual([1, 4, 4]);
    expect(unfold(randn([2, 4, 4]), 2).shape).toEqual([8, 9]);
    expect(fold(randn([8, 9]), 4, 2).shape).toEqual([2, 4, 4]);
  });
  test('convTranspose1d scatters each input times the kernel at stride steps', () => {
    const y = convTranspose1d(f64([1, 2], [1, 1, 2]), f64([1, 10], [1, 1, 2]), null, { stride: 2 });
    expect(vals(y)).toEqual([1, 10, 2, 20]);
    // overlapping (stride 1): [1, 10 + 2, 20]; padding 1 crops one from each side: [12]
    expect(vals(convTranspose1d(f64([1, 2], [1, 1, 2]), f64([1, 10], [1, 1, 2])))).toEqual([1, 12, 20]);
    expect(vals(convTranspose1d(f64([1, 2], [1, 1, 2]), f64([1, 10], [1, 1, 2]), null, { padding: 1 }))).toEqual([12]);
  });
  test('convTranspose2d is the adjoint of conv2d: <conv(x), y> = <x, convT(y)>', () => {
    const g = new Generator(5);
    const x = randn([2, 4, 7, 6], { generator: g, dtype: 'float64' }), w = randn([6, 2, 3, 2], { generator: g, dtype: 'float64' });
    const opts = { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 };
    const y = randn(conv2d(x, w, null, opts).shape, { generator: g, dtype: 'float64' });
    const lhs = conv2d(x, w, null, opts).mul(y).sum().item();
    // x is 7 high: (4 - 1)·2 − 2 + 3 = 7 needs outputPadding 0 in H; 6 wide: (4 − 1) + 2·1 + 1 = 6
    const back = convTranspose2d(y, w, null, { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 });
    expect(back.shape).toEqual(x.shape);
    expect(Math.abs(lhs - back.mul(x).sum().item())).toBeLessThan(1e-10);
  });
  test('unfold lists each block as a column; fold of unfold multiplies each pixel by its block count', () => {
    const x = arange(9, [1, 1, 3, 3]);
    const cols = unfold(x, 2);
    expect(cols.shape).toEqual([1, 4, 4]);
    // row (0, 0) is the top-left of each of the 4 blocks, row (1, 1) the bottom-right
    expect(vals(cols.select(1, 0))).toEqual([1, 2, 4, 5]);
    expect(vals(cols.select(1, 3))).toEqual([5, 6, 8, 9]);
    expect(vals(fold(cols, [3, 3], 2))).toEqual([1, 4, 3, 8, 20, 12, 7, 16, 9]);
  });
  test('a 1x1 conv (read in place as its column matrix) equals a matmul over channels', () => {
    const g = new Generator(2);
    const x = randn([2, 3, 4, 5], { generator: g, dtype: 'float64' }), w = randn([4, 3, 1, 1], { generator: g, dtype: 'float64' });
    const ref = w.reshape([4, 3]).matmul(x.reshape([2, 3, 20])).reshape([2, 4, 4, 5]);
    expect(Math.max(...vals(conv2d(x, w).sub(ref).abs()))).toBeLessThan(1e-12);
  });
  test('mixed float32/float64 is refused like matmul (PyTorch: expected scalar type Float but found Double)', () => {
    expect(() => conv2d(randn([1, 1, 3, 3]), randn([1, 1, 2, 2], { dtype: 'float64' }))).toThrow(/conv2d: expected weight to have the same dtype as input \(float32\), but got weight float64/);
  });
});

describe('the reused column buffer never leaks into a result or a saved tensor', () => {
  test('an earlier output and its gradient are unchanged by later convs of the same shape', () => {
    const g = new Generator(9);
    const w = randn([3, 2, 3, 3], { generator: g, dtype: 'float64' }).requiresGrad_(true);
    const x1 = randn([2, 2, 6, 6], { generator: g, dtype: 'float64' }).requiresGrad_(true);
    const x2 = randn([2, 2, 6, 6], { generator: g, dtype: 'float64' });
    const y1 = conv2d(x1, w, null, { padding: 1 });
    const before = vals(y1);
    const [gw1] = grad(y1.sum(), [w], { retainGraph: true });
    const y2 = conv2d(x2, w, null, { padding: 1 });
    conv2d(x2.mul(3), w, null, { padding: 1 });
    expect(vals(y1)).toEqual(before);
    const [gw1again] = grad(y1.sum(), [w]);
    expect(vals(gw1again!)).toEqual(vals(gw1!));
    expect(vals(y2)).not.toEqual(before);
    // float32 shares its own buffer: same check
    const xf = randn([1, 2, 5, 5], { generator: g }), wf = randn([2, 2, 3, 3], { generator: g });
    const yf = conv2d(xf, wf);
    const fBefore = vals(yf);
    conv2d(xf.neg(), wf);
    convTranspose2d(randn([1, 2, 5, 5], { generator: g }), wf);
    expect(vals(yf)).toEqual(fBefore);
  });
});

describe('errors name the op, the shapes and what was expected', () => {
  const x4 = randn([1, 3, 5, 5]), w4 = randn([2, 3, 3, 3]);
  test.each([
    ['wrong input rank', () => conv2d(randn([5, 5]), w4), /conv2d: expected a 3-D \(unbatched \[C, H, W\]\) or 4-D \(batched \[N, C, H, W\]\) input, got shape \[5, 5\]/],
    ['wrong weight rank', () => conv2d(x4, randn([2, 3, 3])), /conv2d: weight must be 4-D \[outChannels, inChannels\/groups, kH, kW\], got shape \[2, 3, 3\]/],
    ['channels vs weight', () => conv2d(randn([1, 4, 5, 5]), w4), /conv2d: the input has 4 channels \(shape \[1, 4, 5, 5\]\) but the weight \[2, 3, 3, 3\] with groups=1 expects 3·1 = 3 input channels/],
    ['groups not dividing the input channels', () => conv2d(x4, randn([2, 1, 3, 3]), null, { groups: 2 }), /conv2d: groups=2 must divide the input's 3 channels/],
    ['groups not dividing the output channels', () => conv2d(randn([1, 4, 5, 5]), randn([3, 2, 3, 3]), null, { groups: 2 }), /conv2d: groups=2 must divide the weight's 3 output channels/],
    ['groups not a positive integer', () => conv2d(x4, w4, null, { groups: 0 }), /conv2d: groups must be a positive integer, got 0/],
    ['kernel larger than the padded input', () => conv2d(randn([1, 3, 2, 2]), w4), /conv2d: the kernel .* is larger than the padded input \(2 \+ 0 = 2; input shape \[1, 3, 2, 2\]\)/],
    ['dilated kernel larger than the padded input', () => conv1d(randn([1, 1, 5]), randn([1, 1, 3]), null, { dilation: 3 }), /conv1d: the kernel \(size \[3\], dilation \[3\]: 7 in dim 2\) is larger than the padded input/],
    ['negative padding', () => conv2d(x4, w4, null, { padding: -1 }), /conv2d: padding must be a non-negative integer or a list of 2 non-negative integers, got -1/],
    ['non-integer stride', () => conv2d(x4, w4, null, { stride: 1.5 }), /conv2d: stride must be a positive integer or a list of 2 positive integers, got 1.5/],
    ['stride list of the wrong length', () => conv2d(x4, w4, null, { stride: [1, 1, 1] }), /conv2d: stride must be .* got \[1, 1, 1\]/],
    ['zero dilation', () => conv1d(randn([1, 1, 5]), randn([1, 1, 3]), null, { dilation: 0 }), /conv1d: dilation must be a positive integer/],
    ["'same' with stride 2", () => conv2d(x4, w4, null, { stride: 2, padding: 'same' }), /conv2d: padding='same' is not supported for strided convolutions \(stride \[2, 2\]\)/],
    ['unknown padding string', () => conv2d(x4, w4, null, { padding: 'full' as 'same' }), /conv2d: padding must be a size, a list of 2 sizes, 'same' or 'valid', got 'full'/],
    ['bias of the wrong size', () => conv2d(x4, w4, randn([3])), /conv2d: bias must have shape \[2\] \(the weight's output channels\), got \[3\]/],
    ['integer input', () => conv2d(tensor([[[[1]]]], { dtype: 'int32' }), randn([1, 1, 1, 1])), /conv2d: expected floating point tensors, got input int32/],
    ['unknown option', () => conv2d(x4, w4, null, { strides: 2 } as never), /conv2d: unknown option 'strides'.*expected one of stride, padding, dilation, groups/],
    ['convTranspose channels vs weight dim 0', () => convTranspose2d(randn([1, 4, 3, 3]), randn([3, 2, 3, 3])), /convTranspose2d: the input has 4 channels \(shape \[1, 4, 3, 3\]\) but the weight \[3, 2, 3, 3\] expects 3 \(its dim 0/],
    ['convTranspose groups', () => convTranspose2d(randn([1, 3, 3, 3]), randn([3, 2, 3, 3]), null, { groups: 2 }), /convTranspose2d: groups=2 must divide the 3 input channels of the weight \[3, 2, 3, 3\]/],
    ['convTranspose outputPadding too large', () => convTranspose1d(randn([1, 1, 3]), randn([1, 1, 3]), null, { stride: 2, outputPadding: 2 }), /convTranspose1d: outputPadding \[2\] must be smaller than either stride \[2\] or dilation \[1\]/],
    ['convTranspose non-positive output', () => convTranspose1d(randn([1, 1, 1]), randn([1, 1, 1]), null, { padding: 1 }), /convTranspose1d: the output size \[-1\] is not positive/],
    ['convTranspose wrong rank', () => convTranspose1d(randn([1, 1, 1, 3]), randn([1, 1, 3])), /convTranspose1d: expected a 2-D \(unbatched \[C, L\]\) or 3-D \(batched \[N, C, L\]\) input, got shape \[1, 1, 1, 3\]/],
    ['unfold rank', () => unfold(randn([4, 4]), 2), /unfold: expected a 3-D \(unbatched \[C, H, W\]\) or 4-D \(batched \[N, C, H, W\]\) input, got shape \[4, 4\]/],
    ['unfold kernel larger than the input', () => unfold(randn([1, 1, 2, 2]), 3), /unfold: the kernel \[3, 3\] \(dilation \[1, 1\]\) is larger than the padded spatial size \[2, 2\]/],
    ['unfold negative padding', () => unfold(randn([1, 1, 4, 4]), 2, { padding: -1 }), /unfold: padding must be a non-negative integer/],
    ['fold blocks count', () => fold(randn([1, 4, 5]), [3, 3], 2), /fold: the input has 5 blocks \(shape \[1, 4, 5\]\) but outputSize \[3, 3\] .* gives 2·2 = 4/],
    ['fold channels not divisible', () => fold(randn([1, 5, 4]), [3, 3], 2), /fold: dim 1 of the input \(5, shape \[1, 5, 4\]\) must be divisible by the kernel's 2·2 = 4 elements/],
  ] as [string, () => unknown, RegExp][])('%s', (_n, f, re) => {
    expect(f).toThrow(re);
  });
});
