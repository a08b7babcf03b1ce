/**
 * Shape ops. Views share storage (no copy): their VJPs apply the inverse view to the gradient.
 * reshape copies only when the strides cannot express the new shape (as PyTorch); cat copies.
 */
import { Tensor, Storage, stridedCopy } from '../tensor';
import { allocate, promote } from '../dtype';
import { checkShape, fmt, normDim, numelOf, contiguousStrides } from '../shape';
import { runKernel } from '../compile/capture';
import { contigReader } from './kernels';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)
import { record, printedAs } from '../autograd/tape';
import { sumTo } from './reduce';
import { zerosOf } from './cast';
import { checkOptionKeys } from '../options';

export function dimOf(x: Tensor, dim: number, op: string): number {
  return normDim(dim, x.ndim, op);
}

/** The tensor each view was cut from (the root of its chain of views): in-place ops on a view update it. */
const bases = new WeakMap<Tensor, Tensor>();
export function viewBase(t: Tensor): Tensor | undefined {
  return bases.get(t);
}

export function makeView(x: Tensor, shape: number[], stride: number[], offset: number): Tensor {
  const v = new Tensor(x._storage, shape, stride, offset, x.dtype);
  bases.set(v, bases.get(x) ?? x);
  return v;
}

function inferShape(x: Tensor, shape: number[], op: string): number[] {
  const n = x.numel();
  let infer = -1;
  const out = shape.slice();
  out.forEach((s, i) => {
    if (s === -1) {
      if (infer >= 0) throw new RangeError(`${op}: only one dimension can be -1, got shape ${fmt(shape)}`);
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) throw new RangeError(`${op}: invalid size ${s} in shape ${fmt(shape)}`);
  });
  const known = out.reduce((a, s, i) => (i === infer ? a : a * s), 1);
  if (infer >= 0) {
    if (known === 0 || n % known !== 0) throw new RangeError(`${op}: shape ${fmt(shape)} is invalid for input of size ${n} (shape ${fmt(x._shape)})`);
    out[infer] = n / known;
  }
  if (numelOf(out) !== n) throw new RangeError(`${op}: shape ${fmt(shape)} is invalid for input of size ${n} (shape ${fmt(x._shape)})`);
  return out;
}

/** Strides for viewing x as `shape` without copying, or null (torch's computeStride). */
function viewStrides(x: Tensor, shape: number[]): number[] | null {
  if (x.isContiguous()) return contiguousStrides(shape);
  const osh = x._shape, ost = x.nd.stride;
  const out = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let chunkBase = ost[ost.length - 1];
  let tensorNumel = 1, viewNumel = 1;
  for (let d = osh.length - 1; d >= 0; d--) {
    tensorNumel *= osh[d];
    if (d === 0 || (osh[d - 1] !== 1 && ost[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) { chunkBase = ost[d - 1]; tensorNumel = 1; viewNumel = 1; }
    }
  }
  if (viewD !== -1) return null;
  return out;
}

function viewAs(x: Tensor, shape: number[], op: string): Tensor {
  const stride = viewStrides(x, shape);
  const v = stride ? makeView(x, shape, stride, x.nd.offset) : null;
  if (!v) throw new RangeError(`${op}: view size is not compatible with the input's size and stride; use reshape() instead`);
  return record(op, [x], v, (g) => [g.reshape(x._shape)]);
}

export function view(x: Tensor, shape: number[]): Tensor {
  return viewAs(x, inferShape(x, shape, 'view'), 'view');
}

export function reshape(x: Tensor, shape: number[]): Tensor {
  const s = inferShape(x, shape, 'reshape');
  if (viewStrides(x, s)) return viewAs(x, s, 'reshape');
  return printedAs(viewAs(clone(x), s, 'reshape'), 'UnsafeViewBackward0', x); // PyTorch's reshape that copies
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim(startDim, x.ndim, 'flatten'), e = normDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new RangeError(`flatten: startDim ${startDim} cannot come after endDim ${endDim}`);
  const sh = x._shape;
  return reshape(x, [...sh.slice(0, s), numelOf(sh.slice(s, e + 1)), ...sh.slice(e + 1)]);
}

export function permute(x: Tensor, dims: number[]): Tensor {
  if (dims.length !== x.ndim) throw new RangeError(`permute: got ${dims.length} dims ${fmt(dims)} for a tensor of rank ${x.ndim}`);
  const p = dims.map((d) => normDim(d, x.ndim, 'permute'));
  if (new Set(p).size !== p.length) throw new RangeError(`permute: dims ${fmt(dims)} repeat a dim`);
  const v = makeView(x, p.map((d) => x._shape[d]), p.map((d) => x.nd.stride[d]), x.nd.offset);
  const inv = p.map((_, i) => p.indexOf(i));
  return record('permute', [x], v, (g) => [g.permute(inv)]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.ndim === 0) { normDim(dim0, 0, 'transpose'); normDim(dim1, 0, 'transpose'); return printedAs(permute(x, []), 'TransposeBackward0', x); }
  const a = normDim(dim0, x.ndim, 'transpose'), b = normDim(dim1, x.ndim, 'transpose');
  const p = x._shape.map((_, i) => i);
  p[a] = b;
  p[b] = a;
  return printedAs(permute(x, p), 'TransposeBackward0', x);
}

export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new RangeError(`t: expects a tensor with <= 2 dims, got shape ${fmt(x._shape)}; use transpose(dim0, dim1)`);
  return printedAs(x.ndim < 2 ? permute(x, x._shape.map((_, i) => i)) : transpose(x, 0, 1), 'TBackward0', x);
}

