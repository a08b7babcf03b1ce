/**
 * The updates of optimizers without a device kernel, for webgpu parameters (issue 17): the formulas of
 * ./kernels.ts written in in-place tensor ops, so they run on the device (a few elementwise kernels per
 * parameter instead of one) and never read values back.
 */
import { Tensor, noGrad } from '@tapegrad/core';

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
