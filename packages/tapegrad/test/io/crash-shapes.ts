/** Shared by the crash test and its child process: what checkpoint version v holds. */

/** fc.weight and exp_avg are float32 [1024, 1024] (4 MB each), so one checkpoint is about 8.4 MB. */
export const CRASH_SHAPES = { weight: [1024, 1024], bias: [128, 256], ids: [64, 64] };

/**
 * Element i of the tensor tagged `salt` in version v: an integer below 2^24 (exact in float32) that
 * differs between consecutive versions at every i, so a file mixing two versions is caught.
 */
export function expectedValue(v: number, salt: number, i: number): number {
  return (v * 131 + salt * 17 + i) % 1_000_003;
}
