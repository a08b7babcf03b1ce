/**
 * The machine's WebAssembly 128-bit SIMD multiply-add peak, measured (issue 15): a short throughput loop
 * of 12 independent f32x4 chains, 6 of `acc += k` and 6 of `acc *= d` (plain mul and add in equal
 * numbers, as the GEMM kernel's plain build issues them; one flop per lane per instruction, so a GEMM's
 * mul+add pair counts 2 as usual), in registers only. Each chain waits only on itself, 6 per pipe
 * cover a 3-cycle latency on two pipes, and 12 chains plus 2 constants fit in the xmm registers V8
 * allocates from. (A chain `acc = acc + acc * c` would measure the mul→add latency instead: 20 against
 * 47 GFLOP/s here.) The module is assembled here byte by byte, so no toolchain is needed.
 */
import { now } from './timing';

const CHAINS = 12;
const FLOPS_PER_ITER = CHAINS * 4;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
const f32 = (v: number): number[] => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)];
const simd = (op: number): number[] => [0xfd, ...leb(op)];
const SPLAT = 0x13, EXTRACT = 0x1f, ADD = 0xe4, MUL = 0xe6;
const get = (i: number): number[] => [0x20, i], set = (i: number): number[] => [0x21, i];

/** The module's bytes: one export `peak(iterations: i32) -> f32`. */
export function peakModuleBytes(): Uint8Array<ArrayBuffer> {
  // Locals after the i32 parameter: CHAINS accumulators (half added to, half multiplied), then the two constants.
  const k = CHAINS + 1, d = CHAINS + 2, half = CHAINS / 2;
  const body: number[] = [1, CHAINS + 2, 0x7b];
  for (let i = 1; i <= CHAINS; i++) body.push(...f32(1 + i / 64), ...simd(SPLAT), ...set(i));
  body.push(...f32(2 ** -20), ...simd(SPLAT), ...set(k), ...f32(1 - 2 ** -23), ...simd(SPLAT), ...set(d));
  body.push(0x03, 0x40); // loop
  for (let i = 1; i <= half; i++) {
    body.push(...get(i), ...get(k), ...simd(ADD), ...set(i));
    body.push(...get(i + half), ...get(d), ...simd(MUL), ...set(i + half));
  }
  body.push(...get(0), 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b); // n -= 1; br_if loop; end
  body.push(...get(1), ...simd(EXTRACT), 0);
  for (let i = 2; i <= CHAINS; i++) body.push(...get(i), ...simd(EXTRACT), 0, 0x92);
  body.push(0x0b);
  const section = (id: number, bytes: number[]): number[] => [id, ...leb(bytes.length), ...bytes];
  const name = [...'peak'].map((ch) => ch.charCodeAt(0));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7d]), // type: (i32) -> f32
    ...section(3, [1, 0]),
    ...section(7, [1, name.length, ...name, 0, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

/**
 * GFLOP/s of the loop on the bench's clock: the best of `reps` runs of about `ms` milliseconds each
 * (the best, not the median: a peak is what the core can do, and other processes only slow it down).
 */
export function measureSimdPeak(reps = 5, ms = 60): number {
  const mod = new WebAssembly.Module(peakModuleBytes());
  const peak = (new WebAssembly.Instance(mod).exports as { peak: (n: number) => number }).peak;
  // Many short calls first: V8 runs a new function on its baseline compiler and swaps in the optimized
  // code only between calls.
  for (let i = 0; i < 2000; i++) peak(1000);
  let iters = 1e5;
  for (;;) {
    const t0 = now();
    peak(iters);
    if (now() - t0 >= ms || iters > 1e9) break;
    iters *= 2;
  }
  let best = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = now();
    const v = peak(iters);
    const dt = (now() - t0) / 1e3;
    if (!Number.isFinite(v)) throw new Error('simd peak: the loop overflowed');
    best = Math.max(best, (iters * FLOPS_PER_ITER) / dt / 1e9);
  }
  return best;
}
