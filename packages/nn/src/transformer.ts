/**
 * Transformers as PyTorch 1.13's `torch.nn` has them: TransformerEncoderLayer, TransformerDecoderLayer,
 * TransformerEncoder, TransformerDecoder and Transformer, with PyTorch's state-dict names.
 */
import { Tensor, DType, Generator, getDefaultDtype } from '@tapegrad/core';
import { Module, typeName } from './module';
import { ModuleList } from './container';
import { Linear } from './linear';
import { Dropout } from './dropout';
import { LayerNorm } from './normalization';
import { MultiheadAttention } from './attention';
import { deepCopy } from './deep-copy';
import * as init from './init';
import { relu, gelu } from './functional/activation';
import { encoderLayerFastPath, encoderLayerMask, fastPathMask } from './fast-path';
import { causalBias } from './functional/attention';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';

/** The feed-forward activation: PyTorch's strings, a function of a Tensor, or a Module (then a sub-module). */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

export interface TransformerLayerOptions {
  /** Width of the feed-forward block. Default 2048. */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (and on the attention weights). Default 0.1. */
  dropout?: number;
  /** Default 'relu'. */
  activation?: TransformerActivation;
  /** LayerNorm eps. Default 1e-5. */
  layerNormEps?: number;
  /** Inputs [N, L, E] instead of [L, N, E]. Default false. */
  batchFirst?: boolean;
  /** Pre-norm (LayerNorm before attention and feed-forward) instead of post-norm. Default false. */
  normFirst?: boolean;
  dtype?: DType;
  /** Generator for the initial values (default: the global generator). */
  generator?: Generator;
}
const LAYER_OPTIONS = ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'dtype', 'generator'];
/** PyTorch's positional parameters of the layers after (dModel, nhead), in its order. */
const LAYER_POSITIONAL = [pos.number('dimFeedforward'), pos.number('dropout'), pos.activation('activation'), pos.number('layerNormEps'), pos.boolean('batchFirst'), pos.boolean('normFirst')];

function activationFn(layer: string, a: TransformerActivation): ((x: Tensor) => Tensor) | Module {
  if (a === 'relu') return relu;
  if (a === 'gelu') return gelu;
  if (typeof a === 'function' || a instanceof Module) return a;
  throw new RangeError(`${layer}: activation should be 'relu', 'gelu', a function or a Module, not ${JSON.stringify(a)}`);
}

