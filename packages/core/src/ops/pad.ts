/**
 * F.pad: padding given last dim first, as PyTorch (`[left, right, top, bottom, ...]`). Composed of
 * existing ops, so its gradients (and their gradients) come with them: constant padding is a cat
 * with constant blocks (negative amounts crop, a narrow); reflect, replicate and circular pick
 * source positions with indexSelect, whose gradient adds each position's contributions back.
 */
import { checkOptionKeys } from '../options';
import { Tensor } from '../tensor';
import { printedAs } from '../autograd/tape';
import { allocate, checkInt32 } from '../dtype';
import { fmt } from '../shape';
import { cat, narrow } from './view';
import { indexSelect } from './indexing';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** F.pad keyword arguments. */
export interface PadOptions {
  /** `'constant'` (default), `'reflect'`, `'replicate'` or `'circular'`. */
  mode?: PadMode;
  /** The fill of constant padding (default 0). */
  value?: number;
}

const MODES: readonly string[] = ['constant', 'reflect', 'replicate', 'circular'];

function constantBlock(x: Tensor, dim: number, n: number, value: number): Tensor {
  const shape = x.shape;
  shape[dim] = n;
  const data = allocate(x.dtype, shape.reduce((a, b) => a * b, 1));
  if (x.dtype === 'int32') checkInt32(value, 'pad', 'fill value');
  if (value !== 0) data.fill(value);
  return Tensor._fromData(data, shape, x.dtype);
}

/** Source index of each output position of a padded dim of size n. */
function sourceIndex(mode: PadMode, n: number, before: number, after: number): Int32Array {
  const idx = new Int32Array(n + before + after);
  for (let i = 0; i < idx.length; i++) {
    const p = i - before;
    if (mode === 'replicate') idx[i] = Math.min(Math.max(p, 0), n - 1);
    else if (mode === 'circular') idx[i] = ((p % n) + n) % n;
    else idx[i] = p < 0 ? -p : p >= n ? 2 * (n - 1) - p : p;
  }
  return idx;
}

/**
 * Pads `x`: `pad` holds (before, after) amounts for the last dim, then the one before it, and so on
 * (PyTorch's order). Any amount may be negative (cropping). Constant padding works on any dims; reflect,
 * replicate and circular pad the last 1, 2 or 3 dims of a tensor with one or two more dims (a batch
 * and/or channel dim), as PyTorch 1.13 (circular: batched inputs only, two more dims). Reflect needs each
 * amount smaller than its dim; circular at most its dim.
 * @example
 * pad(x, [1, 1, 2, 0]);                      // [N, C, H, W] -> [N, C, H + 2, W + 2], zeros
 * pad(x, [2, 1], { mode: 'reflect' });       // reflect the last dim
 * pad(x, [1, 1], 'constant', -1);            // PyTorch's positional form F.pad(x, (1, 1), 'constant', -1)
 */
