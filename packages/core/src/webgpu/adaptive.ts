/**
 * Adaptive average pooling on the webgpu device (issue 17): each spatial axis's windows as an averaging
 * matrix A [out, size] (A[o, i] = 1/|window o| for i in window o), so the pooling is x·A_wᵀ (and A_h·… for
 * 2-D), matrix products whose VJPs give the gradient. The matrices are uploaded once per geometry.
 */
import { Tensor } from '../tensor';
import { deviceConstant } from './ops';

/** One axis of ops/pooling.ts's plan: output o reads taps[start[o] .. start[o+1]). */
export interface WindowAxis { size: number; out: number; start: Int32Array; taps: Int32Array }

/** Aᵀ [size, out] of an axis, on the device. */
function averagerT(a: WindowAxis): Tensor {
  return deviceConstant(`averager:${a.size}:${Array.from(a.start).join(',')}:${Array.from(a.taps).join(',')}`, () => {
    const m = new Float32Array(a.size * a.out);
    for (let o = 0; o < a.out; o++) {
      const lo = a.start[o], hi = a.start[o + 1];
      for (let j = lo; j < hi; j++) m[a.taps[j] * a.out + o] += 1 / (hi - lo);
    }
    return Tensor._fromData(m, [a.size, a.out], 'float32');
  });
}

/** adaptiveAvgPool1d/2d of a float32 webgpu tensor over its last `spatial` dims (h unused for 1-D). */
export function adaptiveAvgPool(x: Tensor, spatial: number, h: WindowAxis, w: WindowAxis): Tensor {
  if (x.dtype !== 'float32') throw new TypeError(`adaptiveAvgPool${spatial}d: the webgpu device pools float32 tensors only, got ${x.dtype}`);
  const rows = x.matmul(averagerT(w)); // [..., H, ow]
  if (spatial === 1) return rows;
  return rows.transpose(-1, -2).matmul(averagerT(h)).transpose(-1, -2).contiguous(); // [..., oh, ow]
}