function checkSizes(layer: string, dModel: number, nhead: number, dimFeedforward: number): void {
  for (const [n, v] of [['dModel', dModel], ['nhead', nhead], ['dimFeedforward', dimFeedforward]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${layer}: ${n} must be a positive integer, got ${v}`);
  }
  if (dModel % nhead !== 0) throw new RangeError(`${layer}: dModel (${dModel}) must be divisible by nhead (${nhead})`);
}

/** Throws unless x is [L, E] or [*, *, E] with E = dModel (naming the layer and the input). */
function checkInput(layer: string, what: string, x: Tensor, dModel: number, batchFirst: boolean): void {
  if (!(x instanceof Tensor)) throw new TypeError(`${layer}: ${what} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new RangeError(`${layer}: expected ${what} unbatched [L, ${dModel}] or batched ${batchFirst ? `[N, L, ${dModel}]` : `[L, N, ${dModel}]`}, got shape [${x.shape.join(', ')}]`);
  }
  if (x.shape[x.ndim - 1] !== dModel) throw new RangeError(`${layer}: expected ${what} with ${dModel} features (dModel) in the last dim, got shape [${x.shape.join(', ')}]`);
}

/** Shared by both layers: the members PyTorch registers in this order after the attention blocks. */
abstract class TransformerLayer extends Module {
  readonly dModel: number;
  readonly batchFirst: boolean;
  readonly normFirst: boolean;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare activation: ((x: Tensor) => Tensor) | Module;

  protected constructor(dModel: number, nhead: number, opts: TransformerLayerOptions) {
    super();
    const { dimFeedforward = 2048, batchFirst = false, normFirst = false } = opts;
    checkSizes(typeName(this), dModel, nhead, dimFeedforward);
    this.dModel = dModel;
    this.batchFirst = batchFirst;
    this.normFirst = normFirst;
  }

  protected ff(x: Tensor, last: Dropout): Tensor {
    const a = this.activation;
    const h = this.linear1.call(x);
    return last.call(this.linear2.call(this.dropout.call(a instanceof Module ? (a.call(h) as Tensor) : a(h))));
  }

  protected attn(m: MultiheadAttention, x: Tensor, mem: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null, drop: Dropout): Tensor {
    return drop.call(m.call(x, mem, mem, { attnMask, keyPaddingMask, needWeights: false })[0]);
  }
}

/**
 * One encoder block (PyTorch's `nn.TransformerEncoderLayer`): self-attention and a feed-forward block,
 * each with a residual connection and LayerNorm (after each block, or before it with normFirst).
 * State-dict keys as PyTorch: `self_attn.in_proj_weight`, …, `linear1.weight`, `linear2.weight`,
 * `norm1.weight`, `norm2.weight` and their biases.
 * @example
 * const layer = new TransformerEncoderLayer(64, 4, { dimFeedforward: 256, batchFirst: true });
 * const y = layer.call(randn([16, 10, 64]), { srcMask: Transformer.generateSquareSubsequentMask(10) });
 */
export class TransformerEncoderLayer extends TransformerLayer {
  declare self_attn: MultiheadAttention;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;

  /** PyTorch's `TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu, layer_norm_eps=1e-5, batch_first=False, norm_first=False)`, then the other options. */
  constructor(dModel: number, nhead: number, ...args: PositionalArgs<[], [dimFeedforward: number, dropout: number, activation: TransformerActivation, layerNormEps: number, batchFirst: boolean, normFirst: boolean], TransformerLayerOptions>) {
    const opts = positionalOptions<TransformerLayerOptions>('TransformerEncoderLayer', args, LAYER_POSITIONAL, LAYER_OPTIONS, 2);
    super(dModel, nhead, opts);
    const { dimFeedforward = 2048, dropout = 0.1, activation = 'relu', layerNormEps = 1e-5, batchFirst = false, dtype = getDefaultDtype(), generator } = opts;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst, dtype, generator });
    this.linear1 = new Linear(dModel, dimFeedforward, { dtype, generator });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { dtype, generator });
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps, dtype });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps, dtype });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.activation = activationFn('TransformerEncoderLayer', activation);
  }

  /**
   * src [L, N, E] ([N, L, E] with batchFirst; unbatched [L, E]). `srcMask` [L, S] or [N·nhead, L, S] and
   * `srcKeyPaddingMask` [N, S] as MultiheadAttention's masks (bool true = not allowed, float added).
   */
  forward(src: Tensor, ...masks: PositionalArgs<[], [srcMask: Tensor | null, srcKeyPaddingMask: Tensor | null], { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null }>): Tensor {
    const { srcMask = null, srcKeyPaddingMask = null } = forwardMasks<{ srcMask: Tensor | null; srcKeyPaddingMask: Tensor | null }>('TransformerEncoderLayer.forward', masks, ['srcMask', 'srcKeyPaddingMask'], 1);
    checkInput('TransformerEncoderLayer', 'src', src, this.dModel, this.batchFirst);
    // PyTorch 1.13's inference fast path (same values as below) reads a float key padding mask as bool.
    const kpm = encoderLayerMask(this, src, srcMask, srcKeyPaddingMask);
    let x = src;
    if (this.normFirst) {
      const n = this.norm1.call(x);
      x = x.add(this.attn(this.self_attn, n, n, srcMask, kpm, this.dropout1));
      x = x.add(this.ff(this.norm2.call(x), this.dropout2));
    } else {
      x = this.norm1.call(x.add(this.attn(this.self_attn, x, x, srcMask, kpm, this.dropout1)));
      x = this.norm2.call(x.add(this.ff(x, this.dropout2)));
    }
    return x;
  }
}

export interface TransformerDecoderLayerForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
}
const DECODER_FORWARD = ['tgtMask', 'memoryMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask'];
type DecoderMasks = [tgtMask: Tensor | null, memoryMask: Tensor | null, tgtKeyPaddingMask: Tensor | null, memoryKeyPaddingMask: Tensor | null];

