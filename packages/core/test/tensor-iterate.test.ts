/**
 * Tensors iterate as torch's (`Tensor.__iter__` is `iter(self.unbind(0))`): rows along dim 0, differentiable.
 * References: fixtures/pytorch/conform8/iteration.py (torch 1.13).
 */
import * as fs from 'fs';
import * as path from 'path';
import { tensor, zeros, arange, Tensor } from '../src';
import { SGD } from '../../optim/src';

const ref = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../fixtures/pytorch/conform8/iteration.json'), 'utf8')) as {
  x: number[][]; rows: number[][]; gradFn: string[]; loss: number; grad: number[][]; rows3dShapes: number[][];
  nested: number[][][][]; zeroRows: number; len: number; error0d: string;
};

describe('Tensor iteration', () => {
  it('gives the rows along dim 0, as torch, with torch\'s gradient through them', () => {
    const x = tensor(ref.x, { dtype: 'float64', requiresGrad: true });
    const rows = [...x];
    expect(rows.map((r) => r.toArray())).toEqual(ref.rows);
    expect(rows.map((r) => r.gradFn!.name())).toEqual(ref.gradFn);
    let loss: Tensor = tensor(0, { dtype: 'float64' });
    let i = 0;
    for (const r of x) loss = loss.add(r.mul(r).sum().mul(++i).add(r.sin().sum()));
    expect(i).toBe(ref.len);
    expect(loss.item()).toBeCloseTo(ref.loss, 13);
    loss.backward();
    (x.grad!.toArray() as number[][]).forEach((row, a) => row.forEach((v, b) => expect(v).toBeCloseTo(ref.grad[a][b], 14)));
  });

  it('yields views of the tensor\'s storage, as many as its length; nested iteration reaches the last dim', () => {
    const x3 = arange(24, { dtype: 'float32' }).reshape([2, 3, 4]);
    const rows = Array.from(x3);
    expect(rows.map((r) => r.shape)).toEqual(ref.rows3dShapes);
    expect(rows).toHaveLength(x3.length);
    expect(rows.map((r) => [...r].map((q) => q.toArray()))).toEqual(ref.nested);
    x3.add_(1);
    expect(rows[1].toArray()).toEqual((x3.toArray() as number[][][])[1]); // views, not copies
    expect([...zeros([0, 2])]).toHaveLength(ref.zeroRows);
    const [a, b] = tensor([5, 6]);
    expect([a.ndim, a.item(), b.item()]).toEqual([0, 5, 6]);
  });

  it('refuses a 0-d tensor with a TypeError, as torch ("iteration over a 0-d tensor")', () => {
    expect(ref.error0d).toBe('iteration over a 0-d tensor');
    const s = tensor(1);
    expect(() => [...s]).toThrow(TypeError);
    expect(() => { for (const _ of s) void _; }).toThrow(/is not iterable/);
    expect(() => s.length).toThrow(TypeError);
  });

  it('keeps jest\'s equality and printing of tensors, and code that tells tensors from iterables', () => {
    expect(tensor([[1, 2], [3, 4]])).toEqual(tensor([[1, 2], [3, 4]]));
    expect(tensor([[1, 2], [3, 4]])).not.toEqual(tensor([[1, 2], [3, 5]]));
    expect(tensor(2)).toEqual(tensor(2)); // 0-d: no iterator, compared as a plain object
    expect({ params: [tensor([1, 2])] }).toMatchObject({ params: [tensor([1, 2])] });
    // scripts/jest-tensor-equality.cjs: fields, not rows (fresh rows of a tensor that requires grad differ)
    const p = tensor([[1, 2]], { requiresGrad: true });
    expect(p).toEqual(p);
    expect(p).toEqual(tensor([[1, 2]], { requiresGrad: true }));
    expect(p).not.toEqual(tensor([[1, 2]]));
    expect(zeros([300, 300])).toEqual(zeros([300, 300])); // one storage comparison, not one per element view
    expect(String(tensor([1, 2]))).toBe('tensor([1., 2.])');
    // the optimizers check for a Tensor before an iterable, so a bare tensor still gets torch's message
    expect(() => new SGD(tensor([1, 2], { requiresGrad: true }) as never, { lr: 0.1 })).toThrow(/iterable of Tensors or dicts, but got a Tensor/);
  });
});
