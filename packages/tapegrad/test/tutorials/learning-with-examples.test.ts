/**
 * "Learning PyTorch with Examples" ported line by line: y = sin(x) fitted by a cubic, first with tensors and
 * hand-written gradients, then autograd, nn.Sequential, optim.RMSprop, a custom nn.Module, a dynamic graph and
 * a custom autograd Function. Each part starts from the same fixed coefficients as
 * fixtures/pytorch/tutorials/tutorials.py and is compared with PyTorch 1.13 after 20 steps.
 */
import { tensor, linspace, sin, full, noGrad, nn, optim, defineFunction, Tensor } from 'tapegrad';
import { fixture, expectClose, toTensor, stateDict, Ref } from './fixtures';

interface Fx {
  manual: { losses: number[]; abcd: number[] };
  autograd: { firstGrads: number[]; abcd: number[] };
  nn: { weight: number[]; bias: number; loss: number };
  rmsprop: { weight: number[]; bias: number };
  polynomial3: { abcd: number[]; names: string[] };
  dynamic: { tops: number[]; abcde: number[] };
  legendre: { abcd: number[]; loss: number };
  twoLayer: {
    x: Ref; y: Ref; w1: Ref; w2: Ref; manual: { w1: Ref; w2: Ref; loss: number }; myrelu: { w1: Ref; w2: Ref };
    init: Record<string, Ref>; adamLosses: number[]; after: Record<string, Ref>;
  };
}
const fx = fixture<Fx>('learning-with-examples');

const x = linspace(-Math.PI, Math.PI, 2000);
const y = sin(x);
const learningRate = 1e-6;
const steps = 20;
const init = [0.1, -0.2, 0.3, -0.05];

