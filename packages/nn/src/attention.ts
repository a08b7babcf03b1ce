/** nn.MultiheadAttention. */
import { Tensor, DType, Generator, getDefaultDtype, zeros } from '@tapegrad/core';
import { Module } from './module';
import { Parameter } from './parameter';
import { Linear } from './linear';
import * as init from './init';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { multiHeadAttentionForward } from './functional/attention';
import { mhaFastPathOptions } from './fast-path';

export interface MultiheadAttentionOptions {
  /** Dropout probability on the attention weights (training mode only). Default 0. */
  dropout?: number;
  /** Biases in the input and output projections. Default true. */
  bias?: boolean;
  /** Learn one extra key and value position (`bias_k`, `bias_v`, [1, 1, E]). Default false. */
  addBiasKv?: boolean;
  /** Append a zero key and value position after the projections. Default false. */
  addZeroAttn?: boolean;
  /** Key features (default embedDim); differing kdim/vdim give separate q/k/v projection weights. */
  kdim?: number | null;
  /** Value features (default embedDim). */
  vdim?: number | null;
  /** Inputs and output are [N, L, E] instead of [L, N, E]. Default false. */
  batchFirst?: boolean;
  dtype?: DType;
  /** Generator for the initial values (default: the global generator). */
  generator?: Generator;
}

export interface MultiheadAttentionForwardOptions {
  /** [N, S] (unbatched: [S]); bool **true = this key is ignored**, or float, added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** Also return the attention weights. Default true. */
  needWeights?: boolean;
  /** [L, S] or [N·numHeads, L, S]; bool **true = not allowed to attend**, or float, added to the scores. */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads ([N, L, S]) rather than per head ([N, H, L, S]). Default true. */
  averageAttnWeights?: boolean;
}

const FORWARD_OPTIONS = ['keyPaddingMask', 'needWeights', 'attnMask', 'averageAttnWeights'];
// conform8: torch's forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None, average_attn_weights=True)
const FORWARD_POSITIONAL = [pos.nullableTensor('keyPaddingMask'), pos.boolean('needWeights'), pos.nullableTensor('attnMask'), pos.boolean('averageAttnWeights')];

/**
 * What follows forward's query, key and value: torch's positional `keyPaddingMask, needWeights, attnMask,
 * averageAttnWeights` (any leading part), then optionally an options object of the others; or the options alone.
 */
export type MultiheadAttentionForwardArgs = PositionalArgs<[], [
  keyPaddingMask: Tensor | null, needWeights: boolean, attnMask: Tensor | null, averageAttnWeights: boolean,
], MultiheadAttentionForwardOptions>;

