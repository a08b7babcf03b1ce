/**
 * Tensor: an `ndarray` view (shape, strides, offset) over a typed array, plus autograd state.
 * Views (reshape of contiguous data, transpose, permute, expand, narrow, select, squeeze, unsqueeze)
 * share the storage and its version counter; ops live in ./ops and are exposed here as methods.
 */
import ndarray from 'ndarray';
// A named type import, so the emitted .d.ts needs no esModuleInterop in consumers (the default import
// above is used only at run time and stays out of the declarations).
import type { NdArray } from 'ndarray';
import { DType, TypedArray, isFloating, allocate } from './dtype';
import { poolGive } from './pool';
import { noteValueRead } from './compile/hooks'; // compile (issue 15)
import { noteGradRead, noteGradSet, noteStorage, noteVersionBump } from './compile/capture';
import { contiguousStrides, numelOf, fmt } from './shape';
import { Node, runBackward, BackwardOptions } from './autograd/tape';
import { formatTensor } from './format';
import { newFilled } from './creation'; // tutorials port: new_* methods
import type { SizeArgs, TensorOptions } from './creation';
import * as B from './ops/binary';
import * as MD from './ops/median';
import { registerHook as registerGradHook, markRetain, GradHook, RemovableHandle } from './autograd/hooks';
import * as U from './ops/unary';
import * as R from './ops/reduce';
import * as V from './ops/view';
import * as I from './ops/indexing';
import * as M from './ops/matmul';
import * as A from './ops/activation';
import * as C from './ops/cast';
import * as IP from './ops/inplace';
// scans, sorting, triangles, reordering, norms (issue 13)
import * as SC from './ops/scan';
import * as SO from './ops/sort';
import * as TR from './ops/triangle';
import * as RO from './ops/reorder';
import * as NO from './ops/norm';
import * as RC from './ops/rnn-cell'; // iteration (conform8): rows are torch's unbind(0)
import * as SA from './ops/sampling'; // sampling (conform8)
// porting ops (ops8): lerp, index writes, in-place views
import * as LP from './ops/lerp';
import * as IW from './ops/index-write';
import * as IV from './ops/inplace-view';
// webgpu device (issue 17)
import * as WG from './webgpu/ops';
import type { Device, GpuData } from './webgpu/ops';

/** PyTorch's `x.type()` names (tutorials port). */
const TYPE_NAMES: Record<DType, string> = { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int32: 'torch.IntTensor', bool: 'torch.BoolTensor' };

/** The engine-private gradients (Tensor.grad's comment). */
const privateGrads = new WeakSet<Tensor>();

/** Shared by a tensor and all its views: in-place writes bump `version`. */
export class Storage {
  version = 0;
  /** @internal webgpu (issue 17): the device buffer of a webgpu tensor (whose `data` is then empty), else null. */
  gpu: GpuData | null = null;
  constructor(readonly data: TypedArray) {
    noteStorage(data); // compile: a storage made outside a kernel must be written by one (compile/capture.ts)
  }
}

export type Scalar = number | boolean;
export type TensorLike = Tensor | number | boolean;
export type NestedArray = number | boolean | NestedArray[];

export class Tensor {
  /** The strided view (shape, stride, offset over the storage's typed array). */
  readonly nd: NdArray<TypedArray>;
  readonly dtype: DType;
  /** @internal */ readonly _storage: Storage;
  // memory: engine-private gradients (issue 15). `.grad` is an accessor so that the engine knows which
  // gradient nobody but this tensor can hold: one it wrote itself and that no code has read through the
  // public getter since (kept in `privateGrads`, not in a field: every tensor would pay for one). Only
  // such a grad is accumulated into in place or recycled (see docs/design.md, "Memory").
  /** @internal */ _grad: Tensor | null = null;
  /** Accumulated gradient (leaves, and non-leaves that called retainGrad()). */
  get grad(): Tensor | null {
    const g = this._grad;
    if (g !== null) {
      privateGrads.delete(g);
      noteGradRead(g); // compile: a replay must not overwrite a grad the caller may hold
    }
    return g;
  }
  set grad(g: Tensor | null) {
    if (this._grad !== null) privateGrads.delete(this._grad);
    if (g !== null) privateGrads.delete(g);
    this._grad = g;
    noteGradSet(this);
  }
  /** @internal Whether `.grad` is engine-private (see above). */
  get _gradPrivate(): boolean {
    return this._grad !== null && privateGrads.has(this._grad);
  }
  /** @internal Sets `.grad` as the engine: `priv` when nothing but this tensor can reach its buffer. */
  _setGradAsEngine(g: Tensor, priv: boolean): void {
    if (this._grad !== null) privateGrads.delete(this._grad);
    this._grad = g;
    if (priv) privateGrads.add(g);
    noteGradSet(this);
  }
  /** @internal compile's replay (compile/capture.ts): puts back the grad a captured step left at this point. */
  _restoreGrad(g: Tensor | null, priv: boolean): void {
    if (this._grad !== null) privateGrads.delete(this._grad);
    this._grad = g;
    if (g !== null && priv) privateGrads.add(g);
  }
  /** @internal The grad without exposing it: for code that reads it and keeps no reference (optimizer steps). */
  _peekGrad(): Tensor | null {
    return this._grad;
  }
  /** @internal Sets `.grad` to null, returning its buffer to the engine's pool when nobody else can hold it. */
  _releaseGrad(): void {
    const g = this._grad;
    this._grad = null;
    if (g !== null && privateGrads.delete(g)) {
      if (g._storage.gpu !== null) WG.release(g._storage); // webgpu (issue 17): its device buffer, now
      else poolGive(g._storage.data);
    }
    noteGradSet(this);
  }
  private _requiresGrad = false;
  /** Set when an op made this from inputs that require grad while grad mode was off (noGrad). */
  _gradModeOff = false;
  private _gradFn: Node | null = null;

