/**
 * The relaxed-SIMD build of the kernels (fused multiply-add in the GEMM micro-kernel). Node 20 only
 * validates relaxed SIMD with --experimental-wasm-relaxed-simd, so the checks run in a child process
 * started with that flag (fixtures/relaxed-simd-check.ts); this process shows the fallback.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { relaxedSimdActive, setRelaxedSimd } from '../../src/kernels/gemm';
import { GEMM_RELAXED_WASM_BASE64 } from '../../src/kernels/wasm-relaxed-bytes.generated';
import { decodeBase64 } from '../../src/kernels/base64';

const root = join(__dirname, '..', '..', '..', '..');

interface Threads { ready: boolean; threaded: boolean; bitwise: boolean }
interface Findings {
  active: boolean;
  err: { f32: number; f64: number };
  fused: number;
  relaxedThreads: Threads;
  offActive: boolean;
  unfused: number;
  plainThreads: Threads;
  activeUnderJs: boolean;
  cpuHasFma: boolean | null;
  threadsPossible: boolean;
}

const FLAG = '--experimental-wasm-relaxed-simd';
/** Whether this Node accepts the flag (a future Node that ships relaxed SIMD may drop it). */
const flagAccepted = spawnSync(process.execPath, [FLAG, '-e', '0']).status === 0;

describe('relaxed-SIMD kernels', () => {
  it('are used only where the engine validates them; elsewhere the plain SIMD build runs', () => {
    const supported = WebAssembly.validate(decodeBase64(GEMM_RELAXED_WASM_BASE64));
    expect(relaxedSimdActive()).toBe(supported);
    expect(() => setRelaxedSimd('yes' as unknown as boolean)).toThrow(/setRelaxedSimd: expected true or false/);
  });

  (flagAccepted ? it : it.skip)('under --experimental-wasm-relaxed-simd: FMA results within float32 rounding of the JS path, threads bitwise equal, switchable off', () => {
    const out = execFileSync(process.execPath, [FLAG, join(root, 'scripts', 'run-ts.cjs'), join(__dirname, 'fixtures', 'relaxed-simd-check.ts')], {
      cwd: root, encoding: 'utf8', timeout: 60000,
    });
    const f = JSON.parse(out.trim().split('\n').pop()!) as Findings;
    expect(f.active).toBe(true);
    // K up to 784 terms of magnitude < 1: float32 rounding differences stay far below 1e-5 relative.
    expect(f.err.f32).toBeLessThan(2e-5);
    expect(f.err.f64).toBeLessThan(1e-13);
    const exactFused = 2 ** -11 + 2 ** -24, separate = 2 ** -11;
    expect([exactFused, separate]).toContain(f.fused);
    if (f.cpuHasFma) expect(f.fused).toBe(exactFused); // V8 lowers relaxed_madd to vfmadd where the CPU has FMA3
    for (const t of [f.relaxedThreads, f.plainThreads]) {
      if (!f.threadsPossible) continue; // one core: no worker, nothing to compare
      expect(t.ready).toBe(true); // the worker came up — again after setRelaxedSimd(false) switched builds
      expect(t.threaded).toBe(true); // the product really ran on two threads...
      expect(t.bitwise).toBe(true); // ...and gave one thread's bits
    }
    expect(f.offActive).toBe(false);
    expect(f.unfused).toBe(separate);
    expect(f.activeUnderJs).toBe(false); // backend 'js': no WebAssembly kernel runs at all
  });
});