/**
 * forward's masks in PyTorch's positional order, then an options object of the rest
 * (`encoder(src, src_mask)` is `encoder.call(src, srcMask)` or `encoder.call(src, { mask: srcMask })`).
 */
function forwardMasks<O>(where: string, args: readonly unknown[], keys: readonly string[], leading: number): Partial<O> {
  return positionalOptions<O>(where, args, keys.map((k) => pos.nullableTensor(k)), keys, leading);
}

/**
 * One decoder block (PyTorch's `nn.TransformerDecoderLayer`): self-attention over tgt, attention to the
 * encoder's `memory` (`multihead_attn`), and a feed-forward block, each with residual and LayerNorm.
 * @example
 * const layer = new TransformerDecoderLayer(64, 4, { batchFirst: true });
 * const y = layer.call(tgt, memory, { tgtMask: Transformer.generateSquareSubsequentMask(tgt.shape[1]) });
 */
export class TransformerDecoderLayer extends TransformerLayer {
  declare self_attn: MultiheadAttention;
  declare multihead_attn: MultiheadAttention;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare norm3: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare dropout3: Dropout;

  /** PyTorch's `TransformerDecoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu, layer_norm_eps=1e-5, batch_first=False, norm_first=False)`, then the other options. */
  constructor(dModel: number, nhead: number, ...args: PositionalArgs<[], [dimFeedforward: number, dropout: number, activation: TransformerActivation, layerNormEps: number, batchFirst: boolean, normFirst: boolean], TransformerLayerOptions>) {
    const opts = positionalOptions<TransformerLayerOptions>('TransformerDecoderLayer', args, LAYER_POSITIONAL, LAYER_OPTIONS, 2);
    super(dModel, nhead, opts);
    const { dimFeedforward = 2048, dropout = 0.1, activation = 'relu', layerNormEps = 1e-5, batchFirst = false, dtype = getDefaultDtype(), generator } = opts;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst, dtype, generator });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst, dtype, generator });
    this.linear1 = new Linear(dModel, dimFeedforward, { dtype, generator });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { dtype, generator });
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps, dtype });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps, dtype });
    this.norm3 = new LayerNorm(dModel, { eps: layerNormEps, dtype });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.dropout3 = new Dropout(dropout);
    this.activation = activationFn('TransformerDecoderLayer', activation);
  }

  /** tgt [T, N, E] and memory [S, N, E] (batch first with batchFirst; unbatched [T, E], [S, E]). */
  forward(tgt: Tensor, memory: Tensor, ...masks: PositionalArgs<[], DecoderMasks, TransformerDecoderLayerForwardOptions>): Tensor {
    const o = forwardMasks<TransformerDecoderLayerForwardOptions>('TransformerDecoderLayer.forward', masks, DECODER_FORWARD, 2);
    checkInput('TransformerDecoderLayer', 'tgt', tgt, this.dModel, this.batchFirst);
    checkInput('TransformerDecoderLayer', 'memory', memory, this.dModel, this.batchFirst);
    if (memory.ndim !== tgt.ndim) throw new RangeError(`TransformerDecoderLayer: tgt [${tgt.shape.join(', ')}] and memory [${memory.shape.join(', ')}] must both be batched or both unbatched`);
    const { tgtMask = null, memoryMask = null, tgtKeyPaddingMask = null, memoryKeyPaddingMask = null } = o;
    let x = tgt;
    if (this.normFirst) {
      const n = this.norm1.call(x);
      x = x.add(this.attn(this.self_attn, n, n, tgtMask, tgtKeyPaddingMask, this.dropout1));
      x = x.add(this.attn(this.multihead_attn, this.norm2.call(x), memory, memoryMask, memoryKeyPaddingMask, this.dropout2));
      x = x.add(this.ff(this.norm3.call(x), this.dropout3));
    } else {
      x = this.norm1.call(x.add(this.attn(this.self_attn, x, x, tgtMask, tgtKeyPaddingMask, this.dropout1)));
      x = this.norm2.call(x.add(this.attn(this.multihead_attn, x, memory, memoryMask, memoryKeyPaddingMask, this.dropout2)));
      x = this.norm3.call(x.add(this.ff(x, this.dropout3)));
    }
    return x;
  }
}

