/** Reordering along dims: flip (primitive, a copy as in PyTorch), roll and repeatInterleave (composed). */
import { Tensor, stridedCopy } from '../tensor';
import { allocate } from '../dtype';
import { fmt, normDim, normDims } from '../shape';
import { record, printedAs } from '../autograd/tape';
import { cat } from './view';
import { indexSelect } from './indexing';
import { checkOptions, isPlainOptions } from '../options';
import { PositionalArgs, pos, positionalOptions } from '../positional-args';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)

/**
 * Reverses the order of elements along each of `dims` (a copy, as torch.flip).
 * @example
 * flip(tensor([[1, 2], [3, 4]], { dtype: 'float32' }), [1]); // [[2, 1], [4, 3]]
 */
export function flip(x: Tensor, dims: number | number[]): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError('flip: expected a Tensor');
  const ds = normDims(typeof dims === 'number' ? [dims] : dims, x.ndim, 'flip');
  const stride = x.nd.stride.slice();
  let offset = x.nd.offset;
  // A view with negative strides over the flipped dims, read once into a fresh row-major copy.
  for (const d of ds) {
    if (x.ndim === 0) break;
    if (x._shape[d] > 0) offset += (x._shape[d] - 1) * stride[d];
    stride[d] = -stride[d];
  }
  const view = new Tensor(x._storage, x.shape, stride, offset, x.dtype);
  let res: Tensor;
  if (x._storage.gpu !== null) res = WG.copy(view); // webgpu (issue 17): the device copy reads negative strides
  else {
    const out = allocate(x.dtype, x.numel());
    stridedCopy(view, out);
    res = Tensor._fromData(out, x.shape, x.dtype);
  }
  return record('flip', [x], res, (g) => [flip(g, ds)]);
}

/**
 * Shifts elements along `dims` by `shifts`, wrapping around (torch.roll). Without dims the tensor is
 * flattened, rolled, and given its shape back.
 * @example
 * roll(tensor([1, 2, 3, 4], { dtype: 'float32' }), 1); // tensor([4., 1., 2., 3.])
 * roll(x, [1, -2], { dims: [0, 1] }); // roll(x, [1, -2], [0, 1])
 */
export interface RollOptions {
  /** The dims to roll along, one per shift (default: none, the flattened tensor). */
  dims?: number | number[] | null;
}

/** roll's argument after shifts: the dims, or the options. */
export type RollArgs = PositionalArgs<[], [dims: number | number[] | null], RollOptions>;

export function roll(x: Tensor, shifts: number | number[], ...args: RollArgs): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError('roll: expected a Tensor');
  const { dims } = positionalOptions<RollOptions>('roll', args, [pos.nullableSize('dims')], undefined, 2);
  const sh = typeof shifts === 'number' ? [shifts] : shifts;
  if (!Array.isArray(sh) || sh.some((s) => !Number.isInteger(s))) throw new TypeError(`roll: shifts must be integers, got ${String(shifts)}`);
  if (dims === undefined || dims === null || (Array.isArray(dims) && dims.length === 0)) {
    if (sh.length !== 1) throw new RangeError(`roll: without dims, shifts must be a single number, got ${fmt(sh)}`);
    return printedAs(roll(x.flatten(), sh, 0).reshape(x.shape), 'RollBackward0', x);
  }
  const ds = typeof dims === 'number' ? [dims] : dims;
  if (ds.length !== sh.length) throw new RangeError(`roll: shifts ${fmt(sh)} and dims ${fmt(ds)} must have the same length`);
  if (x.ndim === 0) throw new RangeError(`roll: dim ${ds[0]} is out of range for a tensor of rank 0 (a 0-d input has no dim to roll along, as in PyTorch; omit dims)`);
  let y = x;
  ds.forEach((dim, i) => {
    const d = normDim(dim, x.ndim, 'roll');
    const n = x._shape[d];
    if (n === 0) return;
    const s = ((sh[i] % n) + n) % n;
    if (s === 0) return;
    y = cat([y.narrow(d, n - s, s), y.narrow(d, 0, n - s)], d);
  });
  return printedAs(y === x ? x.clone() : y, 'RollBackward0', x);
}

export interface RepeatInterleaveOptions {
  /** The dim to repeat along (default: none, the flattened input). */
  dim?: number | null;
  /** The total output size along dim, when known (checked against the repeats). */
  outputSize?: number;
}

