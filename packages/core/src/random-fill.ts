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

// sampling (conform8): the other DistributionTemplates.h kernels, each one draw of a double distribution
// per element in memory order, computed in double and rounded once to the tensor's dtype (float32 values
// are therefore torch's whenever the double is, libm's last ulp included).
type Fillable = Floats | Int32Array;

/** exponential_(lambda) (exponential_distribution<double>): `-1 / lambda * log(1 - u)`, u a 53-bit uniform. */
export function fillExponential(g: Generator, out: Floats, lambda: number): void {
  const c = -1 / lambda;
  for (let i = 0; i < out.length; i++) out[i] = c * Math.log(1 - g.random());
}

/** geometric_(p) (geometric_distribution<double>): `ceil(log(u) / log(1 - p))`, u a 53-bit uniform. */
export function fillGeometric(g: Generator, out: Fillable, p: number): void {
  const d = Math.log(1 - p);
  for (let i = 0; i < out.length; i++) out[i] = Math.ceil(Math.log(g.random()) / d);
}

/**
 * log_normal_(mean, std) (lognormal_distribution<double>): `exp(normal * std + mean)`, the normal drawn one by
 * one by normal_distribution<double> (Box–Muller, the sine half cached in the generator as for randn's
 * scalar path), never normal_fill's blocks of 16.
 */
export function fillLogNormal(g: Generator, out: Floats, mean: number, std: number): void {
  for (let i = 0; i < out.length; i++) out[i] = Math.exp(g.normal() * std + mean);
}

/** cauchy_(median, sigma) (cauchy_distribution<double>): `median + sigma * tan(pi * (u - 0.5))`, u a 53-bit uniform. */
export function fillCauchy(g: Generator, out: Floats, median: number, sigma: number): void {
  for (let i = 0; i < out.length; i++) out[i] = median + sigma * Math.tan(Math.PI * (g.random() - 0.5));
}

/**
 * bernoulli_(p) with a probability per element (bernoulli_kernel's tensor form): one uniform per element,
 * a 53-bit one when p is float64 (bernoulli_distribution<double>), a 24-bit one otherwise
 * (bernoulli_distribution<float>); 1 where it is below p. `p` is in the output's element order.
 */
export function fillBernoulliTensor(g: Generator, out: Floats, p: ArrayLike<number>, pIsFloat64: boolean): void {
  for (let i = 0; i < out.length; i++) out[i] = (pIsFloat64 ? g.random() : g.randomFloat32()) < p[i] ? 1 : 0;
}

/**
 * multinomial with replacement (MultinomialKernel.cpp's multinomial_with_replacement_apply): per row, the
 * cumulative sums of the weights in the input's dtype (`f` rounds to it), each divided by the total, the
 * last set to 1; then per sample a 53-bit uniform u and a binary search for the first bucket whose
 * cumulative probability is not below u. `probs` is row-major [rows, categories]; the rows were checked
 * (finite, non-negative, positive sum) by the caller.
 */
export function multinomialWithReplacement(g: Generator, probs: ArrayLike<number>, rows: number, categories: number, samples: number, round: (v: number) => number, out: Int32Array): void {
  const cum = new Float64Array(categories);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < categories; j++) {
      sum = round(sum + probs[r * categories + j]);
      cum[j] = sum;
    }
    for (let j = 0; j < categories; j++) cum[j] = round(cum[j] / sum);
    cum[categories - 1] = 1;
    for (let s = 0; s < samples; s++) {
      const u = g.random();
      let left = 0, right = categories;
      while (right - left > 0) {
        const mid = left + ((right - left) >> 1);
        if (cum[mid] < u) left = mid + 1;
        else right = mid;
      }
      out[r * samples + s] = left;
    }
  }
}
