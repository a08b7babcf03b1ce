/**
 * torch.multinomial, torch.bernoulli (probability tensor and scalar forms) and the in-place fills
 * exponential_, geometric_, logNormal_ and cauchy_ against PyTorch 1.13 (fixtures/pytorch/conform8/sampling.py):
 * for the same seed the same values, and the same number of draws consumed (the two uniforms drawn after
 * each case). Bit for bit: multinomial, bernoulli, geometric_ and every float32 fill (computed in double and
 * rounded once, the rounding hides libm's differences in these cases). float64 exponential_, logNormal_ and
 * cauchy_ go through log, exp and tan, where V8's Math (fdlibm) and glibc can differ in the last ulp: measured
 * at most 1 ulp for exponential_ (one log), 2 for cauchy_ (tan near its poles), 4 for logNormal_ (Box–Muller's
 * log, cos and sin, whose error exp scales by the value's log); those bounds are asserted.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Generator, tensor, zeros, linspace, multinomial, bernoulli, rand, seed, initialSeed, manualSeed, defaultGenerator, type Tensor, type DType } from '../src';

interface Case { name: string; seed: string; values: number[]; shape: number[]; after: number[] }
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../fixtures/pytorch/conform8/sampling.json'), 'utf8')) as { cases: Case[] };

const arr = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);
const P1 = [0.1, 0.2, 0.05, 0.4, 0.25];
const W1 = [3.0, 0.0, 1.0, 7.5, 2.0, 0.5];
const P2 = [[0.1, 0.2, 0.3, 0.4, 0.0], [5.0, 1.0, 1.0, 1.0, 2.0], [0.0, 0.0, 1.0, 0.0, 1e-3]];
const TENTHS = new Array(10).fill(0.1);

type Draw = (g: Generator) => Tensor;
const exact: Record<string, Draw> = {};
const lastUlp = new Map<string, number>();
for (const dt of ['float32', 'float64'] as DType[]) {
  const o = { dtype: dt };
  if (dt === 'float64') ([['exponential_ 1', 1], ['exponential_ 2.5', 1], ['log_normal_ 1 2', 4], ['log_normal_ default', 4], ['cauchy_ 0.5 2', 2]] as const).forEach(([n, u]) => lastUlp.set(`${n} ${dt}`, u));
  exact[`exponential_ 1 ${dt} 20`] = (g) => zeros([20], o).exponential_(1, g);
  exact[`exponential_ 2.5 ${dt} 7`] = (g) => zeros([7], o).exponential_(2.5, { generator: g });
  exact[`geometric_ 0.2 ${dt} 20`] = (g) => zeros([20], o).geometric_(0.2, g);
  exact[`log_normal_ 1 2 ${dt} 20`] = (g) => zeros([20], o).logNormal_(1, 2, g);
  exact[`log_normal_ default ${dt} 5`] = (g) => zeros([5], o).logNormal_(undefined, undefined, g);
  exact[`cauchy_ 0.5 2 ${dt} 20`] = (g) => zeros([20], o).cauchy_(0.5, 2, g);
  exact[`bernoulli p ${dt} 3x5`] = (g) => bernoulli(linspace(0, 1, 15, o).reshape([3, 5]), { generator: g });
  exact[`bernoulli 0.3 ${dt} 12`] = (g) => bernoulli(zeros([12], o), 0.3, { generator: g });
  const t = (v: number[] | number[][]) => tensor(v, o);
  exact[`multinomial P1 ${dt} 1`] = (g) => multinomial(t(P1), 1, { generator: g });
  exact[`multinomial P1 ${dt} 3`] = (g) => multinomial(t(P1), 3, false, { generator: g });
  exact[`multinomial P1 ${dt} 5`] = (g) => t(P1).multinomial(5, { generator: g });
  exact[`multinomial P1 ${dt} 1 replacement`] = (g) => multinomial(t(P1), 1, true, { generator: g });
  exact[`multinomial P1 ${dt} 12 replacement`] = (g) => multinomial(t(P1), 12, { replacement: true, generator: g });
  exact[`multinomial W1 ${dt} 4`] = (g) => multinomial(t(W1), 4, { generator: g });
  exact[`multinomial W1 ${dt} 9 replacement`] = (g) => multinomial(t(W1), 9, true, { generator: g });
  exact[`multinomial P2 ${dt} 2`] = (g) => multinomial(t(P2), 2, { generator: g });
  exact[`multinomial P2 ${dt} 1`] = (g) => multinomial(t(P2), 1, { generator: g });
  exact[`multinomial P2 ${dt} 7 replacement`] = (g) => multinomial(t(P2), 7, true, { generator: g });
  exact[`multinomial P2 transposed ${dt} 2 replacement`] = (g) => multinomial(t(P2).t().contiguous().t(), 2, true, { generator: g });
  exact[`multinomial P2 transposed ${dt} 3`] = (g) => multinomial(t(P2).t().contiguous().t(), 3, { generator: g });
  exact[`multinomial P2T ${dt} 2`] = (g) => multinomial(t(P2).t(), 2, { generator: g });
  exact[`multinomial tenths ${dt} 40 replacement`] = (g) => multinomial(t(TENTHS), 40, true, { generator: g });
}
exact['bernoulli_ float64 self, float32 p'] = (g) => zeros([2, 4], { dtype: 'float64' }).bernoulli_(linspace(0, 1, 4), g);
exact['bernoulli_ float32 self, float64 p'] = (g) => zeros([2, 4]).bernoulli_(linspace(0, 1, 4, { dtype: 'float64' }), g);
exact['multinomial one positive of 6, 5 samples'] = (g) => multinomial(tensor([1, 0, 0, 0, 0, 0]), 5, { generator: g });
exact['multinomial one positive of 6, 6 samples'] = (g) => multinomial(tensor([0, 0, 1, 0, 0, 0]), 6, { generator: g });
exact['geometric_ 0.35 int32 10'] = (g) => zeros([10], { dtype: 'int32' }).geometric_(0.35, g);

/** Distance in float64 units in the last place. */
function ulps(a: number, b: number): number {
  const v = new BigInt64Array(new Float64Array([a, b]).buffer);
  const d = v[0] - v[1];
  return Number(d < 0n ? -d : d);
}

