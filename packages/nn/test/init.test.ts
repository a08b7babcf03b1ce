/** nn.init: PyTorch's formulas (gains and fans checked against PyTorch 1.13), bounds and statistics. */
import { zeros, Generator, manualSeed, tensor, Tensor, noGrad } from '@tapegrad/core';
import { init, Linear } from '@tapegrad/nn';

const stats = (t: Tensor): { mean: number; std: number; maxAbs: number } => {
  const v = Array.from(t.dataSync());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, maxAbs: v.reduce((m, x) => Math.max(m, Math.abs(x)), 0) };
};

describe('calculateGain and fans', () => {
  it('match PyTorch (torch.nn.init.calculate_gain)', () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBe(1.6666666666666667);
    expect(init.calculateGain('relu')).toBe(1.4142135623730951);
    expect(init.calculateGain('leaky_relu')).toBe(1.4141428569978354);
    expect(init.calculateGain('leaky_relu', 0.2)).toBe(1.3867504905630728);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(0.5773502691896257, 15);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('foo' as never)).toThrow("calculateGain: unsupported nonlinearity 'foo'");
  });
  it('_calculateFanInAndFanOut: [out, in, k...] -> (in·k, out·k); fewer than 2 dims is an error', () => {
    expect(init._calculateFanInAndFanOut(zeros([3, 4, 5, 6]))).toEqual([120, 90]); // PyTorch: (120, 90)
    expect(init._calculateFanInAndFanOut(zeros([128, 784]))).toEqual([784, 128]);
    expect(() => init._calculateFanInAndFanOut(zeros([5]))).toThrow(/fewer than 2 dimensions \(got shape \[5\]\)/);
  });
});

