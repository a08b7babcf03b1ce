/**
 * Elementwise kernels generated from one template: up to three operands (device tensors with strided,
 * broadcast indexing, or host scalars passed in the parameter slot), a compute type, and an expression.
 * The output is contiguous, or strided for copies into views (`stridedOut`).
 */
import { HEADER, MAIN_1D, MATH, type WgslType } from './common.wgsl';

/** An operand: a device buffer of that element type, or a scalar read from slot word 40 + k. */
export type OperandKind = WgslType | 'scalar';

/** Binary ops: [expression in x, y of the compute type T, whether it is a boolean expression]. */
export const BINARY: Record<string, [string, boolean]> = {
  add: ['x + y', false],
  sub: ['x - y', false],
  mul: ['x * y', false],
  div: ['x / y', false],
  maximum: ['max(x, y)', false],
  minimum: ['min(x, y)', false],
  pow: ['T(powf(f32(x), f32(y)))', false],
  eq: ['x == y', true],
  ne: ['x != y', true],
  lt: ['x < y', true],
  le: ['x <= y', true],
  gt: ['x > y', true],
  ge: ['x >= y', true],
  logicalAnd: ['x != T(0) && y != T(0)', true],
  logicalOr: ['x != T(0) || y != T(0)', true],
  reluMask: ['select(x, T(0), y <= T(0))', false], // relu's VJP: 0 where the output is <= 0 (NaN passes)
};

/** Unary ops on f32 (`float` entry) and, where they apply to integers, i32 (`int`); booleans flagged. */
export const UNARY: Record<string, { float: string; int?: string; bool?: boolean }> = {
  copy: { float: 'x', int: 'x' },
  neg: { float: '-x', int: '-x' },
  exp: { float: 'exp(x)' },
  expm1: { float: 'expm1f(x)' },
  log: { float: 'log(x)' },
  log1p: { float: 'log1pf(x)' },
  sqrt: { float: 'sqrt(x)' },
  rsqrt: { float: 'inverseSqrt(x)' },
  abs: { float: 'abs(x)', int: 'abs(x)' },
  sin: { float: 'sinf(x)' },
  cos: { float: 'cosf(x)' },
  tanh: { float: 'tanhf(x)' },
  sigmoid: { float: 'sigmoidf(x)' },
  erf: { float: 'erff(x)' },
  relu: { float: 'select(x, 0.0, x < 0.0)', int: 'max(x, 0)' },
  sign: { float: 'sign(x)', int: 'sign(x)' },
  floor: { float: 'floor(x)', int: 'x' },
  ceil: { float: 'ceil(x)', int: 'x' },
  round: { float: 'round(x)', int: 'x' }, // WGSL rounds half to even, as torch.round
  step: { float: 'select(0.0, 1.0, x > 0.0)', int: 'select(0, 1, x > 0)' },
  isnan: { float: 'isnanf(x)', int: 'false', bool: true },
  isinf: { float: 'isinff(x)', int: 'false', bool: true },
  isfinite: { float: '!isnanf(x) && !isinff(x)', int: 'true', bool: true },
  logicalNot: { float: 'x == 0.0', int: 'x == 0', bool: true },
  // with scalars in slot words 44… (ops/unary.ts and activation.ts pass them)
  clamp: { float: 'clampf(x, pf(44u), pf(45u))', int: 'min(max(x, pi(44u)), pi(45u))' },
  softplus: { float: 'softplusf(x, pf(44u), pf(45u))' },
};

const NAMES = ['a', 'b', 'c'];

/**
 * The WGSL of one elementwise kernel. `expr` reads the operands as x, y, z in compute type `ct`;
 * `boolExpr` says it is a boolean (written as 0/1). With no operands it writes the fill value (slot word 40).
 */
export function elementwiseSource(ops: readonly OperandKind[], ct: WgslType, out: WgslType, expr: string, boolExpr: boolean, stridedOut: boolean): string {
  const decl: string[] = [];
  const reads: string[] = [];
  let binding = 1;
  ops.forEach((k, j) => {
    const v = ['x', 'y', 'z'][j];
    if (k === 'scalar') {
      reads.push(`let ${v} = ${ct === 'f32' ? `pf(${40 + j}u)` : ct === 'i32' ? `pi(${40 + j}u)` : `pu(${40 + j}u)`};`);
    } else {
      decl.push(`@group(0) @binding(${binding++}) var<storage, read> ${NAMES[j]}: array<${k}>;`);
      reads.push(`let ${v} = ${ct}(${NAMES[j]}[offsetOf(i, ${j}u)]);`);
    }
  });
  decl.push(`@group(0) @binding(${binding}) var<storage, read_write> o: array<${out}>;`);
  const value = elementwiseValue(ops.length, ct, out, expr, boolExpr);
  const dst = stridedOut ? `offsetOf(i, ${ops.length}u)` : 'i';
  return `${HEADER}${MATH}${decl.join('\n')}
${MAIN_1D}
  if (i >= pu(0u)) { return; }
  ${reads.join('\n  ')}
  o[${dst}] = ${value};
}`;
}

/**
 * The value an elementwise kernel stores, in its output type, from the operands x, y, z of compute type `ct`
 * (the fill value of slot word 40 when there are none). Shared with the fused kernels of compile (webgpu/fuse.ts).
 */
export function elementwiseValue(nOps: number, ct: WgslType, out: WgslType, expr: string, boolExpr: boolean): string {
  const body = expr.replace(/\bT\(/g, `${ct}(`);
  return nOps === 0 ? (out === 'f32' ? 'pf(40u)' : out === 'i32' ? 'pi(40u)' : 'pu(40u)')
    : boolExpr ? `select(${out}(0), ${out}(1), ${body})`
    : out === 'u32' && ct !== 'u32' ? `select(0u, 1u, (${body}) != ${ct}(0))`
    : `${out}(${body})`;
}
