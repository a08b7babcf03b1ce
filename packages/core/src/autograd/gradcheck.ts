/**
 * gradcheck / gradgradcheck: compare autodiff with central finite differences in float64, the way
 * PyTorch's do (defaults eps 1e-6, atol 1e-5, rtol 1e-3). This is how users verify a hand-derived
 * gradient: write the forward, let autodiff and finite differences agree.
 */
import { Tensor } from '../tensor';
import { noGrad, enableGrad } from './grad-mode';
import { grad } from './functional';
import { cat } from '../ops/view';
import { randn } from '../creation';
import { fmt } from '../shape';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Return the report instead of throwing when a check fails. */
  raiseException?: boolean;
}

export interface InputReport {
  input: number;
  shape: number[];
  maxAbsError: number;
  maxRelError: number;
  /** Flat index (into input × output) of the worst entry, with the two values there. */
  worst: { inputIndex: number; outputIndex: number; analytical: number; numerical: number } | null;
  ok: boolean;
}
export interface GradcheckReport {
  ok: boolean;
  inputs: InputReport[];
}

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

function flatOut(r: Tensor | Tensor[]): Tensor {
  const list = Array.isArray(r) ? r : [r];
  return list.length === 1 ? list[0].reshape([-1]) : cat(list.map((t) => t.reshape([-1])), 0);
}

/**
 * Checks the Jacobian of `fn` at `inputs` (float64 tensors; those with requiresGrad are checked)
 * against central differences. Throws with the report on failure unless `raiseException: false`.
 * @example
 * gradcheck((x) => x.tanh().mul(x), [randn([3], { dtype: 'float64', requiresGrad: true })]);
 */
export function gradcheck(fn: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckReport {
  const eps = opts.eps ?? 1e-6, atol = opts.atol ?? 1e-5, rtol = opts.rtol ?? 1e-3;
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TypeError(`gradcheck: input ${i} is not a Tensor`);
    if (x.requiresGrad && x.dtype !== 'float64') {
      throw new TypeError(`gradcheck: input ${i} has dtype ${x.dtype}; finite differences need float64 inputs (use .double())`);
    }
  });
  // Fresh contiguous leaves, so perturbing their storage is safe and exact.
  const xs = inputs.map((x) => {
    const c = x.detach().clone();
    if (x.requiresGrad) c.requiresGrad = true;
    return c;
  });
  const out = flatOut(fn(...xs));
  const nOut = out.numel();
  const checked = xs.map((x, i) => ({ x, i })).filter(({ x }) => x.requiresGrad);
  if (checked.length === 0) throw new Error('gradcheck: no input requires grad; nothing to check');

  // Analytical Jacobian, one output element at a time: row j = ∂out_j/∂x.
  const analytical = checked.map(({ x }) => new Float64Array(x.numel() * nOut));
  if (out.requiresGrad) {
    for (let j = 0; j < nOut; j++) {
      const e = new Float64Array(nOut);
      e[j] = 1;
      const gs = grad(out, checked.map((c) => c.x), { gradOutputs: Tensor._fromData(e, [nOut], 'float64'), retainGraph: true, allowUnused: true });
      gs.forEach((g, k) => {
        if (!g) return;
        const d = g.to('float64')._contigData();
        for (let p = 0; p < d.length; p++) analytical[k][p * nOut + j] = d[p];
      });
    }
  }

  // Numerical Jacobian by central differences on each input element.
  const reports: InputReport[] = checked.map(({ x, i }, k) => {
    const data = x._storage.data;
    let maxAbs = 0, maxRel = 0, ok = true;
    let worst: InputReport['worst'] = null, worstScore = -1;
    for (let p = 0; p < x.numel(); p++) {
      const orig = data[p];
      data[p] = orig + eps;
      const plus = noGrad(() => flatOut(fn(...xs)).to('float64')._contigData().slice());
      data[p] = orig - eps;
      const minus = noGrad(() => flatOut(fn(...xs)).to('float64')._contigData().slice());
      data[p] = orig;
      for (let j = 0; j < nOut; j++) {
        const num = (plus[j] - minus[j]) / (2 * eps);
        const ana = analytical[k][p * nOut + j];
        const abs = Math.abs(ana - num);
        const rel = abs / Math.max(Math.abs(num), 1e-300);
        if (!(abs <= atol + rtol * Math.abs(num))) ok = false;
        if (abs > maxAbs || Number.isNaN(abs)) maxAbs = Number.isNaN(abs) ? NaN : abs;
        if (rel > maxRel && Math.abs(num) > 0) maxRel = rel;
        const score = Number.isNaN(abs) ? Infinity : abs - (atol + rtol * Math.abs(num));
        if (score > worstScore || worst === null) { worstScore = score; worst = { inputIndex: p, outputIndex: j, analytical: ana, numerical: num }; }
      }
    }
    return { input: i, shape: x.shape, maxAbsError: maxAbs, maxRelError: maxRel, worst, ok };
  });
  const report = { ok: reports.every((r) => r.ok), inputs: reports };
  if (!report.ok && opts.raiseException !== false) {
    const lines = reports.filter((r) => !r.ok).map((r) =>
      `  input ${r.input} ${fmt(r.shape)}: max abs error ${r.maxAbsError.toExponential(3)}, max rel error ${r.maxRelError.toExponential(3)}; ` +
      `worst at input element ${r.worst?.inputIndex}, output element ${r.worst?.outputIndex}: analytical ${r.worst?.analytical}, numerical ${r.worst?.numerical}`);
    const err = new Error(`gradcheck: Jacobian mismatch (eps ${eps}, atol ${atol}, rtol ${rtol})\n${lines.join('\n')}`) as Error & { report?: GradcheckReport };
    err.report = report;
    throw err;
  }
  return report;
}

/**
 * Checks second derivatives: the VJP of `fn` (with createGraph) is itself gradchecked with respect
 * to the inputs and the upstream vector.
 */
export function gradgradcheck(fn: Fn, inputs: Tensor[], opts: GradcheckOptions & { gradOutputs?: Tensor[] } = {}): GradcheckReport {
  const probe = noGrad(() => fn(...inputs.map((x) => x.detach())));
  const outs = Array.isArray(probe) ? probe : [probe];
  const vs = opts.gradOutputs ?? outs.map((o) => randn(o.shape, { dtype: 'float64' }));
  const nIn = inputs.length;
  const reqIdx = inputs.map((x, i) => (x.requiresGrad ? i : -1)).filter((i) => i >= 0);
  // The VJP needs recording on even while gradcheck evaluates it under noGrad for finite differences.
  const vjp = (...args: Tensor[]): Tensor[] => enableGrad(() => {
    const xs = args.slice(0, nIn);
    const v = args.slice(nIn);
    const r = fn(...xs);
    const list = Array.isArray(r) ? r : [r];
    const gs = grad(list, reqIdx.map((i) => xs[i]), { gradOutputs: v, createGraph: true, allowUnused: true });
    return gs.map((g, k) => g ?? xs[reqIdx[k]].mul(0));
  });
  return gradcheck(vjp, [...inputs, ...vs.map((v) => v.detach().double().requiresGrad_(true))], opts);
}