function checkLayers(who: string, layer: unknown, numLayers: number): void {
  if (!(layer instanceof Module)) throw new TypeError(`${who}: expected a layer Module to copy, got ${layer === null ? 'null' : typeof layer}`);
  if (!Number.isInteger(numLayers) || numLayers < 1) throw new RangeError(`${who}: numLayers must be a positive integer, got ${numLayers}`);
}

/**
 * numLayers deep copies of `encoderLayer` applied in turn, then the optional final `norm` (PyTorch's
 * `nn.TransformerEncoder`; keys `layers.0.self_attn.in_proj_weight`, …, `norm.weight`). The layer given
 * is only the template: the copies have their own parameters.
 * @example
 * const enc = new TransformerEncoder(new TransformerEncoderLayer(64, 4, { batchFirst: true }), 2);
 * enc.call(x, { mask: Transformer.generateSquareSubsequentMask(x.shape[1]) });
 */
export class TransformerEncoder extends Module {
  readonly layers: ModuleList;
  readonly numLayers: number;
  readonly norm: Module | null;
  /** PyTorch's enable_nested_tensor: the eval-mode path that gives padded positions zeros (see forward). */
  readonly enableNestedTensor: boolean;
  /** PyTorch's mask_check (the nested path is taken only for a left-aligned key padding mask either way). */
  readonly maskCheck: boolean;

  /** PyTorch 1.13's `TransformerEncoder(encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True)`: positional values, then the other options. */
  constructor(encoderLayer: TransformerEncoderLayer | Module, numLayers: number, ...args: PositionalArgs<[], [norm: Module | null, enableNestedTensor: boolean, maskCheck: boolean], TransformerEncoderOptions>) {
    super();
    const { norm = null, enableNestedTensor = true, maskCheck = true } = positionalOptions<TransformerEncoderOptions>('TransformerEncoder', args, [
      pos.nullableModule('norm'), pos.boolean('enableNestedTensor'), pos.boolean('maskCheck'),
    ], undefined, 2);
    checkLayers('TransformerEncoder', encoderLayer, numLayers);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopy(encoderLayer)));
    this.numLayers = numLayers;
    this.norm = norm;
    this.enableNestedTensor = enableNestedTensor;
    this.maskCheck = maskCheck;
  }

  /**
   * src as the layers take it; `mask` and `srcKeyPaddingMask` are passed to every layer. As PyTorch 1.13,
   * in eval mode without gradients (grad mode off, or nothing requiring grad), with a left-aligned
   * srcKeyPaddingMask and no mask, batch-first post-norm relu/gelu layers, an even nhead and cpu tensors,
   * the padded positions of the output are zeros before the final norm (PyTorch runs that case on nested
   * tensors); otherwise they hold the dense values.
   */
  forward(src: Tensor, ...masks: PositionalArgs<[], [mask: Tensor | null, srcKeyPaddingMask: Tensor | null], { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null }>): Tensor {
    const { mask = null, srcKeyPaddingMask = null } = forwardMasks<{ mask: Tensor | null; srcKeyPaddingMask: Tensor | null }>('TransformerEncoder.forward', masks, ['mask', 'srcKeyPaddingMask'], 1);
    let x = src;
    for (const layer of this.layers) x = layer.call(x, { srcMask: mask, srcKeyPaddingMask }) as Tensor;
    const padded = this._nestedPadding(src, mask, srcKeyPaddingMask);
    if (padded) x = x.maskedFill(padded.unsqueeze(-1), 0);
    return this.norm ? (this.norm.call(x) as Tensor) : x;
  }

  /** @internal The [N, S] padded positions when PyTorch 1.13 would take its nested-tensor path, else null. */
  private _nestedPadding(src: Tensor, mask: Tensor | null, kpm: Tensor | null): Tensor | null {
    const first = this.layers.get<Module>(0);
    if (!this.enableNestedTensor || kpm === null || mask !== null || !(first instanceof TransformerEncoderLayer)) return null;
    // The first layer's fast-path conditions (fast-path.ts), post-norm, and a 2-D mask on the cpu (PyTorch takes
    // the path on CPU and CUDA only; other devices, webgpu here, keep the dense values).
    if (first.normFirst || !(kpm instanceof Tensor) || kpm.ndim !== 2 || kpm.device !== 'cpu' || !encoderLayerFastPath(first, src, mask)) return null;
    const padded = fastPathMask(kpm)!;
    if (padded.dtype !== 'bool') return null;
    // Only for a left-aligned mask (each row's kept positions first: PyTorch's mask_check; unchecked, its
    // nested path would read a row's first positions whatever the mask, which the dense path cannot
    // reproduce). Decided in tensor ops, so that no mask value is read into JavaScript (compile).
    const S = padded.shape[1];
    if (S < 2) return padded;
    const holes = padded.narrow(1, 0, S - 1).logicalAnd(padded.narrow(1, 1, S - 1).logicalNot()).any();
    return padded.logicalAnd(holes.logicalNot());
  }
}

