/**
 * lerp, indexFill / indexCopy / indexPut / maskedScatter / take / put / fillDiagonal_, their in-place forms,
 * the in-place view ops (t_, transpose_, swapdims_, swapaxes_, unsqueeze_, squeeze_) and clip_ against
 * torch 1.13: values (lerp's bit for bit in float32 and float64), gradients, geometry, node names and errors.
 * References: fixtures/pytorch/ops8/porting_ops.py.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tensor, zeros, ones, arange, lerp, indexFill, indexCopy, indexPut, maskedScatter, take, put, swapdims, noGrad, compile, type Tensor, type NestedArray } from '../../src';

interface GradCase { inputs: NestedArray[]; y: NestedArray; gy: NestedArray; grads: (NestedArray | null)[] }
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../fixtures/pytorch/ops8/porting-ops.json'), 'utf8')) as {
  lerp: Record<string, { a: number[][]; b: number[][]; w: number | number[]; y: number[][] }>;
  lerpGrad: GradCase; lerpGradScalar: GradCase; cases: Record<string, GradCase>;
  indexFillNegative: { x: number[][]; y: number[][] };
  views: Record<string, { shape: number[]; stride: number[]; versionBump: number; gradFn: string }>;
  errors: Record<string, string | null>;
};

const i32 = (v: NestedArray): Tensor => tensor(v, { dtype: 'int32' });
const f64 = (v: NestedArray, requiresGrad = false): Tensor => tensor(v, { dtype: 'float64', requiresGrad });
const bool = (v: NestedArray): Tensor => tensor(v, { dtype: 'bool' });

function expectClose(actual: Tensor, expected: NestedArray, tol = 1e-12): void {
  const want = tensor(expected, { dtype: 'float64' });
  expect(actual.shape).toEqual(want.shape);
  const a = actual.double().dataSync(), w = want.dataSync();
  for (let i = 0; i < w.length; i++) expect(Math.abs(a[i] - w[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(w[i])));
}

/** Runs f on float64 leaves of the case's inputs, checks its values and the gradients of (f · gy).sum(). */
function checkCase(c: GradCase, f: (...xs: Tensor[]) => Tensor): void {
  const xs = c.inputs.map((v) => f64(v, true));
  const y = f(...xs);
  expectClose(y, c.y);
  y.backward(f64(c.gy));
  c.grads.forEach((g, k) => {
    if (g === null) expect(xs[k].grad === null || xs[k].grad!.abs().sum().item() === 0).toBe(true);
    else expectClose(xs[k].grad!, g);
  });
}

describe('lerp', () => {
  test.each(Object.keys(ref.lerp))('%s: torch\'s values bit for bit', (name) => {
    const c = ref.lerp[name];
    const dtype = name.startsWith('float32') ? 'float32' : 'float64';
    const a = tensor(c.a, { dtype }), b = tensor(c.b, { dtype });
    const w = typeof c.w === 'number' ? c.w : tensor(c.w, { dtype });
    const y = lerp(a, b, w);
    expect(y.dtype).toBe(dtype);
    expect(y.toArray()).toEqual(c.y);
    expect(a.lerp(b, w).toArray()).toEqual(c.y);
    expect(a.clone().lerp_(b, w).toArray()).toEqual(c.y);
  });
  it('gradients of input, end and a broadcast tensor weight', () => checkCase(ref.lerpGrad, (a, b, w) => lerp(a, b, w)));
  it('gradients with a number weight >= 0.5', () => checkCase(ref.lerpGradScalar, (a, b) => a.lerp(b, 0.75)));
});

