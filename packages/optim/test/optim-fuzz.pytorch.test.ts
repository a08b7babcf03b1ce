/**
 * A randomized conformance probe against PyTorch 1.13 (fixtures/pytorch/auditoptim8/optim-fuzz.json, written
 * by fixtures/pytorch/auditoptim8/optim_fuzz.py): every optimizer with random options over 2-3 parameter
 * groups, 15-25 steps of fixed gradients (zeros, negatives, a parameter whose grad is null on some steps);
 * after every step the parameters (float64, 1e-12 relative) and stateDict() (state keys in PyTorch's order
 * and values, param-group keys in PyTorch's order without its kernel switches, and values). LBFGS on a
 * smooth function with and without strong Wolfe. Schedulers: getLastLr(), every group's lr and momentum
 * after every step, stateDict()/loadStateDict() half way, lastEpoch resumption, stateDict() key order.
 * Constructor errors carry PyTorch's messages.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, cat, tensor } from '@tapegrad/core';
import * as optim from '@tapegrad/optim';
import { lrScheduler as L } from '@tapegrad/optim';

type Json = number | string | boolean | null | Json[] | { [k: string]: Json };
type Pairs = [string, Json][];
/** After one step: the parameters; on some steps (see keep_sd in the script) the state dict and the live groups' keys. */
interface OptStep { params: number[][]; state?: Record<string, Pairs>; groups?: Pairs[]; live?: string[][] }
interface OptCase {
  optimizer: string; options: Record<string, Json>; groups: { params: number[]; options: Record<string, Json> }[];
  addAt: number; added: Record<string, Json>; lrDecay: number;
  x0: number[][]; shapes: number[][]; grads: ((number | string)[] | null)[][]; steps: OptStep[];
}
interface LbfgsCase { options: Record<string, Json>; split: boolean; a: number[]; x0: number[]; groupKeys: string[]; steps: { x: number[]; loss: number; funcEvals: number; nIter: number; stateKeys: string[] }[] }
interface LambdaSpec { kind: 'pow' | 'inv' | 'const' | 'alt'; base?: number; a?: number; f?: number }
interface SchedSpec { type: string; args?: Record<string, Json>; lrLambda?: LambdaSpec | LambdaSpec[]; scaleFn?: LambdaSpec; schedulers?: SchedSpec[] }
interface OptSpec { name: string; lrs: number[]; options: Record<string, Json>; groupExtra?: Record<string, number>[] }
interface SchedCase {
  label: string; optimizer: OptSpec; scheduler: SchedSpec; calls: (number | null)[];
  initLr: number[]; initLastLr: number[] | null; initMomentum: (number | null)[];
  lastLr: (number[] | null)[]; lr: number[][]; momentum: (number | null)[][];
  resumeAt?: number; resumeLr?: number[][]; stateDict: Record<string, Json>; optGroupKeys: string[][];
}
interface ErrCase { optimizer: string; options: Record<string, Json>; message: string | null; type: string | null }
interface SchedErrCase { label: string; optimizer: OptSpec; scheduler: SchedSpec; steps: number; metric: number | null; message: string | null }
interface LoadErrCase { label: string; src: number[][]; dst: number[][]; message: string | null; live: string[][] }
const REF = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'pytorch', 'auditoptim8', 'optim-fuzz.json'), 'utf8')) as {
  lbfgsGroupsError: string;
  optim: OptCase[]; lbfgs: LbfgsCase[]; sched: SchedCase[]; errors: ErrCase[]; schedErrors: SchedErrCase[]; loadErrors: LoadErrCase[];
};

type Ctor = new (params: unknown, opts?: Record<string, unknown>) => optim.Optimizer;
const OPT = optim as unknown as Record<string, Ctor>;

