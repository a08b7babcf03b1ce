/** L-BFGS: limited-memory quasi-Newton steps over all parameters as one flat vector, with an optional strong-Wolfe line search. */
import { Tensor, noGrad, enableGrad, tensor } from '@tapegrad/core';
import { Optimizer, BaseOptions, ParamGroup, Params, ParamStateValue } from './optimizer';
import { commitParam, paramData } from './param-access';
import { checkNonNegative, describe, pyNum } from './util';
import { strongWolfe } from './line-search';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';

/** LBFGS's options (PyTorch names in camelCase). */
export interface LBFGSOptions extends BaseOptions {
  /** Step length (default 1); with `lineSearchFn` the line search's first trial step. */
  lr: number;
  /** Most iterations per `step` call (default 20). */
  maxIter: number;
  /** Most closure evaluations per `step` call (default ⌊maxIter·5/4⌋). */
  maxEval: number;
  /** Stop when max |g| ≤ this (default 1e-7). */
  toleranceGrad: number;
  /** Stop when the loss or the step changes by less than this (default 1e-9). */
  toleranceChange: number;
  /** How many (s, y) pairs to keep (default 100). */
  historySize: number;
  /** `'strong_wolfe'` (PyTorch's spelling) for a line search satisfying the strong Wolfe conditions, or null (default): fixed step `lr`. */
  lineSearchFn: 'strong_wolfe' | null;
}

const KEYS = ['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn'] as const;

/** What the closure may return: the loss as a tensor (one element) or a number. */
export type LBFGSClosure = () => Tensor | number;

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const absMax = (a: Float64Array): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (!(v <= m)) m = v; // NaN wins, as torch's max does
  }
  return m;
};
const lossValue = (l: unknown): number => {
  if (l instanceof Tensor) {
    if (l.numel() !== 1) throw new RangeError(`LBFGS.step: the closure must return the loss as one number, got a Tensor of shape [${l.shape.join(', ')}]`);
    return l.item();
  }
  if (typeof l === 'number') return l;
  throw new TypeError(`LBFGS.step: the closure must return the loss (a Tensor or a number), got ${describe(l)}`);
};

/** PyTorch 1.13's positional parameters after `params`, in its order. */
const POSITIONAL = [pos.number('lr'), pos.number('maxIter'), pos.nullableNumber('maxEval'), pos.number('toleranceGrad'), pos.number('toleranceChange'), pos.number('historySize'), pos.nullableString('lineSearchFn')];

