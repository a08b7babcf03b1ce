/**
 * AccumulateGrad into a small grad (fewer elements than the pool's minimum, whose births the engine does
 * not record): the sum made out of place is the engine's own, so the next backward adds into it in place,
 * as PyTorch's AccumulateGrad does and as a large grad already was (issue 15 §2). compile relies on it to
 * replay steps that zero-fill grads instead of dropping them.
 */
import { tensor, zeros } from '../../src';

describe('accumulating into a small leaf grad', () => {
  test('the out-of-place sum is the engine\'s own: the next backward adds into it in place', () => {
    const b = zeros([5]).requiresGrad_();
    b.mul(2).sum().backward(); // adopted: a small array's birth is not recorded, so not known to be private
    b.mul(2).sum().backward(); // so this adds out of place, into a fresh tensor nobody else holds
    const g = b._peekGrad();
    b.mul(2).sum().backward();
    expect(b._peekGrad()).toBe(g);
    expect(b._peekGrad()?.toArray()).toEqual([6, 6, 6, 6, 6]);
  });

  test('a grad read through .grad is still left as the reader holds it', () => {
    const b = tensor([1, 2, 3]).requiresGrad_();
    b.mul(2).sum().backward();
    b.mul(2).sum().backward();
    const held = b.grad;
    b.mul(2).sum().backward();
    expect(b.grad).not.toBe(held);
    expect(held?.toArray()).toEqual([4, 4, 4]);
    expect(b.grad?.toArray()).toEqual([6, 6, 6]);
  });
});
