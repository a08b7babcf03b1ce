/**
 * End to end: small networks learn the course's 2-D toy problems (XOR, two Gaussian clouds,
 * concentric circles) with full-batch gradient descent written inline (the optim package is separate).
 */
import { Tensor, tensor, randn, rand, manualSeed, Generator, noGrad, cat, zeros, ones } from '@tapegrad/core';
import { Module, Linear, Tanh, ReLU, Sequential, F } from '@tapegrad/nn';

/** θ ← θ − η∇J for every parameter (what optim.SGD does without momentum). */
function sgdStep(model: Module, lr: number): void {
  noGrad(() => {
    for (const p of model.parameters()) if (p.grad) p.sub_(p.grad.mul(lr));
  });
}

function train(model: Module, x: Tensor, y: Tensor, { lr, epochs }: { lr: number; epochs: number }): number[] {
  const losses: number[] = [];
  model.train();
  for (let e = 0; e < epochs; e++) {
    model.zeroGrad();
    const loss = F.crossEntropy(model.call(x) as Tensor, y);
    loss.backward();
    sgdStep(model, lr);
    losses.push(loss.item());
  }
  return losses;
}

function accuracy(model: Module, x: Tensor, y: Tensor): number {
  model.eval();
  return noGrad(() => (model.call(x) as Tensor).argmax(1).eq(y).sum().item() / y.numel());
}

describe('learning the 2-D toy problems', () => {
  it('XOR: a 2-4-2 tanh network reaches 100% (a linear model cannot)', () => {
    manualSeed(0);
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]], { dtype: 'float32' });
    const y = tensor([0, 1, 1, 0], { dtype: 'int32' });
    const model = new Sequential(new Linear(2, 4), new Tanh(), new Linear(4, 2));
    const losses = train(model, x, y, { lr: 0.5, epochs: 1500 });
    expect(losses[losses.length - 1]).toBeLessThan(0.05);
    expect(accuracy(model, x, y)).toBe(1);
    // The best a linear model can do on XOR is 3 of 4.
    const linear = new Linear(2, 2);
    train(linear, x, y, { lr: 0.5, epochs: 500 });
    expect(accuracy(linear, x, y)).toBeLessThanOrEqual(0.75);
  });

  it('two Gaussian clouds: logistic regression (one Linear layer) > 97%', () => {
    const g = new Generator(1);
    const n = 200;
    const a = randn([n, 2], { generator: g }).add(tensor([-2, -2], { dtype: 'float32' }));
    const b = randn([n, 2], { generator: g }).add(tensor([2, 2], { dtype: 'float32' }));
    const x = cat([a, b], 0);
    const y = cat([zeros([n], { dtype: 'int32' }), ones([n], { dtype: 'int32' })], 0);
    manualSeed(1);
    const model = new Linear(2, 2);
    train(model, x, y, { lr: 0.1, epochs: 200 });
    expect(accuracy(model, x, y)).toBeGreaterThan(0.97);
  });

  it('concentric circles: needs the hidden layer; 2-16-2 ReLU network > 97%', () => {
    const g = new Generator(2);
    const n = 200;
    const circle = (r: number): Tensor => {
      const theta = rand([n], { generator: g, dtype: 'float64' }).mul(2 * Math.PI);
      const radius = randn([n], { generator: g, dtype: 'float64' }).mul(0.15).add(r);
      return cat([theta.cos().mul(radius).unsqueeze(1), theta.sin().mul(radius).unsqueeze(1)], 1);
    };
    const x = cat([circle(1), circle(2.5)], 0).float();
    const y = cat([zeros([n], { dtype: 'int32' }), ones([n], { dtype: 'int32' })], 0);
    manualSeed(2);
    const model = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 2));
    train(model, x, y, { lr: 0.2, epochs: 600 });
    expect(accuracy(model, x, y)).toBeGreaterThan(0.97);
    // A linear model is near chance on circles.
    manualSeed(2);
    const linear = new Linear(2, 2);
    train(linear, x, y, { lr: 0.2, epochs: 300 });
    expect(accuracy(linear, x, y)).toBeLessThan(0.75);
  });
});