export function expand(x: Tensor, shape: number[]): Tensor {
  checkShape(shape.map((s) => (s === -1 ? 0 : s)), 'expand');
  if (shape.length < x.ndim) throw new RangeError(`expand: the target shape ${fmt(shape)} has fewer dims than the tensor's shape ${fmt(x._shape)}`);
  const lead = shape.length - x.ndim;
  const outShape: number[] = [], stride: number[] = [];
  shape.forEach((s, i) => {
    if (i < lead) {
      if (s === -1) throw new RangeError(`expand: -1 is not allowed in a new leading dim (shape ${fmt(shape)})`);
      outShape.push(s); stride.push(0); return;
    }
    const own = x._shape[i - lead];
    const size = s === -1 ? own : s;
    if (own !== size && own !== 1) {
      throw new RangeError(`expand: the expanded size ${size} must match the existing size ${own} at dim ${i} (tensor shape ${fmt(x._shape)}, target ${fmt(shape)}); only size-1 dims can be expanded`);
    }
    outShape.push(size);
    stride.push(own === size ? x.nd.stride[i - lead] : 0);
  });
  const v = makeView(x, outShape, stride, x.nd.offset);
  return record('expand', [x], v, (g) => [sumTo(g, x._shape)]);
}

/** narrow, select, split and chunk cut along a dim, which a 0-d tensor does not have (PyTorch refuses too). */
function notScalar(x: Tensor, op: string, dim: number): void {
  if (x.ndim === 0) {
    normDim(dim, 0, op); // a dim out of range gets the usual message
    throw new RangeError(`${op}: cannot be applied to a 0-d tensor (it has no dim to cut along)`);
  }
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  notScalar(x, 'narrow', dim);
  const d = normDim(dim, x.ndim, 'narrow');
  const size = x._shape[d];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(start) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size) {
    throw new RangeError(`narrow: start ${start} and length ${length} are out of range for dim ${d} of size ${size} (shape ${fmt(x._shape)})`);
  }
  const shape = x.shape;
  shape[d] = length;
  const v = makeView(x, shape, x.nd.stride.slice(), x.nd.offset + s * x.nd.stride[d]);
  // The gradient is g placed at [s, s+length) along d with zeros around: a cat, so it is differentiable too.
  return record('narrow', [x], v, (g) => {
    const before = x.shape, after = x.shape;
    before[d] = s;
    after[d] = size - s - length;
    return [cat([zerosOf(before, g.dtype, g), g, zerosOf(after, g.dtype, g)], d)];
  });
}

/**
 * Python's slice `x[:, start:end:step]` along one dim (ATen's `slice`), as a view: `start` and `end` may be
 * negative (counted from the end) or `null` (the ends), and are clamped to the dim as Python does; `step`
 * must be positive, as in PyTorch. Writing through it (`slice(...).copy_(v)`) is `x[:, 0::2] = v`.
 * @example
 * const x = arange(6, { dtype: 'float32' }).reshape(2, 3);
 * x.slice(1, 0, null, 2); // x[:, ::2] = [[0, 2], [3, 5]]
 * x.slice(1, -2);         // x[:, -2:] = [[1, 2], [4, 5]]
 */
