/** Oracle cases of the attention family (FORMAT-models.md): multiheadAttention, transformerEncoderLayer. */
import { Tensor, tensor, arange } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import type { Args, ModuleCase } from './types';
import { num } from './types';

/** The case's bool causal mask (True above the diagonal = not allowed), from an arange comparison. */
const causalBool = (n: number): Tensor => arange(0, n, 1, { dtype: 'int32' }).reshape([1, n]).gt(arange(0, n, 1, { dtype: 'int32' }).reshape([n, 1]));

export const attentionModules: Record<string, ModuleCase> = {
  multiheadAttention: {
    build: (c: Args) => new nn.MultiheadAttention(num(c.embedDim), num(c.numHeads), { batchFirst: c.batchFirst as boolean }),
    forward: (m, [q, k, v], c) => {
      const L = q.shape[c.batchFirst ? 1 : 0];
      const opts: nn.MultiheadAttentionForwardOptions = { needWeights: false };
      if (c.mask === 'causal') opts.attnMask = causalBool(L);
      if (c.mask === 'keyPadding') {
        const rows = c.keyPaddingMask as boolean[][];
        opts.keyPaddingMask = tensor(rows.flat(), { dtype: 'bool' }).reshape([rows.length, rows[0].length]);
      }
      return (m as nn.MultiheadAttention).call(q, k, v, opts)[0];
    },
  },
  transformerEncoderLayer: {
    build: (c: Args) =>
      new nn.TransformerEncoderLayer(num(c.dModel), num(c.nhead), {
        dimFeedforward: num(c.dimFeedforward),
        dropout: num(c.dropout),
        activation: c.activation as 'relu' | 'gelu',
        batchFirst: c.batchFirst as boolean,
        normFirst: c.normFirst as boolean,
      }),
    forward: (m, [src], c) => {
      const L = src.shape[c.batchFirst ? 1 : 0];
      const srcMask = c.causal ? nn.Transformer.generateSquareSubsequentMask(L, { dtype: src.dtype }) : null;
      return (m as nn.TransformerEncoderLayer).call(src, { srcMask });
    },
  },
};