describe('Learning PyTorch with Examples', () => {
  it('tensors: the forward and backward passes by hand', () => {
    let [a, b, c, d] = init.map((v) => tensor(v));
    const losses: number[] = [];
    for (let t = 0; t < steps; t++) {
      const yPred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));
      const loss = yPred.sub(y).pow(2).sum().item();
      losses.push(loss);
      const gradYPred = yPred.sub(y).mul(2.0);
      const gradA = gradYPred.sum();
      const gradB = gradYPred.mul(x).sum();
      const gradC = gradYPred.mul(x.pow(2)).sum();
      const gradD = gradYPred.mul(x.pow(3)).sum();
      a = a.sub(gradA.mul(learningRate));
      b = b.sub(gradB.mul(learningRate));
      c = c.sub(gradC.mul(learningRate));
      d = d.sub(gradD.mul(learningRate));
    }
    expectClose(losses, fx.manual.losses, 1e-5);
    expectClose([a, b, c, d].map((v) => v.item()), fx.manual.abcd, 1e-5);
  });

  it('autograd: requiresGrad, backward, updates under noGrad, grad = null', () => {
    const [a, b, c, d] = init.map((v) => tensor(v, { requiresGrad: true }));
    let firstGrads: number[] | null = null;
    for (let t = 0; t < steps; t++) {
      const yPred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));
      const loss = yPred.sub(y).pow(2).sum();
      loss.backward();
      firstGrads ??= [a, b, c, d].map((v) => v.grad!.item());
      noGrad(() => {
        a.sub_(a.grad!.mul(learningRate));
        b.sub_(b.grad!.mul(learningRate));
        c.sub_(c.grad!.mul(learningRate));
        d.sub_(d.grad!.mul(learningRate));
        a.grad = null;
        b.grad = null;
        c.grad = null;
        d.grad = null;
      });
    }
    expectClose(firstGrads!, fx.autograd.firstGrads, 1e-5);
    expectClose([a, b, c, d].map((v) => v.item()), fx.autograd.abcd, 1e-5);
  });

  it('nn: Sequential(Linear(3, 1), Flatten(0, 1)) on x^[1, 2, 3], MSELoss(sum), manual updates', () => {
    const p = tensor([1, 2, 3]);
    const xx = x.unsqueeze(-1).pow(p);
    expect(xx.shape).toEqual([2000, 3]);
    const model = new nn.Sequential(new nn.Linear(3, 1), new nn.Flatten(0, 1));
    const linear = model.get(0) as nn.Linear;
    noGrad(() => {
      linear.weight.copy_(tensor([init.slice(1)]));
      linear.bias!.fill_(init[0]);
    });
    const lossFn = new nn.MSELoss({ reduction: 'sum' });
    let loss: Tensor | null = null;
    for (let t = 0; t < steps; t++) {
      const yPred = model.call(xx);
      expect(yPred.shape).toEqual([2000]);
      loss = lossFn.call(yPred, y);
      model.zeroGrad();
      loss.backward();
      noGrad(() => {
        for (const param of model.parameters()) param.sub_(param.grad!.mul(learningRate));
      });
    }
    expectClose(linear.weight.select(0, 0), fx.nn.weight, 1e-5);
    expectClose(linear.bias!.item(), fx.nn.bias, 1e-5);
    expectClose(loss!.item(), fx.nn.loss, 1e-5);
    // print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + ...')
    expect(typeof linear.weight.select(1, 0).item()).toBe('number');
  });

  it('optim: RMSprop(lr=1e-3) and its loss falling over 2000 steps', () => {
    const xx = x.unsqueeze(-1).pow(tensor([1, 2, 3]));
    const model = new nn.Sequential(new nn.Linear(3, 1), new nn.Flatten(0, 1));
    const linear = model.get(0) as nn.Linear;
    noGrad(() => {
      linear.weight.copy_(tensor([init.slice(1)]));
      linear.bias!.fill_(init[0]);
    });
    const lossFn = new nn.MSELoss({ reduction: 'sum' });
    const optimizer = new optim.RMSprop(model.parameters(), { lr: 1e-3 });
    const losses: number[] = [];
    for (let t = 0; t < 2000; t++) {
      const loss = lossFn.call(model.call(xx), y);
      losses.push(loss.item());
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      if (t === steps - 1) {
        expectClose(linear.weight.select(0, 0), fx.rmsprop.weight, 1e-4);
        expectClose(linear.bias!.item(), fx.rmsprop.bias, 1e-4);
      }
    }
    // the tutorial ends near 9 from about 8000
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 100);
  });

  it('custom nn.Module: Polynomial3 with nn.Parameter scalars and SGD', () => {
    class Polynomial3 extends nn.Module {
      a = new nn.Parameter(tensor(init[0]));
      b = new nn.Parameter(tensor(init[1]));
      c = new nn.Parameter(tensor(init[2]));
      d = new nn.Parameter(tensor(init[3]));
      forward(x: Tensor): Tensor {
        return this.a.add(this.b.mul(x)).add(this.c.mul(x.pow(2))).add(this.d.mul(x.pow(3)));
      }
      string(): string {
        return `y = ${this.a.item()} + ${this.b.item()} x + ${this.c.item()} x^2 + ${this.d.item()} x^3`;
      }
    }
    const model = new Polynomial3();
    const criterion = new nn.MSELoss({ reduction: 'sum' });
    const optimizer = new optim.SGD(model.parameters(), { lr: 1e-6 });
    for (let t = 0; t < steps; t++) {
      const loss = criterion.call(model.call(x), y);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    }
    expect(Array.from(model.namedParameters(), ([n]) => n)).toEqual(fx.polynomial3.names);
    expectClose([model.a, model.b, model.c, model.d].map((v) => v.item()), fx.polynomial3.abcd, 1e-5);
    expect(model.string()).toMatch(/^y = -?\d/);
  });

  it('control flow + weight sharing: DynamicNet with SGD momentum', () => {
    class DynamicNet extends nn.Module {
      a = new nn.Parameter(tensor(init[0]));
      b = new nn.Parameter(tensor(init[1]));
      c = new nn.Parameter(tensor(init[2]));
      d = new nn.Parameter(tensor(init[3]));
      e = new nn.Parameter(tensor(0.01));
      forward(x: Tensor, top: number): Tensor {
        let y = this.a.add(this.b.mul(x)).add(this.c.mul(x.pow(2))).add(this.d.mul(x.pow(3)));
        for (let exp = 4; exp < top; exp++) y = y.add(this.e.mul(x.pow(exp)));
        return y;
      }
    }
    const model = new DynamicNet();
    const criterion = new nn.MSELoss({ reduction: 'sum' });
    const optimizer = new optim.SGD(model.parameters(), { lr: 1e-8, momentum: 0.9 });
    for (let t = 0; t < steps; t++) {
      const loss = criterion.call(model.call(x, fx.dynamic.tops[t]), y);
      // PyTorch 1.13's zero_grad() fills zeros, so momentum keeps moving `e` on the steps that do not use it;
      // tapegrad's default is PyTorch 2's set_to_none (docs/porting-from-pytorch.md, "zeroGrad() sets gradients to null")
      optimizer.zeroGrad({ setToNone: false });
      loss.backward();
      optimizer.step();
    }
    expectClose([model.a, model.b, model.c, model.d, model.e].map((v) => v.item()), fx.dynamic.abcde, 1e-4);
  });

  it('custom autograd Function: LegendrePolynomial3', () => {
    const P3 = defineFunction('LegendrePolynomial3', {
      forward(ctx, input) {
        ctx.saveForBackward(input);
        return input.pow(3).mul(5).sub(input.mul(3)).mul(0.5);
      },
      backward(ctx, gradOutput) {
        const [input] = ctx.savedTensors;
        return [gradOutput.mul(1.5).mul(input.pow(2).mul(5).sub(1))];
      },
    });
    const a = full([], 0.0, { requiresGrad: true });
    const b = full([], -1.0, { requiresGrad: true });
    const c = full([], 0.0, { requiresGrad: true });
    const d = full([], 0.3, { requiresGrad: true });
    let loss: Tensor | null = null;
    for (let t = 0; t < steps; t++) {
      const yPred = a.add(b.mul(P3(c.add(d.mul(x)))));
      loss = yPred.sub(y).pow(2).sum();
      loss.backward();
      noGrad(() => {
        for (const v of [a, b, c, d]) {
          v.sub_(v.grad!.mul(5e-6));
          v.grad = null;
        }
      });
    }
    expectClose(loss!.item(), fx.legendre.loss, 1e-4);
    // a and c stay near 0 (1e-11 in PyTorch): compare them absolutely
    [a, b, c, d].forEach((v, i) => expect(Math.abs(v.item() - fx.legendre.abcd[i])).toBeLessThan(1e-5));
  });

  describe('the earlier edition: a two-layer ReLU network', () => {
    const tl = fx.twoLayer;
    const x2 = toTensor(tl.x), y2 = toTensor(tl.y);
    const lr = 1e-3;

    it('by hand: mm, clamp(min=0), grad_h[h < 0] = 0', () => {
      let w1 = toTensor(tl.w1), w2 = toTensor(tl.w2);
      let yPred: Tensor | null = null;
      for (let t = 0; t < 10; t++) {
        const h = x2.mm(w1);
        const hRelu = h.clamp({ min: 0 });
        yPred = hRelu.mm(w2);
        const gradYPred = yPred.sub(y2).mul(2.0);
        const gradW2 = hRelu.t().mm(gradYPred);
        const gradHRelu = gradYPred.mm(w2.t());
        const gradH = gradHRelu.clone();
        gradH.maskedFill_(h.lt(0), 0); // grad_h[h < 0] = 0
        const gradW1 = x2.t().mm(gradH);
        w1 = w1.sub(gradW1.mul(lr));
        w2 = w2.sub(gradW2.mul(lr));
      }
      expectClose(w1, tl.manual.w1, 1e-5);
      expectClose(w2, tl.manual.w2, 1e-5);
      expectClose(yPred!.sub(y2).pow(2).sum().item(), tl.manual.loss, 1e-5);
    });

    it('a custom ReLU Function, w.grad.zero_() after each step', () => {
      const MyReLU = defineFunction('MyReLU', {
        forward(ctx, input) {
          ctx.saveForBackward(input);
          return input.clamp({ min: 0 });
        },
        backward(ctx, gradOutput) {
          const [input] = ctx.savedTensors;
          const gradInput = gradOutput.clone();
          gradInput.maskedFill_(input.lt(0), 0);
          return [gradInput];
        },
      });
      const w1 = toTensor(tl.w1).requiresGrad_(), w2 = toTensor(tl.w2).requiresGrad_();
      for (let t = 0; t < 10; t++) {
        const yPred = MyReLU(x2.mm(w1)).mm(w2);
        const loss = yPred.sub(y2).pow(2).sum();
        loss.backward();
        noGrad(() => {
          w1.sub_(w1.grad!.mul(lr));
          w2.sub_(w2.grad!.mul(lr));
          w1.grad!.zero_();
          w2.grad!.zero_();
        });
      }
      expectClose(w1, tl.myrelu.w1, 1e-5);
      expectClose(w2, tl.myrelu.w2, 1e-5);
    });

    it('TwoLayerNet (nn.Module) with Adam', () => {
      class TwoLayerNet extends nn.Module {
        linear1: nn.Linear;
        linear2: nn.Linear;
        constructor(dIn: number, H: number, dOut: number) {
          super();
          this.linear1 = new nn.Linear(dIn, H);
          this.linear2 = new nn.Linear(H, dOut);
        }
        forward(x: Tensor): Tensor {
          const hRelu = this.linear1.call(x).clamp({ min: 0 });
          return this.linear2.call(hRelu);
        }
      }
      const model = new TwoLayerNet(5, 6, 3);
      model.loadStateDict(stateDict(tl.init));
      const lossFn = new nn.MSELoss({ reduction: 'sum' });
      const optimizer = new optim.Adam(model.parameters(), { lr: 1e-2 });
      const losses: number[] = [];
      for (let t = 0; t < 10; t++) {
        const loss = lossFn.call(model.call(x2), y2);
        losses.push(loss.item());
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
      }
      expectClose(losses, tl.adamLosses, 1e-5);
      for (const [k, v] of Object.entries(model.stateDict())) expectClose(v, tl.after[k], 1e-5);
    });
  });
});
