/**
 * The in-browser half of compile.e2e.test.ts: compile(fn) on webgpu tensors (issue 17) — the structural
 * figures of an MLP and a CNN step, eager and compiled (structure.ts), and the cases where a compiled
 * step must fall back to eager mode or check its arguments again.
 */
import { Tensor, compile, manualSeed, randn, tensor, webgpu, zeros } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { SGD, lrScheduler } from '@tapegrad/optim';
import { structureRows, type StructureRow } from './structure';

const F = nn.functional;

export interface CompileReport {
  initError?: string;
  rows: StructureRow[];
  cases: Record<string, string>;
  deviceErrors: string[];
}

async function values(t: Tensor): Promise<string> {
  return Array.from(await t.dataAsync()).map((v) => v.toPrecision(7)).join(',');
}

/** Small compiled functions whose replays must give the eager values, or fall back, or throw again. */
async function cases(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const guard = async (name: string, f: () => Promise<string>): Promise<void> => {
    try { out[name] = await f(); } catch (e) { out[name] = `threw: ${String((e as Error).message)}`; }
  };
  await guard('forward', async () => {
    const w = tensor([[1, 2], [3, 4]], { device: 'webgpu' });
    const f = compile((x: Tensor) => x.matmul(w).relu().sum(1));
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push(await values(f(tensor([[1, -1], [2, 0.5 + i]], { device: 'webgpu' }))));
    return `${got.join(' ')} replays ${f.stats().replays}`;
  });
  await guard('upload inside fn', async () => {
    const f = compile((x: Tensor) => x.add(tensor([1, 2], { device: 'webgpu' })));
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push(await values(f(tensor([i, i], { device: 'webgpu' }))));
    return `${got.join(' ')} replays ${f.stats().replays} fallbacks ${f.stats().fallbacks.map((b) => b.reason).join('; ')}`;
  });
  // A scheduler stepping outside fn: the replayed SGD kernel reads the live learning rate.
  await guard('scheduler outside fn', async () => {
    const make = (): { step: (x: Tensor, y: Tensor) => Tensor; sched: { step(): void }; model: nn.Module } => {
      manualSeed(1);
      const model = new nn.Linear(3, 2).to('webgpu');
      const opt = new SGD(model.parameters(), { lr: 0.5 });
      const sched = new lrScheduler.StepLR(opt, { stepSize: 1, gamma: 0.5 });
      return { model, sched, step: (x, y) => { opt.zeroGrad(); const l = F.mseLoss(model.forward(x) as Tensor, y); l.backward(); opt.step(); return l.detach(); } };
    };
    const x = tensor([[1, 2, 3], [-1, 0.5, 2]], { device: 'webgpu' }), y = tensor([[1, 0], [0, 1]], { device: 'webgpu' });
    const e = make(), c = make();
    const cs = compile(c.step);
    const le: string[] = [], lc: string[] = [];
    for (let i = 0; i < 5; i++) {
      le.push(await values(e.step(x, y))); e.sched.step();
      lc.push(await values(cs(x, y))); c.sched.step();
    }
    return `${le.join(' ') === lc.join(' ') ? 'same' : `eager ${le.join(' ')} compiled ${lc.join(' ')}`} replays ${cs.stats().replays}`;
  });
  // Reading a .grad between calls (the caller may hold it) makes the next call capture again: a new
  // recording over new buffers, still the eager values; so does a batch of another shape (a new signature).
  await guard('recapture', async () => {
    const make = (): { step: (x: Tensor, y: Tensor) => Tensor; model: nn.Module } => {
      manualSeed(2);
      const model = new nn.Sequential(new nn.Linear(3, 5), new nn.Tanh(), new nn.Linear(5, 2)).to('webgpu');
      const opt = new SGD(model.parameters(), { lr: 0.2, momentum: 0.5 });
      return { model, step: (x, y) => { opt.zeroGrad(); const l = F.crossEntropy(model.forward(x) as Tensor, y); l.backward(); opt.step(); return l.detach(); } };
    };
    const xs = [tensor([[1, 2, 3], [-1, 0.5, 2], [0, 1, -1], [2, -2, 1]], { device: 'webgpu' }), tensor([[1, 0, 3], [-1, 1, 2]], { device: 'webgpu' })];
    const ys = [tensor(Int32Array.from([0, 1, 1, 0])).to('webgpu'), tensor(Int32Array.from([1, 0])).to('webgpu')];
    const e = make(), c = make();
    const cs = compile(c.step);
    const le: string[] = [], lc: string[] = [];
    for (let i = 0; i < 9; i++) {
      const b = i === 6 ? 1 : 0;
      le.push(await values(e.step(xs[b], ys[b])));
      lc.push(await values(cs(xs[b], ys[b])));
      if (i === 3) for (const m of [e.model, c.model]) void [...m.parameters()][0].grad;
    }
    const st = cs.stats();
    return `${le.join(' ') === lc.join(' ') ? 'same' : `eager ${le.join(' ')} compiled ${lc.join(' ')}`} captures ${st.captures} replays ${st.replays} signatures ${st.signatures}`;
  });
  // The buffers a replay writes are withdrawn from the pool (the walk's gradients released during the
  // capture are there at its end): tensors made after the capture, of every size class the step uses, keep
  // their values across replays.
  await guard('pinned buffers', async () => {
    manualSeed(4);
    const model = new nn.Sequential(new nn.Linear(8, 32), new nn.ReLU(), new nn.Linear(32, 3)).to('webgpu');
    const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const f = compile((x: Tensor, y: Tensor) => { opt.zeroGrad(); const l = F.crossEntropy(model.forward(x) as Tensor, y); l.backward(); opt.step(); return l.detach(); });
    const x = tensor(Array.from({ length: 64 * 8 }, (_, i) => Math.sin(i)), { device: 'webgpu' }).reshape(64, 8);
    const y = tensor(Int32Array.from({ length: 64 }, (_, i) => i % 3)).to('webgpu');
    for (let i = 0; i < 3; i++) f(x, y);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
    const kept: [Tensor, number][] = [];
    for (const n of [64 * 32, 64 * 8, 32 * 8, 64 * 3, 32 * 3, 64, 32, 3, 1]) for (let k = 1; k <= 6; k++) kept.push([zeros([n], { device: 'webgpu' }).add(k), k]);
    for (let i = 0; i < 3; i++) f(x, y);
    let bad = 0;
    for (const [t, k] of kept) if (!(await t.dataAsync()).every((v) => v === k)) bad++;
    return `${bad} of ${kept.length} overwritten, replays ${f.stats().replays}`;
  });
  // crossEntropy checks the targets' range on the host mirror: a replay checks each call's targets again.
  await guard('targets checked on replay', async () => {
    const model = new nn.Linear(4, 3).to('webgpu');
    const f = compile((x: Tensor, t: Tensor) => F.crossEntropy(model.forward(x) as Tensor, t).detach());
    const x = tensor([[1, 2, 3, 4], [0, 1, 0, 1]], { device: 'webgpu' });
    for (let i = 0; i < 3; i++) f(x, tensor(Int32Array.from([0, 2])).to('webgpu'));
    let msg = 'no error';
    try { f(x, tensor(Int32Array.from([0, 5])).to('webgpu')); } catch (e) { msg = String((e as Error).message); }
    return `replays ${f.stats().replays}: ${msg}`;
  });
  // The engine releases the gradients of a backward walk as they are consumed (autograd/tape.ts): the walk
  // through 8 tanh nodes reuses the same few buffers instead of one per node.
  await guard('backward temporaries', async () => {
    const n = 1 << 17; // a size class nothing else here uses
    const x = randn([n]).to('webgpu').requiresGrad_();
    let y = x;
    for (let i = 0; i < 8; i++) y = y.tanh();
    const loss = y.sum();
    await webgpu.sync();
    const before = webgpu.counters().buffersCreated;
    loss.backward();
    const created = webgpu.counters().buffersCreated - before;
    const g = await (x.grad as Tensor).dataAsync();
    return `${created} buffers, grad finite ${g.every((v) => Number.isFinite(v))}`;
  });
  return out;
}

async function run(): Promise<CompileReport> {
  try {
    await webgpu.init();
  } catch (e) {
    return { initError: String((e as Error).message), rows: [], cases: {}, deviceErrors: [] };
  }
  const rows = await structureRows();
  const c = await cases();
  await webgpu.sync();
  return { rows, cases: c, deviceErrors: webgpu.info().errors };
}

declare global {
  interface Window { compileChecks: () => Promise<CompileReport>; structureChecks: () => Promise<StructureRow[]> }
}
window.compileChecks = run;
// bench/webgpu-structure.ts: the figures alone
window.structureChecks = async () => { await webgpu.init(); return structureRows(8, true); }; // with the unfused compiled rows (issue 17 fusion)
export {};
