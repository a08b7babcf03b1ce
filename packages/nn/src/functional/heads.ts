/**
 * The head split and merge of multi-head attention as single copy ops: [N, L, H·D] ↔ [N·H, L, D].
 * Written as reshape → permute → reshape they go through the generic strided copy (an index walk over
 * four dims, one element at a time); here each is one copy of D-long runs (wasm/rows.as, a JS loop on the
 * js backend). Each
 * op's VJP is the other op, so gradients of any order are taped.
 */
import { defineOp, runKernel, moveHeads as moveHeadsWasm, allocateUninit, contigReader } from '@tapegrad/core/internal';
import { Tensor } from '@tapegrad/core';

type Floats = Float32Array | Float64Array;

/** split: out[n, h, l, :] = x[n, l, h·D : (h+1)·D]; merge: the inverse. */
function moveHeads(src: Floats, out: Floats, N: number, L: number, H: number, D: number, split: boolean): void {
  const E = H * D;
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      let packed = n * L * E + h * D, heads = (n * H + h) * L * D;
      for (let l = 0; l < L; l++, packed += E, heads += D) {
        if (split) for (let d = 0; d < D; d++) out[heads + d] = src[packed + d];
        else for (let d = 0; d < D; d++) out[packed + d] = src[heads + d];
      }
    }
  }
}

function headsOp(x: Tensor, N: number, L: number, H: number, D: number, split: boolean): Tensor {
  return defineOp(split ? 'splitHeads' : 'mergeHeads', {
    forward() {
      const out = allocateUninit(x.dtype === 'float64' ? 'float64' : 'float32', N * L * H * D) as Floats;
      const read = contigReader(x); // a non-contiguous x's copy made here, not per run (compile's replay)
      runKernel(() => {
        const src = read() as Floats;
        if (!moveHeadsWasm(src, out, N, L, H, D, split)) moveHeads(src, out, N, L, H, D, split);
      }, out);
      return Tensor._fromData(out, split ? [N * H, L, D] : [N, L, H * D], x.dtype);
    },
    backward(_ctx, g) {
      return [headsOp(g, N, L, H, D, !split)];
    },
  })(x);
}

/**
 * [N, L, H·D] → [N·H, L, D]: head h of batch entry n is entry n·H + h (as
 * `x.reshape([N, L, H, D]).permute([0, 2, 1, 3]).reshape([N * H, L, D])`). Floating dtypes only.
 */
export function splitHeads(x: Tensor, H: number): Tensor {
  const [N, L, E] = x.shape;
  // The copy kernel reads host memory; a webgpu tensor takes the view ops' device copy.
  if (x.device !== 'cpu') return x.reshape([N, L, H, E / H]).permute([0, 2, 1, 3]).reshape([N * H, L, E / H]);
  return headsOp(x, N, L, H, E / H, true);
}

/** The inverse of {@link splitHeads}: [N·H, L, D] → [N, L, H·D]. */
export function mergeHeads(x: Tensor, N: number, H: number): Tensor {
  const [, L, D] = x.shape;
  if (x.device !== 'cpu') return x.reshape([N, H, L, D]).permute([0, 2, 1, 3]).reshape([N, L, H * D]);
  return headsOp(x, N, L, H, D, false);
}
