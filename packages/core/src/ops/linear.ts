/**
 * F.linear, y = x·Wᵀ + b (weight in PyTorch's [out, in] layout), as one fused primitive: the bias is
 * written into the output first and the GEMM accumulates onto it (beta = 1), and the VJP produces ∂L/∂W
 * directly in W's own [out, in] layout (Gᵀ·X), so optimizers read a contiguous gradient.
 */
import { Tensor } from '../tensor';
import { allocate, allocateUninit, type FloatDType, isFloating, FloatArray } from '../dtype';
import { fmt } from '../shape';
import { record, printedAs } from '../autograd/tape';
import { gemm } from '../kernels/gemm';
import { asOperand, mmUntaped } from './matmul';
import { isGradEnabled } from '../autograd/grad-mode';
import { runKernel } from '../compile/capture';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)

export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (!(x instanceof Tensor) || !(weight instanceof Tensor)) throw new TypeError('linear: expected Tensor input and weight');
  if (weight.ndim !== 2) throw new RangeError(`linear: weight must be 2-D [out, in], got shape ${fmt(weight._shape)}`);
  const [outF, inF] = weight._shape;
  if (x.ndim === 0 || x._shape[x.ndim - 1] !== inF) {
    throw new RangeError(`linear: input has shape ${fmt(x._shape)} but the weight ${fmt(weight._shape)} expects ${inF} input features in the last dim`);
  }
  if (bias && (bias.ndim !== 1 || bias._shape[0] !== outF)) throw new RangeError(`linear: bias must have shape [${outF}], got ${fmt(bias._shape)}`);
  if (!isFloating(x.dtype) || !isFloating(weight.dtype) || (bias && !isFloating(bias.dtype))) {
    throw new TypeError(`linear: expected floating point tensors, got input ${x.dtype}, weight ${weight.dtype}${bias ? `, bias ${bias.dtype}` : ''}`);
  }
  // PyTorch refuses mixed dtypes here ("mat1 and mat2 must have the same dtype") rather than promoting.
  if (x.dtype !== weight.dtype || (bias && bias.dtype !== weight.dtype)) {
    throw new TypeError(
      `linear: input is ${x.dtype} but weight is ${weight.dtype}${bias && bias.dtype !== weight.dtype ? ` and bias ${bias.dtype}` : ''}; they must have the same dtype (as PyTorch) — convert the input (x.to('${weight.dtype}')) or the module (model.to('${x.dtype}'))`,
    );
  }
  const dtype = weight.dtype;
  const lead = x._shape.slice(0, -1);
  const x2 = x.ndim === 2 ? x : x.reshape([-1, inF]);
  const xs = x2.to(dtype), w = weight.to(dtype);
  const N = x2._shape[0];
  const b = bias ? bias.to(dtype) : null;
  let res: Tensor;
  if (xs._storage.gpu !== null || w._storage.gpu !== null || (b !== null && b._storage.gpu !== null)) res = WG.linear(xs, w, b); // webgpu (issue 17)
  else {
    // Fully written either way (bias rows, or GEMM with beta 0), so it may be a recycled buffer.
    const out = (bias || inF > 0 ? allocateUninit(dtype as FloatDType, N * outF) : allocate(dtype, N * outF)) as FloatArray;
    const A = N * outF > 0 && inF > 0 ? asOperand(xs) : null, W = A ? asOperand(w) : null;
    runKernel(() => {
      if (b) {
        const bd = b._contigData() as FloatArray;
        for (let i = 0; i < N; i++) out.set(bd, i * outF);
      }
      if (A && W) gemm(A.trans, !W.trans, N, outF, inF, 1, A.data, A.off, A.ld, W.data, W.off, W.ld, b ? 1 : 0, out, 0, outF);
    }, out);
    res = Tensor._fromData(out, [N, outF], dtype);
  }
  const inputs = bias ? [x2, weight, bias] : [x2, weight];
  const y = record('linear', inputs, res, (g) => untaped(g, x2, weight) ? [
    // A backward walk without createGraph: the products of the rule below, without matmul's views.
    x2.requiresGrad ? mmUntaped(g, weight) : null,
    weight.requiresGrad ? mmUntaped(g.t(), x2) : null,
    bias && bias.requiresGrad ? g.sum(0) : null,
  ] : [
    x2.requiresGrad ? g.matmul(weight.to(dtype)).to(x2.dtype) : null,
    weight.requiresGrad ? g.t().matmul(x2.to(dtype)).to(weight.dtype) : null,
    bias && bias.requiresGrad ? g.sum(0).to(bias.dtype) : null,
  ], [x2, weight]);
  // PyTorch's linear of an N-d input (N ≠ 2) ends in a view of its matmul (no bias) or addmm (bias).
  return x.ndim === 2 ? y : printedAs(y.reshape([...lead, outF]), bias ? 'ViewBackward0' : 'UnsafeViewBackward0', x, weight);
}

/** Whether linear's VJP may take its products without recording them: grad mode off, one float dtype, all on the cpu. */
function untaped(g: Tensor, x: Tensor, w: Tensor): boolean {
  return !isGradEnabled() && g.ndim === 2 && g.dtype === w.dtype && x.dtype === w.dtype &&
    g._storage.gpu === null && x._storage.gpu === null && w._storage.gpu === null;
}
