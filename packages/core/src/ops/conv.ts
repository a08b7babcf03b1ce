/**
 * Convolutions (PyTorch's F.conv1d/conv2d, F.conv_transpose1d/2d, F.unfold/fold). Four primitives on
 * [N, C, H, W] tensors and one geometry (image H×W, kernel, stride, padding before, dilation, oh×ow
 * output positions); 1-D convolutions are the H = 1 case, unbatched inputs a batch of one:
 *
 * - conv: im2col into a reused column buffer, then one GEMM per image and group (bias written first,
 *   the GEMM adds onto it). Its input gradient is the transposed conv of the upstream gradient with the
 *   same weight and geometry; its weight gradient the product of the upstream gradient with unfold(x).
 *   On the wasm backend these three run the whole batch in wasm memory (kernels/conv-wasm.ts: the same
 *   GEMMs, bit for bit, without copying column matrices out); the loops here are the JS path.
 * - convTranspose: one GEMM per image and group into the column buffer, then col2im. Its input gradient
 *   is the conv of the upstream gradient; its weight gradient x times unfold(upstream).
 * - unfold (im2col) and fold (col2im): each other's adjoint, so each one's VJP is the other.
 *
 * All VJPs are these ops again (and bmm, sum), so second derivatives come out of the same code.
 */
import { checkOptionKeys } from '../options';
import { Tensor } from '../tensor';
import { allocate, allocateUninit, isFloating, FloatArray, type FloatDType, checkSameDtype } from '../dtype';
import { fmt } from '../shape';
import { record, printedAs } from '../autograd/tape';
import { gemm } from '../kernels/gemm';
import { ConvGeom, im2col, col2im, columnScratch } from '../kernels/im2col';
import { convForwardWasm, convTransposeWasm, convWeightGradWasm } from '../kernels/conv-wasm';
import { runKernel } from '../compile/capture';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)
import { convTranspose2d as convTranspose2dDevice } from '../webgpu/conv-transpose'; // webgpu (issue 17)

/** A size for each spatial dim: one number for all, or one per dim. */
export type SizeArg = number | readonly number[];
/** Conv padding: a size per dim, or PyTorch's `'same'` (output as large as the input, stride 1) / `'valid'` (none). */
export type ConvPadding = SizeArg | 'same' | 'valid';

/** F.conv1d / F.conv2d keyword arguments. */
export interface ConvOptions {
  /** Step between output positions (default 1). */
  stride?: SizeArg;
  /** Zero padding on both sides of each spatial dim, `'same'` or `'valid'` (default 0). */
  padding?: ConvPadding;
  /** Spacing between kernel elements (default 1). */
  dilation?: SizeArg;
  /** Input and output channels are split into this many independent groups (default 1). */
  groups?: number;
}

/** F.conv_transpose1d / F.conv_transpose2d keyword arguments. */
export interface ConvTransposeOptions {
  stride?: SizeArg;
  /** `dilation·(k−1) − padding` zeros are added on both sides of the input (default 0). */
  padding?: SizeArg;
  /** Extra size added on one side of each output dim (default 0; must be smaller than stride or dilation). */
  outputPadding?: SizeArg;
  groups?: number;
  dilation?: SizeArg;
}

/** F.unfold / F.fold keyword arguments. */
export interface UnfoldOptions {
  dilation?: SizeArg;
  padding?: SizeArg;
  stride?: SizeArg;
}

// ---- argument checks ----------------------------------------------------------------------------


/** `v` as `n` integers >= min (one number repeats), with an error naming the op and the argument. */
export function sizes(op: string, name: string, v: SizeArg, n: number, min: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(n).fill(v) : Array.isArray(v) ? [...(v as number[])] : null;
  const what = min > 0 ? 'positive' : 'non-negative';
  if (!list || list.length !== n || list.some((s) => typeof s !== 'number' || !Number.isInteger(s) || s < min)) {
    throw new RangeError(`${op}: ${name} must be a ${what} integer or a list of ${n} ${what} integers, got ${Array.isArray(v) ? fmt(v as number[]) : String(v)}`);
  }
  return list;
}

