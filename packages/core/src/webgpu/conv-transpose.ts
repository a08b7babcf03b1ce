/**
 * Transposed convolution on the webgpu device (issue 17), as conv2d's input gradient is computed: one
 * batched GEMM per group (weightᵀ · x gives the columns), then col2im sums the overlapping columns into
 * the output. Both are taped device ops, so gradients of any order follow.
 */
import type { Tensor } from '../tensor';
import type { ConvGeom } from '../kernels/im2col';
import { checkAllOnDevice, col2im } from './ops';

/**
 * x [N, Cin, h, w], weight [Cin, O/groups, kh, kw], bias [O] or null; `g` as ops/conv.ts's convTransposeOp
 * gives it (C = O/groups, H×W the output, oh×ow the input).
 */
export function convTranspose2d(x: Tensor, w: Tensor, b: Tensor | null, g: ConvGeom, groups: number): Tensor {
  checkAllOnDevice('convTranspose2d', x, w, b);
  const [N, Cin] = x.shape;
  const [, Og, kh, kw] = w.shape;
  const Cgi = Cin / groups, K = Og * kh * kw, L = g.oh * g.ow, O = Og * groups;
  const cols = w.reshape([groups, Cgi, K]).transpose(1, 2).matmul(x.reshape([N, groups, Cgi, L])); // [N, groups, K, L]
  const out = col2im(cols.reshape([N, O * kh * kw, L]), { ...g, C: O });
  return b ? out.add(b.reshape([1, O, 1, 1])) : out;
}
