/**
 * Reductions. Primitives: sum (VJP: expand the gradient back) and prod; argmax/argmin (no gradient).
 * max/min along a dim gather the values at the arg indices, so their gradient comes from gather's;
 * mean, std and amax/amin have their own nodes (PyTorch's rules); var and logsumexp are composed.
 */
import { Tensor } from '../tensor';
import { allocate, allocateUninit, getDefaultDtype, isFloating, DType, TypedArray } from '../dtype';
import { normDims, normDim, numelOf, sameShape, fmt } from '../shape';
import { record, printedAs } from '../autograd/tape';
import { isGradEnabled, noGrad } from '../autograd/grad-mode';
import { groupShape, groupsFor, groupsReader, reducedShape } from './kernels';
import { runKernel } from '../compile/capture';
import { columnSumsInto, simdApplies, sumRowsF32 } from '../kernels/elementwise';
import { where } from './indexing';
import { checkOptions } from '../options';
import { positionalOptions, pos, type PositionalArgs } from '../positional-args';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)
import { eyeMask } from '../webgpu/rows'; // webgpu (issue 17)

/**
 * What sort, topk, kthvalue, max/min/median along a dim return: PyTorch's named tuple (values, indices),
 * read by name or unpacked in order.
 * @example
 * const { values, indices } = x.sort();
 * const [top, where] = x.topk(2); // as Python's `top, where = x.topk(2)`
 */
export interface ValuesIndices extends Iterable<Tensor> {
  values: Tensor;
  indices: Tensor;
}

/** A {@link ValuesIndices}: the two fields, and (not enumerable, so it prints and compares as the two fields) iteration in PyTorch's order. */
export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  const r = { values, indices } as ValuesIndices;
  Object.defineProperty(r, Symbol.iterator, {
    enumerable: false, writable: true, configurable: true,
    value: function* (this: ValuesIndices): Generator<Tensor> { yield this.values; yield this.indices; },
  });
  return r;
}
export interface VarOptions {
  /** Divide by n - 1 (Bessel's correction, PyTorch's default) instead of n. */
  unbiased?: boolean;
  /** Like PyTorch >= 2.0's `correction`: divide by n - correction. Overrides `unbiased`. */
  correction?: number;
  keepdim?: boolean;
}

/** The dims a reduction runs over: all for null/undefined/[], as PyTorch; a 0-d tensor accepts 0 and -1. */
export function dimsOf(x: Tensor, dim: number | readonly number[] | null | undefined, op: string): number[] {
  // An empty dim list reduces over every dim, as PyTorch (x.sum([]) is the full sum).
  if (dim === null || dim === undefined || (Array.isArray(dim) && dim.length === 0)) return normDims(undefined, x.ndim, op);
  if (x.ndim === 0) { normDims(dim, 0, op); return []; } // 0-d accepts dim 0 and -1, as PyTorch
  return normDims(dim as number | number[], x.ndim, op);
}

/** Sum over dims (all when omitted). Integer and bool inputs sum to int32, as PyTorch (int64 there). */
function sumGroups(x: Tensor, dims: number[], dtype: DType): TypedArray {
  const { outer, inner } = groupShape(x, dims);
  const out = allocate(dtype, outer);
  const read = groupsReader(x, dims); // its copy buffer made here, not per run (compile's replay)
  runKernel(() => {
    const data = read();
    for (let o = 0, p = 0; o < outer; o++) {
      let s = 0;
      for (let i = 0; i < inner; i++) s += data[p++];
      out[o] = s;
    }
  }, out);
  return out;
}

/**
 * Sum over the leading dims of a contiguous tensor (a bias gradient: g.sum(0)) without the transposing
 * copy groupsFor would make: rows are added into float64 accumulators in index order, the same
 * order and arithmetic as sumGroups, so the result is bitwise the same. null when dims are not leading.
 */
