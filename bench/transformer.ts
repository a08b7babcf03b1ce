/**
 * The Transformer encoder layer row (transformer_step) for the tapegrad columns: what a user writes,
 * nn.TransformerEncoderLayer(dModel, nhead, { dimFeedforward, dropout: 0, batchFirst: true }), MSE loss
 * against a fixed target, SGD from @tapegrad/optim.
 */
import { Generator, randn } from '@tapegrad/core';
import { F, TransformerEncoderLayer } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import type { BenchConfig } from './config';
import { timeIt } from './timing';

export function transformerStepRow(cfg: BenchConfig): number {
  const { dModel, nhead, seq, batch, dimFeedforward, lr } = cfg.transformer;
  const g = new Generator(4);
  const layer = new TransformerEncoderLayer(dModel, nhead, { dimFeedforward, dropout: 0, batchFirst: true, generator: g });
  const opt = new SGD([...layer.parameters()], { lr });
  const x = randn([batch, seq, dModel], { generator: g });
  const target = randn([batch, seq, dModel], { generator: g });
  const t = timeIt(() => {
    opt.zeroGrad();
    F.mseLoss(layer.call(x), target).backward();
    opt.step();
  }, cfg.transformerTiming);
  return t.seconds * 1e3;
}