const cases: Record<string, (...xs: Tensor[]) => Tensor> = {
  'indexFill dim -1, value tensor': (x, v) => indexFill(x, -1, i32([0, 2]), v),
  'indexFill dim 0, number': (x) => x.indexFill(0, i32([1]), -2.5),
  'indexCopy dim 1': (x, s) => x.indexCopy(1, i32([2, 0]), s),
  'indexCopy dim 0 of [4, 2]': (x, s) => indexCopy(x, 0, i32([3, 1, 0]), s),
  'indexPut two index tensors, broadcast': (x, v) => indexPut(x, [i32([[0], [2]]), i32([1, -1])], v),
  'indexPut accumulate repeats': (x, v) => x.indexPut([i32([0, 2, 0])], v, { accumulate: true }),
  'indexPut bool mask rows': (x, v) => x.indexPut([bool([true, false, true])], v),
  'maskedScatter broadcast mask': (x, s) => maskedScatter(x, bool([[true, false, true]]), s),
  'maskedScatter mask broadcasts x': (x, s) => x.maskedScatter(bool([[true, false], [false, true], [true, true]]), s),
  'take 2-d index with negatives': (x) => take(x, i32([[0, -1], [4, 4]])),
  'put': (x, s) => x.put(i32([1, -1, 3]), s),
  'put accumulate': (x, s) => put(x, i32([[1, 1], [5, 1]]), s, true),
  'fillDiagonal_ on a non-leaf': (x) => x.mul(1).fillDiagonal_(-1.5).mul(x),
  'fillDiagonal_ wrap [7, 3]': (x) => x.mul(1).fillDiagonal_(2, { wrap: true }),
  'fillDiagonal_ [3, 3, 3]': (x) => x.mul(1).fillDiagonal_(0.5),
  'fillDiagonal_ no wrap [5, 2]': (x) => x.mul(1).fillDiagonal_(7),
  'indexFill_ on a non-leaf': (x) => x.mul(2).indexFill_(1, i32([1]), 0).mul(x),
  'indexCopy_ on a non-leaf': (x, s) => x.mul(2).indexCopy_(0, i32([1]), s).mul(x),
  'indexPut_ accumulate': (x, v) => x.mul(1).indexPut_([i32([1, 1]), i32([0, 0])], v, true),
  'maskedScatter_': (x, s) => x.add(0).maskedScatter_(bool([false, true, true]), s),
  'put_ accumulate': (x, s) => x.add(0).put_(i32([0, 0]), s, true),
  'lerp_': (x, e, w) => x.add(0).lerp_(e, w),
  't_ on a non-leaf': (x) => x.mul(3).t_().mul(arange(6, { dtype: 'float64' }).reshape([3, 2])),
  'transpose_ -1, 0': (x) => x.mul(1).transpose_(-1, 0).sin(),
  'swapdims_ 0, 1': (x) => x.mul(1).swapdims_(0, 1).cos(),
  'unsqueeze_ -1': (x) => x.mul(1).unsqueeze_(-1).mul(ones([3, 1, 2], { dtype: 'float64' })),
  'squeeze_ all': (x) => x.mul(1).squeeze_().exp(),
  'squeeze_ dim 1 of size 3 (no-op)': (x) => x.mul(1).squeeze_(1).exp(),
  'clip_': (x) => x.mul(1).clip_(-0.5, 0.5),
};

describe('index writes, in-place forms and in-place views: torch\'s values and gradients', () => {
  it('covers every case of the fixture', () => expect(Object.keys(cases).sort()).toEqual(Object.keys(ref.cases).sort()));
  test.each(Object.keys(ref.cases))('%s', (name) => checkCase(ref.cases[name], cases[name]));
  it('indexFill wraps a negative index', () => {
    expect(indexFill(f64(ref.indexFillNegative.x), 1, i32([-1, 0]), 4).toArray()).toEqual(ref.indexFillNegative.y);
  });
  it('float32, int32 and bool tensors keep their dtype', () => {
    expect(zeros([3], { dtype: 'int32' }).indexFill(0, i32([1]), 7).toArray()).toEqual([0, 7, 0]);
    expect(zeros([3], { dtype: 'bool' }).indexFill(0, i32([2]), true).toArray()).toEqual([false, false, true]);
    const p = zeros([2, 2]).put(i32([3, 0]), tensor([1.5, 2.5]));
    expect([p.dtype, p.toArray()]).toEqual(['float32', [[2.5, 0], [0, 1.5]]]);
    expect(take(i32([[1, 2], [3, 4]]), i32([-1, 0])).toArray()).toEqual([4, 1]);
    expect(zeros([2, 2], { dtype: 'int32' }).indexPut([i32([1])], 5).toArray()).toEqual([[0, 0], [5, 5]]);
    expect(zeros([3, 3], { dtype: 'int32' }).fillDiagonal_(4).toArray()).toEqual([[4, 0, 0], [0, 4, 0], [0, 0, 4]]);
    expect(zeros([3], { dtype: 'bool' }).maskedScatter(bool([true, false, true]), bool([true, false])).toArray()).toEqual([true, false, false]);
  });
});

