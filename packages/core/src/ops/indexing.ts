/** Selection by condition and by index: where, gather / scatterAdd (each other's VJP), indexSelect. */
import { Tensor, TensorLike } from '../tensor';
import { allocate, checkInt32, promote, TypedArray } from '../dtype';
import { broadcastShapes, fmt, normDim, numelOf } from '../shape';
import { record } from '../autograd/tape';
import { runKernel } from '../compile/capture';
import { contigReader, mapWhere } from './kernels';
import { operand, checkNumbersFit } from './scalar';
import { sumTo } from './reduce';
import { checkOptions } from '../options';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)
import { indexAddRows } from '../webgpu/rows'; // webgpu (issue 17)

/** `where(cond, a, b)`: a where cond is true (non-zero), else b; all three broadcast. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (!(cond instanceof Tensor)) throw new TypeError('where: condition must be a Tensor');
  if (cond.dtype !== 'bool') throw new TypeError(`where: the condition must be a bool tensor, got ${cond.dtype} (compare first, e.g. x.ne(0))`);
  const A = operand(a, 'where'), Bo = operand(b, 'where');
  const dtype = promote(A.dtype, A.scalar, Bo.dtype, Bo.scalar);
  checkNumbersFit('where', dtype, A, Bo);
  const shape = broadcastShapes(broadcastShapes(cond._shape, A.t._shape, 'where'), Bo.t._shape, 'where');
  const out = mapWhere(cond, A.t, Bo.t, shape, dtype);
  const x = A.t, y = Bo.t;
  return record('where', [x, y], out, (g) => [
    x.requiresGrad ? sumTo(where(cond, g, 0), x._shape).to(x.dtype) : null,
    y.requiresGrad ? sumTo(where(cond, 0, g), y._shape).to(y.dtype) : null,
  ], [cond]);
}

export function checkIndex(op: string, index: Tensor): void {
  if (!(index instanceof Tensor)) throw new TypeError(`${op}: index must be a Tensor`);
  if (index.dtype !== 'int32') throw new TypeError(`${op}: index must be an int32 tensor, got ${index.dtype}; JS numbers are float by default, so create indices with { dtype: 'int32' } (tensor([0, 2], { dtype: 'int32' })) or convert with .int()`);
}

/**
 * Shared loop of gather and scatterAdd: visits every position of `index` (its row-major values `idx`,
 * from the caller's contigReader) with the matching position in `self`.
 */
function forIndex(op: string, selfShape: number[], dim: number, index: Tensor, idx: TypedArray, visit: (selfPos: number, i: number) => void): void {
  const ish = index._shape;
  const n = numelOf(ish);
  const st = selfShape.map((_, k) => numelOf(selfShape.slice(k + 1)));
  const pos = new Array<number>(ish.length).fill(0);
  for (let i = 0; i < n; i++) {
    const j = idx[i];
    // Negative indices are out of bounds here, as in torch.gather / scatter_add (no wrap-around).
    if (j < 0 || j >= selfShape[dim]) {
      throw new RangeError(`${op}: index ${j} is out of bounds for dim ${dim} with size ${selfShape[dim]} (indices must be in [0, ${selfShape[dim] - 1}])`);
    }
    let p = 0;
    for (let k = 0; k < ish.length; k++) p += (k === dim ? j : pos[k]) * st[k];
    visit(p, i);
    for (let k = ish.length - 1; k >= 0; k--) {
      if (++pos[k] < ish[k]) break;
      pos[k] = 0;
    }
  }
}

function checkGatherShapes(op: string, self: Tensor, dim: number, index: Tensor, other?: Tensor): void {
  if (index.ndim !== self.ndim) {
    throw new RangeError(`${op}: index must have the same number of dims as the input (${self.ndim}), got shape ${fmt(index._shape)} for input ${fmt(self._shape)}`);
  }
  for (let k = 0; k < self.ndim; k++) {
    if (k !== dim && index._shape[k] > self._shape[k]) {
      throw new RangeError(`${op}: index shape ${fmt(index._shape)} is larger than input shape ${fmt(self._shape)} at dim ${k}`);
    }
  }
  if (other && other.ndim !== index.ndim) throw new RangeError(`${op}: src shape ${fmt(other._shape)} must have the rank of index ${fmt(index._shape)}`);
}

