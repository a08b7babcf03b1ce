/** The Optimizer base: parameter groups, validation of the params, zeroGrad, step with a closure, skipping. */
import { Tensor, tensor, noGrad, isGradEnabled } from '@tapegrad/core';
import { SGD, Adam, AdamW, RMSprop, Adagrad, Optimizer } from '@tapegrad/optim';
import { param, setGrad, values } from './helpers/params';

describe('Optimizer parameter groups', () => {
  it('per-group options override the defaults; other options come from the defaults', () => {
    const a = param([1, 1]), b = param([1, 1]);
    const opt = new SGD([{ params: [a], lr: 0.5 }, { params: [b] }], { lr: 0.25, momentum: 0.5 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([[0.5, 0.5], [0.25, 0.5]]);
    setGrad(a, [1, 2]);
    setGrad(b, [1, 2]);
    opt.step();
    expect(values(a)).toEqual([0.5, 0]);
    expect(values(b)).toEqual([0.75, 0.5]);
    expect(opt).toBeInstanceOf(Optimizer);
  });

  it('takes any ordered iterable of tensors, e.g. a generator like model.parameters()', () => {
    const a = param([1]), b = param([2]);
    function* parameters(): Generator<Tensor> { yield a; yield b; }
    const opt = new SGD(parameters(), { lr: 0.5 });
    expect(opt.paramGroups[0].params).toEqual([a, b]);
    const opt2 = new SGD([{ params: parameters(), lr: 0.25 }]);
    expect(opt2.paramGroups[0].params).toEqual([a, b]);
  });

  it('a plain tensor list becomes one group holding every option', () => {
    const p = param([1]);
    const opt = new Adam([p], { lr: 0.1 });
    expect(opt.paramGroups).toHaveLength(1);
    expect(opt.paramGroups[0]).toEqual({ params: [p], lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
  });

  it('groups get their own copies of array options', () => {
    const opt = new Adam([param([1])], { betas: [0.8, 0.9] });
    opt.paramGroups[0].betas[0] = 0.1;
    expect(opt.defaults.betas).toEqual([0.8, 0.9]);
  });

  it('addParamGroup adds a group with defaults filled in (a single tensor is accepted)', () => {
    const a = param([1]), b = param([2]);
    const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: b, lr: 0.01 });
    expect(opt.paramGroups[1]).toMatchObject({ params: [b], lr: 0.01, momentum: 0.9, nesterov: false });
  });

  it('rejects a parameter already in another group, and repeated parameters', () => {
    const a = param([1]), b = param([2]);
    const opt = new SGD([a], { lr: 0.1 });
    expect(() => opt.addParamGroup({ params: [b, a] })).toThrow('SGD: some parameters appear in more than one parameter group');
    expect(opt.paramGroups).toHaveLength(1);
    expect(() => new SGD([a, b, a], { lr: 0.1 })).toThrow('SGD: optimizer contains a parameter group with duplicate parameters (params[2] is params[0])');
    expect(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 })).toThrow(/some parameters appear in more than one parameter group/);
  });

  it('rejects an empty list, a bare tensor, a Set, non-tensors and non-leaves', () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow('SGD: optimizer got an empty parameter list');
    expect(() => new Adam(param([1]) as never)).toThrow(/should be an iterable of Tensors or dicts, but got a Tensor/);
    expect(() => new Adam(new Set([param([1])]) as never)).toThrow(/ordering of tensors in sets will change between runs/);
    expect(() => new Adam([param([1]), 3 as never])).toThrow('Adam: optimizer can only optimize Tensors, but one of the params (index 1) is number 3');
    const x = param([1]);
    expect(() => new Adam([x.mul(2)])).toThrow(/can't optimize a non-leaf Tensor/);
    expect(() => new Adam([{ params: 5 } as never])).toThrow(/'params' must be a Tensor or an array of Tensors, got number 5/);
  });
});

