/** Embedding: a lookup table of learned vectors. */
import { Tensor, DType, Generator, getDefaultDtype, zeros, noGrad } from '@tapegrad/core';
import { Module } from './module';
import { Parameter } from './parameter';
import * as init from './init';
import { embedding } from './functional/embedding';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { checkOptions } from './check';

/** Embedding's options. */
export interface EmbeddingOptions {
  /** The row that stays zero and gets no gradient (negative counts from the end; default none). */
  paddingIdx?: number | null;
  /** Rows looked up whose `normType`-norm exceeds this are rescaled in place to norm maxNorm (PyTorch's max_norm). */
  maxNorm?: number | null;
  /** The p of maxNorm's norm (default 2; Infinity for the max). */
  normType?: number;
  dtype?: DType;
  generator?: Generator;
}

/**
 * A table of numEmbeddings vectors of size embeddingDim, looked up by int32 indices (PyTorch's
 * `nn.Embedding`); weight initialised N(0, 1), the `paddingIdx` row zero and never updated by gradients.
 * `maxNorm` renormalises the looked-up rows in place, as PyTorch (scaleGradByFreq and sparse are not supported).
 * @example
 * const emb = new Embedding(10, 3);
 * emb.call(tensor([[1, 2], [4, 9]])).shape; // [2, 2, 3]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  weight: Parameter;

  /**
   * PyTorch's `Embedding(num_embeddings, embedding_dim, padding_idx=None)` (`new Embedding(10, 3, 0)`), then the
   * max_norm and norm_type, then the other options; scale_grad_by_freq and sparse are errors (unsupported).
   */
  constructor(numEmbeddings: number, embeddingDim: number, ...args: PositionalArgs<[], [paddingIdx: number | null, maxNorm: number | null, normType: number], EmbeddingOptions>) {
    super();
    const opts = positionalOptions<EmbeddingOptions>('Embedding', args, [pos.nullableNumber('paddingIdx'), pos.nullableNumber('maxNorm'), pos.number('normType')], ['paddingIdx', 'maxNorm', 'normType', 'dtype', 'generator'], 2);
    let { paddingIdx = null } = opts;
    const { dtype = getDefaultDtype(), generator, maxNorm = null, normType = 2 } = opts;
    if (maxNorm !== null && !(maxNorm > 0)) throw new RangeError(`Embedding: maxNorm must be a positive number, got ${maxNorm}`);
    this.maxNorm = maxNorm;
    this.normType = normType;
    for (const [n, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`Embedding: ${n} must be a non-negative integer, got ${v}`);
    }
    if (paddingIdx !== null) {
      if (!Number.isInteger(paddingIdx) || paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings) {
        throw new RangeError(`Embedding: paddingIdx must be within numEmbeddings (${numEmbeddings}), got ${paddingIdx}`);
      }
      if (paddingIdx < 0) paddingIdx += numEmbeddings;
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = paddingIdx;
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim], { dtype }));
    init.normal_(this.weight, 0, 1, { generator });
    if (paddingIdx !== null) {
      const w = this.weight;
      noGrad(() => w.select(0, paddingIdx as number).fill_(0));
    }
  }

  /**
   * PyTorch's `Embedding.from_pretrained`: a layer whose weight is `embeddings` (shared, not copied), frozen
   * unless `freeze: false`. As in PyTorch the paddingIdx row is not zeroed.
   * @example Embedding.fromPretrained(tensor([[1, 2], [3, 4]])).call(tensor([1], { dtype: 'int32' })); // [[3, 4]]
   */
  static fromPretrained(embeddings: Tensor, opts: { freeze?: boolean; paddingIdx?: number | null; maxNorm?: number | null; normType?: number } = {}): Embedding {
    const { freeze = true, ...rest } = checkOptions('Embedding.fromPretrained', opts, ['freeze', 'paddingIdx', 'maxNorm', 'normType']);
    if (!(embeddings instanceof Tensor) || embeddings.ndim !== 2) throw new RangeError('Embedding.fromPretrained: Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = embeddings.shape;
    const e = new Embedding(rows, cols, { ...rest, dtype: embeddings.dtype });
    e.weight = new Parameter(embeddings instanceof Parameter ? embeddings.detach() : embeddings, !freeze);
    return e;
  }

  forward(input: Tensor): Tensor {
    if (this.maxNorm !== null) renorm(this.weight, input, this.maxNorm, this.normType);
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}${this.maxNorm !== null ? `, maxNorm=${this.maxNorm}` : ''}`;
  }
}

/** PyTorch's embedding_renorm_: each distinct looked-up row with norm > maxNorm is scaled by maxNorm / (norm + 1e-7), in place. */
function renorm(weight: Tensor, input: Tensor, maxNorm: number, p: number): void {
  if (input.dtype !== 'int32') return; // embedding() reports it
  const n = weight.shape[0];
  const rows = new Set<number>();
  for (const v of input.dataSync()) if (v >= 0 && v < n) rows.add(v);
  noGrad(() => {
    for (const r of rows) {
      const row = weight.select(0, r);
      const a = row.abs();
      const norm = (p === Infinity ? a.amax() : a.pow(p).sum().pow(1 / p)).item();
      if (norm > maxNorm) row.mul_(maxNorm / (norm + 1e-7));
    }
  });
}
