import { randomF32 } from '../helpers/random-arrays';
import { setKernelBackend } from '../../src/kernels/backend';
import { lstmCellBackwardWasm, lstmCellWasm } from '../../src/kernels/rnn-cell';
import { lstmCell } from '../../src/ops/rnn-cell';
import { tensor } from '../../src/creation';

afterEach(() => setKernelBackend('auto'));

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * The cell in float64 from the stored float32 values: out [2, n] (h', c') and acts [5, n] (i, f, g, o,
 * tanh c'). tanh c' and h' are taken of `cGot` (the kernel's c') when given: c' = f·c + i·g may cancel, and
 * its rounding (checked on c' itself) would otherwise hide tanh's own accuracy.
 */
function reference(gx: Float32Array, gh: Float32Array, c: Float32Array, rows: number, H: number, cGot?: Float32Array): { out: Float64Array; acts: Float64Array } {
  const n = rows * H;
  const out = new Float64Array(2 * n), acts = new Float64Array(5 * n);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < H; j++) {
      // gx + gh rounded to float32 as the kernel (and PyTorch's float32 LSTM) adds them: at |a| ≈ 12 that
      // rounding alone moves σ(a) by ~10 ulps, which is the sum's conditioning, not the kernel's accuracy.
      const a = (k: number) => Math.fround(gx[r * 4 * H + k * H + j] + gh[r * 4 * H + k * H + j]);
      const s = r * H + j;
      const i = sig(a(0)), f = sig(a(1)), g = Math.tanh(a(2)), o = sig(a(3));
      const c2 = f * c[s] + i * g, tc = Math.tanh(cGot ? cGot[n + s] : c2);
      out[s] = o * tc; out[n + s] = c2;
      [i, f, g, o, tc].forEach((v, k) => { acts[k * n + s] = v; });
    }
  }
  return { out, acts };
}

/** |got − want| ≤ rel·|want| + abs, elementwise; NaN must meet NaN. */
function expectClose(got: Float32Array, want: Float64Array, rel: number, abs: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0, at = -1;
  for (let k = 0; k < want.length; k++) {
    if (Number.isNaN(want[k])) {
      expect(Number.isNaN(got[k])).toBe(true);
      continue;
    }
    const excess = Math.abs(got[k] - want[k]) - (rel * Math.abs(want[k]) + abs);
    if (excess > worst) { worst = excess; at = k; }
  }
  if (at >= 0) throw new Error(`element ${at}: got ${got[at]}, want ${want[at]}`);
}

