/**
 * scatterAdd / scatter(reduce: 'add') / indexAdd refuse a source of another dtype, as torch 1.13 does
 * (instead of rounding float64 into float32 or truncating floats into int32 without a word); gather's and
 * indexSelect's gradients, which scatter-add internally, still work in mixed-dtype graphs, with torch's values.
 * References: fixtures/pytorch/conform8/scatter_dtypes.py.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tensor, zeros, scatterAdd, scatter, indexAdd, type Tensor } from '../../src';

const ref = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../fixtures/pytorch/conform8/scatter-dtypes.json'), 'utf8')) as {
  errors: Record<string, string | null>; x: number[][]; w: number[][]; y: number[][]; yDtype: string; grad: number[][]; gradDtype: string;
};

const x = zeros([3]);
const s64 = tensor([1, 2], { dtype: 'float64' });
const i = tensor([0, 2], { dtype: 'int32' });
const calls: Record<string, [() => Tensor, RegExp]> = {
  'scatter_add float32 self, float64 src': [() => scatterAdd(x, 0, i, s64), /^scatterAdd: expected self\.dtype to be equal to src\.dtype \(float32 and float64\)/],
  'scatter_add float64 self, float32 src': [() => x.double().scatterAdd(0, i, s64.float()), /^scatterAdd: expected self\.dtype to be equal to src\.dtype \(float64 and float32\)/],
  'scatter_add_ float32 self, float64 src': [() => x.clone().scatter_(0, i, s64, { reduce: 'add' }), /^scatter: expected self\.dtype to be equal to src\.dtype \(float32 and float64\)/],
  'scatter reduce add float32 self, float64 src': [() => scatter(x, 0, i, s64, { reduce: 'add' }), /^scatter: expected self\.dtype to be equal to src\.dtype/],
  'index_add float32 self, float64 source': [() => indexAdd(x, 0, i, s64), /^indexAdd: self \(float32\) and source \(float64\) must have the same dtype/],
  'index_add float64 self, float32 source': [() => x.double().indexAdd(0, i, s64.float()), /^indexAdd: self \(float64\) and source \(float32\) must have the same dtype/],
  'index_add int32 self, float32 source': [() => indexAdd(zeros([3], { dtype: 'int32' }), 0, i, s64.float()), /^indexAdd: self \(int32\) and source \(float32\)/],
  'scatter_add int32 self, float32 src': [() => scatterAdd(zeros([3], { dtype: 'int32' }), 0, i, s64.float()), /^scatterAdd: expected self\.dtype to be equal to src\.dtype \(int32 and float32\)/],
};

describe('scatterAdd, scatter(reduce add) and indexAdd with a source of another dtype', () => {
  test.each(Object.keys(ref.errors))('%s: refused, as torch', (name) => {
    expect(ref.errors[name]).toMatch(/Expected self.dtype to be equal to src.dtype|must have the same scalar type/);
    const [f, msg] = calls[name];
    expect(f).toThrow(TypeError);
    expect(f).toThrow(msg);
  });

  it('same dtypes still add, int32 included', () => {
    expect(scatterAdd(x, 0, i, s64.float()).toArray()).toEqual([1, 0, 2]);
    expect(indexAdd(x.double(), 0, i, s64, { alpha: 2 }).toArray()).toEqual([2, 0, 4]);
    expect(scatterAdd(zeros([3], { dtype: 'int32' }), 0, i, tensor([4, 5], { dtype: 'int32' })).toArray()).toEqual([4, 0, 5]);
    expect(scatter(x, 0, i, 2.5, { reduce: 'add' }).toArray()).toEqual([2.5, 0, 2.5]);
  });

  it('gather and indexSelect of a float32 tensor times float64: torch\'s values, dtypes and float32 gradient', () => {
    const xg = tensor(ref.x, { requiresGrad: true });
    const w = tensor(ref.w, { dtype: 'float64' });
    const y = xg.gather(1, tensor([[2, 0], [1, 1]], { dtype: 'int32' })).mul(w).add(xg.indexSelect(1, tensor([0, 0], { dtype: 'int32' })).mul(w));
    expect(`torch.${y.dtype}`).toBe(ref.yDtype);
    expect(y.toArray()).toEqual(ref.y);
    y.sum().backward();
    expect(`torch.${xg.grad!.dtype}`).toBe(ref.gradDtype);
    expect(xg.grad!.toArray()).toEqual(ref.grad);
  });
});
