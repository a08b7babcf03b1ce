/**
 * The element-wise update loops, one per optimizer: PyTorch 1.13's `_single_tensor_*` functions
 * written per element, in the same order of operations (PyTorch's `add_(t, alpha=a)` is x + a·t,
 * `addcmul_(t1, t2, value=v)` is x + v·t1·t2 and `addcdiv_(t1, t2, value=v)` is x + (v·t1)/t2).
 *
 * They are top-level functions taking every value as an argument (no closures) so V8 keeps them tight.
 * Arithmetic is float64; each stored value is rounded to the array's type (float32 parameters round
 * once per stored value, where PyTorch's float32 kernels also round the intermediates).
 *
 * Remaining float64 differences from PyTorch are last-bit: on CPUs with FMA, PyTorch's vectorized
 * `add_(t, alpha)` is a fused multiply-add (one rounding), which plain JavaScript cannot express.
 */
import { adamUpdateF32, sgdMomentumUpdateF32, sgdUpdateF32 } from '@tapegrad/core/internal';
import type { FloatArray, TypedArray } from '@tapegrad/core';

/** SGD: `b` is the momentum buffer (null without momentum); `first` marks the step that creates it. */
export function sgdKernel(
  x: FloatArray, g: TypedArray, b: FloatArray | null, first: boolean,
  lr: number, momentum: number, dampening: number, wd: number, nesterov: boolean, sign: number,
): void {
  const n = x.length, nlr = -lr, keep = 1 - dampening;
  if (b === null) {
    if (wd === 0 && sign === 1) {
      // float32: on WebAssembly SIMD when available (float32 arithmetic per op, so within float32 rounding of this loop).
      if (sgdUpdateF32(x, g, lr)) return;
      for (let i = 0; i < n; i++) x[i] = x[i] + nlr * g[i]; // plain SGD, same arithmetic without branches
      return;
    }
    for (let i = 0; i < n; i++) {
      let d = sign * g[i];
      if (wd !== 0) d = d + wd * x[i];
      x[i] = x[i] + nlr * d;
    }
    return;
  }
  if (wd === 0 && !nesterov && dampening === 0 && sign === 1) {
    // The common case (plain momentum). For float32, on WebAssembly SIMD when available (within float32
    // rounding of the loops here), the first step included: the new buffer is zeros, so b·μ + g is g, the
    // clone PyTorch stores (but for the sign of a −0 gradient).
    if (sgdMomentumUpdateF32(x, g, b, lr, momentum)) return;
    if (!first) {
      // The same arithmetic as the general loop without per-element branches: ~1.6x faster.
      for (let i = 0; i < n; i++) {
        b[i] = b[i] * momentum + g[i];
        x[i] = x[i] + nlr * b[i];
      }
      return;
    }
  }
  for (let i = 0; i < n; i++) {
    let d = sign * g[i];
    if (wd !== 0) d = d + wd * x[i];
    const bi = first ? d : b[i] * momentum + keep * d;
    b[i] = bi;
    const bs = b[i]; // the stored (possibly float32-rounded) buffer, as PyTorch reads it back
    d = nesterov ? d + momentum * bs : bs;
    x[i] = x[i] + nlr * d;
  }
}

/**
 * Adam / AdamW. `decay` is AdamW's factor 1 − lr·λ (1 for Adam), `wd` Adam's L2 coefficient (0 for
 * AdamW); `vmax` is the AMSGrad running max or null.
 */
