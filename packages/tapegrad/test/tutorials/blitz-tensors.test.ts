/**
 * The 60-minute blitz's "Tensors" and "A gentle introduction to torch.autograd" ported line by line, compared
 * with PyTorch 1.13 (fixtures/pytorch/tutorials/blitz-tensors.json).
 */
import {
  tensor, ones, zeros, rand, randn, onesLike, zerosLike, fullLike, randLike, randnLike, arange, linspace, full, eye,
  cat, stack, split, matmul, noGrad, nn, allclose, equal, Tensor,
} from 'tapegrad';
import { fixture, expectClose, Ref } from './fixtures';

interface Fx {
  [op: string]: Ref | Ref[] | number | boolean | string | number[] | number[][] | Record<string, Ref | number>;
  chunk: Ref[]; split: Ref[]; split2: Ref[]; sum: number; item: number; viewM1x8: number[]; tolist: number[][];
  permuteIsContiguous: boolean; yGradFn: string; oGradFn: string;
  vjp: { doublings: number; y: Ref; grad: Ref }; Q: { a: Ref; b: Ref };
}
const fx = fixture<Fx>('blitz-tensors');
const ref = (k: string): Ref => fx[k] as Ref;

describe('blitz: tensors', () => {
  it('creation: from data, *_like, arange, linspace, full, eye', () => {
    const data = [[1, 2], [3, 4]];
    const xData = tensor(data);
    expectClose(onesLike(xData), ref('onesLike'));
    expectClose(zerosLike(xData), ref('zerosLike'));
    expectClose(fullLike(xData, 2), ref('fullLike'));
    const xRand = randLike(xData, { dtype: 'float32' });
    expect([xRand.shape, xRand.dtype]).toEqual([[2, 2], 'float32']);
    expect(randnLike(xData).shape).toEqual([2, 2]);
    const shape = [2, 3];
    expect([rand(shape).shape, ones(shape).shape, zeros(shape).shape]).toEqual([shape, shape, shape]);
    expect(zeros([5, 3], { dtype: 'int32' }).dtype).toBe('int32'); // torch.zeros(5, 3, dtype=torch.long)
    expectClose(arange(0, 10, 3), ref('arange'));
    expectClose(arange(0.5, 2.0, 0.25), ref('arangeFloat'));
    expectClose(linspace(-1, 1, 5), ref('linspace'));
    expectClose(full([2, 3], 7.5), ref('full'));
    expectClose(eye(3, 2), ref('eye'));
    const t = rand([3, 4]);
    expect([t.shape, t.dtype, t.device]).toEqual([[3, 4], 'float32', 'cpu']);
    expect(t.size()).toEqual([3, 4]);
    // x.new_ones(5, 3, dtype=torch.double)
    expect(t.newOnes([5, 3], { dtype: 'float64' }).toArray()).toEqual(ones([5, 3]).toArray());
    expect(t.newOnes([5, 3], { dtype: 'float64' }).dtype).toBe('float64');
    expect(t.newZeros([2]).dtype).toBe('float32');
  });

  it('indexing and slicing, writing through a view', () => {
    const tensor4 = arange(16, { dtype: 'float32' }).reshape(4, 4);
    expectClose(tensor4.select(0, 0), ref('firstRow'));            // tensor[0]
    expectClose(tensor4.select(1, 0), ref('firstColumn'));         // tensor[:, 0]
    expectClose(tensor4.select(-1, -1), ref('lastColumn'));        // tensor[..., -1]
    expectClose(tensor4.narrow(0, 1, 2).narrow(1, 1, 3), ref('slice')); // tensor[1:3, 1:]
    expectClose(tensor4.slice(1, 0, null, 2), ref('stepSlice'));   // tensor[:, ::2]
    const t = tensor4.clone();
    t.select(1, 1).fill_(0);                                   // t[:, 1] = 0
    expectClose(t, ref('setColumn'));
    expect(tensor4.select(0, 1).select(0, 2).item()).toBe(fx.item); // tensor[1, 2].item()
    expect(tensor4.narrow(0, 0, 2).narrow(1, 0, 2).tolist()).toEqual(fx.tolist);
  });

  it('joining and splitting: cat, stack, chunk, split', () => {
    const t = arange(16, { dtype: 'float32' }).reshape(4, 4);
    expectClose(cat([t, t, t], 1), ref('cat'));
    expectClose(cat([t, t, t], { dim: 1 }), ref('cat'));
    expectClose(stack([t.select(0, 0), t.select(0, 1)]), ref('stack'));
    expectClose(stack([t.select(0, 0), t.select(0, 1)], 1), ref('stack1'));
    const chunks = t.chunk(3, 1);
    expect(chunks.length).toBe(fx.chunk.length);
    chunks.forEach((c, i) => expectClose(c, fx.chunk[i]));
    t.split([1, 3], 0).forEach((c, i) => expectClose(c, fx.split[i]));
    split(t, 3).forEach((c, i) => expectClose(c, fx.split2[i]));
  });

  it('arithmetic, view/reshape/permute/contiguous, in-place ops', () => {
    const t = arange(16, { dtype: 'float32' }).reshape(4, 4);
    expectClose(t.matmul(t.T), ref('matmulT'));                   // tensor @ tensor.T
    expectClose(matmul(t, t.T), ref('matmulT'));
    expectClose(t.mul(t), ref('mulSelf'));
    const agg = t.sum();
    expect(agg.item()).toBe(fx.sum);
    expectClose(t.view(16), ref('view16'));
    expect(t.view(-1, 8).size()).toEqual(fx.viewM1x8);
    const p = t.reshape(2, 2, 4).permute(2, 0, 1);
    expectClose(p, ref('permute'));
    expect(p.isContiguous()).toBe(fx.permuteIsContiguous);
    expect(() => p.view(16)).toThrow(/view/); // not expressible as one stride, as in PyTorch
    expectClose(p.contiguous().view(4, 4), ref('permuteContiguousView'));
    const u = ones([2, 3]);
    u.add_(5);
    u.mul_(2);
    expectClose(u, ref('addMul_'));
    u.copy_(tensor([1, 2, 3]));
    expectClose(u, ref('copy_'));
    u.fill_(0.25);
    expectClose(u, ref('fill_'));
    u.zero_();
    expectClose(u, ref('zero_'));
  });
});

