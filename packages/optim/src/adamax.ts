/** Adamax: Adam with the infinity norm in place of the second moment. */
import { Optimizer, BaseOptions, ForeachOption, ParamGroup, Params } from './optimizer';
import { commitParam, gradData, gradTensor, paramData, stateData, stateOf, stateTensor } from './param-access';
import { adamaxTensors } from './device-steps'; // webgpu (issue 17)
import { adamaxKernel } from './kernels';
import { checkAdamOptions } from './adam';
import { optimizerOptions } from './util';
import { PositionalArgs, pos } from '@tapegrad/core/internal';

/** Adamax's options (PyTorch names in camelCase). */
export interface AdamaxOptions extends BaseOptions, ForeachOption {
  /** Learning rate (default 2e-3). */
  lr: number;
  /** [β1, β2]: decay of the first moment and of the infinity norm (default [0.9, 0.999]), each in [0, 1). */
  betas: [number, number];
  /** Added to |g| before the running max (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Maximize the objective instead of minimizing (default false). */
  maximize: boolean;
}

const KEYS = ['lr', 'betas', 'eps', 'weightDecay', 'maximize'] as const;

/** PyTorch 1.13's positional parameters after `params`, in its order. */
const POSITIONAL = [pos.number('lr'), pos.numbers('betas'), pos.number('eps'), pos.number('weightDecay')];

/**
 * Adamax (Kingma & Ba, section 7.1), as PyTorch 1.13's `torch.optim.Adamax`. Each step t:
 *
 * ```
 * g ← −g if maximize;   g ← g + λθ if weightDecay λ ≠ 0
 * m ← β1·m + (1 − β1)·g;   u ← max(β2·u, |g| + eps)
 * θ ← θ − (lr / (1 − β1^t)) · m / u
 * ```
 *
 * Where PyTorch differs from the paper (u ← max(β2·u, |g|)): eps is added to |g| inside the max.
 *
 * @example
 * const opt = new Adamax(model.parameters(), { lr: 2e-3 });
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  /** PyTorch's `Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)`: its positional values in order (a number alone is `lr`), then an options object of the rest. */
  constructor(params: Params<AdamaxOptions>, ...args: PositionalArgs<[], [lr: number, betas: [number, number], eps: number, weightDecay: number], Partial<AdamaxOptions>>) {
    const options = optimizerOptions<AdamaxOptions>('Adamax', args, POSITIONAL, KEYS);
    const betas = options.betas ?? [0.9, 0.999];
    super(params, {
      lr: options.lr ?? 2e-3,
      betas: (Array.isArray(betas) ? betas.slice() : betas) as [number, number],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      maximize: options.maximize ?? false,
    }, 'Adamax');
  }

  protected checkOptions(o: Partial<AdamaxOptions>, where: string): void {
    checkAdamOptions(o, where);
  }

  protected updateGroup(group: ParamGroup<AdamaxOptions>, gi: number): void {
    const { lr, eps, weightDecay: wd, maximize } = group;
    const [beta1, beta2] = group.betas;
    group.params.forEach((p, pi) => {
      if (p.device === 'webgpu') { // webgpu (issue 17): the update in device tensor ops
        const gt = gradTensor(p, 'Adamax.step', gi, pi);
        if (gt === null) return;
        const st = stateOf(this.state, p);
        const t = ((st.step as number | undefined) ?? 0) + 1;
        st.step = t;
        adamaxTensors(p, gt, stateTensor(st, 'expAvg', p), stateTensor(st, 'expInf', p), beta1, beta2, eps, lr / (1 - beta1 ** t), wd, maximize ? -1 : 1);
        return;
      }
      const g = gradData(p, 'Adamax.step', gi, pi);
      if (g === null) return;
      const state = stateOf(this.state, p);
      if (state.step === undefined) state.step = 0;
      const m = stateData(stateTensor(state, 'expAvg', p));
      const u = stateData(stateTensor(state, 'expInf', p));
      const step = (state.step as number) + 1;
      state.step = step;
      const x = paramData(p);
      adamaxKernel(x, g, m, u, beta1, beta2, eps, lr / (1 - beta1 ** step), wd, maximize ? -1 : 1);
      commitParam(p, x);
    });
  }
}
