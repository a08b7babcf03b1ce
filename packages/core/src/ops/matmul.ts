/**
 * Matrix products. One primitive, batched matmul over [B, n, k] × [B, k, m] (batch stride 0 allowed,
 * transposed operands read in place); every other form (1-D, 2-D, broadcast batches) is a view
 * around it, so all their gradients come from one rule: ∂L/∂A = G·Bᵀ, ∂L/∂B = Aᵀ·G.
 */
import { Tensor } from '../tensor';
import { allocate, allocateUninit, type FloatDType, isFloating, FloatArray, checkSameDtype } from '../dtype';
import { broadcastShapes, fmt } from '../shape';
import { record, printedAs } from '../autograd/tape';
import { gemmBatched } from '../kernels/gemm';
import { checkOptions } from '../options';
import { runKernel } from '../compile/capture';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)
import { where } from './indexing';

export interface MatOperand { data: FloatArray; off: number; ld: number; trans: boolean; bstride: number }

/**
 * How a [r, c] or [B, r, c] view can be fed to gemm without copying: row-major, or column-major (a
 * transposed view, passed as transA/transB), else a contiguous copy.
 */
export function asOperand(x: Tensor): MatOperand {
  const k = x.ndim;
  const r = x._shape[k - 2], c = x._shape[k - 1];
  const rs = x.nd.stride[k - 2], cs = x.nd.stride[k - 1], bs = k === 3 ? x.nd.stride[0] : 0;
  const data = x._storage.data as FloatArray;
  if (cs === 1 && (rs >= c || r <= 1)) return { data, off: x.nd.offset, ld: Math.max(rs, c, 1), trans: false, bstride: bs };
  if (rs === 1 && (cs >= r || c <= 1)) return { data, off: x.nd.offset, ld: Math.max(cs, r, 1), trans: true, bstride: bs };
  const cont = x.contiguous();
  return { data: cont._storage.data as FloatArray, off: cont.nd.offset, ld: Math.max(c, 1), trans: false, bstride: r * c };
}

function checkFloat(op: string, a: Tensor, b: Tensor, names: readonly [string, string] = ['input', 'other']): void {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new TypeError(`${op}: expected two Tensors`);
  if (!isFloating(a.dtype) || !isFloating(b.dtype)) throw new TypeError(`${op}: expected floating point tensors, got ${a.dtype} and ${b.dtype}`);
  checkSameDtype(op, [names[0], a], [names[1], b]);
}

/** The primitive: [B, n, k] @ [B, k, m] -> [B, n, m]. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkFloat('bmm', a, b, ['input', 'mat2']);
  if (a._storage.gpu !== null || b._storage.gpu !== null) return WG.bmm(a, b); // webgpu (issue 17)
  if (a.ndim !== 3 || b.ndim !== 3) throw new RangeError(`bmm: expected 3-D tensors, got shapes ${fmt(a._shape)} and ${fmt(b._shape)}`);
  const [B, n, k] = a._shape, [B2, k2, m] = b._shape;
  if (B !== B2 || k !== k2) throw new RangeError(`bmm: shapes ${fmt(a._shape)} and ${fmt(b._shape)} cannot be multiplied (batch ${B} vs ${B2}, inner ${k} vs ${k2})`);
  const dtype = a.dtype;
  const res = Tensor._fromData(product(B, n, m, k, a, b, dtype as FloatDType), [B, n, m], dtype);
  return printedAs(record('matmul', [a, b], res, (g) => [
    a.requiresGrad ? g.bmm(b.transpose(1, 2)) : null,
    b.requiresGrad ? a.transpose(1, 2).bmm(g) : null,
  ], [a, b]), 'BmmBackward0', a, b);
}

/**
 * The values of B products [n, k] · [k, m] of `x` and `y` (cpu, both `dtype`, [B, r, c] or [r, c] views with B = 1):
 * the kernel call of bmm, shared by the untaped products of backward walks.
 */
