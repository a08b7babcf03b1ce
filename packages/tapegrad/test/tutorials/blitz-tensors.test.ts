/**
 * The 60-minute blitz's "Tensors" and "A gentle introduction to torch.autograd" ported line by line, compared
 * with PyTorch 1.13 (fixtures/pytorch/tutorials/blitz-tensors.json).
 */
import {
  tensor, ones, zeros, rand, randn, onesLike, zerosLike, fullLike, randLike, randnLike, arange, linspace, full, eye,
  cat, stack, split, matmul, noGrad, Tensor,
} from 'tapegrad';
import { fixture, expectClose, Ref } from './fixtures';

const fx = fixture<Record<string, Ref & Ref[] & number & boolean & string & number[] & number[][] & Record<string, Ref & number>>>('blitz-tensors');

describe('blitz: tensors', () => {
  it('creation: from data, *_like, arange, linspace, full, eye', () => {
    const data = [[1, 2], [3, 4]];
    const xData = tensor(data);
    expectClose(onesLike(xData), fx.onesLike);
    expectClose(zerosLike(xData), fx.zerosLike);
    expectClose(fullLike(xData, 2), fx.fullLike);
    const xRand = randLike(xData, { dtype: 'float32' });
    expect([xRand.shape, xRand.dtype]).toEqual([[2, 2], 'float32']);
    expect(randnLike(xData).shape).toEqual([2, 2]);
    const shape = [2, 3];
    expect([rand(shape).shape, ones(shape).shape, zeros(shape).shape]).toEqual([shape, shape, shape]);
    expect(zeros([5, 3], { dtype: 'int32' }).dtype).toBe('int32'); // torch.zeros(5, 3, dtype=torch.long)
    expectClose(arange(0, 10, 3), fx.arange);
    expectClose(arange(0.5, 2.0, 0.25), fx.arangeFloat);
    expectClose(linspace(-1, 1, 5), fx.linspace);
    expectClose(full([2, 3], 7.5), fx.full);
    expectClose(eye(3, 2), fx.eye);
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
    expectClose(tensor4.select(0, 0), fx.firstRow);            // tensor[0]
    expectClose(tensor4.select(1, 0), fx.firstColumn);         // tensor[:, 0]
    expectClose(tensor4.select(-1, -1), fx.lastColumn);        // tensor[..., -1]
    expectClose(tensor4.narrow(0, 1, 2).narrow(1, 1, 3), fx.slice); // tensor[1:3, 1:]
    expectClose(tensor4.slice(1, 0, null, 2), fx.stepSlice);   // tensor[:, ::2]
    const t = tensor4.clone();
    t.select(1, 1).fill_(0);                                   // t[:, 1] = 0
    expectClose(t, fx.setColumn);
    expect(tensor4.select(0, 1).select(0, 2).item()).toBe(fx.item); // tensor[1, 2].item()
    expect(tensor4.narrow(0, 0, 2).narrow(1, 0, 2).tolist()).toEqual(fx.tolist);
  });

  it('joining and splitting: cat, stack, chunk, split', () => {
    const t = arange(16, { dtype: 'float32' }).reshape(4, 4);
    expectClose(cat([t, t, t], 1), fx.cat);
    expectClose(cat([t, t, t], { dim: 1 }), fx.cat);
    expectClose(stack([t.select(0, 0), t.select(0, 1)]), fx.stack);
    expectClose(stack([t.select(0, 0), t.select(0, 1)], 1), fx.stack1);
    const chunks = t.chunk(3, 1);
    expect(chunks.length).toBe(fx.chunk.length);
    chunks.forEach((c, i) => expectClose(c, fx.chunk[i]));
    t.split([1, 3], 0).forEach((c, i) => expectClose(c, fx.split[i]));
    split(t, 3).forEach((c, i) => expectClose(c, fx.split2[i]));
  });

  it('arithmetic, view/reshape/permute/contiguous, in-place ops', () => {
    const t = arange(16, { dtype: 'float32' }).reshape(4, 4);
    expectClose(t.matmul(t.T), fx.matmulT);                   // tensor @ tensor.T
    expectClose(matmul(t, t.T), fx.matmulT);
    expectClose(t.mul(t), fx.mulSelf);
    const agg = t.sum();
    expect(agg.item()).toBe(fx.sum);
    expectClose(t.view(16), fx.view16);
    expect(t.view(-1, 8).size()).toEqual(fx.viewM1x8);
    const p = t.reshape(2, 2, 4).permute(2, 0, 1);
    expectClose(p, fx.permute);
    expect(p.isContiguous()).toBe(fx.permuteIsContiguous);
    expect(() => p.view(16)).toThrow(/view/); // not expressible as one stride, as in PyTorch
    expectClose(p.contiguous().view(4, 4), fx.permuteContiguousView);
    const u = ones([2, 3]);
    u.add_(5);
    u.mul_(2);
    expectClose(u, fx.addMul_);
    u.copy_(tensor([1, 2, 3]));
    expectClose(u, fx.copy_);
    u.fill_(0.25);
    expectClose(u, fx.fill_);
    u.zero_();
    expectClose(u, fx.zero_);
  });
});

describe('blitz: autograd', () => {
  it('z = 3 (x + 2)^2, out = z.mean(); out.backward()', () => {
    const x = ones([2, 2], { requiresGrad: true });
    const y = x.add(2);
    const z = y.mul(y).mul(3);
    const out = z.mean();
    expect(y.toString()).toContain(`grad_fn=<${fx.yGradFn}>`); // print(y)
    expect(out.toString()).toContain(`grad_fn=<${fx.oGradFn}>`);
    out.backward();
    expectClose(x.grad!, fx.xGrad);
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
    expect(n).toBe(fx.vjp.doublings as unknown as number);
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
    expect(a.pow(2).requiresGrad).toBe(true);
    expect(noGrad(() => a.pow(2).requiresGrad)).toBe(false);
    const d = a.detach();
    expect([d.requiresGrad, d.eq(a).all().item()]).toEqual([false, 1]);
  });

  it('gradients accumulate over backward passes', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const loss = w.mul(w).sum();
    loss.backward(null, { retainGraph: true });
    loss.backward();
    expectClose(w.grad!, fx.accumulated);
    const t: Tensor = w.grad!;
    t.zero_();
    expect(w.grad!.toArray()).toEqual([0, 0]);
  });
});