const viewOps: Record<string, [number[], (x: Tensor) => Tensor]> = {
  't_': [[2, 3], (x) => x.t_()],
  'transpose_': [[2, 3, 4], (x) => x.transpose_(0, 2)],
  'swapaxes_': [[2, 3], (x) => x.swapaxes_(-1, -2)],
  'unsqueeze_': [[2, 3], (x) => x.unsqueeze_(1)],
  'squeeze_': [[1, 2, 1, 3], (x) => x.squeeze_()],
  'squeeze_ -2': [[2, 1, 3], (x) => x.squeeze_(-2)],
};

describe('in-place view ops', () => {
  test.each(Object.keys(ref.views))('%s: torch\'s shape, strides, version bump and node', (name) => {
    const r = ref.views[name];
    const [shape, f] = viewOps[name];
    const x = zeros(shape);
    const v0 = x._version;
    expect(f(x)).toBe(x);
    expect([x.shape, x.stride(), x._version - v0]).toEqual([r.shape, r.stride, r.versionBump]);
    const y = zeros(shape, { requiresGrad: true }).mul(1);
    f(y);
    expect(y.gradFn!.name()).toBe(r.gradFn);
  });
  it('the tensor keeps its storage: writes through it land in the old layout', () => {
    const x = arange(6).reshape([2, 3]);
    const alias = x.view([6]);
    x.t_();
    x.select(0, 2).fill_(-1);
    expect(alias.toArray()).toEqual([0, 1, -1, 3, 4, -1]);
    expect(x.toArray()).toEqual([[0, 3], [1, 4], [-1, -1]]);
    expect(swapdims(x, 0, 1).toArray()).toEqual([[0, 1, -1], [3, 4, -1]]);
  });
  it('a compiled step that changes a shape in place stays eager, with eager values', () => {
    const step = compile((x: Tensor) => x.mul(2).t_().add(x.sum(0, true).t_()));
    for (const k of [1, 2, 3]) {
      const x = arange(6).reshape([2, 3]).mul(k);
      expect(step(x).toArray()).toEqual(x.mul(2).t().add(x.sum(0, true).t()).toArray());
    }
    expect(step.stats().fallbacks.length).toBeGreaterThan(0);
    expect(step.stats().fallbacks[0].reason).toMatch(/t_ changes a tensor's shape in place/);
  });
  it('a leaf that requires grad may change shape in place under noGrad', () => {
    const w = zeros([2, 3], { requiresGrad: true });
    noGrad(() => w.t_());
    expect(w.shape).toEqual([3, 2]);
    expect(w.isLeaf).toBe(true);
  });
});

const z = zeros([3]);
const errors: Record<string, [() => unknown, RegExp]> = {
  'lerp end dtype': [() => lerp(z, z.double(), 0.5), /^lerp: expected dtype float32 for end but got dtype float64/],
  'lerp weight dtype': [() => lerp(z, z, z.double()), /^lerp: expected dtype float32 for weight but got dtype float64/],
  'lerp int32': [() => lerp(z.int(), z.int(), 0.5), /^lerp: expected a floating point input/],
  'lerp_ broadcast beyond self': [() => z.clone().lerp_(ones([2, 3]), 0.5), /^lerp_: the result has shape \[2, 3\], which does not fit the tensor's shape \[3\]/],
  'lerp shapes': [() => lerp(z, ones([2]), 0.5), /^lerp: /],
  'indexFill index out of range': [() => z.indexFill(0, i32([3]), 1), /^indexFill: index 3 is out of bounds for dimension 0 with size 3/],
  'indexFill 2-d index': [() => z.indexFill(0, i32([[0]]), 1), /^indexFill: index must be a vector or a scalar/],
  'indexFill 1-d value': [() => z.indexFill(0, i32([0]), ones([1])), /^indexFill: only supports a 0-dimensional value tensor/],
  'indexFill dim': [() => z.indexFill(1, i32([0]), 1), /^indexFill: dim 1 is out of range/],
  'indexCopy negative index': [() => z.indexCopy(0, i32([-1]), ones([1])), /^indexCopy: index -1 is out of bounds for dimension 0 with size 3/],
  'indexCopy count': [() => z.indexCopy(0, i32([1]), ones([2])), /^indexCopy: number of indices \(1\) should be equal to source.size\(dim\) \(2\)/],
  'indexCopy dtype': [() => z.indexCopy(0, i32([1]), f64([1])), /^indexCopy: self and source expected to have the same dtype, but got \(self\) float32 and \(source\) float64/],
  'indexCopy slice shape': [() => zeros([2, 3]).indexCopy(0, i32([1]), ones([1, 2])), /^indexCopy: source and self must have the same slice shapes/],
  'indexPut out of range': [() => z.indexPut([i32([3])], ones([1])), /^indexPut: index 3 is out of bounds for dimension 0 with size 3/],
  'indexPut dtype': [() => z.indexPut([i32([1])], f64([1])), /^indexPut: index put requires the source and destination dtypes match, got float32 for the destination and float64/],
  'indexPut value shape': [() => z.indexPut([i32([1, 2])], ones([3])), /^indexPut: shape mismatch: value tensor of shape \[3\] cannot be broadcast to indexing result of shape \[2\]/],
  'indexPut too many': [() => z.indexPut([i32([1]), i32([0])], ones([1])), /^indexPut: too many indices for tensor of dimension 1 \(got 2\)/],
  'maskedScatter short source': [() => z.maskedScatter(bool([true, false, true]), ones([1])), /^maskedScatter: number of elements of source \(1, shape \[1\]\) < number of ones in mask \(2\)/],
  'maskedScatter dtype': [() => z.maskedScatter(bool([true, false, true]), f64([1, 1, 1])), /^maskedScatter: self and source expected to have the same dtype/],
  'maskedScatter_ mask beyond self': [() => z.clone().maskedScatter_(ones([2, 3], { dtype: 'bool' }), ones([6])), /^maskedScatter_: the result has shape \[2, 3\]/],
  'take out of range': [() => take(z, i32([3])), /^take: index 3 is out of bounds for a tensor of 3 elements/],
  'take negative out of range': [() => take(z, i32([-4])), /^take: index -4 is out of bounds for a tensor of 3 elements/],
  'put count': [() => z.put(i32([1, 2]), ones([3])), /^put: expected source and index to have the same number of elements, but got source.numel\(\) = 3, index.numel\(\) = 2/],
  'put dtype': [() => z.put(i32([1]), f64([1])), /^put: self and source expected to have the same dtype/],
  'put out of range': [() => z.put(i32([3]), ones([1])), /^put: index 3 is out of bounds/],
  'fillDiagonal_ 1-d': [() => z.clone().fillDiagonal_(1), /^fillDiagonal_: dimensions must be larger than 1/],
  'fillDiagonal_ unequal': [() => zeros([2, 3, 2]).fillDiagonal_(1), /^fillDiagonal_: all dimensions of input must be of equal length/],
  't_ 3-d': [() => zeros([2, 3, 4]).t_(), /^t: expects a tensor with <= 2 dims/],
  'unsqueeze_ dim': [() => z.clone().unsqueeze_(2), /^unsqueeze: dim 2 is out of range/],
  'transpose_ dim': [() => z.clone().transpose_(0, 1), /^transpose: dim 1 is out of range/],
  't_ on a leaf requiring grad': [() => zeros([2, 3], { requiresGrad: true }).t_(), /^t_: a leaf tensor that requires grad is being used in an in-place operation/],
  'unsqueeze_ on a leaf requiring grad': [() => zeros([2], { requiresGrad: true }).unsqueeze_(0), /^unsqueeze_: a leaf tensor that requires grad/],
  'indexFill_ on a leaf requiring grad': [() => zeros([2], { requiresGrad: true }).indexFill_(0, i32([0]), 1), /^indexFill_: a leaf tensor that requires grad/],
  'saved value after t_': [() => {
    const y = ones([2, 3], { requiresGrad: true }).mul(1);
    const s = y.mul(y);
    y.t_();
    s.sum().backward();
  }, /modified by an in-?place/i],
};

describe('errors, where torch raises', () => {
  it('covers every error case of the fixture', () => expect(Object.keys(errors).sort()).toEqual(Object.keys(ref.errors).sort()));
  test.each(Object.keys(ref.errors))('%s', (name) => {
    expect(ref.errors[name]).not.toBeNull();
    expect(errors[name][0]).toThrow(errors[name][1]);
  });
});
