/**
 * The indices of ops/sort.ts (sort, argsort, topk, kthvalue) on the webgpu device (issue 17): the sorted
 * dim moved last, one bitonic sort per row (kernels/sort.wgsl.ts), the first `take` indices moved back.
 * The values are gathered at them by the caller, so the gradients are gather's, as on the cpu.
 */
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { dispatch } from './device';
import { bufferOf, cast, copy, full, gpuTensor } from './ops';
import { SORT_MAX, argsortSource } from './kernels/sort.wgsl';

/** The int32 positions along `d` that order each line of x (ascending, or descending), the first `take` of them. */
export function sortIndices(op: string, x: Tensor, d: number, descending: boolean, take: number): Tensor {
  if (x.ndim === 0) return full([], 'int32', 0);
  const len = x.shape[d];
  if (len > SORT_MAX) throw new RangeError(`${op}: the webgpu device sorts lines of at most ${SORT_MAX} elements for now, got ${len} along dim ${d} (shape ${fmt(x.shape)}); move the tensor to the cpu with await x.cpuAsync()`);
  const keys = x.dtype === 'bool' ? cast(x, 'int32', op) : x;
  const last = keys.transpose(d, -1);
  const rowsT = last.isContiguous() ? last : copy(last);
  const outShape = [...rowsT.shape.slice(0, -1), take];
  const res = gpuTensor(op, 'int32', outShape);
  const rows = len === 0 ? 0 : rowsT.numel() / len;
  if (rows > 0 && take > 0) {
    let P = 1;
    while (P < len) P *= 2;
    const t = keys.dtype === 'float32' ? 'f32' : 'i32';
    dispatch(op, `argsort:${t}`, () => argsortSource(t), rows, [bufferOf(rowsT), bufferOf(res)], (p) => {
      p.i[0] = rows;
      p.i[1] = len;
      p.i[2] = P;
      p.i[3] = descending ? 1 : 0;
      p.i[4] = rowsT.nd.offset;
      p.i[5] = take;
    });
  } else if (rows === 0 && take > 0) {
    return full(outShape, 'int32', 0).transpose(d, -1);
  }
  const back = res.transpose(d, -1);
  return back.isContiguous() ? back : copy(back);
}
