import { deltaRuleCheck } from '../../../../examples/delta-rule';

describe('examples/delta-rule', () => {
  it('the hand-derived delta rule equals autodiff to rounding, and gradcheck agrees', () => {
    for (const seed of [0, 1, 2]) {
      const r = deltaRuleCheck(seed);
      expect(r.maxDiff).toBeLessThan(1e-14);
      expect(r.gradcheckOk).toBe(true);
    }
  });
});