function leadingSum(x: Tensor, dims: number[], dtype: DType): TypedArray | null {
  if (dims.length === 0 || dims.length === x.ndim || !dims.every((d, i) => d === i) || !x.isContiguous()) return null;
  const rows = numelOf(x._shape.slice(0, dims.length)), cols = x.numel() / rows;
  if (rows < 2 || cols < 2) return null;
  if (x.dtype === 'float32' && dtype === 'float32' && simdApplies(x.numel())) {
    const out = allocateUninit('float32', cols) as Float32Array;
    // the same float64 accumulation, on WebAssembly SIMD
    runKernel(() => sumRowsF32(x._contigData() as Float32Array, out, rows, cols), out);
    return out;
  }
  const out = allocate(dtype, cols);
  runKernel(() => columnSumsInto(x._contigData(), rows, cols, out), out);
  return out;
}

export interface ReduceOptions {
  /** The dims to reduce (default: all). */
  dim?: number | number[] | null;
  /** Keep the reduced dims with size 1 (default false). */
  keepdim?: boolean;
  /** Cast the input to this dtype first (PyTorch's `dtype=`): int32 values summed as floats, float32 accumulated in float64. The gradient comes back in the input's dtype. */
  dtype?: DType;
}
/** sum's and mean's arguments after the input: PyTorch's positional dim and keepdim, then optionally the options. */
export type ReduceArgs = PositionalArgs<[], [dim: number | number[] | null | undefined, keepdim: boolean | undefined], ReduceOptions>;
/** prod's arguments after the input: one dim (or null for all), keepdim, then optionally the options. */
export type ProdArgs = PositionalArgs<[], [dim: number | null | undefined, keepdim: boolean | undefined], Omit<ReduceOptions, 'dim'> & { dim?: number | null }>;

const REDUCE_PARAMS = [pos.nullableSize('dim'), pos.boolean('keepdim')];
const PROD_PARAMS = [pos.nullableNumber('dim'), pos.boolean('keepdim')];

