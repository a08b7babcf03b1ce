/**
 * Timing helpers shared by the tapegrad and tfjs columns (bench/torch.py mirrors them in Python).
 * Every figure is the median of `reps` timed samples taken after `warmup` untimed calls; fast
 * functions are run several times per sample so that one sample lasts at least `minSampleMs`
 * (timer resolution and loop overhead then stay below a percent).
 *
 * Two clocks: 'wall' (performance.now, the default) and 'cpu' (process.cpuUsage: user + system time of
 * the whole process). On a machine shared with other busy processes the wall clock measures the
 * scheduler as much as the code; CPU time does not (every column is single-threaded, so it is close
 * to the uncontended wall time; V8's GC helper threads add their share to the JavaScript columns).
 */
export type ClockName = 'wall' | 'cpu';

let clockName: ClockName = 'wall';

/** Selects the clock of every later measurement. */
export function setClock(c: ClockName): void {
  clockName = c;
}

export function getClock(): ClockName {
  return clockName;
}

/** Milliseconds on the selected clock (arbitrary origin). */
export function now(): number {
  if (clockName === 'wall') return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

/** How long and how often to measure. */
export interface TimingOptions {
  /** Untimed calls before the first sample (JIT, kernel caches, allocator pools). */
  warmup: number;
  /** Timed samples; the median is reported. */
  reps: number;
  /** Lower bound on one sample's duration; calls are batched until it is reached. */
  minSampleMs: number;
}

/** One measurement: median seconds per call and every sample (seconds per call). */
export interface Timing {
  seconds: number;
  samples: number[];
  callsPerSample: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median: no samples');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median seconds per call of `fn` (see the module comment for the protocol). */
export function timeIt(fn: () => void, opts: TimingOptions): Timing {
  for (let i = 0; i < opts.warmup; i++) fn();
  // Calibrate: how many calls make one sample last minSampleMs.
  let calls = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < calls; i++) fn();
    const dt = now() - t0;
    if (dt >= opts.minSampleMs || calls >= 1 << 20) break;
    calls = Math.min(1 << 20, Math.max(calls * 2, Math.ceil((calls * opts.minSampleMs) / Math.max(dt, 1e-3))));
  }
  const samples: number[] = [];
  for (let r = 0; r < opts.reps; r++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) fn();
    samples.push((now() - t0) / 1e3 / calls);
  }
  return { seconds: median(samples), samples, callsPerSample: calls };
}