/** A gradient entry: a number, or PyTorch's non-finite values as the strings 'inf', '-inf', 'nan'. */
const num = (x: number | string): number => (x === 'inf' ? Infinity : x === '-inf' ? -Infinity : x === 'nan' ? NaN : (x as number));
const near = (a: number, e: number, rel: number): boolean => a === e || Math.abs(a - e) <= rel * Math.max(1, Math.abs(e));

/** Compares a tapegrad value with PyTorch's JSON (tensors flattened, 0-d tensors as numbers); returns a mismatch or null. */
function diff(got: unknown, want: Json, rel: number, where: string): string | null {
  if (got instanceof Tensor) got = got.ndim === 0 ? got.item() : Array.from(got.dataSync());
  if (want === 'inf') want = Infinity as unknown as Json;
  if (want === '-inf') want = -Infinity as unknown as Json;
  if (want === 'nan') return typeof got === 'number' && Number.isNaN(got) ? null : `${where}: ${String(got)}, PyTorch nan`;
  if (typeof want === 'number') return typeof got === 'number' && near(got, want, rel) ? null : `${where}: ${String(got)}, PyTorch ${want}`;
  if (Array.isArray(want)) {
    if (!Array.isArray(got) && !(ArrayBuffer.isView(got))) return `${where}: ${JSON.stringify(got)}, PyTorch ${JSON.stringify(want)}`;
    const g = Array.from(got as ArrayLike<unknown>);
    if (g.length !== want.length) return `${where}: ${JSON.stringify(g)}, PyTorch ${JSON.stringify(want)}`;
    for (let i = 0; i < g.length; i++) {
      const d = diff(g[i], want[i], rel, `${where}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  return got === want ? null : `${where}: ${JSON.stringify(got)}, PyTorch ${JSON.stringify(want)}`;
}

function expectNoDiffs(diffs: (string | null)[]): void {
  const bad = diffs.filter((d): d is string => d !== null);
  if (bad.length > 0) throw new Error(`${bad.length} differences from PyTorch:\n${bad.slice(0, 12).join('\n')}`);
}

/**
 * PyTorch's recorded state dict (after a step) as a tapegrad one: flat lists become tensors of their parameter's
 * shape (`shapes[k]`: the shape of the k-th parameter in group order, PyTorch's state index).
 */
function torchState(step: OptStep, shapes: number[][]): optim.OptimizerStateDict {
  const state: Record<number, optim.ParamState> = {};
  if (step.state === undefined || step.groups === undefined) throw new Error('the fixture has no state dict for this step (keep_sd in the script)');
  for (const [i, pairs] of Object.entries(step.state)) {
    state[Number(i)] = Object.fromEntries(pairs.map(([k, v]) => [k, Array.isArray(v)
      ? tensor((v as (number | string)[]).map(num), { dtype: 'float64' }).reshape(shapes[Number(i)])
      : typeof v === 'string' ? num(v) : (v as number | null)]));
  }
  return { state, paramGroups: step.groups.map((pairs) => Object.fromEntries(pairs) as optim.SavedParamGroup) };
}

describe('optimizers: random options and groups, 15-25 steps, parameters and stateDict after every step', () => {
  it.each(REF.optim.map((c, i) => [`${c.optimizer} #${i}${i % 2 ? ' (loads PyTorch\'s state half way)' : ''} ${JSON.stringify(c.options)} ${JSON.stringify(c.groups.map((g) => g.options))} + ${JSON.stringify(c.added)} at ${c.addAt}, lr ×${c.lrDecay}`, c] as const))('%s', (label, c) => {
    const fromTorch = label.includes('loads PyTorch');
    const ps = c.x0.map((x, i) => tensor(x, { dtype: 'float64' }).reshape(c.shapes[i]).requiresGrad_(true));
    const build = (withAdded: boolean): optim.Optimizer => new OPT[c.optimizer]([
      ...c.groups.map((g) => ({ params: g.params.map((i) => ps[i]), ...g.options })),
      ...(withAdded ? [{ params: [ps[3]], ...c.added }] : []),
    ], c.options);
    let opt = build(false);
    const diffs: (string | null)[] = [];
    const half = Math.floor(c.steps.length / 2);
    c.steps.forEach((want, t) => {
      if (t === half) { // half way, a fresh optimizer takes over through stateDict() / loadStateDict()
        const added = c.addAt >= 0 && t > c.addAt;
        const fresh = build(added);
        const order = [...c.groups.flatMap((g) => g.params), ...(added ? [3] : [])];
        fresh.loadStateDict(fromTorch ? torchState(c.steps[t - 1], order.map((k) => c.shapes[k])) : opt.stateDict());
        opt = fresh;
      }
      if (t === c.addAt) opt.addParamGroup({ params: [ps[3]], ...c.added });
      ps.forEach((p, i) => { const g = c.grads[t][i]; p.grad = g === null ? null : tensor(g.map(num), { dtype: 'float64' }).reshape(c.shapes[i]); });
      opt.step();
      for (const g of opt.paramGroups) g.lr *= c.lrDecay;
      ps.forEach((p, i) => diffs.push(diff(p, want.params[i], 1e-12, `step ${t + 1} param ${i}`)));
      if (want.state === undefined || want.groups === undefined || want.live === undefined) return;
      const live = want.live;
      const sd = opt.stateDict();
      diffs.push(diff(Object.keys(sd.state), Object.keys(want.state), 0, `step ${t + 1} state indices`));
      for (const [i, pairs] of Object.entries(want.state)) {
        const s = sd.state[Number(i)] ?? {};
        diffs.push(diff(Object.keys(s), pairs.map(([k]) => k), 0, `step ${t + 1} state[${i}] keys`));
        for (const [k, v] of pairs) diffs.push(diff(s[k], v, 1e-12, `step ${t + 1} state[${i}].${k}`));
      }
      // the live groups' key order too ('params' where the group object had it), until a loaded optimizer takes over
      if (t < half) opt.paramGroups.forEach((g, gi) => diffs.push(diff(Object.keys(g), live[gi], 0, `step ${t + 1} live paramGroups[${gi}] keys`)));
      want.groups.forEach((pairs, gi) => {
        const g = sd.paramGroups[gi] as Record<string, unknown>;
        diffs.push(diff(Object.keys(g), pairs.map(([k]) => k), 0, `step ${t + 1} paramGroups[${gi}] keys`));
        for (const [k, v] of pairs) diffs.push(diff(g[k], v, 0, `step ${t + 1} paramGroups[${gi}].${k}`));
      });
    });
    expectNoDiffs(diffs);
  });
});

