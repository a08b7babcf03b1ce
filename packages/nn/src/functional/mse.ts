/**
 * mseLoss's reduced forms ('mean', 'sum') as one op: the composition (sub, square, reduce) costs three
 * full-size passes forward and five backward (the mean's broadcast divide, two products, their sum, a
 * negation). Here the forward is one pass and the VJP one pass per input that needs it, with the same
 * float32/float64 roundings as the composition, so the values are bitwise those of
 * `input.sub(target).square().mean()` and its gradient. With grad mode on (createGraph) the VJP is
 * written in Tensor ops, so second derivatives are taped.
 */
import { defineOp, runKernel, allocateUninit, squaredErrorSumF32, squaredErrorGradF32 } from '@tapegrad/core/internal';
import { Tensor, isGradEnabled } from '@tapegrad/core';

/**
 * Σ (input − target)² (reduction 'sum') or its mean, for input and target of the same shape and
 * floating dtype (mseLoss checks both).
 */
export function fusedSquaredError(input: Tensor, target: Tensor, mean: boolean): Tensor {
  const dtype = input.dtype;
  const n = input.numel();
  const f32 = dtype === 'float32';
  const alloc = (k: number): Float32Array | Float64Array => (f32 ? new Float32Array(k) : new Float64Array(k));
  return defineOp('mseLoss', {
    forward(ctx) {
      ctx.saveForBackward(input, target);
      const out = alloc(1);
      runKernel(() => {
        const X = input._contigData(), T = target._contigData();
        // As sub, mul (each rounded to dtype) then sum (a float64 accumulator rounded once), then div.
        const fromWasm = f32 ? squaredErrorSumF32(X, T) : null; // wasm/rows.as: the same roundings and order
        let s = 0;
        if (fromWasm !== null) s = fromWasm;
        else if (f32) {
          for (let i = 0; i < n; i++) {
            const d = Math.fround(X[i] - T[i]);
            s += Math.fround(d * d);
          }
        } else {
          for (let i = 0; i < n; i++) {
            const d = X[i] - T[i];
            s += d * d;
          }
        }
        out[0] = s;
        if (mean) out[0] = out[0] / n;
      }, out);
      return Tensor._fromData(out, [], dtype);
    },
    backward(ctx, g) {
      const wantX = input.requiresGrad, wantT = target.requiresGrad;
      if (isGradEnabled()) {
        const d = input.sub(target);
        const gi = (mean ? g.div(n) : g).mul(d).mul(2);
        return [wantX ? gi : null, wantT ? gi.neg() : null];
      }
      // The composition's gradient: (g / n) broadcast, times d twice, summed (2·p, exact), negated for target.
      const DX = wantX ? allocateUninit(dtype === 'float64' ? 'float64' : 'float32', n) : null;
      const DT = wantT ? allocateUninit(dtype === 'float64' ? 'float64' : 'float32', n) : null;
      runKernel(() => {
        const X = input._contigData(), T = target._contigData();
        const gv = g._contigData()[0];
        const gm = mean ? (f32 ? Math.fround(gv / n) : gv / n) : gv;
        const out = DX ?? DT!;
        if (f32 && squaredErrorGradF32(X, T, out, gm)) {
          // the wasm kernel (wasm/rows.as), bitwise the loop below
        } else if (f32) for (let i = 0; i < n; i++) out[i] = 2 * Math.fround(gm * Math.fround(X[i] - T[i]));
        else for (let i = 0; i < n; i++) out[i] = 2 * (gm * (X[i] - T[i]));
        if (DX && DT) for (let i = 0; i < n; i++) DT[i] = -DX[i];
        else if (DT) for (let i = 0; i < n; i++) DT[i] = -DT[i];
      }, DX ?? undefined, DT ?? undefined);
      return [DX ? Tensor._fromData(DX, input.shape, dtype) : null, DT ? Tensor._fromData(DT, target.shape, dtype) : null];
    },
  })(input, target);
}
