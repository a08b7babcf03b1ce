/**
 * The Transformer encoder layer row (transformer_step) for the tapegrad columns: what a user writes,
 * nn.TransformerEncoderLayer(dModel, nhead, { dimFeedforward, dropout: 0, batchFirst: true }), MSE loss
 * against a fixed target, SGD from @tapegrad/optim.
 */
import { Generator, randn, type Tensor } from '@tapegrad/core';
import { F, TransformerEncoderLayer } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import type { BenchConfig } from './config';
import { timeIt } from './timing';
import { EAGER, type StepMode } from './compiled';

/** ms per step, eager or compiled (`mode`). */
export function transformerStepRow(cfg: BenchConfig, mode: StepMode = EAGER): number {
  const { dModel, nhead, seq, batch, dimFeedforward, lr } = cfg.transformer;
  const g = new Generator(4);
  const layer = new TransformerEncoderLayer(dModel, nhead, { dimFeedforward, dropout: 0, batchFirst: true, generator: g });
  const opt = new SGD([...layer.parameters()], { lr });
  const x = randn([batch, seq, dModel], { generator: g });
  const target = randn([batch, seq, dModel], { generator: g });
  const step = mode.wrap('Transformer encoder layer step', (xb: Tensor, tb: Tensor) => {
    opt.zeroGrad();
    const loss = F.mseLoss(layer.call(xb), tb);
    loss.backward();
    opt.step();
    return loss;
  }, [layer]);
  const t = timeIt(() => step(x, target), cfg.transformerTiming);
  step.verify();
  return t.seconds * 1e3;
}
