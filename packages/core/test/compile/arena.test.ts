/**
 * compile's arena against what a kernel allocates while a step is being captured (issue 15 §3, "pool and
 * arena never hand out a buffer still in use"). The arrays a capture allocates outside kernels are its
 * arena; its backward gives consumed gradients back to the pool during the capture, where the step's own
 * later allocations reuse them (the replays reuse them the same way). A kernel's allocation is different:
 * an optimizer creating its state on a parameter's first step keeps that array after the step, while
 * every replay writes the arena's arrays again, so a kernel must never be handed one of them.
 */
import { compile, randn, Tensor, zeros } from '../../src';
import { runKernel } from '../../src/internal';
import { isArenaOwned } from '../../src/compile/capture';
import { _setPoolPoison } from '../../src/pool';

describe('compile: a kernel allocating during a capture', () => {
  test.each([[false], [true]])('is never handed an array of the capture\'s arena (state created on the capture call; pool poisoned: %s)', (poison) => {
    _setPoolPoison(poison);
    try { check(); } finally { _setPoolPoison(false); }
  });
});

/** One step whose kernel creates its state on the capture call; the state must keep its values. */
function check(): void {
  const n = 256;
  const w = randn([n]).requiresGrad_();
  let calls = 0;
  let state: Tensor | null = null;
  const f = compile((x: Tensor) => {
    calls++;
    w.grad = null;
    const loss = x.mul(w).tanh().mul(x).sum();
    loss.backward(); // gives [n] gradients back to the pool as it consumes them
    // As an optimizer's step does: its state is created when it first runs, here on the capture call.
    runKernel(() => { if (state === null && calls === 2) state = zeros([n]); });
    return loss;
  });
  const x = randn([n]);
  for (let i = 0; i < 6; i++) f(x);
  expect(f.stats()).toMatchObject({ captures: 1, replays: 4, fallbacks: [] });
  const s = state as unknown as Tensor;
  expect(s).not.toBeNull();
  expect(isArenaOwned(s._storage.data)).toBe(false);
  // the replays wrote their gradients into the arena, none into the state
  expect(Array.from(s.dataSync()).every((v) => v === 0)).toBe(true);
}