function checkGroups(op: string, groups: unknown): number {
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${String(groups)}`);
  return groups;
}

function checkFloat(op: string, x: unknown, w: unknown, b: unknown): void {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  if (!(w instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor weight, got ${w === null ? 'null' : typeof w}`);
  if (b !== undefined && b !== null && !(b instanceof Tensor)) throw new TypeError(`${op}: bias must be a Tensor or null, got ${typeof b}`);
  const bt = b as Tensor | null | undefined;
  if (!isFloating(x.dtype) || !isFloating(w.dtype) || (bt && !isFloating(bt.dtype))) {
    throw new TypeError(`${op}: expected floating point tensors, got input ${x.dtype}, weight ${w.dtype}${bt ? `, bias ${bt.dtype}` : ''}`);
  }
}

const spatialNames = (nd: number): string => (nd === 1 ? 'L' : 'H, W');

function checkInputRank(op: string, x: Tensor, nd: number): boolean {
  if (x.ndim !== nd + 1 && x.ndim !== nd + 2) {
    throw new RangeError(`${op}: expected a ${nd + 1}-D (unbatched [C, ${spatialNames(nd)}]) or ${nd + 2}-D (batched [N, C, ${spatialNames(nd)}]) input, got shape ${fmt(x._shape)}`);
  }
  return x.ndim === nd + 1;
}

/** As a 4-D [N, C, H, W] tensor (1-D: H = 1; unbatched: N = 1). */
function to4d(x: Tensor, nd: number, unbatched: boolean): Tensor {
  let y = unbatched ? x.unsqueeze(0) : x;
  if (nd === 1) y = y.unsqueeze(2);
  return y;
}

/** PyTorch prints ConvolutionBackward0 for a batched conv (an unbatched one ends in its SqueezeBackward1, as ours). */
function convolutionNode(y: Tensor, unbatched: boolean, x: Tensor, weight: Tensor): Tensor {
  return unbatched ? y : printedAs(y, 'ConvolutionBackward0', x, weight);
}

function from4d(y: Tensor, nd: number, unbatched: boolean): Tensor {
  let r = nd === 1 ? y.squeeze(2) : y;
  if (unbatched) r = r.squeeze(0);
  return r;
}

/** Per-dim lists padded to 2-D (1-D convolutions get a leading 1 for H). */
const two = (v: number[], fill: number): [number, number] => (v.length === 1 ? [fill, v[0]] : [v[0], v[1]]);

function geom(C: number, H: number, W: number, k: number[], s: number[], p: number[], d: number[], oh: number, ow: number): ConvGeom {
  return { C, H, W, kh: k[0], kw: k[1], sh: s[0], sw: s[1], ph: p[0], pw: p[1], dh: d[0], dw: d[1], oh, ow };
}

function fillBias(out: FloatArray, b: Tensor | null, N: number, O: number, L: number): void {
  if (!b) return;
  const bd = b._contigData();
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) out.fill(bd[o], (n * O + o) * L, (n * O + o + 1) * L);
}

/** Σ over batch and positions, [N, O, H, W] -> [O]: batch first (the SIMD leading-dim sum), then rows. */
// The spatial size spelled out: reshape cannot infer a -1 from an empty batch.
const biasGrad = (gr: Tensor): Tensor => gr.reshape([gr._shape[0], gr._shape[1], gr._shape.slice(2).reduce((a, b) => a * b, 1)]).sum(0).sum(1);

// ---- the primitives -----------------------------------------------------------------------------