  /** @internal Use `tensor()` and the other creation functions. */
  constructor(storage: Storage, shape: number[], stride?: number[], offset = 0, dtype?: DType) {
    this._storage = storage;
    this.dtype = dtype ?? dtypeOf(storage.data);
    this.nd = makeView(storage.data, this.dtype, shape, stride ?? contiguousStrides(shape), offset);
  }

  /** @internal A new contiguous tensor over `data`. */
  static _fromData(data: TypedArray, shape: number[], dtype?: DType): Tensor {
    return new Tensor(new Storage(data), shape, undefined, 0, dtype);
  }

  // ---- reading out -------------------------------------------------------------------------------

  /** @internal The shape without a defensive copy. */
  get _shape(): number[] {
    return this.nd.shape;
  }
  get shape(): number[] {
    return this.nd.shape.slice();
  }
  get ndim(): number {
    return this.nd.shape.length;
  }
  /** PyTorch's `x.dim()`, the number of dims (`ndim`): `if (p.dim() > 1) init.xavierUniform_(p)` (tutorials port). */
  dim(): number {
    return this.nd.shape.length;
  }
  numel(): number {
    return numelOf(this.nd.shape);
  }
  /** `size()` is the shape; `size(d)` the size of dim d (negative dims count from the end). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return this.shape;
    return this.nd.shape[V.dimOf(this, dim, 'size')];
  }
  stride(): number[] {
    return this.nd.stride.slice();
  }
  get _version(): number {
    return this._storage.version;
  }
  /** @internal */ _bumpVersion(): void {
    noteVersionBump(this._storage.data); // compile (compile/capture.ts)
    this._storage.version++;
  }

  isContiguous(): boolean {
    const sh = this.nd.shape, st = this.nd.stride;
    let acc = 1;
    for (let i = sh.length - 1; i >= 0; i--) {
      if (sh[i] !== 1 && st[i] !== acc) return false;
      acc *= sh[i];
    }
    return true;
  }

  /**
   * @internal Row-major contents. Returns the storage itself when it already is exactly that (do not
   * write to it), else a fresh copy.
   */
  _contigData(): TypedArray {
    if (this._storage.gpu !== null) throw WG.syncReadError('reading values on the host', 'dataAsync()'); // webgpu (issue 17)
    const n = this.numel();
    const d = this._storage.data;
    if (this.isContiguous()) {
      const o = this.nd.offset;
      return o === 0 && d.length === n ? d : (d.subarray(o, o + n) as TypedArray);
    }
    const out = allocate(this.dtype, n);
    stridedCopy(this, out);
    return out;
  }

  /** The single value of a one-element tensor, as a JS number (booleans as 0/1). */
  item(): number {
    noteValueRead('item'); // compile (issue 15)
    if (this._storage.gpu !== null) throw WG.syncReadError('item', 'itemAsync()'); // webgpu (issue 17)
    if (this.numel() !== 1) {
      throw new RangeError(`item: only one-element tensors can be converted to a number, but this tensor has shape ${fmt(this._shape)} (${this.numel()} elements)`);
    }
    return this._storage.data[this.nd.offset + 0];
  }

  /** A row-major copy of the values as a typed array of this dtype. */
  dataSync(): TypedArray {
    noteValueRead('dataSync'); // compile (issue 15)
    if (this._storage.gpu !== null) throw WG.syncReadError('dataSync', 'dataAsync()'); // webgpu (issue 17)
    const d = this._contigData();
    return d === this._storage.data || d.buffer === this._storage.data.buffer ? (d.slice() as TypedArray) : d;
  }