describe('blitz: autograd', () => {
  it('z = 3 (x + 2)^2, out = z.mean(); out.backward()', () => {
    const x = ones([2, 2], { requiresGrad: true });
    const y = x.add(2);
    const z = y.mul(y).mul(3);
    const out = z.mean();
    expect(y.toString()).toContain(`grad_fn=<${fx.yGradFn}>`); // print(y)
    expect(y.gradFn!.name()).toBe(fx.yGradFn);
    expect(`${out.gradFn}`).toBe(`<${fx.oGradFn} object>`); // print(out.grad_fn)
    expect(out.toString()).toContain(`grad_fn=<${fx.oGradFn}>`);
    out.backward();
    expectClose(x.grad!, ref('xGrad'));
    const a = randn([2, 2]).mul(3).div(randn([2, 2]).sub(1));
    expect(a.requiresGrad).toBe(false);
    a.requiresGrad_(true);
    expect(a.requiresGrad).toBe(true);
    expect(a.mul(a).sum().gradFn).not.toBeNull();
  });

  it('vector-Jacobian product: y = x * 2^k while ||y.data|| < 1000, y.backward(v)', () => {
    const x = tensor([0.5, -1.25, 2.0], { requiresGrad: true });
    let y = x.mul(2);
    let n = 0;
    while (y.data.norm().item() < 1000) {
      y = y.mul(2);
      n++;
    }
    const v = tensor([0.1, 1.0, 0.0001], { dtype: 'float32' });
    y.backward(v);
    expect(n).toBe(fx.vjp.doublings);
    expectClose(y, fx.vjp.y);
    expectClose(x.grad!, fx.vjp.grad);
  });

  it('Q = 3a^3 - b^2; Q.backward(gradient=external_grad); detach and noGrad', () => {
    const a = tensor([2, 3], { requiresGrad: true });
    const b = tensor([6, 4], { requiresGrad: true });
    const Q = a.pow(3).mul(3).sub(b.pow(2));
    const externalGrad = tensor([1, 1]);
    Q.backward(externalGrad);
    expectClose(a.grad!, fx.Q.a);
    expectClose(b.grad!, fx.Q.b);
    expect(a.grad!.eq(a.pow(2).mul(9)).all().item()).toBe(1); // torch: True (a bool's item() is 1 or 0 here)
    expect(allclose(a.grad!, a.pow(2).mul(9))).toBe(true);     // torch.allclose
    expect(equal(b.grad!, b.mul(-2))).toBe(true);              // torch.equal
    expect(a.pow(2).requiresGrad).toBe(true);
    expect(noGrad(() => a.pow(2).requiresGrad)).toBe(false);
    const d = a.detach();
    expect([d.requiresGrad, d.eq(a).all().item()]).toEqual([false, 1]);
  });

  it('"Automatic differentiation with torch.autograd": BCE with logits, Jacobian products accumulating', () => {
    const x = ones(5); // input tensor
    const y = zeros(3); // expected output
    const w = randn([5, 3], { requiresGrad: true });
    const b = randn(3, { requiresGrad: true });
    const z = matmul(x, w).add(b);
    const loss = nn.F.binaryCrossEntropyWithLogits(z, y);
    expect(`Gradient function for z = ${z.gradFn}`).toBe('Gradient function for z = <AddBackward0 object>');
    loss.backward();
    // d mean(softplus(z)) / dz = sigmoid(z) / 3, and z = x @ w + b with x all ones
    const dz = z.detach().sigmoid().div(3);
    expectClose(b.grad!, dz, 1e-6);
    expectClose(w.grad!, dz.unsqueeze(0).expand(5, 3), 1e-6);
    expect(z.requiresGrad).toBe(true);
    expect(noGrad(() => matmul(x, w).add(b)).requiresGrad).toBe(false);
    expect(z.detach().requiresGrad).toBe(false);

    const inp = eye(4, 5, { requiresGrad: true });
    const out = inp.add(1).pow(2).t();
    out.backward(onesLike(out), { retainGraph: true });
    const first = inp.detach().add(1).mul(2); // d (inp + 1)^2
    expectClose(inp.grad!, first, 0);
    out.backward(onesLike(out), { retainGraph: true });
    expectClose(inp.grad!, first.mul(2), 0); // accumulated
    inp.grad!.zero_();
    out.backward(onesLike(out), { retainGraph: true });
    expectClose(inp.grad!, first, 0);
  });

  it('gradients accumulate over backward passes', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const loss = w.mul(w).sum();
    loss.backward(null, { retainGraph: true });
    loss.backward();
    expectClose(w.grad!, ref('accumulated'));
    const t: Tensor = w.grad!;
    t.zero_();
    expect(w.grad!.toArray()).toEqual([0, 0]);
  });
});
