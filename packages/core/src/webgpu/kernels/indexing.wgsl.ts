/**
 * gather and scatterAdd along a dim. Slot as common.wgsl.ts, with the iteration shape at [8..15] and
 * [2] = 0 (strided). gather iterates over the index's shape: operand 0 is the source (its strides),
 * 1 the index; [40] dim, [41] the source's size at dim. scatterAdd iterates over the output (= self's
 * shape) and, per element, over the index positions along dim (no atomics, deterministic order):
 * operands 0 self, 1 index, 2 src; [40] dim, [41] index size at dim, [48..55] the index's shape.
 */
import { HEADER, MAIN_1D, type WgslType } from './common.wgsl';

export const gatherSource = (t: WgslType): string => `${HEADER}
@group(0) @binding(1) var<storage, read> a: array<${t}>;
@group(0) @binding(2) var<storage, read> idx: array<i32>;
@group(0) @binding(3) var<storage, read_write> o: array<${t}>;
${MAIN_1D}
  if (i >= pu(0u)) { return; }
  let dim = pu(40u);
  var rem = i;
  var xo = pi(4u);
  var io = pi(5u);
  for (var d = pu(1u); d > 0u; d--) {
    let s = pu(7u + d);
    let c = rem % s;
    rem = rem / s;
    io += i32(c) * pi(23u + d);
    if (d - 1u != dim) { xo += i32(c) * pi(15u + d); }
  }
  let j = idx[u32(io)];
  if (j < 0 || u32(j) >= pu(41u)) { o[i] = ${t}(0); return; }
  xo += j * pi(16u + dim);
  o[i] = a[u32(xo)];
}`;

export const scatterAddSource = (t: WgslType): string => `${HEADER}
@group(0) @binding(1) var<storage, read> a: array<${t}>;
@group(0) @binding(2) var<storage, read> idx: array<i32>;
@group(0) @binding(3) var<storage, read> src: array<${t}>;
@group(0) @binding(4) var<storage, read_write> o: array<${t}>;
${MAIN_1D}
  if (i >= pu(0u)) { return; }
  let dim = pu(40u);
  let r = pu(1u);
  var rem = i;
  var xo = pi(4u);
  var io = pi(5u);
  var so = pi(6u);
  var tgt = 0u;
  var inside = true;
  for (var d = r; d > 0u; d--) {
    let s = pu(7u + d);
    let c = rem % s;
    rem = rem / s;
    xo += i32(c) * pi(15u + d);
    if (d - 1u == dim) { tgt = c; } else {
      if (c >= pu(47u + d)) { inside = false; }
      io += i32(c) * pi(23u + d);
      so += i32(c) * pi(31u + d);
    }
  }
  var acc = a[u32(xo)];
  if (inside) {
    let ist = pi(24u + dim); let sst = pi(32u + dim);
    for (var q = 0u; q < pu(41u); q++) {
      if (idx[u32(io + i32(q) * ist)] == i32(tgt)) { acc += src[u32(so + i32(q) * sst)]; }
    }
  }
  o[i] = acc;
}`;