/** out[i][j] = x[index[i][j]][j] (dim 0); the gradient scatters back and adds on repeated indices. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex('gather', index);
  const d = normDim(dim, x.ndim, 'gather');
  checkGatherShapes('gather', x, d, index);
  const res = x._storage.gpu !== null || index._storage.gpu !== null ? WG.gather(x, d, index) : gatherCpu(x, d, index); // webgpu (issue 17)
  return record('gather', [x], res, (g) => [zerosLikeShape(x).scatterAdd(d, index, sameDtype(g, x))], [index]);
}

function gatherCpu(x: Tensor, d: number, index: Tensor): Tensor {
  const out = allocate(x.dtype, index.numel());
  // copies of non-contiguous inputs made here, not per run (compile's replay allocates nothing)
  const xR = contigReader(x), iR = contigReader(index);
  runKernel(() => {
    const src = xR();
    forIndex('gather', x._shape, d, index, iR(), (p, i) => { out[i] = src[p]; });
  }, out);
  return Tensor._fromData(out, index.shape, x.dtype);
}

/** Returns x with src added at the index positions along dim (out-of-place `scatter_add`). */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkIndex('scatterAdd', index);
  checkSrcDtype('scatterAdd', x, src);
  const d = normDim(dim, x.ndim, 'scatterAdd');
  checkGatherShapes('scatterAdd', x, d, index, src);
  // As PyTorch, only src's leading index-shaped block is read (src may be larger in any dim, not smaller).
  let used = src;
  for (let k = 0; k < src.ndim; k++) {
    if (src._shape[k] < index._shape[k]) {
      throw new RangeError(`scatterAdd: src shape ${fmt(src._shape)} is smaller than index shape ${fmt(index._shape)} at dim ${k}`);
    }
    if (src._shape[k] > index._shape[k]) used = used.narrow(k, 0, index._shape[k]);
  }
  let res: Tensor;
  if (x._storage.gpu !== null || index._storage.gpu !== null || used._storage.gpu !== null) res = WG.scatterAdd(x, d, index, used); // webgpu (issue 17)
  else {
    const out = allocate(x.dtype, x.numel());
    // copies of non-contiguous inputs made here, not per run (compile's replay allocates nothing)
    const xR = contigReader(x), uR = contigReader(used), iR = contigReader(index);
    runKernel(() => {
      out.set(xR());
      const s = uR();
      forIndex('scatterAdd', x._shape, d, index, iR(), (p, i) => { out[p] += s[i]; });
    }, out);
    res = Tensor._fromData(out, x.shape, x.dtype);
  }
  return record('scatterAdd', [x, used], res, (g) => [g, used.requiresGrad ? g.gather(d, index) : null], [index]);
}