function product(B: number, n: number, m: number, k: number, x: Tensor, y: Tensor, dtype: FloatDType): FloatArray {
  // GEMM with beta 0 overwrites every element (when k > 0), so the output may be a recycled buffer.
  const out = (k > 0 ? allocateUninit(dtype, B * n * m) : allocate(dtype, B * n * m)) as FloatArray;
  if (n * m > 0) {
    const A = asOperand(x), Bm = asOperand(y);
    runKernel(() => {
      gemmBatched(B, A.trans, Bm.trans, n, m, k, 1, A.data, A.off, A.ld, A.bstride, Bm.data, Bm.off, Bm.ld, Bm.bstride, 0, out, 0, Math.max(m, 1), n * m);
    }, out);
  } else runKernel(() => out.fill(0), out);
  return out;
}

const noVjp = (): never => {
  throw new Error('mmUntaped: recorded with grad mode off, so it has no gradient rule (an engine bug if this runs)');
};

/**
 * `a.matmul(b)` of two 2-D cpu tensors of one float dtype while grad mode is off (a backward walk
 * without createGraph): the same kernel call, so the same bits, without the batch-dim views around
 * bmm. Recorded like bmm so that the tape's bookkeeping (and a trace's op list) still sees a matmul.
 */
export function mmUntaped(a: Tensor, b: Tensor): Tensor {
  const n = a._shape[0], k = a._shape[1], m = b._shape[1];
  const res = Tensor._fromData(product(1, n, m, k, a, b, a.dtype as FloatDType), [n, m], a.dtype);
  return record('matmul', [a, b], res, noVjp);
}

export function mm(a: Tensor, b: Tensor): Tensor {
  checkFloat('mm', a, b, ['input', 'mat2']);
  if (a.ndim !== 2 || b.ndim !== 2) throw new RangeError(`mm: expected 2-D tensors, got shapes ${fmt(a._shape)} and ${fmt(b._shape)}`);
  if (a._shape[1] !== b._shape[0]) {
    throw new RangeError(`mm: shapes ${fmt(a._shape)} and ${fmt(b._shape)} cannot be multiplied (${a._shape[0]}x${a._shape[1]} and ${b._shape[0]}x${b._shape[1]})`);
  }
  return printedAs(bmm(a.unsqueeze(0), b.unsqueeze(0)).squeeze(0), 'MmBackward0', a, b);
}

export function dot(a: Tensor, b: Tensor): Tensor {
  checkFloat('dot', a, b);
  if (a.ndim !== 1 || b.ndim !== 1 || a._shape[0] !== b._shape[0]) {
    throw new RangeError(`dot: expected two 1-D tensors of the same size, got shapes ${fmt(a._shape)} and ${fmt(b._shape)}`);
  }
  return printedAs(mm(a.unsqueeze(0), b.unsqueeze(1)).reshape([]), 'DotBackward0', a, b);
}

