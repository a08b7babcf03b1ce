/** ASGD: SGD with iterate averaging (Polyak & Juditsky 1992). */
import { Optimizer, BaseOptions, ForeachOption, ParamGroup, Params } from './optimizer';
import { commitParam, gradData, gradTensor, paramData, stateData, stateOf, stateTensor } from './param-access';
import { asgdTensors } from './device-steps'; // webgpu (issue 17)
import { asgdKernel } from './kernels';
import { asDefaultDtype, checkNonNegative, optimizerOptions } from './util';
import { PositionalArgs, pos } from '@tapegrad/core/internal';

/** ASGD's options (PyTorch names in camelCase). */
export interface ASGDOptions extends BaseOptions, ForeachOption {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Decay term λ (default 1e-4). */
  lambd: number;
  /** Power α of the step-size decay η_t = lr / (1 + λ·lr·t)^α (default 0.75). */
  alpha: number;
  /** The step after which averaging starts (default 1e6). */
  t0: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Maximize the objective instead of minimizing (default false). */
  maximize: boolean;
}

const KEYS = ['lr', 'lambd', 'alpha', 't0', 'weightDecay', 'maximize'] as const;

/** PyTorch 1.13's positional parameters after `params`, in its order. */
const POSITIONAL = [pos.number('lr'), pos.number('lambd'), pos.number('alpha'), pos.number('t0'), pos.number('weightDecay')];

/**
 * Averaged SGD, as PyTorch 1.13's `torch.optim.ASGD`. The state holds the current step size `eta`, the
 * averaging weight `mu` and the average `ax` of the iterates (the averaged model: copy it into the
 * parameters for evaluation). Each step t (η, μ from the previous step; η_0 = lr, μ_0 = 1):
 *
 * ```
 * g ← −g if maximize;   g ← g + λ_wd·θ if weightDecay ≠ 0
 * θ ← θ·(1 − λ·η) − η·g
 * ax ← θ if μ = 1, else ax + μ·(θ − ax)
 * η ← lr / (1 + λ·lr·t)^α;   μ ← 1 / max(1, t − t0)
 * ```
 *
 * PyTorch keeps η and μ as 0-d tensors of the default dtype; tapegrad rounds them the same way (to
 * float32 unless the default dtype is float64), so float64 runs match PyTorch's to the last bits.
 *
 * @example
 * const opt = new ASGD(model.parameters(), { lr: 0.01, t0: 100 });
 */
export class ASGD extends Optimizer<ASGDOptions> {
  /** PyTorch's `ASGD(params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0)`: its positional values in order (a number alone is `lr`), then an options object of the rest. */
  constructor(params: Params<ASGDOptions>, ...args: PositionalArgs<[], [lr: number, lambd: number, alpha: number, t0: number, weightDecay: number], Partial<ASGDOptions>>) {
    const options = optimizerOptions<ASGDOptions>('ASGD', args, POSITIONAL, KEYS);
    super(params, {
      lr: options.lr ?? 1e-2,
      lambd: options.lambd ?? 1e-4,
      alpha: options.alpha ?? 0.75,
      t0: options.t0 ?? 1e6,
      weightDecay: options.weightDecay ?? 0,
      maximize: options.maximize ?? false,
    }, 'ASGD');
  }

  protected checkOptions(o: Partial<ASGDOptions>, where: string): void {
    checkNonNegative(o.lr, 'learning rate', where);
    checkNonNegative(o.weightDecay, 'weight_decay value', where);
  }

  protected updateGroup(group: ParamGroup<ASGDOptions>, gi: number): void {
    const { lr, lambd, alpha, t0, weightDecay: wd, maximize } = group;
    group.params.forEach((p, pi) => {
      if (p.device === 'webgpu') { // webgpu (issue 17): the update in device tensor ops
        const gt = gradTensor(p, 'ASGD.step', gi, pi);
        if (gt === null) return;
        const st = stateOf(this.state, p);
        if (st.step === undefined) {
          st.step = 0;
          st.eta = asDefaultDtype(lr);
          st.mu = 1;
        }
        const t = (st.step as number) + 1;
        st.step = t;
        asgdTensors(p, gt, stateTensor(st, 'ax', p), st.eta as number, st.mu as number, lambd, wd, maximize ? -1 : 1);
        st.eta = asDefaultDtype(lr / (1 + lambd * lr * t) ** alpha);
        st.mu = asDefaultDtype(1 / Math.max(1, t - t0));
        return;
      }
      const g = gradData(p, 'ASGD.step', gi, pi);
      if (g === null) return;
      const state = stateOf(this.state, p);
      if (state.step === undefined) {
        state.step = 0;
        state.eta = asDefaultDtype(lr);
        state.mu = 1;
      }
      const ax = stateData(stateTensor(state, 'ax', p));
      const step = (state.step as number) + 1;
      state.step = step;
      const x = paramData(p);
      asgdKernel(x, g, ax, state.eta as number, state.mu as number, lambd, wd, maximize ? -1 : 1);
      commitParam(p, x);
      state.eta = asDefaultDtype(lr / (1 + lambd * lr * step) ** alpha);
      state.mu = asDefaultDtype(1 / Math.max(1, step - t0));
    });
  }
}