/** im2col: [N, C, H, W] -> [N, C·kh·kw, oh·ow]. */
function im2colOp(x: Tensor, g: ConvGeom): Tensor {
  const [N, C, H, W] = x._shape;
  const gg = { ...g, C, H, W };
  const K = C * g.kh * g.kw, L = g.oh * g.ow;
  const out = allocate(x.dtype, N * K * L) as FloatArray;
  runKernel(() => {
    const src = x._contigData() as FloatArray;
    for (let n = 0; n < N; n++) im2col(src, n * C * H * W, gg, out, n * K * L);
  }, out);
  const res = Tensor._fromData(out, [N, K, L], x.dtype);
  return record('unfold', [x], res, (gr) => [col2imOp(gr, gg)]);
}

/** col2im: [N, C·kh·kw, oh·ow] -> [N, C, H, W] (overlapping positions add up). */
function col2imOp(cols: Tensor, g: ConvGeom): Tensor {
  const [N, K, L] = cols._shape;
  const C = K / (g.kh * g.kw), HW = g.H * g.W;
  const gg = { ...g, C };
  const out = allocate(cols.dtype, N * C * HW) as FloatArray;
  runKernel(() => {
    const src = cols._contigData() as FloatArray;
    out.fill(0); // col2im adds into it
    for (let n = 0; n < N; n++) col2im(src, n * K * L, gg, out, n * C * HW);
  }, out);
  const res = Tensor._fromData(out, [N, C, g.H, g.W], cols.dtype);
  return record('fold', [cols], res, (gr) => [im2colOp(gr, gg)]);
}

/**
 * The weight gradient of a conv: Σₙ up[n]·unfold(img[n])ᵀ per group, img [N, C, H, W] (g's image),
 * up [N, O, oh, ow] -> [O, C/groups·kh·kw]. One GEMM per image and group accumulates into the result
 * (im2col into the reused column buffer, nothing of size N·C·k²·L allocated). It is bilinear in
 * (img, up), so its VJP with upstream G is the transposed conv of up and the conv of img with G viewed
 * as a weight. The transposed conv's weight gradient is the same op with the roles swapped.
 */
function convWeightGradOp(img: Tensor, up: Tensor, g: ConvGeom, groups: number, kShape: number[]): Tensor {
  const [N, C, H, W] = img._shape;
  const O = up._shape[1];
  const Cg = C / groups, Og = O / groups, K = Cg * g.kh * g.kw, L = g.oh * g.ow;
  const gg = { ...g, C: Cg, H, W };
  // Every element is written when the first image's GEMMs (beta 0) run.
  const full = N > 0 && L > 0 && K > 0 && Og > 0;
  const out = full ? allocateUninit(img.dtype as FloatDType, O * K) : allocate(img.dtype, O * K) as FloatArray;
  runKernel(() => {
    const xs = img._contigData() as FloatArray, us = up._contigData() as FloatArray;
    if (!full) out.fill(0);
    if (L > 0 && K > 0 && Og > 0 && !convWeightGradWasm(xs, us, out, N, C, O, groups, gg)) {
      const cols = columnScratch(img.dtype === 'float64', K * L);
      for (let n = 0; n < N; n++) {
        for (let gi = 0; gi < groups; gi++) {
          im2col(xs, (n * C + gi * Cg) * H * W, gg, cols, 0);
          gemm(false, true, Og, K, L, 1, us, (n * O + gi * Og) * L, L, cols, 0, L, n > 0 ? 1 : 0, out, gi * Og * K, K);
        }
      }
    }
  }, out);
  const res = Tensor._fromData(out, [O, Cg, ...kShape], img.dtype);
  return record('convWeightGrad', [img, up], res, (G) => [
    img.requiresGrad ? convTransposeOp(up, G, null, gg, groups) : null,
    up.requiresGrad ? convOp(img, G, null, gg, groups) : null,
  ], [img, up]);
}