/** torch.matmul: dot, matrix-vector, matrix-matrix or batched with broadcast batch dims. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkFloat('matmul', a, b);
  if (a.ndim === 0 || b.ndim === 0) throw new RangeError(`matmul: both arguments need at least 1 dim, got shapes ${fmt(a._shape)} and ${fmt(b._shape)}`);
  const x = a.ndim === 1 ? a.unsqueeze(0) : a;
  const y = b.ndim === 1 ? b.unsqueeze(1) : b;
  const n = x._shape[x.ndim - 2], k = x._shape[x.ndim - 1];
  const k2 = y._shape[y.ndim - 2], m = y._shape[y.ndim - 1];
  if (k !== k2) {
    throw new RangeError(`matmul: shapes ${fmt(a._shape)} and ${fmt(b._shape)} cannot be multiplied (inner sizes ${k} and ${k2} differ)`);
  }
  const batch = broadcastShapes(x._shape.slice(0, -2), y._shape.slice(0, -2), 'matmul');
  const B = batch.reduce((p, s) => p * s, 1);
  const x3 = x.ndim === 2 && B === 1 ? x.unsqueeze(0) : x.expand([...batch, n, k]).reshape([B, n, k]);
  const y3 = y.ndim === 2 && B === 1 ? y.unsqueeze(0) : y.expand([...batch, k, m]).reshape([B, k, m]);
  let out = bmm(x3, y3).reshape([...batch, n, m]);
  if (a.ndim === 1) out = out.squeeze(-2);
  if (b.ndim === 1) out = out.squeeze(-1);
  // PyTorch's matmul dispatches to dot, mv, mm (1-D @ 2-D: mm then a squeeze) or a batched product viewed back.
  const name = a.ndim === 1 && b.ndim === 1 ? 'DotBackward0' : a.ndim === 2 && b.ndim === 1 ? 'MvBackward0'
    : a.ndim === 1 && b.ndim === 2 ? 'SqueezeBackward3' : a.ndim === 2 && b.ndim === 2 ? 'MmBackward0' : 'UnsafeViewBackward0';
  return printedAs(out, name, a, b);
}

// batched matrix products (issue 13)
export interface BaddbmmOptions {
  /** Multiplier of `input` (0: input is ignored, NaN included, as PyTorch). */
  beta?: number;
  /** Multiplier of batch1 @ batch2. */
  alpha?: number;
}

/**
 * beta·input + alpha·(batch1 @ batch2) for [B, n, k] × [B, k, m]; input broadcasts to [B, n, m].
 * @example
 * baddbmm(zeros([2, 3, 4]), randn([2, 3, 5]), randn([2, 5, 4]), { beta: 0.5, alpha: 2 });
 */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, opts: BaddbmmOptions = {}): Tensor {
  checkOptions('baddbmm', opts, ['beta', 'alpha']);
  const beta = opts.beta ?? 1, alpha = opts.alpha ?? 1;
  if (!(input instanceof Tensor)) throw new TypeError('baddbmm: input must be a Tensor');
  if (!(batch1 instanceof Tensor) || !(batch2 instanceof Tensor)) throw new TypeError('baddbmm: batch1 and batch2 must be Tensors');
  if (batch1.ndim !== 3 || batch2.ndim !== 3) throw new RangeError(`baddbmm: batch1 and batch2 must be 3-D, got shapes ${fmt(batch1._shape)} and ${fmt(batch2._shape)}`);
  const [b1, , k1] = batch1._shape, [b2, k2] = batch2._shape;
  if (b1 !== b2 || k1 !== k2) {
    throw new RangeError(`baddbmm: batch1 ${fmt(batch1._shape)} and batch2 ${fmt(batch2._shape)} cannot be multiplied: ${b1 !== b2 ? `batch sizes ${b1} and ${b2}` : `inner sizes ${k1} and ${k2}`} differ`);
  }
  checkSameDtype('baddbmm', ['batch1', batch1], ['batch2', batch2]);
  const prod = bmm(batch1, batch2);
  const shape = broadcastShapes(input._shape, prod._shape, 'baddbmm');
  if (shape.length !== 3 || shape.some((s, i) => s !== prod._shape[i])) {
    throw new RangeError(`baddbmm: input of shape ${fmt(input._shape)} does not broadcast to the product's shape ${fmt(prod._shape)}`);
  }
  const scaled = alpha === 1 ? prod : prod.mul(alpha);
  // PyTorch 1.13 computes in the batches' dtype and casts an input of another float dtype to it (no promotion).
  const inp = input.dtype === prod.dtype || !isFloating(input.dtype) ? input : input.to(prod.dtype);
  // beta 0: input's values (NaN included) are not read, but it stays on the tape with a zero gradient, as PyTorch's.
  if (beta === 0) return input.requiresGrad && scaled._storage.gpu === null ? where(Tensor._fromData(new Uint8Array(1), [], 'bool'), inp, scaled) : scaled;
  return printedAs(scaled.add(beta === 1 ? inp : inp.mul(beta)), 'BaddbmmBackward0', input, batch1, batch2);
}