describe('fills', () => {
  it('constant_, ones_, zeros_, eye_ work in place on parameters (under noGrad internally)', () => {
    const lin = new Linear(3, 3);
    expect(init.constant_(lin.weight, 0.25)).toBe(lin.weight);
    expect(Array.from(lin.weight.dataSync())).toEqual(new Array(9).fill(0.25));
    init.ones_(lin.bias!);
    expect(Array.from(lin.bias!.dataSync())).toEqual([1, 1, 1]);
    init.zeros_(lin.bias!);
    expect(Array.from(lin.bias!.dataSync())).toEqual([0, 0, 0]);
    init.eye_(lin.weight);
    expect(lin.weight.toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(lin.weight.requiresGrad).toBe(true);
  });
  it('uniform_ stays in [a, b) and normal_ has the asked mean and std; both seeded', () => {
    const t = zeros([100, 100]);
    init.uniform_(t, -2, 3, { generator: new Generator(1) });
    const s = stats(t);
    expect(Array.from(t.dataSync()).every((v) => v >= -2 && v < 3)).toBe(true);
    expect(s.mean).toBeCloseTo(0.5, 1);
    expect(s.std).toBeCloseTo(5 / Math.sqrt(12), 1);
    const u = zeros([100, 100]);
    init.uniform_(u, -2, 3, { generator: new Generator(1) });
    expect(u.dataSync()).toEqual(t.dataSync());
    init.normal_(t, 1, 0.5, { generator: new Generator(2) });
    const n = stats(t);
    expect(Math.abs(n.mean - 1)).toBeLessThan(0.02);
    expect(Math.abs(n.std - 0.5)).toBeLessThan(0.02);
    expect(() => init.uniform_(t, 1, 0)).toThrow(/expects a <= b/);
    expect(() => init.normal_(t, 0, -1)).toThrow(/std must be >= 0/);
  });
  it('truncNormal_ stays inside [a, b]', () => {
    const t = zeros([2000]);
    init.truncNormal_(t, 0, 1, -0.5, 0.5, { generator: new Generator(4) });
    const v = Array.from(t.dataSync());
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(0.5);
  });
});

describe('Xavier / Kaiming (PyTorch formulas)', () => {
  const W = (): Tensor => zeros([300, 500], { dtype: 'float64' });
  it('xavierUniform_: bound = gain·√(6/(fanIn + fanOut))', () => {
    const t = init.xavierUniform_(W(), 2, { generator: new Generator(5) });
    const bound = 2 * Math.sqrt(6 / 800);
    const s = stats(t);
    expect(s.maxAbs).toBeLessThanOrEqual(bound);
    expect(s.maxAbs).toBeGreaterThan(0.999 * bound);
    expect(s.std / (bound / Math.sqrt(3))).toBeCloseTo(1, 2);
  });
  it('xavierNormal_: std = gain·√(2/(fanIn + fanOut))', () => {
    const s = stats(init.xavierNormal_(W(), 1, { generator: new Generator(6) }));
    expect(s.std / Math.sqrt(2 / 800)).toBeCloseTo(1, 2);
  });
  it("kaimingUniform_: bound = gain·√(3/fan); default a = 0, mode 'fanIn', 'leaky_relu'", () => {
    const s = stats(init.kaimingUniform_(W(), { generator: new Generator(7) }));
    const bound = init.calculateGain('leaky_relu', 0) * Math.sqrt(3 / 500);
    expect(s.maxAbs).toBeLessThanOrEqual(bound);
    expect(s.maxAbs).toBeGreaterThan(0.999 * bound);
    const f = stats(init.kaimingUniform_(W(), { mode: 'fanOut', nonlinearity: 'relu', generator: new Generator(8) }));
    expect(f.maxAbs).toBeLessThanOrEqual(Math.SQRT2 * Math.sqrt(3 / 300));
    expect(f.maxAbs).toBeGreaterThan(0.999 * Math.SQRT2 * Math.sqrt(3 / 300));
  });
  it("kaimingNormal_: std = √2/√fan for relu (He init), 'fan_out' accepted as in PyTorch", () => {
    const s = stats(init.kaimingNormal_(W(), { nonlinearity: 'relu', generator: new Generator(9) }));
    expect(s.std / Math.sqrt(2 / 500)).toBeCloseTo(1, 2);
    const o = stats(init.kaimingNormal_(W(), { mode: 'fan_out', nonlinearity: 'relu', generator: new Generator(10) }));
    expect(o.std / Math.sqrt(2 / 300)).toBeCloseTo(1, 2);
    expect(() => init.kaimingNormal_(W(), { mode: 'fanAvg' as never })).toThrow(/mode 'fanAvg' not supported/);
  });
  it('uses the global generator by default (manualSeed reproduces)', () => {
    manualSeed(99);
    const a = init.kaimingUniform_(zeros([4, 4])).dataSync();
    manualSeed(99);
    const b = init.kaimingUniform_(zeros([4, 4])).dataSync();
    expect(a).toEqual(b);
  });
  it('works on a leaf that requires grad without recording', () => {
    const p = tensor([[0.5, 0.5]], { requiresGrad: true });
    init.xavierUniform_(p);
    expect(p.isLeaf).toBe(true);
    expect(noGrad(() => p.requiresGrad)).toBe(true);
  });
});

describe("PyTorch's keyword arguments as an options object", () => {
  // torch: init.uniform_(w, a=-0.1, b=0.1), init.normal_(w, mean=5, std=0.01), init.constant_(w, val=3),
  // init.xavier_uniform_(w, gain=2), init.trunc_normal_(w, std=0.02): the same calls with { ... } here.
  it('uniform_, normal_, truncNormal_, constant_ give the same values as the positional form', () => {
    const pos = init.uniform_(zeros([50]), -0.1, 0.1, { generator: new Generator(1) });
    const kw = init.uniform_(zeros([50]), { a: -0.1, b: 0.1, generator: new Generator(1) });
    expect(Array.from(kw.dataSync())).toEqual(Array.from(pos.dataSync()));
    expect(stats(kw).maxAbs).toBeLessThanOrEqual(0.1);
    const n1 = init.normal_(zeros([50]), 5, 0.01, { generator: new Generator(2) });
    const n2 = init.normal_(zeros([50]), { mean: 5, std: 0.01, generator: new Generator(2) });
    expect(Array.from(n2.dataSync())).toEqual(Array.from(n1.dataSync()));
    expect(init.normal_(zeros([4]), { std: 0 }).toArray()).toEqual([0, 0, 0, 0]); // mean defaults to 0
    const t = init.truncNormal_(zeros([200]), { std: 0.02, a: -0.03, b: 0.03 });
    expect(stats(t).maxAbs).toBeLessThanOrEqual(0.03);
    expect(init.constant_(zeros([2]), { val: 3 }).toArray()).toEqual([3, 3]);
  });
  it('xavierUniform_ / xavierNormal_ take { gain }', () => {
    // [4, 6]: bound = 2·√(6/10) = 1.5491933384829668
    const u = init.xavierUniform_(zeros([4, 6]), { gain: 2, generator: new Generator(3) });
    expect(Array.from(u.dataSync())).toEqual(Array.from(init.xavierUniform_(zeros([4, 6]), 2, { generator: new Generator(3) }).dataSync()));
    expect(stats(u).maxAbs).toBeLessThanOrEqual(1.5491933384829668);
    const n = init.xavierNormal_(zeros([4, 6]), { gain: 2, generator: new Generator(4) });
    expect(Array.from(n.dataSync())).toEqual(Array.from(init.xavierNormal_(zeros([4, 6]), 2, { generator: new Generator(4) }).dataSync()));
  });
  it('unknown (snake_case) keys are errors, not silently ignored', () => {
    expect(() => init.normal_(zeros([2]), { mean: 0, sd: 1 } as never)).toThrow(/init.normal_: unknown option 'sd'.*expected one of mean, std, generator/);
    expect(() => init.xavierUniform_(zeros([2, 2]), { gain: 1, generator: undefined, nonlinearity: 'relu' } as never)).toThrow(/init.xavierUniform_: unknown option 'nonlinearity'/);
  });
});