export function adamKernel(
  x: FloatArray, g: TypedArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null,
  beta1: number, beta2: number, stepSize: number, biasCorrection2Sqrt: number, eps: number,
  wd: number, decay: number, sign: number,
): void {
  const n = x.length, c1 = 1 - beta1, c2 = 1 - beta2, nstep = -stepSize;
  if (vmax === null && adamUpdateF32(x, g, m, v, { beta1, beta2, stepSize, biasCorrection2Sqrt, eps, wd, decay, sign })) return;
  for (let i = 0; i < n; i++) {
    let gi = sign * g[i];
    if (decay !== 1) x[i] = x[i] * decay; // AdamW: param.mul_(1 - lr * weight_decay) comes first
    if (wd !== 0) gi = gi + wd * x[i];
    const mi = m[i] * beta1 + c1 * gi;
    m[i] = mi;
    v[i] = v[i] * beta2 + c2 * gi * gi;
    let s: number;
    if (vmax !== null) {
      vmax[i] = Math.max(vmax[i], v[i]); // torch.maximum: NaN propagates
      s = vmax[i];
    } else {
      s = v[i];
    }
    const denom = Math.sqrt(s) / biasCorrection2Sqrt + eps;
    x[i] = x[i] + (nstep * m[i]) / denom;
  }
}

/** RMSprop: `ga` is the centered average of g (or null), `buf` the momentum buffer (or null). */
export function rmspropKernel(
  x: FloatArray, g: TypedArray, sq: FloatArray, ga: FloatArray | null, buf: FloatArray | null,
  lr: number, alpha: number, eps: number, wd: number, momentum: number, sign: number,
): void {
  const n = x.length, c = 1 - alpha, nlr = -lr;
  for (let i = 0; i < n; i++) {
    let gi = sign * g[i];
    if (wd !== 0) gi = gi + wd * x[i];
    sq[i] = sq[i] * alpha + c * gi * gi;
    let avg: number;
    if (ga !== null) {
      ga[i] = ga[i] * alpha + c * gi;
      const gai = ga[i];
      avg = Math.sqrt(sq[i] + -1 * gai * gai); // square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
    } else {
      avg = Math.sqrt(sq[i]);
    }
    avg = avg + eps;
    if (buf !== null) {
      buf[i] = buf[i] * momentum + gi / avg; // buf.mul_(momentum).addcdiv_(grad, avg)
      x[i] = x[i] + nlr * buf[i];
    } else {
      x[i] = x[i] + (nlr * gi) / avg;
    }
  }
}

/** Adagrad with the step's decayed learning rate `clr`. */
export function adagradKernel(x: FloatArray, g: TypedArray, sum: FloatArray, clr: number, wd: number, eps: number, sign: number): void {
  const n = x.length, nclr = -clr;
  for (let i = 0; i < n; i++) {
    let gi = sign * g[i];
    if (wd !== 0) gi = gi + wd * x[i];
    sum[i] = sum[i] + 1 * gi * gi;
    const std = Math.sqrt(sum[i]) + eps;
    x[i] = x[i] + (nclr * gi) / std;
  }
}

/** Adadelta: `sq` is the running average of g², `acc` that of the squared updates. */
export function adadeltaKernel(x: FloatArray, g: TypedArray, sq: FloatArray, acc: FloatArray, lr: number, rho: number, eps: number, wd: number, sign: number): void {
  const n = x.length, c = 1 - rho, nlr = -lr;
  for (let i = 0; i < n; i++) {
    let gi = sign * g[i];
    if (wd !== 0) gi = gi + wd * x[i];
    sq[i] = sq[i] * rho + c * gi * gi;
    const std = Math.sqrt(sq[i] + eps);
    const delta = (Math.sqrt(acc[i] + eps) / std) * gi;
    acc[i] = acc[i] * rho + c * delta * delta;
    x[i] = x[i] + nlr * delta;
  }
}

/** Adamax: `u` is the exponentially weighted infinity norm; `clr` is lr / (1 − β1^t). */
export function adamaxKernel(x: FloatArray, g: TypedArray, m: FloatArray, u: FloatArray, beta1: number, beta2: number, eps: number, clr: number, wd: number, sign: number): void {
  const n = x.length, c1 = 1 - beta1, nclr = -clr;
  for (let i = 0; i < n; i++) {
    let gi = sign * g[i];
    if (wd !== 0) gi = gi + wd * x[i];
    m[i] = m[i] * beta1 + c1 * gi;
    u[i] = Math.max(u[i] * beta2, Math.abs(gi) + eps); // torch.amax: NaN propagates, as Math.max does
    x[i] = x[i] + (nclr * m[i]) / u[i];
  }
}

