/**
 * `webgpu`: the second device (issue 17, preview). `await webgpu.init()` once, then create tensors with
 * `{ device: 'webgpu' }` or move them with `x.to('webgpu')`; ops on them run as WGSL kernels and return
 * webgpu tensors, and values come back only through the async readers (`await x.dataAsync()`).
 * In Node, init() opens Dawn from the optional `webgpu` package (see node-gpu.ts), or says what is missing.
 */
import { init, isReady, snapshot, resetCounters, info, sync, flush } from './device';
export type { WebGpuCounters } from './device';
export type { Device } from './ops';

/**
 * The webgpu device's controls and counters.
 * @example
 * await webgpu.init();
 * webgpu.resetCounters();
 * const y = tensor([1, 2, 3], { device: 'webgpu' }).mul(2);
 * webgpu.counters().dispatches; // 1
 * await y.dataAsync(); // Float32Array [2, 4, 6]
 */
export const webgpu = {
  /** Opens the device (once); rejects with the reason when WebGPU or an adapter is missing. */
  init,
  /** Whether init() has succeeded. */
  isReady,
  /** A copy of the counters: dispatches, submissions, bytes read back and uploaded, buffers and pipelines created. */
  counters: snapshot,
  /** Sets every counter to 0. */
  resetCounters,
  /** The adapter's description and uncaptured device errors (validation errors, device loss). */
  info,
  /** Submits recorded work and waits until the GPU has run it (for timing; readers wait by themselves). */
  sync,
  /** Submits recorded work without waiting. */
  flush,
};