/** x [N, C, H, W], w [O, C/groups, kh, kw], b [O] | null, all one dtype; g's image is x's. */
function convOp(x: Tensor, w: Tensor, b: Tensor | null, g: ConvGeom, groups: number): Tensor {
  if (x._storage.gpu !== null || w._storage.gpu !== null) return WG.conv2d(x, w, b, g, groups); // webgpu (issue 17)
  const [N, C, H, W] = x._shape;
  const [O, Cg, kh, kw] = w._shape;
  const Og = O / groups, K = Cg * kh * kw, L = g.oh * g.ow;
  const gg = { ...g, C: Cg, H, W };
  // The bias, or the GEMMs with beta 0, write every element.
  const work = L > 0 && Og > 0 && K > 0;
  const out = b !== null || work ? allocateUninit(x.dtype as FloatDType, N * O * L) : allocate(x.dtype, N * O * L) as FloatArray;
  // A 1×1 kernel at stride 1 without padding reads the image itself as its column matrix.
  const direct = kh === 1 && kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0 && g.oh === H && g.ow === W;
  runKernel(() => {
    const xs = x._contigData() as FloatArray, ws = w._contigData() as FloatArray;
    if (b === null && !work) out.fill(0);
    // The wasm path writes the bias into wasm memory itself; here it goes in first and the GEMMs add onto it.
    const wasmDone = work && convForwardWasm(xs, ws, b ? (b._contigData() as FloatArray) : null, out, N, C, O, groups, gg, direct);
    if (!wasmDone) fillBias(out, b, N, O, L);
    if (work && !wasmDone) {
      const cols = direct ? xs : columnScratch(x.dtype === 'float64', K * L);
      for (let n = 0; n < N; n++) {
        for (let gi = 0; gi < groups; gi++) {
          const xOff = (n * C + gi * Cg) * H * W;
          if (!direct) im2col(xs, xOff, gg, cols, 0);
          gemm(false, false, Og, L, K, 1, ws, gi * Og * K, K, cols, direct ? xOff : 0, L, b ? 1 : 0, out, (n * O + gi * Og) * L, L);
        }
      }
    }
  }, out);
  const res = Tensor._fromData(out, [N, O, g.oh, g.ow], x.dtype);
  return record('conv2d', b ? [x, w, b] : [x, w], res, (gr) => [
    x.requiresGrad ? convTransposeOp(gr, w, null, gg, groups) : null,
    w.requiresGrad ? convWeightGradOp(x, gr, gg, groups, [kh, kw]) : null,
    b && b.requiresGrad ? biasGrad(gr) : null,
  ], [x, w]);
}

/**
 * x [N, Cin, oh, ow], w [Cin, O/groups, kh, kw], b [O] | null; g's image is the output (H×W) and its
 * positions are x's spatial dims.
 */
function convTransposeOp(x: Tensor, w: Tensor, b: Tensor | null, g: ConvGeom, groups: number): Tensor {
  if (x._storage.gpu !== null || w._storage.gpu !== null) return convTranspose2dDevice(x, w, b, g, groups); // webgpu (issue 17)
  const [N, Cin] = x._shape;
  const [, Og, kh, kw] = w._shape;
  const Cgi = Cin / groups, O = Og * groups, K = Og * kh * kw, L = g.oh * g.ow, HW = g.H * g.W;
  const gg = { ...g, C: Og };
  const work = L > 0 && K > 0 && Cgi > 0;
  const out = allocateUninit(x.dtype as FloatDType, N * O * HW);
  runKernel(() => {
    const xs = x._contigData() as FloatArray, ws = w._contigData() as FloatArray;
    // The wasm path starts from the bias or zeros in wasm memory; here out gets them and col2im adds onto it.
    const wasmDone = work && convTransposeWasm(xs, ws, b ? (b._contigData() as FloatArray) : null, out, N, Cin, O, groups, gg);
    if (!wasmDone) {
      if (b) fillBias(out, b, N, O, HW);
      else out.fill(0);
    }
    if (work && !wasmDone) {
      const cols = columnScratch(x.dtype === 'float64', K * L);
      for (let n = 0; n < N; n++) {
        for (let gi = 0; gi < groups; gi++) {
          gemm(true, false, K, L, Cgi, 1, ws, gi * Cgi * K, K, xs, (n * Cin + gi * Cgi) * L, L, 0, cols, 0, L);
          col2im(cols, 0, gg, out, (n * O + gi * Og) * HW, true);
        }
      }
    }
  }, out);
  const res = Tensor._fromData(out, [N, O, g.H, g.W], x.dtype);
  return record('convTranspose2d', b ? [x, w, b] : [x, w], res, (gr) => [
    x.requiresGrad ? convOp(gr, w, null, gg, groups) : null,
    w.requiresGrad ? convWeightGradOp(gr, x, gg, groups, [kh, kw]) : null,
    b && b.requiresGrad ? biasGrad(gr) : null,
  ], [x, w]);
}