/** The reduction's options; the input cast to `dtype` when given (a differentiable cast, so the gradient returns in the input's dtype). */
function reduceArgs(op: string, x: Tensor, args: readonly unknown[], params: typeof REDUCE_PARAMS): { x: Tensor; dim: number | number[] | null | undefined; keepdim: boolean } {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor`);
  // the common internal call sum(x, dims, keepdim) skips the option parsing
  const [a0, a1] = args;
  const plainDim = a0 === undefined || a0 === null || typeof a0 === 'number' || (params === REDUCE_PARAMS && Array.isArray(a0) && a0.every((v) => typeof v === 'number'));
  if (args.length <= 2 && plainDim && (a1 === undefined || typeof a1 === 'boolean')) {
    return { x, dim: a0 as number | number[] | null | undefined, keepdim: (a1 as boolean | undefined) ?? false };
  }
  const { dim, keepdim = false, dtype } = positionalOptions<ReduceOptions>(op, args, params, ['dim', 'keepdim', 'dtype']);
  return { x: dtype === undefined || dtype === x.dtype ? x : x.to(dtype), dim, keepdim };
}

/**
 * Sum over `dim` (one, several, or all when omitted/null), as `torch.sum`.
 * @example
 * sum(tensor([[1, 2], [3, 4]]), 1); // tensor([3., 7.])
 * sum(tensor([[1, 2], [3, 4]], { dtype: 'int32' }), { dim: 1, dtype: 'float32' }); // tensor([3., 7.])
 * sum(x, 1, true, { dtype: 'float64' });
 */
export function sum(input: Tensor, ...args: ReduceArgs): Tensor {
  const { x, dim, keepdim } = reduceArgs('sum', input, args, REDUCE_PARAMS);
  const dims = dimsOf(x, dim, 'sum');
  const dtype: DType = isFloating(x.dtype) ? x.dtype : 'int32';
  const shape = reducedShape(x._shape, dims, keepdim);
  const res = x._storage.gpu !== null ? WG.reduce('sum', x, dims, shape, dtype, 'sum') // webgpu (issue 17)
    : Tensor._fromData(leadingSum(x, dims, dtype) ?? sumGroups(x, dims, dtype), shape, dtype);
  return record('sum', [x], res, (g) => [g.reshape(reducedShape(x._shape, dims, true)).expand(x._shape)]);
}

/**
 * Mean over `dim` (one, several, or all), as `torch.mean`; floating inputs, or any input with a floating `dtype`.
 * @example
 * mean(tensor([[1, 2], [3, 4]], { dtype: 'int32' }), { dtype: 'float32' }); // tensor(2.5000)
 */
export function mean(input: Tensor, ...args: ReduceArgs): Tensor {
  if (!(input instanceof Tensor)) throw new TypeError('mean: expected a Tensor');
  const o = args.length > 0 ? args[args.length - 1] : undefined;
  const want = o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as ReduceOptions).dtype : undefined;
  if (want !== undefined && !isFloating(want)) throw new TypeError(`mean: could not infer output dtype; the dtype option must be a floating point dtype, got ${want}`);
  const { x, dim, keepdim } = reduceArgs('mean', input, args, REDUCE_PARAMS);
  if (!isFloating(x.dtype)) throw new TypeError(`mean: expected a floating point tensor, got ${x.dtype} (convert with .float(), or pass { dtype: 'float32' })`);
  const dims = dimsOf(x, dim, 'mean');
  const n = numelOf(dims.map((d) => x._shape[d]));
  // Its own node (PyTorch's MeanBackward saves no tensor, so a second backward through a mean works).
  const out = noGrad(() => sum(x, dims, keepdim).div(n));
  return record('mean', [x], out, (g) => [g.reshape(reducedShape(x._shape, dims, true)).expand(x._shape).div(n)]);
}

/** Product over one dim (or all). Gradient: prod/x where no factor is zero, else the product of the others. */
export function prod(input: Tensor, ...args: ProdArgs): Tensor {
  const { x, dim: d, keepdim } = reduceArgs('prod', input, args, PROD_PARAMS);
  const dim = d as number | null | undefined;
  const dims = dim === null || dim === undefined ? dimsOf(x, undefined, 'prod') : dimsOf(x, dim, 'prod');
  const dtype: DType = isFloating(x.dtype) ? x.dtype : 'int32';
  if (x._storage.gpu !== null) { // webgpu (issue 17): a product kernel; whether a factor is 0 is not known on the host
    const kshape = reducedShape(x._shape, dims, true);
    const res = WG.reduce('prod', x, dims, reducedShape(x._shape, dims, keepdim), dtype, 'prod');
    return record('prod', [x], res, (g) => [g.reshape(kshape).mul(productOfOthersDifferentiable(x, dims))], [x]);
  }
  const { data, outer, inner } = groupsFor(x, dims);
  const out = allocate(dtype, outer);
  let zeros = false;
  for (let o = 0, p = 0; o < outer; o++) {
    let s = 1;
    for (let i = 0; i < inner; i++) { const v = data[p++]; if (v === 0) zeros = true; s *= v; }
    out[o] = s;
  }
  const res = Tensor._fromData(out, reducedShape(x._shape, dims, keepdim), dtype);
  const kshape = reducedShape(x._shape, dims, true);
  return record('prod', [x], res, (g) => {
    const gk = g.reshape(kshape);
    if (!zeros) return [gk.mul(res.reshape(kshape)).div(x)];
    // Under createGraph the product of the others must itself be differentiable (its derivative is not 0).
    return [gk.mul(isGradEnabled() ? productOfOthersDifferentiable(x, dims) : productOfOthers(x, dims))];
  }, [x]);
}

/**
 * productOfOthers in Tensor ops, for double backward: each group of n values becomes an n×n matrix whose
 * row k is the group with x_k replaced by 1, and its row products are the products of the others. O(n²).
 */
function productOfOthersDifferentiable(x: Tensor, dims: number[]): Tensor {
  const kept = x._shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const perm = [...kept, ...dims];
  const n = numelOf(dims.map((d) => x._shape[d]));
  const eye = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  const onDevice = x._storage.gpu !== null; // webgpu (issue 17): the mask on the device, uploaded once per n
  const rows = where(onDevice ? eyeMask(n) : Tensor._fromData(eye, [n, n], 'bool'), 1, x.permute(perm).reshape([...kept.map((d) => x._shape[d]), 1, n]));
  const inv = perm.map((_, i) => perm.indexOf(i));
  return rows.prod(-1).reshape(perm.map((d) => x._shape[d])).permute(inv);
}

/** For each element, the product of the other elements of its reduction group (handles zeros exactly). */
function productOfOthers(x: Tensor, dims: number[]): Tensor {
  const perm = [...x._shape.map((_, i) => i).filter((i) => !dims.includes(i)), ...dims];
  const { data, outer, inner } = groupsFor(x, dims);
  const out = allocate(x.dtype, data.length);
  for (let o = 0; o < outer; o++) {
    const b = o * inner;
    let left = 1;
    for (let i = 0; i < inner; i++) { out[b + i] = left; left *= data[b + i]; }
    let right = 1;
    for (let i = inner - 1; i >= 0; i--) { out[b + i] *= right; right *= data[b + i]; }
  }
  const permuted = Tensor._fromData(out, perm.map((d) => x._shape[d]), x.dtype);
  const inv = perm.map((_, i) => perm.indexOf(i));
  return permuted.permute(inv).contiguous();
}

/**
 * Max-like reductions have no identity, so reducing over a dim of size 0 is an error; other dims may be
 * empty (zeros([0, 3]).amax(1) is an empty tensor, as PyTorch).
 */
function checkNonEmpty(op: string, x: Tensor, dims: number[], all: boolean): void {
  if (all && x.numel() === 0) throw new RangeError(`${op}: cannot take ${op} of an empty tensor (shape ${fmt(x._shape)}); it has no identity, give a dim`);
  for (const d of dims) {
    if (x._shape[d] === 0) throw new RangeError(`${op}: cannot reduce over dim ${d} of size 0 (shape ${fmt(x._shape)}); it has no identity`);
  }
}

function argReduce(op: string, x: Tensor, dim: number | null | undefined, keepdim: boolean, better: (a: number, b: number) => boolean): Tensor {
  const all = dim === null || dim === undefined;
  const dims = all ? dimsOf(x, undefined, op) : dimsOf(x, dim, op);
  checkNonEmpty(op, x, dims, all);
  if (x._storage.gpu !== null) return WG.argReduce(op, x, dims, all ? (keepdim ? x._shape.map(() => 1) : []) : reducedShape(x._shape, dims, keepdim)); // webgpu (issue 17)
  const { outer, inner } = groupShape(x, dims);
  const out = new Int32Array(outer);
  const read = groupsReader(x, dims); // its copy buffer made here, not per run (compile's replay)
  runKernel(() => {
    const data = read();
    for (let o = 0; o < outer; o++) {
      const b = o * inner;
      let best = 0, bv = data[b];
      for (let i = 1; i < inner; i++) {
        const v = data[b + i];
        if (bv !== bv) break; // NaN wins and stays
        if (v !== v || better(v, bv)) { best = i; bv = v; }
      }
      out[o] = best;
    }
  }, out);
  const shape = all ? (keepdim ? x._shape.map(() => 1) : []) : reducedShape(x._shape, dims, keepdim);
  return Tensor._fromData(out, shape, 'int32');
}

/** Index of the largest value (over all elements flattened, or along dim). First index on ties, as PyTorch on CPU. */
export const argmax = (x: Tensor, dim?: number | null, keepdim = false): Tensor => argReduce('argmax', x, dim, keepdim, (a, b) => a > b);
export const argmin = (x: Tensor, dim?: number | null, keepdim = false): Tensor => argReduce('argmin', x, dim, keepdim, (a, b) => a < b);

function valuesAt(op: string, x: Tensor, dim: number, keepdim: boolean, arg: typeof argmax): ValuesIndices {
  const d = normDim(dim, x.ndim, op); // a 0-d tensor accepts dim 0 and -1 only
  if (x.ndim === 0) return valuesIndices(x.clone(), Tensor._fromData(new Int32Array(1), [], 'int32'));
  if (x._shape[d] === 0) throw new RangeError(`${op}: cannot reduce over dim ${dim} of size 0 (shape ${fmt(x._shape)})`);
  const idx = arg(x, d, true);
  const values = x.gather(d, idx);
  const name = op === 'max' ? 'MaxBackward0' : 'MinBackward0';
  return keepdim ? valuesIndices(printedAs(values, name, x), idx) : valuesIndices(printedAs(values.squeeze(d), name, x), idx.squeeze(d));
}

export const maxDim = (x: Tensor, dim: number, keepdim = false): ValuesIndices => valuesAt('max', x, dim, keepdim, argmax);
export const minDim = (x: Tensor, dim: number, keepdim = false): ValuesIndices => valuesAt('min', x, dim, keepdim, argmin);

/**
 * Largest value over dims, as a tensor (torch.amax). The gradient is shared evenly among tied maxima
 * (PyTorch's rule for amax and for the all-reduce max()).
 */
export function amax(x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor {
  return extreme('amax', x, dim, keepdim, argmax);
}
export function amin(x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor {
  return extreme('amin', x, dim, keepdim, argmin);
}
export const maxAll = (x: Tensor): Tensor => extreme('max', x, undefined, false, argmax);
export const minAll = (x: Tensor): Tensor => extreme('min', x, undefined, false, argmin);

function extreme(op: string, x: Tensor, dim: number | number[] | null | undefined, keepdim: boolean, arg: typeof argmax): Tensor {
  const dims = dimsOf(x, dim, op);
  checkNonEmpty(op, x, dims, dim === null || dim === undefined || (Array.isArray(dim) && dim.length === 0));
  const { outer, inner } = groupShape(x, dims);
  const out = x._storage.gpu !== null ? null : allocate(x.dtype, outer);
  const pick = arg === argmax ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  // its copy buffer made here, not per run (compile's replay); in a block, so the VJP's closure does not keep it
  if (out !== null) {
    const read = groupsReader(x, dims);
    runKernel(() => {
      const data = read();
      for (let o = 0; o < outer; o++) {
        let bv = data[o * inner];
        for (let i = 1; i < inner && bv === bv; i++) { const v = data[o * inner + i]; if (v !== v || pick(v, bv)) bv = v; }
        out[o] = bv;
      }
    }, out);
  }
  const res = out === null ? WG.reduce(arg === argmax ? 'max' : 'min', x, dims, reducedShape(x._shape, dims, keepdim), x.dtype, op) : Tensor._fromData(out, reducedShape(x._shape, dims, keepdim), x.dtype);
  const kshape = reducedShape(x._shape, dims, true);
  // The all-reduce max()/min() of a tensor holding NaN sends the gradient to the NaNs (PyTorch's
  // evenly_distribute_backward); amax/amin keep `x == result`, which gives them none (as PyTorch).
  // (webgpu: not read back; a NaN max's gradient goes where x == NaN, i.e. nowhere). The result is NaN
  // exactly when x holds one, and then x == result nowhere: `x == result or isnan(x)` picks the NaNs
  // without reading the result (a value read would keep a compiled step eager: compile, issue 15).
  const nanAll = out !== null && (op === 'max' || op === 'min') && res.numel() === 1;
  return record(op, [x], res, (g) => {
    const mask = nanAll ? x.eq(res.reshape(kshape)).logicalOr(x.isnan()) : x.eq(res.reshape(kshape));
    const count = sum(mask, dims, true);
    return [where(mask, g.reshape(kshape).div(count), 0)];
  }, [x]);
}

/** var/std's dim: dims, null for all, a bare `unbiased` flag (PyTorch's `x.var(False)`) or the options. */
export type VarDim = number | number[] | null | undefined | boolean | (VarOptions & { dim?: number | number[] | null });

/**
 * PyTorch's call forms of var/std: `(dim, unbiased, keepdim)` positionally, `(unbiased)`, or keywords,
 * here `(dim, { unbiased, correction, keepdim })` or `({ dim, unbiased, correction, keepdim })`.
 */
function varArgs(op: string, dim: VarDim, opts: VarOptions | boolean | undefined, keepdim: boolean | undefined): [number | number[] | null | undefined, VarOptions] {
  if (typeof dim === 'boolean') {
    if (opts !== undefined) throw new TypeError(`${op}: after the unbiased flag no further argument is taken, as in PyTorch's ${op}(unbiased)`);
    return [null, { unbiased: dim }];
  }
  if (dim !== null && typeof dim === 'object' && !Array.isArray(dim)) {
    if (opts !== undefined) throw new TypeError(`${op}: expected the options object as the only argument or after the dim`);
    const { dim: d, ...rest } = checkOptions(op, dim, ['dim', 'unbiased', 'correction', 'keepdim']);
    return [d, rest];
  }
  if (typeof opts === 'boolean') return [dim, { unbiased: opts, keepdim: keepdim ?? false }];
  if (keepdim !== undefined) throw new TypeError(`${op}: keepdim goes in the options object here: ${op}(dim, { keepdim })`);
  return [dim, checkOptions(op, opts, ['unbiased', 'correction', 'keepdim'])];
}