/** Rows (or slices along dim) picked by a 1-D int32 index, like torch.index_select. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex('indexSelect', index);
  if (index.ndim > 1) throw new RangeError(`indexSelect: index must be 1-D, got shape ${fmt(index._shape)}`);
  const d = normDim(dim, x.ndim, 'indexSelect');
  const m = index.numel();
  const sh = x._shape;
  const size = x.ndim === 0 ? 1 : sh[d];
  if (x._storage.gpu !== null || index._storage.gpu !== null) { // webgpu (issue 17): a gather of the index broadcast over the other dims
    WG.checkAllOnDevice('indexSelect', x, index);
    WG.checkIndexRange('indexSelect', index, size, d);
    if (x.ndim === 0) return x.reshape([1]).gather(0, index.reshape([-1])).reshape(m === 1 ? [] : [m]);
    const view = sh.map((_, k) => (k === d ? m : 1));
    const res = WG.gather(x, d, index.reshape(view).expand(sh.map((s, k) => (k === d ? m : s))));
    // The gradient: a counting sort of the positions by index, then one sum per row (scatterAdd's values
    // and order, without its |x|·m loop); taped, its own VJP is this indexSelect.
    const indexAdd = (g: Tensor): Tensor => record('indexAdd', [g], indexAddRows(g, d, index, sh), (gg) => [indexSelect(gg, d, index)]);
    return record('indexSelect', [x], res, (g) => [indexAdd(g)], [index]);
  }
  const outer = numelOf(sh.slice(0, d)), inner = numelOf(sh.slice(d + 1));
  const out = allocate(x.dtype, outer * m * inner);
  runKernel(() => {
    const idx = index._contigData();
    const src = x._contigData();
    for (let k = 0; k < m; k++) {
      const j = idx[k];
      // As torch.index_select, negative indices are out of range (no wrap-around).
      if (j < 0 || j >= size) throw new RangeError(`indexSelect: index ${j} is out of range for dim ${d} with size ${size} (indices must be in [0, ${size - 1}])`);
    }
    let o = 0;
    for (let a = 0; a < outer; a++) {
      for (let k = 0; k < m; k++, o += inner) {
        const base = (a * size + idx[k]) * inner;
        // Long slices (a DataLoader batch's rows) are one memcpy each; a loop wins for short ones.
        if (inner >= 16) out.set(src.subarray(base, base + inner), o);
        else for (let b = 0; b < inner; b++) out[o + b] = src[base + b];
      }
    }
  }, out);
  const shape = x.ndim === 0 ? [] : sh.map((s, k) => (k === d ? m : s));
  const res = Tensor._fromData(out, shape, x.dtype);
  return record('indexSelect', [x], res, (g) => {
    if (x.ndim === 0) return [g.sum()];
    const view = sh.map((_, k) => (k === d ? m : 1));
    const full = index.reshape(view).expand(g._shape);
    return [zerosLikeShape(x).scatterAdd(d, full, sameDtype(g, x))];
  }, [index]);
}

/**
 * x with `value` where mask is true. x and mask broadcast together, as torch.masked_fill (out of place);
 * the in-place maskedFill_ needs the mask to fit x's shape. The result keeps x's dtype.
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') throw new TypeError(`maskedFill: mask must be a bool tensor, got ${mask instanceof Tensor ? mask.dtype : typeof mask}`);
  broadcastShapes(x._shape, mask._shape, 'maskedFill');
  if (x.dtype === 'int32' && typeof value === 'number') checkInt32(value, 'maskedFill');
  return where(mask, value, x).to(x.dtype);
}

/** One-hot encoding of an int32 tensor: a new last dim of size numClasses (-1: max + 1). */
export function oneHot(x: Tensor, numClasses = -1): Tensor {
  if (x.dtype !== 'int32') throw new TypeError(`oneHot: expected an int32 tensor of class indices, got ${x.dtype}; JS numbers are float by default, so create indices with { dtype: 'int32' } (tensor([0, 2], { dtype: 'int32' })) or convert with .int()`);
  const v = x._contigData();
  let c = numClasses;
  if (c === -1) {
    if (v.length === 0) throw new RangeError('oneHot: cannot infer the number of classes from an empty tensor; pass numClasses');
    c = 0;
    for (let i = 0; i < v.length; i++) c = Math.max(c, v[i] + 1);
  }
  const out = new Int32Array(v.length * c);
  const fill = (): void => {
    const w = x._contigData();
    out.fill(0);
    for (let i = 0; i < w.length; i++) {
      if (w[i] < 0 || w[i] >= c) throw new RangeError(`oneHot: class value ${w[i]} is out of range [0, ${c - 1}] for numClasses ${c}`);
      out[i * c + w[i]] = 1;
    }
  };
  // With numClasses given the shape does not depend on the values, so a compiled step can replay it.
  if (numClasses === -1) fill();
  else runKernel(fill, out);
  return Tensor._fromData(out, [...x._shape, c], 'int32');
}

export function zerosLikeShape(x: Tensor): Tensor {
  if (x._storage.gpu !== null) return WG.full(x._shape, x.dtype, 0); // webgpu (issue 17)
  const d = allocate(x.dtype, x.numel());
  runKernel(() => d.fill(0), d);
  return Tensor._fromData(d, x.shape, x.dtype);
}

