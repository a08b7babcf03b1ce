/**
 * The optimizer updates as single kernels over contiguous float32 parameters, in place, in the order of
 * operations of @tapegrad/optim's kernels.ts (PyTorch 1.13's _single_tensor_sgd/_adam).
 * SGD slot: [0] n, [4] x offset, [5] g offset, [6] buffer offset, [40] flags (1 momentum, 2 first step,
 * 4 nesterov), floats [44] lr, [45] momentum, [46] dampening, [47] weight decay, [48] sign.
 * Adam slot: [0] n, [4..7] x, g, m, v offsets, floats [44] beta1, [45] beta2, [46] step size,
 * [47] sqrt of bias correction 2, [48] eps, [49] weight decay (L2), [50] decay (AdamW), [51] sign.
 */
import { HEADER, MAIN_1D } from './common.wgsl';

export const sgdSource = (): string => `${HEADER}
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> b: array<f32>;
${MAIN_1D}
  if (i >= pu(0u)) { return; }
  let xi = pu(4u) + i; let gi = pu(5u) + i; let bi = pu(6u) + i;
  let fl = pu(40u);
  let lr = pf(44u); let mu = pf(45u); let damp = pf(46u); let wd = pf(47u);
  var d = pf(48u) * g[gi];
  if (wd != 0.0) { d = d + wd * x[xi]; }
  if ((fl & 1u) != 0u) {
    var bv = d;
    if ((fl & 2u) == 0u) { bv = b[bi] * mu + (1.0 - damp) * d; }
    b[bi] = bv;
    if ((fl & 4u) != 0u) { d = d + mu * bv; } else { d = bv; }
  }
  x[xi] = x[xi] + (-lr) * d;
}`;

export const adamSource = (): string => `${HEADER}
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
${MAIN_1D}
  if (i >= pu(0u)) { return; }
  let xi = pu(4u) + i; let gi = pu(5u) + i; let mi = pu(6u) + i; let vi = pu(7u) + i;
  let b1 = pf(44u); let b2 = pf(45u); let wd = pf(49u); let decay = pf(50u);
  var gv = pf(51u) * g[gi];
  var xv = x[xi];
  if (decay != 1.0) { xv = xv * decay; }
  if (wd != 0.0) { gv = gv + wd * xv; }
  let mv = m[mi] * b1 + (1.0 - b1) * gv;
  m[mi] = mv;
  let vv = v[vi] * b2 + (1.0 - b2) * gv * gv;
  v[vi] = vv;
  let denom = sqrt(vv) / pf(47u) + pf(48u);
  x[xi] = xv + (-pf(46u) * mv) / denom;
}`;
