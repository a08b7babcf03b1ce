/**
 * Oracle cases in configurations the public file lacks (fixtures/pytorch/oracle-variants.json, written
 * by fixtures/pytorch/oracle_variants.py with PyTorch 1.13 in float64): recurrent modules with initial
 * states, two layers, both directions and no bias together; attention with one head, sequence-first key
 * padding and causal batch-first masks; encoder layers sequence-first with gelu and a causal mask; einsum
 * broadcasting, diagonals and traces; norms, scans, sort, topk, tril/triu, roll, flip, cosine similarity;
 * and (oracle-variants-conv.json) convolutions, pooling, padding, resampling, normalization and the losses
 * with per-dim sizes, groups, ceil mode, label smoothing, weights and the other reductions.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseOracle } from '../../src/oracle/format';
import { runCases } from '../../src/oracle/run';

const read = (name: string) => parseOracle(readFileSync(join(__dirname, '../../../../fixtures/pytorch', name), 'utf8')).cases;
// oracle_variants.py (sequences, attention, the scan/sort/einsum/norm ops) and oracle_variants_conv.py
// (convolution, pooling, padding, resampling, normalization, the losses)
const cases = [...read('oracle-variants.json'), ...read('oracle-variants-conv.json')];

describe('oracle variants (fixtures/pytorch/oracle-variants*.json)', () => {
  it('holds module and op cases', () => {
    expect(cases.filter((c) => c.kind === 'module').length).toBeGreaterThanOrEqual(11);
    expect(cases.filter((c) => c.kind === 'op').length).toBeGreaterThanOrEqual(50);
    expect(cases.filter((c) => c.kind === 'loss').length).toBeGreaterThanOrEqual(7);
  });
  for (const dtype of ['float64', 'float32'] as const) {
    it(`every case matches PyTorch's values and gradients in ${dtype}`, () => {
      const r = runCases(cases, { dtype });
      expect(r.results.filter((x) => !x.ok)).toEqual([]);
      expect(r.results.length).toBe(cases.length);
    });
  }
});
