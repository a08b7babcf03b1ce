/** Adagrad: per-coordinate learning rates from the sum of squared gradients. */
import { fullLike } from '@tapegrad/core';
import { Optimizer, BaseOptions, ForeachOption, ParamGroup, ParamGroupInput, Params } from './optimizer';
import { commitParam, gradData, gradTensor, paramData, stateData, stateOf, stateTensor } from './param-access';
import { adagradTensors } from './device-steps'; // webgpu (issue 17)
import { adagradKernel } from './kernels';
import { checkNonNegative, optimizerOptions } from './util';
import { PositionalArgs, pos } from '@tapegrad/core/internal';

/** Adagrad's options (PyTorch names in camelCase). */
export interface AdagradOptions extends BaseOptions, ForeachOption {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Learning-rate decay: step t uses lr / (1 + (t − 1)·lrDecay) (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the squared-gradient sum (default 0). */
  initialAccumulatorValue: number;
  /** Added to the square root, outside it (default 1e-10). */
  eps: number;
  /** Maximize the objective instead of minimizing (default false). */
  maximize: boolean;
}

const KEYS = ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps', 'maximize'] as const;

/** PyTorch 1.13's positional parameters after `params`, in its order. */
const POSITIONAL = [pos.number('lr'), pos.number('lrDecay'), pos.number('weightDecay'), pos.number('initialAccumulatorValue'), pos.number('eps')];

/**
 * Adagrad, as PyTorch 1.13's `torch.optim.Adagrad`. State (`step: 0`, `sum` = initialAccumulatorValue)
 * is created for every parameter when it joins the optimizer, not at its first step. Each step t:
 *
 * ```
 * g ← −g if maximize;   g ← g + λθ if weightDecay λ ≠ 0
 * clr ← lr / (1 + (t − 1)·lrDecay)
 * sum ← sum + g²
 * θ ← θ − clr · g / (sqrt(sum) + eps)
 * ```
 *
 * Where PyTorch differs from the slides (θ −= lr·g/sqrt(G + ε)): eps is added after the square root,
 * and the sum may start at `initialAccumulatorValue` rather than 0. (PyTorch takes that start value from
 * the constructor for every group; tapegrad lets a group give its own.)
 *
 * @example
 * const opt = new Adagrad(model.parameters(), { lr: 0.1 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  /** PyTorch's `Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10)`: its positional values in order (a number alone is `lr`), then an options object of the rest. */
  constructor(params: Params<AdagradOptions>, ...args: PositionalArgs<[], [lr: number, lrDecay: number, weightDecay: number, initialAccumulatorValue: number, eps: number], Partial<AdagradOptions>>) {
    const options = optimizerOptions<AdagradOptions>('Adagrad', args, POSITIONAL, KEYS);
    super(params, {
      lr: options.lr ?? 1e-2,
      lrDecay: options.lrDecay ?? 0,
      eps: options.eps ?? 1e-10,
      weightDecay: options.weightDecay ?? 0,
      initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
      maximize: options.maximize ?? false,
    }, 'Adagrad');
  }

  /** Adds the group and creates its parameters' state (PyTorch creates it in the constructor). */
  override addParamGroup(group: ParamGroupInput<AdagradOptions>): void {
    super.addParamGroup(group);
    const g = this.paramGroups[this.paramGroups.length - 1];
    for (const p of g.params) {
      const s = stateOf(this.state, p);
      s.step = 0;
      s.sum = fullLike(p, g.initialAccumulatorValue);
    }
  }

  protected checkOptions(o: Partial<AdagradOptions>, where: string): void {
    checkNonNegative(o.lr, 'learning rate', where);
    checkNonNegative(o.lrDecay, 'lr_decay value', where);
    checkNonNegative(o.weightDecay, 'weight_decay value', where);
    checkNonNegative(o.initialAccumulatorValue, 'initial_accumulator_value value', where);
    checkNonNegative(o.eps, 'epsilon value', where);
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>, gi: number): void {
    const { lr, lrDecay, weightDecay: wd, eps, maximize } = group;
    group.params.forEach((p, pi) => {
      if (p.device === 'webgpu') { // webgpu (issue 17): the update in device tensor ops
        const gt = gradTensor(p, 'Adagrad.step', gi, pi);
        if (gt === null) return;
        const st = stateOf(this.state, p);
        const sumT = stateTensor(st, 'sum', p, group.initialAccumulatorValue);
        const t = ((st.step as number | undefined) ?? 0) + 1;
        st.step = t;
        adagradTensors(p, gt, sumT, lr / (1 + (t - 1) * lrDecay), wd, eps, maximize ? -1 : 1);
        return;
      }
      const g = gradData(p, 'Adagrad.step', gi, pi);
      if (g === null) return;
      const state = stateOf(this.state, p);
      const sum = stateData(stateTensor(state, 'sum', p, group.initialAccumulatorValue));
      const step = ((state.step as number | undefined) ?? 0) + 1;
      state.step = step;
      const clr = lr / (1 + (step - 1) * lrDecay);
      const x = paramData(p);
      adagradKernel(x, g, sum, clr, wd, eps, maximize ? -1 : 1);
      commitParam(p, x);
    });
  }
}
