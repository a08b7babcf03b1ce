/** Embedding: a lookup table of learned vectors. */
import { Tensor, DType, Generator, getDefaultDtype, zeros, noGrad } from '@tapegrad/core';
import { Module } from './module';
import { Parameter } from './parameter';
import * as init from './init';
import { embedding } from './functional/embedding';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';

/** Embedding's options. */
export interface EmbeddingOptions {
  /** The row that stays zero and gets no gradient (negative counts from the end; default none). */
  paddingIdx?: number | null;
  dtype?: DType;
  generator?: Generator;
}

/**
 * A table of numEmbeddings vectors of size embeddingDim, looked up by int32 indices (PyTorch's
 * `nn.Embedding`); weight initialised N(0, 1), the `paddingIdx` row zero and never updated by gradients.
 * (PyTorch's maxNorm, scaleGradByFreq and sparse are not supported.)
 * @example
 * const emb = new Embedding(10, 3);
 * emb.call(tensor([[1, 2], [4, 9]])).shape; // [2, 2, 3]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Parameter;

  /**
   * PyTorch's `Embedding(num_embeddings, embedding_dim, padding_idx=None)` (`new Embedding(10, 3, 0)`), then the
   * other options; PyTorch's later positional max_norm, norm_type, scale_grad_by_freq, sparse are errors (unsupported).
   */
  constructor(numEmbeddings: number, embeddingDim: number, ...args: PositionalArgs<[], [paddingIdx: number | null], EmbeddingOptions>) {
    super();
    const opts = positionalOptions<EmbeddingOptions>('Embedding', args, [pos.nullableNumber('paddingIdx')], ['paddingIdx', 'dtype', 'generator'], 2);
    let { paddingIdx = null } = opts;
    const { dtype = getDefaultDtype(), generator } = opts;
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

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`;
  }
}
