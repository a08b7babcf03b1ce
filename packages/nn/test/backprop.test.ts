/**
 * Autodiff equals the delta rule the course derives by hand for a single-hidden-layer network
 * (batch of m rows, weights in PyTorch's [out, in] layout, so z = x·Wᵀ + b):
 *   z1 = x·W1ᵀ + b1, a1 = h(z1), z2 = a1·W2ᵀ + b2, J = mean cross-entropy(softmax(z2), y)
 *   δ2 = (softmax(z2) − Y) / m       ∂J/∂W2 = δ2ᵀ·a1    ∂J/∂b2 = Σ_rows δ2
 *   δ1 = (δ2·W2) ⊙ h'(z1)            ∂J/∂W1 = δ1ᵀ·x     ∂J/∂b1 = Σ_rows δ1
 * The hand side below uses plain JS arrays only.
 */
import { Tensor, tensor, manualSeed, randn, Generator } from '@tapegrad/core';
import { Module, Linear, Tanh, Sigmoid, F } from '@tapegrad/nn';
import { expectClose } from './helpers';

type Mat = number[][];
const matT = (a: Mat): Mat => a[0].map((_, j) => a.map((r) => r[j]));
const matMul = (a: Mat, b: Mat): Mat => a.map((r) => b[0].map((_, j) => r.reduce((s, v, k) => s + v * b[k][j], 0)));
const addRow = (a: Mat, b: number[]): Mat => a.map((r) => r.map((v, j) => v + b[j]));
const colSum = (a: Mat): number[] => a[0].map((_, j) => a.reduce((s, r) => s + r[j], 0));
const mat = (t: Tensor): Mat => t.toArray() as Mat;

class OneHidden extends Module {
  fc1: Linear;
  act: Module;
  fc2: Linear;
  constructor(p: number, h: number, c: number, act: Module) {
    super();
    this.fc1 = new Linear(p, h, { dtype: 'float64' });
    this.act = act;
    this.fc2 = new Linear(h, c, { dtype: 'float64' });
  }
  forward(x: Tensor): Tensor {
    return this.fc2.call(this.act.call(this.fc1.call(x)) as Tensor);
  }
}

describe('single hidden layer: autodiff gradients equal the hand-derived delta rule', () => {
  const cases: [string, () => Module, (z: number) => number, (z: number) => number][] = [
    ['tanh', () => new Tanh(), Math.tanh, (z) => 1 - Math.tanh(z) ** 2],
    ['sigmoid', () => new Sigmoid(), (z) => 1 / (1 + Math.exp(-z)), (z) => { const s = 1 / (1 + Math.exp(-z)); return s * (1 - s); }],
  ];
  for (const [name, makeAct, h, dh] of cases) {
    it(`softmax + cross-entropy output, ${name} hidden layer`, () => {
      manualSeed(42);
      const m = 6, p = 4, hid = 5, C = 3;
      const model = new OneHidden(p, hid, C, makeAct());
      const x = randn([m, p], { generator: new Generator(7), dtype: 'float64' });
      const labels = [0, 2, 1, 1, 0, 2];
      const y = tensor(labels, { dtype: 'int32' });

      const loss = F.crossEntropy(model.call(x), y);
      loss.backward();

      // By hand.
      const X = mat(x), W1 = mat(model.fc1.weight), b1 = Array.from(model.fc1.bias!.dataSync());
      const W2 = mat(model.fc2.weight), b2 = Array.from(model.fc2.bias!.dataSync());
      const Z1 = addRow(matMul(X, matT(W1)), b1);
      const A1 = Z1.map((r) => r.map(h));
      const Z2 = addRow(matMul(A1, matT(W2)), b2);
      const S = Z2.map((r) => { const mx = Math.max(...r); const e = r.map((v) => Math.exp(v - mx)); const s = e.reduce((a, b) => a + b); return e.map((v) => v / s); });
      const J = -S.reduce((acc, r, i) => acc + Math.log(r[labels[i]]), 0) / m;
      const delta2 = S.map((r, i) => r.map((v, c) => (v - (c === labels[i] ? 1 : 0)) / m));
      const dW2 = matMul(matT(delta2), A1);
      const db2 = colSum(delta2);
      const delta1 = matMul(delta2, W2).map((r, i) => r.map((v, j) => v * dh(Z1[i][j])));
      const dW1 = matMul(matT(delta1), X);
      const db1 = colSum(delta1);

      expect(loss.item()).toBeCloseTo(J, 12);
      expectClose(model.fc2.weight.grad, dW2, 1e-12);
      expectClose(model.fc2.bias!.grad, db2, 1e-12);
      expectClose(model.fc1.weight.grad, dW1, 1e-12);
      expectClose(model.fc1.bias!.grad, db1, 1e-12);
    });
  }

  it('sigmoid output + binary cross-entropy: δ = (σ(z) − y)/m as well', () => {
    manualSeed(3);
    const lin = new Linear(3, 1, { dtype: 'float64' });
    const x = randn([5, 3], { generator: new Generator(8), dtype: 'float64' });
    const yv = [1, 0, 0, 1, 1];
    const y = tensor(yv, { dtype: 'float64' }).reshape([5, 1]);
    F.binaryCrossEntropy(lin.call(x).sigmoid(), y).backward();
    const z = mat(lin.call(x).detach()).map((r) => r[0]);
    const delta = z.map((v, i) => (1 / (1 + Math.exp(-v)) - yv[i]) / 5);
    const X = mat(x);
    expectClose(lin.weight.grad, [[0, 1, 2].map((j) => delta.reduce((s, d, i) => s + d * X[i][j], 0))], 1e-12);
    expectClose(lin.bias!.grad, [delta.reduce((a, b) => a + b)], 1e-12);
    // The logits form gives the same gradient.
    const w = lin.weight.grad!.dataSync();
    lin.zeroGrad();
    F.binaryCrossEntropyWithLogits(lin.call(x), y).backward();
    expectClose(lin.weight.grad, Array.from(w), 1e-12);
  });
});