/**
 * L-BFGS, as PyTorch 1.13's `torch.optim.LBFGS` (adapted from minFunc): the same iteration, history
 * update (pairs with yᵀs ≤ 1e-10 are skipped), two-loop recursion, first step min(1, 1/‖g‖₁)·lr,
 * stopping tests and strong-Wolfe line search (cubic interpolation, c1 = 1e-4, c2 = 0.9, 25 evaluations
 * at most). One parameter group only. `step(closure)` needs a closure that zeroes the grads, computes
 * the loss, calls backward and returns the loss; it runs up to `maxIter` iterations and returns the
 * loss of the first evaluation.
 *
 * The state (under the first parameter) uses PyTorch's keys in camelCase: `funcEvals`, `nIter`, `d`,
 * `t`, `oldDirs`, `oldStps`, `ro`, `hDiag`, `prevFlatGrad`, `prevLoss`, `al` (flat vectors as 1-D tensors).
 *
 * @example
 * const opt = new LBFGS([x], { lineSearchFn: 'strong_wolfe' });
 * for (let i = 0; i < 10; i++) opt.step(() => { opt.zeroGrad(); const l = f(x); l.backward(); return l; });
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  /** PyTorch's `LBFGS(params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9, history_size=100, line_search_fn=None)`: its positional values in order (a number alone is `lr`), then an options object of the rest. */
  constructor(params: Params<LBFGSOptions>, ...args: PositionalArgs<[], [lr: number, maxIter: number, maxEval: number | null, toleranceGrad: number, toleranceChange: number, historySize: number, lineSearchFn: LBFGSOptions['lineSearchFn']], Partial<LBFGSOptions>>) {
    const options = positionalOptions<LBFGSOptions>('LBFGS', args, POSITIONAL, KEYS);
    const maxIter = options.maxIter ?? 20;
    super(params, {
      lr: options.lr ?? 1,
      maxIter,
      maxEval: options.maxEval ?? Math.floor((maxIter * 5) / 4),
      toleranceGrad: options.toleranceGrad ?? 1e-7,
      toleranceChange: options.toleranceChange ?? 1e-9,
      historySize: options.historySize ?? 100,
      lineSearchFn: options.lineSearchFn ?? null,
    }, 'LBFGS');
  }

  override addParamGroup(group: Parameters<Optimizer<LBFGSOptions>['addParamGroup']>[0]): void {
    if (this.paramGroups.length > 0) throw new Error("LBFGS doesn't support per-parameter options (parameter groups): give all parameters in one list");
    super.addParamGroup(group);
  }

  protected checkOptions(o: Partial<LBFGSOptions>, where: string): void {
    checkNonNegative(o.lr, 'learning rate', where);
    for (const k of ['maxIter', 'maxEval', 'historySize'] as const) {
      const v = o[k];
      if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new RangeError(`${where}: ${k} must be a positive integer, got ${pyNum(v)}`);
    }
    checkNonNegative(o.toleranceGrad, 'tolerance_grad value', where);
    checkNonNegative(o.toleranceChange, 'tolerance_change value', where);
    const ls = o.lineSearchFn as unknown;
    if (ls !== undefined && ls !== null && ls !== 'strong_wolfe') {
      throw new RangeError(`${where}: only 'strong_wolfe' is supported as lineSearchFn (or null for a fixed step), got ${describe(ls)}`);
    }
  }

  protected updateGroup(): void {
    throw new Error('LBFGS.step needs a closure that re-evaluates the model and returns the loss: opt.step(() => { opt.zeroGrad(); const l = loss(); l.backward(); return l; })');
  }

  private params(): Tensor[] {
    return (this.paramGroups[0] as ParamGroup<LBFGSOptions>).params;
  }

  private gatherFlatGrad(n: number): Float64Array {
    const out = new Float64Array(n);
    let off = 0;
    for (const p of this.params()) {
      const g = p._peekGrad(); // read without exposing it, so the engine may still recycle the buffer
      const k = p.numel();
      if (g !== null && g !== undefined) {
        if (g.numel() !== k) throw new RangeError(`LBFGS.step: a parameter of shape [${p.shape.join(', ')}] has a grad of shape [${g.shape.join(', ')}]`);
        out.set(g._contigData(), off);
      }
      off += k;
    }
    return out;
  }

  /** θ ← θ + step·update (PyTorch's `_add_grad`). */
  private addGrad(step: number, update: Float64Array): void {
    let off = 0;
    for (const p of this.params()) {
      const x = paramData(p);
      for (let i = 0; i < x.length; i++) x[i] = x[i] + step * update[off + i];
      commitParam(p, x);
      off += x.length;
    }
  }

  private cloneParams(): Float64Array[] {
    return this.params().map((p) => Float64Array.from(p._contigData()));
  }

  private setParams(values: Float64Array[]): void {
    this.params().forEach((p, j) => {
      const x = paramData(p);
      x.set(values[j]);
      commitParam(p, x);
    });
  }

  /**
   * Runs up to `maxIter` L-BFGS iterations, re-evaluating `closure` as needed; returns the loss of its
   * first evaluation (before any update), as PyTorch does.
   */
  override step<L = unknown>(closure?: () => L): L | undefined {
    if (typeof closure !== 'function') this.updateGroup();
    // webgpu (issue 17): the line search reads the loss and the flat gradient on the host
    if (this.params().some((p) => p.device !== 'cpu')) throw new Error("LBFGS.step: not implemented for webgpu parameters yet (its line search reads values on the host); use another optimizer or train on the cpu");
    const run = closure as () => L;
    return noGrad(() => this.run(run));
  }

  private run<L>(closure: () => L): L {
    const group = this.paramGroups[0];
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    const params = this.params();
    const n = params.reduce((s, p) => s + p.numel(), 0);
    const dtype = params[0].dtype;
    const evaluate = (): number => lossValue(enableGrad(closure));
    const st = this.state.get(params[0]) ?? {};
    this.state.set(params[0], st);
    if (st.funcEvals === undefined) st.funcEvals = 0;
    if (st.nIter === undefined) st.nIter = 0;

    const origLoss = enableGrad(closure);
    let loss = lossValue(origLoss);
    let currentEvals = 1;
    st.funcEvals = (st.funcEvals as number) + 1;
    let flatGrad = this.gatherFlatGrad(n);
    let optCond = absMax(flatGrad) <= toleranceGrad;
    if (optCond) return origLoss;

    const vec = (v: ParamStateValue | undefined): Float64Array | null => (v instanceof Tensor ? Float64Array.from(v._contigData()) : null);
    const vecs = (v: ParamStateValue | undefined): Float64Array[] => (Array.isArray(v) ? v.map((t) => vec(t) as Float64Array) : []);
    let d = vec(st.d);
    let t = (st.t as number | undefined) ?? 0;
    let oldDirs = vecs(st.oldDirs);
    let oldStps = vecs(st.oldStps);
    let ro = Array.isArray(st.ro) ? (st.ro as number[]).slice() : [];
    let hDiag = (st.hDiag as number | undefined) ?? 1;
    let prevFlatGrad = vec(st.prevFlatGrad);
    let prevLoss = (st.prevLoss as number | undefined) ?? null;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      st.nIter = (st.nIter as number) + 1;
      if (st.nIter === 1) {
        d = flatGrad.map((v) => -v);
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const dPrev = d as Float64Array, gPrev = prevFlatGrad as Float64Array;
        const y = flatGrad.map((v, i) => v - gPrev[i]);
        const s = dPrev.map((v) => v * t);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(1 / ys);
          hDiag = ys / dot(y, y);
        }
        const numOld = oldDirs.length;
        if (!Array.isArray(st.al)) st.al = new Array<null>(historySize).fill(null);
        const al = st.al as (number | null)[];
        const q = flatGrad.map((v) => -v);
        for (let i = numOld - 1; i >= 0; i--) {
          const a = dot(oldStps[i], q) * ro[i];
          al[i] = a;
          const od = oldDirs[i];
          for (let k = 0; k < n; k++) q[k] = q[k] + -a * od[k];
        }
        const r = q.map((v) => v * hDiag);
        for (let i = 0; i < numOld; i++) {
          const be = dot(oldDirs[i], r) * ro[i];
          const c = (al[i] as number) - be, os = oldStps[i];
          for (let k = 0; k < n; k++) r[k] = r[k] + c * os[k];
        }
        d = r;
      }
      prevFlatGrad = Float64Array.from(flatGrad);
      prevLoss = loss;
      if (st.nIter === 1) {
        let s1 = 0;
        for (let k = 0; k < n; k++) s1 += Math.abs(flatGrad[k]);
        t = Math.min(1, 1 / s1) * lr;
      } else {
        t = lr;
      }
      const dir = d as Float64Array;
      const gtd = dot(flatGrad, dir);
      if (gtd > -toleranceChange) break;

      let lsFuncEvals = 0;
      if (lineSearchFn !== null) {
        const xInit = this.cloneParams();
        const obj = (step: number): [number, Float64Array] => {
          this.addGrad(step, dir);
          const f = evaluate();
          const g = this.gatherFlatGrad(n);
          this.setParams(xInit);
          return [f, g];
        };
        const r = strongWolfe(obj, t, dir, loss, flatGrad, gtd, toleranceChange);
        loss = r.f; flatGrad = r.g; t = r.t; lsFuncEvals = r.evals;
        this.addGrad(t, dir);
        optCond = absMax(flatGrad) <= toleranceGrad;
      } else {
        this.addGrad(t, dir);
        if (nIter !== maxIter) {
          loss = evaluate();
          flatGrad = this.gatherFlatGrad(n);
          optCond = absMax(flatGrad) <= toleranceGrad;
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      st.funcEvals = (st.funcEvals as number) + lsFuncEvals;

      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      let stepMax = 0;
      for (let k = 0; k < n; k++) {
        const v = Math.abs(dir[k] * t);
        if (!(v <= stepMax)) stepMax = v;
      }
      if (stepMax <= toleranceChange) break;
      if (Math.abs(loss - (prevLoss as number)) < toleranceChange) break;
    }

    const toTensor = (a: Float64Array): Tensor => tensor(a, { dtype });
    st.d = d === null ? null : toTensor(d);
    st.t = t;
    st.oldDirs = oldDirs.map(toTensor);
    st.oldStps = oldStps.map(toTensor);
    st.ro = ro;
    st.hDiag = hDiag;
    st.prevFlatGrad = prevFlatGrad === null ? null : toTensor(prevFlatGrad);
    st.prevLoss = prevLoss;
    return origLoss;
  }

  /** Loads LBFGS's state as saved: flat 1-D vectors and lists (none of them shaped like a parameter). */
  protected override castState(p: Tensor, key: string, v: unknown, where: string): ParamStateValue {
    if (Array.isArray(v)) return v.map((x, i) => this.castState(p, key, x, `${where}[${i}]`));
    // PyTorch keeps the scalars (ro, al, H_diag) as 0-d tensors; tapegrad keeps numbers
    if (v instanceof Tensor && v.ndim === 0) return v.item();
    if (v instanceof Tensor) return noGrad(() => v.detach().to(p.dtype).reshape([-1]).clone());
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') return v;
    throw new TypeError(`${where} must be a Tensor, a number, null or a list of them, got ${describe(v)}`);
  }
}
