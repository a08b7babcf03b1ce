/**
 * Row kernels over a contiguous [rows, cols] block (slot: [0] rows, [1] cols, [4] input offset): one
 * 64-thread workgroup per row, each thread striding over the row, then a tree in workgroup memory.
 */
import { HEADER, MAIN_1D, MATH, type WgslType } from './common.wgsl';

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

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

/** The identity and the combining function of a reduction (NaN propagates through max and min). */
function combiner(op: ReduceOp, ct: WgslType): { init: string; comb: string } {
  if (op === 'sum') return { init: `${ct}(0)`, comb: 'fn OP(a: T, b: T) -> T { return a + b; }' };
  if (op === 'prod') return { init: `${ct}(1)`, comb: 'fn OP(a: T, b: T) -> T { return a * b; }' };
  const f = op === 'max' ? 'max' : 'min';
  const init = ct === 'f32' ? (op === 'max' ? '-inff()' : 'inff()') : op === 'max' ? '(-2147483647 - 1)' : '2147483647';
  const comb = ct === 'f32' ? `fn OP(a: T, b: T) -> T { if (isnanf(a) || isnanf(b)) { return nanf(); } return ${f}(a, b); }` : `fn OP(a: T, b: T) -> T { return ${f}(a, b); }`;
  return { init, comb };
}

/** sum, max or min of each row, in compute type `ct` (f32, or i32 for integer sums), written as `out`. */
export function rowReduceSource(op: ReduceOp, input: WgslType, ct: WgslType, out: WgslType): string {
  const { init, comb } = combiner(op, ct);
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

/**
 * The VJPs of softmax and log-softmax along rows in one pass per row (float32), the same formulas as
 * ops/activation.ts's: log: g − exp(y)·Σg; softmax: y ⊙ (g − Σ g ⊙ y). Slot: [0] rows, [1] cols,
 * [4] g offset, [5] y offset (both contiguous).
 */
export function softmaxBackwardRowsSource(log: boolean): string {
  const src = `${HEADER}${MATH}
@group(0) @binding(1) var<storage, read> gr: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> o: array<f32>;
${ROW_MAIN}
  let yb = pu(5u) + row * cols;
  var acc = 0.0;
  for (var j = lid; j < cols; j += 64u) { acc += ${log ? 'gr[base + j]' : 'gr[base + j] * y[yb + j]'}; }
  ${TREE.replace('OP(sh[lid], sh[lid + s])', 'sh[lid] + sh[lid + s]')}
  let s = sh[0];
  let ob = row * cols;
  for (var j = lid; j < cols; j += 64u) {
    ${log ? 'o[ob + j] = gr[base + j] - exp(y[yb + j]) * s;' : 'o[ob + j] = y[yb + j] * (gr[base + j] - s);'}
  }
}`;
  return src.replace(/\bT\b/g, 'f32');
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

/**
 * sum or max over the leading dim of a contiguous [rows, cols] block (a bias gradient: g.sum(0)), one
 * thread per column, reading rows in order (no transposing copy). Slot: [0] cols, [1] rows, [4] offset.
 */
export function columnReduceSource(op: ReduceOp, input: WgslType, ct: WgslType, out: WgslType): string {
  const { init, comb } = combiner(op, ct);
  const src = `${HEADER}${MATH}
@group(0) @binding(1) var<storage, read> a: array<${input}>;
@group(0) @binding(2) var<storage, read_write> o: array<${out}>;
${comb}
${MAIN_1D}
  let cols = pu(0u);
  if (i >= cols) { return; }
  var acc = ${init};
  var p = pu(4u) + i;
  for (var r = 0u; r < pu(1u); r++) { acc = OP(acc, ${ct}(a[p])); p += cols; }
  o[i] = ${out === 'u32' ? `select(0u, 1u, acc != ${ct}(0))` : `${out}(acc)`};
}`;
  return src.replace(/\bT\b/g, ct);
}

/**
 * argmax / argmin of each row (as int32): first index on ties, and the first NaN wins, as the CPU op.
 * The tree combines (value, index) pairs, breaking ties by the smaller index.
 */
export function argReduceSource(max: boolean, input: WgslType): string {
  const ct = input === 'f32' ? 'f32' : 'i32';
  const nan = ct === 'f32' ? 'isnanf' : 'noNan';
  const better = max ? '>' : '<';
  return `${HEADER}${MATH}
@group(0) @binding(1) var<storage, read> a: array<${input}>;
@group(0) @binding(2) var<storage, read_write> o: array<i32>;
fn noNan(v: i32) -> bool { return false; }
var<workgroup> sv: array<${ct}, 64>;
var<workgroup> si: array<u32, 64>;
fn takeB(va: ${ct}, ia: u32, vb: ${ct}, ib: u32) -> bool {
  if (ib == 0xffffffffu) { return false; }
  if (ia == 0xffffffffu) { return true; }
  let na = ${nan}(va); let nb = ${nan}(vb);
  if (na || nb) { return nb && (!na || ib < ia); }
  if (vb ${better} va) { return true; }
  return vb == va && ib < ia;
}
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= pu(0u)) { return; }
  let cols = pu(1u);
  let base = pu(4u) + row * cols;
  var bv = ${ct}(0);
  var bi = 0xffffffffu;
  for (var j = lid; j < cols; j += 64u) {
    let v = ${ct}(a[base + j]);
    if (takeB(bv, bi, v, j)) { bv = v; bi = j; }
  }
  sv[lid] = bv; si[lid] = bi;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (lid < s && takeB(sv[lid], si[lid], sv[lid + s], si[lid + s])) { sv[lid] = sv[lid + s]; si[lid] = si[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { o[row] = i32(si[0]); }
}`;
}
