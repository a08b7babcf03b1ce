/**
 * compile(fn) when a decision on an argument's values (valueGuard, as crossEntropy's "is any target
 * ignored?") picks between two graphs from call to call. The capture records its own branch and its
 * guards; a call whose outcome differs runs eagerly. Calls alternating between the branches before the
 * capture are not "a graph that keeps changing": the signature must not fall back to eager for good.
 */
import { compile, tensor, Tensor } from '../../src';
import { valueGuard } from '../../src/internal';

describe('compile: two graphs chosen by a decision on the arguments\' values', () => {
  test('calls alternating between the branches: the first capture is kept, its branch replays, the other runs eagerly', () => {
    const f = (x: Tensor, flag: Tensor): Tensor => (valueGuard(flag, (d) => d[0] > 0) ? x.mul(2).add(1) : x.neg().exp().sum());
    const c = compile(f);
    const on = tensor([1], { dtype: 'int32' }), off = tensor([0], { dtype: 'int32' });
    const xs = [1, 2, 3, 4, 5, 6, 7, 8].map((v) => tensor([v / 10, -v / 10]));
    const flags = [on, off, on, off, off, on, off, on];
    xs.forEach((x, i) => expect(c(x, flags[i]).toArray()).toEqual(f(x, flags[i]).toArray()));
    const st = c.stats();
    expect(st.fallbacks).toEqual([]);
    expect(st).toMatchObject({ traces: 1, captures: 1 });
    expect(st.replays).toBeGreaterThanOrEqual(2);
  });
});
