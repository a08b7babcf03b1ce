/** Shared assertions for the nn tests. */
import { Generator, Tensor, randn } from '@tapegrad/core';
import { F, TransformerEncoderLayer } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';

/** Flattens nested arrays of numbers. */
export function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x as number];
}

/** Asserts t's values (row-major) equal `want` within |a−b| <= tol·max(1, |b|). NaN matches NaN. */
export function expectClose(t: Tensor | null | undefined, want: unknown, tol = 1e-10): void {
  if (!t) throw new Error('expectClose: got no tensor');
  const got = Array.from(t.dataSync());
  const w = flat(want);
  expect(got.length).toBe(w.length);
  for (let i = 0; i < w.length; i++) {
    if (Number.isNaN(w[i])) {
      expect(got[i]).toBeNaN();
      continue;
    }
    const err = Math.abs(got[i] - w[i]);
    if (!(err <= tol * Math.max(1, Math.abs(w[i])))) {
      throw new Error(`expectClose: element ${i}: got ${got[i]}, want ${w[i]} (|diff| ${err.toExponential(2)}, tol ${tol})`);
    }
  }
}

/** The float32 bit patterns of t's values (row-major), for bit-for-bit comparisons of training runs. */
export function float32Bits(t: Tensor): number[] {
  return Array.from(new Uint32Array(Float32Array.from(t._contigData()).buffer));
}

/**
 * A batch-first TransformerEncoderLayer(dModel, nhead) trained with SGD (lr 0.05, momentum 0.9) against an
 * MSE target for `steps` steps, dropout 0: the bits of every loss, then of every parameter at the end.
 */
export function transformerTrainingRun(o: { seed: number; dModel: number; nhead: number; dimFeedforward: number; batch: number; seq: number; steps: number }): number[] {
  const g = new Generator(o.seed);
  const layer = new TransformerEncoderLayer(o.dModel, o.nhead, { dimFeedforward: o.dimFeedforward, dropout: 0, batchFirst: true, generator: g });
  const opt = new SGD([...layer.parameters()], { lr: 0.05, momentum: 0.9 });
  const x = randn([o.batch, o.seq, o.dModel], { generator: g });
  const target = randn([o.batch, o.seq, o.dModel], { generator: g });
  const out: number[] = [];
  for (let s = 0; s < o.steps; s++) {
    opt.zeroGrad();
    const loss = F.mseLoss(layer.call(x), target);
    loss.backward();
    opt.step();
    out.push(loss.item());
  }
  for (const p of layer.parameters()) out.push(...float32Bits(p));
  return out;
}