describe.each(ref.cases.map((c) => [`${c.name}, seed ${c.seed}`, c] as const))('%s', (_label, c) => {
  const ulp = lastUlp.get(c.name.replace(/ \d+$/, ''));
  test(`equals torch ${ulp ? `to ${ulp} ulp` : 'bit for bit'}, and leaves the generator where torch does`, () => {
    const g = new Generator(BigInt(c.seed));
    expect(exact[c.name]).toBeDefined();
    const out = exact[c.name](g);
    expect(out.shape).toEqual(c.shape);
    if (ulp) expect(Math.max(...arr(out).map((v, i) => ulps(v, c.values[i])))).toBeLessThanOrEqual(ulp);
    else expect(arr(out)).toEqual(c.values);
    expect(arr(rand([2], { generator: g, dtype: 'float64' }))).toEqual(c.after);
  });
});

describe('errors as torch', () => {
  const p = tensor([0.2, 0.8]);
  it('multinomial: bad shapes, dtypes, sample counts and probabilities', () => {
    expect(() => multinomial(zeros([2, 2, 2]).add(1), 1)).toThrow('multinomial: prob_dist must be 1 or 2 dim, got shape [2, 2, 2]');
    expect(() => multinomial(tensor(1), 1)).toThrow(/prob_dist must be 1 or 2 dim/);
    expect(() => multinomial(tensor([1, 2], { dtype: 'int32' }), 1)).toThrow('multinomial: only supports floating-point dtypes for input, got int32');
    expect(() => multinomial(p, 0)).toThrow('multinomial: cannot sample numSamples <= 0 samples (got 0)');
    expect(() => multinomial(p, 1.5)).toThrow(/numSamples must be an integer/);
    expect(() => multinomial(p, 3)).toThrow('multinomial: cannot sample numSamples > prob_dist.size(-1) samples without replacement (numSamples 3, 2 categories in shape [2])');
    expect(() => multinomial(zeros([2, 0]), 1)).toThrow(/without replacement/);
    expect(multinomial(p, 3, true).shape).toEqual([3]);
    // without replacement: torch's fast-path check; with replacement: the kernel's per-entry checks
    for (const bad of [-0.5, NaN, Infinity]) expect(() => multinomial(tensor([1, bad]), 1)).toThrow(/probability tensor contains either inf, NaN or element < 0/);
    expect(() => multinomial(tensor([1, -1]), 3, true)).toThrow(/encountering probability entry < 0\): -1 at \[1\]/);
    expect(() => multinomial(tensor([1, NaN]), 3, true)).toThrow(/encountering probability entry < 0/); // NaN fails torch's `val >= 0` first
    expect(() => multinomial(tensor([[1, 1], [1, Infinity]]), 3, true)).toThrow(/encountering probability entry = infinity or NaN\) at \[1, 1\]/);
    expect(() => multinomial(tensor([0, 0]), 1)).toThrow('multinomial: invalid multinomial distribution (sum of probabilities <= 0)');
    expect(() => multinomial(tensor([[1, 1], [0, 0]]), 2, true)).toThrow('multinomial: invalid multinomial distribution (sum of probabilities <= 0) in row 1');
    expect(() => multinomial(p, 1, 'yes' as never)).toThrow(/replacement.*must be a boolean/);
    expect(() => multinomial(p, 1, { replace: true } as never)).toThrow(/replace/);
  });
  it('multinomial: the result is int32 and not differentiable', () => {
    const w = tensor([0, 3, 0, 1], { requiresGrad: true });
    const s = multinomial(w, 4, { generator: new Generator(5) });
    expect(s.dtype).toBe('int32');
    expect(s.requiresGrad).toBe(false);
    expect(new Set(arr(s.narrow(0, 0, 2)))).toEqual(new Set([1, 3])); // zero-weight categories only after the others
  });
  it('bernoulli: probabilities outside [0, 1], integer inputs, shapes that do not broadcast', () => {
    for (const bad of [1.5, -0.5, NaN]) expect(() => bernoulli(tensor([0.5, bad]))).toThrow(/bernoulli_: expected every probability in \[0, 1\], got .* \(element 1 of p/);
    expect(() => bernoulli(zeros([2]), 1.5)).toThrow('bernoulli_: expected 0 <= p <= 1, got 1.5');
    expect(() => bernoulli(tensor([1, 0], { dtype: 'int32' }))).toThrow('bernoulli: expected a floating point tensor, got int32');
    expect(() => zeros([2, 3]).bernoulli_(zeros([2]))).toThrow('bernoulli_: the probabilities of shape [2] do not broadcast to the tensor\'s shape [2, 3]');
    expect(() => zeros([2]).bernoulli_(tensor([1, 0], { dtype: 'int32' }))).toThrow(/floating point probability tensor, got int32/);
    expect(arr(zeros([2, 3]).bernoulli_(tensor([[1], [0]])))).toEqual([1, 1, 1, 0, 0, 0]);
  });
  it('bernoulli: a probability tensor that requires grad gives a result in the graph with zero gradient (BernoulliBackward0)', () => {
    const q = tensor([0.3, 0.9], { dtype: 'float64', requiresGrad: true });
    const b = bernoulli(q);
    expect(b.gradFn!.name()).toBe('BernoulliBackward0');
    b.mul(3).sum().backward();
    expect(arr(q.grad!)).toEqual([0, 0]);
    expect(bernoulli(q, 0.5).requiresGrad).toBe(false);
  });
  it('the fills check their parameters as torch', () => {
    expect(() => zeros([2]).exponential_(-1)).toThrow('exponential_: expects lambda >= 0.0, but found lambda=-1');
    expect(arr(zeros([2]).exponential_(0))).toEqual([Infinity, Infinity]);
    for (const p of [0, 1, -0.1, 1.5]) expect(() => zeros([2]).geometric_(p)).toThrow(`geometric_: expects p to be in (0, 1), but got p=${p}`);
    expect(() => zeros([2]).logNormal_(0, 0)).toThrow('logNormal_: expects std > 0.0, but found std=0');
    expect(() => zeros([2]).cauchy_(NaN)).toThrow('cauchy_: median must be a number, got NaN');
    expect(() => zeros([2], { dtype: 'int32' }).exponential_()).toThrow('exponential_: expected a floating point tensor, got int32');
    expect(() => zeros([2], { dtype: 'bool' }).geometric_(0.5)).toThrow('geometric_: expected a floating point tensor or int32, got bool');
    expect(() => zeros([2], { requiresGrad: true }).cauchy_()).toThrow(/cauchy_: a leaf tensor that requires grad/);
  });
});

describe('Generator.seed, seed() and initialSeed()', () => {
  it('reseed from a fresh seed and return it; manualSeed of it replays the stream', () => {
    const g = new Generator(3);
    const s = g.seed();
    expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
    expect(g.initialSeed()).toBe(s);
    const a = arr(rand([4], { generator: g }));
    expect(arr(rand([4], { generator: g.manualSeed(s) }))).toEqual(a);
    expect(new Generator(1).seed()).not.toBe(new Generator(1).seed()); // two fresh 53-bit seeds (collision odds 2^-53)
  });
  it('seed() and initialSeed() act on the global generator, as torch.seed / torch.initial_seed', () => {
    const s = seed();
    expect(initialSeed()).toBe(s);
    expect(defaultGenerator.initialSeed()).toBe(s);
    const a = arr(rand([3]));
    manualSeed(s);
    expect(arr(rand([3]))).toEqual(a);
    manualSeed(0);
    expect(initialSeed()).toBe(0);
  });
});
