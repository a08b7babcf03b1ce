/**
 * layerNorm's forward as one row kernel, and cumsum / cumprod as one thread per line (issue 17). layerNorm's slot:
 * [0] rows, [1] cols, [2] flags (1 weight, 2 bias), [4] x offset, [5] weight offset, [6] bias offset,
 * f[8] eps; one 64-thread workgroup per row, two passes (mean, then the centred squares, as the CPU kernel);
 * each row's mean and rstd go to `stats` [rows, 2] for the backward kernel, whose slot is the same with
 * [5] the weight offset, [6] g's offset and flags 1 (weight).
 * cumsum's and cumprod's slot: [0] lines (outer·inner), [1] the length along the dim, [2] inner, [4] x offset.
 */
import { HEADER, MAIN_1D, MATH } from './common.wgsl';

const SUM_TREE = /* wgsl */ `
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = sh[lid] + sh[lid + s]; }
    workgroupBarrier();
  }`;

export const layerNormSource = (): string => `${HEADER}${MATH}
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> o: array<f32>;
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;
var<workgroup> sh: array<f32, 64>;
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= pu(0u)) { return; }
  let cols = pu(1u);
  let base = pu(4u) + row * cols;
  var acc = 0.0;
  for (var j = lid; j < cols; j += 64u) { acc += a[base + j]; }
  ${SUM_TREE}
  let m = sh[0] / f32(cols);
  workgroupBarrier();
  acc = 0.0;
  for (var j = lid; j < cols; j += 64u) { let d = a[base + j] - m; acc += d * d; }
  ${SUM_TREE}
  let rs = 1.0 / sqrt(sh[0] / f32(cols) + pf(8u));
  if (lid == 0u) { stats[2u * row] = m; stats[2u * row + 1u] = rs; }
  let flags = pu(2u);
  let ob = row * cols;
  for (var j = lid; j < cols; j += 64u) {
    var y = (a[base + j] - m) * rs;
    if ((flags & 1u) != 0u) { y *= w[pu(5u) + j]; }
    if ((flags & 2u) != 0u) { y += b[pu(6u) + j]; }
    o[ob + j] = y;
  }
}`;

export const scanSource = (prod: boolean): string => `${HEADER}
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> o: array<f32>;
${MAIN_1D}
  if (i >= pu(0u)) { return; }
  let len = pu(1u);
  let inner = pu(2u);
  var p = (i / inner) * len * inner + i % inner;
  let off = pu(4u);
  var acc = ${prod ? '1.0' : '0.0'};
  for (var j = 0u; j < len; j++) { acc ${prod ? '*=' : '+='} a[off + p]; o[p] = acc; p += inner; }
}`;

/**
 * indexSelect's backward, deterministic without atomics: a counting sort of the index positions by
 * value (one thread: offsets [V + 1], a cursor scratch [V], the positions grouped by value [m], each
 * group in ascending order), then one thread per element of the [outer, V, inner] result summing its
 * group's rows of g in that order. Sort slot: [0] V, [1] m, [4] index offset. Sum slot: [0] n,
 * [1] V, [2] m, [3] inner, [4] g offset.
 */
export const bucketSortSource = (): string => `${HEADER}
@group(0) @binding(1) var<storage, read> idx: array<i32>;
@group(0) @binding(2) var<storage, read_write> offs: array<i32>;
@group(0) @binding(3) var<storage, read_write> cur: array<i32>;
@group(0) @binding(4) var<storage, read_write> perm: array<i32>;
${MAIN_1D}
  if (i != 0u) { return; }
  let V = pu(0u);
  let m = pu(1u);
  let io = pu(4u);
  for (var v = 0u; v <= V; v++) { offs[v] = 0; }
  for (var k = 0u; k < m; k++) { let j = idx[io + k]; if (j >= 0 && u32(j) < V) { offs[u32(j) + 1u] += 1; } }
  for (var v = 0u; v < V; v++) { offs[v + 1u] += offs[v]; cur[v] = offs[v]; }
  for (var k = 0u; k < m; k++) {
    let j = idx[io + k];
    if (j >= 0 && u32(j) < V) { perm[cur[u32(j)]] = i32(k); cur[u32(j)] += 1; }
  }
}`;

export const bucketSumSource = (): string => `${HEADER}
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> offs: array<i32>;
@group(0) @binding(3) var<storage, read> perm: array<i32>;
@group(0) @binding(4) var<storage, read_write> o: array<f32>;
${MAIN_1D}
  if (i >= pu(0u)) { return; }
  let V = pu(1u);
  let m = pu(2u);
  let inner = pu(3u);
  let c = i % inner;
  let v = (i / inner) % V;
  let a = i / (inner * V);
  let base = pu(4u) + a * m * inner + c;
  var s = 0.0;
  for (var j = offs[v]; j < offs[v + 1u]; j++) { s += g[base + u32(perm[j]) * inner]; }
  o[i] = s;
}`;

/** layerNorm's input gradient per row from the saved statistics (the CPU kernel's formula), and x̂ for dw. */
export const layerNormBackwardSource = (): string => `${HEADER}${MATH}
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> gr: array<f32>;
@group(0) @binding(4) var<storage, read> stats: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;
@group(0) @binding(6) var<storage, read_write> xh: array<f32>;
var<workgroup> sh: array<f32, 64>;
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= pu(0u)) { return; }
  let cols = pu(1u);
  let base = pu(4u) + row * cols;
  let gb = pu(6u) + row * cols;
  let m = stats[2u * row];
  let rs = stats[2u * row + 1u];
  let hasW = (pu(2u) & 1u) != 0u;
  var acc = 0.0;
  for (var j = lid; j < cols; j += 64u) { var gw = gr[gb + j]; if (hasW) { gw *= w[pu(5u) + j]; } acc += gw; }
  ${SUM_TREE}
  let s1 = sh[0] / f32(cols);
  workgroupBarrier();
  acc = 0.0;
  for (var j = lid; j < cols; j += 64u) { var gw = gr[gb + j]; if (hasW) { gw *= w[pu(5u) + j]; } acc += gw * (a[base + j] - m) * rs; }
  ${SUM_TREE}
  let s2 = sh[0] / f32(cols);
  let ob = row * cols;
  for (var j = lid; j < cols; j += 64u) {
    let x = (a[base + j] - m) * rs;
    var gw = gr[gb + j];
    if (hasW) { gw *= w[pu(5u) + j]; }
    dx[ob + j] = rs * (gw - s1 - x * s2);
    xh[ob + j] = x;
  }
}`;