/**
 * Repeats each element (each slice along `dim`) `repeats` times, or `repeats[i]` times for an int32
 * tensor or array of counts (torch.repeat_interleave). Without dim the input is flattened first.
 * With only an int32 tensor of counts (`repeatInterleave(counts)`), repeats each index 0..n-1 that often.
 * @example
 * repeatInterleave(tensor([1, 2], { dtype: 'float32' }), 2); // tensor([1., 1., 2., 2.])
 * repeatInterleave(tensor([2, 0, 1], { dtype: 'int32' })); // tensor([0, 0, 2], dtype=int32)
 * repeatInterleave(x, 2, { dim: 0, outputSize: 6 }); // repeatInterleave(x, 2, 0, { outputSize: 6 })
 */
/** repeatInterleave's repeats: a count, one count per element, an int32 tensor of them; or only the options (the input is the counts). */
export type Repeats = number | number[] | Tensor | Pick<RepeatInterleaveOptions, 'outputSize'>;
/** repeatInterleave's arguments after repeats: the dim, then optionally the options. */
export type RepeatInterleaveArgs = PositionalArgs<[], [dim: number | null], RepeatInterleaveOptions>;

export function repeatInterleave(x: Tensor, repeats?: Repeats, ...args: RepeatInterleaveArgs): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError('repeatInterleave: expected a Tensor');
  if (repeats === undefined || isPlainOptions(repeats)) {
    // torch.repeat_interleave(repeats, *, output_size): the indices, each repeated.
    if (args.length > 0) throw new TypeError('repeatInterleave: with only a tensor of repeats there is no dim; give repeatInterleave(counts) or repeatInterleave(counts, { outputSize })');
    const { outputSize } = checkOptions('repeatInterleave', repeats, ['outputSize']);
    if (x.dtype !== 'int32') throw new TypeError(`repeatInterleave: with only one tensor it is the repeats and must be int32, got ${x.dtype}`);
    const n = x.ndim === 0 ? 1 : x._shape[0];
    return repeatInterleave(Tensor._fromData(Int32Array.from({ length: n }, (_, i) => i), [n], 'int32'), x, 0, { outputSize });
  }
  const reps = repeats as number | number[] | Tensor;
  const opts = positionalOptions<RepeatInterleaveOptions>('repeatInterleave', args, [pos.nullableNumber('dim')], ['dim', 'outputSize'], 2);
  const dim = opts.dim;
  if (x.ndim === 0 && dim !== undefined && dim !== null) {
    throw new RangeError(`repeatInterleave: dim ${dim} is out of range for a tensor of rank 0 (a 0-d input has no dim to repeat along, as in PyTorch; omit dim)`);
  }
  const input = dim === undefined || dim === null ? x.flatten() : x;
  const d = dim === undefined || dim === null ? 0 : normDim(dim, x.ndim, 'repeatInterleave');
  const size = input.ndim === 0 ? 1 : input._shape[d];
  let counts: number[];
  if (reps instanceof Tensor) {
    if (reps.dtype !== 'int32') throw new TypeError(`repeatInterleave: repeats must be an int32 tensor, got ${reps.dtype}`);
    if (reps.ndim > 1) throw new RangeError(`repeatInterleave: repeats must be 0-d or 1-D, got shape ${fmt(reps._shape)}`);
    counts = Array.from(reps._contigData());
  } else counts = typeof reps === 'number' ? [reps] : reps.slice();
  if (counts.some((c) => !Number.isInteger(c) || c < 0)) throw new RangeError(`repeatInterleave: repeats must be non-negative integers, got ${fmt(counts)}`);
  if (counts.length === 1) counts = new Array<number>(size).fill(counts[0]);
  if (counts.length !== size) {
    throw new RangeError(`repeatInterleave: repeats has ${counts.length} entries but dim ${d} of the input has size ${size} (shape ${fmt(input._shape)}); give one count per element or a single count`);
  }
  const total = counts.reduce((a, b) => a + b, 0);
  if (opts.outputSize !== undefined && opts.outputSize !== total) {
    throw new RangeError(`repeatInterleave: outputSize ${opts.outputSize} does not match the sum of repeats ${total}`);
  }
  const index = new Int32Array(total);
  for (let i = 0, p = 0; i < counts.length; i++) for (let r = 0; r < counts[i]; r++) index[p++] = i;
  return indexSelect(input, d, Tensor._fromData(index, [total], 'int32'));
}
