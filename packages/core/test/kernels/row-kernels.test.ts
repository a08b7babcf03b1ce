import { randomF32 } from '../helpers/random-arrays';
import { setKernelBackend } from '../../src/kernels/backend';
import { layerNormF32, layerNormBackwardF32, moveHeads, scaledSoftmaxF32, softmaxBackwardF32 } from '../../src/kernels/row-kernels';
import { layerNorm } from '../../src/ops/layer-norm';
import { Tensor } from '../../src/tensor';

/** |a − b| ≤ tol·(1 + |b|) elementwise, b the float64 reference. */
function expectNear(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  expect(worst).toBeLessThanOrEqual(tol);
}

/** float64 layer norm and its gradients from the float32 values (the textbook formulas). */
function lnReference(x: Float32Array, w: Float32Array | null, b: Float32Array | null, g: Float32Array, rows: number, C: number, eps: number) {
  const y = new Float64Array(rows * C), dx = new Float64Array(rows * C), dw = new Float64Array(C), db = new Float64Array(C);
  for (let r = 0; r < rows; r++) {
    const row = Array.from(x.subarray(r * C, (r + 1) * C));
    const m = row.reduce((p, v) => p + v, 0) / C;
    const v = row.reduce((p, u) => p + (u - m) ** 2, 0) / C;
    const rs = 1 / Math.sqrt(v + eps);
    const xh = row.map((u) => (u - m) * rs);
    const gw = xh.map((_, j) => g[r * C + j] * (w ? w[j] : 1));
    const s1 = gw.reduce((p, u) => p + u, 0) / C, s2 = gw.reduce((p, u, j) => p + u * xh[j], 0) / C;
    for (let j = 0; j < C; j++) {
      y[r * C + j] = xh[j] * (w ? w[j] : 1) + (b ? b[j] : 0);
      dx[r * C + j] = rs * (gw[j] - s1 - xh[j] * s2);
      dw[j] += g[r * C + j] * xh[j];
      db[j] += g[r * C + j];
    }
  }
  return { y, dx, dw, db };
}

afterEach(() => setKernelBackend('auto'));

