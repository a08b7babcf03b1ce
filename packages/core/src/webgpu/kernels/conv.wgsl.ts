/**
 * im2col and col2im for conv2d on the device (float32, contiguous): [N, C, H, W] <-> [N, C·kh·kw, oh·ow],
 * PyTorch's unfold layout. col2im gathers, per image element, the columns that read it (no atomics).
 * Slot: [0] n (elements written), [4] input offset, [8..21] N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow,
 * [22] im2col's padding value (f32: 0 for conv, −∞ for max pooling).
 */
import { HEADER, MAIN_1D } from './common.wgsl';

const GEOM = /* wgsl */ `
  let C = pu(9u); let H = pi(10u); let W = pi(11u);
  let kh = pu(12u); let kw = pu(13u); let sh = pi(14u); let sw = pi(15u);
  let ph = pi(16u); let pw = pi(17u); let dh = pi(18u); let dw = pi(19u);
  let oh = pu(20u); let ow = pu(21u);
  let K = C * kh * kw; let L = oh * ow;`;

export const im2colSource = (): string => `${HEADER}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> o: array<f32>;
${MAIN_1D}
  if (i >= pu(0u)) { return; }
  ${GEOM}
  let l = i % L; let r = i / L; let k = r % K; let n = r / K;
  let c = k / (kh * kw); let kk = k % (kh * kw);
  let ki = i32(kk / kw); let kj = i32(kk % kw);
  let ih = i32(l / ow) * sh - ph + ki * dh;
  let iw = i32(l % ow) * sw - pw + kj * dw;
  var v = pf(22u);
  if (ih >= 0 && ih < H && iw >= 0 && iw < W) { v = x[pu(4u) + ((n * C + c) * u32(H) + u32(ih)) * u32(W) + u32(iw)]; }
  o[i] = v;
}`;

export const col2imSource = (): string => `${HEADER}
@group(0) @binding(1) var<storage, read> cols: array<f32>;
@group(0) @binding(2) var<storage, read_write> o: array<f32>;
${MAIN_1D}
  if (i >= pu(0u)) { return; }
  ${GEOM}
  let iw = i32(i % u32(W)); let r1 = i / u32(W);
  let ih = i32(r1 % u32(H)); let r2 = r1 / u32(H);
  let c = r2 % C; let n = r2 / C;
  var acc = 0.0;
  for (var ki = 0u; ki < kh; ki++) {
    let th = ih + ph - i32(ki) * dh;
    if (th < 0 || th % sh != 0) { continue; }
    let y = u32(th / sh);
    if (y >= oh) { continue; }
    for (var kj = 0u; kj < kw; kj++) {
      let tw = iw + pw - i32(kj) * dw;
      if (tw < 0 || tw % sw != 0) { continue; }
      let xo = u32(tw / sw);
      if (xo >= ow) { continue; }
      acc += cols[pu(4u) + (n * K + (c * kh + ki) * kw + kj) * L + y * ow + xo];
    }
  }
  o[i] = acc;
}`;