/**
 * Multi-head attention (PyTorch's `nn.MultiheadAttention`): the inputs are projected to numHeads heads
 * of embedDim / numHeads features, each head computes softmax(q·kᵀ/√d + mask)·v, and the concatenated
 * heads go through `out_proj`. Parameters as PyTorch: `in_proj_weight` [3E, E] and `in_proj_bias` [3E]
 * (or `q_proj_weight` [E, E], `k_proj_weight` [E, kdim], `v_proj_weight` [E, vdim] when kdim or vdim
 * differ from embedDim), `out_proj.weight`, `out_proj.bias`, and with addBiasKv `bias_k`, `bias_v`.
 * Init as PyTorch: xavierUniform_ on the input projections, zero biases, out_proj.weight as Linear.
 *
 * Masks follow nn.MultiheadAttention: **bool true means "not allowed"**, float masks are added
 * (the opposite of F.scaledDotProductAttention's bool masks). Two masks combine as in PyTorch 1.13: a
 * bool key padding mask masks its keys in either kind of attnMask; a float key padding mask with a bool
 * attnMask is or-ed into it (its nonzero entries mask their keys); two float masks, which 1.13 refuses,
 * are added (PyTorch 2.0's rule). A query whose every key is masked gets NaN, as in PyTorch.
 * @example
 * const mha = new MultiheadAttention(16, 4, { batchFirst: true });
 * const x = randn([2, 5, 16]);
 * const [out, weights] = mha.call(x, x, x, { attnMask: Transformer.generateSquareSubsequentMask(5) });
 * // out [2, 5, 16], weights [2, 5, 5] (averaged over the heads)
 */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare out_proj: Linear;
  declare bias_k: Parameter | null;
  declare bias_v: Parameter | null;

  /** PyTorch's `MultiheadAttention(embed_dim, num_heads, dropout=0, bias=True, add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None, batch_first=False)`, then the other options. */
  constructor(embedDim: number, numHeads: number, ...args: PositionalArgs<[], [
    dropout: number, bias: boolean, addBiasKv: boolean, addZeroAttn: boolean, kdim: number | null, vdim: number | null, batchFirst: boolean,
  ], MultiheadAttentionOptions>) {
    super();
    const opts = positionalOptions<MultiheadAttentionOptions>('MultiheadAttention', args, [
      pos.number('dropout'), pos.boolean('bias'), pos.boolean('addBiasKv'), pos.boolean('addZeroAttn'), pos.nullableNumber('kdim'), pos.nullableNumber('vdim'), pos.boolean('batchFirst'),
    ], ['dropout', 'bias', 'addBiasKv', 'addZeroAttn', 'kdim', 'vdim', 'batchFirst', 'dtype', 'generator'], 2);
    const { dropout = 0, bias = true, addBiasKv = false, addZeroAttn = false, batchFirst = false, dtype = getDefaultDtype(), generator } = opts;
    for (const [n, v] of [['embedDim', embedDim], ['numHeads', numHeads]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`MultiheadAttention: ${n} must be a positive integer, got ${v}`);
    }
    if (embedDim % numHeads !== 0) {
      throw new RangeError(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    }
    const kdim = opts.kdim ?? embedDim, vdim = opts.vdim ?? embedDim;
    for (const [n, v] of [['kdim', kdim], ['vdim', vdim]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`MultiheadAttention: ${n} must be a positive integer, got ${v}`);
    }
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) throw new RangeError(`MultiheadAttention: dropout must be between 0 and 1, got ${dropout}`);
    this.embedDim = embedDim;
    this.kdim = kdim;
    this.vdim = vdim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.dropout = dropout;
    this.batchFirst = batchFirst;
    this.addZeroAttn = addZeroAttn;
    const E = embedDim;
    // Assigned in PyTorch's registration order, which is the state-dict order.
    if (kdim === E && vdim === E) {
      this.in_proj_weight = new Parameter(zeros([3 * E, E], { dtype }));
      this.q_proj_weight = this.k_proj_weight = this.v_proj_weight = null;
    } else {
      this.in_proj_weight = null;
      this.q_proj_weight = new Parameter(zeros([E, E], { dtype }));
      this.k_proj_weight = new Parameter(zeros([E, kdim], { dtype }));
      this.v_proj_weight = new Parameter(zeros([E, vdim], { dtype }));
    }
    this.in_proj_bias = bias ? new Parameter(zeros([3 * E], { dtype })) : null;
    this.out_proj = new Linear(E, E, { bias, dtype, generator });
    this.bias_k = addBiasKv ? new Parameter(zeros([1, 1, E], { dtype })) : null;
    this.bias_v = addBiasKv ? new Parameter(zeros([1, 1, E], { dtype })) : null;
    this.resetParameters(generator);
  }

  /** PyTorch's `_reset_parameters`: xavierUniform_ projections, zero biases, xavierNormal_ bias_k/bias_v. */
  resetParameters(generator?: Generator): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w) init.xavierUniform_(w, { generator });
    if (this.in_proj_bias) {
      init.zeros_(this.in_proj_bias);
      if (this.out_proj.bias) init.zeros_(this.out_proj.bias);
    }
    if (this.bias_k) init.xavierNormal_(this.bias_k, { generator });
    if (this.bias_v) init.xavierNormal_(this.bias_v, { generator });
  }

  /**
   * Attends `query` to `key`/`value`: [L, N, E] ([N, L, E] with batchFirst; unbatched [L, E]) →
   * `[output, weights]`, weights null when `needWeights` is false. After the three inputs come torch's
   * positional `keyPaddingMask, needWeights, attnMask, averageAttnWeights`, an options object of them, or both
   * (a value given twice is an error).
   * @example
   * mha.call(q, k, v, null, false, mask); // torch: mha(q, k, v, None, False, mask)
   * mha.call(q, k, v, { attnMask: mask, needWeights: false }); // the same call
   */
  forward(query: Tensor, key: Tensor, value: Tensor, ...args: MultiheadAttentionForwardArgs): [Tensor, Tensor | null] {
    const name = `MultiheadAttention(${this.embedDim}, ${this.numHeads})`;
    const opts = positionalOptions<MultiheadAttentionForwardOptions>(`${name}.forward`, args, FORWARD_POSITIONAL, FORWARD_OPTIONS, 3);
    return multiHeadAttentionForward(name, query, key, value, {
      embedDim: this.embedDim,
      numHeads: this.numHeads,
      inProjWeight: this.in_proj_weight,
      inProjBias: this.in_proj_bias,
      qProjWeight: this.q_proj_weight,
      kProjWeight: this.k_proj_weight,
      vProjWeight: this.v_proj_weight,
      biasK: this.bias_k,
      biasV: this.bias_v,
      addZeroAttn: this.addZeroAttn,
      dropoutP: this.dropout,
      outProjWeight: this.out_proj.weight,
      outProjBias: this.out_proj.bias,
      training: this.training,
      batchFirst: this.batchFirst,
    }, mhaFastPathOptions(this, query, key, value, opts)); // PyTorch 1.13's inference fast path reads a float key padding mask as bool
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, dropout=${this.dropout}, batchFirst=${this.batchFirst}`;
  }
}