// ---- the public ops -----------------------------------------------------------------------------

const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups'] as const;

function convNd(op: string, nd: number, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvOptions): Tensor {
  checkFloat(op, x, weight, bias);
  checkOptionKeys(op, opts ?? undefined, CONV_KEYS);
  const { stride = 1, padding = 0, dilation = 1, groups: gArg = 1 } = opts ?? {};
  if (weight.ndim !== nd + 2) {
    throw new RangeError(`${op}: weight must be ${nd + 2}-D [outChannels, inChannels/groups, ${nd === 1 ? 'kL' : 'kH, kW'}], got shape ${fmt(weight._shape)}`);
  }
  const unbatched = checkInputRank(op, x, nd);
  const groups = checkGroups(op, gArg);
  const [O, Cg] = weight._shape;
  const C = x._shape[unbatched ? 0 : 1];
  const k = weight._shape.slice(2);
  if (k.some((s) => s === 0)) throw new RangeError(`${op}: the weight ${fmt(weight._shape)} has an empty kernel`);
  if (O % groups !== 0) throw new RangeError(`${op}: groups=${groups} must divide the weight's ${O} output channels (weight shape ${fmt(weight._shape)})`);
  if (C % groups !== 0) throw new RangeError(`${op}: groups=${groups} must divide the input's ${C} channels (input shape ${fmt(x._shape)})`);
  if (C !== Cg * groups) {
    throw new RangeError(`${op}: the input has ${C} channels (shape ${fmt(x._shape)}) but the weight ${fmt(weight._shape)} with groups=${groups} expects ${Cg}·${groups} = ${Cg * groups} input channels`);
  }
  if (bias && (bias.ndim !== 1 || bias._shape[0] !== O)) throw new RangeError(`${op}: bias must have shape [${O}] (the weight's output channels), got ${fmt(bias._shape)}`);
  const s = sizes(op, 'stride', stride, nd, 1);
  const d = sizes(op, 'dilation', dilation, nd, 1);
  let before: number[], after: number[];
  if (padding === 'same') {
    if (s.some((v) => v !== 1)) throw new RangeError(`${op}: padding='same' is not supported for strided convolutions (stride ${fmt(s)}); PyTorch refuses it too`);
    // PyTorch puts the odd extra zero of an even-sized (dilated) kernel after the input.
    before = k.map((kk, i) => Math.floor((d[i] * (kk - 1)) / 2));
    after = k.map((kk, i) => d[i] * (kk - 1) - before[i]);
  } else if (padding === 'valid') {
    before = after = new Array<number>(nd).fill(0);
  } else if (typeof padding === 'string') {
    throw new RangeError(`${op}: padding must be a size, a list of ${nd} sizes, 'same' or 'valid', got '${padding}'`);
  } else {
    before = after = sizes(op, 'padding', padding, nd, 0);
  }
  const spatial = x._shape.slice(unbatched ? 1 : 2);
  const outSize = spatial.map((n, i) => {
    const padded = n + before[i] + after[i], eff = d[i] * (k[i] - 1) + 1;
    if (padded < eff) {
      throw new RangeError(`${op}: the kernel (size ${fmt(k)}, dilation ${fmt(d)}: ${eff} in dim ${i + (unbatched ? 1 : 2)}) is larger than the padded input (${n} + ${before[i] + after[i]} = ${padded}; input shape ${fmt(x._shape)})`);
    }
    return Math.floor((padded - eff) / s[i]) + 1;
  });
  // PyTorch refuses mixed float dtypes here ("expected scalar type Float but found Double").
  checkSameDtype(op, ['input', x], ['weight', weight], ['bias', bias]);
  const dtype = x.dtype;
  const x4 = to4d(x.to(dtype), nd, unbatched);
  const w4 = nd === 1 ? weight.to(dtype).unsqueeze(2) : weight.to(dtype);
  const [oh, ow] = two(outSize, 1);
  const g = geom(C / groups, x4._shape[2], x4._shape[3], two(k, 1), two(s, 1), two(before, 0), two(d, 1), oh, ow);
  return convolutionNode(from4d(convOp(x4, w4, bias ? bias.to(dtype) : null, g, groups), nd, unbatched), unbatched, x, weight);
}

