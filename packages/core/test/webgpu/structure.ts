/**
 * In-page half of the structural figures (issue 17): what one training step costs the device, counted
 * (dispatches, command-buffer submissions, bytes read back and uploaded, buffers created), for an MLP and a
 * CNN step, eager and through compile(). Used by compile.e2e.test.ts's page and bench/webgpu-structure.ts.
 */
import { Generator, Tensor, compile, manualSeed, randn, tensor, webgpu } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { Adam, SGD } from '@tapegrad/optim';
import { setActiveTrace } from '../../src/compile/hooks';
import { setFusion } from '../../src/webgpu/fuse';

const F = nn.functional;

export interface StepCounters { dispatches: number; submissions: number; bytesReadBack: number; bytesUploaded: number; buffersCreated: number }

export interface StructureRow {
  model: 'mlp' | 'cnn';
  /** 'compiled-unfused': compiled with fusion off (webgpu/fuse.ts's setFusion), for the bench's comparison. */
  mode: 'eager' | 'compiled' | 'compiled-unfused';
  /**
   * Ops one step runs: the tape's ops of forward and backward (every `record`, the VJPs' too) that compute
   * values, i.e. not views, plus one update per parameter.
   */
  ops: number;
  /** Counters of each step, in order (the first ones are warm-up: trace, capture). */
  steps: StepCounters[];
  /** A warm step with the collector run before it (freed tensors' buffers back in the pool). */
  collected: StepCounters;
  losses: number[];
  /** The parameters after the steps, flattened. */
  params: number[];
  /** compile's stats (compiled rows). */
  replays?: number;
  fallbacks?: string[];
}

/** Tape ops that only make a view (no kernel): not counted as ops. */
const VIEWS = new Set(['reshape', 'view', 'permute', 'expand', 'transpose', 't', 'unsqueeze', 'squeeze', 'narrow', 'select', 'flatten', 'unflatten', 'detach', 'asStrided']);

interface Setup { model: nn.Module; x: Tensor; y: Tensor; step: (x: Tensor, y: Tensor) => Tensor }

function setup(which: 'mlp' | 'cnn'): Setup {
  const gen = new Generator(which === 'mlp' ? 7 : 9);
  manualSeed(which === 'mlp' ? 3 : 5);
  let model: nn.Module, x: Tensor, y: Tensor;
  if (which === 'mlp') {
    model = new nn.Sequential(new nn.Linear(8, 32), new nn.ReLU(), new nn.Linear(32, 16), new nn.ReLU(), new nn.Linear(16, 3)).to('webgpu');
    x = randn([64, 8], { generator: gen }).to('webgpu');
    y = tensor(Int32Array.from({ length: 64 }, (_, i) => (i * 7) % 3)).to('webgpu');
  } else {
    model = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(4, 6, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(6 * 2 * 2, 4)).to('webgpu');
    x = randn([8, 1, 8, 8], { generator: gen }).to('webgpu');
    y = tensor(Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3])).to('webgpu');
  }
  const opt = which === 'mlp' ? new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }) : new Adam(model.parameters(), { lr: 0.01 });
  const step = (xs: Tensor, ys: Tensor): Tensor => {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(xs) as Tensor, ys);
    loss.backward();
    opt.step();
    return loss.detach();
  };
  return { model, x, y, step };
}

const delta = (a: ReturnType<typeof webgpu.counters>, b: ReturnType<typeof webgpu.counters>): StepCounters => ({
  dispatches: b.dispatches - a.dispatches, submissions: b.submissions - a.submissions, bytesReadBack: b.bytesReadBack - a.bytesReadBack,
  bytesUploaded: b.bytesUploaded - a.bytesUploaded, buffersCreated: b.buffersCreated - a.buffersCreated,
});

/** Runs the collector (Chromium's --expose-gc) and lets the FinalizationRegistry callbacks run. */
async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('structure: no gc() (launch Chromium with --js-flags=--expose-gc)');
  gc();
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
}

/** `steps` steps of one model, eager or compiled, with the counters of each (the device must be initialised). */
export async function measure(which: 'mlp' | 'cnn', mode: StructureRow['mode'], steps = 8): Promise<StructureRow> {
  if (mode === 'compiled-unfused') {
    const prev = setFusion(false);
    try { return { ...(await measure(which, 'compiled', steps)), mode }; } finally { setFusion(prev); }
  }
  const s = setup(which);
  const compiled = mode === 'compiled' ? compile(s.step) : null;
  const run = compiled ?? s.step;
  // The ops of one step: every op that goes through the tape (forward ones and those of the VJPs).
  let ops = [...s.model.parameters()].length;
  if (mode === 'eager') {
    const o = setup(which); // a model of its own: the measured ones start from the same state
    const prev = setActiveTrace({ op: (name) => { if (!VIEWS.has(name)) ops++; }, valueRead: () => undefined, randomDraw: () => undefined });
    try { o.step(o.x, o.y); } finally { setActiveTrace(prev); }
  }
  const counts: StepCounters[] = [];
  const losses: Tensor[] = [];
  await webgpu.sync();
  for (let i = 0; i < steps; i++) {
    const before = webgpu.counters();
    losses.push(run(s.x, s.y));
    counts.push(delta(before, webgpu.counters()));
  }
  await settle();
  const before = webgpu.counters();
  losses.push(run(s.x, s.y));
  const collected = delta(before, webgpu.counters());
  const values: number[] = [];
  for (const l of losses) values.push(await l.itemAsync());
  const params: number[] = [];
  for (const p of s.model.parameters()) params.push(...Array.from(await p.dataAsync()));
  const row: StructureRow = { model: which, mode, ops, steps: counts, collected, losses: values, params };
  if (compiled) {
    const st = compiled.stats();
    row.replays = st.replays;
    row.fallbacks = st.fallbacks.map((f) => f.reason);
  }
  return row;
}

/** The op count of an eager step goes with every row of a model (compile runs the same ops); `unfused` adds compiled rows with fusion off. */
export async function structureRows(steps = 8, unfused = false): Promise<StructureRow[]> {
  const rows: StructureRow[] = [];
  for (const which of ['mlp', 'cnn'] as const) {
    const eager = await measure(which, 'eager', steps);
    rows.push(eager);
    for (const mode of unfused ? ['compiled-unfused', 'compiled'] as const : ['compiled'] as const) {
      const comp = await measure(which, mode, steps);
      comp.ops = eager.ops;
      rows.push(comp);
    }
  }
  return rows;
}
