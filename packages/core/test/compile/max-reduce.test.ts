/**
 * compile(fn) with an all-reduce max()/min() in the step (issue 15 §3). Its gradient goes to the NaNs
 * when x holds one (PyTorch's evenly_distribute_backward), which was decided by reading the result with
 * item(): a value read that kept the step eager. The decision is now made in tensor ops, so the step
 * replays, and the gradients are eager mode's bit for bit, with and without NaNs in the input.
 */
import { compile, manualSeed, randn, tensor, Tensor } from '../../src';

const bits = (t: Tensor | null): string => (t === null ? 'null' : Buffer.from(Float64Array.from(t.dataSync() as ArrayLike<number>).buffer).toString('hex'));

describe('compile: x.max() / x.min() over all elements', () => {
  test.each([['max'], ['min']] as const)('%s: the step replays, gradients equal to eager, NaN inputs included', (op) => {
    manualSeed(0);
    const xs = Array.from({ length: 6 }, (_, i) => { const x = randn([70]); return i === 4 ? x.add(tensor(Array.from({ length: 70 }, (_, j) => (j % 9 === 0 ? NaN : 0)))) : x; });
    const logs: string[][] = [];
    let stats = null;
    for (const compiled of [false, true]) {
      manualSeed(1);
      const w = randn([70]).requiresGrad_();
      const step = (x: Tensor): Tensor => { w.grad = null; const l = x.mul(w)[op](); l.backward(); return l; };
      const run = compiled ? compile(step) : step;
      logs.push(xs.map((x) => `${bits(run(x))} ${bits(w._peekGrad())}`));
      if (compiled) stats = (run as ReturnType<typeof compile>).stats();
    }
    expect(logs[1]).toEqual(logs[0]);
    expect(stats).toMatchObject({ replays: 4, fallbacks: [] });
    // the NaN call: its gradient lands on the NaN positions, split evenly (as PyTorch)
    const nanGrad = logs[0][4].split(' ')[1];
    expect(nanGrad).not.toBe(logs[0][3].split(' ')[1]);
  });
});