describe('layerNormF32 / layerNormBackwardF32 (wasm/rows.as)', () => {
  // C = 7 and 64: odd tails and the even SIMD body; rows with an offset mean and a large spread.
  for (const [rows, C, affine] of [[5, 7, true], [33, 64, true], [4, 64, false], [3, 1, true]] as const) {
    it(`rows=${rows} C=${C} ${affine ? 'with' : 'without'} weight and bias: the float64 formulas within float32 rounding`, () => {
      const x = randomF32(rows * C, 1, 3).map((v, i) => v + (i % 3) * 10);
      const w = affine ? randomF32(C, 2) : null, b = affine ? randomF32(C, 3) : null;
      const g = randomF32(rows * C, 4);
      const out = new Float32Array(rows * C), mean = new Float64Array(rows), rstd = new Float64Array(rows);
      expect(layerNormF32(x, w, b, out, mean, rstd, rows, C, 1e-5)).toBe(true);
      const ref = lnReference(x, w, b, g, rows, C, 1e-5);
      expectNear(out, ref.y, 1e-6);
      const dx = new Float32Array(rows * C), dw = new Float32Array(C), db = new Float32Array(C);
      expect(layerNormBackwardF32(g, x, w, mean, rstd, dx, affine ? dw : null, affine ? db : null, rows, C)).toBe(true);
      expectNear(dx, ref.dx, 2e-5);
      if (affine) {
        expectNear(dw, ref.dw, 1e-6);
        expectNear(db, ref.db, 1e-6);
      }
    });
  }

  it('declines (returns false, writes nothing) for float64 data and the js backend', () => {
    const out = new Float32Array(8);
    expect(layerNormF32(new Float64Array(8), null, null, out, new Float64Array(2), new Float64Array(2), 2, 4, 1e-5)).toBe(false);
    setKernelBackend('js');
    expect(layerNormF32(new Float32Array(8).fill(1), null, null, out, new Float64Array(2), new Float64Array(2), 2, 4, 1e-5)).toBe(false);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('the layerNorm op gives the same values and gradients on the wasm and js backends (float32)', () => {
    const run = () => {
      const x = Tensor._fromData(randomF32(6 * 20, 7, 2), [2, 3, 20], 'float32').requiresGrad_(true);
      const w = Tensor._fromData(randomF32(20, 8), [20], 'float32').requiresGrad_(true);
      const b = Tensor._fromData(randomF32(20, 9), [20], 'float32').requiresGrad_(true);
      const y = layerNorm(x, [20], w, b, 1e-5);
      y.mul(Tensor._fromData(randomF32(6 * 20, 10), [2, 3, 20], 'float32')).sum().backward();
      return [y, x.grad!, w.grad!, b.grad!].map((t) => Array.from(t.dataSync()));
    };
    const wasm = run();
    setKernelBackend('js');
    const js = run();
    wasm.forEach((a, i) => expectNear(a, js[i], 2e-6));
  });
});

describe('scaledSoftmaxF32 / softmaxBackwardF32 (wasm/rows.as)', () => {
  it('softmax(x·scale + bias rows) and c·w·(g − Σ g·w) match the float64 formulas, -inf bias included', () => {
    const rows = 6, S = 13, scale = 0.3;
    const x = randomF32(rows * S, 11, 4);
    const bias = randomF32(2 * S, 12);
    bias[3] = -Infinity;
    const rowOff = new Int32Array(rows).map((_, r) => (r % 2) * S);
    const out = new Float32Array(rows * S);
    expect(scaledSoftmaxF32(x, bias, rowOff, out, rows, S, scale)).toBe(true);
    const ref = new Float64Array(rows * S);
    for (let r = 0; r < rows; r++) {
      const z = Array.from({ length: S }, (_, j) => x[r * S + j] * scale + bias[rowOff[r] + j]);
      const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), s = e.reduce((p, v) => p + v, 0);
      e.forEach((v, j) => (ref[r * S + j] = v / s));
    }
    expectNear(out, ref, 1e-6);
    expect(out[3]).toBe(0);
    const g = randomF32(rows * S, 13), d = new Float32Array(rows * S);
    expect(softmaxBackwardF32(out, g, d, rows, S, 2)).toBe(true);
    for (let r = 0; r < rows; r++) {
      let dot = 0;
      for (let j = 0; j < S; j++) dot += g[r * S + j] * out[r * S + j];
      for (let j = 0; j < S; j++) ref[r * S + j] = 2 * out[r * S + j] * (g[r * S + j] - dot);
    }
    expectNear(d, ref, 1e-6);
  });

  it('without a bias it is softmax(x·scale); a bias without row offsets is refused', () => {
    const x = randomF32(2 * 5, 21), out = new Float32Array(10);
    expect(scaledSoftmaxF32(x, null, null, out, 2, 5, 1)).toBe(true);
    for (let r = 0; r < 2; r++) {
      const e = Array.from(x.subarray(r * 5, r * 5 + 5)).map((v) => Math.exp(v));
      const s = e.reduce((p, v) => p + v, 0);
      expectNear(out.subarray(r * 5, r * 5 + 5), e.map((v) => v / s), 1e-6);
    }
    expect(scaledSoftmaxF32(x, new Float32Array(5), null, out, 2, 5, 1)).toBe(false);
  });
});

describe('moveHeads (wasm/rows.as)', () => {
  for (const [Ctor, D] of [[Float32Array, 16], [Float32Array, 3], [Float64Array, 5]] as const) {
    it(`${Ctor.name} D=${D}: the head split and the merge are the permutation [N, L, H, D] ↔ [N, H, L, D]`, () => {
      const N = 2, L = 3, H = 4, n = N * L * H * D;
      const x = new Ctor(n).map((_, i) => i + 0.5);
      const split = new Ctor(n), back = new Ctor(n);
      expect(moveHeads(x, split, N, L, H, D, true)).toBe(true);
      for (let a = 0; a < N; a++) for (let l = 0; l < L; l++) for (let h = 0; h < H; h++) for (let d = 0; d < D; d++) {
        expect(split[((a * H + h) * L + l) * D + d]).toBe(x[((a * L + l) * H + h) * D + d]);
      }
      expect(moveHeads(split, back, N, L, H, D, false)).toBe(true);
      expect(Array.from(back)).toEqual(Array.from(x));
    });
  }
  it('declines mixed or integer arrays', () => {
    expect(moveHeads(new Float32Array(8), new Float64Array(8), 1, 2, 2, 2, true)).toBe(false);
    expect(moveHeads(new Int32Array(8), new Int32Array(8), 1, 2, 2, 2, true)).toBe(false);
  });
});