/**
 * Variance over `dim` (all dims when null), Bessel-corrected unless `unbiased: false` or a
 * `correction` is given. PyTorch's forms: `var(dim, unbiased, keepdim)` and the options object.
 *
 * @example
 * variance(tensor([1, 2, 4]), 0, false); // 1.5556 (divides by n)
 * variance(tensor([1, 2, 4]), { correction: 0 }); // the same
 */
export function variance(x: Tensor, dimArg?: VarDim, optsArg?: VarOptions | boolean, keepdimArg?: boolean): Tensor {
  const [dim, opts] = varArgs('var', dimArg, optsArg, keepdimArg);
  if (!isFloating(x.dtype)) throw new TypeError(`var: expected a floating point tensor, got ${x.dtype}`);
  const dims = dimsOf(x, dim, 'var');
  const n = numelOf(dims.map((d) => x._shape[d]));
  const correction = opts.correction ?? (opts.unbiased === false ? 0 : 1);
  const mu = mean(x, dims, true);
  const dev = x.sub(mu);
  return printedAs(sum(dev.mul(dev), dims, opts.keepdim ?? false).div(Math.max(0, n - correction)), 'VarBackward0', x);
}

/** Standard deviation, √var, with var's argument forms. @example std(tensor([1, 2, 4]), 0, false); // 1.2472 */
export function std(x: Tensor, dimArg?: VarDim, optsArg?: VarOptions | boolean, keepdimArg?: boolean): Tensor {
  const [dim, opts] = varArgs('std', dimArg, optsArg, keepdimArg);
  // Checked here too, so that errors name std rather than the var it is computed with.
  if (!isFloating(x.dtype)) throw new TypeError(`std: expected a floating point tensor, got ${x.dtype}`);
  dimsOf(x, dim, 'std');
  const v = variance(x, dim, opts);
  // As PyTorch's std_backward, the gradient is zero where the std is zero (not 0·∞ = NaN).
  // The rule recomputes √var from its input so that gradients of gradients flow through it too.
  const out = noGrad(() => v.sqrt());
  return record('std', [v], out, (g) => { const s = v.sqrt(); return [where(s.eq(0), 0, g.div(s.mul(2)))]; }, [v]);
}

