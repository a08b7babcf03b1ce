/**
 * float32 optimizer steps against PyTorch 1.13's own float32 results (fixtures/torch-float32-steps.json,
 * written by fixtures/torch-float32-steps.py). PyTorch's CPU kernels fuse `add_(t, alpha)` into an FMA:
 * the relaxed-SIMD build does too and must match bit for bit where the CPU has FMA; the plain SIMD build
 * and the TypeScript loops round differently and must stay within float32 rounding.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { setKernelBackend } from '@tapegrad/core';
import { replay, type Distance } from './fixtures/torch-float32-run';

const fixtures = join(__dirname, 'fixtures');
const root = join(__dirname, '..', '..', '..');
const FLAG = '--experimental-wasm-relaxed-simd';
const flagAccepted = spawnSync(process.execPath, [FLAG, '-e', '0']).status === 0;

afterEach(() => setKernelBackend('auto'));

describe('float32 SGD / momentum / Adam / AdamW against PyTorch float32', () => {
  it.each(['auto', 'js'] as const)('backend %s: within float32 rounding of PyTorch after 3 steps', (backend) => {
    setKernelBackend(backend);
    const d = replay(fixtures);
    expect(Object.keys(d).sort()).toEqual(['adam', 'adamL2', 'adamw', 'sgd', 'sgdMomentum']);
    for (const [name, { maxRel }] of Object.entries(d)) expect([name, maxRel < 1e-6]).toEqual([name, true]);
  });

  (flagAccepted ? it : it.skip)('relaxed-SIMD build (child node with the flag): bit for bit where the CPU fuses multiply-adds', () => {
    const out = execFileSync(process.execPath, [FLAG, join(root, 'scripts', 'run-ts.cjs'), join(fixtures, 'torch-float32-check.ts'), fixtures], {
      cwd: root, encoding: 'utf8', timeout: 60000,
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { relaxed: boolean; cpuHasFma: boolean | null; distances: Record<string, Distance> };
    expect(r.relaxed).toBe(true);
    for (const [name, { differ, maxRel }] of Object.entries(r.distances)) {
      expect([name, maxRel < 1e-6]).toEqual([name, true]);
      if (r.cpuHasFma) expect([name, differ]).toEqual([name, 0]);
    }
  });
});
