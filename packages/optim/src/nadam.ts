/** NAdam: Adam with Nesterov momentum (Dozat 2016). */
import { Optimizer, BaseOptions, ForeachOption, ParamGroup, Params } from './optimizer';
import { commitParam, gradData, gradTensor, paramData, stateData, stateOf, stateTensor } from './param-access';
import { nadamTensors } from './device-steps'; // webgpu (issue 17)
import { nadamKernel } from './kernels';
import { checkAdamOptions } from './adam';
import { asDefaultDtype, checkNonNegative, optimizerOptions } from './util';
import { PositionalArgs, pos } from '@tapegrad/core/internal';

/** NAdam's options (PyTorch names in camelCase; PyTorch 1.13's NAdam has no `maximize`). */
export interface NAdamOptions extends BaseOptions, ForeachOption {
  /** Learning rate (default 2e-3). */
  lr: number;
  /** Decay rates [β1, β2] of the moment estimates (default [0.9, 0.999]), each in [0, 1). */
  betas: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** ψ of the momentum schedule μ_t = β1·(1 − 0.5·0.96^(t·ψ)) (default 4e-3). */
  momentumDecay: number;
}

const KEYS = ['lr', 'betas', 'eps', 'weightDecay', 'momentumDecay'] as const;

/** PyTorch 1.13's positional parameters after `params`, in its order. */
const POSITIONAL = [pos.number('lr'), pos.numbers('betas'), pos.number('eps'), pos.number('weightDecay'), pos.number('momentumDecay')];

/**
 * NAdam, as PyTorch 1.13's `torch.optim.NAdam`. Each step t, with μ_t = β1·(1 − 0.5·0.96^(t·ψ)) and
 * Π_t = μ_1⋯μ_t (kept in the state as `muProduct`):
 *
 * ```
 * g ← g + λθ if weightDecay λ ≠ 0
 * m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
 * denom ← sqrt(v / (1 − β2^t)) + eps
 * θ ← θ − lr·(1 − μ_t)/(1 − Π_t) · g/denom − lr·μ_{t+1}/(1 − Π_t·μ_{t+1}) · m/denom
 * ```
 *
 * @example
 * const opt = new NAdam(model.parameters(), { lr: 2e-3, momentumDecay: 4e-3 });
 */
export class NAdam extends Optimizer<NAdamOptions> {
  /** PyTorch's `NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3)`: its positional values in order (a number alone is `lr`), then an options object of the rest. */
  constructor(params: Params<NAdamOptions>, ...args: PositionalArgs<[], [lr: number, betas: [number, number], eps: number, weightDecay: number, momentumDecay: number], Partial<NAdamOptions>>) {
    const options = optimizerOptions<NAdamOptions>('NAdam', args, POSITIONAL, KEYS);
    const betas = options.betas ?? [0.9, 0.999];
    super(params, {
      lr: options.lr ?? 2e-3,
      betas: (Array.isArray(betas) ? betas.slice() : betas) as [number, number],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      momentumDecay: options.momentumDecay ?? 4e-3,
    }, 'NAdam');
  }

  protected checkOptions(o: Partial<NAdamOptions>, where: string): void {
    checkAdamOptions(o, where);
    checkNonNegative(o.momentumDecay, 'momentum_decay value', where);
  }

  protected updateGroup(group: ParamGroup<NAdamOptions>, gi: number): void {
    const { lr, eps, weightDecay: wd, momentumDecay: psi } = group;
    const [beta1, beta2] = group.betas;
    group.params.forEach((p, pi) => {
      if (p.device === 'webgpu') { // webgpu (issue 17): the update in device tensor ops
        const gt = gradTensor(p, 'NAdam.step', gi, pi);
        if (gt === null) return;
        const st = stateOf(this.state, p);
        if (st.step === undefined) {
          st.step = 0;
          st.muProduct = 1;
        }
        const t = (st.step as number) + 1;
        st.step = t;
        const mu = beta1 * (1 - 0.5 * 0.96 ** (t * psi));
        const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi));
        const r = asDefaultDtype; // as the cpu branch below: mu_product rounded as PyTorch's 0-d tensor
        const muProduct = r((st.muProduct as number) * r(mu));
        st.muProduct = muProduct;
        const muProductNext = r(r(muProduct * r(mu)) * r(muNext));
        nadamTensors(p, gt, stateTensor(st, 'expAvg', p), stateTensor(st, 'expAvgSq', p), beta1, beta2, eps, 1 - beta2 ** t, (-lr * (1 - mu)) / (1 - muProduct), (-lr * muNext) / (1 - muProductNext), wd);
        return;
      }
      const g = gradData(p, 'NAdam.step', gi, pi);
      if (g === null) return;
      const state = stateOf(this.state, p);
      if (state.step === undefined) {
        state.step = 0;
        state.muProduct = 1;
      }
      const m = stateData(stateTensor(state, 'expAvg', p));
      const v = stateData(stateTensor(state, 'expAvgSq', p));
      const step = (state.step as number) + 1;
      state.step = step;
      const mu = beta1 * (1 - 0.5 * 0.96 ** (step * psi));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * psi));
      // PyTorch keeps mu_product as a 0-d tensor of the default dtype (float32 unless changed): each
      // product is rounded to it, the scalars entering it too.
      const r = asDefaultDtype;
      const muProduct = r((state.muProduct as number) * r(mu));
      state.muProduct = muProduct;
      const muProductNext = r(r(muProduct * r(mu)) * r(muNext)); // PyTorch 1.13's expression (it multiplies by mu twice)
      const x = paramData(p);
      nadamKernel(x, g, m, v, beta1, beta2, eps, 1 - beta2 ** step, (-lr * (1 - mu)) / (1 - muProduct), (-lr * muNext) / (1 - muProductNext), wd);
      commitParam(p, x);
    });
  }
}