describe('LBFGS on a smooth function', () => {
  it.each(REF.lbfgs.map((c) => [JSON.stringify(c.options), c] as const))('%s', (_, c) => {
    const xs = (c.split ? [c.x0.slice(0, 2), c.x0.slice(2)] : [c.x0]).map((v) => tensor(v, { dtype: 'float64' }).requiresGrad_(true));
    const a = tensor(c.a, { dtype: 'float64' });
    const opt = new optim.LBFGS(xs, c.options);
    const closure = (): Tensor => {
      opt.zeroGrad();
      const x = xs.length === 1 ? xs[0] : cat(xs);
      const l = a.mul(x).mul(x).sum().add(x.pow(4).sum().div(4)).add(x.select(0, 0).mul(x.select(0, 1)).sub(1).pow(2));
      l.backward();
      return l;
    };
    const diffs: (string | null)[] = [];
    c.steps.forEach((want, t) => {
      const loss = opt.step(closure) as Tensor;
      diffs.push(diff(xs.flatMap((p) => Array.from(p.dataSync())), want.x, 1e-10, `step ${t + 1} x`));
      diffs.push(diff(loss.item(), want.loss, 1e-10, `step ${t + 1} loss`));
      const st = opt.stateDict().state[0];
      diffs.push(diff(st.funcEvals, want.funcEvals, 0, `step ${t + 1} funcEvals`));
      diffs.push(diff(st.nIter, want.nIter, 0, `step ${t + 1} nIter`));
      diffs.push(diff(Object.keys(st), want.stateKeys, 0, `step ${t + 1} state keys`));
    });
    diffs.push(diff(Object.keys(opt.stateDict().paramGroups[0]), c.groupKeys, 0, 'paramGroups[0] keys'));
    expectNoDiffs(diffs);
  });
});

