/**
 * PyTorch's `median`: the lower median (the ⌊(n−1)/2⌋-th smallest), NaN when a NaN is present. Built on
 * kthvalue; the full reduction's gradient is spread evenly over the elements equal to the median (PyTorch's
 * evenly_distribute_backward), the per-dim form's goes to the returned index (through gather).
 */
import { Tensor } from '../tensor';
import { record } from '../autograd/tape';
import { noGrad } from '../autograd/grad-mode';
import { normDim } from '../shape';
import { kthvalue } from './sort';
import { valuesIndices, type ValuesIndices } from './reduce';
import { where } from './indexing';
import { positionalOptions, pos } from '../positional-args';

/** PyTorch's keyword arguments of `median(input, dim=-1, keepdim=False)`. */
export interface MedianOptions { dim?: number; keepdim?: boolean }

/**
 * The lower median of all elements (a 0-d tensor), or along `dim` as `{ values, indices }`; the options
 * object is PyTorch's keywords, alone or last (a keepdim without a dim is refused, as torch.median).
 * @example median(tensor([1, 4, 2, 3])); // 2
 * @example median(tensor([[1, 4, 2, 3]]), 1).values; // [2]
 * @example median(tensor([[1, 4, 2, 3]]), { dim: 1, keepdim: true }).values; // [[2]]
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(x: Tensor, dim: number, opts: Pick<MedianOptions, 'keepdim'>): ValuesIndices;
export function median(x: Tensor, opts: MedianOptions): ValuesIndices;
export function median(x: Tensor, ...given: unknown[]): Tensor | ValuesIndices {
  if (!(x instanceof Tensor)) throw new TypeError('median: expected a Tensor');
  const args = [...given];
  while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  if (args.length === 0 || (args.length === 1 && args[0] === null)) return medianAll(x);
  const o = positionalOptions<MedianOptions>('median', args, [pos.number('dim'), pos.boolean('keepdim')]);
  const dim = o.dim, keepdim = o.keepdim ?? false;
  if (dim === undefined) throw new TypeError('median: keepdim needs a dim, as torch.median (median(x, 1, true) or median(x, { dim: 1, keepdim: true }))');
  if (typeof dim !== 'number') throw new TypeError(`median: dim must be an integer, got ${typeof dim}`);
  if (typeof keepdim !== 'boolean') throw new TypeError(`median: keepdim must be a boolean, got ${typeof keepdim}`);
  const d = normDim(dim, x.ndim, 'median');
  const size = x.ndim === 0 ? 1 : x.shape[d];
  if (size === 0) throw new RangeError(`median: cannot compute the median of an empty dim ${d} (shape [${x.shape.join(', ')}])`);
  if (x.ndim === 0) return valuesIndices(x.mul(1), Tensor._fromData(new Int32Array(1), [], 'int32'));
  const idx = noGrad(() => {
    const k = kthvalue(x.detach(), Math.floor((size - 1) / 2) + 1, d, true).indices;
    const nan = x.detach().isnan();
    // A row with a NaN has median NaN, at its first NaN (argmax of the mask picks the first).
    return where(nan.any(d, true), nan.to('int32').argmax(d, true), k);
  });
  const values = x.gather(d, idx);
  return keepdim ? valuesIndices(values, idx) : valuesIndices(values.squeeze(d), idx.squeeze(d));
}

function medianAll(x: Tensor): Tensor {
  const n = x.numel();
  const v = noGrad(() => {
    if (n === 0) return NaN;
    const flat = x.detach().reshape([n]);
    if (flat.isnan().any().item()) return NaN;
    return kthvalue(flat, Math.floor((n - 1) / 2) + 1, 0).values.item();
  });
  const out = Tensor._fromData(Tensor._fromData(new Float64Array([v]), [], 'float64').to(x.dtype).dataSync(), [], x.dtype);
  return record('median', [x], out, (g) => {
    const mask = Number.isNaN(v) ? x.isnan() : x.eq(v);
    return [where(mask, g.div(mask.sum()), 0)];
  }, [x]);
}
