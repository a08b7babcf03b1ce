/**
 * PyTorch 1.13's native fast paths for inference (`torch._native_multi_head_attention` in
 * nn.MultiheadAttention, `torch._transformer_encoder_layer_fwd` in nn.TransformerEncoderLayer). They give
 * the dense path's values with one difference that shows: a float key padding mask is converted to bool
 * ("Converting mask without torch.bool dtype to bool"), so its nonzero entries mask their keys out where
 * the dense path adds them to the scores. The predicates below are 1.13's conditions for taking each path
 * (eval mode, batch first, batched, no gradients, ...), so that a float mask gives 1.13's numbers in both.
 */
import { Tensor, isFloating, isGradEnabled } from '@tapegrad/core';
import type { MultiheadAttention, MultiheadAttentionForwardOptions } from './attention';
import type { LayerNorm } from './normalization';
import type { Linear } from './linear';
import { relu, gelu } from './functional/activation';
import { ReLU, GELU } from './activation';

/** PyTorch's `activation_relu_or_gelu`: F.relu / F.gelu (the strings map to them) or a ReLU / GELU module. */
export const isReluOrGelu = (a: unknown): boolean => a === relu || a === gelu || a instanceof ReLU || a instanceof GELU;

/** 1.13 skips its fast paths on other devices (webgpu here) and when autograd would need the graph. */
function plainInference(tensors: (Tensor | null)[]): boolean {
  if (tensors.some((t) => t !== null && t.device !== 'cpu')) return false;
  return !(isGradEnabled() && tensors.some((t) => t !== null && t.requiresGrad));
}

/** Would nn.MultiheadAttention.forward take 1.13's native path for these arguments? */
export function mhaFastPath(m: MultiheadAttention, query: Tensor, key: Tensor, value: Tensor, attnMask: Tensor | null | undefined): boolean {
  // A bias-less module passes 1.13's checks and then fails inside the native op (qkv_bias None): not emulated.
  if (query.ndim !== 3 || query !== key || key !== value || !m.in_proj_weight || !m.in_proj_bias) return false;
  if (query.dtype !== m.in_proj_bias.dtype || m.training || !m.batchFirst || m.bias_k || m.bias_v || m.dropout || m.addZeroAttn) return false;
  if (attnMask || m.numHeads % 2 === 1) return false;
  return plainInference([query, m.in_proj_weight, m.in_proj_bias, m.out_proj.weight, m.out_proj.bias]);
}

/** The parts of a TransformerEncoderLayer that 1.13's fast-path check reads. */
export interface EncoderLayerParts {
  training: boolean;
  self_attn: MultiheadAttention;
  activation: unknown;
  norm1: LayerNorm;
  norm2: LayerNorm;
  linear1: Linear;
  linear2: Linear;
}

/** Would nn.TransformerEncoderLayer.forward take 1.13's native path for these arguments? */
export function encoderLayerFastPath(layer: EncoderLayerParts, src: Tensor, srcMask: Tensor | null): boolean {
  const sa = layer.self_attn;
  if (src.ndim !== 3 || layer.training || !sa.batchFirst || !sa.in_proj_weight || !isReluOrGelu(layer.activation)) return false;
  if (layer.norm1.eps !== layer.norm2.eps || srcMask || sa.numHeads % 2 === 1) return false;
  const { norm1, norm2, linear1, linear2 } = layer;
  return plainInference([src, sa.in_proj_weight, sa.in_proj_bias, sa.out_proj.weight, sa.out_proj.bias, norm1.weight, norm1.bias,
    norm2.weight, norm2.bias, linear1.weight, linear1.bias, linear2.weight, linear2.bias]);
}

/** A key padding mask as a fast path reads it: a float one becomes bool (nonzero = masked). */
export const fastPathMask = (mask: Tensor | null | undefined): Tensor | null =>
  mask instanceof Tensor && isFloating(mask.dtype) ? mask.ne(0) : (mask ?? null);

/** MultiheadAttention's forward options with the key padding mask read as its fast path reads it, when it takes one. */
export function mhaFastPathOptions<O extends MultiheadAttentionForwardOptions>(m: MultiheadAttention, query: Tensor, key: Tensor, value: Tensor, opts: O): O {
  const kpm = opts.keyPaddingMask;
  if (!(kpm instanceof Tensor) || !isFloating(kpm.dtype) || !mhaFastPath(m, query, key, value, opts.attnMask)) return opts;
  return { ...opts, keyPaddingMask: fastPathMask(kpm) };
}

/** A TransformerEncoderLayer's key padding mask as its forward reads it: bool from a float one when 1.13 takes the fast path. */
export function encoderLayerMask(layer: EncoderLayerParts, src: Tensor, srcMask: Tensor | null, kpm: Tensor | null): Tensor | null {
  // The mask test first: the path check reads a dozen tensors, and only a float mask reads differently.
  return kpm instanceof Tensor && isFloating(kpm.dtype) && encoderLayerFastPath(layer, src, srcMask) ? fastPathMask(kpm) : kpm;
}
