/**
 * SGD single steps computed by hand. Values are powers of two so every step is exact in float64:
 * p0 = [1, -2], g1 = [0.5, 1], g2 = [1, -1], lr = 0.5.
 */
import { Tensor, tensor } from '@tapegrad/core';
import { SGD } from '@tapegrad/optim';
import { param, setGrad, values } from './helpers/params';

function twoSteps(opts: ConstructorParameters<typeof SGD>[1]): { p1: number[]; p2: number[]; p: Tensor; opt: SGD } {
  const p = param([1, -2]);
  const opt = new SGD([p], opts);
  setGrad(p, [0.5, 1]);
  opt.step();
  const p1 = values(p);
  setGrad(p, [1, -1]);
  opt.step();
  return { p1, p2: values(p), p, opt };
}

describe('SGD', () => {
  it('plain: p -= lr * g', () => {
    const { p1, p2 } = twoSteps({ lr: 0.5 });
    expect(p1).toEqual([0.75, -2.5]);
    expect(p2).toEqual([0.25, -2]);
  });

  it('momentum: the first step copies g into the buffer, then b = mu*b + g, p -= lr*b (not v = mu*v + lr*g)', () => {
    const { p1, p2, p, opt } = twoSteps({ lr: 0.5, momentum: 0.5 });
    expect(p1).toEqual([0.75, -2.5]); // b1 = g1
    expect(p2).toEqual([0.125, -2.25]); // b2 = 0.5*[0.5, 1] + [1, -1] = [1.25, -0.5]
    expect(values(opt.state.get(p)?.momentumBuffer as Tensor)).toEqual([1.25, -0.5]);
  });

  it('dampening scales the new gradient by (1 - dampening) from the second step on', () => {
    const { p1, p2 } = twoSteps({ lr: 0.5, momentum: 0.5, dampening: 0.25 });
    expect(p1).toEqual([0.75, -2.5]); // first step: b1 = g1, no dampening
    expect(p2).toEqual([0.25, -2.375]); // b2 = 0.5*[0.5, 1] + 0.75*[1, -1] = [1, -0.25]
  });

  it('nesterov: p -= lr * (g + mu*b)', () => {
    const { p1, p2 } = twoSteps({ lr: 0.5, momentum: 0.5, nesterov: true });
    expect(p1).toEqual([0.625, -2.75]); // d = g1 + 0.5*g1 = [0.75, 1.5]
    expect(p2).toEqual([-0.1875, -2.125]); // b2 = [1.25, -0.5]; d = [1, -1] + 0.5*b2 = [1.625, -1.25]
  });

  it('weightDecay adds wd*p to the gradient', () => {
    const { p1 } = twoSteps({ lr: 0.5, weightDecay: 0.25 });
    expect(p1).toEqual([0.625, -2.25]); // d = [0.5 + 0.25, 1 - 0.5]
  });

  it('maximize steps along +g, negating g before the weight decay', () => {
    expect(twoSteps({ lr: 0.5, maximize: true }).p1).toEqual([1.25, -1.5]);
    expect(twoSteps({ lr: 0.5, maximize: true, weightDecay: 0.25 }).p1).toEqual([1.125, -1.25]); // d = -g + 0.25p = [-0.25, -1.5]
  });

  it('stores momentumBuffer: null without momentum, as PyTorch stores None', () => {
    const { p, opt } = twoSteps({ lr: 0.5 });
    expect(opt.state.get(p)).toEqual({ momentumBuffer: null });
  });

  it('float32 parameters stay float32, with float32 state, rounded once per stored value', () => {
    const p = param([0.1, 0.2], 'float32');
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    setGrad(p, [0.3, -0.7]);
    opt.step();
    expect(p.dtype).toBe('float32');
    expect((opt.state.get(p)?.momentumBuffer as Tensor).dtype).toBe('float32');
    const g = [Math.fround(0.3), Math.fround(-0.7)];
    expect(values(p)).toEqual([Math.fround(Math.fround(0.1) - 0.1 * g[0]), Math.fround(Math.fround(0.2) - 0.1 * g[1])]);
  });

  it('updates run in place: same storage, version bumped, works on a strided (transposed) leaf', () => {
    const p = param([1, -2]);
    const v0 = p._version;
    const opt = new SGD([p], { lr: 0.5 });
    setGrad(p, [0.5, 1]);
    opt.step();
    expect(p._version).toBeGreaterThan(v0);

    const base = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    const q = base.t(); // a leaf view with strides [1, 2]
    q.requiresGrad_(true);
    const opt2 = new SGD([q], { lr: 1 });
    q.grad = tensor([[0.5, 1], [1.5, 2]], { dtype: 'float64' }); // row-major in q's (transposed) layout
    opt2.step();
    expect(q.toArray()).toEqual([[0.5, 2], [0.5, 2]]); // q was [[1, 3], [2, 4]]
    expect(base.toArray()).toEqual([[0.5, 0.5], [2, 2]]); // written through to the shared storage
  });

  describe('validation (PyTorch 1.13 messages)', () => {
    const p = () => [param([1])];
    it('lr is required', () => {
      expect(() => new SGD(p())).toThrow("SGD: parameter group didn't specify a value of required optimization parameter lr");
      expect(() => new SGD(p(), {})).toThrow(/required optimization parameter lr/);
      // per-group lrs make the default unnecessary, as PyTorch
      expect(() => new SGD([{ params: p(), lr: 0.1 }])).not.toThrow();
    });
    it('negative or NaN lr, negative momentum and weightDecay', () => {
      expect(() => new SGD(p(), { lr: -1 })).toThrow('Invalid learning rate: -1');
      expect(() => new SGD(p(), { lr: NaN })).toThrow('Invalid learning rate: nan');
      expect(() => new SGD(p(), { lr: 0.1, momentum: -0.5 })).toThrow('Invalid momentum value: -0.5');
      expect(() => new SGD(p(), { lr: 0.1, weightDecay: -1 })).toThrow('Invalid weight_decay value: -1');
      expect(() => new SGD([{ params: p(), lr: -2 }], { lr: 0.1 })).toThrow('SGD (param group 0): Invalid learning rate: -2');
    });
    it('nesterov requires momentum and zero dampening', () => {
      expect(() => new SGD(p(), { lr: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires a momentum and zero dampening/);
      expect(() => new SGD(p(), { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(/Nesterov momentum requires a momentum and zero dampening/);
    });
    it('unknown (e.g. snake_case) options are a TypeError', () => {
      expect(() => new SGD(p(), { lr: 0.1, weight_decay: 0.1 } as never)).toThrow("SGD: unknown option 'weight_decay'");
    });
  });
});
