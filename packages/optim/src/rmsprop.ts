/** RMSprop (Hinton's lecture 6e), optionally centered and with momentum. */
import { Optimizer, BaseOptions, ForeachOption, ParamGroup, Params } from './optimizer';
import { commitParam, gradData, gradTensor, paramData, stateData, stateOf, stateTensor } from './param-access';
import { rmspropTensors } from './device-steps'; // webgpu (issue 17)
import { rmspropKernel } from './kernels';
import { checkNonNegative, optimizerOptions } from './util';
import { PositionalArgs, pos } from '@tapegrad/core/internal';

/** RMSprop's options (PyTorch names in camelCase). */
export interface RMSpropOptions extends BaseOptions, ForeachOption {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the square root, outside it (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalize by the estimated variance (mean square minus squared mean) instead of the mean square (default false). */
  centered: boolean;
  /** Maximize the objective instead of minimizing (default false). */
  maximize: boolean;
  /** PyTorch's autograd-through-step switch: accepted as false, its default; not stored. */
  differentiable?: false;
}

const KEYS = ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize'] as const;

/** PyTorch 1.13's positional parameters after `params`, in its order. */
const POSITIONAL = [pos.number('lr'), pos.number('alpha'), pos.number('eps'), pos.number('weightDecay'), pos.number('momentum'), pos.boolean('centered')];

/**
 * RMSprop, as PyTorch 1.13's `torch.optim.RMSprop`. Each step:
 *
 * ```
 * g ← −g if maximize;   g ← g + λθ if weightDecay λ ≠ 0
 * s ← α·s + (1 − α)·g²
 * centered: a ← α·a + (1 − α)·g,  avg ← sqrt(s − a²) + eps;   else avg ← sqrt(s) + eps
 * momentum μ > 0:  b ← μ·b + g/avg,  θ ← θ − lr·b;    else θ ← θ − lr·g/avg
 * ```
 *
 * Where PyTorch differs from the usual slides (θ −= lr·g/sqrt(s + ε)): eps is added after the square
 * root, there is no bias correction (s starts at 0, so the first steps are large: step 1 moves by
 * about lr/sqrt(1 − α)), and the momentum buffer holds g/avg without the learning rate.
 *
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 1e-2, alpha: 0.99, momentum: 0.9 });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  /** PyTorch's `RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)`: its positional values in order (a number alone is `lr`), then an options object of the rest. */
  constructor(params: Params<RMSpropOptions>, ...args: PositionalArgs<[], [lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, centered: boolean], Partial<RMSpropOptions>>) {
    const options = optimizerOptions<RMSpropOptions>('RMSprop', args, POSITIONAL, KEYS, ['differentiable']);
    super(params, {
      lr: options.lr ?? 1e-2,
      momentum: options.momentum ?? 0,
      alpha: options.alpha ?? 0.99,
      eps: options.eps ?? 1e-8,
      centered: options.centered ?? false,
      weightDecay: options.weightDecay ?? 0,
      maximize: options.maximize ?? false,
    }, 'RMSprop');
  }

  protected checkOptions(o: Partial<RMSpropOptions>, where: string): void {
    checkNonNegative(o.lr, 'learning rate', where);
    checkNonNegative(o.eps, 'epsilon value', where);
    checkNonNegative(o.momentum, 'momentum value', where);
    checkNonNegative(o.weightDecay, 'weight_decay value', where);
    checkNonNegative(o.alpha, 'alpha value', where);
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>, gi: number): void {
    const { lr, alpha, eps, weightDecay: wd, momentum, centered, maximize } = group;
    group.params.forEach((p, pi) => {
      if (p.device === 'webgpu') { // webgpu (issue 17): the update in device tensor ops
        const gt = gradTensor(p, 'RMSprop.step', gi, pi);
        if (gt === null) return;
        const st = stateOf(this.state, p);
        st.step = ((st.step as number | undefined) ?? 0) + 1;
        const sqT = stateTensor(st, 'squareAvg', p);
        const bufT = momentum > 0 ? stateTensor(st, 'momentumBuffer', p) : null;
        const gaT = centered ? stateTensor(st, 'gradAvg', p) : null;
        rmspropTensors(p, gt, sqT, gaT, bufT, lr, alpha, eps, wd, momentum, maximize ? -1 : 1);
        return;
      }
      const g = gradData(p, 'RMSprop.step', gi, pi);
      if (g === null) return;
      const state = stateOf(this.state, p);
      if (state.step === undefined) state.step = 0;
      const sq = stateData(stateTensor(state, 'squareAvg', p));
      const buf = momentum > 0 ? stateData(stateTensor(state, 'momentumBuffer', p)) : null;
      const ga = centered ? stateData(stateTensor(state, 'gradAvg', p)) : null;
      state.step = (state.step as number) + 1;
      const x = paramData(p);
      rmspropKernel(x, g, sq, ga, buf, lr, alpha, eps, wd, momentum, maximize ? -1 : 1);
      commitParam(p, x);
    });
  }
}
