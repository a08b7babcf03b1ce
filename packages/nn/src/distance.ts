/** Distance layers, PyTorch's torch/nn/modules/distance.py: nn.CosineSimilarity and nn.PairwiseDistance (core's ops underneath). */
import { Tensor, cosineSimilarity, pairwiseDistance } from '@tapegrad/core';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { Module } from './module';

interface CosineSimilarityOptions { dim: number; eps: number }
/**
 * x1·x2 / max(‖x1‖·‖x2‖, eps) along `dim` (default 1, eps 1e-8), PyTorch's `nn.CosineSimilarity`; the
 * inputs broadcast.
 * @example
 * new CosineSimilarity().call(tensor([[1, 0]]), tensor([[1, 1]])) // [0.7071]
 */
export class CosineSimilarity extends Module {
  readonly dim: number;
  readonly eps: number;
  /** `new CosineSimilarity(1, 1e-6)` or `new CosineSimilarity({ dim: 1, eps: 1e-6 })`. */
  constructor(...args: PositionalArgs<[], [dim: number, eps: number], CosineSimilarityOptions>) {
    super();
    const o = positionalOptions<CosineSimilarityOptions>('CosineSimilarity', args, [pos.number('dim'), pos.number('eps')], ['dim', 'eps'], 0);
    this.dim = o.dim ?? 1;
    this.eps = o.eps ?? 1e-8;
    if (!Number.isInteger(this.dim)) throw new TypeError(`CosineSimilarity: dim must be an integer, got ${this.dim}`);
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return cosineSimilarity(x1, x2, this.dim, this.eps);
  }
}

interface PairwiseDistanceOptions { p: number; eps: number; keepdim: boolean }
/**
 * ‖x1 − x2 + eps‖_p along the last dim (p 2, eps 1e-6), PyTorch's `nn.PairwiseDistance`; [N, D] or [D]
 * inputs give [N] or [] ([N, 1] or [1] with `keepdim`).
 * @example
 * new PairwiseDistance().call(tensor([[0, 0]]), tensor([[3, 4]])) // ≈ [5]
 */
export class PairwiseDistance extends Module {
  /** PyTorch's attribute name for p. */
  readonly norm: number;
  readonly eps: number;
  readonly keepdim: boolean;
  /** `new PairwiseDistance(1)`, `new PairwiseDistance(2, 1e-6, true)` or `new PairwiseDistance({ p: 1, keepdim: true })`. */
  constructor(...args: PositionalArgs<[], [p: number, eps: number, keepdim: boolean], PairwiseDistanceOptions>) {
    super();
    const o = positionalOptions<PairwiseDistanceOptions>('PairwiseDistance', args, [pos.number('p'), pos.number('eps'), pos.boolean('keepdim')], ['p', 'eps', 'keepdim'], 0);
    this.norm = o.p ?? 2;
    this.eps = o.eps ?? 1e-6;
    this.keepdim = o.keepdim ?? false;
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwiseDistance(x1, x2, this.norm, this.eps, this.keepdim);
  }
}