  /** Nested JS arrays (a number for 0-d tensors); bool tensors give booleans. */
  toArray(): NestedArray {
    noteValueRead('toArray'); // compile (issue 15)
    if (this._storage.gpu !== null) throw WG.syncReadError('toArray', 'toArrayAsync()'); // webgpu (issue 17)
    const d = this._contigData();
    const sh = this.nd.shape;
    const conv = this.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
    if (sh.length === 0) return conv(d[0]);
    let pos = 0;
    const build = (k: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < sh[k]; i++) out.push(k === sh.length - 1 ? conv(d[pos++]) : build(k + 1));
      return out;
    };
    return build(0);
  }

  toString(): string {
    if (this._storage.gpu !== null) return WG.describe(this); // webgpu (issue 17): values only asynchronously
    noteValueRead('toString'); // compile (issue 15): printed values can be branched on like item()'s
    return formatTensor(this);
  }

  /** `console.log(t)` in Node prints the values as PyTorch does, not the object's internals. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- autograd state -----------------------------------------------------------------------------

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(v: boolean) {
    if (v && !isFloating(this.dtype)) {
      throw new TypeError(`requiresGrad: only tensors of floating point dtype can require gradients, got ${this.dtype}`);
    }
    if (!v && this._gradFn) {
      throw new Error('requiresGrad: you can only change requiresGrad of leaf tensors; use detach() to get a non-requiring copy of a non-leaf');
    }
    this._requiresGrad = v;
  }
  /** In-place setter, returns this (like `requires_grad_()`). */
  requiresGrad_(v = true): this {
    this.requiresGrad = v;
    return this;
  }
  /** The node that produced this tensor (null for leaves). */
  get gradFn(): Node | null {
    return this._gradFn;
  }
  /** @internal */ _setGradFn(n: Node | null): void {
    this._gradFn = n;
    this._requiresGrad = n !== null || this._requiresGrad;
  }
  /** True for tensors created by the user (not by a recorded op). */
  get isLeaf(): boolean {
    return this._gradFn === null;
  }
  /** Keep `.grad` for this non-leaf tensor during backward (like `retain_grad()`). */
  retainGrad(): this {
    if (!this._requiresGrad) throw new Error("retainGrad: can't retain the gradient of a tensor that does not require grad");
    if (this._gradFn) { this._gradFn.retained = this; markRetain(this._gradFn); }
    return this;
  }

  /**
   * Reverse-mode differentiation from this tensor: accumulates d(this)/d(leaf) into every leaf's `.grad`.
   * `gradient` is the upstream vector (required unless this tensor has one element).
   * @example
   * const x = tensor([1, 2, 3], { requiresGrad: true });
   * x.mul(tensor([4, 5, 6])).sum().backward();
   * x.grad; // tensor([4., 5., 6.])
   */
  backward(gradient?: Tensor | null, opts: BackwardOptions = {}): void {
    if (!this._requiresGrad) {
      throw new Error(this._gradModeOff
        ? 'backward: this tensor does not require grad because it was computed with grad mode off (inside noGrad() or setGradEnabled(false)); compute it outside noGrad to backpropagate through it'
        : 'backward: this tensor does not require grad and has no gradFn; set requiresGrad on the leaves it is computed from');
    }
    let g: Tensor;
    if (gradient === undefined || gradient === null) {
      if (this.numel() !== 1) {
        throw new Error(`backward: grad can be implicitly created only for scalar outputs, but this tensor has shape ${fmt(this._shape)}; pass a gradient of that shape`);
      }
      g = this._storage.gpu !== null ? WG.full(this._shape, this.dtype, 1) : C.onesOf(this._shape, this.dtype); // webgpu (issue 17)
    } else {
      if (!(gradient instanceof Tensor)) {
        const obj = typeof gradient === 'object' && !Array.isArray(gradient);
        throw new TypeError(obj
          ? 'backward: the first argument is the gradient (a Tensor or null); options come second: backward(null, { retainGraph: true })'
          : `backward: gradient must be a Tensor, got ${Array.isArray(gradient) ? 'an array' : typeof gradient}`);
      }
      if (gradient.numel() !== this.numel() || (gradient.ndim !== this.ndim && gradient.numel() !== 1)) {
        throw new RangeError(`backward: gradient has shape ${fmt(gradient._shape)} but the tensor has shape ${fmt(this._shape)}`);
      }
      g = gradient.reshape(this._shape).to(this.dtype);
    }
    runBackward([this], [g], opts);
  }

  /** A new tensor sharing storage, cut from the graph (never requires grad). */
  detach(): Tensor {
    return new Tensor(this._storage, this.nd.shape.slice(), this.nd.stride.slice(), this.nd.offset, this.dtype);
  }
  /**
   * PyTorch's `x.data`: the values as a tensor cut from the graph, sharing storage (so `p.grad.data` and
   * `y.data.norm()` port as they are; in-place changes through it are not seen by autograd). Same as `detach()`.
   * @example
   * const y = tensor([3, 4], { requiresGrad: true }).mul(2);
   * y.data.norm().item(); // 10, and y.data.requiresGrad is false
   */
  get data(): Tensor {
    return this.detach();
  }
  /** Detaches in place (a leaf that does not require grad). */
  detach_(): this {
    this._gradFn = null;
    this._requiresGrad = false;
    return this;
  }

  // ---- ops as methods (see ./ops for forward and VJP side by side) --------------------------------------

  add(other: TensorLike, alpha?: number | B.AlphaOptions): Tensor { return B.add(this, other, alpha); }
  sub(other: TensorLike, alpha?: number | B.AlphaOptions): Tensor { return B.sub(this, other, alpha); }
  mul(other: TensorLike): Tensor { return B.mul(this, other); }
  div(other: TensorLike, opts?: B.DivOptions): Tensor { return B.div(this, other, opts); }
  pow(exponent: TensorLike): Tensor { return B.pow(this, exponent); }
  maximum(other: TensorLike): Tensor { return B.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return B.minimum(this, other); }
  eq(other: TensorLike): Tensor { return B.eq(this, other); }
  ne(other: TensorLike): Tensor { return B.ne(this, other); }
  lt(other: TensorLike): Tensor { return B.lt(this, other); }
  le(other: TensorLike): Tensor { return B.le(this, other); }
  gt(other: TensorLike): Tensor { return B.gt(this, other); }
  ge(other: TensorLike): Tensor { return B.ge(this, other); }
  logicalAnd(other: TensorLike): Tensor { return B.logicalAnd(this, other); }
  logicalOr(other: TensorLike): Tensor { return B.logicalOr(this, other); }
  logicalNot(): Tensor { return U.logicalNot(this); }

  neg(): Tensor { return U.neg(this); }
  exp(): Tensor { return U.exp(this); }
  log(): Tensor { return U.log(this); }
  log1p(): Tensor { return U.log1p(this); }
  expm1(): Tensor { return U.expm1(this); }
  sqrt(): Tensor { return U.sqrt(this); }
  rsqrt(): Tensor { return U.rsqrt(this); }
  abs(): Tensor { return U.abs(this); }
  sign(): Tensor { return U.sign(this); }
  sin(): Tensor { return U.sin(this); }
  cos(): Tensor { return U.cos(this); }
  tanh(): Tensor { return U.tanh(this); }
  sigmoid(): Tensor { return U.sigmoid(this); }
  erf(): Tensor { return U.erf(this); }
  square(): Tensor { return U.square(this); }
  reciprocal(): Tensor { return U.reciprocal(this); }
  floor(): Tensor { return U.floor(this); }
  ceil(): Tensor { return U.ceil(this); }
  round(): Tensor { return U.round(this); }
  step(): Tensor { return U.step(this); }
  isnan(): Tensor { return U.isnan(this); }
  isinf(): Tensor { return U.isinf(this); }
  isfinite(): Tensor { return U.isfinite(this); }
  clamp(min?: U.ClampBound | U.ClampOptions, max?: U.ClampBound): Tensor { return U.clamp(this, min, max); }
  clip(min?: U.ClampBound | U.ClampOptions, max?: U.ClampBound): Tensor { return U.clamp(this, min, max); }

  relu(): Tensor { return U.relu(this); }
  leakyRelu(negativeSlope = 0.01): Tensor { return A.leakyRelu(this, negativeSlope); }
  elu(alpha = 1): Tensor { return A.elu(this, alpha); }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return A.gelu(this, approximate); }
  softplus(beta = 1, threshold = 20): Tensor { return A.softplus(this, beta, threshold); }
  // dtype keyword (leftovers): softmax/logSoftmax/sum/mean/prod take PyTorch's dtype in a trailing options object
  softmax(...args: A.SoftmaxArgs): Tensor { return A.softmax(this, ...args); }
  logSoftmax(...args: A.SoftmaxArgs): Tensor { return A.logSoftmax(this, ...args); }

  sum(...args: R.ReduceArgs): Tensor { return R.sum(this, ...args); }
  mean(...args: R.ReduceArgs): Tensor { return R.mean(this, ...args); }
  prod(...args: R.ProdArgs): Tensor { return R.prod(this, ...args); }
  var(dim?: R.VarDim, opts?: R.VarOptions | boolean, keepdim?: boolean): Tensor { return R.variance(this, dim, opts, keepdim); }
  std(dim?: R.VarDim, opts?: R.VarOptions | boolean, keepdim?: boolean): Tensor { return R.std(this, dim, opts, keepdim); }
  logsumexp(dim: number | number[], keepdim = false): Tensor { return R.logsumexp(this, dim, keepdim); }
  amax(dim?: number | number[] | null, keepdim = false): Tensor { return R.amax(this, dim, keepdim); }
  amin(dim?: number | number[] | null, keepdim = false): Tensor { return R.amin(this, dim, keepdim); }
  /** `max()` is the largest value; `max(dim)` gives `{ values, indices }` along dim, as PyTorch. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): R.ValuesIndices;
  max(dim?: number, keepdim = false): Tensor | R.ValuesIndices { return dim === undefined ? R.maxAll(this) : R.maxDim(this, dim, keepdim); }
  /** `min()` is the smallest value; `min(dim)` gives `{ values, indices }` along dim, as PyTorch. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): R.ValuesIndices;
  min(dim?: number, keepdim = false): Tensor | R.ValuesIndices { return dim === undefined ? R.minAll(this) : R.minDim(this, dim, keepdim); }
  argmax(dim?: number | null, keepdim = false): Tensor { return R.argmax(this, dim, keepdim); }
  argmin(dim?: number | null, keepdim = false): Tensor { return R.argmin(this, dim, keepdim); }
  all(dim?: number | number[] | null, keepdim = false): Tensor { return R.all(this, dim, keepdim); }
  any(dim?: number | number[] | null, keepdim = false): Tensor { return R.any(this, dim, keepdim); }

  matmul(other: Tensor): Tensor { return M.matmul(this, other); }
  mm(other: Tensor): Tensor { return M.mm(this, other); }
  bmm(other: Tensor): Tensor { return M.bmm(this, other); }
  dot(other: Tensor): Tensor { return M.dot(this, other); }
  /** The transpose of a 2-D tensor (`x.T`); reverses all dims for other ranks, as PyTorch. */
  get T(): Tensor { return V.permute(this, this._shape.map((_, i) => this.ndim - 1 - i)); }

  reshape(...shape: (number | number[])[]): Tensor { return V.reshape(this, flatShape(shape)); }
  view(...shape: (number | number[])[]): Tensor { return V.view(this, flatShape(shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return V.flatten(this, startDim, endDim); }
  transpose(dim0: number, dim1: number): Tensor { return V.transpose(this, dim0, dim1); }
  t(): Tensor { return V.t(this); }
  permute(...dims: (number | number[])[]): Tensor { return V.permute(this, flatShape(dims)); }
  expand(...shape: (number | number[])[]): Tensor { return V.expand(this, flatShape(shape)); }
  expandAs(other: Tensor): Tensor { return V.expand(this, other._shape); }
  narrow(dim: number, start: number, length: number): Tensor { return V.narrow(this, dim, start, length); }
  // tutorials port: Python's x[:, a:b:c] and x.new_zeros / new_ones / new_full / new_empty
  /** `x[..., start:end:step]` along `dim` as a view; see {@link V.slice}. @example x.slice(1, 0, null, 2) // x[:, ::2] */
  slice(dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor { return V.slice(this, dim, start, end, step); }
  /** PyTorch's `x.new_zeros(size)`: zeros in this tensor's dtype and device unless given. @example x.newZeros([2, 3]) */
  newZeros(...size: SizeArgs<TensorOptions>): Tensor { return newFilled('newZeros', this, 0, size); }
  /** PyTorch's `x.new_ones(size)`: ones in this tensor's dtype and device unless given. @example x.newOnes(5, 3, { dtype: 'float64' }) */
  newOnes(...size: SizeArgs<TensorOptions>): Tensor { return newFilled('newOnes', this, 1, size); }
  /** PyTorch's `x.new_empty(size)` (zero-filled here, as `empty`). */
  newEmpty(...size: SizeArgs<TensorOptions>): Tensor { return newFilled('newEmpty', this, 0, size); }
  /** PyTorch's `x.new_full(size, value)`: in this tensor's dtype and device unless given. @example x.newFull([2], 7) */
  newFull(size: readonly number[] | number, value: number | boolean, opts: TensorOptions | DType = {}): Tensor { return newFilled('newFull', this, value, [size, opts]); }
  select(dim: number, index: number): Tensor { return V.select(this, dim, index); }
  squeeze(dim?: number): Tensor { return V.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return V.unsqueeze(this, dim); }
  split(splitSize: number | number[], dim = 0): Tensor[] { return V.split(this, splitSize, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return V.chunk(this, chunks, dim); }
  contiguous(): Tensor { return this.isContiguous() ? this : V.clone(this); }
  clone(): Tensor { return V.clone(this); }

  gather(dim: number, index: Tensor): Tensor { return I.gather(this, dim, index); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return I.scatterAdd(this, dim, index, src); }
  indexSelect(dim: number, index: Tensor): Tensor { return I.indexSelect(this, dim, index); }
  maskedFill(mask: Tensor, value: number): Tensor { return I.maskedFill(this, mask, value); }
  oneHot(numClasses = -1): Tensor { return I.oneHot(this, numClasses); }

  /** A copy in another dtype, or on another device (`'webgpu'`; back to the host with `await x.cpuAsync()`). */
  to(dtypeOrDevice: DType | Device): Tensor { return dtypeOrDevice === 'webgpu' || dtypeOrDevice === 'cpu' ? WG.toDevice(this, dtypeOrDevice) : C.cast(this, dtypeOrDevice); }
  float(): Tensor { return C.cast(this, 'float32'); }
  double(): Tensor { return C.cast(this, 'float64'); }
  // tutorials port: x.type(torch.float) and len(x)
  /**
   * PyTorch's `x.type(dtype)`: the tensor cast to `dtype` (itself when it has it); without an argument, PyTorch's
   * type name (`'torch.FloatTensor'`).
   * @example pred.argmax(1).eq(y).type('float32').sum().item(); // (pred.argmax(1) == y).type(torch.float).sum().item()
   */
  type(): string;
  type(dtype: DType): Tensor;
  type(dtype?: DType): Tensor | string {
    if (dtype === undefined) return TYPE_NAMES[this.dtype];
    return C.cast(this, dtype);
  }
  /**
   * PyTorch's `len(x)`: the size of the first dim (`(batch + 1) * len(X)` is `(batch + 1) * X.length`); a 0-d
   * tensor has no length, a TypeError as in PyTorch.
   */
  get length(): number {
    if (this.nd.shape.length === 0) throw new TypeError('length: len() of a 0-d tensor');
    return this.nd.shape[0];
  }
  int(): Tensor { return C.cast(this, 'int32'); }
  bool(): Tensor { return C.cast(this, 'bool'); }

  add_(other: TensorLike, alpha?: number | B.AlphaOptions): this { return IP.inplace(this, 'add_', (t) => t.add(other, alpha)); }
  sub_(other: TensorLike, alpha?: number | B.AlphaOptions): this { return IP.inplace(this, 'sub_', (t) => t.sub(other, alpha)); }
  mul_(other: TensorLike): this { return IP.inplace(this, 'mul_', (t) => t.mul(other)); }
  div_(other: TensorLike, opts?: B.DivOptions): this { return IP.inplace(this, 'div_', (t) => t.div(other, opts)); }
  pow_(exponent: TensorLike): this { return IP.inplace(this, 'pow_', (t) => t.pow(exponent)); }
  addcmul_(t1: Tensor, t2: Tensor, value = 1): this { return IP.inplace(this, 'addcmul_', (t) => t.add(t1.mul(t2).mul(value))); }
  addcdiv_(t1: Tensor, t2: Tensor, value = 1): this { return IP.inplace(this, 'addcdiv_', (t) => t.add(t1.div(t2).mul(value))); }
  sqrt_(): this { return IP.inplace(this, 'sqrt_', (t) => t.sqrt()); }
  neg_(): this { return IP.inplace(this, 'neg_', (t) => t.neg()); }
  exp_(): this { return IP.inplace(this, 'exp_', (t) => t.exp()); }
  relu_(): this { return IP.inplace(this, 'relu_', (t) => t.relu()); }
  clamp_(min?: U.ClampBound | U.ClampOptions, max?: U.ClampBound): this { return IP.inplace(this, 'clamp_', (t) => t.clamp(min, max)); }
  maskedFill_(mask: Tensor, value: number): this { return IP.inplace(this, 'maskedFill_', (t) => t.maskedFill(mask, value)); }
  /**
   * In-place `scatter` (tutorials port: the one-hot `zeros(10).scatter_(0, tensor(y), value=1)` of the transforms tutorial).
   * @example zeros(10).scatter_(0, tensor(3, { dtype: 'int32' }), 1); // a one-hot vector
   */
  scatter_(dim: number, index: Tensor, src: Tensor | number, opts?: { reduce?: 'add' | 'multiply' }): this { return IP.inplace(this, 'scatter_', (t) => I.scatter(t, dim, index, src, opts)); }
  zero_(): this { return IP.fill_(this, 0); }
  fill_(value: number): this { return IP.fill_(this, value); }
  copy_(src: TensorLike): this { return IP.copy_(this, src); }
  /** Fills in place with uniform values in [low, high), torch's numbers for the same seed (`x.uniform_(-1, 1, { generator })`). */
  uniform_(low = 0, high = 1, generator?: IP.GeneratorArg): this { return IP.uniform_(this, low, high, generator); }
  /** Fills in place with normal values, torch's numbers for the same seed (`x.normal_(0, 0.02, { generator })`). */
  normal_(mean = 0, std = 1, generator?: IP.GeneratorArg): this { return IP.normal_(this, mean, std, generator); }
  /** Fills in place with 0/1 draws that are 1 with probability `p` (`x.bernoulli_(0.3, { generator })`), torch's numbers for the same seed. */
  bernoulli_(p: number | Tensor = 0.5, generator?: IP.GeneratorArg): this { return IP.bernoulli_(this, p, generator); }

  // scans, sorting, triangles, reordering, norms, baddbmm (issue 13)
  cumsum(...args: SC.ScanArgs): Tensor { return SC.cumsum(this, ...args); }
  cumprod(...args: SC.ScanArgs): Tensor { return SC.cumprod(this, ...args); }
  sort(...args: SO.SortArgs): R.ValuesIndices { return SO.sort(this, ...args); }
  argsort(...args: SO.SortArgs): Tensor { return SO.argsort(this, ...args); }
  topk(k: number, ...args: SO.TopkArgs): R.ValuesIndices { return SO.topk(this, k, ...args); }
  kthvalue(k: number, ...args: SO.KthvalueArgs): R.ValuesIndices { return SO.kthvalue(this, k, ...args); }
  tril(...args: TR.TriangleArgs): Tensor { return TR.tril(this, ...args); }
  triu(...args: TR.TriangleArgs): Tensor { return TR.triu(this, ...args); }
  diagonal(...args: TR.DiagonalArgs): Tensor { return TR.diagonal(this, ...args); }
  diagEmbed(...args: TR.DiagonalArgs): Tensor { return TR.diagEmbed(this, ...args); }
  flip(...dims: (number | number[])[]): Tensor { return RO.flip(this, flatShape(dims)); }
  roll(shifts: number | number[], ...args: RO.RollArgs): Tensor { return RO.roll(this, shifts, ...args); }
  repeatInterleave(repeats?: RO.Repeats, ...args: RO.RepeatInterleaveArgs): Tensor { return RO.repeatInterleave(this, repeats, ...args); }
  norm(...args: NO.NormArgs): Tensor { return NO.norm(this, ...args); }
  baddbmm(batch1: Tensor, batch2: Tensor, opts: M.BaddbmmOptions = {}): Tensor { return M.baddbmm(this, batch1, batch2, opts); }
  // PyTorch's names for existing conversions (packaging, issue 18)
  /**
   * PyTorch's name for {@link toArray}: nested JS arrays, a number for a 0-d tensor, booleans for bool.
   * @example tensor([[1, 2], [3, 4]], { dtype: 'float32' }).tolist(); // [[1, 2], [3, 4]]
   */
  tolist(): NestedArray { return this.toArray(); }
  /**
   * PyTorch's `.long()`, an alias of {@link int}: tapegrad's integers are 32-bit (there is no int64
   * dtype), so this gives int32 and values outside ±2³¹ cannot be represented.
   * @example tensor([1.7, -2.5], { dtype: 'float32' }).long().toArray(); // [1, -2] (int32, truncated toward 0)
   */
  long(): Tensor { return this.int(); }
  // rounding division and moduli (audit3)
  /** `div(this, other, { roundingMode: 'floor' })` without a derivative, as PyTorch. @example tensor([-3]).floorDivide(2); // [-2] */
  floorDivide(other: TensorLike): Tensor { return B.floorDivide(this, other); }
  /** Python's modulus (the divisor's sign). @example tensor([-3]).remainder(2); // [1] */
  remainder(other: TensorLike): Tensor { return B.remainder(this, other); }
  /** C's fmod (the dividend's sign). @example tensor([-3]).fmod(2); // [-1] */
  fmod(other: TensorLike): Tensor { return B.fmod(this, other); }
  /**
   * PyTorch's `register_hook`: `hook(grad)` runs during backward with this tensor's gradient and may
   * return a replacement. @example const h = x.registerHook((g) => g.mul(2)); h.remove();
   */
  registerHook(hook: GradHook): RemovableHandle { return registerGradHook(this, hook); }
  /** Tiles along each dim (PyTorch's `repeat`). @example tensor([1, 2]).repeat(2, 2); // [[1, 2, 1, 2], [1, 2, 1, 2]] */
  repeat(...reps: (number | number[])[]): Tensor { return V.repeat(this, flatShape(reps)); }
  /** Moves dims to new positions. @example zeros(2, 3, 4).movedim(0, -1).shape; // [3, 4, 2] */
  movedim(source: number | number[], destination: number | number[]): Tensor { return V.movedim(this, source, destination); }
  /** Indices of the non-zero elements, int32 [n, ndim]. @example tensor([0, 3]).nonzero(); // [[1]] */
  nonzero(): Tensor { return I.nonzero(this); }
  /** Out-of-place scatter. @example zeros(3).scatter(0, tensor([2], { dtype: 'int32' }), 5); // [0, 0, 5] */
  scatter(dim: number, index: Tensor, src: Tensor | number, opts?: { reduce?: 'add' | 'multiply' }): Tensor { return I.scatter(this, dim, index, src, opts); }
  /** The lower median, of all elements or along dim (`{ values, indices }`). @example tensor([1, 4, 2, 3]).median(); // 2 */
  median(): Tensor;
  median(dim: number, keepdim?: boolean): R.ValuesIndices;
  median(dim: number, opts: Pick<MD.MedianOptions, 'keepdim'>): R.ValuesIndices;
  median(opts: MD.MedianOptions): R.ValuesIndices;
  median(...args: unknown[]): Tensor | R.ValuesIndices { return (MD.median as (x: Tensor, ...a: unknown[]) => Tensor | R.ValuesIndices)(this, ...args); }
  /** Out-of-place index_add. @example zeros(3).indexAdd(0, tensor([0, 0], { dtype: 'int32' }), ones(2)); // [2, 0, 0] */
  indexAdd(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): Tensor { return I.indexAdd(this, dim, index, source, opts); }

  // webgpu device (issue 17)
  /** Where the values live: `'cpu'`, or `'webgpu'` for tensors on the GPU device (`webgpu.init()`). */
  get device(): Device { return this._storage.gpu === null ? 'cpu' : 'webgpu'; }
  /**
   * The values, row-major, as a typed array of this dtype: a copy, read back from the device for a
   * webgpu tensor (the async counterpart of {@link dataSync}).
   * @example const v = await tensor([1, 2], { device: 'webgpu' }).mul(3).dataAsync(); // Float32Array [3, 6]
   */
  async dataAsync(): Promise<TypedArray> { return this._storage.gpu === null ? this.dataSync() : WG.data(this); }
  /** {@link toArray} for tensors on any device. @example await x.toArrayAsync(); // [[1, 2], [3, 4]] */
  async toArrayAsync(): Promise<NestedArray> { return (await WG.toCpu(this)).toArray(); }
  /** {@link item} for tensors on any device. @example const loss = await lossTensor.itemAsync(); */
  async itemAsync(): Promise<number> { return (await WG.toCpu(this)).item(); }
  /** A host (cpu) copy of this tensor (itself when already there), detached. @example const h = await x.cpuAsync(); */
  async cpuAsync(): Promise<Tensor> { return WG.toCpu(this); }

  // sampling (conform8)
  /** Fills in place with exponential(lambd) draws, torch's numbers for the same seed. @example zeros([3]).exponential_(2); */
  exponential_(lambd = 1, generator?: IP.GeneratorArg): this { return IP.exponential_(this, lambd, generator); }
  /** Fills in place with geometric(p) draws (trials up to the first success), torch's numbers. @example zeros([3]).geometric_(0.3); */
  geometric_(p: number, generator?: IP.GeneratorArg): this { return IP.geometric_(this, p, generator); }
  /** Fills in place with exp(normal(mean, std)) draws, torch's `log_normal_`. @example zeros([3]).logNormal_(0, 0.5); */
  logNormal_(mean = 1, std = 2, generator?: IP.GeneratorArg): this { return IP.logNormal_(this, mean, std, generator); }
  /** Fills in place with Cauchy(median, sigma) draws, torch's numbers. @example zeros([3]).cauchy_(); */
  cauchy_(median = 0, sigma = 1, generator?: IP.GeneratorArg): this { return IP.cauchy_(this, median, sigma, generator); }
  /** Category indices drawn from this tensor's rows of weights (torch.multinomial). @example probs.multinomial(2); */
  multinomial(numSamples: number, ...args: SA.MultinomialArgs): Tensor { return SA.multinomial(this, numSamples, ...args); }
  /** 0/1 draws with this tensor's values as probabilities, or with one p (torch.bernoulli). @example probs.bernoulli(); */
  bernoulli(...args: SA.BernoulliArgs): Tensor { return SA.bernoulli(this, ...args); }

  // iteration (conform8)
  /**
   * Tensors are iterable as in PyTorch (`Tensor.__iter__` is `iter(self.unbind(0))`): `for (const row of t)`,
   * `[...t]` and `Array.from(t)` give the `t.length` slices `t[i]` along dim 0, views sharing t's storage and
   * differentiable (each row's grad_fn is UnbindBackward0, as torch's). A 0-d tensor has no iterator (the
   * getter gives none, so `for…of` throws a TypeError "… is not iterable", torch's "iteration over a 0-d
   * tensor", and generic iterable checks such as jest's `toEqual` treat it as a plain value).
   * @example
   * for (const row of tensor([[1, 2], [3, 4]])) console.log(row.sum().item()); // 3, then 7
   */
  get [Symbol.iterator](): () => IterableIterator<Tensor> {
    return (this.nd.shape.length === 0 ? undefined : iterateDim0) as () => IterableIterator<Tensor>;
  }
  // porting ops (ops8): lerp, index writes, in-place views, clip_
  /** `input + weight·(end − input)` with torch's formula (see {@link LP.lerp}). @example tensor([0, 10]).lerp(tensor([10, 20]), 0.5); // [5, 15] */
  lerp(end: Tensor, weight: Tensor | number): Tensor { return LP.lerp(this, end, weight); }
  /** In-place {@link lerp}. @example x.lerp_(target, 0.1); // an exponential moving average step */
  lerp_(end: Tensor, weight: Tensor | number): this { return IP.inplace(this, 'lerp_', (t) => LP.lerp(t, end, weight)); }
  /** `value` in the slices at `index` along dim (torch's index_fill). @example zeros([3]).indexFill(0, tensor([1], { dtype: 'int32' }), 2); // [0, 2, 0] */
  indexFill(dim: number, index: Tensor, value: number | boolean | Tensor): Tensor { return IW.indexFill(this, dim, index, value); }
  indexFill_(dim: number, index: Tensor, value: number | boolean | Tensor): this { return IW.indexFill_(this, dim, index, value); }
  /** `source`'s slices written at `index` along dim (torch's index_copy). @example zeros([3]).indexCopy(0, tensor([2], { dtype: 'int32' }), tensor([5])); // [0, 0, 5] */
  indexCopy(dim: number, index: Tensor, source: Tensor): Tensor { return IW.indexCopy(this, dim, index, source); }
  indexCopy_(dim: number, index: Tensor, source: Tensor): this { return IW.indexCopy_(this, dim, index, source); }
  /** `x[indices] = values` (torch's index_put; `accumulate` sums repeats). @example zeros([3]).indexPut([tensor([0, 0], { dtype: 'int32' })], tensor([1, 2]), true); // [3, 0, 0] */
  indexPut(indices: readonly Tensor[], values: Tensor | number, accumulate?: IW.AccumulateArg): Tensor { return IW.indexPut(this, indices, values, accumulate); }
  indexPut_(indices: readonly Tensor[], values: Tensor | number, accumulate?: IW.AccumulateArg): this { return IW.indexPut_(this, indices, values, accumulate); }
  /** The masked positions taken in order from `source` (torch's masked_scatter). @example zeros([3]).maskedScatter(tensor([true, false, true]), tensor([7, 8])); // [7, 0, 8] */
  maskedScatter(mask: Tensor, source: Tensor): Tensor { return IW.maskedScatter(this, mask, source); }
  maskedScatter_(mask: Tensor, source: Tensor): this { return IW.maskedScatter_(this, mask, source); }
  /** The elements at flat `index` (torch's take). @example tensor([[1, 2], [3, 4]]).take(tensor([-1], { dtype: 'int32' })); // [4] */
  take(index: Tensor): Tensor { return IW.take(this, index); }
  /** `source` written at flat `index` (torch's put). @example zeros([2, 2]).put(tensor([3], { dtype: 'int32' }), tensor([1])); // [[0, 0], [0, 1]] */
  put(index: Tensor, source: Tensor, accumulate?: IW.AccumulateArg): Tensor { return IW.put(this, index, source, accumulate); }
  put_(index: Tensor, source: Tensor, accumulate?: IW.AccumulateArg): this { return IW.put_(this, index, source, accumulate); }
  /** Fills the main diagonal in place (torch's fill_diagonal_). @example zeros([2, 2]).fillDiagonal_(1); // [[1, 0], [0, 1]] */
  fillDiagonal_(fillValue: number | boolean, wrap?: boolean | { wrap?: boolean }): this { return IW.fillDiagonal_(this, fillValue, wrap); }
  /** Alias of {@link transpose} (torch's swapdims). @example zeros([2, 3]).swapdims(0, 1).shape; // [3, 2] */
  swapdims(dim0: number, dim1: number): Tensor { return V.transpose(this, dim0, dim1); }
  /** Alias of {@link transpose} (torch's swapaxes). */
  swapaxes(dim0: number, dim1: number): Tensor { return V.transpose(this, dim0, dim1); }
  /** Transposes this (at most 2-D) tensor in place: its own shape and strides change. @example x.t_(); */
  t_(): this { return IV.t_(this); }
  /** Swaps two dims of this tensor in place. @example x.transpose_(0, -1); */
  transpose_(dim0: number, dim1: number): this { return IV.transpose_(this, dim0, dim1); }
  swapdims_(dim0: number, dim1: number): this { return IV.transpose_(this, dim0, dim1); }
  swapaxes_(dim0: number, dim1: number): this { return IV.transpose_(this, dim0, dim1); }
  /** Inserts a size-1 dim in place. @example x.unsqueeze_(0); */
  unsqueeze_(dim: number): this { return IV.unsqueeze_(this, dim); }
  /** Drops size-1 dims in place (all, or `dim`). @example x.squeeze_(); */
  squeeze_(dim?: number): this { return IV.squeeze_(this, dim); }
  /** Alias of {@link clamp_}. @example x.clip_(0, 1); */
  clip_(min?: U.ClampBound | U.ClampOptions, max?: U.ClampBound): this { return this.clamp_(min, max); }
  /** @internal In-place view ops (ops/inplace-view.ts): this tensor takes new geometry over the same storage. */
  _setView(shape: number[], stride: number[], offset: number): void {
    (this as unknown as { nd: NdArray<TypedArray> }).nd = makeView(this._storage.data, this.dtype, shape, stride, offset);
  }
}

// iteration (conform8)
function iterateDim0(this: Tensor): IterableIterator<Tensor> {
  return RC.unbind(this, 0)[Symbol.iterator]();
}

type ViewCtor = new (...args: unknown[]) => ndarray.NdArray<TypedArray>;
const viewCtors = new Map<string, ViewCtor>();

/**
 * An ndarray view, built with ndarray's own generated class for this dtype and rank. Calling `ndarray()`
 * itself re-detects the array type on every call (Object.prototype.toString), a fifth of the time of a tiny
 * op; the class is the same, so it is looked up once.
 */
function makeView(data: TypedArray, dtype: DType, shape: number[], stride: number[], offset: number): ndarray.NdArray<TypedArray> {
  const key = dtype + shape.length;
  let C = viewCtors.get(key);
  if (C === undefined) {
    C = (Object.getPrototypeOf(ndarray(data, shape, stride, offset)) as { constructor: ViewCtor }).constructor;
    viewCtors.set(key, C);
  }
  switch (shape.length) {
    case 0: return new C(data, offset);
    case 1: return new C(data, shape[0], stride[0], offset);
    case 2: return new C(data, shape[0], shape[1], stride[0], stride[1], offset);
    case 3: return new C(data, shape[0], shape[1], shape[2], stride[0], stride[1], stride[2], offset);
    default: return new C(data, ...shape, ...stride, offset);
  }
}

function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

function flatShape(args: (number | number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return args[0].slice();
  return args as number[];
}

/** Copies a strided tensor into `out` in row-major order. */
export function stridedCopy(t: Tensor, out: TypedArray): void {
  const sh = t.nd.shape, st = t.nd.stride, src = t._storage.data;
  const nd = sh.length;
  const n = numelOf(sh);
  if (n === 0) return;
  if (nd === 0) { out[0] = src[t.nd.offset]; return; }
  const last = sh[nd - 1], ls = st[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let base = t.nd.offset, o = 0;
  for (let r = 0, outer = n / last; r < outer; r++) {
    let p = base;
    for (let j = 0; j < last; j++) { out[o++] = src[p]; p += ls; }
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      base += st[d];
      if (idx[d] < sh[d]) break;
      base -= st[d] * sh[d];
      idx[d] = 0;
    }
  }
}

/** Is it a Tensor? (Works across bundle copies by duck typing the storage.) */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