describe('lstmCellWasm (float32 SIMD LSTM cell)', () => {
  // 5 rows of H = 13: three full 4-lane blocks and a one-element tail per row.
  const rows = 5, H = 13, n = rows * H;

  it('matches the float64 formulas to a few float32 ulps, tails included, across the activations\' ranges', () => {
    // Gate inputs from ±12 (saturated) down to ±1e-4 (tanh's polynomial branch, where relative error matters).
    for (const scale of [12, 3, 0.5, 1e-4]) {
      const gx = randomF32(4 * n, 1 + scale, scale), gh = randomF32(4 * n, 7, scale / 4), c = randomF32(n, 3, 2);
      const out = new Float32Array(2 * n), acts = new Float32Array(5 * n);
      expect(lstmCellWasm(gx, gh, c, out, acts, rows, H)).toBe(true);
      const ref = reference(gx, gh, c, rows, H, out);
      expectClose(acts, ref.acts, 5e-7, 1e-38); // i, f, g, o, tanh(c'): relative accuracy, each
      expectClose(out.subarray(0, n), ref.out.subarray(0, n), 5e-7, 1e-38); // h' = o·tanh(c')
      // c' = f·c + i·g may cancel: absolute slack of a few ulps of |f·c| + |i·g| ≤ 3
      expectClose(out.subarray(n), reference(gx, gh, c, rows, H).out.subarray(n), 5e-7, 4e-7);
    }
  });

  it('saturates at ±Infinity and large inputs, and propagates NaN', () => {
    const gx = new Float32Array(4 * n), gh = new Float32Array(4 * n), c = randomF32(n, 5, 1);
    const specials = [Infinity, -Infinity, 100, -100, 30, -30, NaN, 0, -0];
    for (let k = 0; k < gx.length; k++) gx[k] = specials[(k * 7) % specials.length];
    const out = new Float32Array(2 * n), acts = new Float32Array(5 * n);
    expect(lstmCellWasm(gx, gh, c, out, acts, rows, H)).toBe(true);
    const ref = reference(gx, gh, c, rows, H, out);
    expectClose(acts, ref.acts, 5e-7, 1e-38);
    expectClose(out, ref.out, 5e-7, 1e-6);
  });

  it('the backward matches the float64 formulas from the same activations', () => {
    const gx = randomF32(4 * n, 11, 3), gh = randomF32(4 * n, 12, 1), c = randomF32(n, 13, 2);
    const out = new Float32Array(2 * n), acts = new Float32Array(5 * n);
    expect(lstmCellWasm(gx, gh, c, out, acts, rows, H)).toBe(true);
    const grad = randomF32(2 * n, 14, 1);
    const dg = new Float32Array(4 * n), dc = new Float32Array(n);
    expect(lstmCellBackwardWasm(grad, acts, c, dg, dc, rows, H)).toBe(true);
    const wantG = new Float64Array(4 * n), wantC = new Float64Array(n);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < H; j++) {
        const s = r * H + j, g0 = r * 4 * H + j;
        const [i, f, g, o, tc] = [0, 1, 2, 3, 4].map((k) => acts[k * n + s]);
        const dct = grad[n + s] + grad[s] * o * (1 - tc * tc);
        wantG[g0] = dct * g * i * (1 - i);
        wantG[g0 + H] = dct * c[s] * f * (1 - f);
        wantG[g0 + 2 * H] = dct * i * (1 - g * g);
        wantG[g0 + 3 * H] = grad[s] * tc * o * (1 - o);
        wantC[s] = dct * f;
      }
    }
    expectClose(dg, wantG, 1e-6, 1e-7);
    expectClose(dc, wantC, 1e-6, 1e-7);
  });

  it('declines (writes nothing) on the js backend and below the SIMD size', () => {
    const out = new Float32Array(2 * n);
    setKernelBackend('js');
    expect(lstmCellWasm(new Float32Array(4 * n), new Float32Array(4 * n), new Float32Array(n), out, null, rows, H)).toBe(false);
    setKernelBackend('auto');
    expect(lstmCellWasm(new Float32Array(16), new Float32Array(16), new Float32Array(4), new Float32Array(8), null, 1, 4)).toBe(false);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('lstmCell in float32 gives the same values and gradients on the wasm and js backends', () => {
    const run = (backend: 'wasm' | 'js') => {
      setKernelBackend(backend);
      const gx = tensor(Array.from(randomF32(4 * n, 21, 3)), { dtype: 'float32', requiresGrad: true }).reshape([rows, 4 * H]);
      const gh = tensor(Array.from(randomF32(4 * n, 22, 1)), { dtype: 'float32', requiresGrad: true }).reshape([rows, 4 * H]);
      const c = tensor(Array.from(randomF32(n, 23, 2)), { dtype: 'float32', requiresGrad: true }).reshape([rows, H]);
      gx.retainGrad(); gh.retainGrad(); c.retainGrad();
      const hc = lstmCell(gx, gh, c);
      hc.mul(tensor(Array.from(randomF32(2 * n, 24, 1)), { dtype: 'float32' }).reshape([2, rows, H])).sum().backward();
      return [hc, gx.grad, gh.grad, c.grad].map((t) => Float64Array.from((t as NonNullable<typeof t>).dataSync()));
    };
    const [w, j] = [run('wasm'), run('js')];
    for (let k = 0; k < w.length; k++) expectClose(Float32Array.from(w[k]), j[k], 2e-6, 2e-6);
  });
});
