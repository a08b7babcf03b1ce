/**
 * The expectations of fuse-checks.ts's report, shared by the browser test (fuse.e2e.test.ts) and the Node
 * test on Dawn (fuse-node.test.ts).
 */
import type { FuseReport, FuseRun } from './fuse-checks';

/** What one run of the checks gave (see report-tests.ts's ReportRun). */
export interface FuseReportRun { report: FuseReport; consoleErrors: string[]; noAdapter: boolean }

/** Dispatches of one replay: [fused, unfused] (the unfused count is the eager step's). */
const DISPATCHES: Record<string, [number, number]> = {
  // MLP: the mean's gradient (fill, ÷N, then − broadcast into scatterAdd's source) becomes one kernel
  mlp: [30, 32],
  // CNN: also each conv's bias-add and ReLU (the sum is no one else's), so 4 fewer
  cnn: [45, 49],
  // exp's result is returned, so it is stored by its own kernel; ×2 and +1 fuse
  'intermediate returned': [2, 3],
  chain: [1, 3],
  'mul add': [1, 4],
  'live scalar': [1, 3],
  'bool and div': [1, 6],
  'bias relu': [1, 3],
  // neg reads exp's result transposed: not element for element, so nothing fuses
  'transposed read': [2, 2],
  math: [1, 5],
  where: [1, 5],
  // x·w + ½ then tanh is one kernel (tanh's output stored: the sum and the backward read it), the backward's
  // nine elementwise kernels one more (cut at the sum, which needs the forward's values first)
  training: [5, 15],
};

export function fuseTests(where: string, noAdapterWhy: string, run: () => FuseReportRun): void {
  const gpuTest = (name: string, fn: (r: FuseReport, run: FuseReportRun) => void): void => {
    test(name, () => {
      const r = run();
      if (r.noAdapter && process.env.TAPEGRAD_REQUIRE_WEBGPU !== '1') {
        console.warn(`${where}: '${name}' SKIPPED — ${noAdapterWhy} (${r.report.initError})`);
        return;
      }
      fn(r.report, r);
    });
  };
  const all = (r: FuseReport): [string, FuseRun][] => [...Object.entries(r.models), ...Object.entries(r.cases)];

  gpuTest('opens the device; no validation errors (every generated kernel compiles) and nothing logged as an error', (r, { consoleErrors }) => {
    expect(r.initError).toBeUndefined();
    expect(r.deviceErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(Object.keys(r.models).concat(Object.keys(r.cases)).sort()).toEqual(Object.keys(DISPATCHES).sort());
  });

  gpuTest('fused replays give the eager values bit for bit (and so do the unfused ones), call after call', (r) => {
    for (const [name, c] of all(r)) {
      expect([name, c.fallbacks]).toEqual([name, []]);
      expect([name, c.replays]).toEqual([name, name === 'mlp' || name === 'cnn' ? 7 : 3]);
      expect([name, c.fused]).toEqual([name, c.eager]);
      expect([name, c.unfused]).toEqual([name, c.eager]);
    }
    // the models' losses and parameters: 9 steps of each, trained
    for (const m of ['mlp', 'cnn'] as const) {
      const [losses, params] = r.models[m].eager;
      expect(losses.length).toBe(9);
      expect(params.length).toBeGreaterThan(100);
    }
    // the live scalar changes the values of every call (the same input): each replay read it
    expect(new Set(r.cases['live scalar'].fused.map((v) => v.join(','))).size).toBe(5);
  });

  gpuTest('dispatches per replay drop where a chain fuses, and stay where an intermediate is read by anything else', (r) => {
    const got = Object.fromEntries(all(r).map(([name, c]) => [name, [c.dispatchesFused, c.dispatchesUnfused]]));
    expect(got).toEqual(DISPATCHES);
  });
}
