/**
 * `node scripts/run-ts.cjs bench/spin-park.ts [--rounds 5] [--steps 300]`
 *
 * How long the GEMM worker should poll for the next job before it sleeps (issue 15): the MLP training
 * step on two threads with each poll time, rounds interleaved so that the machine's load falls on
 * every setting alike. Reports per step the wall time and the CPU time of the whole process (both
 * threads: what the CLI's energy estimate counts), medians over rounds.
 */
import { cpuUsage } from 'node:process';
import { setKernelThreads } from '@tapegrad/core';
import { _setWorkerSpinUs, threadedGemmCalls } from '../packages/core/src/kernels/gemm-threads';
import { makeConfig } from './config';
import { makeStep } from './tapegrad';
import { median } from './timing';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const rounds = opt('--rounds', 5), steps = opt('--steps', 300);
// -1: one thread (no worker), for reference.
const SPINS = [-1, 0, 30, 100, 300];
setKernelThreads(2);
const cfg = makeConfig(false, 'wall');
const out: Record<string, unknown>[] = [];
for (const batch of [64, 256]) {
  const step = makeStep(cfg, batch);
  for (let i = 0; i < 100; i++) step();
  setKernelThreads(2);
  const calls0 = threadedGemmCalls();
  const wall: Record<number, number[]> = {}, cpu: Record<number, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const us of SPINS) {
      setKernelThreads(us < 0 ? 1 : 2);
      if (us >= 0) _setWorkerSpinUs(us);
      for (let i = 0; i < 20; i++) step();
      const c0 = cpuUsage(), t0 = performance.now();
      for (let i = 0; i < steps; i++) step();
      const c = cpuUsage(c0);
      (wall[us] ??= []).push((performance.now() - t0) / steps);
      (cpu[us] ??= []).push((c.user + c.system) / 1e3 / steps);
    }
  }
  for (const us of SPINS) {
    out.push({ batch, spinUs: us, wallMs: +median(wall[us]).toFixed(3), cpuMs: +median(cpu[us]).toFixed(3) });
  }
  out.push({ batch, threadedGemmCalls: threadedGemmCalls() - calls0 });
}
_setWorkerSpinUs(30);
for (const o of out) process.stdout.write(JSON.stringify(o) + '\n');
