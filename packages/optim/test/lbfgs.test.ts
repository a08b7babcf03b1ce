/**
 * LBFGS against PyTorch 1.13's iterates on the Rosenbrock function (fixtures/torch-issue14.json, written
 * by fixtures/torch-issue14.py): with a fixed step and with the strong-Wolfe line search, one and two
 * parameters, a short history; after every step() call the parameters, the returned loss and the
 * evaluation / iteration counters must match.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, tensor, cat } from '@tapegrad/core';
import { LBFGS, LBFGSOptions } from '@tapegrad/optim';
import { throughCheckpoint } from './helpers/checkpoint';

interface LbfgsCase {
  name: string; shapes: number[][]; x0: number[]; fn: 'rosen2' | 'rosenChain'; options: Partial<LBFGSOptions>;
  steps: { loss: number; x: number[]; funcEvals: number; nIter: number }[];
}
const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'torch-issue14.json'), 'utf8')) as { lbfgs: LbfgsCase[] };

const at = (z: Tensor, i: number): Tensor => z.narrow(0, i, 1).sum();
function rosenTerm(z: Tensor, i: number): Tensor {
  const a = at(z, i), b = at(z, i + 1);
  const u = a.neg().add(1);
  const v = b.sub(a.mul(a));
  return u.mul(u).add(v.mul(v).mul(100));
}
const objectives = {
  rosen2: (ps: Tensor[]) => rosenTerm(ps[0], 0),
  rosenChain: (ps: Tensor[]) => {
    const z = cat(ps.map((p) => p.reshape([-1])), 0);
    return rosenTerm(z, 0).add(rosenTerm(z, 1)).add(rosenTerm(z, 2));
  },
};

function setUp(c: LbfgsCase, dtype: 'float64' | 'float32' = 'float64') {
  let off = 0;
  const params = c.shapes.map((s) => {
    const n = s.reduce((a, b) => a * b, 1);
    const p = tensor(c.x0.slice(off, off + n), { dtype, requiresGrad: true }).reshape(s).detach().requiresGrad_(true);
    off += n;
    return p;
  });
  const opt = new LBFGS(params, c.options);
  const f = objectives[c.fn];
  const closure = () => {
    opt.zeroGrad();
    const l = f(params);
    l.backward();
    return l;
  };
  const flat = () => params.flatMap((p) => Array.from(p.dataSync()));
  return { params, opt, closure, flat };
}

describe('LBFGS follows PyTorch 1.13 on the Rosenbrock function', () => {
  for (const c of ref.lbfgs) {
    it(c.name, () => {
      const { opt, closure, flat } = setUp(c);
      for (const [k, s] of c.steps.entries()) {
        const loss = opt.step(closure) as Tensor;
        const x = flat();
        x.forEach((v, i) => {
          if (!(Math.abs(v - s.x[i]) <= 1e-6)) throw new Error(`step ${k + 1}, x[${i}] = ${v}, PyTorch ${s.x[i]}`);
        });
        expect(Math.abs(loss.item() - s.loss)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(s.loss)));
        const st = opt.state.get(opt.paramGroups[0].params[0])!;
        expect([k, st.funcEvals, st.nIter]).toEqual([k, s.funcEvals, s.nIter]);
      }
    });
  }

  it('float32 parameters run the same iteration (within float32 rounding of the float64 path)', () => {
    const c = ref.lbfgs.find((x) => x.name === 'rosen2 strong_wolfe')!;
    const { opt, closure, flat } = setUp(c, 'float32');
    for (let k = 0; k < c.steps.length; k++) opt.step(closure);
    flat().forEach((v, i) => expect(Math.abs(v - c.steps[c.steps.length - 1].x[i])).toBeLessThan(1e-3));
  });

  it('a state dict round trip (through a checkpoint) resumes the same iterates', () => {
    const c = ref.lbfgs.find((x) => x.name === 'rosen2 strong_wolfe history 3, maxIter 5')!;
    const a = setUp(c);
    for (let k = 0; k < 3; k++) a.opt.step(a.closure);
    const sd = throughCheckpoint(a.opt.stateDict());
    expect(Object.keys(sd.state[0])).toEqual(['funcEvals', 'nIter', 'al', 'd', 't', 'oldDirs', 'oldStps', 'ro', 'hDiag', 'prevFlatGrad', 'prevLoss']);
    expect((sd.state[0].oldDirs as Tensor[]).length).toBe(3);
    expect(sd.paramGroups[0]).toEqual({ lr: 1, maxIter: 5, maxEval: 6, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 3, lineSearchFn: 'strong_wolfe', params: [0] });
    const b = setUp(c);
    b.params[0].detach().copy_(a.params[0].detach());
    b.opt.loadStateDict(sd);
    for (let k = 3; k < c.steps.length; k++) {
      b.opt.step(b.closure);
      b.flat().forEach((v, i) => expect(Math.abs(v - c.steps[k].x[i])).toBeLessThanOrEqual(1e-6));
    }
  });

  it('stops at once when the gradient is already below toleranceGrad (one evaluation, no update)', () => {
    const p = tensor([1, 1], { dtype: 'float64', requiresGrad: true });
    const opt = new LBFGS([p]);
    let evals = 0;
    const loss = opt.step(() => { evals++; opt.zeroGrad(); const l = rosenTerm(p, 0); l.backward(); return l; }) as Tensor;
    expect([evals, loss.item(), Array.from(p.dataSync())]).toEqual([1, 0, [1, 1]]);
  });
});

describe('LBFGS errors', () => {
  const p = () => tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  it('needs a closure', () => {
    expect(() => new LBFGS([p()]).step()).toThrow('LBFGS.step needs a closure');
  });
  it('only strong_wolfe (PyTorch\'s spelling) or null as lineSearchFn', () => {
    expect(() => new LBFGS([p()], { lineSearchFn: 'strongWolfe' as 'strong_wolfe' })).toThrow("LBFGS: only 'strong_wolfe' is supported as lineSearchFn (or null for a fixed step), got the string 'strongWolfe'");
    expect(new LBFGS([p()], { lineSearchFn: 'strong_wolfe' }).paramGroups[0].lineSearchFn).toBe('strong_wolfe');
  });
  it('one parameter group only', () => {
    expect(() => new LBFGS([{ params: [p()] }, { params: [p()] }])).toThrow("LBFGS doesn't support per-parameter options (parameter groups)");
  });
  it('negative lr, non-integer maxIter, unknown options', () => {
    expect(() => new LBFGS([p()], { lr: -1 })).toThrow('LBFGS: Invalid learning rate: -1');
    expect(() => new LBFGS([p()], { maxIter: 2.5 })).toThrow('LBFGS: maxIter must be a positive integer, got 2.5');
    expect(() => new LBFGS([p()], { max_iter: 3 } as unknown as LBFGSOptions)).toThrow("LBFGS: unknown option 'max_iter'");
  });
  it('maxEval defaults to floor(maxIter * 5 / 4)', () => {
    expect(new LBFGS([p()], { maxIter: 7 }).paramGroups[0].maxEval).toBe(8);
  });
  it('the closure must return the loss', () => {
    const x = p();
    const opt = new LBFGS([x]);
    expect(() => opt.step(() => 'loss')).toThrow("LBFGS.step: the closure must return the loss (a Tensor or a number), got the string 'loss'");
  });
});
