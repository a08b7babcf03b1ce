/**
 * Loading a PyTorch 1.13 `optimizer.state_dict()` as PyTorch writes it (`param_groups`, snake_case option
 * and state names, 0-d tensor counters, `foreach` & co.), tensors converted to tapegrad's: the optimizer
 * continues exactly as PyTorch's. Reference: fixtures/pytorch/optim-pytorch-state.json, written by
 * fixtures/pytorch/optim_pytorch_state.py (state after 3 steps of two groups, parameters after 2 more).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, tensor } from '@tapegrad/core';
import * as optim from '@tapegrad/optim';
import type { OptimizerStateDict } from '@tapegrad/optim';

type Enc = { shape: number[]; data: number[] };
interface Case { optimizer: string; stateDict: { state: Record<string, Record<string, unknown>>; param_groups: Record<string, unknown>[] }; start: number[][]; after: number[][][] }
interface LbfgsCase { stateDict: { state: Record<string, Record<string, unknown>>; param_groups: Record<string, unknown>[] }; start: number[]; after: number[][] }
const ref = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'pytorch', 'optim-pytorch-state.json'), 'utf8')) as { grads: number[][][]; cases: Case[]; lbfgs: LbfgsCase };

const isEnc = (v: unknown): v is Enc => typeof v === 'object' && v !== null && 'shape' in v && 'data' in v;
const dec = (v: unknown): unknown => (isEnc(v) ? tensor(v.data, { dtype: 'float64' }).reshape(v.shape) : Array.isArray(v) ? v.map(dec) : v);
type Ctor = new (params: unknown, opts?: Record<string, unknown>) => optim.Optimizer;

describe('a PyTorch 1.13 state dict, in its own names, loads and continues as PyTorch', () => {
  it.each(ref.cases.map((c) => [c.optimizer, c] as const))('%s', (name, c) => {
    const w = tensor(c.start[0], { dtype: 'float64' }).reshape([2, 3]).requiresGrad_(true);
    const b = tensor(c.start[1], { dtype: 'float64' }).requiresGrad_(true);
    const opt = new (optim as unknown as Record<string, Ctor>)[name]([{ params: [w] }, { params: [b] }], name === 'SGD' ? { lr: 1 } : {});
    const sd = {
      state: Object.fromEntries(Object.entries(c.stateDict.state).map(([i, s]) => [i, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, dec(v)]))])),
      param_groups: c.stateDict.param_groups,
    };
    opt.loadStateDict(sd as unknown as OptimizerStateDict);
    const g1 = opt.paramGroups[1] as unknown as Record<string, unknown>;
    expect(g1.lr).toBe(c.stateDict.param_groups[1].lr);
    expect(g1.initialLr).toBe(c.stateDict.param_groups[1].initial_lr);
    expect('foreach' in g1).toBe(false);
    if ('weight_decay' in c.stateDict.param_groups[0]) expect(opt.paramGroups[0]).toHaveProperty('weightDecay', c.stateDict.param_groups[0].weight_decay);
    const st = opt.state.get(w)!;
    if ('step' in st) expect(typeof st.step).toBe('number');
    c.after.forEach(([wx, bx], k) => {
      w.grad = tensor(ref.grads[3 + k][0], { dtype: 'float64' }).reshape([2, 3]);
      b.grad = tensor(ref.grads[3 + k][1], { dtype: 'float64' });
      opt.step();
      for (const [got, want] of [[w, wx], [b, bx]] as [Tensor, number[]][]) {
        Array.from(got.dataSync()).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-13));
      }
    });
    // and tapegrad's own stateDict() of it is tapegrad's layout, which loads back
    const own = opt.stateDict();
    expect(Object.keys(own)).toEqual(['state', 'paramGroups']);
    expect(() => opt.loadStateDict(own)).not.toThrow();
  });
});

test('LBFGS (strong Wolfe): PyTorch\'s state (func_evals, old_dirs, H_diag, 0-d ro/al, ...) loads and the iterates continue as PyTorch\'s', () => {
  const c = ref.lbfgs;
  const x = tensor(c.start, { dtype: 'float64' }).requiresGrad_(true);
  const opt = new optim.LBFGS([x]);
  opt.loadStateDict({
    state: Object.fromEntries(Object.entries(c.stateDict.state).map(([i, s]) => [i, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, dec(v)]))])),
    param_groups: c.stateDict.param_groups,
  } as unknown as OptimizerStateDict);
  expect(opt.paramGroups[0]).toMatchObject({ lineSearchFn: 'strong_wolfe', historySize: 3, maxIter: 4 });
  expect(typeof opt.state.get(x)!.hDiag).toBe('number');
  const closure = () => {
    opt.zeroGrad();
    const a = x.select(0, 0), b = x.select(0, 1);
    const l = a.neg().add(1).square().add(b.sub(a.square()).square().mul(100));
    l.backward();
    return l;
  };
  for (const want of c.after) {
    opt.step(closure);
    Array.from(x.dataSync()).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-10));
  }
});
