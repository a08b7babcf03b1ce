/**
 * Scans along a dim: cumsum and cumprod (primitives). Sums and products accumulate in float64, as
 * PyTorch's CPU kernels do for float32; integer and bool inputs give int32 (PyTorch: int64).
 */
import { Tensor } from '../tensor';
import { allocate, checkInt32, DType, isFloating } from '../dtype';
import { normDim, numelOf } from '../shape';
import { record } from '../autograd/tape';
import { isGradEnabled } from '../autograd/grad-mode';
import { linesOf, fromLines, toLast, fromLast } from './along';
import { where } from './indexing';
import { flip } from './reorder';
import { PositionalArgs, pos, positionalOptions } from '../positional-args';
import { eyeMask, scanLines } from '../webgpu/rows'; // webgpu (issue 17)

export interface ScanOptions {
  /** The dim to scan along (required, positionally or here). */
  dim?: number;
  /** Cast the input to this dtype first (PyTorch's `dtype=`), e.g. to sum int32 or bool values as floats. */
  dtype?: DType;
}
/** cumsum's and cumprod's arguments after the input: the dim, then optionally the options (or the options alone, with dim). */
export type ScanArgs = PositionalArgs<[dim: number], [], ScanOptions>;

/** The input cast to the dtype option, and the dim. */
function parse(op: string, x: Tensor, args: ScanArgs): { x: Tensor; dim: number } {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor`);
  const { dim, dtype } = positionalOptions<ScanOptions>(op, args, [pos.number('dim')], ['dim', 'dtype']);
  if (dim === undefined) throw new TypeError(`${op}: dim is required (PyTorch's ${op} has no default dim), e.g. ${op}(x, 0) or ${op}(x, { dim: 0 })`);
  return { x: dtype === undefined ? x : x.to(dtype), dim };
}

function scan(op: string, x: Tensor, dim: number, step: (acc: number, v: number) => number, init: number): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor`);
  const d = normDim(dim, x.ndim, op);
  const dtype: DType = isFloating(x.dtype) ? x.dtype : 'int32';
  const { data, outer, len } = linesOf(x, d);
  const out = allocate(dtype, data.length);
  for (let o = 0, p = 0; o < outer; o++) {
    let acc = init;
    for (let i = 0; i < len; i++, p++) {
      acc = step(acc, data[p]);
      // An integer scan that leaves int32 would wrap (PyTorch's int64 would not): refuse it.
      if (dtype === 'int32') checkInt32(acc, op, 'running value');
      out[p] = acc;
    }
  }
  return fromLines(out, x._shape, d, dtype);
}

/** Sum of the elements after (and at) each position along d: the adjoint of cumsum. */
const reverseCumsum = (g: Tensor, d: number): Tensor => flip(cumsum(flip(g, [d]), d), [d]);

/**
 * Cumulative sum along `dim`: out[i] = x[0] + … + x[i].
 * @example
 * cumsum(tensor([1, 2, 3], { dtype: 'float32' }), 0); // tensor([1., 3., 6.])
 * cumsum(x, 0, { dtype: 'float64' }); cumsum(x, { dim: 0, dtype: 'float64' }); // the same
 */
export function cumsum(input: Tensor, ...args: ScanArgs): Tensor {
  const { x, dim } = parse('cumsum', input, args);
  const d = normDim(dim, x.ndim, 'cumsum');
  const res = x._storage.gpu !== null ? scanLines('cumsum', x, d) : scan('cumsum', x, dim, (a, v) => a + v, 0); // webgpu (issue 17)
  return record('cumsum', [x], res, (g) => [x.ndim === 0 ? g : reverseCumsum(g, d)]);
}

/**
 * Cumulative product along `dim`: out[i] = x[0] · … · x[i]. The gradient is exact where inputs are 0
 * (PyTorch's rule): Σ_{j ≥ k} g[j] · Π_{i ≤ j, i ≠ k} x[i].
 * @example
 * cumprod(tensor([2, 0, 3], { dtype: 'float64' }), 0); // tensor([2., 0., 0.])
 */
export function cumprod(input: Tensor, ...args: ScanArgs): Tensor {
  const { x, dim } = parse('cumprod', input, args);
  const d = normDim(dim, x.ndim, 'cumprod');
  if (x._storage.gpu !== null) { // webgpu (issue 17): a line kernel; whether a factor is 0 is not known on the host
    const out = scanLines('cumprod', x, d);
    return record('cumprod', [x], out, (g) => [x.ndim === 0 || x._shape[d] <= 1 ? g : cumprodGradDifferentiable(x, g, d)], [x]);
  }
  const res = scan('cumprod', x, dim, (a, v) => a * v, 1);
  let zeros = false;
  const src = x._contigData();
  for (let i = 0; i < src.length; i++) if (src[i] === 0) { zeros = true; break; }
  return record('cumprod', [x], res, (g) => {
    if (x.ndim === 0 || x._shape[d] <= 1) return [g];
    if (!zeros) return [reverseCumsum(g.mul(res), d).div(x)];
    return [isGradEnabled() ? cumprodGradDifferentiable(x, g, d) : cumprodGradWithZeros(x, g, d)];
  }, [x]);
}

/**
 * The zero-safe gradient in Tensor ops, for double backward: for each k, the line with x_k replaced
 * by 1 is scanned (row k of an n×n matrix), so Π_{i ≤ j, i ≠ k} x_i needs no division. O(n²) per line.
 */
function cumprodGradDifferentiable(x: Tensor, g: Tensor, d: number): Tensor {
  const n = x._shape[d];
  const xl = toLast(x, d), gl = toLast(g, d);
  const eye = new Uint8Array(n * n), upper = new Uint8Array(n * n);
  for (let k = 0; k < n; k++) { eye[k * n + k] = 1; for (let j = k; j < n; j++) upper[k * n + j] = 1; }
  const gpu = x._storage.gpu !== null; // webgpu (issue 17): the masks on the device, uploaded once per n
  const rows = where(gpu ? eyeMask(n) : Tensor._fromData(eye, [n, n], 'bool'), 1, xl.unsqueeze(-2)).cumprod(-1);
  const terms = where(gpu ? eyeMask(n, true) : Tensor._fromData(upper, [n, n], 'bool'), rows.mul(gl.unsqueeze(-2)), 0);
  return fromLast(terms.sum(-1), d);
}

/** The same gradient by prefix and suffix passes per line, O(n), for a backward that records nothing. */
function cumprodGradWithZeros(x: Tensor, g: Tensor, d: number): Tensor {
  const xs = linesOf(x, d), gs = linesOf(g, d);
  const { outer, len } = xs;
  const out = allocate(x.dtype, numelOf(x._shape));
  const prefix = new Float64Array(len);
  for (let o = 0, b = 0; o < outer; o++, b += len) {
    // Up to the first zero z, prod/x_k is exact; from z on only k = z has a non-zero gradient.
    let z = len;
    for (let i = 0, p = 1; i < len; i++) { prefix[i] = p; const v = xs.data[b + i]; if (v === 0 && z === len) z = i; p *= v; }
    for (let k = 0; k < len; k++) {
      if (k > z) { out[b + k] = 0; continue; }
      // Σ_{j ≥ k} g_j · Π_{i ≤ j, i ≠ k} x_i = prefix_k · Σ_{j ≥ k} g_j Π_{k < i ≤ j} x_i
      let s = 0, p = 1;
      for (let j = k; j < len; j++) {
        if (j > k) p *= xs.data[b + j];
        if (p === 0) break;
        s += gs.data[b + j] * p;
      }
      out[b + k] = prefix[k] * s;
    }
  }
  return fromLines(out, x._shape, d, x.dtype);
}