export function slice(x: Tensor, dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor {
  notScalar(x, 'slice', dim);
  const d = normDim(dim, x.ndim, 'slice');
  const size = x._shape[d];
  for (const [name, v] of [['start', start], ['end', end]] as const) {
    if (v !== null && !Number.isInteger(v)) throw new TypeError(`slice: ${name} must be an integer or null, got ${String(v)}`);
  }
  if (!Number.isInteger(step) || step <= 0) throw new RangeError(`slice: step must be a positive integer, got ${step} (PyTorch has no negative steps; use flip)`);
  const clampIdx = (v: number | null, dflt: number) => (v === null ? dflt : Math.min(Math.max(v < 0 ? v + size : v, 0), size));
  const s = clampIdx(start, 0);
  const e = Math.max(clampIdx(end, size), s);
  const len = Math.ceil((e - s) / step);
  if (step === 1) return narrow(x, d, s, len);
  const shape = x.shape, stride = x.nd.stride.slice();
  shape[d] = len;
  stride[d] *= step;
  const v = makeView(x, shape, stride, x.nd.offset + s * x.nd.stride[d]);
  // The gradient is g spread to every step-th place from s, zeros between and around: g with step - 1 zero
  // slices after each of its slices (an inner dim, then merged), cut and padded to the dim, in Tensor ops.
  return record('slice', [x], v, (g) => {
    const gs = g.shape;
    const gap = gs.slice();
    gap.splice(d + 1, 0, step - 1);
    const spread = cat([unsqueeze(g, d + 1), zerosOf(gap, g.dtype, g)], d + 1);
    const merged = gs.slice();
    merged[d] = len * step;
    const used = Math.min(len * step, size - s);
    const placed = narrow(reshape(spread, merged), d, 0, used);
    const before = x.shape, after = x.shape;
    before[d] = s;
    after[d] = size - s - used;
    return [cat([zerosOf(before, g.dtype, g), placed, zerosOf(after, g.dtype, g)], d)];
  });
}

export function select(x: Tensor, dim: number, index: number): Tensor {
  notScalar(x, 'select', dim);
  const d = normDim(dim, x.ndim, 'select');
  const size = x._shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) throw new RangeError(`select: index ${index} is out of range for dim ${d} of size ${size}`);
  return printedAs(squeeze(narrow(x, d, index < 0 ? index + size : index, 1), d), 'SelectBackward0', x);
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  // PyTorch's nodes: SqueezeBackward0 without a dim, SqueezeBackward1 with one (of size 1 or not).
  if (dim === undefined) return printedAs(reshape(x, x._shape.filter((s) => s !== 1)), 'SqueezeBackward0', x);
  if (x.ndim === 0) { normDim(dim, 0, 'squeeze'); return printedAs(reshape(x, []), 'SqueezeBackward1', x); }
  const d = normDim(dim, x.ndim, 'squeeze');
  // Dim d goes only when it has size 1 (otherwise the same shape, a view all the same).
  return printedAs(reshape(x, x._shape.filter((s, i) => i !== d || s !== 1)), 'SqueezeBackward1', x);
}

/** A dim for a new axis of a rank-`rank` tensor: in [-rank-1, rank] (the error names the tensor's own rank). */
function newDim(dim: number, rank: number, op: string): number {
  if (Number.isInteger(dim) && (dim < -rank - 1 || dim > rank)) {
    throw new RangeError(`${op}: dim ${dim} is out of range for inserting a new dim into a tensor of rank ${rank} (expected a dim in [${-rank - 1}, ${rank}])`);
  }
  return normDim(dim, rank + 1, op);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = newDim(dim, x.ndim, 'unsqueeze');
  const shape = x.shape;
  shape.splice(d, 0, 1);
  return printedAs(reshape(x, shape), 'UnsqueezeBackward0', x);
}

