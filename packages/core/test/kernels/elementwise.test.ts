import { randomF32 } from '../helpers/random-arrays';
import fc from 'fast-check';
import { setKernelBackend } from '../../src/kernels/backend';
import { addF32, logSoftmaxRowsF32, mulF32, reluBackwardF32, reluF32, softmaxRowsF32, sumRowsF32 } from '../../src/kernels/elementwise';

const BACKENDS = ['wasm', 'js'] as const;

/** float64 softmax / log-softmax of the stored float32 values. */
function reference(x: Float32Array, rows: number, cols: number, log: boolean): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[r * cols + j]);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[r * cols + j] - m);
    for (let j = 0; j < cols; j++) {
      const v = x[r * cols + j] - m;
      out[r * cols + j] = log ? v - Math.log(s) : Math.exp(v) / s;
    }
  }
  return out;
}

afterEach(() => setKernelBackend('auto'));

describe.each(BACKENDS)('elementwise float32 kernels (%s)', (be) => {
  beforeEach(() => setKernelBackend(be));

  it('add, mul and relu on hand-checked values, every tail length', () => {
    for (let n = 0; n <= 9; n++) {
      const a = Float32Array.from({ length: n }, (_, i) => i - 3.5); // -3.5, -2.5, ...
      const b = Float32Array.from({ length: n }, (_, i) => 2 * i + 0.25);
      const out = new Float32Array(n);
      addF32(a, b, out);
      expect(Array.from(out)).toEqual(Array.from(a, (v, i) => v + b[i]));
      mulF32(a, b, out);
      expect(Array.from(out)).toEqual(Array.from(a, (v, i) => Math.fround(v * b[i])));
      reluF32(a, out);
      expect(Array.from(out)).toEqual(Array.from(a, (v) => (v < 0 ? 0 : v)));
    }
  });

  it('relu keeps NaN and -0 (as torch.relu) and maps -Infinity to 0; out may alias the input', () => {
    const a = new Float32Array([NaN, -0, -Infinity, Infinity, 1.5, -2, NaN, 3, -1, 0]);
    reluF32(a, a);
    expect(Array.from(a)).toEqual([NaN, -0, 0, Infinity, 1.5, 0, NaN, 3, 0, 0]);
  });

  it("relu's backward zeroes g where y <= 0 and passes it where y > 0 or y is NaN (PyTorch's threshold_backward)", () => {
    for (let n = 0; n <= 11; n++) {
      const y = Float32Array.from({ length: n }, (_, i) => [2, 0, -0, -1, NaN, Infinity, -Infinity, 1e-30][i % 8]);
      const g = Float32Array.from({ length: n }, (_, i) => i + 0.5);
      const out = new Float32Array(n);
      reluBackwardF32(g, y, out);
      expect(Array.from(out)).toEqual(Array.from(g, (v, i) => (y[i] > 0 || Number.isNaN(y[i]) ? v : 0)));
      reluBackwardF32(g, y, g); // out may alias g
      expect(Array.from(g)).toEqual(Array.from(out));
    }
  });

  it('column sums: hand-checked, and bitwise the float64-accumulated sum for every width (odd tails included)', () => {
    const out2 = new Float32Array(2);
    sumRowsF32(new Float32Array([1, 2, 3, 4, 5, 6]), out2, 3, 2);
    expect(Array.from(out2)).toEqual([9, 12]);
    for (const [rows, cols] of [[1, 1], [3, 5], [64, 128], [17, 10], [2, 33]]) {
      const x = randomF32(rows * cols, rows * 31 + cols, 100);
      const out = new Float32Array(cols);
      sumRowsF32(x, out, rows, cols);
      const want = new Float64Array(cols);
      for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) want[j] += x[r * cols + j];
      expect(Array.from(out)).toEqual(Array.from(Float32Array.from(want)));
    }
    expect(() => sumRowsF32(new Float32Array(6), new Float32Array(3), 3, 2)).toThrow(/sumRowsF32: rows=3 x cols=2/);
  });

  it('large arrays match the JS definition exactly', () => {
    const n = 100003;
    const a = randomF32(n, 1, 10), b = randomF32(n, 2, 10), out = new Float32Array(n);
    addF32(a, b, out);
    for (let i = 0; i < n; i += 997) expect(out[i]).toBe(Math.fround(a[i] + b[i]));
    mulF32(a, b, out);
    for (let i = 0; i < n; i += 997) expect(out[i]).toBe(Math.fround(a[i] * b[i]));
  });

  it('softmax of [0, ln 3] is [1/4, 3/4]; log-softmax of [0, 0] is [-ln 2, -ln 2]', () => {
    const out = new Float32Array(2);
    softmaxRowsF32(new Float32Array([0, Math.log(3)]), out, 1, 2);
    expect(out[0]).toBeCloseTo(0.25, 6);
    expect(out[1]).toBeCloseTo(0.75, 6);
    logSoftmaxRowsF32(new Float32Array([0, 0]), out, 1, 2);
    expect(out[0]).toBeCloseTo(-Math.LN2, 6);
    expect(out[1]).toBeCloseTo(-Math.LN2, 6);
  });

  it('softmax / log-softmax match float64 for odd widths and large logits', () => {
    for (const [rows, cols, scale] of [[1, 1, 1], [3, 3, 5], [2, 4, 1], [5, 5, 20], [7, 10, 3], [4, 17, 50], [3, 130, 8], [2, 1001, 2]]) {
      const x = randomF32(rows * cols, rows * 31 + cols, scale);
      x[0] += 1000; // a large logit: max subtraction must keep this exact
      for (const log of [false, true]) {
        const out = new Float32Array(x.length);
        (log ? logSoftmaxRowsF32 : softmaxRowsF32)(x, out, rows, cols);
        const want = reference(x, rows, cols, log);
        for (let i = 0; i < x.length; i++) {
          // float32 x - max is rounded (half an ulp of |x - max| ~ |ln p|), which exp turns
          // into that much relative error on p: the same as PyTorch's float32 softmax.
          const tol = log ? 2e-6 * (1 + Math.abs(want[i])) : want[i] === 0 ? 1e-37 : want[i] * (3e-6 + 2 ** -23 * Math.abs(Math.log(want[i]))) + 1e-37;
          if (!(Math.abs(out[i] - want[i]) <= tol)) {
            throw new Error(`${be} log=${log} ${rows}x${cols} [${i}]: got ${out[i]}, want ${want[i]}`);
          }
        }
      }
    }
  });

  it('softmax rows sum to 1 (fast-check over shapes and scales)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0.01, max: 80, noNaN: true }),
        fc.integer({ min: 1, max: 1e6 }), (rows, cols, scale, seed) => {
          const x = randomF32(rows * cols, seed, scale);
          const out = new Float32Array(x.length);
          softmaxRowsF32(x, out, rows, cols);
          for (let r = 0; r < rows; r++) {
            let s = 0;
            for (let j = 0; j < cols; j++) s += out[r * cols + j];
            expect(Math.abs(s - 1)).toBeLessThan(1e-5);
          }
        }),
      { numRuns: 100 },
    );
  });

  it('-Infinity logits get probability 0 (masking); NaN rows stay NaN; all -Infinity rows are NaN', () => {
    const x = new Float32Array([
      0, -Infinity, 0, -Infinity, 0, // row 0: three equal logits
      1, NaN, 2, 3, 4, //                row 1: NaN
      -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, // row 2
    ]);
    const out = new Float32Array(15);
    softmaxRowsF32(x, out, 3, 5);
    expect(Array.from(out.subarray(0, 5)).map((v) => +v.toFixed(6))).toEqual([0.333333, 0, 0.333333, 0, 0.333333]);
    expect(Array.from(out.subarray(5)).every(Number.isNaN)).toBe(true);
    logSoftmaxRowsF32(x, out, 3, 5);
    expect(out[0]).toBeCloseTo(-Math.log(3), 6);
    expect(out[1]).toBe(-Infinity);
  });

  it('out may alias x', () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6]);
    const want = reference(x, 2, 3, false);
    softmaxRowsF32(x, x, 2, 3);
    for (let i = 0; i < 6; i++) expect(x[i]).toBeCloseTo(want[i], 6);
  });
});

describe('elementwise argument errors', () => {
  it('names the function and the mismatch', () => {
    expect(() => addF32(new Float32Array(2), new Float32Array(3), new Float32Array(2))).toThrow(
      'addF32: a has 2, b has 3, out has 2 elements; all must match',
    );
    expect(() => reluF32(new Float64Array(2) as unknown as Float32Array, new Float32Array(2))).toThrow(
      'reluF32: a must be a Float32Array, got Float64Array',
    );
    expect(() => softmaxRowsF32(new Float32Array(6), new Float32Array(6), 4, 2)).toThrow(
      'softmaxRowsF32: rows=4 x cols=2 does not describe the 6 elements of x',
    );
  });
});
