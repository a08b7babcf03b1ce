/**
 * Oracle cases in configurations the public file lacks (fixtures/pytorch/oracle-variants.json, written
 * by fixtures/pytorch/oracle_variants.py with PyTorch 1.13 in float64): recurrent modules with initial
 * states, two layers, both directions and no bias together; attention with one head, sequence-first key
 * padding and causal batch-first masks; encoder layers sequence-first with gelu and a causal mask; einsum
 * broadcasting, diagonals and traces; norms, scans, sort, topk, tril/triu, roll, flip, cosine similarity.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseOracle } from '../../src/oracle/format';
import { runCases } from '../../src/oracle/run';

const cases = parseOracle(readFileSync(join(__dirname, '../../../../fixtures/pytorch/oracle-variants.json'), 'utf8')).cases;

describe('oracle variants (fixtures/pytorch/oracle-variants.json)', () => {
  it('holds module and op cases', () => {
    expect(cases.filter((c) => c.kind === 'module').length).toBeGreaterThanOrEqual(11);
    expect(cases.filter((c) => c.kind === 'op').length).toBeGreaterThanOrEqual(20);
  });
  for (const dtype of ['float64', 'float32'] as const) {
    it(`every case matches PyTorch's values and gradients in ${dtype}`, () => {
      const r = runCases(cases, { dtype });
      expect(r.results.filter((x) => !x.ok)).toEqual([]);
      expect(r.results.length).toBe(cases.length);
    });
  }
});
