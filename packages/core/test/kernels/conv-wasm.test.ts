/**
 * The whole-batch wasm conv drivers and the wasm max-pool kernels (kernels/conv-wasm.ts, wasm/conv.as)
 * against the JS paths they replace, bit for bit: a conv against im2col.ts's im2col/col2im plus one
 * gemm() call per image and group (the ops/conv.ts loop, on the same wasm GEMM), max pooling and its
 * gradient against the 'js' backend.
 */
import { setKernelBackend } from '../../src/kernels/backend';
import { gemm } from '../../src/kernels/gemm';
import { ConvGeom, col2im, im2col } from '../../src/kernels/im2col';
import { _setConvChunkBytes, convForwardWasm, convTransposeWasm, convWeightGradWasm, maxPoolWasm, scatterAddWasm } from '../../src/kernels/conv-wasm';
import { Generator, conv2d, maxPool2d, maxPool1d, noGrad, randn, setBufferPool, tensor, type Tensor } from '../../src';
import { _setPoolPoison, clearPool, poolGive } from '../../src/pool';

type Arr = Float32Array | Float64Array;

function random(f64: boolean, n: number, seed: number): Arr {
  const x = f64 ? new Float64Array(n) : new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

const bits = (a: Arr): number[] => Array.from(a.constructor === Float64Array ? new Uint32Array(a.buffer, a.byteOffset, a.length * 2) : new Uint32Array(a.buffer, a.byteOffset, a.length));

interface Case { C: number; O: number; groups: number; H: number; W: number; k: [number, number]; s: [number, number]; p: [number, number]; d: [number, number] }

const CASES: Case[] = [
  { C: 1, O: 8, groups: 1, H: 28, W: 28, k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // LeNet conv1
  { C: 8, O: 16, groups: 1, H: 14, W: 14, k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1] }, // LeNet conv2
  { C: 4, O: 6, groups: 2, H: 9, W: 11, k: [3, 2], s: [2, 3], p: [1, 0], d: [1, 2] },
  { C: 3, O: 5, groups: 1, H: 7, W: 6, k: [1, 1], s: [1, 1], p: [0, 0], d: [1, 1] }, // the direct 1×1 path
  { C: 6, O: 6, groups: 3, H: 10, W: 9, k: [5, 3], s: [1, 2], p: [2, 1], d: [2, 1] },
  { C: 2, O: 4, groups: 1, H: 1, W: 13, k: [1, 4], s: [1, 1], p: [0, 3], d: [1, 1] }, // conv1d-like
  { C: 2, O: 3, groups: 1, H: 8, W: 7, k: [3, 3], s: [1, 1], p: [2, 2], d: [2, 2] }, // shifted im2col, dilated
  { C: 1, O: 2, groups: 1, H: 3, W: 5, k: [5, 3], s: [1, 1], p: [3, 1], d: [1, 1] }, // shifted, kernel rows past the image
];

function geomOf(c: Case, C: number): ConvGeom {
  const oh = Math.floor((c.H + 2 * c.p[0] - c.d[0] * (c.k[0] - 1) - 1) / c.s[0]) + 1;
  const ow = Math.floor((c.W + 2 * c.p[1] - c.d[1] * (c.k[1] - 1) - 1) / c.s[1]) + 1;
  return { C, H: c.H, W: c.W, kh: c.k[0], kw: c.k[1], sh: c.s[0], sw: c.s[1], ph: c.p[0], pw: c.p[1], dh: c.d[0], dw: c.d[1], oh, ow };
}

afterEach(() => setKernelBackend('auto'));

describe.each([[false, 0], [true, 0], [false, 1], [true, 1500]])('whole-batch wasm conv drivers (float64: %s, chunk budget %i bytes; 0: the default)', (f64, chunk) => {
  let saved = 0;
  beforeEach(() => {
    setKernelBackend('wasm');
    saved = _setConvChunkBytes(chunk || 32 << 20); // 1: one image per chunk; 1500: a few
  });
  afterEach(() => _setConvChunkBytes(saved));
  const alloc = (n: number): Arr => (f64 ? new Float64Array(n) : new Float32Array(n));

  it.each(CASES.map((c, i) => [i, c] as const))('case %i: forward, weight gradient and transposed conv match the per-image loop', (_i, c) => {
    const N = 3, Cg = c.C / c.groups, Og = c.O / c.groups;
    const g = geomOf(c, Cg);
    const K = Cg * g.kh * g.kw, L = g.oh * g.ow, HW = c.H * c.W;
    const direct = c.k[0] === 1 && c.k[1] === 1 && c.s[0] === 1 && c.s[1] === 1 && c.p[0] === 0 && c.p[1] === 0;
    const x = random(f64, N * c.C * HW, 1), w = random(f64, c.O * K, 2), up = random(f64, N * c.O * L, 3);
    const cols = alloc(K * L);
    // forward, with a bias: out's old contents are ignored
    const bias = random(f64, c.O, 4);
    const rows = (B: Arr | null, HWo: number, C_: number): Arr => {
      const r = alloc(N * C_ * HWo);
      if (B) for (let n = 0; n < N; n++) for (let o = 0; o < C_; o++) r.fill(B[o], (n * C_ + o) * HWo, (n * C_ + o + 1) * HWo);
      return r;
    };
    const ref = rows(bias, L, c.O);
    for (let n = 0; n < N; n++) {
      for (let gi = 0; gi < c.groups; gi++) {
        im2col(x, (n * c.C + gi * Cg) * HW, g, cols, 0);
        gemm(false, false, Og, L, K, 1, w, gi * Og * K, K, cols, 0, L, 1, ref, (n * c.O + gi * Og) * L, L);
      }
    }
    const got = random(f64, N * c.O * L, 8);
    expect(convForwardWasm(x, w, bias, got, N, c.C, c.O, c.groups, g, direct)).toBe(true);
    expect(bits(got)).toEqual(bits(ref));
    // without a bias: out's old contents are ignored
    const got0 = random(f64, N * c.O * L, 9), ref0 = alloc(N * c.O * L);
    for (let n = 0; n < N; n++) {
      for (let gi = 0; gi < c.groups; gi++) {
        im2col(x, (n * c.C + gi * Cg) * HW, g, cols, 0);
        gemm(false, false, Og, L, K, 1, w, gi * Og * K, K, cols, 0, L, 0, ref0, (n * c.O + gi * Og) * L, L);
      }
    }
    expect(convForwardWasm(x, w, null, got0, N, c.C, c.O, c.groups, g, direct)).toBe(true);
    expect(bits(got0)).toEqual(bits(ref0));
    // weight gradient
    const wref = alloc(c.O * K), wgot = random(f64, c.O * K, 5);
    for (let n = 0; n < N; n++) {
      for (let gi = 0; gi < c.groups; gi++) {
        im2col(x, (n * c.C + gi * Cg) * HW, g, cols, 0);
        gemm(false, true, Og, K, L, 1, up, (n * c.O + gi * Og) * L, L, cols, 0, L, n > 0 ? 1 : 0, wref, gi * Og * K, K);
      }
    }
    expect(convWeightGradWasm(x, up, wgot, N, c.C, c.O, c.groups, g)).toBe(true);
    expect(bits(wgot)).toEqual(bits(wref));
    // transposed conv (conv's input gradient): up [N, O, L] with w viewed as [Cin=O, C/groups·k] -> [N, C, H, W]
    const tg: ConvGeom = { ...g, C: Cg };
    const Cin = c.O, Cgi = Cin / c.groups;
    const tw = random(f64, Cin * K, 7);
    for (const tb of [null, random(f64, c.C, 6)]) {
      const tref = rows(tb, HW, c.C), tgot = random(f64, N * c.C * HW, 10);
      for (let n = 0; n < N; n++) {
        for (let gi = 0; gi < c.groups; gi++) {
          gemm(true, false, K, L, Cgi, 1, tw, gi * Cgi * K, K, up, (n * Cin + gi * Cgi) * L, L, 0, cols, 0, L);
          col2im(cols, 0, tg, tref, (n * c.C + gi * Cg) * HW);
        }
      }
      expect(convTransposeWasm(up, tw, tb, tgot, N, Cin, c.C, c.groups, tg)).toBe(true);
      expect(bits(tgot)).toEqual(bits(tref));
    }
  });

  it('declines on the js backend, leaving out untouched', () => {
    setKernelBackend('js');
    const c = CASES[0], g = geomOf(c, 1);
    const out = alloc(8 * 28 * 28);
    expect(convForwardWasm(random(f64, 784, 1), random(f64, 72, 2), null, out, 1, 1, 8, 1, g, false)).toBe(false);
    expect(out.every((v) => v === 0)).toBe(true);
  });
});

/** maxPool2d's values, indices and input gradient (upstream 1, 2, 3, ...) on one backend. */
function poolRun(x: Tensor, be: 'wasm' | 'js', pool: (t: Tensor) => [Tensor, Tensor]): [number[], number[], number[]] {
  setKernelBackend(be);
  const xi = x.detach().requiresGrad_();
  const [y, idx] = pool(xi);
  const up = tensor(Array.from({ length: y.numel() }, (_, i) => (i % 7) - 3.25), { dtype: x.dtype }).reshape(y.shape);
  y.mul(up).sum().backward();
  return [Array.from(y.dataSync()), Array.from(idx.dataSync()), Array.from(xi.grad!.dataSync())];
}

describe('wasm max pooling', () => {
  const g = new Generator(3);
  it.each([
    ['2×2 stride 2', [2, 3, 8, 10], (t: Tensor) => maxPool2d(t, 2, { returnIndices: true })],
    ['2×2 stride 2, odd sizes (a last row and column in no window)', [1, 2, 9, 11], (t: Tensor) => maxPool2d(t, 2, { returnIndices: true })],
    ['2×2 stride 2 unbatched, one window per row', [2, 5, 3], (t: Tensor) => maxPool2d(t, 2, { returnIndices: true })],
    ['3×3 stride 1 (overlapping windows share maxima)', [1, 2, 9, 11], (t: Tensor) => maxPool2d(t, 3, { stride: 1, returnIndices: true })],
    ['[2, 3] stride [1, 2] dilation 2, odd widths', [2, 1, 11, 15], (t: Tensor) => maxPool2d(t, [2, 3], { stride: [1, 2], dilation: 2, returnIndices: true })],
    ['stride 3', [1, 2, 10, 13], (t: Tensor) => maxPool2d(t, 2, { stride: 3, returnIndices: true })],
    ['1-D', [2, 3, 17], (t: Tensor) => maxPool1d(t, 2, { returnIndices: true })],
  ] as const)('%s: values, indices and gradient equal the JS kernel (float32 and float64, in one or several chunks)', (_n, shape, pool) => {
    for (const dtype of ['float32', 'float64'] as const) {
      const d = Array.from(randn([...shape], { generator: g, dtype }).dataSync());
      // Ties, NaN and windows of -Infinity (index -1, no gradient) in the first plane.
      d[0] = d[1] = 0.5; d[shape[shape.length - 1]] = 0.5;
      d[3] = NaN;
      d[6] = d[7] = -Infinity;
      if (shape.length === 4) d[shape[3] + 6] = d[shape[3] + 7] = -Infinity;
      const x = tensor(d, { dtype }).reshape([...shape]);
      const b = poolRun(x, 'js', pool);
      for (const chunk of [32 << 20, 1, 300]) { // the default budget; one plane per chunk; a few
        const saved = _setConvChunkBytes(chunk);
        const a = poolRun(x, 'wasm', pool);
        _setConvChunkBytes(saved);
        expect(a[0].map(String)).toEqual(b[0].map(String));
        expect(a[1]).toEqual(b[1]);
        expect(a[2]).toEqual(b[2]);
      }
    }
  });

  it('maxPoolWasm and scatterAddWasm agree with hand-worked values', () => {
    setKernelBackend('wasm');
    const src = Float32Array.from([1, 5, 2, 2, 3, 0, 7, 7, -1, -1, NaN, 4]); // one 3×4 plane
    const out = new Float32Array(2), idx = new Int32Array(2);
    // 2×2 windows, stride 2, over the first two rows: [1 5 / 3 0] -> 5 at 1; [2 2 / 7 7] -> 7 at 6 (first of the tie)
    expect(maxPoolWasm(src, out, idx, 1, 3, 4, 1, 2, { k: 2, s: 2, d: 1, off: 0 }, { k: 2, s: 2, d: 1, off: 0 })).toBe(true);
    expect(Array.from(out)).toEqual([5, 7]);
    expect(Array.from(idx)).toEqual([1, 6]);
    const grad = new Float32Array(12);
    expect(scatterAddWasm(Float32Array.from([0.5, 2, 0.25]), Int32Array.from([1, 1, -1]), grad, 1, 3, 12)).toBe(true);
    expect(Array.from(grad)).toEqual([0, 2.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('conv and pooling outputs from recycled buffers (allocateUninit)', () => {
  afterAll(() => {
    _setPoolPoison(false);
    setBufferPool(true);
  });

  /** Losses of a LeNet-like net trained 4 steps by hand-written SGD, with `poison`ed pool buffers on `be`. */
  function train(be: 'wasm' | 'js', poison: boolean): number[] {
    setKernelBackend(be);
    setBufferPool(true);
    clearPool();
    _setPoolPoison(poison);
    const g = new Generator(11);
    const p = [randn([4, 1, 3, 3], { generator: g }), randn([4], { generator: g }), randn([6, 4, 3, 3], { generator: g }), randn([6], { generator: g })]
      .map((t) => t.mul(0.3).detach().requiresGrad_());
    const x = randn([5, 1, 12, 12], { generator: g });
    const losses: number[] = [];
    for (let s = 0; s < 4; s++) {
      // Every output length of the step (images, pooled images, weights) waits in the pool, NaN when poisoned.
      if (poison) for (const n of [2880, 720, 1080, 270, 216]) for (let i = 0; i < 6; i++) poolGive(new Float32Array(n));
      const h = maxPool2d(conv2d(maxPool2d(conv2d(x, p[0], p[1], { padding: 1 }).relu(), 2), p[2], p[3], { padding: 1 }).relu(), 2);
      const loss = h.pow(2).mean();
      for (const t of p) t.grad = null;
      loss.backward();
      losses.push(loss.item());
      noGrad(() => { for (const t of p) t.sub_(t.grad!.mul(0.1)); });
    }
    _setPoolPoison(false);
    return losses;
  }

  it.each(['wasm', 'js'] as const)('give the same losses with poisoned (NaN) pool buffers as without (%s)', (be) => {
    const clean = train(be, false), poisoned = train(be, true);
    expect(clean.every(Number.isFinite)).toBe(true);
    expect(poisoned).toEqual(clean);
    expect(clean[3]).toBeLessThan(clean[0]);
  });
});