function lambdaOf(s: LambdaSpec): (e: number) => number {
  switch (s.kind) {
    case 'pow': return (e) => (s.base as number) ** e;
    case 'inv': return (e) => 1 / (1 + (s.a as number) * e);
    case 'const': return () => s.f as number;
    default: return (e) => (e % 2 ? (s.f as number) : 1);
  }
}
function makeOpt(spec: OptSpec): optim.Optimizer {
  const extra = (i: number): Record<string, number> => Object.fromEntries(Object.entries(spec.groupExtra?.[i] ?? {}).map(([k, v]) => [camel(k), v]));
  const groups = spec.lrs.map((lr, i) => ({ params: [tensor([0], { dtype: 'float64' }).requiresGrad_(true)], lr, ...extra(i) }));
  return new OPT[spec.name](groups, spec.options);
}
type AnySched = { step(arg?: number): void; getLastLr?(): number[]; stateDict(): Record<string, unknown>; loadStateDict(sd: Record<string, unknown>): void };
function makeSched(spec: SchedSpec, opt: optim.Optimizer): AnySched {
  const args: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec.args ?? {})) args[k === 'T0' ? 't0' : k] = v;
  if (spec.lrLambda !== undefined) args.lrLambda = Array.isArray(spec.lrLambda) ? spec.lrLambda.map(lambdaOf) : lambdaOf(spec.lrLambda);
  if (spec.type === 'ChainedScheduler') return new L.ChainedScheduler((spec.schedulers ?? []).map((s) => makeSched(s, opt) as unknown as optim.LRScheduler)) as unknown as AnySched;
  if (spec.scaleFn !== undefined) args.scaleFn = lambdaOf(spec.scaleFn);
  if (spec.type === 'Manual') { // several schedulers on one optimizer, each stepped in turn
    const all = (spec.schedulers ?? []).map((s) => makeSched(s, opt));
    return {
      step: (arg?: number) => all.forEach((s) => (arg === undefined ? s.step() : s.step(arg))),
      getLastLr: () => all[all.length - 1].getLastLr?.() ?? [],
      stateDict: () => ({ schedulers: all.map((s) => s.stateDict()) }),
      loadStateDict: (sd: Record<string, unknown>) => all.forEach((s, i) => s.loadStateDict((sd.schedulers as Record<string, unknown>[])[i])),
    };
  }
  if (spec.type === 'SequentialLR') args.schedulers = (spec.schedulers ?? []).map((s) => makeSched(s, opt));
  const C = (L as unknown as Record<string, new (o: optim.Optimizer, a: Record<string, unknown>) => AnySched>)[spec.type];
  return new C(opt, args);
}
const momenta = (opt: optim.Optimizer): (number | null)[] => opt.paramGroups.map((g) => {
  const r = g as unknown as Record<string, unknown>;
  return Array.isArray(r.betas) ? (r.betas[0] as number) : ((r.momentum as number | undefined) ?? null);
});
const camel = (k: string): string => {
  const lead = k.startsWith('_') ? '_' : '';
  const [first, ...rest] = k.replace(/^_/, '').split('_');
  return lead + (first === 'T' ? 't' : first) + rest.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
};
/** PyTorch's state-dict keys in tapegrad's spelling; PyTorch's re-entrancy flag and verbose setting are not state here. */
const oursKeys = (sd: Record<string, Json>): string[] => Object.keys(sd).filter((k) => k !== 'verbose' && k !== '_get_lr_called_within_step').map((k) => (k === 'anneal_func' ? 'annealStrategy' : camel(k)));

