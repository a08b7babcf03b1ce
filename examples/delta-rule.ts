/**
 * Checking the hand-derived delta rule against autodiff and finite differences.
 *
 * A one-hidden-layer network, one example per row of X (n×p), weights in PyTorch's [out, in] layout:
 *   z1 = X W1ᵀ + b1,  a1 = tanh(z1),  z2 = a1 W2ᵀ + b2,  ŷ = softmax(z2),  J = mean cross-entropy.
 * The delta rule from class:
 *   δ2 = (ŷ − Y) / m                       (softmax + cross-entropy output; averaged over the batch)
 *   ∂J/∂W2 = δ2ᵀ a1,   ∂J/∂b2 = Σᵢ δ2
 *   δ1 = (δ2 W2) ⊙ tanh'(z1) = (δ2 W2) ⊙ (1 − a1²)
 *   ∂J/∂W1 = δ1ᵀ X,    ∂J/∂b1 = Σᵢ δ1
 * Run: node scripts/run-ts.cjs examples/delta-rule.ts
 */
import { Tensor, tensor, randn, randint, manualSeed, noGrad, gradcheck, nn } from 'tapegrad';

export function deltaRuleCheck(seed = 0): { maxDiff: number; gradcheckOk: boolean } {
  manualSeed(seed);
  const m = 8, p = 5, h = 6, c = 3;
  const X = randn([m, p], { dtype: 'float64' });
  const y = randint(0, c, [m]);
  const Y = y.oneHot(c).double();
  const W1 = randn([h, p], { dtype: 'float64' }).mul(0.5).requiresGrad_();
  const b1 = randn([h], { dtype: 'float64' }).mul(0.1).requiresGrad_();
  const W2 = randn([c, h], { dtype: 'float64' }).mul(0.5).requiresGrad_();
  const b2 = randn([c], { dtype: 'float64' }).mul(0.1).requiresGrad_();

  const forward = (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor): Tensor => {
    const a1 = X.matmul(W1.t()).add(b1).tanh();
    const z2 = a1.matmul(W2.t()).add(b2);
    return nn.functional.crossEntropy(z2, y);
  };

  // 1. autodiff
  forward(W1, b1, W2, b2).backward();

  // 2. by hand, with the delta rule
  const hand = noGrad(() => {
    const a1 = X.matmul(W1.t()).add(b1).tanh();
    const yhat = a1.matmul(W2.t()).add(b2).softmax(1);
    const d2 = yhat.sub(Y).div(m);
    const d1 = d2.matmul(W2).mul(a1.mul(a1).neg().add(1));
    return { W1: d1.t().matmul(X), b1: d1.sum(0), W2: d2.t().matmul(a1), b2: d2.sum(0) };
  });
  const pairs: [Tensor, Tensor][] = [[W1.grad!, hand.W1], [b1.grad!, hand.b1], [W2.grad!, hand.W2], [b2.grad!, hand.b2]];
  const maxDiff = Math.max(...pairs.map(([a, b]) => a.sub(b).abs().max().item()));

  // 3. finite differences (float64, central), through gradcheck
  const report = gradcheck(forward, [W1.detach().requiresGrad_(), b1.detach().requiresGrad_(), W2.detach().requiresGrad_(), b2.detach().requiresGrad_()]);
  return { maxDiff, gradcheckOk: report.ok };
}

if (require.main === module) {
  const r = deltaRuleCheck();
  console.log(`max |autodiff − delta rule| = ${r.maxDiff.toExponential(2)}; gradcheck ${r.gradcheckOk ? 'passed' : 'FAILED'}`);
}
