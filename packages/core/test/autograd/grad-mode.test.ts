/** noGrad / enableGrad / setGradEnabled nesting and restoration; detectAnomaly. */
import { tensor, noGrad, enableGrad, isGradEnabled, setGradEnabled, detectAnomaly, isAnomalyEnabled } from '@tapegrad/core';
import { expectThrowMessage } from '../helpers/approx';

describe('grad mode', () => {
  test('noGrad / enableGrad nest and restore, and return the callback value', () => {
    expect(isGradEnabled()).toBe(true);
    const seen: boolean[] = [];
    const r = noGrad(() => {
      seen.push(isGradEnabled());
      enableGrad(() => {
        seen.push(isGradEnabled());
        noGrad(() => seen.push(isGradEnabled()));
        seen.push(isGradEnabled());
      });
      seen.push(isGradEnabled());
      return 42;
    });
    expect(r).toBe(42);
    expect(seen).toEqual([false, true, false, true, false]);
    expect(isGradEnabled()).toBe(true);
  });

  test('the mode is restored when the callback throws', () => {
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      expect(() => enableGrad(() => { throw new Error('boom'); })).toThrow('boom');
      expect(isGradEnabled()).toBe(false);
    });
  });

  test('ops under noGrad are not recorded; enableGrad inside noGrad records again', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    const z = noGrad(() => enableGrad(() => x.mul(2)));
    expect(z.requiresGrad).toBe(true);
    z.sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 2]);
  });

  test('setGradEnabled switches globally', () => {
    try {
      setGradEnabled(false);
      expect(isGradEnabled()).toBe(false);
      const x = tensor([1], { dtype: 'float32', requiresGrad: true });
      expect(x.mul(2).requiresGrad).toBe(false);
      expect(enableGrad(() => isGradEnabled())).toBe(true);
      expect(isGradEnabled()).toBe(false);
    } finally {
      setGradEnabled(true);
    }
    expect(isGradEnabled()).toBe(true);
  });
});

describe('detectAnomaly', () => {
  test("x=[0]: x.sqrt().sum().backward() throws naming 'sqrt' and the stack where it was created", () => {
    const x = tensor([0], { dtype: 'float32', requiresGrad: true });
    const msg = expectThrowMessage(() => detectAnomaly(() => x.sqrt().sum().backward()), 'detectAnomaly', "'sqrt'", 'NaN or Inf', 'was created at');
    expect(msg).toContain('grad-mode.test.ts');
    expect(isAnomalyEnabled()).toBe(false);
  });

  test('without detectAnomaly the same backward silently gives inf (as PyTorch)', () => {
    const x = tensor([0], { dtype: 'float32', requiresGrad: true });
    x.sqrt().sum().backward();
    expect(x.grad!.item()).toBe(Infinity);
  });

  test('the graph recorded outside detectAnomaly has no stack, but the op is still named', () => {
    const x = tensor([-1], { dtype: 'float64', requiresGrad: true });
    const y = x.log().sum(); // log(-1) = NaN; its gradient 1/x is finite, but exp's below is not
    const z = tensor([1000], { dtype: 'float64', requiresGrad: true }).exp().sum();
    expect(() => detectAnomaly(() => y.backward())).not.toThrow();
    const msg = expectThrowMessage(() => detectAnomaly(() => z.backward()), "'exp'");
    expect(msg).not.toContain('was created at');
  });

  test('nests and restores; returns the value', () => {
    expect(isAnomalyEnabled()).toBe(false);
    const r = detectAnomaly(() => detectAnomaly(() => isAnomalyEnabled()) && isAnomalyEnabled());
    expect(r).toBe(true);
    expect(isAnomalyEnabled()).toBe(false);
    expect(() => detectAnomaly(() => { throw new Error('x'); })).toThrow('x');
    expect(isAnomalyEnabled()).toBe(false);
  });
});

// audit18: a plain-JS caller who passes a value instead of a callback got "fn is not a function".
test('noGrad, enableGrad and detectAnomaly name a missing callback; setGradEnabled refuses a non-boolean', () => {
  expect(() => noGrad(5 as never)).toThrow(/^noGrad: expected a function to run \(noGrad\(\(\) => model\.call\(x\)\)\), got number$/);
  expect(() => enableGrad(undefined as never)).toThrow(/^enableGrad: expected a function to run/);
  expect(() => detectAnomaly('x' as never)).toThrow(/^detectAnomaly: expected a function to run/);
  expect(() => setGradEnabled('false' as never)).toThrow(/^setGradEnabled: expected a boolean, got the string 'false'$/);
  expect(isGradEnabled()).toBe(true);
});
