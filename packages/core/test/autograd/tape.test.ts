/** The tape and backward(): accumulation, fan-out, retainGraph, retainGrad, in-place version checks, deep graphs. */
import { Tensor, tensor, ones, zeros, noGrad, tapePosition, randn, Generator } from '@tapegrad/core';
import { expectClose, expectThrowMessage } from '../helpers/approx';

const f32 = (v: number[], requiresGrad = true): Tensor => tensor(v, { dtype: 'float32', requiresGrad });
const f64 = (v: number[], requiresGrad = true): Tensor => tensor(v, { dtype: 'float64', requiresGrad });

describe('backward()', () => {
  test("the seeds' PyTorch example: (x*y).sum().backward() gives x.grad = y", () => {
    // torch: x = torch.tensor([1.,2.,3.], requires_grad=True); y = torch.tensor([4.,5.,6.])
    //        (x*y).sum().backward(); x.grad -> tensor([4., 5., 6.])
    const x = f32([1, 2, 3]);
    const y = f32([4, 5, 6], false);
    const s = x.mul(y).sum();
    expect(s.item()).toBe(32);
    s.backward();
    expect(x.grad!.toArray()).toEqual([4, 5, 6]);
    expect(x.grad!.dtype).toBe('float32');
    expect(y.grad).toBeNull();
    expect(x.grad!.requiresGrad).toBe(false);
  });

  test('gradients accumulate across two backward calls until reset', () => {
    const x = f32([1, 2, 3]);
    x.mul(2).sum().backward();
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([5, 5, 5]);
    x.grad = null;
    x.mul(4).sum().backward();
    expect(x.grad!.toArray()).toEqual([4, 4, 4]);
    noGrad(() => x.grad!.zero_());
    x.sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 1, 1]);
  });

  test('a value used twice gets both contributions', () => {
    const x = f64([1.5, -2]);
    x.mul(x).sum().backward(); // d/dx x² = 2x
    expect(x.grad!.toArray()).toEqual([3, -4]);
    const y = f64([1, 2]);
    const h = y.exp();
    h.add(h.mul(3)).sum().backward(); // 4·eʸ through one node used twice
    expectClose(y.grad!, [4 * Math.E, 4 * Math.exp(2)], 1e-12, 1e-12);
    const z = f64([2]);
    z.add(z).add(z).sum().backward();
    expect(z.grad!.toArray()).toEqual([3]);
  });

  test('diamond graph: both paths are summed (d/dx [sin x · cos x] = cos 2x)', () => {
    const x = f64([0.3, 1.1]);
    x.sin().mul(x.cos()).sum().backward();
    expectClose(x.grad!, [Math.cos(0.6), Math.cos(2.2)], 1e-12, 1e-12);
  });

  test('non-scalar backward without a gradient throws, naming the shape', () => {
    const x = f32([1, 2]);
    expectThrowMessage(() => x.mul(2).backward(), 'backward', 'scalar outputs', '[2]');
  });

  test('backward with an explicit gradient computes the vector-Jacobian product', () => {
    const x = f64([1, 2, 3]);
    const y = x.mul(x); // J = diag(2x)
    y.backward(f64([1, 0.5, -1], false));
    expect(x.grad!.toArray()).toEqual([2, 2, -6]);
    // A wrongly shaped gradient is refused.
    const z = f64([1, 2]).mul(2);
    expectThrowMessage(() => z.backward(f64([1, 2, 3], false)), 'backward', '[3]', '[2]');
  });

  test('backward on a 1-element non-scalar tensor needs no gradient', () => {
    const x = f32([3]);
    x.mul(2).backward();
    expect(x.grad!.toArray()).toEqual([2]);
  });

  test('retainGraph allows a second backward; without it the second backward throws a clear error', () => {
    const x = f64([1, 2]);
    const y = x.exp().sum();
    y.backward(null, { retainGraph: true });
    y.backward();
    expectClose(x.grad!, [2 * Math.E, 2 * Math.exp(2)], 1e-12, 1e-12);
    expectThrowMessage(() => y.backward(), 'second time', 'retainGraph');
  });

  test('backward on a tensor that does not require grad throws', () => {
    expectThrowMessage(() => f32([1, 2], false).sum().backward(), 'backward', 'does not require grad');
    expectThrowMessage(() => noGrad(() => f32([1, 2]).sum()).backward(), 'does not require grad');
  });

  test('backward on a leaf sets its own grad', () => {
    const x = f32([1, 2]);
    x.backward(f32([3, 4], false));
    expect(x.grad!.toArray()).toEqual([3, 4]);
  });

  test('retainGrad keeps the gradient of a non-leaf; other non-leaves have none', () => {
    const x = f64([1, 2]);
    const h = x.mul(3).retainGrad();
    const k = h.mul(2);
    k.sum().backward();
    expect(h.grad!.toArray()).toEqual([2, 2]);
    expect(k.grad).toBeNull();
    expect(x.grad!.toArray()).toEqual([6, 6]);
    expectThrowMessage(() => f32([1], false).mul(2).retainGrad(), 'retainGrad');
  });

  test('grads of different leaves never share storage (add hands one tensor to both inputs)', () => {
    const x = f32([1, 2]), z = f32([3, 4]);
    x.add(z).sum().backward();
    noGrad(() => x.grad!.mul_(2));
    expect(x.grad!.toArray()).toEqual([2, 2]);
    expect(z.grad!.toArray()).toEqual([1, 1]);
    // Nor with the caller's gradient tensor.
    const g = f32([5, 6], false);
    const w = f32([0, 0]);
    w.add(1).backward(g);
    noGrad(() => w.grad!.zero_());
    expect(g.toArray()).toEqual([5, 6]);
  });

  test('gradients flow through views back into the base shape', () => {
    const x = f64([1, 2, 3, 4, 5, 6]);
    const v = x.reshape([2, 3]).t().narrow(0, 1, 2).select(1, 1); // elements x[4], x[5]
    v.mul(f64([10, 100], false)).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0, 0, 10, 100]);
  });

  test('backward runs with grad recording off (no nodes are appended by it)', () => {
    const x = f64([1, 2]);
    const y = x.tanh().mul(x).sum();
    const before = tapePosition();
    y.backward();
    expect(tapePosition()).toBe(before);
    expect(x.grad!.requiresGrad).toBe(false);
  });

  test('ops record a node only when an input requires grad and grad mode is on', () => {
    const a = f32([1, 2], false);
    const p0 = tapePosition();
    const b = a.mul(2).exp();
    expect(tapePosition()).toBe(p0);
    expect(b.gradFn).toBeNull();
    expect(b.isLeaf).toBe(true);
    const c = f32([1, 2]).mul(2);
    expect(tapePosition()).toBe(p0 + 1);
    expect(c.gradFn!.op).toBe('mul');
    expect(c.isLeaf).toBe(false);
    expect(c.requiresGrad).toBe(true);
  });

  test('a deep graph (a chain of 100,000 adds) backpropagates without overflowing the stack', () => {
    const x = f32([1]);
    let y = x;
    for (let i = 0; i < 100000; i++) y = y.add(1);
    expect(y.item()).toBe(100001);
    y.backward();
    expect(x.grad!.toArray()).toEqual([1]);
  });

  test('a deep chain of muls gives the product of the factors', () => {
    const x = f64([1]);
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.mul(i % 2 === 0 ? 2 : 0.5);
    y.backward();
    expect(x.grad!.item()).toBe(1);
  });
});