/** NAdam: `a` and `b` are the (negative) coefficients of g/denom and m/denom. */
export function nadamKernel(x: FloatArray, g: TypedArray, m: FloatArray, v: FloatArray, beta1: number, beta2: number, eps: number, bc2: number, a: number, b: number, wd: number): void {
  const n = x.length, c1 = 1 - beta1, c2 = 1 - beta2;
  for (let i = 0; i < n; i++) {
    let gi = g[i];
    if (wd !== 0) gi = gi + wd * x[i];
    m[i] = m[i] * beta1 + c1 * gi;
    v[i] = v[i] * beta2 + c2 * gi * gi;
    const denom = Math.sqrt(v[i] / bc2) + eps;
    x[i] = x[i] + (a * gi) / denom;
    x[i] = x[i] + (b * m[i]) / denom;
  }
}

/** RAdam: `rect` is the variance rectification term, or null while ρ_t ≤ 5 (then an SGD-with-momentum step). */
export function radamKernel(x: FloatArray, g: TypedArray, m: FloatArray, v: FloatArray, beta1: number, beta2: number, eps: number, bc1: number, bc2Sqrt: number, lr: number, rect: number | null, wd: number): void {
  const n = x.length, c1 = 1 - beta1, c2 = 1 - beta2;
  for (let i = 0; i < n; i++) {
    let gi = g[i];
    if (wd !== 0) gi = gi + wd * x[i];
    m[i] = m[i] * beta1 + c1 * gi;
    v[i] = v[i] * beta2 + c2 * gi * gi;
    const mhat = m[i] / bc1;
    if (rect !== null) {
      const adaptive = bc2Sqrt / (Math.sqrt(v[i]) + eps);
      x[i] = x[i] + -1 * (mhat * lr * adaptive * rect);
    } else {
      x[i] = x[i] + -1 * (mhat * lr);
    }
  }
}

/** ASGD with the step's η and μ (read before this step updates them); `ax` is the running average. */
export function asgdKernel(x: FloatArray, g: TypedArray, ax: FloatArray, eta: number, mu: number, lambd: number, wd: number, sign: number): void {
  const n = x.length, decay = 1 - lambd * eta, neta = -eta;
  for (let i = 0; i < n; i++) {
    let gi = sign * g[i];
    if (wd !== 0) gi = gi + wd * x[i];
    x[i] = x[i] * decay;
    x[i] = x[i] + neta * gi;
    ax[i] = mu !== 1 ? ax[i] + (x[i] - ax[i]) * mu : x[i];
  }
}

/** Rprop: per-element step sizes grown by etaplus while the gradient keeps its sign, shrunk by etaminus when it flips. */
export function rpropKernel(
  x: FloatArray, g: TypedArray, prev: FloatArray, stepSize: FloatArray,
  etaminus: number, etaplus: number, minStep: number, maxStep: number, sign: number,
): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    let gi = sign * g[i];
    // PyTorch 1.13's sign is (0 < v) - (v < 0), so 0 for NaN: a NaN product (a NaN or inf·0 gradient, or the
    // NaN saved as prev) keeps the step size, and a NaN gradient moves nothing; it is still saved as prev.
    const s = gi * prev[i];
    const f = s > 0 ? etaplus : s < 0 ? etaminus : 1;
    stepSize[i] = Math.min(Math.max(stepSize[i] * f, minStep), maxStep);
    if (f === etaminus) gi = 0;
    x[i] = x[i] + -1 * (gi > 0 ? 1 : gi < 0 ? -1 : 0) * stepSize[i];
    prev[i] = gi;
  }
}