describe('zeroGrad', () => {
  it('sets grads to null by default (PyTorch 2.x); step then skips those parameters', () => {
    const a = param([1]), b = param([2]);
    const opt = new Adam([a, b], { lr: 0.1 });
    setGrad(a, [1]);
    setGrad(b, [1]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    setGrad(a, [1]);
    opt.step();
    expect(values(b)).toEqual([2]); // untouched
    expect(opt.state.has(b)).toBe(false); // and no state created
    expect(opt.state.get(a)!.step).toBe(1);
  });

  it('{ setToNone: false } zero-fills the existing grad tensors in place', () => {
    const a = param([1, 2]);
    const opt = new SGD([a], { lr: 0.5, weightDecay: 0.5 });
    setGrad(a, [3, 4]);
    const g = a.grad as Tensor;
    opt.zeroGrad({ setToNone: false });
    expect(a.grad).toBe(g);
    expect(values(g)).toEqual([0, 0]);
    // A zero grad is still a grad: weight decay moves the parameter (with null it would be skipped)
    opt.step();
    expect(values(a)).toEqual([0.75, 1.5]);
  });

  it('detaches a grad that has a graph before zeroing', () => {
    const a = param([1]);
    const opt = new SGD([a], { lr: 0.1 });
    const w = param([3]);
    a.grad = w.mul(2);
    opt.zeroGrad({ setToNone: false });
    expect(a.grad!.gradFn).toBeNull();
    expect(a.grad!.requiresGrad).toBe(false);
    expect(values(a.grad!)).toEqual([0]);
  });
});

describe('step', () => {
  it('with a closure: runs it with grad enabled (even inside noGrad), steps with its grads, returns its loss', () => {
    const p = param([3]);
    const opt = new SGD([p], { lr: 0.25 });
    let calls = 0;
    const loss = noGrad(() => opt.step(() => {
      calls++;
      expect(isGradEnabled()).toBe(true);
      opt.zeroGrad();
      const l = p.mul(p).sum(); // d/dp p^2 = 2p = 6
      l.backward();
      return l;
    }));
    expect(calls).toBe(1);
    expect((loss as Tensor).item()).toBe(9);
    expect(values(p)).toEqual([3 - 0.25 * 6]);
    expect(opt.step()).toBeUndefined();
    expect(() => opt.step(5 as never)).toThrow(/closure must be a function/);
  });

  it('runs the update without recording: the parameter stays a leaf with no graph', () => {
    const p = param([1, 2]);
    const opt = new Adam([p], { lr: 0.1 });
    p.sum().backward();
    opt.step();
    expect(p.isLeaf).toBe(true);
    expect(p.gradFn).toBeNull();
    expect(p.requiresGrad).toBe(true);
  });

  it('names the parameter when the grad has the wrong shape or the parameter is not floating point', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = tensor([1, 2, 3], { dtype: 'float64' });
    expect(() => opt.step()).toThrow('SGD.step: parameter 0 of group 0 has shape [2] but its grad has shape [3]');
    const q = tensor([1, 2], { dtype: 'int32' });
    const opt2 = new SGD([q], { lr: 0.1 });
    q.grad = tensor([1, 1], { dtype: 'int32' });
    expect(() => opt2.step()).toThrow('SGD.step: parameter 0 of group 0 has dtype int32; only floating point parameters can be optimized');
  });
});

describe("PyTorch's positional lr", () => {
  it('new SGD(params, 0.1) is new SGD(params, { lr: 0.1 }), and likewise for every optimizer', () => {
    // torch: p = tensor([1., 2.], requires_grad=True); p.grad = tensor([0.5, -1.]); SGD([p], 0.1).step() -> [0.95, 2.1]
    const p = param([1, 2]);
    setGrad(p, [0.5, -1]);
    new SGD([p], 0.1).step();
    expect(values(p)).toEqual([0.95, 2.1]);
    for (const make of [(ps: Tensor[]) => new Adam(ps, 0.01), (ps: Tensor[]) => new AdamW(ps, 0.01), (ps: Tensor[]) => new RMSprop(ps, 0.01), (ps: Tensor[]) => new Adagrad(ps, 0.01)]) {
      const o = make([param([1])]);
      expect(o.paramGroups[0].lr).toBe(0.01);
    }
    expect(new Adam([param([1])], 0.01).paramGroups[0].betas).toEqual([0.9, 0.999]); // the other defaults stay
    expect(() => new SGD([param([1])], -1)).toThrow(/SGD: Invalid learning rate: -1/);
  });
});
