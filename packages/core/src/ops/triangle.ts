/**
 * Triangles and diagonals of (batches of) matrices: tril/triu (a mask, composed with where), diagonal
 * (a view, primitive) and diagEmbed (primitive); each is the other's VJP.
 */
import { Tensor } from '../tensor';
import { allocate } from '../dtype';
import { fmt, normDim } from '../shape';
import { record, printedAs } from '../autograd/tape';
import { noGrad } from '../autograd/grad-mode';
import { where } from './indexing';
import { cat, makeView } from './view';
import { zerosOf } from './cast';
import { PositionalArgs, pos, positionalOptions } from '../positional-args';

export interface TriangleOptions {
  /** Which diagonal bounds the triangle: 0 the main one, > 0 above it, < 0 below (default 0). */
  diagonal?: number;
}
/** tril's and triu's argument after the input: the diagonal, or the options. */
export type TriangleArgs = PositionalArgs<[], [diagonal: number], TriangleOptions>;

export interface DiagonalOptions {
  /** Which diagonal: 0 the main one, > 0 above it, < 0 below (default 0). */
  offset?: number;
  /** The two dims spanning the matrices (diagonal: 0 and 1; diagEmbed: -2 and -1, of the result). */
  dim1?: number;
  dim2?: number;
}
/** diagonal's and diagEmbed's arguments after the input: PyTorch's positional ones (offset, dim1, dim2), then optionally the options. */
export type DiagonalArgs = PositionalArgs<[], [offset: number, dim1: number, dim2: number], DiagonalOptions>;
const DIAGONAL_PARAMS = [pos.number('offset'), pos.number('dim1'), pos.number('dim2')];

