/**
 * Batched GEMM, out[b] = op(A[b]) · op(B[b]) (+ bias per column), with 16×16 tiles staged through
 * workgroup memory. Transposed operands are read in place (flags), as the CPU kernel's transA/transB.
 * Slot: [0] n, [1] m, [2] k, [3] flags (1 transA, 2 transB, 4 bias), [4] A offset, [5] lda,
 * [6] A batch stride, [7] B offset, [8] ldb, [9] B batch stride, [10] batches, [11] bias offset.
 * The grid is linear over (batch, row tile, column tile).
 */
import { HEADER } from './common.wgsl';

export const GEMM_TILE = 16;

export const gemmSource = (): string => `${HEADER}
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> o: array<f32>;
var<workgroup> As: array<array<f32, 16>, 16>;
var<workgroup> Bs: array<array<f32, 16>, 16>;
@compute @workgroup_size(16, 16) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = pu(0u); let m = pu(1u); let k = pu(2u); let fl = pu(3u);
  let lda = pu(5u); let ldb = pu(8u);
  let tm = (m + 15u) / 16u; let tn = (n + 15u) / 16u;
  let t = wid.x + wid.y * nwg.x;
  let bt = t / (tm * tn);
  if (bt >= pu(10u)) { return; }
  let r = t % (tm * tn);
  let row = (r / tm) * 16u + lid.y;
  let col = (r % tm) * 16u + lid.x;
  let aB = pu(4u) + bt * pu(6u);
  let bB = pu(7u) + bt * pu(9u);
  let ta = (fl & 1u) != 0u; let tb = (fl & 2u) != 0u;
  var acc = 0.0;
  for (var k0 = 0u; k0 < k; k0 += 16u) {
    let ka = k0 + lid.x;
    var av = 0.0;
    if (row < n && ka < k) { av = a[select(aB + row * lda + ka, aB + ka * lda + row, ta)]; }
    As[lid.y][lid.x] = av;
    let kb = k0 + lid.y;
    var bv = 0.0;
    if (kb < k && col < m) { bv = b[select(bB + kb * ldb + col, bB + col * ldb + kb, tb)]; }
    Bs[lid.y][lid.x] = bv;
    workgroupBarrier();
    for (var q = 0u; q < 16u; q++) { acc += As[lid.y][q] * Bs[q][lid.x]; }
    workgroupBarrier();
  }
  if (row < n && col < m) {
    var v = acc;
    if ((fl & 4u) != 0u) { v += bias[pu(11u) + col]; }
    o[bt * n * m + row * m + col] = v;
  }
}`;