describe('in-place ops and the version counter', () => {
  test("modifying a tensor that a node saved makes backward throw, naming the op ('mul')", () => {
    const a = f32([1, 2, 3]);
    const b = f32([4, 5, 6], false);
    const c = a.mul(b); // mul saved b for a's gradient
    noGrad(() => undefined);
    b.mul_(2);
    expectThrowMessage(() => c.sum().backward(), "'mul'", 'in-place', 'version');
  });

  test('y = x.exp(); y.add_(1): exp saved its output, so backward throws', () => {
    const x = f32([0, 1]);
    const y = x.exp();
    y.add_(1);
    expectThrowMessage(() => y.sum().backward(), "'exp'", 'modified by an in-place operation');
  });

  test('y = x.add(1); y.mul_(2): nothing needed was overwritten, backward works and gives 2 (PyTorch)', () => {
    // torch: x = torch.tensor([1.,2.], requires_grad=True); y = x + 1; y.mul_(2); y.sum().backward(); x.grad -> [2., 2.]
    const x = f32([1, 2]);
    const y = x.add(1);
    const v0 = y._version;
    y.mul_(2);
    expect(y._version).toBe(v0 + 1);
    expect(y.toArray()).toEqual([4, 6]);
    expect(y.gradFn!.op).toBe('mul');
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 2]);
  });

  test('in-place chain: y = x*1; y.add_(x); y.mul_(x) gives d/dx (2x·x) = 4x (PyTorch keeps the old self)', () => {
    // torch 1.13: x=[1.5,-1] rg; y=x*1; y.add_(x); y.mul_(x); y.sum().backward(); x.grad -> [6., -4.]
    const x = f64([1.5, -1]);
    const y = x.mul(1);
    y.add_(x);
    y.mul_(x);
    expect(y.toArray()).toEqual([4.5, 2]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([6, -4]);
  });

  test('a node recorded before an in-place op still sends its gradient to the old value', () => {
    // torch: x=[1.] rg; y=x+1; z=y*3; y.mul_(2); z.backward() -> x.grad=[3.]  (and y.sum().backward() -> [2.])
    const x = f32([1]);
    const y = x.add(1);
    const z = y.mul(3);
    y.mul_(2);
    z.backward(null, { retainGraph: true });
    expect(x.grad!.toArray()).toEqual([3]);
    x.grad = null;
    y.backward();
    expect(x.grad!.toArray()).toEqual([2]);
  });

  test('in-place through a view updates the base: y = x+1; y.select(0,0).mul_(2) gives x.grad = [2,1,1] (PyTorch)', () => {
    // torch: x=[1.,2.,3.] rg; y=x+1; y.select(0,0).mul_(2); y.sum().backward(); x.grad -> [2., 1., 1.]
    const x = f32([1, 2, 3]);
    const y = x.add(1);
    y.select(0, 0).mul_(2);
    expect(y.toArray()).toEqual([4, 3, 4]);
    expect(y.gradFn!.op).toBe('copySlices');
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 1, 1]);
  });

  test('in-place through a strided view of a matrix, then the base used with other ops', () => {
    // torch: x=arange(6.).reshape(2,3) rg; y=x*1; y.t()[1].mul_(y.t()[0].detach()+1); (y*y).sum().backward()
    //        x.grad -> [[0., 2., 4.], [6., 128., 10.]]
    const x = tensor([[0, 1, 2], [3, 4, 5]], { dtype: 'float64', requiresGrad: true });
    const y = x.mul(1);
    y.t().select(0, 1).mul_(y.t().select(0, 0).detach().add(1));
    expect(y.toArray()).toEqual([[0, 1, 2], [3, 16, 5]]);
    y.mul(y).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 2, 4], [6, 128, 10]]);
  });

  test('in-place on the output of matmul (a view internally) keeps the gradient', () => {
    const x = f32([1, -2]);
    const m = x.reshape([2, 1]).matmul(tensor([[1, 1]], { dtype: 'float32' }));
    m.relu_();
    m.sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 0]);
  });

  test('zero_/fill_ on a tensor in the graph cut its gradient; copy_ sends the gradient to the source', () => {
    // torch: x=[1.,2.,3.] rg; h=x*2; h.zero_(); (h+x).sum().backward() -> x.grad=[1,1,1]
    const x = f32([1, 2, 3]);
    const h = x.mul(2);
    h.zero_();
    h.add(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 1, 1]);
    // torch: w=[1.,2.] rg; buf=zeros(3); buf[1:].copy_(w*3); buf.sum().backward() -> w.grad=[3,3]
    const w = f32([1, 2]);
    const buf = zeros([3]);
    buf.narrow(0, 1, 2).copy_(w.mul(3));
    expect(buf.toArray()).toEqual([0, 3, 6]);
    expect(buf.requiresGrad).toBe(true);
    buf.sum().backward();
    expect(w.grad!.toArray()).toEqual([3, 3]);
  });

  test('in-place on a view of a leaf that requires grad throws (as PyTorch), but works under noGrad', () => {
    const p = f32([1, 2]);
    expectThrowMessage(() => p.narrow(0, 0, 1).mul_(2), 'mul_', 'view of a leaf');
    noGrad(() => p.narrow(0, 0, 1).mul_(2));
    expect(p.toArray()).toEqual([2, 2]);
  });

  test('an in-place op with an operand requiring grad makes the target require grad', () => {
    const w = f32([1, 2]);
    const buf = zeros([2]);
    buf.add_(w.mul(3));
    expect(buf.requiresGrad).toBe(true);
    buf.sum().backward();
    expect(w.grad!.toArray()).toEqual([3, 3]);
  });

  test('in-place on a leaf that requires grad throws unless under noGrad', () => {
    const p = f32([1, 2]);
    expectThrowMessage(() => p.add_(1), 'add_', 'leaf', 'noGrad');
    expectThrowMessage(() => p.mul_(2), 'mul_', 'leaf');
    expectThrowMessage(() => p.zero_(), 'fill_', 'leaf');
    expectThrowMessage(() => p.copy_(f32([0, 0], false)), 'copy_', 'leaf');
    noGrad(() => p.sub_(f32([0.5, 0.5], false), 2));
    expect(p.toArray()).toEqual([0, 1]);
    expect(p.isLeaf).toBe(true);
    expect(p.requiresGrad).toBe(true);
  });

  test('a manual SGD step under noGrad keeps the parameter a leaf and learning continues', () => {
    const g = new Generator(7);
    const w = randn([3], { dtype: 'float64', generator: g }).requiresGrad_();
    const target = tensor([1, -2, 0.5], { dtype: 'float64' });
    for (let i = 0; i < 200; i++) {
      w.sub(target).pow(2).sum().backward();
      noGrad(() => { w.sub_(w.grad!.mul(0.1)); w.grad = null; });
    }
    expectClose(w, [1, -2, 0.5], 1e-8, 0);
    expect(w.isLeaf).toBe(true);
  });

  test('views share the version counter with their base', () => {
    const x = ones([2, 3]);
    const v = x.narrow(1, 0, 2);
    const v0 = x._version;
    v.mul_(5);
    expect(x._version).toBe(v0 + 1);
    expect(v._version).toBe(x._version);
    expect(x.toArray()).toEqual([[5, 5, 1], [5, 5, 1]]);
  });
});