export function pad(x: Tensor, pad: readonly number[], modeOrOpts: PadMode | PadOptions = 'constant', value?: number): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`pad: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  let mode: PadMode;
  let fill = value ?? 0;
  if (typeof modeOrOpts === 'object' && modeOrOpts !== null) {
    checkOptionKeys('pad', modeOrOpts, ['mode', 'value']);
    mode = modeOrOpts.mode ?? 'constant';
    if (modeOrOpts.value !== undefined) fill = modeOrOpts.value;
  } else mode = modeOrOpts;
  if (!MODES.includes(mode)) throw new RangeError(`pad: unknown padding mode '${String(mode)}'; expected one of ${MODES.map((m) => `'${m}'`).join(', ')}`);
  if (!Array.isArray(pad) || pad.length % 2 !== 0 || pad.some((p) => typeof p !== 'number' || !Number.isInteger(p))) {
    throw new RangeError(`pad: pad must be a list of an even number of integers ((before, after) for the last dim first), got ${Array.isArray(pad) ? fmt(pad) : String(pad)}`);
  }
  const nd = pad.length / 2;
  if (nd > x.ndim) throw new RangeError(`pad: ${pad.length} amounts ${fmt(pad)} pad ${nd} dims, but the input has only ${x.ndim} (shape ${fmt(x._shape)})`);
  if (typeof fill !== 'number') throw new TypeError(`pad: value must be a number, got ${typeof fill}`);
  if (mode !== 'constant') {
    if (fill !== 0) throw new RangeError(`pad: a fill value (${fill}) is only used by mode 'constant', not '${mode}'`);
    if (nd > 3 || (x.ndim !== nd + 1 && x.ndim !== nd + 2)) {
      throw new RangeError(`pad: mode '${mode}' pads the last 1, 2 or 3 dims of a ${nd + 1}-D or ${nd + 2}-D input (${pad.length} amounts pad ${nd} dims), got shape ${fmt(x._shape)}`);
    }
    if (mode === 'circular' && x.ndim !== nd + 2) {
      throw new RangeError(`pad: mode 'circular' pads a batched input: ${pad.length} amounts need a ${nd + 2}-D [N, C, ...] input, got shape ${fmt(x._shape)} (PyTorch 1.13's rule)`);
    }
  }
  const outSizes = Array.from({ length: nd }, (_, i) => x._shape[x.ndim - 1 - i] + pad[2 * i] + pad[2 * i + 1]);
  // PyTorch 1.13's constant_pad_nd: a pure crop may empty a dim, but once anything is added every padded
  // dim must keep at least one element.
  if (mode === 'constant' && pad.some((p) => p > 0)) {
    const i = outSizes.findIndex((s) => s <= 0);
    if (i >= 0) {
      const dim = x.ndim - 1 - i;
      throw new RangeError(`pad: the input size ${x._shape[dim]} of dim ${dim} plus padding (${pad[2 * i]}, ${pad[2 * i + 1]}) leaves ${outSizes[i]} elements (input shape ${fmt(x._shape)}); with positive amounts elsewhere each padded dim must keep at least 1`);
    }
  }
  // PyTorch 1.13's reflection and replication pads refuse an output only when all its padded dims are
  // empty (or one is negative); one emptied dim among others gives an empty tensor.
  const allEmpty = outSizes.every((s) => s < 1);
  let y = x;
  for (let i = 0; i < nd; i++) {
    const dim = x.ndim - 1 - i, before = pad[2 * i], after = pad[2 * i + 1];
    if (before === 0 && after === 0) continue;
    const n = y._shape[dim];
    if (mode === 'constant') {
      // Negative amounts crop first, positive ones then add constant blocks.
      const start = Math.max(0, -before), len = n - start - Math.max(0, -after);
      if (len < 0) throw new RangeError(`pad: amounts (${before}, ${after}) crop more than the ${n} elements of dim ${dim} (shape ${fmt(x._shape)})`);
      if (start > 0 || len < n) y = narrow(y, dim, start, len);
      const parts: Tensor[] = [];
      if (before > 0) parts.push(constantBlock(y, dim, before, fill));
      parts.push(y);
      if (after > 0) parts.push(constantBlock(y, dim, after, fill));
      if (parts.length > 1) y = cat(parts, dim);
      continue;
    }
    // Negative amounts crop, as PyTorch: reflect and replicate index the whole dim (so a crop on one side
    // does not change what the other side reflects); circular crops first and then wraps the cropped part.
    if (n + before + after < (mode !== 'circular' && allEmpty ? 1 : 0)) {
      throw new RangeError(`pad: ${mode} padding (${before}, ${after}) of dim ${dim} leaves ${n + before + after} elements of its ${n} (input shape ${fmt(x._shape)}); the output must not be empty`);
    }
    if (mode === 'reflect' && (before >= n || after >= n)) {
      throw new RangeError(`pad: reflect padding (${before}, ${after}) of dim ${dim} must be smaller than its size ${n} (input shape ${fmt(x._shape)})`);
    }
    if (mode === 'replicate' && n === 0) throw new RangeError(`pad: replicate padding of dim ${dim} needs a non-empty dim (input shape ${fmt(x._shape)})`);
    if (mode === 'circular') {
      const start = Math.max(0, -before), len = n - start - Math.max(0, -after);
      if (Math.max(0, before) > len || Math.max(0, after) > len) {
        throw new RangeError(`pad: circular padding (${before}, ${after}) of dim ${dim} must be at most its size ${len}${len !== n ? ' after cropping' : ''} (input shape ${fmt(x._shape)}); it would wrap around more than once`);
      }
      if (len < n) y = narrow(y, dim, start, len);
      const b = Math.max(0, before), a = Math.max(0, after);
      if (b > 0 || a > 0) y = indexSelect(y, dim, Tensor._fromData(sourceIndex(mode, len, b, a), [len + b + a], 'int32'));
      continue;
    }
    const idx = Tensor._fromData(sourceIndex(mode, n, before, after), [n + before + after], 'int32');
    y = indexSelect(y, dim, idx);
  }
  // PyTorch's nodes: ConstantPadNdBackward0, ReflectionPad{1,2}DBackward0, ReplicationPad{1,2,3}DBackward0 (by the padded dims).
  const name = mode === 'constant' ? 'ConstantPadNdBackward0' : mode === 'reflect' ? `ReflectionPad${nd}DBackward0` : mode === 'replicate' ? `ReplicationPad${nd}DBackward0` : null;
  const out = y === x ? x.clone() : y;
  return name === null ? out : printedAs(out, name, x);
}
