/**
 * The oracle's model-building cases (fixtures/oracle/models-public.json, FORMAT-models.md; PyTorch 1.13
 * float64): every case runs. Ops still listed in PENDING must fail as "not implemented" (so the list cannot
 * go stale); every other case must match PyTorch in float64 and float32.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseOracle } from '../../src/oracle/format';
import { runCases, missingSummary } from '../../src/oracle/run';

const file = join(__dirname, '../../../../fixtures/oracle/models-public.json');
const cases = parseOracle(readFileSync(file, 'utf8')).cases;

/** `kind:op` of the cases whose feature is not built yet. Remove a line when its feature lands. */
const PENDING = new Set<string>([
  'op:conv1d', 'op:conv2d', 'op:convTranspose1d', 'op:convTranspose2d',
  'op:maxPool1d', 'op:maxPool2d', 'op:avgPool1d', 'op:avgPool2d',
  'op:adaptiveAvgPool1d', 'op:adaptiveAvgPool2d', 'op:adaptiveMaxPool2d',
  'op:pad', 'op:unfold', 'op:interpolate', 'op:groupNorm', 'op:layerNorm', 'op:batchNorm',
  'module:convnet',
  'op:cumsum', 'op:cumprod', 'op:sort', 'op:topk', 'op:tril', 'op:triu', 'op:flip', 'op:roll',
  'op:einsum', 'op:norm', 'op:cosineSimilarity',
  'module:lstm', 'module:gru', 'module:rnn', 'module:lstmCell', 'module:gruCell', 'module:rnnCell',
  'loss:klDiv',
  'optim:Adadelta', 'optim:Adamax', 'optim:NAdam', 'optim:RAdam',
  'sched:OneCycleLR', 'sched:CosineAnnealingWarmRestarts', 'sched:CyclicLR', 'sched:PolynomialLR', 'sched:ConstantLR',
]);
const pending = cases.filter((c) => PENDING.has(`${c.kind}:${c.op}`));
const ready = cases.filter((c) => !PENDING.has(`${c.kind}:${c.op}`));

describe('oracle models-public.json', () => {
  it('holds the conv, pooling, recurrent, attention, optimizer and scheduler cases', () => {
    expect(cases.length).toBeGreaterThan(140);
    for (const kind of ['op', 'loss', 'module', 'optim', 'sched']) expect(cases.some((c) => c.kind === kind)).toBe(true);
  });

  for (const dtype of ['float64', 'float32'] as const) {
    it(`every case of a built feature matches PyTorch in ${dtype}`, () => {
      const r = runCases(ready, { dtype });
      expect(r.results.filter((x) => !x.ok)).toEqual([]);
    });
  }

  it('the pending cases fail as not implemented, reported by name', () => {
    const r = runCases(pending);
    expect(r.results.filter((x) => !x.missing).map((x) => x.id)).toEqual([]);
    if (pending.length) expect(missingSummary(r.results).length).toBeGreaterThan(0);
  });
});