// nonzero (audit3)
/**
 * PyTorch's `nonzero`: the indices of the non-zero elements, row-major, as int32 [n, ndim]; with
 * `{ asTuple: true }` one 1-D index tensor per dim (a 0-d input gives one dim of size 1 or 0, as PyTorch).
 * @example nonzero(tensor([[0, 1], [1, 1]])); // [[0, 1], [1, 0], [1, 1]]
 */
export function nonzero(x: Tensor, opts?: { asTuple?: boolean }): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`nonzero: expected a Tensor, got ${typeof x}`);
  const { asTuple = false } = checkOptions('nonzero', opts, ['asTuple']);
  if (asTuple) throw new TypeError('nonzero: for { asTuple: true } call nonzeroTuple(x) (a list of tensors; nonzero returns one tensor)');
  const shape = x._shape, nd = shape.length;
  const data = x._contigData();
  const hits: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) hits.push(i);
  const out = new Int32Array(hits.length * nd);
  hits.forEach((flat, r) => {
    for (let d = nd - 1, f = flat; d >= 0; d--) { out[r * nd + d] = f % shape[d]; f = Math.floor(f / shape[d]); }
  });
  return Tensor._fromData(out, [hits.length, nd], 'int32');
}

/** `nonzero(x, as_tuple=True)`: one int32 index tensor per dim. @example nonzeroTuple(tensor([0, 3, 4])); // [[1, 2]] */
export function nonzeroTuple(x: Tensor): Tensor[] {
  if (x.ndim === 0) return [Tensor._fromData(new Int32Array(x._contigData()[0] !== 0 ? [0] : []), [x._contigData()[0] !== 0 ? 1 : 0], 'int32')];
  const nz = nonzero(x);
  return x._shape.map((_, d) => nz.select(1, d).contiguous());
}