export function split(x: Tensor, splitSize: number | number[], dim = 0): Tensor[] {
  notScalar(x, 'split', dim);
  const d = normDim(dim, x.ndim, 'split');
  const size = x._shape[d];
  let sizes: number[];
  if (Array.isArray(splitSize)) {
    sizes = splitSize;
    if (sizes.some((n) => !Number.isInteger(n) || n < 0)) throw new RangeError(`split: sizes ${fmt(sizes)} must be non-negative integers`);
    if (sizes.reduce((a, b) => a + b, 0) !== size) throw new RangeError(`split: sizes ${fmt(sizes)} must sum to the size ${size} of dim ${d}`);
  } else {
    if (!Number.isInteger(splitSize) || splitSize <= 0) throw new RangeError(`split: splitSize must be a positive integer, got ${splitSize}`);
    sizes = [];
    for (let s = 0; s < size; s += splitSize) sizes.push(Math.min(splitSize, size - s));
    if (size === 0) sizes.push(0);
  }
  let start = 0;
  const name = Array.isArray(splitSize) ? 'SplitWithSizesBackward0' : 'SplitBackward0';
  return sizes.map((n) => { const v = narrow(x, d, start, n); start += n; return printedAs(v, name, x); });
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new RangeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  notScalar(x, 'chunk', dim);
  const d = normDim(dim, x.ndim, 'chunk');
  // An empty dim gives `chunks` empty pieces, as PyTorch.
  if (x._shape[d] === 0) return split(x, new Array<number>(chunks).fill(0), d);
  return split(x, Math.ceil(x._shape[d] / chunks), d);
}

/** A contiguous copy that stays in the graph (gradient passes through unchanged). */
export function clone(x: Tensor): Tensor {
  if (x._storage.gpu !== null) return record('clone', [x], WG.copy(x), (g) => [g]); // webgpu (issue 17)
  const out = allocate(x.dtype, x.numel());
  runKernel(() => stridedCopy(x, out), out);
  const c = new Tensor(new Storage(out), x.shape, undefined, 0, x.dtype);
  return record('clone', [x], c, (g) => [g]);
}

/** Concatenates along an existing dim; shapes must match elsewhere. */
/** PyTorch's `dim=` keyword of cat and stack: `cat(ts, { dim: 1 })`. */
export interface CatOptions { dim?: number }
function catDim(op: string, dim: number | CatOptions): number {
  if (typeof dim === 'number') return dim;
  checkOptionKeys(op, dim, ['dim']);
  return dim.dim ?? 0;
}

export function cat(tensors: Tensor[], dimOrOptions: number | CatOptions = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('cat: expected a non-empty list of tensors');
  const dim = catDim('cat', dimOrOptions);
  // PyTorch skips 1-D empty tensors when concatenating (legacy behaviour).
  const parts = tensors.filter((t) => !(t.ndim === 1 && t._shape[0] === 0));
  if (parts.length === 0) return tensors[0].clone();
  const ref = parts[0];
  if (ref.ndim === 0) throw new RangeError('cat: zero-dimensional tensors cannot be concatenated; use stack');
  const d = normDim(dim, ref.ndim, 'cat');
  let dtype = ref.dtype;
  for (const t of parts) {
    if (t.ndim !== ref.ndim || t._shape.some((s, i) => i !== d && s !== ref._shape[i])) {
      throw new RangeError(`cat: sizes must match except in dim ${d}; got shapes ${parts.map((p) => fmt(p._shape)).join(', ')}`);
    }
    dtype = promote(dtype, false, t.dtype, false);
  }
  const shape = ref.shape;
  shape[d] = parts.reduce((a, t) => a + t._shape[d], 0);
  let res: Tensor;
  if (parts.some((t) => t._storage.gpu !== null)) res = WG.cat(parts, d, shape, dtype); // webgpu (issue 17)
  else {
    const out = allocate(dtype, numelOf(shape));
    const outer = numelOf(shape.slice(0, d)), inner = numelOf(shape.slice(d + 1));
    const rowOut = shape[d] * inner;
    // Non-contiguous parts are copied into buffers made here, not per run (compile's replay allocates nothing).
    const reads = parts.map(contigReader);
    runKernel(() => {
      let col = 0;
      for (let k = 0; k < parts.length; k++) {
        const t = parts[k], src = reads[k]();
        const w = t._shape[d] * inner;
        for (let o = 0; o < outer; o++) {
          const so = o * w, oo = o * rowOut + col;
          // A block copy: the element loop was megamorphic over the typed-array kinds cat sees.
          if (w > 16) out.set(src.subarray(so, so + w), oo);
          else for (let i = 0; i < w; i++) out[oo + i] = src[so + i];
        }
        col += w;
      }
    }, out);
    res = Tensor._fromData(out, shape, dtype);
  }
  const offsets: number[] = [];
  let acc = 0;
  for (const t of parts) { offsets.push(acc); acc += t._shape[d]; }
  return record('cat', parts, res, (g) => parts.map((t, i) => (t.requiresGrad ? narrow(g, d, offsets[i], t._shape[d]).to(t.dtype) : null)));
}

