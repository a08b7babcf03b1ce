/** RAdam: Adam with a rectified adaptive learning rate (Liu et al. 2019). */
import { Optimizer, BaseOptions, ForeachOption, ParamGroup, Params } from './optimizer';
import { commitParam, gradData, gradTensor, paramData, stateData, stateOf, stateTensor } from './param-access';
import { radamTensors } from './device-steps'; // webgpu (issue 17)
import { radamKernel } from './kernels';
import { checkAdamOptions } from './adam';
import { optimizerOptions } from './util';
import { PositionalArgs, pos } from '@tapegrad/core/internal';

/** RAdam's options (PyTorch names in camelCase; PyTorch 1.13's RAdam has no `maximize`). */
export interface RAdamOptions extends BaseOptions, ForeachOption {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates [β1, β2] of the moment estimates (default [0.9, 0.999]), each in [0, 1). */
  betas: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
}

const KEYS = ['lr', 'betas', 'eps', 'weightDecay'] as const;

/** PyTorch 1.13's positional parameters after `params`, in its order. */
const POSITIONAL = [pos.number('lr'), pos.numbers('betas'), pos.number('eps'), pos.number('weightDecay')];

/**
 * RAdam, as PyTorch 1.13's `torch.optim.RAdam`. Each step t, with ρ∞ = 2/(1 − β2) − 1 and
 * ρ_t = ρ∞ − 2t·β2^t/(1 − β2^t):
 *
 * ```
 * g ← g + λθ if weightDecay λ ≠ 0
 * m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   m̂ ← m / (1 − β1^t)
 * ρ_t > 5:  r ← sqrt((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t)),
 *           θ ← θ − lr · m̂ · r · sqrt(1 − β2^t) / (sqrt(v) + eps)
 * else:     θ ← θ − lr · m̂          (the variance estimate is not yet trusted: momentum SGD)
 * ```
 *
 * @example
 * const opt = new RAdam(model.parameters(), { lr: 1e-3 });
 */
export class RAdam extends Optimizer<RAdamOptions> {
  /** PyTorch's `RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)`: its positional values in order (a number alone is `lr`), then an options object of the rest. */
  constructor(params: Params<RAdamOptions>, ...args: PositionalArgs<[], [lr: number, betas: [number, number], eps: number, weightDecay: number], Partial<RAdamOptions>>) {
    const options = optimizerOptions<RAdamOptions>('RAdam', args, POSITIONAL, KEYS);
    const betas = options.betas ?? [0.9, 0.999];
    super(params, {
      lr: options.lr ?? 1e-3,
      betas: (Array.isArray(betas) ? betas.slice() : betas) as [number, number],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
    }, 'RAdam');
  }

  protected checkOptions(o: Partial<RAdamOptions>, where: string): void {
    checkAdamOptions(o, where);
  }

  protected updateGroup(group: ParamGroup<RAdamOptions>, gi: number): void {
    const { lr, eps, weightDecay: wd } = group;
    const [beta1, beta2] = group.betas;
    group.params.forEach((p, pi) => {
      if (p.device === 'webgpu') { // webgpu (issue 17): the update in device tensor ops
        const gt = gradTensor(p, 'RAdam.step', gi, pi);
        if (gt === null) return;
        const st = stateOf(this.state, p);
        const t = ((st.step as number | undefined) ?? 0) + 1;
        st.step = t;
        const bc2 = 1 - beta2 ** t, rhoInf = 2 / (1 - beta2) - 1;
        const rhoT = rhoInf - (2 * t * beta2 ** t) / bc2;
        const rect = rhoT > 5 ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : null;
        radamTensors(p, gt, stateTensor(st, 'expAvg', p), stateTensor(st, 'expAvgSq', p), beta1, beta2, eps, 1 - beta1 ** t, Math.sqrt(bc2), lr, rect, wd);
        return;
      }
      const g = gradData(p, 'RAdam.step', gi, pi);
      if (g === null) return;
      const state = stateOf(this.state, p);
      if (state.step === undefined) state.step = 0;
      const m = stateData(stateTensor(state, 'expAvg', p));
      const v = stateData(stateTensor(state, 'expAvgSq', p));
      const step = (state.step as number) + 1;
      state.step = step;
      const bc1 = 1 - beta1 ** step, bc2 = 1 - beta2 ** step;
      const rhoInf = 2 / (1 - beta2) - 1;
      const rhoT = rhoInf - (2 * step * beta2 ** step) / bc2;
      const rect = rhoT > 5 ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : null;
      const x = paramData(p);
      radamKernel(x, g, m, v, beta1, beta2, eps, bc1, Math.sqrt(bc2), lr, rect, wd);
      commitParam(p, x);
    });
  }
}