export interface TransformerEncoderOptions {
  /** A final norm after the layers (PyTorch's norm). Default none. */
  norm?: Module | null;
  /** PyTorch's enable_nested_tensor (default true): see TransformerEncoder.forward. */
  enableNestedTensor?: boolean;
  /** PyTorch's mask_check (default true). */
  maskCheck?: boolean;
}

/**
 * numLayers deep copies of `decoderLayer`, then the optional final `norm` (PyTorch's `nn.TransformerDecoder`).
 * @example
 * const dec = new TransformerDecoder(new TransformerDecoderLayer(64, 4), 2, { norm: new LayerNorm(64) });
 * dec.call(tgt, memory, { tgtMask });
 */
export class TransformerDecoder extends Module {
  readonly layers: ModuleList;
  readonly numLayers: number;
  readonly norm: Module | null;

  /** PyTorch's `TransformerDecoder(decoder_layer, num_layers, norm=None)`: positional values, then the other options. */
  constructor(decoderLayer: TransformerDecoderLayer | Module, numLayers: number, ...args: PositionalArgs<[], [norm: Module | null], { norm?: Module | null }>) {
    super();
    const { norm = null } = positionalOptions<{ norm?: Module | null }>('TransformerDecoder', args, [pos.nullableModule('norm')], undefined, 2);
    checkLayers('TransformerDecoder', decoderLayer, numLayers);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopy(decoderLayer)));
    this.numLayers = numLayers;
    this.norm = norm;
  }

  forward(tgt: Tensor, memory: Tensor, ...masks: PositionalArgs<[], DecoderMasks, TransformerDecoderLayerForwardOptions>): Tensor {
    const o = forwardMasks<TransformerDecoderLayerForwardOptions>('TransformerDecoder.forward', masks, DECODER_FORWARD, 2);
    let x = tgt;
    for (const layer of this.layers) x = layer.call(x, memory, o) as Tensor;
    return this.norm ? (this.norm.call(x) as Tensor) : x;
  }
}

export interface TransformerOptions extends TransformerLayerOptions {
  /** Default 512. */
  dModel?: number;
  /** Default 8. */
  nhead?: number;
  /** Default 6. */
  numEncoderLayers?: number;
  /** Default 6. */
  numDecoderLayers?: number;
  /** Used instead of the built encoder. */
  customEncoder?: Module | null;
  /** Used instead of the built decoder. */
  customDecoder?: Module | null;
}

export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
}

/**
 * The encoder-decoder Transformer (PyTorch's `nn.Transformer`): TransformerEncoder and
 * TransformerDecoder with final LayerNorms; every parameter with more than one dim is re-initialised
 * xavierUniform_, as PyTorch. Defaults dModel 512, nhead 8, 6 + 6 layers.
 * @example
 * const model = new Transformer(32, 4, { numEncoderLayers: 2, numDecoderLayers: 2, batchFirst: true });
 * const out = model.call(src, tgt, { tgtMask: Transformer.generateSquareSubsequentMask(tgt.shape[1]) });
 */
