/**
 * argsort of rows on the device (issue 17): one 64-thread workgroup per row, a bitonic sort in workgroup
 * memory of the row padded to a power of two (at most 1024). The order is total — value, then index on
 * ties (so the result is the CPU's stable merge sort's), NaN the largest value, padding always last — so
 * the network's result is unique. Slot: [0] rows, [1] len, [2] P (the padded length), [3] descending,
 * [4] input offset, [5] how many indices per row to write.
 */
import { HEADER, MATH, type WgslType } from './common.wgsl';

export const SORT_MAX = 1024;

export const argsortSource = (t: WgslType): string => `${HEADER}${MATH}
@group(0) @binding(1) var<storage, read> a: array<${t}>;
@group(0) @binding(2) var<storage, read_write> o: array<i32>;
var<workgroup> kv: array<${t}, ${SORT_MAX}>;
var<workgroup> ki: array<i32, ${SORT_MAX}>;
fn isnanT(x: ${t}) -> bool { ${t === 'f32' ? 'return isnanf(x);' : 'return false;'} }
// Whether element (va, ia) comes before (vb, ib); ia < 0 marks padding.
fn before(va: ${t}, ia: i32, vb: ${t}, ib: i32, desc: bool) -> bool {
  if (ia < 0) { return false; }
  if (ib < 0) { return true; }
  let na = isnanT(va);
  let nb = isnanT(vb);
  if (na || nb) {
    if (na && nb) { return ia < ib; }
    return na == desc;
  }
  if (va == vb) { return ia < ib; }
  if (desc) { return va > vb; }
  return va < vb;
}
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= pu(0u)) { return; }
  let len = pu(1u);
  let P = pu(2u);
  let desc = pu(3u) != 0u;
  let base = pu(4u) + row * len;
  for (var i = lid; i < P; i += 64u) {
    if (i < len) { kv[i] = a[base + i]; ki[i] = i32(i); } else { kv[i] = ${t}(0); ki[i] = -1; }
  }
  workgroupBarrier();
  for (var k = 2u; k <= P; k = k << 1u) {
    for (var j = k >> 1u; j > 0u; j = j >> 1u) {
      for (var i = lid; i < P; i += 64u) {
        let l = i ^ j;
        if (l > i) {
          let up = (i & k) == 0u;
          let swap = select(before(kv[i], ki[i], kv[l], ki[l], desc), before(kv[l], ki[l], kv[i], ki[i], desc), up);
          if (swap) {
            let tv = kv[i]; kv[i] = kv[l]; kv[l] = tv;
            let ti = ki[i]; ki[i] = ki[l]; ki[l] = ti;
          }
        }
      }
      workgroupBarrier();
    }
  }
  let take = pu(5u);
  for (var i = lid; i < take; i += 64u) { o[row * take + i] = ki[i]; }
}`;
