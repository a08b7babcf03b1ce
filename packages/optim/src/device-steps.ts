/**
 * The updates of optimizers without a device kernel, for webgpu parameters (issue 17): the formulas of
 * ./kernels.ts written in in-place tensor ops, so they run on the device (a few elementwise kernels per
 * parameter instead of one) and never read values back.
 */
import { Tensor, noGrad, where } from '@tapegrad/core';

/** The signed, weight-decayed gradient of the kernels: sign·g + wd·p. */
const decayed = (p: Tensor, g: Tensor, wd: number, sign: number): Tensor => {
  const gs = sign === 1 ? g : g.neg();
  return wd !== 0 ? gs.add(p.mul(wd)) : gs;
};

/** rmspropKernel's update on tensors (square average `sq`, centred `ga` or null, momentum `buf` or null). */
export function rmspropTensors(p: Tensor, g: Tensor, sq: Tensor, ga: Tensor | null, buf: Tensor | null, lr: number, alpha: number, eps: number, wd: number, momentum: number, sign: number): void {
  noGrad(() => {
    const gi = decayed(p, g, wd, sign);
    sq.copy_(sq.mul(alpha).add(gi.square().mul(1 - alpha)));
    let avg: Tensor;
    if (ga !== null) {
      ga.copy_(ga.mul(alpha).add(gi.mul(1 - alpha)));
      avg = sq.sub(ga.square()).sqrt();
    } else {
      avg = sq.sqrt();
    }
    avg = avg.add(eps);
    if (buf !== null) {
      buf.copy_(buf.mul(momentum).add(gi.div(avg)));
      p.copy_(p.sub(buf.mul(lr)));
    } else {
      p.copy_(p.sub(gi.div(avg).mul(lr)));
    }
  });
}

/** adagradKernel's update on tensors (`sum` of squared gradients; `clr` the decayed learning rate). */
export function adagradTensors(p: Tensor, g: Tensor, sum: Tensor, clr: number, wd: number, eps: number, sign: number): void {
  noGrad(() => {
    const gi = decayed(p, g, wd, sign);
    sum.copy_(sum.add(gi.square()));
    p.copy_(p.sub(gi.div(sum.sqrt().add(eps)).mul(clr)));
  });
}

/** adamKernel's update on tensors, with amsgrad's running maximum `vmax` (the device kernel has none). */
export function adamTensors(p: Tensor, g: Tensor, m: Tensor, v: Tensor, vmax: Tensor | null, beta1: number, beta2: number, stepSize: number, biasCorrection2Sqrt: number, eps: number, wd: number, decay: number, sign: number): void {
  noGrad(() => {
    if (decay !== 1) p.copy_(p.mul(decay)); // AdamW: param.mul_(1 - lr * weight_decay) comes first
    const gi = decayed(p, g, wd, sign);
    m.copy_(m.mul(beta1).add(gi.mul(1 - beta1)));
    v.copy_(v.mul(beta2).add(gi.square().mul(1 - beta2)));
    let s = v;
    if (vmax !== null) {
      vmax.copy_(vmax.maximum(v));
      s = vmax;
    }
    p.copy_(p.sub(m.div(s.sqrt().div(biasCorrection2Sqrt).add(eps)).mul(stepSize)));
  });
}

/** adadeltaKernel's update on tensors. */
export function adadeltaTensors(p: Tensor, g: Tensor, sq: Tensor, acc: Tensor, lr: number, rho: number, eps: number, wd: number, sign: number): void {
  noGrad(() => {
    const gi = decayed(p, g, wd, sign);
    sq.copy_(sq.mul(rho).add(gi.square().mul(1 - rho)));
    const delta = acc.add(eps).sqrt().div(sq.add(eps).sqrt()).mul(gi);
    acc.copy_(acc.mul(rho).add(delta.square().mul(1 - rho)));
    p.copy_(p.sub(delta.mul(lr)));
  });
}

/** adamaxKernel's update on tensors (`clr` = lr / (1 − β1^t)). */
export function adamaxTensors(p: Tensor, g: Tensor, m: Tensor, u: Tensor, beta1: number, beta2: number, eps: number, clr: number, wd: number, sign: number): void {
  noGrad(() => {
    const gi = decayed(p, g, wd, sign);
    m.copy_(m.mul(beta1).add(gi.mul(1 - beta1)));
    u.copy_(u.mul(beta2).maximum(gi.abs().add(eps)));
    p.copy_(p.sub(m.div(u).mul(clr)));
  });
}

/** nadamKernel's update on tensors (`a`, `b`: the negative coefficients of g/denom and m/denom). */
export function nadamTensors(p: Tensor, g: Tensor, m: Tensor, v: Tensor, beta1: number, beta2: number, eps: number, bc2: number, a: number, b: number, wd: number): void {
  noGrad(() => {
    const gi = decayed(p, g, wd, 1);
    m.copy_(m.mul(beta1).add(gi.mul(1 - beta1)));
    v.copy_(v.mul(beta2).add(gi.square().mul(1 - beta2)));
    const denom = v.div(bc2).sqrt().add(eps);
    p.copy_(p.add(gi.div(denom).mul(a)).add(m.div(denom).mul(b)));
  });
}

/** radamKernel's update on tensors (`rect` null while ρ_t ≤ 5: an SGD-with-momentum step). */
export function radamTensors(p: Tensor, g: Tensor, m: Tensor, v: Tensor, beta1: number, beta2: number, eps: number, bc1: number, bc2Sqrt: number, lr: number, rect: number | null, wd: number): void {
  noGrad(() => {
    const gi = decayed(p, g, wd, 1);
    m.copy_(m.mul(beta1).add(gi.mul(1 - beta1)));
    v.copy_(v.mul(beta2).add(gi.square().mul(1 - beta2)));
    const mhat = m.div(bc1);
    p.copy_(p.sub(rect !== null ? mhat.mul(lr).mul(v.sqrt().add(eps).reciprocal().mul(bc2Sqrt)).mul(rect) : mhat.mul(lr)));
  });
}

/** asgdKernel's update on tensors (η and μ as read before this step updates them; `ax` the average). */
export function asgdTensors(p: Tensor, g: Tensor, ax: Tensor, eta: number, mu: number, lambd: number, wd: number, sign: number): void {
  noGrad(() => {
    const gi = decayed(p, g, wd, sign);
    p.copy_(p.mul(1 - lambd * eta).sub(gi.mul(eta)));
    ax.copy_(mu !== 1 ? ax.add(p.sub(ax).mul(mu)) : p);
  });
}

/** rpropKernel's update on tensors: step sizes grow while the gradient keeps its sign, shrink when it flips. */
export function rpropTensors(p: Tensor, g: Tensor, prev: Tensor, stepSize: Tensor, etaminus: number, etaplus: number, minStep: number, maxStep: number, sign: number): void {
  noGrad(() => {
    let gi = sign === 1 ? g : g.neg();
    const s = gi.mul(prev).sign();
    const f = where(s.gt(0), etaplus, where(s.lt(0), etaminus, where(s.eq(0), 1, s))); // NaN stays NaN
    stepSize.copy_(stepSize.mul(f).clamp(minStep, maxStep));
    gi = where(f.eq(etaminus), 0, gi);
    p.copy_(p.sub(gi.sign().mul(stepSize)));
    prev.copy_(gi);
  });
}