/**
 * 1-D convolution (cross-correlation, as PyTorch): input [N, C, L] or unbatched [C, L], weight
 * [outChannels, C/groups, k], optional bias [outChannels]; output [N, outChannels, Lout].
 * @example
 * conv1d(randn([2, 3, 10]), randn([4, 3, 3]), null, { padding: 1 }).shape; // [2, 4, 10]
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd('conv1d', 1, input, weight, bias, opts);
}

/**
 * 2-D convolution (cross-correlation, as PyTorch): input [N, C, H, W] or unbatched [C, H, W], weight
 * [outChannels, C/groups, kH, kW], optional bias [outChannels]. Depthwise: groups = C.
 * @example
 * conv2d(randn([8, 3, 32, 32]), randn([16, 3, 3, 3]), randn([16]), { padding: 'same' }).shape; // [8, 16, 32, 32]
 * conv2d(x, w, null, { stride: 2, dilation: [1, 2], groups: 1 });
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor {
  return convNd('conv2d', 2, input, weight, bias, opts);
}

const CONVT_KEYS = ['stride', 'padding', 'outputPadding', 'groups', 'dilation'] as const;

function convTransposeNd(op: string, nd: number, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvTransposeOptions): Tensor {
  checkFloat(op, x, weight, bias);
  checkOptionKeys(op, opts ?? undefined, CONVT_KEYS);
  const { stride = 1, padding = 0, outputPadding = 0, groups: gArg = 1, dilation = 1 } = opts ?? {};
  if (weight.ndim !== nd + 2) {
    throw new RangeError(`${op}: weight must be ${nd + 2}-D [inChannels, outChannels/groups, ${nd === 1 ? 'kL' : 'kH, kW'}], got shape ${fmt(weight._shape)}`);
  }
  const unbatched = checkInputRank(op, x, nd);
  const groups = checkGroups(op, gArg);
  const [Cin, Og] = weight._shape;
  const C = x._shape[unbatched ? 0 : 1];
  const k = weight._shape.slice(2);
  if (k.some((v) => v === 0)) throw new RangeError(`${op}: the weight ${fmt(weight._shape)} has an empty kernel`);
  if (Cin % groups !== 0) throw new RangeError(`${op}: groups=${groups} must divide the ${Cin} input channels of the weight ${fmt(weight._shape)}`);
  if (C !== Cin) {
    throw new RangeError(`${op}: the input has ${C} channels (shape ${fmt(x._shape)}) but the weight ${fmt(weight._shape)} expects ${Cin} (its dim 0, [inChannels, outChannels/groups, ...])`);
  }
  const O = Og * groups;
  if (bias && (bias.ndim !== 1 || bias._shape[0] !== O)) throw new RangeError(`${op}: bias must have shape [${O}] (outChannels/groups·groups), got ${fmt(bias._shape)}`);
  const s = sizes(op, 'stride', stride, nd, 1);
  const d = sizes(op, 'dilation', dilation, nd, 1);
  const p = sizes(op, 'padding', padding, nd, 0);
  const op_ = sizes(op, 'outputPadding', outputPadding, nd, 0);
  op_.forEach((v, i) => {
    if (v >= s[i] && v >= d[i]) {
      throw new RangeError(`${op}: outputPadding ${fmt(op_)} must be smaller than either stride ${fmt(s)} or dilation ${fmt(d)} in each dim`);
    }
  });
  const spatial = x._shape.slice(unbatched ? 1 : 2);
  const outSize = spatial.map((n, i) => (n - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op_[i] + 1);
  if (outSize.some((v) => v <= 0)) {
    throw new RangeError(`${op}: the output size ${fmt(outSize)} is not positive (input shape ${fmt(x._shape)}, kernel ${fmt(k)}, stride ${fmt(s)}, padding ${fmt(p)}, dilation ${fmt(d)})`);
  }
  // PyTorch refuses mixed float dtypes here ("expected scalar type Float but found Double").
  checkSameDtype(op, ['input', x], ['weight', weight], ['bias', bias]);
  const dtype = x.dtype;
  const x4 = to4d(x.to(dtype), nd, unbatched);
  const w4 = nd === 1 ? weight.to(dtype).unsqueeze(2) : weight.to(dtype);
  const [H, W] = two(outSize, 1);
  const g = geom(Og, H, W, two(k, 1), two(s, 1), two(p, 0), two(d, 1), x4._shape[2], x4._shape[3]);
  return convolutionNode(from4d(convTransposeOp(x4, w4, bias ? bias.to(dtype) : null, g, groups), nd, unbatched), unbatched, x, weight);
}

/**
 * 1-D transposed convolution ("deconvolution", the gradient of conv1d with respect to its input):
 * input [N, Cin, L] or [Cin, L], weight [Cin, outChannels/groups, k], optional bias [outChannels].
 * Lout = (L−1)·stride − 2·padding + dilation·(k−1) + outputPadding + 1.
 * @example
 * convTranspose1d(randn([2, 3, 6]), randn([3, 2, 3]), null, { stride: 2, padding: 1, outputPadding: 1 }).shape; // [2, 2, 12]
 */