/** log Σ exp(x) along dim, stable: the max is subtracted first (and infinite maxima handled as PyTorch). */
export function logsumexp(x: Tensor, dim: number | number[], keepdim = false): Tensor {
  const xf = isFloating(x.dtype) ? x : x.to(getDefaultDtype());
  const dims = dimsOf(xf, dim, 'logsumexp');
  const m0 = amax(xf, dims, true).detach();
  const m = where(m0.isinf(), 0, m0);
  const s = xf.sub(m).exp().sum(dims, true).log().add(m);
  return printedAs(keepdim ? s : s.reshape(reducedShape(xf._shape, dims, false)), 'LogsumexpBackward0', x);
}

/**
 * Whether every element (along `dim`, when given) is non-zero; bool. PyTorch's `all(dim, keepdim)`.
 * @example all(tensor([[true, false], [true, true]]), 1); // [false, true]
 */
export function all(x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor {
  if (dim === undefined || dim === null) return Tensor._fromData(new Uint8Array([+x._contigData().every((v) => v !== 0)]), [], 'bool');
  const dims = dimsOf(x, dim, 'all');
  return sum(x.eq(0), dims, keepdim).eq(0);
}
/**
 * Whether any element (along `dim`, when given) is non-zero; bool. PyTorch's `any(dim, keepdim)`.
 * @example any(tensor([[true, false], [false, false]]), 1); // [true, false]
 */
export function any(x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor {
  if (dim === undefined || dim === null) return Tensor._fromData(new Uint8Array([+x._contigData().some((v) => v !== 0)]), [], 'bool');
  const dims = dimsOf(x, dim, 'any');
  return sum(x.ne(0), dims, keepdim).gt(0);
}

/**
 * The one helper that undoes broadcasting: sums `g` over the dims that broadcasting added or stretched
 * so that it has `shape` again.
 */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g._shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g._shape[i] !== 1)) dims.push(i);
  const s = dims.length ? sum(g, dims, true) : g;
  return s.reshape(shape as number[]);
}