export class Transformer extends Module {
  readonly encoder: Module;
  readonly decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  /**
   * PyTorch's `Transformer(d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
   * dropout=0.1, activation=relu, custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5, batch_first=False,
   * norm_first=False)`: positional values, then the other options; every argument has a default, so all of them may
   * be options (`new Transformer({ dModel: 64, nhead: 4 })`, PyTorch's `Transformer(d_model=64, nhead=4)`).
   */
  constructor(...args: PositionalArgs<[], [
    dModel: number, nhead: number,
    numEncoderLayers: number, numDecoderLayers: number, dimFeedforward: number, dropout: number, activation: TransformerActivation,
    customEncoder: Module | null, customDecoder: Module | null, layerNormEps: number, batchFirst: boolean, normFirst: boolean,
  ], TransformerOptions>) {
    super();
    const opts = positionalOptions<TransformerOptions>('Transformer', args, [
      pos.number('dModel'), pos.number('nhead'),
      pos.number('numEncoderLayers'), pos.number('numDecoderLayers'), ...LAYER_POSITIONAL.slice(0, 3), pos.nullableModule('customEncoder'), pos.nullableModule('customDecoder'),
      ...LAYER_POSITIONAL.slice(3),
    ], [...LAYER_OPTIONS, 'dModel', 'nhead', 'numEncoderLayers', 'numDecoderLayers', 'customEncoder', 'customDecoder'], 0);
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, customEncoder = null, customDecoder = null, ...layerOpts } = opts;
    const { layerNormEps = 1e-5, dtype = getDefaultDtype(), batchFirst = false, generator } = layerOpts;
    this.encoder = customEncoder ?? new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layerOpts), numEncoderLayers, {
      norm: new LayerNorm(dModel, { eps: layerNormEps, dtype }),
    });
    this.decoder = customDecoder ?? new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layerOpts), numDecoderLayers, {
      norm: new LayerNorm(dModel, { eps: layerNormEps, dtype }),
    });
    for (const p of this.parameters()) if (p.ndim > 1) init.xavierUniform_(p, { generator });
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = batchFirst;
  }

  /** src [S, N, E] and tgt [T, N, E] (batch first with batchFirst) → [T, N, E]. */
  forward(src: Tensor, tgt: Tensor, ...masks: PositionalArgs<[], [srcMask: Tensor | null, tgtMask: Tensor | null, memoryMask: Tensor | null, srcKeyPaddingMask: Tensor | null, tgtKeyPaddingMask: Tensor | null, memoryKeyPaddingMask: Tensor | null], TransformerForwardOptions>): Tensor {
    const o = forwardMasks<TransformerForwardOptions>('Transformer.forward', masks, ['srcMask', 'tgtMask', 'memoryMask', 'srcKeyPaddingMask', 'tgtKeyPaddingMask', 'memoryKeyPaddingMask'], 2);
    const batched = src.ndim === 3;
    const bdim = this.batchFirst ? 0 : 1;
    if (batched && tgt.ndim === 3 && src.shape[bdim] !== tgt.shape[bdim]) {
      throw new RangeError(`Transformer: the batch number of src [${src.shape.join(', ')}] and tgt [${tgt.shape.join(', ')}] must be equal`);
    }
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel) {
      throw new RangeError(`Transformer: the feature number of src [${src.shape.join(', ')}] and tgt [${tgt.shape.join(', ')}] must be equal to dModel (${this.dModel})`);
    }
    const memory = this.encoder.call(src, { mask: o.srcMask ?? null, srcKeyPaddingMask: o.srcKeyPaddingMask ?? null }) as Tensor;
    return this.decoder.call(tgt, memory, {
      tgtMask: o.tgtMask ?? null,
      memoryMask: o.memoryMask ?? null,
      tgtKeyPaddingMask: o.tgtKeyPaddingMask ?? null,
      memoryKeyPaddingMask: o.memoryKeyPaddingMask ?? null,
    }) as Tensor;
  }

  /**
   * The [n, n] float mask that lets position i attend to positions ≤ i: 0 on and below the diagonal,
   * −inf above (PyTorch's `generate_square_subsequent_mask`).
   * @example
   * Transformer.generateSquareSubsequentMask(3) // [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]]
   */
  static generateSquareSubsequentMask(n: number, { dtype = getDefaultDtype() }: { dtype?: DType } = {}): Tensor {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`generateSquareSubsequentMask: size must be a non-negative integer, got ${n}`);
    return causalBias(n, n, dtype);
  }

  /** The same mask called on a model, as PyTorch's staticmethod allows (`model.generate_square_subsequent_mask(sz)`). */
  generateSquareSubsequentMask(n: number, options: { dtype?: DType } = {}): Tensor {
    return Transformer.generateSquareSubsequentMask(n, options);
  }
}