export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd('convTranspose1d', 1, input, weight, bias, opts);
}

/**
 * 2-D transposed convolution: input [N, Cin, H, W] or [Cin, H, W], weight [Cin, outChannels/groups, kH, kW].
 * @example
 * convTranspose2d(randn([1, 4, 4, 4]), randn([4, 3, 3, 3]), null, { stride: 2, padding: 1, outputPadding: 1 }).shape; // [1, 3, 8, 8]
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor {
  return convTransposeNd('convTranspose2d', 2, input, weight, bias, opts);
}

const UNFOLD_KEYS = ['dilation', 'padding', 'stride'] as const;

/** The geometry shared by unfold and fold, with the number of block positions along each dim. */
function blockGeom(op: string, H: number, W: number, kernelSize: SizeArg, opts: UnfoldOptions, shape: number[]): ConvGeom {
  checkOptionKeys(op, opts ?? undefined, UNFOLD_KEYS);
  const { dilation = 1, padding = 0, stride = 1 } = opts ?? {};
  const k = sizes(op, 'kernelSize', kernelSize, 2, 1);
  const d = sizes(op, 'dilation', dilation, 2, 1);
  const p = sizes(op, 'padding', padding, 2, 0);
  const s = sizes(op, 'stride', stride, 2, 1);
  const blocks = [H, W].map((n, i) => Math.floor((n + 2 * p[i] - d[i] * (k[i] - 1) - 1) / s[i]) + 1);
  if (blocks.some((b) => b <= 0)) {
    throw new RangeError(`${op}: the kernel ${fmt(k)} (dilation ${fmt(d)}) is larger than the padded spatial size [${H + 2 * p[0]}, ${W + 2 * p[1]}] (shape ${fmt(shape)}, padding ${fmt(p)}): no block fits`);
  }
  return geom(0, H, W, k, s, p, d, blocks[0], blocks[1]);
}

