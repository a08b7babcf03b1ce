/** The Tensor class: reading values out, autograd state, views and storage, contiguity, zero-size tensors. */
import { Tensor, tensor, zeros, ones, arange, cat, stack, matmul, isTensor, noGrad } from '@tapegrad/core';
import { expectThrowMessage, expectClose } from './helpers/approx';

const m23 = (): Tensor => tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' });

describe('reading values', () => {
  test('toArray gives nested arrays (a number for 0-d, booleans for bool)', () => {
    expect(m23().toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor(2.5).toArray()).toBe(2.5);
    expect(tensor([[true], [false]]).toArray()).toEqual([[true], [false]]);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
  });

  test('dataSync gives a row-major copy of the dtype, also for views', () => {
    const x = m23();
    const d = x.dataSync();
    expect(d).toBeInstanceOf(Float32Array);
    expect(Array.from(d)).toEqual([1, 2, 3, 4, 5, 6]);
    d[0] = 100;
    expect(x.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(Array.from(x.t().dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
    const n = x.narrow(1, 1, 2);
    const nd = n.dataSync();
    expect(Array.from(nd)).toEqual([2, 3, 5, 6]);
    nd[0] = -1;
    expect(x.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor([1, 2], { dtype: 'int32' }).dataSync()).toBeInstanceOf(Int32Array);
    expect(tensor([1, 2]).dataSync()).toBeInstanceOf(Float32Array);
    expect(tensor([true]).dataSync()).toBeInstanceOf(Uint8Array);
  });

  test('item() returns the single value (any one-element shape, also a view); else a clear error', () => {
    expect(tensor(4).item()).toBe(4);
    expect(tensor([[7.5]]).item()).toBe(7.5);
    expect(m23().select(1, 2).select(0, 1).item()).toBe(6);
    expect(tensor(true).item()).toBe(1);
    expectThrowMessage(() => m23().item(), 'item', 'one-element', '[2, 3]', '6 elements');
    expectThrowMessage(() => zeros([0]).item(), 'item', '0 elements');
  });

  test('shape, ndim, numel, size, stride, isTensor', () => {
    const x = zeros([2, 3, 4]);
    expect(x.shape).toEqual([2, 3, 4]);
    x.shape.push(9); // a copy
    expect(x.shape).toEqual([2, 3, 4]);
    expect(x.ndim).toBe(3);
    expect(x.numel()).toBe(24);
    expect(x.size()).toEqual([2, 3, 4]);
    expect(x.size(-1)).toBe(4);
    expect(x.stride()).toEqual([12, 4, 1]);
    expect(x.transpose(0, 2).stride()).toEqual([1, 4, 12]);
    expect(isTensor(x)).toBe(true);
    expect(isTensor([1])).toBe(false);
    expectThrowMessage(() => x.size(3), 'size', 'dim 3', 'rank 3');
  });
});

describe('autograd state', () => {
  test('isLeaf, requiresGrad_, detach', () => {
    const x = tensor([1.5, 2.5]);
    expect(x.isLeaf).toBe(true);
    expect(x.requiresGrad).toBe(false);
    expect(x.requiresGrad_()).toBe(x);
    expect(x.requiresGrad).toBe(true);
    const y = x.mul(2);
    expect(y.isLeaf).toBe(false);
    const d = y.detach();
    expect(d.isLeaf).toBe(true);
    expect(d.requiresGrad).toBe(false);
    expect(d._storage).toBe(y._storage); // shares storage
    noGrad(() => d.mul_(0));
    expect(y.toArray()).toEqual([0, 0]);
    x.requiresGrad_(false);
    expect(x.requiresGrad).toBe(false);
  });

  test('requiresGrad on int32 or bool throws; on a non-leaf it cannot be switched off', () => {
    expectThrowMessage(() => tensor([1, 2], { dtype: 'int32' }).requiresGrad_(), 'requiresGrad', 'floating point', 'int32');
    expectThrowMessage(() => { tensor([true]).requiresGrad = true; }, 'requiresGrad', 'bool');
    const y = tensor([1.5], { requiresGrad: true }).mul(2);
    expectThrowMessage(() => { y.requiresGrad = false; }, 'requiresGrad', 'leaf', 'detach');
  });

  test('detach_ cuts a non-leaf from the graph in place', () => {
    const y = tensor([1.5], { requiresGrad: true }).mul(2);
    y.detach_();
    expect(y.isLeaf).toBe(true);
    expect(y.requiresGrad).toBe(false);
  });
});

describe('views share storage', () => {
  test('a write through a view is visible in the base and other views, and bumps the shared version', () => {
    const x = arange(6).float().reshape([2, 3]);
    const views = [x.t(), x.reshape([6]), x.narrow(1, 1, 2), x.select(0, 1), x.unsqueeze(0), x.permute([1, 0]), x.view([3, 2]), x.flatten(), x.expand([2, 2, 3])];
    for (const v of views) expect(v._storage).toBe(x._storage);
    const v0 = x._version;
    x.select(0, 1).narrow(0, 0, 1).fill_(-1); // x[1][0]
    expect(x.toArray()).toEqual([[0, 1, 2], [-1, 4, 5]]);
    expect(views[0].toArray()).toEqual([[0, -1], [1, 4], [2, 5]]);
    expect(views[1].toArray()).toEqual([0, 1, 2, -1, 4, 5]);
    for (const v of views) expect(v._version).toBe(v0 + 1);
    x.t().mul_(2);
    expect(x.toArray()).toEqual([[0, 2, 4], [-2, 8, 10]]);
  });

  test('split and chunk are views too', () => {
    const x = arange(6).float();
    const [a, b] = x.split(3);
    b.add_(10);
    expect(x.toArray()).toEqual([0, 1, 2, 13, 14, 15]);
    const parts = x.chunk(3);
    expect(parts.map((p) => p.toArray())).toEqual([[0, 1], [2, 13], [14, 15]]);
    expect(a._storage).toBe(x._storage);
  });

  test('clone and cat copy', () => {
    const x = ones([2]);
    const c = x.clone();
    c.add_(1);
    expect(x.toArray()).toEqual([1, 1]);
    const k = cat([x, x]);
    k.mul_(3);
    expect(x.toArray()).toEqual([1, 1]);
  });
});

describe('contiguity and reshape', () => {
  test('transpose / permute / expand / narrow can be non-contiguous; contiguous() copies only then', () => {
    const x = m23();
    expect(x.isContiguous()).toBe(true);
    expect(x.contiguous()).toBe(x);
    const t = x.t();
    expect(t.isContiguous()).toBe(false);
    const c = t.contiguous();
    expect(c.isContiguous()).toBe(true);
    expect(c._storage).not.toBe(x._storage);
    expect(c.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(c.stride()).toEqual([2, 1]);
    expect(x.narrow(1, 0, 2).isContiguous()).toBe(false);
    expect(x.narrow(0, 1, 1).isContiguous()).toBe(true);
    expect(tensor([1, 2]).expand([3, 2]).isContiguous()).toBe(false);
  });

  test('reshape of a non-contiguous tensor copies (values in logical order); when strides allow, it is a view', () => {
    const x = m23();
    const r = x.t().reshape([6]);
    expect(r.toArray()).toEqual([1, 4, 2, 5, 3, 6]);
    expect(r._storage).not.toBe(x._storage);
    // [2, 3] -> transpose -> unsqueeze: still expressible by strides, so a view.
    const u = x.t().reshape([3, 1, 2]);
    expect(u._storage).toBe(x._storage);
    expect(u.toArray()).toEqual([[[1, 4]], [[2, 5]], [[3, 6]]]);
    // narrow along the last dim, then merge the leading dims: a view (PyTorch's computeStride)
    const y = zeros([2, 3, 4]).narrow(2, 0, 2);
    expect(y.reshape([6, 2])._storage).toBe(y._storage);
    expect(y.reshape([12])._storage).not.toBe(y._storage);
  });

  test('view() refuses what needs a copy, pointing to reshape()', () => {
    expectThrowMessage(() => m23().t().view([6]), 'view', 'reshape()');
    expect(m23().view([3, -1]).shape).toEqual([3, 2]);
  });

  test('T reverses all dims', () => {
    expect(m23().T.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(zeros([2, 3, 4]).T.shape).toEqual([4, 3, 2]);
  });
});

describe('empty and zero-size tensors', () => {
  test('sum of empty is 0 and mean is NaN (PyTorch: torch.tensor([]).sum() = 0., .mean() = nan)', () => {
    expect(tensor([]).sum().item()).toBe(0);
    expect(tensor([]).mean().item()).toBeNaN();
    expect(zeros([3, 0]).sum(1).toArray()).toEqual([0, 0, 0]);
    expect(zeros([0, 3]).sum(0).toArray()).toEqual([0, 0, 0]);
  });

  test('elementwise ops and broadcasting over zero-size shapes', () => {
    const e = zeros([0, 3]);
    expect(e.add(ones([3])).shape).toEqual([0, 3]);
    expect(e.exp().shape).toEqual([0, 3]);
    expect(e.mul(2).toArray()).toEqual([]);
  });

  test('cat with zero-size parts (and the legacy empty 1-D tensor)', () => {
    const a = tensor([[1, 2]], { dtype: 'float32' });
    expect(cat([a, zeros([0, 2]), a]).toArray()).toEqual([[1, 2], [1, 2]]);
    expect(cat([zeros([2, 0]), a.t()], 1).toArray()).toEqual([[1], [2]]);
    expect(cat([tensor([]), a.reshape([2])]).toArray()).toEqual([1, 2]);
    expect(cat([zeros([0]), a], 0).toArray()).toEqual([[1, 2]]);
  });

  test('gradients through a cat with a zero-size part', () => {
    const a = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const e = zeros([0], { requiresGrad: true });
    cat([a, e]).mul(tensor([3, 4], { dtype: 'float32' })).sum().backward();
    expect(a.grad!.toArray()).toEqual([3, 4]);
  });

  test('matmul with a zero dim: [2, 0] @ [0, 3] is zeros [2, 3]; [0, 2] @ [2, 3] is [0, 3]', () => {
    const p = matmul(zeros([2, 0]), zeros([0, 3]));
    expect(p.shape).toEqual([2, 3]);
    expect(p.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(matmul(zeros([0, 2]), ones([2, 3])).shape).toEqual([0, 3]);
    expect(matmul(zeros([4, 0, 2]), ones([2, 3])).shape).toEqual([4, 0, 3]);
    const a = zeros([2, 0], { requiresGrad: true }), b = zeros([0, 3], { requiresGrad: true });
    matmul(a, b).sum().backward();
    expect(a.grad!.shape).toEqual([2, 0]);
    expect(b.grad!.shape).toEqual([0, 3]);
  });

  test('stack of zero-size tensors and reshape of zero-size', () => {
    expect(stack([zeros([0, 2]), zeros([0, 2])]).shape).toEqual([2, 0, 2]);
    expect(zeros([0, 4]).reshape([2, 0, 2]).shape).toEqual([2, 0, 2]);
    // -1 cannot be inferred next to a 0 (PyTorch: "shape '[2, 0, -1]' is invalid for input of size 0")
    expectThrowMessage(() => zeros([0, 4]).reshape([2, 0, -1]), 'reshape', '[2, 0, -1]', 'size 0');
    expect(zeros([3, 0]).t().contiguous().shape).toEqual([0, 3]);
  });
});

describe('methods mirror free functions; misc ops', () => {
  test('oneHot', () => {
    expect(tensor([0, 2, 1], { dtype: 'int32' }).oneHot(3).toArray()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    expect(tensor([1, 3], { dtype: 'int32' }).oneHot().shape).toEqual([2, 4]);
    expectThrowMessage(() => tensor([3], { dtype: 'int32' }).oneHot(3), 'oneHot', 'class value 3', 'out of range');
    expectThrowMessage(() => tensor([1.5]).oneHot(3), 'oneHot', 'int32', 'float32');
  });

  test('unary values against Math', () => {
    const v = [-1.5, -0.5, 0.25, 2];
    const x = tensor(v, { dtype: 'float64' });
    expectClose(x.exp(), v.map(Math.exp), 0, 1e-15);
    expectClose(x.abs().log(), v.map((a) => Math.log(Math.abs(a))), 0, 1e-15);
    expectClose(x.tanh(), v.map(Math.tanh), 0, 1e-15);
    expectClose(x.sigmoid(), v.map((a) => 1 / (1 + Math.exp(-a))), 0, 1e-15);
    expectClose(x.relu(), [0, 0, 0.25, 2]);
    expectClose(x.clamp(-1, 1), [-1, -0.5, 0.25, 1]);
    expectClose(x.sign(), [-1, -1, 1, 1]);
    expectClose(x.square(), v.map((a) => a * a));
    expectClose(x.reciprocal(), v.map((a) => 1 / a));
    expectClose(x.leakyRelu(0.1), [-0.15, -0.05, 0.25, 2]);
    expectClose(x.elu(), [Math.expm1(-1.5), Math.expm1(-0.5), 0.25, 2], 0, 1e-15);
    // Printed by PyTorch 1.13 for x = torch.tensor([-1.5, -0.5, 0.25, 2.], dtype=torch.float64):
    // torch.erf(x).tolist()
    expectClose(x.erf(), [-0.9661051464753108, -0.5204998778130465, 0.27632639016823696, 0.9953222650189527], 1e-15, 1e-14);
    // F.gelu(x).tolist(); F.gelu(x, approximate='tanh').tolist()
    expectClose(x.gelu(), [-0.10021080190328704, -0.15426876936299344, 0.14967658142073093, 1.9544997361036416], 1e-15, 1e-13);
    expectClose(x.gelu('tanh'), [-0.10042842301976707, -0.15428599017485606, 0.149675350701685, 1.954597694087775], 1e-15, 1e-13);
    // F.softplus(x).tolist()
    expectClose(x.softplus(), [0.2014132779827524, 0.4740769841801067, 0.8259394198788436, 2.1269280110429727], 1e-15, 1e-13);
  });

  test('clamp with min > max gives max everywhere and passes NaN (torch.clamp([0,5,nan], min=3, max=1) = [1,1,nan])', () => {
    expect(tensor([0, 5, NaN]).clamp(3, 1).toArray()).toEqual([1, 1, NaN]);
    const x = tensor([0, 5], { dtype: 'float64', requiresGrad: true });
    x.clamp(3, 1).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0]);
  });

  test('add/sub with alpha and a number compute other·alpha in double precision (torch: float64 1.add(0.1, alpha=3) = 1.3)', () => {
    expect(tensor([1], { dtype: 'float64' }).add(0.1, 3).item()).toBe(1 + 0.1 * 3);
    expect(tensor([1], { dtype: 'float64' }).sub(0.1, 3).item()).toBe(1 - 0.1 * 3);
    expect(tensor([1], { dtype: 'float64' }).add(tensor([0.1], { dtype: 'float64' }), 3).item()).toBe(1 + 0.1 * 3);
  });

  test('round is half-to-even and floor/ceil/step as PyTorch', () => {
    const x = tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.6]);
    expect(x.round().toArray()).toEqual([-2, -2, -0, 0, 2, 2, 1]);
    expect(x.floor().toArray()).toEqual([-3, -2, -1, 0, 1, 2, 0]);
    expect(x.ceil().toArray()).toEqual([-2, -1, -0, 1, 2, 3, 1]);
    expect(tensor([-1, 0, 2]).step().toArray()).toEqual([0, 0, 1]);
  });

  test('softmax rows sum to 1 and survive large logits; logSoftmax = log(softmax)', () => {
    const x = tensor([[1000, 1001, 1002], [-5, 0, 5]], { dtype: 'float64' });
    const s = x.softmax(-1);
    expectClose(s.sum(-1), [1, 1], 1e-15, 0);
    // torch.softmax(torch.tensor([0.,1.,2.]), 0) -> [0.09003057, 0.24472847, 0.66524096]
    expectClose(s.select(0, 0), [0.09003057317038046, 0.24472847105479764, 0.6652409557748219], 1e-15, 1e-12);
    expectClose(x.logSoftmax(1), s.log(), 1e-12, 1e-12);
  });
});
