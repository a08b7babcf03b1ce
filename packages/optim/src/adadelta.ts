/** Adadelta (Zeiler 2012): per-coordinate steps from running averages of g² and of the squared updates. */
import { Optimizer, BaseOptions, ForeachOption, ParamGroup, Params } from './optimizer';
import { commitParam, gradData, gradTensor, paramData, stateData, stateOf, stateTensor } from './param-access';
import { adadeltaTensors } from './device-steps'; // webgpu (issue 17)
import { adadeltaKernel } from './kernels';
import { checkNonNegative, checkUnitInterval, optimizerOptions } from './util';
import { PositionalArgs, pos } from '@tapegrad/core/internal';

/** Adadelta's options (PyTorch names in camelCase). */
export interface AdadeltaOptions extends BaseOptions, ForeachOption {
  /** Coefficient that scales the update (default 1.0, as in the paper, which has no learning rate). */
  lr: number;
  /** Decay rate ρ of both running averages, in [0, 1] (default 0.9). */
  rho: number;
  /** Added inside both square roots (default 1e-6). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Maximize the objective instead of minimizing (default false). */
  maximize: boolean;
}

const KEYS = ['lr', 'rho', 'eps', 'weightDecay', 'maximize'] as const;

/** PyTorch 1.13's positional parameters after `params`, in its order. */
const POSITIONAL = [pos.number('lr'), pos.number('rho'), pos.number('eps'), pos.number('weightDecay')];

/**
 * Adadelta, as PyTorch 1.13's `torch.optim.Adadelta`. Each step:
 *
 * ```
 * g ← −g if maximize;   g ← g + λθ if weightDecay λ ≠ 0
 * s ← ρ·s + (1 − ρ)·g²
 * Δ ← sqrt(a + eps) / sqrt(s + eps) · g
 * a ← ρ·a + (1 − ρ)·Δ²
 * θ ← θ − lr·Δ
 * ```
 *
 * The paper has no learning rate (lr = 1, the default); eps sits inside both square roots.
 *
 * @example
 * const opt = new Adadelta(model.parameters(), { rho: 0.95 });
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  /** PyTorch's `Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0)`: its positional values in order (a number alone is `lr`), then an options object of the rest. */
  constructor(params: Params<AdadeltaOptions>, ...args: PositionalArgs<[], [lr: number, rho: number, eps: number, weightDecay: number], Partial<AdadeltaOptions>>) {
    const options = optimizerOptions<AdadeltaOptions>('Adadelta', args, POSITIONAL, KEYS);
    super(params, {
      lr: options.lr ?? 1.0,
      rho: options.rho ?? 0.9,
      eps: options.eps ?? 1e-6,
      weightDecay: options.weightDecay ?? 0,
      maximize: options.maximize ?? false,
    }, 'Adadelta');
  }

  protected checkOptions(o: Partial<AdadeltaOptions>, where: string): void {
    checkNonNegative(o.lr, 'learning rate', where);
    checkUnitInterval(o.rho, 'rho value', where);
    checkNonNegative(o.eps, 'epsilon value', where);
    checkNonNegative(o.weightDecay, 'weight_decay value', where);
  }

  protected updateGroup(group: ParamGroup<AdadeltaOptions>, gi: number): void {
    const { lr, rho, eps, weightDecay: wd, maximize } = group;
    group.params.forEach((p, pi) => {
      if (p.device === 'webgpu') { // webgpu (issue 17): the update in device tensor ops
        const gt = gradTensor(p, 'Adadelta.step', gi, pi);
        if (gt === null) return;
        const st = stateOf(this.state, p);
        st.step = ((st.step as number | undefined) ?? 0) + 1;
        adadeltaTensors(p, gt, stateTensor(st, 'squareAvg', p), stateTensor(st, 'accDelta', p), lr, rho, eps, wd, maximize ? -1 : 1);
        return;
      }
      const g = gradData(p, 'Adadelta.step', gi, pi);
      if (g === null) return;
      const state = stateOf(this.state, p);
      if (state.step === undefined) state.step = 0;
      const sq = stateData(stateTensor(state, 'squareAvg', p));
      const acc = stateData(stateTensor(state, 'accDelta', p));
      state.step = (state.step as number) + 1;
      const x = paramData(p);
      adadeltaKernel(x, g, sq, acc, lr, rho, eps, wd, maximize ? -1 : 1);
      commitParam(p, x);
    });
  }
}