/** Joins tensors of equal shape along a new dim. */
export function stack(tensors: Tensor[], dimOrOptions: number | CatOptions = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('stack: expected a non-empty list of tensors');
  const dim = catDim('stack', dimOrOptions);
  const ref = tensors[0]._shape;
  for (const t of tensors) {
    if (t._shape.length !== ref.length || t._shape.some((s, i) => s !== ref[i])) {
      throw new RangeError(`stack: expects each tensor to be equal size, got shapes ${tensors.map((p) => fmt(p._shape)).join(', ')}`);
    }
  }
  const d = newDim(dim, ref.length, 'stack');
  return printedAs(cat(tensors.map((t) => unsqueeze(t, d)), d), 'StackBackward0', ...tensors);
}

// repeat and movedim (audit3)
/**
 * PyTorch's `repeat`: tiles x `reps[i]` times along dim i; extra leading reps add leading dims. Written as
 * unsqueeze → expand → reshape, so the gradient (the sum over the tiles) comes from those ops.
 * A single number is one repeat (`repeat(tensor([1, 2]), 2)` is [1, 2, 1, 2]).
 * @example repeat(tensor([1, 2]), [2, 2]); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function repeat(x: Tensor, reps: number[] | number): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`repeat: expected a Tensor, got ${typeof x}`);
  if (typeof reps === 'number') reps = [reps];
  if (!Array.isArray(reps)) throw new TypeError(`repeat: repeats must be an array of integers (repeat(x, [2, 1])), got ${typeof reps}`);
  if (reps.length < x.ndim) throw new RangeError(`repeat: number of dimensions of repeat dims (${reps.length}) can not be smaller than number of dimensions of tensor (${x.ndim})`);
  for (const r of reps) if (!Number.isInteger(r) || r < 0) throw new RangeError(`repeat: repeats must be non-negative integers, got ${fmt(reps)}`);
  const shape = [...new Array<number>(reps.length - x.ndim).fill(1), ...x._shape];
  const y = reshape(x, shape);
  // [s0, s1, ...] → [1, s0, 1, s1, ...] → [r0, s0, r1, s1, ...] → [r0·s0, r1·s1, ...]
  const inter: number[] = [], big: number[] = [];
  shape.forEach((s, i) => { inter.push(1, s); big.push(reps[i], s); });
  return printedAs(reshape(expand(reshape(y, inter), big), shape.map((s, i) => s * reps[i])), 'RepeatBackward0', x);
}

/**
 * PyTorch's `movedim`: moves dims `source` to positions `destination`, the others keeping their order.
 * @example movedim(zeros([2, 3, 4]), 0, -1).shape; // [3, 4, 2]
 */
export function movedim(x: Tensor, source: number | number[], destination: number | number[]): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`movedim: expected a Tensor, got ${typeof x}`);
  const src = (Array.isArray(source) ? source : [source]).map((d) => normDim(d, x.ndim, 'movedim'));
  const dst = (Array.isArray(destination) ? destination : [destination]).map((d) => normDim(d, x.ndim, 'movedim'));
  if (src.length !== dst.length) throw new RangeError(`movedim: Invalid source or destination dims: source (${fmt(src)} dims) should contain the same number of dims as destination (${fmt(dst)} dims)`);
  if (new Set(src).size !== src.length) throw new RangeError(`movedim: repeated dim in \`source\` (${fmt(src)})`);
  if (new Set(dst).size !== dst.length) throw new RangeError(`movedim: repeated dim in \`destination\` (${fmt(dst)})`);
  const order = new Array<number>(x.ndim).fill(-1);
  src.forEach((s, i) => { order[dst[i]] = s; });
  const rest = x._shape.map((_, i) => i).filter((i) => !src.includes(i));
  for (let i = 0, k = 0; i < x.ndim; i++) if (order[i] === -1) order[i] = rest[k++];
  return permute(x, order);
}
