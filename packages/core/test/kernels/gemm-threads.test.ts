import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gemm, setKernelBackend, setKernelThreads, kernelThreads, kernelThreadsReady, THREAD_MIN_MACS } from '../../src/kernels/gemm';
import { threadedGemmCalls, wantsThreads } from '../../src/kernels/gemm-threads';

/** Deterministic pseudo-random float32 data in [-1, 1) (xorshift), with a few exact zeros. */
function data(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed | 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    out[i] = i % 97 === 0 ? 0 : ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** C from gemm with the given thread count; C starts from `c0` (so beta != 0 is exercised). */
function run(
  threads: 1 | 2, tA: boolean, tB: boolean, M: number, N: number, K: number, alpha: number, beta: number,
  pad = 0, seed = 1,
): { C: Float32Array; threaded: boolean } {
  const lda = (tA ? M : K) + pad, ldb = (tB ? K : N) + pad, ldc = N + pad;
  const A = data((tA ? K : M) * lda, seed), B = data((tB ? N : K) * ldb, seed + 1);
  const C = data(M * ldc, seed + 2);
  setKernelThreads(threads);
  const before = threadedGemmCalls();
  gemm(tA, tB, M, N, K, alpha, A, 0, lda, B, 0, ldb, beta, C, 0, ldc);
  return { C, threaded: threadedGemmCalls() > before };
}

/** Index of the first element whose float32 bit pattern differs, or -1 (toEqual on big arrays is slow). */
function firstBitDiff(x: Float32Array, y: Float32Array): number {
  const a = new Int32Array(x.buffer, x.byteOffset, x.length), b = new Int32Array(y.buffer, y.byteOffset, y.length);
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

beforeAll(async () => {
  setKernelBackend('auto');
  setKernelThreads(2);
  expect(await kernelThreadsReady()).toBe(true); // Node 20 on a >= 2-core machine
});
afterAll(() => setKernelThreads(2));

describe('two-thread float32 gemm', () => {
  it('defaults to two threads in Node', () => {
    expect(kernelThreads()).toBe(2);
  });

  // Shapes above the threshold, including odd sizes (edge tiles, chunk bounds not at the
  // middle), splits by rows (M > N) and by columns, every transpose form, padded leading dims.
  const shapes: Array<[number, number, number]> = [
    [64, 128, 784], [128, 784, 64], [97, 131, 67], [250, 33, 101], [17, 300, 160], [301, 19, 150], [8, 1000, 100],
    [1000, 16, 50],
  ];
  const forms: Array<[boolean, boolean]> = [[false, false], [true, false], [false, true], [true, true]];
  it.each(shapes)('M=%i N=%i K=%i: bitwise equal to one thread, all transpose forms', (M, N, K) => {
    expect(M * N * K).toBeGreaterThanOrEqual(THREAD_MIN_MACS);
    for (const [tA, tB] of forms) {
      for (const [alpha, beta, pad] of [[1, 0, 0], [0.7, -1.3, 3]]) {
        const one = run(1, tA, tB, M, N, K, alpha, beta, pad, M + N);
        const two = run(2, tA, tB, M, N, K, alpha, beta, pad, M + N);
        expect(one.threaded).toBe(false);
        expect({ tA, tB, alpha, threaded: two.threaded }).toEqual({ tA, tB, alpha, threaded: true });
        // Bit patterns, not values: the same code path must produce the same float32s.
        expect(firstBitDiff(two.C, one.C)).toBe(-1);
      }
    }
  });

  it('bitwise equal after the shared memory grows (a much larger product after small ones)', () => {
    const small = run(2, false, false, 64, 128, 128, 1, 0);
    expect(small.threaded).toBe(true);
    const big = run(2, true, true, 700, 900, 300, 1, 0); // ~4.5 MB of operands
    expect(big.threaded).toBe(true);
    expect(firstBitDiff(big.C, run(1, true, true, 700, 900, 300, 1, 0).C)).toBe(-1);
  });

  it('only products of at least THREAD_MIN_MACS multiply-adds (and >= 8 rows, >= 16 columns) go threaded', () => {
    setKernelThreads(2);
    expect(wantsThreads(96, 128, 64)).toBe(true); // 786432
    expect(wantsThreads(96, 128, 63)).toBe(false);
    expect(wantsThreads(7, 4096, 4096)).toBe(false);
    expect(wantsThreads(4096, 15, 4096)).toBe(false);
    expect(run(2, false, false, 96, 128, 64, 1, 0).threaded).toBe(true);
    expect(run(2, false, false, 96, 128, 63, 1, 0).threaded).toBe(false);
  });

  it('setKernelThreads(1) keeps every product on the calling thread', () => {
    setKernelThreads(1);
    expect(kernelThreads()).toBe(1);
    expect(wantsThreads(512, 512, 512)).toBe(false);
    expect(run(1, false, false, 256, 256, 256, 1, 0).threaded).toBe(false);
    setKernelThreads(2);
    expect(kernelThreads()).toBe(2);
  });

  it('float64 and forced-js products stay on one thread', () => {
    setKernelThreads(2);
    const before = threadedGemmCalls();
    const A = new Float64Array(128 * 128).fill(0.5), C = new Float64Array(128 * 128);
    gemm(false, false, 128, 128, 128, 1, A, 0, 128, A, 0, 128, 0, C, 0, 128);
    expect(C[0]).toBe(32);
    setKernelBackend('js');
    try {
      run(2, false, false, 128, 128, 128, 1, 0);
    } finally {
      setKernelBackend('auto');
    }
    expect(threadedGemmCalls()).toBe(before);
  });

  it('rejects thread counts other than 1 and 2', () => {
    expect(() => setKernelThreads(3 as 1)).toThrow('setKernelThreads: expected 1 or 2, got 3');
  });

  it('a process that used two threads exits promptly (the worker does not keep it alive)', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const kernels = join(__dirname, '..', '..', 'src', 'kernels');
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-gemm-threads-'));
    const file = join(dir, 'exit.ts');
    writeFileSync(file, `
      import { gemm, kernelThreadsReady } from ${JSON.stringify(join(kernels, 'gemm'))};
      import { threadedGemmCalls } from ${JSON.stringify(join(kernels, 'gemm-threads'))};
      void kernelThreadsReady().then((ok) => {
        const A = new Float32Array(256 * 256).fill(1), C = new Float32Array(256 * 256);
        gemm(false, false, 256, 256, 256, 1, A, 0, 256, A, 0, 256, 0, C, 0, 256);
        console.log(ok, threadedGemmCalls(), C[0]);
        (globalThis as { tExit?: number }).tExit = Date.now();
        process.on('exit', () => process.stdout.write(' ' + String(Date.now() - ((globalThis as { tExit?: number }).tExit ?? 0))));
      });
    `);
    let out: string;
    try {
      out = execFileSync(process.execPath, [join(root, 'scripts', 'run-ts.cjs'), file], { encoding: 'utf8', timeout: 20000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const [ok, calls, c0, exitMs] = out.trim().split(/\s+/);
    expect([ok, calls, c0]).toEqual(['true', '1', '256']);
    // From the last line of user code to process exit: nothing (the worker) holds the loop open. A worker
    // that did would keep the process up until the 20 s timeout above, so the bound only has to tell
    // "exits" from "hangs"; 1 s left little margin for a busy CI machine's scheduling.
    expect(Number(exitMs)).toBeLessThan(5000);
  });
});
