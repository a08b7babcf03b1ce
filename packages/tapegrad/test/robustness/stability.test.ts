/**
 * Numerical stability: the functions whose naive formulas overflow (exp of a large logit) stay finite and
 * correct for logits of ±1e4, in float32 and float64, compared with references computed here in float64
 * by the stable closed forms.
 */
import { tensor, Tensor, nn } from 'tapegrad';

const F = nn.functional;
const big = [-1e4, -100, -20, -1, 0, 1, 20, 100, 1e4];

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const finite = (t: Tensor): boolean => values(t).every(Number.isFinite);
function close(got: number[], want: number[], rel: number): void {
  got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want[i]))));
}
// float64 references by the stable closed forms
const softplusRef = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoidRef = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const lseRef = (xs: number[]): number => { const m = Math.max(...xs); return m + Math.log(xs.reduce((s, v) => s + Math.exp(v - m), 0)); };

describe.each(['float32', 'float64'] as const)('stable at ±1e4 in %s', (dtype) => {
  const tol = dtype === 'float32' ? 1e-6 : 1e-14;

  it('sigmoid and softplus (and their gradients)', () => {
    const x = tensor(big, { dtype }).requiresGrad_();
    const s = x.sigmoid();
    close(values(s), big.map(sigmoidRef), tol);
    const sp = x.softplus();
    // softplus returns x itself above the threshold 20, as PyTorch
    close(values(sp), big.map((v) => (v > 20 ? v : softplusRef(v))), tol);
    sp.sum().backward();
    expect(finite(x.grad!)).toBe(true);
    close(values(x.grad!), big.map((v) => (v > 20 ? 1 : sigmoidRef(v))), tol);
  });

  it('logsumexp, logSoftmax and softmax rows with huge spreads', () => {
    const rows = [[1e4, 0, -1e4], [-1e4, -1e4, -1e4], [1e4, 1e4, 0], [3, 1, -2]];
    const x = tensor(rows, { dtype }).requiresGrad_();
    close(values(x.logsumexp(1)), rows.map(lseRef), tol);
    const ls = x.logSoftmax(1);
    // reference: (v − m) − log Σ exp(v − m), exact where v − lse(row) would round at 1e4's magnitude
    const lsm = (r: number[]): number[] => { const m = Math.max(...r); const s = Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0)); return r.map((v) => v - m - s); };
    close(values(ls), rows.flatMap(lsm), tol);
    expect(finite(x.softmax(1))).toBe(true);
    ls.sum().backward();
    expect(finite(x.grad!)).toBe(true);
  });

  it('crossEntropy with logits of ±1e4: finite loss and the δ = softmax − onehot gradient', () => {
    const logits = [[1e4, -1e4, 0], [-1e4, 1e4, 0], [0, 0, 1e4]];
    const target = tensor([1, 1, 0], { dtype: 'int32' });
    const x = tensor(logits, { dtype }).requiresGrad_();
    const loss = F.crossEntropy(x, target);
    // per-row loss = logsumexp(row) − row[target]
    const want = logits.map((r, n) => lseRef(r) - r[[1, 1, 0][n]]).reduce((a, b) => a + b) / 3;
    expect(Math.abs(loss.item() - want) / want).toBeLessThan(tol);
    loss.backward();
    const softmax = logits.map((r) => r.map((v) => Math.exp(v - lseRef(r))));
    const delta = softmax.flatMap((r, n) => r.map((p, c) => (p - (c === [1, 1, 0][n] ? 1 : 0)) / 3));
    close(values(x.grad!), delta, tol);
  });

  it('binaryCrossEntropyWithLogits at ±1e4', () => {
    const xs = [1e4, -1e4, 1e4, -1e4, 0];
    const ts = [1, 0, 0, 1, 1];
    const x = tensor(xs, { dtype }).requiresGrad_();
    const loss = F.binaryCrossEntropyWithLogits(x, tensor(ts, { dtype }), { reduction: 'none' });
    close(values(loss), xs.map((v, i) => Math.max(v, 0) - v * ts[i] + Math.log1p(Math.exp(-Math.abs(v)))), tol);
    loss.sum().backward();
    close(values(x.grad!), xs.map((v, i) => sigmoidRef(v) - ts[i]), tol);
  });
});

it('float32 inputs where the naive softmax overflows (exp(100) > float32 max) give the float64 answer', () => {
  const row = [100, 99, 98];
  const p = values(tensor([row], { dtype: 'float32' }).softmax(1));
  const want = row.map((v) => Math.exp(v - lseRef(row)));
  close(p, want, 1e-6);
  expect(Math.exp(100)).toBeGreaterThan(3.4e38); // the naive formula would overflow float32
});
