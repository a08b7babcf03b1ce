/**
 * compile(fn) and train()/eval() of modules the trace never saw being called (issue 15 §3: a change of
 * train()/eval() re-traces or falls back, never silently replays the wrong graph). A module whose
 * forward() fn runs directly, not through call(), is not among the modules the trace records; its
 * forward may branch on `this.training` all the same. train()/eval() on it must trace the step again.
 */
import { compile, manualSeed, noGrad, randn, Tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { functional as F } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';

const bits = (t: Tensor): string => Buffer.from(Float64Array.from(t.dataSync() as ArrayLike<number>).buffer).toString('hex');

/** A module with no submodules whose forward reads its own flag (dropout in training, a scale in eval). */
class Net extends nn.Module {
  w = new nn.Parameter(randn([6, 3]).mul(0.5));
  forward(x: Tensor): Tensor {
    const h = x.matmul(this.w);
    return this.training ? F.dropout(h, 0.5, true) : h.mul(0.5);
  }
}

/** Runs `calls` through a fresh Net eagerly and compiled from one seed, `between(net, i)` after call i; returns the compiled stats. */
function same(makeStep: (net: Net, opt: SGD) => (x: Tensor) => Tensor, between: (net: Net, i: number) => void, n = 9) {
  manualSeed(3);
  const xs = Array.from({ length: n }, () => randn([4, 6]));
  const logs: string[][] = [];
  let stats = null;
  for (const compiled of [false, true]) {
    manualSeed(0);
    const net = new Net();
    const opt = new SGD(net.parameters(), { lr: 0.1 });
    const step = makeStep(net, opt);
    const run = compiled ? compile(step) : step;
    logs.push(xs.map((x, i) => { const line = `${bits(run(x))} ${bits(net.w)}`; between(net, i); return line; }));
    if (compiled) stats = (run as ReturnType<typeof compile>).stats();
  }
  expect(logs[1]).toEqual(logs[0]);
  return stats as unknown as ReturnType<ReturnType<typeof compile>['stats']>;
}

describe('compile: train()/eval() of a module whose forward() fn runs directly', () => {
  test('a forward pass under noGrad: eval() and train() between calls trace again', () => {
    const st = same((net) => (x) => noGrad(() => net.forward(x)), (net, i) => { if (i === 2) net.eval(); if (i === 5) net.train(); });
    expect(st).toMatchObject({ traces: 3, replays: 3, fallbacks: [] });
  });

  test('a training step: eval() between calls traces again', () => {
    const st = same((net, opt) => (x) => { opt.zeroGrad(); const l = net.forward(x).square().mean(); l.backward(); opt.step(); return l; },
      (net, i) => { if (i === 3) net.eval(); });
    expect(st).toMatchObject({ traces: 2, fallbacks: [] });
    expect(st.replays).toBeGreaterThan(0);
  });

  test('train()/eval() of a module the step knows (called through call()) does not trace again beyond its own signature check', () => {
    const st = same((net) => (x) => noGrad(() => net.call(x)), (net, i) => { if (i === 2) net.eval(); });
    expect(st).toMatchObject({ traces: 2, replays: 5 });
  });

  test('train()/eval() of an unrelated module traces again once (harmless: the results stay eager mode\'s)', () => {
    const other = new nn.Dropout(0.5);
    const st = same((net) => (x) => noGrad(() => net.call(x)), (_net, i) => { if (i === 3) other.train(!other.training); });
    expect(st).toMatchObject({ traces: 2, fallbacks: [] });
  });
});

describe('compile: train()/eval() inside fn', () => {
  test('an eval pass inside the step (eval(), forward, train()) of a module fn never calls replays, equal to eager', () => {
    // `other` is switched inside fn but never called: its switches are fn's own, not a change between calls
    const other = new nn.Dropout(0.5);
    const st = same((net, opt) => (x) => {
      other.eval();
      noGrad(() => net.forward(x).sum());
      other.train();
      opt.zeroGrad(); const l = net.forward(x).square().mean(); l.backward(); opt.step();
      return l;
    }, () => {});
    expect(st).toMatchObject({ traces: 1, captures: 1, replays: 7, fallbacks: [] });
  });
});
