/**
 * Row kernels over a contiguous [rows, cols] block (slot: [0] rows, [1] cols, [4] input offset): one
 * 64-thread workgroup per row, each thread striding over the row, then a tree in workgroup memory.
 */
import { HEADER, MATH, type WgslType } from './common.wgsl';

const ROW_MAIN = /* wgsl */ `var<workgroup> sh: array<T, 64>;
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= pu(0u)) { return; }
  let cols = pu(1u);
  let base = pu(4u) + row * cols;`;

const TREE = /* wgsl */ `
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = OP(sh[lid], sh[lid + s]); }
    workgroupBarrier();
  }`;

/** sum or max of each row, in compute type `ct` (f32, or i32 for integer sums), written as `out`. */
export function rowReduceSource(op: 'sum' | 'max', input: WgslType, ct: WgslType, out: WgslType): string {
  const init = op === 'sum' ? `${ct}(0)` : ct === 'f32' ? '-inff()' : '(-2147483647 - 1)';
  const comb = op === 'sum' ? 'fn OP(a: T, b: T) -> T { return a + b; }'
    : ct === 'f32' ? 'fn OP(a: T, b: T) -> T { if (isnanf(a) || isnanf(b)) { return nanf(); } return max(a, b); }'
    : 'fn OP(a: T, b: T) -> T { return max(a, b); }';
  const src = `${HEADER}${MATH}
@group(0) @binding(1) var<storage, read> a: array<${input}>;
@group(0) @binding(2) var<storage, read_write> o: array<${out}>;
${comb}
${ROW_MAIN}
  var acc = ${init};
  for (var j = lid; j < cols; j += 64u) { acc = OP(acc, ${ct}(a[base + j])); }
  ${TREE}
  if (lid == 0u) { o[row] = ${out === 'u32' ? `select(0u, 1u, sh[0] != ${ct}(0))` : `${out}(sh[0])`}; }
}`;
  return src.replace(/\bT\b/g, ct);
}

/** softmax or log-softmax of each row (float32), max-shifted as the CPU kernels are. */
export function softmaxRowsSource(log: boolean): string {
  const src = `${HEADER}${MATH}
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> o: array<f32>;
fn MAXOP(a: f32, b: f32) -> f32 { if (isnanf(a) || isnanf(b)) { return nanf(); } return max(a, b); }
${ROW_MAIN}
  var acc = -inff();
  for (var j = lid; j < cols; j += 64u) { acc = MAXOP(acc, a[base + j]); }
  ${TREE.replace('OP(', 'MAXOP(')}
  var m = sh[0];
  if (isinff(m) && m < 0.0) { m = 0.0; }
  workgroupBarrier();
  acc = 0.0;
  for (var j = lid; j < cols; j += 64u) { acc += exp(a[base + j] - m); }
  ${TREE.replace('OP(sh[lid], sh[lid + s])', 'sh[lid] + sh[lid + s]')}
  let s = sh[0];
  let ob = row * cols;
  for (var j = lid; j < cols; j += 64u) {
    ${log ? 'o[ob + j] = (a[base + j] - m) - log(s);' : 'o[ob + j] = exp(a[base + j] - m) / s;'}
  }
}`;
  return src.replace(/\bT\b/g, 'f32');
}