/** Keys (in order) and the plain values (numbers, strings, number lists) of a scheduler state dict, nested ones under `_schedulers` too. */
function stateDictDiffs(sd: Record<string, unknown>, want: Record<string, Json>, where: string): (string | null)[] {
  const out: (string | null)[] = [diff(Object.keys(sd), oursKeys(want), 0, `${where} keys`)];
  for (const [k, v] of Object.entries(want)) {
    const mine = sd[camel(k)];
    if (k === '_schedulers' && Array.isArray(v) && Array.isArray(mine)) {
      v.forEach((sub, i) => out.push(...stateDictDiffs(mine[i] as Record<string, unknown>, sub as Record<string, Json>, `${where}._schedulers[${i}]`)));
      continue;
    }
    const plain = typeof v === 'number' || (typeof v === 'string' && !v.startsWith('<')) || (Array.isArray(v) && v.every((x) => typeof x === 'number'));
    if (plain && mine !== undefined) out.push(diff(mine, v, 1e-12, `${where}.${camel(k)}`));
  }
  return out;
}

describe('schedulers: lr sequences, momentum, resumption and stateDict key order', () => {
  it.each(REF.sched.map((c) => [c.label, c] as const))('%s', (_, c) => {
    const opt = makeOpt(c.optimizer);
    const s = makeSched(c.scheduler, opt);
    const diffs: (string | null)[] = [];
    diffs.push(diff(opt.paramGroups.map((g) => g.lr), c.initLr, 1e-12, 'lr after construction'));
    diffs.push(diff(momenta(opt), c.initMomentum, 1e-12, 'momentum after construction'));
    if (c.initLastLr !== null) diffs.push(diff(s.getLastLr?.(), c.initLastLr, 1e-12, 'getLastLr() after construction'));
    c.calls.forEach((arg, t) => {
      opt.step();
      if (arg === null) s.step(); else s.step(arg);
      const want = c.lastLr[t];
      if (want !== null) diffs.push(diff(s.getLastLr?.(), want, 1e-12, `step ${t + 1} (${String(arg)}) getLastLr()`));
      diffs.push(diff(opt.paramGroups.map((g) => g.lr), c.lr[t], 1e-12, `step ${t + 1} (${String(arg)}) lr`));
      diffs.push(diff(momenta(opt), c.momentum[t], 1e-12, `step ${t + 1} momentum`));
    });
    if (c.scheduler.type !== 'Manual') diffs.push(...stateDictDiffs(s.stateDict() as Record<string, unknown>, c.stateDict, 'stateDict()'));
    opt.stateDict().paramGroups.forEach((g, i) => diffs.push(diff(Object.keys(g), c.optGroupKeys[i], 0, `optimizer paramGroups[${i}] keys`)));
    if (c.resumeAt !== undefined && c.resumeLr !== undefined) {
      const opt2 = makeOpt(c.optimizer);
      const s2 = makeSched(c.scheduler, opt2);
      const opt1 = makeOpt(c.optimizer);
      const s1 = makeSched(c.scheduler, opt1);
      for (const arg of c.calls.slice(0, c.resumeAt + 1)) if (arg === null) s1.step(); else s1.step(arg);
      opt2.loadStateDict(JSON.parse(JSON.stringify(opt1.stateDict())) as optim.OptimizerStateDict);
      s2.loadStateDict(JSON.parse(JSON.stringify(s1.stateDict())) as Record<string, unknown>); // through JSON, as a checkpoint file
      c.calls.slice(c.resumeAt + 1).forEach((arg, t) => {
        if (arg === null) s2.step(); else s2.step(arg);
        diffs.push(diff(opt2.paramGroups.map((g) => g.lr), c.resumeLr?.[t] ?? [], 1e-12, `resumed step ${c.resumeAt! + 2 + t} lr`));
      });
    }
    expectNoDiffs(diffs);
  });
});