/**
 * Extracts sliding blocks (im2col): input [N, C, H, W] or [C, H, W] -> [N, C·kH·kW, L] (or
 * [C·kH·kW, L]), L the number of block positions. Row (c, i, j) holds channel c at kernel offset (i, j).
 * @example
 * unfold(randn([2, 3, 5, 5]), 3, { padding: 1, stride: 2 }).shape; // [2, 27, 9]
 */
export function unfold(input: Tensor, kernelSize: SizeArg, opts: UnfoldOptions = {}): Tensor {
  if (!(input instanceof Tensor) || !isFloating(input.dtype)) throw new TypeError(`unfold: expected a floating point Tensor input${input instanceof Tensor ? `, got ${input.dtype}` : ''}`);
  if (input.ndim !== 3 && input.ndim !== 4) throw new RangeError(`unfold: expected a 3-D (unbatched [C, H, W]) or 4-D (batched [N, C, H, W]) input, got shape ${fmt(input._shape)}`);
  const unbatched = input.ndim === 3;
  const x = unbatched ? input.unsqueeze(0) : input;
  const g = blockGeom('unfold', x._shape[2], x._shape[3], kernelSize, opts, input._shape);
  const out = im2colOp(x, g);
  return unbatched ? out.squeeze(0) : out;
}

/**
 * Sums sliding blocks back into an image (col2im, the adjoint of unfold): input [N, C·kH·kW, L] or
 * [C·kH·kW, L] -> [N, C, outputSize[0], outputSize[1]] (or unbatched); overlapping entries add up.
 * @example
 * fold(unfold(x, 2), [4, 5], 2); // x [N, C, 4, 5] -> each pixel times the number of blocks covering it
 */
export function fold(input: Tensor, outputSize: SizeArg, kernelSize: SizeArg, opts: UnfoldOptions = {}): Tensor {
  if (!(input instanceof Tensor) || !isFloating(input.dtype)) throw new TypeError(`fold: expected a floating point Tensor input${input instanceof Tensor ? `, got ${input.dtype}` : ''}`);
  if (input.ndim !== 2 && input.ndim !== 3) throw new RangeError(`fold: expected a 2-D (unbatched [C·kH·kW, L]) or 3-D (batched [N, C·kH·kW, L]) input, got shape ${fmt(input._shape)}`);
  const unbatched = input.ndim === 2;
  const x = unbatched ? input.unsqueeze(0) : input;
  const [H, W] = sizes('fold', 'outputSize', outputSize, 2, 1);
  const g = blockGeom('fold', H, W, kernelSize, opts, input._shape);
  const kk = g.kh * g.kw, K = x._shape[1], L = x._shape[2];
  if (K % kk !== 0) throw new RangeError(`fold: dim ${unbatched ? 0 : 1} of the input (${K}, shape ${fmt(input._shape)}) must be divisible by the kernel's ${g.kh}·${g.kw} = ${kk} elements`);
  if (L !== g.oh * g.ow) {
    throw new RangeError(`fold: the input has ${L} blocks (shape ${fmt(input._shape)}) but outputSize [${H}, ${W}] with this kernel, stride, padding and dilation gives ${g.oh}·${g.ow} = ${g.oh * g.ow}`);
  }
  const out = col2imOp(x, g);
  return unbatched ? out.squeeze(0) : out;
}