// scatter and indexAdd (audit3)
/**
 * Out-of-place `scatter`: x with `src` (a tensor of x's dtype, or a number) written at the index positions
 * along dim. With repeated indices the last write wins (PyTorch leaves that order unspecified).
 * VJP: x gets g where nothing was written, src gets g gathered at the index.
 * PyTorch's `reduce: 'add'` is `scatterAdd` (which has a VJP; PyTorch 1.13 has none for reduce); `'multiply'` is refused
 * rather than ignored.
 * @example scatter(zeros([2, 3]), 1, tensor([[0], [2]], { dtype: 'int32' }), 7); // [[7, 0, 0], [0, 0, 7]]
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number, opts?: { reduce?: 'add' | 'multiply' }): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`scatter: expected a Tensor, got ${typeof x}`);
  const { reduce } = checkOptions('scatter', opts, ['reduce']);
  // PyTorch treats a 0-d index (and src) of a 1-D input as one element (ensure_nonempty_dim):
  // zeros(10).scatter_(0, tensor(3), value=1) is a one-hot vector.
  if (x.ndim === 1 && index instanceof Tensor && index.ndim === 0) {
    index = index.reshape([1]);
    if (src instanceof Tensor && src.ndim === 0) src = src.reshape([1]);
  }
  if (reduce !== undefined) {
    if (reduce !== 'add') {
      throw new RangeError(`scatter: reduce ${JSON.stringify(reduce)} is not supported; use reduce: 'add' (scatterAdd) or scatter without reduce`);
    }
    checkIndex('scatter', index);
    if (src instanceof Tensor) {
      checkSrcDtype('scatter', x, src);
      return scatterAdd(x, dim, index, src);
    }
    if (typeof src !== 'number') throw new TypeError(`scatter: src must be a Tensor or a number, got ${typeof src}`);
    if (x.dtype === 'int32') checkInt32(src, 'scatter');
    return scatterAdd(x, dim, index, Tensor._fromData(allocate(x.dtype, index.numel()).fill(src), index.shape, x.dtype));
  }
  checkIndex('scatter', index);
  const d = normDim(dim, x.ndim, 'scatter');
  let used: Tensor | null = null;
  if (src instanceof Tensor) {
    checkSrcDtype('scatter', x, src);
    checkGatherShapes('scatter', x, d, index, src);
    used = src;
    for (let k = 0; k < src.ndim; k++) {
      if (src._shape[k] < index._shape[k]) throw new RangeError(`scatter: src shape ${fmt(src._shape)} is smaller than index shape ${fmt(index._shape)} at dim ${k}`);
      if (src._shape[k] > index._shape[k]) used = used.narrow(k, 0, index._shape[k]);
    }
  } else {
    if (typeof src !== 'number') throw new TypeError(`scatter: src must be a Tensor or a number, got ${typeof src}`);
    checkGatherShapes('scatter', x, d, index);
    if (x.dtype === 'int32') checkInt32(src, 'scatter');
  }
  const out = allocate(x.dtype, x.numel());
  const keep = allocate(x.dtype, x.numel());
  const u = used;
  runKernel(() => {
    out.set(x._contigData());
    keep.fill(1);
    const s = u === null ? null : u._contigData();
    forIndex('scatter', x._shape, d, index, index._contigData(), (p, i) => { out[p] = s === null ? (src as number) : s[i]; keep[p] = 0; });
  }, out);
  const res = Tensor._fromData(out, x.shape, x.dtype);
  const keepT = Tensor._fromData(keep, x.shape, x.dtype);
  const inputs = u === null ? [x] : [x, u];
  return record('scatter', inputs, res, (g) => [g.mul(keepT), ...(u !== null ? [u.requiresGrad ? g.gather(d, index) : null] : [])], [index]);
}

/**
 * Out-of-place `index_add`: x with `alpha`·source's slices added at the 1-D `index` positions along dim.
 * @example indexAdd(zeros([3]), 0, tensor([0, 2, 0], { dtype: 'int32' }), tensor([1, 2, 3])); // [4, 0, 2]
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): Tensor {
  const { alpha = 1 } = checkOptions('indexAdd', opts, ['alpha']);
  checkIndex('indexAdd', index);
  if (source instanceof Tensor && x instanceof Tensor && source.dtype !== x.dtype) {
    // conform8: torch 1.13's index_add_ refuses mixed dtypes (the kernel would round or truncate source silently)
    throw new TypeError(`indexAdd: self (${x.dtype}) and source (${source.dtype}) must have the same dtype; cast one with .to()`);
  }
  if (index.ndim > 1) throw new RangeError(`indexAdd: index must be 1-D, got shape ${fmt(index._shape)}`);
  const d = normDim(dim, x.ndim, 'indexAdd');
  const m = index.numel();
  const want = x.ndim === 0 ? [] : x._shape.map((s, k) => (k === d ? m : s));
  if (source.ndim !== x.ndim || source._shape.some((s, k) => s !== want[k])) {
    throw new RangeError(`indexAdd: source shape ${fmt(source._shape)} must be ${fmt(want)} (x's shape ${fmt(x._shape)} with dim ${d} of the index's length ${m})`);
  }
  if (x.ndim === 0) return x.add(alpha === 1 ? source : source.mul(alpha));
  const idx = index.reshape(want.map((_, k) => (k === d ? m : 1))).expand(want).contiguous();
  return scatterAdd(x, d, idx, alpha === 1 ? source : source.mul(alpha));
}

// conform8: scatter_add / scatter / index_add with mixed dtypes, as torch 1.13
/** torch's "scatter(): Expected self.dtype to be equal to src.dtype": no silent rounding (float64 into float32) or truncation (float into int32). */
function checkSrcDtype(op: string, x: Tensor, src: Tensor): void {
  if (src instanceof Tensor && x instanceof Tensor && src.dtype !== x.dtype) {
    throw new TypeError(`${op}: expected self.dtype to be equal to src.dtype (${x.dtype} and ${src.dtype}); cast one with .to()`);
  }
}

/** A VJP's incoming gradient in its input's dtype (a mixed-dtype graph can hand one in another dtype). */
function sameDtype(g: Tensor, like: Tensor): Tensor {
  return g.dtype === like.dtype ? g : g.to(like.dtype);
}