describe('constructor errors carry PyTorch\'s messages', () => {
  const pyToJs = (m: string): string => m.replace(/(\d)\.0\b/g, '$1');
  it.each(REF.errors.map((c) => [`${c.optimizer} ${JSON.stringify(c.options)}`, c] as const))('%s', (_, c) => {
    const make = (): unknown => new OPT[c.optimizer]([tensor([0, 0], { dtype: 'float64' }).requiresGrad_(true)], c.options);
    if (c.message === null) expect(make).not.toThrow();
    else expect(make).toThrow(pyToJs(c.message));
  });
});

// LBFGS: PyTorch 1.13 accepts any lr; tapegrad rejects a negative one with the check (and message) PyTorch 2.x added.
test('LBFGS rejects a negative lr as PyTorch 2.x does (1.13 accepted it); lr 0 is accepted', () => {
  const x = (): Tensor[] => [tensor([0, 0], { dtype: 'float64' }).requiresGrad_(true)];
  expect(() => new optim.LBFGS(x(), { lr: -0.5 })).toThrow('Invalid learning rate: -0.5');
  expect(() => new optim.LBFGS(x(), { lr: 0 })).not.toThrow();
  expect(() => new optim.LBFGS([{ params: x() }, { params: x() }])).toThrow(REF.lbfgsGroupsError);
});

/**
 * Scheduler errors whose text names an option, written in tapegrad's camelCase (`totalSteps`, `t0`, `scaleFn`,
 * `cycleMomentum`, `paramGroups[0]`) rather than PyTorch's snake_case; the others contain PyTorch's message.
 * LinearLR startFactor 0: PyTorch 1.13 fails on the first step (ZeroDivisionError), tapegrad at construction.
 */
const CAMEL_MESSAGES = new Set(['OneCycleLR totalSteps 0', 'OneCycleLR pctStart', 'OneCycleLR anneal', 'OneCycleLR maxLr list', 'OneCycleLR no momentum', 'CyclicLR no momentum',
  'CyclicLR baseLr list', 'CyclicLR mode', 'CAWR T0 0', 'CAWR tMult 0', 'resume without initialLr', 'LinearLR start 0']);

describe('scheduler errors where PyTorch raises, none where it does not', () => {
  it.each(REF.schedErrors.map((c) => [c.label, c] as const))('%s', (_, c) => {
    const run = (): void => {
      const s = makeSched(c.scheduler, makeOpt(c.optimizer));
      for (let i = 0; i < c.steps; i++) if (c.metric === null) s.step(); else s.step(c.metric);
    };
    if (c.message === null) expect(run).not.toThrow();
    else if (CAMEL_MESSAGES.has(c.label)) expect(run).toThrow();
    else expect(run).toThrow(c.message.replace(/(\d)\.0$/, '$1'));
  });
});

describe('loadStateDict of a mismatched optimizer state raises PyTorch\'s message', () => {
  it.each(REF.loadErrors.map((c) => [c.label, c] as const))('%s', (_, c) => {
    const make = (layout: number[][]): optim.Optimizer => new optim.Adam(layout.map((g) => ({ params: g.map((n) => tensor(new Array<number>(n).fill(0), { dtype: 'float64' }).requiresGrad_(true)) })));
    const a = make(c.src);
    for (const g of a.paramGroups) for (const p of g.params) p.grad = tensor(new Array<number>(p.numel()).fill(1), { dtype: 'float64' });
    a.step();
    const b = make(c.dst);
    if (c.message === null) {
      b.loadStateDict(a.stateDict());
      expect(b.paramGroups.map((g) => Object.keys(g))).toEqual(c.live); // PyTorch's order after a load: the saved group's, params last
    } else expect(() => b.loadStateDict(a.stateDict())).toThrow(c.message);
  });
});
