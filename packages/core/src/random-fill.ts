/**
 * ATen's CPU random kernels (aten/src/ATen/native/cpu/DistributionTemplates.h, DistributionKernels.cpp,
 * TransformationHelper.h in PyTorch 1.13): how a tensor of numbers is drawn from the generator's raw
 * 32-bit outputs, element by element in memory order, so that a seeded tapegrad generator fills a tensor
 * with the numbers torch's does. Each function below names the kernel it follows.
 */
import type { Generator } from './random';

type Floats = Float32Array | Float64Array;
const f = Math.fround;

/**
 * uniform_(from, to): float32 draws 24 bits (one draw) and computes `x * (to - from) + from` in float, as
 * one fused multiply-add (torch's build contracts it: measured against its values); the 24-bit by 24-bit
 * product is exact in a double, so only the sum rounds (to double, then float). float64 draws 53 bits (two
 * draws) in double.
 */
export function fillUniform(g: Generator, out: Floats, from: number, to: number): void {
  if (out instanceof Float32Array) {
    const lo = f(from), span = f(f(to) - lo);
    for (let i = 0; i < out.length; i++) out[i] = g.randomFloat32() * span + lo;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = g.random() * (to - from) + from;
  }
}

/**
 * normal_(mean, std) (ATen's normal_kernel): 16 or more elements take normal_fill — all uniforms first,
 * then Box–Muller on pairs (j, j + 8) of each block of 16, the last block recomputed from fresh uniforms
 * when 16 does not divide the size; fewer elements take normal_distribution<double> one by one (with the
 * generator's cached second value). float32 blocks are computed in float as normal_fill_16 is; torch's
 * AVX2 build evaluates log, sin and cos with its own float approximations, so those values can differ
 * from torch's in the last bit, while the draws (and so every later number) stay the same.
 */
export function fillNormal(g: Generator, out: Floats, mean: number, std: number): void {
  const n = out.length;
  if (n < 16) {
    for (let i = 0; i < n; i++) out[i] = g.normal() * std + mean;
    return;
  }
  const isF32 = out instanceof Float32Array;
  const uniform = (): number => (isF32 ? g.randomFloat32() : g.random());
  for (let i = 0; i < n; i++) out[i] = uniform();
  for (let i = 0; i + 16 <= n; i += 16) normalFill16(out, i, mean, std, isF32);
  if (n % 16 !== 0) {
    const start = n - 16;
    for (let i = 0; i < 16; i++) out[start + i] = uniform();
    normalFill16(out, start, mean, std, isF32);
  }
}

function normalFill16(d: Floats, at: number, mean: number, std: number, isF32: boolean): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - d[at + j]; // [0, 1) -> (0, 1] for the log
    const u2 = d[at + j + 8];
    if (isF32) {
      const radius = f(Math.sqrt(f(-2 * f(Math.log(u1)))));
      const theta = f(2 * Math.PI * u2);
      const m = f(mean), s = f(std);
      d[at + j] = f(f(radius * f(Math.cos(theta))) * s) + m;
      d[at + j + 8] = f(f(radius * f(Math.sin(theta))) * s) + m;
    } else {
      const radius = Math.sqrt(-2 * Math.log(u1));
      const theta = 2 * Math.PI * u2;
      d[at + j] = radius * Math.cos(theta) * std + mean;
      d[at + j + 8] = radius * Math.sin(theta) * std + mean;
    }
  }
}

/** bernoulli_(p) with a number p (bernoulli_distribution<double>): 1 where a 53-bit uniform is below p. */
export function fillBernoulli(g: Generator, out: Floats | Uint8Array | Int32Array, p: number): void {
  for (let i = 0; i < out.length; i++) out[i] = g.random() < p ? 1 : 0;
}

/** randperm (randperm_cpu): the identity, then for i < n - 1 a swap of i with i + random() % (n - i). */
export function fillRandperm(g: Generator, out: Int32Array | Float32Array | Float64Array): void {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = g.nextUint32() % (n - i);
    const t = out[i];
    out[i] = out[z + i];
    out[z + i] = t;
  }
}
