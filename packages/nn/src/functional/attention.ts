/**
 * Attention: F.scaledDotProductAttention (PyTorch 2.0's semantics) and the multi-head attention forward
 * that nn.MultiheadAttention runs (PyTorch 1.13's F.multi_head_attention_forward), both composed from
 * core ops (bmm, softmax, linear), so their gradients and second derivatives come from those ops.
 */
import { defineOp, runKernel, scaledSoftmaxF32, softmaxBackwardF32, softmaxRowsF32, allocateUninit, pos, positionalOptions } from '@tapegrad/core/internal';
import type { PositionalArgs } from '@tapegrad/core/internal';
import { Tensor, Generator, arange, zeros, cat, isFloating, linear, isGradEnabled, sumTo, broadcastShapes } from '@tapegrad/core';
import { checkFloatInput, checkOptions } from '../check';
import { dropout } from './dropout';
import { splitHeads, mergeHeads } from './heads';

const shp = (s: readonly number[]): string => `[${s.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((s, i) => s === b[i]);

/**
 * A causal mask as an additive [L, S] bias: 0 where key j ≤ query i, −inf above the diagonal (PyTorch
 * 2.0's `is_causal`, aligned top-left). Built from an arange comparison.
 */
export function causalBias(L: number, S: number, dtype: Tensor['dtype']): Tensor {
  const i = arange(0, L, 1, { dtype: 'int32' }).reshape([L, 1]);
  const j = arange(0, S, 1, { dtype: 'int32' }).reshape([1, S]);
  return zeros([L, S], { dtype }).maskedFill(j.gt(i), -Infinity);
}

const deviceBiases = new Map<string, Tensor>();
/** causalBias uploaded to a device once per shape (webgpu, issue 17), so a step does not upload it again. */
function deviceCausalBias(L: number, S: number, dtype: Tensor['dtype'], device: Tensor['device']): Tensor {
  const key = `${L}:${S}:${dtype}:${device}`;
  let t = deviceBiases.get(key);
  if (t === undefined) {
    t = causalBias(L, S, dtype).to(device);
    deviceBiases.set(key, t);
  }
  return t;
}

/**
 * A mask as an additive float bias in `dtype`: a bool mask becomes −inf where `blockedWhen` (true for
 * PyTorch's MultiheadAttention convention, True = not allowed; false for scaled_dot_product_attention,
 * True = take part), a float mask is used as is (cast to `dtype`). Other dtypes are refused.
 */
export function maskToBias(fn: string, name: string, mask: Tensor, blockedWhen: boolean, dtype: Tensor['dtype']): Tensor {
  if (!(mask instanceof Tensor)) throw new TypeError(`${fn}: ${name} must be a Tensor, got ${mask === null ? 'null' : typeof mask}`);
  if (mask.dtype === 'bool') {
    const blocked = blockedWhen ? mask : mask.logicalNot();
    return zeros(mask.shape, { dtype }).maskedFill(blocked, -Infinity);
  }
  if (!isFloating(mask.dtype)) {
    throw new TypeError(`${fn}: only bool and floating point ${name} are supported, got ${mask.dtype}`);
  }
  return mask.dtype === dtype ? mask : mask.to(dtype);
}

/**
 * softmax(scores·scale + bias) along the last dim as one op. scores is [N, L, S]; bias broadcasts against
 * [...batch, L, S] (N = the product of batch). The composition would cost a scaled copy, a broadcast add
 * and softmax's four-op VJP; here the forward is one pass per row, and the VJP is one fused pass with
 * grad mode off, or Tensor ops from the inputs with grad mode on (createGraph), so second derivatives
 * are taped. A row whose every entry is −inf gives NaN, as PyTorch's softmax.
 */
function scaledMaskedSoftmax(scores: Tensor, scale: number, bias: Tensor | null, batch: number[]): Tensor {
  const [N, L, S] = scores.shape;
  const full = [...batch, L, S];
  // webgpu (issue 17): the kernels below read host memory; on the device the same function is device ops
  // (scale, the broadcast add, softmax's row kernel), whose VJPs are taped.
  if (scores.device !== 'cpu' || (bias !== null && bias.device !== 'cpu')) {
    return (bias ? scores.mul(scale).reshape(full).add(bias).reshape([N, L, S]) : scores.mul(scale)).softmax(-1);
  }
  // Row r of the flattened [N·L, S] scores reads its bias row at rowOff[r] (stride-0 dims broadcast).
  let biasData: ArrayLike<number> | null = null, colStride = 0;
  let rowOff: Int32Array | null = null;
  if (bias) {
    const bv = bias.expand(full);
    const st = bv.stride();
    biasData = bv._storage.data as ArrayLike<number>;
    colStride = st[st.length - 1];
    rowOff = new Int32Array(N * L);
    const lead = full.slice(0, -1), ls = st.slice(0, -1);
    const idx = new Array<number>(lead.length).fill(0);
    let off = bv.nd.offset;
    for (let r = 0; r < N * L; r++) {
      rowOff[r] = off;
      for (let a = lead.length - 1; a >= 0; a--) {
        idx[a]++;
        off += ls[a];
        if (idx[a] < lead[a]) break;
        off -= ls[a] * lead[a];
        idx[a] = 0;
      }
    }
  }
  const inputs = bias ? [scores, bias] : [scores];
  return defineOp('scaledMaskedSoftmax', {
    forward(ctx) {
      // z = scores·scale + bias in one pass, then softmax's row kernel (SIMD for float32).
      const Z = allocateLike(scores.dtype, N * L * S);
      // float32 with contiguous bias rows: the whole softmax(z) in this one kernel (wasm/rows.as), the
      // softmax in place on z when the wasm path is unavailable at run time. Otherwise z, then softmax().
      const fused = scores.dtype === 'float32' && (!biasData || colStride === 1);
      runKernel(() => {
        const X = scores._contigData();
        if (fused && scaledSoftmaxF32(X, biasData as Float32Array | null, rowOff, Z, N * L, S, scale)) return;
        if (biasData && rowOff) {
          for (let r = 0; r < N * L; r++) {
            const o = r * S, bo = rowOff[r];
            for (let j = 0; j < S; j++) Z[o + j] = X[o + j] * scale + biasData[bo + j * colStride];
          }
        } else {
          for (let i = 0; i < Z.length; i++) Z[i] = X[i] * scale;
        }
        if (fused) softmaxRowsF32(Z as Float32Array, Z as Float32Array, N * L, S);
      }, Z);
      const z = fromData(Z, [N, L, S], scores.dtype);
      const out = fused ? z : z.softmax(-1);
      ctx.saveForBackward(out);
      return out;
    },
    backward(ctx, g) {
      let dz: Tensor, ds: Tensor | null = null;
      if (isGradEnabled()) {
        const z = bias ? scores.mul(scale).reshape(full).add(bias).reshape([N, L, S]) : scores.mul(scale);
        const w = z.softmax(-1);
        dz = w.mul(g.sub(g.mul(w).sum(-1, true)));
      } else {
        // dz = w ⊙ (g − Σ g ⊙ w) per row; the scores' gradient is scale·dz, written in the same pass.
        const [w] = ctx.savedTensors;
        // Unscaled when the bias needs dz itself.
        const c = bias?.requiresGrad ? 1 : scale;
        const D = allocateLike(scores.dtype, N * L * S);
        runKernel(() => {
          const Wd = w._contigData(), G = g._contigData();
          if (softmaxBackwardF32(Wd, G, D, N * L, S, c)) return;
          for (let r = 0; r < N * L; r++) {
            const o = r * S;
            let dot = 0;
            for (let j = 0; j < S; j++) dot += G[o + j] * Wd[o + j];
            for (let j = 0; j < S; j++) D[o + j] = c * Wd[o + j] * (G[o + j] - dot);
          }
        }, D);
        dz = fromData(D, [N, L, S], scores.dtype);
        if (c === scale) ds = dz;
      }
      return [
        scores.requiresGrad ? (ds ?? dz.mul(scale)) : null,
        ...(bias ? [bias.requiresGrad ? sumTo(dz.reshape(full), bias.shape) : null] : []),
      ];
    },
  })(...inputs);
}

// From the engine's pool: every element is written, and a backward buffer can be recycled after use.
const allocateLike = (dtype: Tensor['dtype'], n: number): Float32Array | Float64Array => allocateUninit(dtype === 'float64' ? 'float64' : 'float32', n);
const fromData = (d: Float32Array | Float64Array, shape: number[], dtype: Tensor['dtype']): Tensor => Tensor._fromData(d, shape, dtype);

/**
 * The attention core on 3-D operands: softmax(q·kᵀ·scale + bias)·v, with dropout on the weights.
 * `batch` is the batch shape that q's first dim flattens ([B, H] for multi-head attention); `bias`
 * broadcasts against [...batch, L, S]. Returns the output [N, L, Dv] and the weights [N, L, S].
 */
function attend(q: Tensor, k: Tensor, v: Tensor, batch: number[], bias: Tensor | null, scale: number, dropoutP: number, training: boolean, generator?: Generator): [Tensor, Tensor] {
  let w = scaledMaskedSoftmax(q.bmm(k.transpose(1, 2)), scale, bias, batch);
  if (dropoutP > 0 && training) w = dropout(w, dropoutP, true, { generator });
  return [w.bmm(v), w];
}

export interface ScaledDotProductAttentionOptions {
  /**
   * Bool or float mask broadcasting to [..., L, S] (at least 2-D). Bool: **true = takes part in
   * attention** (PyTorch 2.0's `F.scaled_dot_product_attention`; the opposite of nn.MultiheadAttention's
   * masks); float: added to the scores.
   */
  attnMask?: Tensor | null;
  /** Dropout probability on the attention weights (applied whenever > 0, as PyTorch). Default 0. */
  dropoutP?: number;
  /** Mask out keys after each query (key j > query i); attnMask must then be absent. Default false. */
  isCausal?: boolean;
  /** Scale of the scores (PyTorch ≥ 2.1's option). Default 1/√E. */
  scale?: number;
  /** Generator of the dropout mask (default: the global generator). */
  generator?: Generator;
}

/**
 * softmax(q·kᵀ/√E + mask)·v over the last two dims (PyTorch 2.0's `F.scaled_dot_product_attention`):
 * q [..., L, E], k [..., S, E], v [..., S, Ev] with the same leading dims → [..., L, Ev].
 * A bool `attnMask` is true where attention is **allowed**; a float mask is added to the scores. A
 * query whose every key is masked gets NaN, as in PyTorch.
 * @example
 * const q = randn([2, 4, 8, 16]); // [batch, heads, L, E]
 * const out = F.scaledDotProductAttention(q, q, q, { isCausal: true }); // [2, 4, 8, 16]
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, ...args: PositionalArgs<[], [attnMask: Tensor | null, dropoutP: number, isCausal: boolean], ScaledDotProductAttentionOptions>): Tensor {
  const fn = 'scaledDotProductAttention';
  // PyTorch's positional order (attn_mask, dropout_p, is_causal), then the keyword options.
  const { attnMask = null, dropoutP = 0, isCausal = false, scale, generator } = positionalOptions<ScaledDotProductAttentionOptions>(fn, args, [
    pos.nullableTensor('attnMask'), pos.number('dropoutP'), pos.boolean('isCausal'),
  ], ['attnMask', 'dropoutP', 'isCausal', 'scale', 'generator'], 3);
  checkFloatInput(fn, query);
  checkFloatInput(fn, key);
  checkFloatInput(fn, value);
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2) {
    throw new RangeError(`${fn}: expected query, key and value of at least 2 dims ([..., L, E]), got shapes ${shp(query.shape)}, ${shp(key.shape)}, ${shp(value.shape)}`);
  }
  // The leading (batch) dims broadcast as in PyTorch's matmuls (q·kᵀ, then weights·v).
  let lead: number[];
  try {
    lead = broadcastShapes(broadcastShapes(query.shape.slice(0, -2), key.shape.slice(0, -2), fn), value.shape.slice(0, -2), fn);
  } catch {
    throw new RangeError(`${fn}: the leading (batch) dims of query ${shp(query.shape)}, key ${shp(key.shape)} and value ${shp(value.shape)} do not broadcast`);
  }
  const widen = (t: Tensor): Tensor => (sameShape(t.shape.slice(0, -2), lead) ? t : t.expand([...lead, ...t.shape.slice(-2)]));
  query = widen(query);
  key = widen(key);
  value = widen(value);
  const r = query.ndim;
  const batch = query.shape.slice(0, r - 2);
  const [L, E] = query.shape.slice(r - 2);
  const [S, Ek] = key.shape.slice(r - 2);
  if (Ek !== E) throw new RangeError(`${fn}: key's last dim (${Ek}, shape ${shp(key.shape)}) must equal query's embedding size ${E} (shape ${shp(query.shape)})`);
  if (value.shape[r - 2] !== S) throw new RangeError(`${fn}: value ${shp(value.shape)} must have as many positions as key ${shp(key.shape)} (${S}) in dim -2`);
  if (typeof dropoutP !== 'number' || !(dropoutP >= 0 && dropoutP <= 1)) throw new RangeError(`${fn}: dropoutP must be between 0 and 1, got ${dropoutP}`);
  if (isCausal && attnMask) throw new Error(`${fn}: explicit attnMask should not be set when isCausal is true`);
  const dtype = query.dtype;
  let bias: Tensor | null = null;
  if (isCausal) bias = query.device === 'cpu' ? causalBias(L, S, dtype) : deviceCausalBias(L, S, dtype, query.device); // webgpu (issue 17)
  else if (attnMask) {
    const ms = attnMask instanceof Tensor ? attnMask.shape : [];
    const fits = ms.length >= 2 && ms.length <= r && ms.every((s, i) => s === 1 || s === [...batch, L, S][r - ms.length + i]);
    if (attnMask instanceof Tensor && !fits) {
      throw new RangeError(`${fn}: attnMask of shape ${shp(ms)} does not broadcast to [..., L, S] = ${shp([...batch, L, S])} (it needs at least 2 dims, each equal or 1)`);
    }
    bias = maskToBias(fn, 'attnMask', attnMask, false, dtype);
  }
  const N = batch.reduce((p, s) => p * s, 1);
  const to3 = (t: Tensor): Tensor => t.reshape([N, t.shape[r - 2], t.shape[r - 1]]);
  const [out] = attend(to3(query), to3(key), to3(value), batch, bias, scale ?? 1 / Math.sqrt(E), dropoutP, true, generator);
  return out.reshape([...batch, L, value.shape[r - 1]]);
}

/** What {@link multiHeadAttentionForward} takes besides the inputs (nn.MultiheadAttention's state). */
export interface MultiHeadAttentionParams {
  embedDim: number;
  numHeads: number;
  /** Packed [3E, E] projection (used when qProjWeight is absent). */
  inProjWeight: Tensor | null;
  inProjBias: Tensor | null;
  /** Separate projections ([E, E], [E, kdim], [E, vdim]) when kdim/vdim differ from embedDim. */
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  biasK?: Tensor | null;
  biasV?: Tensor | null;
  addZeroAttn?: boolean;
  dropoutP: number;
  outProjWeight: Tensor;
  outProjBias: Tensor | null;
  training: boolean;
  /** Inputs are [N, L, E] (true) or [L, N, E] (false). Ignored for unbatched inputs. */
  batchFirst: boolean;
  generator?: Generator;
}

export interface MultiHeadAttentionForwardOptions {
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
}

/**
 * PyTorch 1.13's `F.multi_head_attention_forward` (masks: bool **true = not allowed**, float added),
 * written batch-first inside: the heads are split by one reshape of the projections instead of
 * PyTorch's transposes, which gives the same values. Returns `[output, weights or null]`.
 */
export function multiHeadAttentionForward(
  fn: string, query: Tensor, key: Tensor, value: Tensor, p: MultiHeadAttentionParams, opts: MultiHeadAttentionForwardOptions,
): [Tensor, Tensor | null] {
  const { keyPaddingMask = null, needWeights = true, attnMask = null, averageAttnWeights = true } = opts;
  checkFloatInput(fn, query);
  checkFloatInput(fn, key);
  checkFloatInput(fn, value);
  const { embedDim: E, numHeads: H } = p;
  const separate = !!p.qProjWeight;
  const kdim = separate ? p.kProjWeight!.shape[1] : E;
  const vdim = separate ? p.vProjWeight!.shape[1] : E;
  const batched = query.ndim === 3;
  if (query.ndim !== 2 && query.ndim !== 3) {
    throw new RangeError(`${fn}: query should be unbatched 2-D [L, E] or batched 3-D ${p.batchFirst ? '[N, L, E]' : '[L, N, E]'}, got shape ${shp(query.shape)}`);
  }
  if (key.ndim !== query.ndim || value.ndim !== query.ndim) {
    throw new RangeError(`${fn}: for ${batched ? 'batched (3-D)' : 'unbatched (2-D)'} query ${shp(query.shape)}, expected key and value to be ${query.ndim}-D, got ${shp(key.shape)} and ${shp(value.shape)}`);
  }
  for (const [name, t, want] of [['query', query, E], ['key', key, kdim], ['value', value, vdim]] as const) {
    if (t.shape[t.ndim - 1] !== want) throw new RangeError(`${fn}: ${name} must have ${want} features in its last dim, got shape ${shp(t.shape)}`);
  }
  // Batch-first views of the inputs: [N, L, E].
  const bf = (t: Tensor): Tensor => (!batched ? t.unsqueeze(0) : p.batchFirst ? t : t.transpose(0, 1));
  const q0 = bf(query), k0 = bf(key), v0 = bf(value);
  const [N, L] = q0.shape;
  const S0 = k0.shape[1];
  if (k0.shape[0] !== N || v0.shape[0] !== N) {
    throw new RangeError(`${fn}: query ${shp(query.shape)}, key ${shp(key.shape)} and value ${shp(value.shape)} must have the same batch size`);
  }
  if (v0.shape[1] !== S0) throw new RangeError(`${fn}: key ${shp(key.shape)} and value ${shp(value.shape)} must have the same sequence length`);
  const D = E / H;
  const dtype = query.dtype;

  // Masks, as additive biases broadcasting against [N, H, L, S].
  let bias: Tensor | null = null;
  if (attnMask !== null && attnMask !== undefined) {
    if (!(attnMask instanceof Tensor)) throw new TypeError(`${fn}: attnMask must be a Tensor, got ${typeof attnMask}`);
    const ms = attnMask.shape;
    if (ms.length === 2) {
      if (!sameShape(ms, [L, S0])) throw new RangeError(`${fn}: the shape of the 2-D attnMask is ${shp(ms)}, but should be ${shp([L, S0])} ([L, S])`);
    } else if (ms.length === 3) {
      const want = [N * H, L, S0];
      if (!sameShape(ms, want)) throw new RangeError(`${fn}: the shape of the 3-D attnMask is ${shp(ms)}, but should be ${shp(want)} ([N·numHeads, L, S])`);
    } else {
      throw new RangeError(`${fn}: attnMask must be 2-D [L, S] or 3-D [N·numHeads, L, S], got shape ${shp(ms)}`);
    }
    const b = maskToBias(fn, 'attnMask', attnMask, true, dtype);
    bias = ms.length === 3 ? b.reshape([N, H, L, S0]) : b;
  }
  if (keyPaddingMask !== null && keyPaddingMask !== undefined) {
    if (!(keyPaddingMask instanceof Tensor)) throw new TypeError(`${fn}: keyPaddingMask must be a Tensor, got ${typeof keyPaddingMask}`);
    const want = batched ? [N, S0] : [S0];
    if (!sameShape(keyPaddingMask.shape, want)) {
      throw new RangeError(`${fn}: keyPaddingMask must have shape ${shp(want)} (${batched ? '[N, S]' : '[S]'}), got ${shp(keyPaddingMask.shape)}`);
    }
    // PyTorch 1.13 or-s a float key padding mask into a bool attnMask: its nonzero entries mask their keys.
    const kpm = attnMask?.dtype === 'bool' && isFloating(keyPaddingMask.dtype) ? keyPaddingMask.ne(0) : keyPaddingMask;
    const b = maskToBias(fn, 'keyPaddingMask', kpm, true, dtype).reshape([N, 1, 1, S0]);
    bias = bias ? bias.add(b) : b;
  }

  // In-projection, split into heads by one copy each (functional/heads.ts).
  // Three GEMMs on row blocks of the packed weight (PyTorch's chunk of one GEMM gives the same values):
  // the gradient of a weight block is a small [E, E] pad, where a chunk of the [N, L, 3E] output would
  // pad three full-size gradients.
  const W = p.inProjWeight;
  const b = (i: number): Tensor | null => p.inProjBias?.narrow(0, i * E, E) ?? null;
  const qp = splitHeads(linear(q0, separate ? p.qProjWeight! : W!.narrow(0, 0, E), b(0)), H);
  let kp = splitHeads(linear(k0, separate ? p.kProjWeight! : W!.narrow(0, E, E), b(1)), H);
  let vp = splitHeads(linear(v0, separate ? p.vProjWeight! : W!.narrow(0, 2 * E, E), b(2)), H);
  let S = S0;
  const append = (t: Tensor, row: Tensor): Tensor => cat([t, row], 1);
  if (p.biasK && p.biasV) {
    // bias_k / bias_v [1, 1, E] become one more key and value position, split into heads like the rest.
    const perHead = (t: Tensor): Tensor => t.reshape([1, H, 1, D]).expand([N, H, 1, D]).reshape([N * H, 1, D]);
    kp = append(kp, perHead(p.biasK));
    vp = append(vp, perHead(p.biasV));
    S += 1;
  }
  if (p.addZeroAttn) {
    kp = append(kp, zeros([N * H, 1, D], { dtype: kp.dtype }));
    vp = append(vp, zeros([N * H, 1, D], { dtype: vp.dtype }));
    S += 1;
  }
  if (bias && S !== S0) {
    // The appended key positions are never masked (PyTorch pads the masks with a zero column).
    bias = cat([bias, zeros([...bias.shape.slice(0, -1), S - S0], { dtype })], -1);
  }

  const [o, w] = attend(qp, kp, vp, [N, H], bias, 1 / Math.sqrt(D), p.dropoutP, p.training, p.generator);
  // [N·H, L, D] -> [N, L, H·D] (or [L, N, E] for sequence-first outputs) and the output projection.
  const merged = batched && !p.batchFirst ? o.reshape([N, H, L, D]).permute([2, 0, 1, 3]).reshape([L, N, E]) : mergeHeads(o, N, H);
  let out = linear(merged, p.outProjWeight, p.outProjBias);
  if (!batched) out = out.squeeze(0);
  if (!needWeights) return [out, null];
  let weights = w.reshape([N, H, L, S]);
  if (averageAttnWeights) weights = weights.sum(1).div(H);
  if (!batched) weights = weights.squeeze(0);
  return [out, weights];
}