function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor`);
  if (x.ndim < 2) throw new RangeError(`${op}: input tensor must have at least 2 dimensions, got shape ${fmt(x._shape)}`);
  if (!Number.isInteger(diagonal)) throw new TypeError(`${op}: diagonal must be an integer, got ${diagonal}`);
  const r = x._shape[x.ndim - 2], c = x._shape[x.ndim - 1];
  const keep = new Uint8Array(r * c);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) keep[i * c + j] = +(op === 'tril' ? j - i <= diagonal : j - i >= diagonal);
  }
  return printedAs(where(Tensor._fromData(keep, [r, c], 'bool'), x, 0).to(x.dtype), op === 'tril' ? 'TrilBackward0' : 'TriuBackward0', x);
}

/**
 * The lower triangle of the last two dims (j ≤ i + diagonal), zeros elsewhere; batched.
 * @example
 * tril(ones([3, 3])); // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 */
export const tril = (x: Tensor, ...args: TriangleArgs): Tensor =>
  triangle('tril', x, positionalOptions<TriangleOptions>('tril', args, [pos.number('diagonal')]).diagonal ?? 0);
/**
 * The upper triangle of the last two dims (j ≥ i + diagonal), zeros elsewhere; batched.
 * @example
 * triu(ones([3, 3]), 1); // [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
 * triu(ones([3, 3]), { diagonal: 1 }); // the same
 */
export const triu = (x: Tensor, ...args: TriangleArgs): Tensor =>
  triangle('triu', x, positionalOptions<TriangleOptions>('triu', args, [pos.number('diagonal')]).diagonal ?? 0);

function diagDims(op: string, rank: number, dim1: number, dim2: number): [number, number] {
  const a = normDim(dim1, rank, op), b = normDim(dim2, rank, op);
  if (a === b) throw new RangeError(`${op}: dim1 and dim2 cannot be the same dim (${dim1} and ${dim2} are both dim ${a} of a rank-${rank} result)`);
  return [a, b];
}

/**
 * The diagonal with `offset` (above the main one when > 0) of the matrices spanned by dim1 and dim2,
 * as a view: those dims are removed and the diagonal becomes the last dim (torch.diagonal).
 * @example
 * diagonal(tensor([[1, 2], [3, 4]], { dtype: 'float32' })); // tensor([1., 4.])
 * diagonal(x, { offset: 1, dim1: -2, dim2: -1 }); // diagonal(x, 1, -2, -1)
 */
export function diagonal(x: Tensor, ...args: DiagonalArgs): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError('diagonal: expected a Tensor');
  const { offset = 0, dim1 = 0, dim2 = 1 } = positionalOptions<DiagonalOptions>('diagonal', args, DIAGONAL_PARAMS);
  if (x.ndim < 2) throw new RangeError(`diagonal: expected a tensor with at least 2 dims, got shape ${fmt(x._shape)}`);
  if (!Number.isInteger(offset)) throw new TypeError(`diagonal: offset must be an integer, got ${offset}`);
  const [a, b] = diagDims('diagonal', x.ndim, dim1, dim2);
  const sh = x._shape, st = x.nd.stride;
  const len = Math.max(0, offset >= 0 ? Math.min(sh[a], sh[b] - offset) : Math.min(sh[a] + offset, sh[b]));
  let start = x.nd.offset;
  if (len > 0) start += offset >= 0 ? offset * st[b] : -offset * st[a];
  const shape: number[] = [], stride: number[] = [];
  for (let i = 0; i < x.ndim; i++) if (i !== a && i !== b) { shape.push(sh[i]); stride.push(st[i]); }
  shape.push(len);
  stride.push(st[a] + st[b]);
  const v = makeView(x, shape, stride, start);
  return record('diagonal', [x], v, (g) => [diagonalBackward(g, x._shape, offset, a, b)]);
}

/** g placed on the diagonal of a zero tensor of `shape`: diagEmbed, then cut or padded to the matrix size. */
function diagonalBackward(g: Tensor, shape: number[], offset: number, a: number, b: number): Tensor {
  const rank = shape.length;
  let m = diagEmbed(g, offset, -2, -1); // [...rest, n, n] with n = len + |offset|
  const fit = (t: Tensor, dim: number, size: number): Tensor => {
    const have = t._shape[dim];
    if (have >= size) return t.narrow(dim, 0, size);
    const pad = t.shape;
    pad[dim] = size - have;
    return cat([t, zerosOf(pad, t.dtype, t)], dim);
  };
  m = fit(fit(m, rank - 2, shape[a]), rank - 1, shape[b]);
  // m is laid out [...others, a, b]; put a and b back where they were.
  const perm = new Array<number>(rank);
  for (let i = 0, k = 0; i < rank; i++) perm[i] = i === a ? rank - 2 : i === b ? rank - 1 : k++;
  return m.permute(perm);
}

/**
 * Matrices whose `offset` diagonal (over dims dim1, dim2 of the result) holds the last dim of x, zeros
 * elsewhere (torch.diag_embed).
 * @example
 * diagEmbed(tensor([1, 2], { dtype: 'float32' })); // [[1, 0], [0, 2]]
 */
export function diagEmbed(x: Tensor, ...args: DiagonalArgs): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError('diagEmbed: expected a Tensor');
  const { offset = 0, dim1 = -2, dim2 = -1 } = positionalOptions<DiagonalOptions>('diagEmbed', args, DIAGONAL_PARAMS);
  if (x.ndim === 0) throw new RangeError('diagEmbed: expected a tensor with at least 1 dim (its last dim becomes the diagonal), got a 0-d tensor');
  if (!Number.isInteger(offset)) throw new TypeError(`diagEmbed: offset must be an integer, got ${offset}`);
  const rank = x.ndim + 1;
  const [a, b] = diagDims('diagEmbed', rank, dim1, dim2);
  const n = x._shape[x.ndim - 1];
  const m = n + Math.abs(offset);
  const rest = x._shape.slice(0, -1);
  const shape: number[] = [];
  for (let i = 0, k = 0; i < rank; i++) shape.push(i === a || i === b ? m : rest[k++]);
  const out = Tensor._fromData(allocate(x.dtype, shape.reduce((p, s) => p * s, 1)), shape, x.dtype);
  noGrad(() => diagonal(out, offset, a, b).copy_(x));
  return record('diagEmbed', [x], out, (g) => [diagonal(g, offset, a, b).reshape(x._shape)]);
}
