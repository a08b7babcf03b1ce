/** Adam (and the kernel AdamW shares with it). */
import { Tensor } from '@tapegrad/core';
import type { FloatArray, TypedArray } from '@tapegrad/core';
import { webgpuAdamStep } from '@tapegrad/core/internal'; // webgpu (issue 17)
import { adamTensors } from './device-steps'; // webgpu (issue 17)
import { Optimizer, BaseOptions, ForeachOption, ParamGroup, Params, ParamState } from './optimizer';
import { commitParam, gradTensor, paramData, stateData, stateOf, stateTensor } from './param-access';
import { adamKernel } from './kernels';
import { checkNonNegative, pyNum, optimizerOptions } from './util';
import { PositionalArgs, pos } from '@tapegrad/core/internal';

/** Adam's options (PyTorch names in camelCase). */
export interface AdamOptions extends BaseOptions, ForeachOption {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates [β1, β2] of the first and second moment estimates (default [0.9, 0.999]), each in [0, 1). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8); see the class note on its placement. */
  eps: number;
  /** L2 penalty added to the gradient, g ← g + λθ (default 0 for Adam, 1e-2 for AdamW where it is decoupled). */
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad, default false). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing (default false). */
  maximize: boolean;
  /** PyTorch's CUDA-graph switch (Adam, AdamW): accepted as false, its default; not stored. */
  capturable?: false;
  /** PyTorch's autograd-through-step switch (Adam only): accepted as false, its default; not stored. */
  differentiable?: false;
  /** PyTorch's fused CUDA kernel (Adam only): accepted as false, its default; not stored. */
  fused?: false | null;
}

export const ADAM_KEYS = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'] as const;

export function adamDefaults(options: Partial<AdamOptions>, weightDecay: number): Partial<AdamOptions> {
  const betas = options.betas ?? [0.9, 0.999];
  return {
    lr: options.lr ?? 1e-3,
    betas: (Array.isArray(betas) ? betas.slice() : betas) as [number, number],
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? weightDecay,
    amsgrad: options.amsgrad ?? false,
    maximize: options.maximize ?? false,
  };
}

/** PyTorch's checks (and messages) for Adam and AdamW, in PyTorch's order. */
export function checkAdamOptions(o: Partial<AdamOptions>, where: string): void {
  checkNonNegative(o.lr, 'learning rate', where);
  checkNonNegative(o.eps, 'epsilon value', where);
  if (o.betas !== undefined) {
    if (!Array.isArray(o.betas) || o.betas.length !== 2) {
      throw new TypeError(`${where}: betas must be an array of two numbers [beta1, beta2], got ${Array.isArray(o.betas) ? `an array of length ${(o.betas as unknown[]).length}` : pyNum(o.betas)}`);
    }
    o.betas.forEach((b, i) => {
      if (!(typeof b === 'number' && b >= 0 && b < 1)) throw new RangeError(`${where}: Invalid beta parameter at index ${i}: ${pyNum(b)}`);
    });
  }
  checkNonNegative(o.weightDecay, 'weight_decay value', where);
}

/**
 * One Adam/AdamW step for every parameter of a group that has a grad — PyTorch 1.13's
 * `_single_tensor_adam(w)`, element by element in the same order of operations.
 */
export function adamUpdateGroup(
  states: Map<Tensor, ParamState>, group: ParamGroup<AdamOptions>, gi: number, decoupled: boolean, where: string,
): void {
  const { lr, eps, weightDecay: wd, amsgrad, maximize } = group;
  const [beta1, beta2] = group.betas;
  group.params.forEach((p, pi) => {
    const gt = gradTensor(p, where, gi, pi);
    if (gt === null) return;
    const state = stateOf(states, p);
    if (state.step === undefined) state.step = 0;
    const gpu = p.device === 'webgpu'; // webgpu (issue 17)
    const mt = stateTensor(state, 'expAvg', p), vt = stateTensor(state, 'expAvgSq', p);
    const g = gpu ? null : gt._contigData();
    const m = gpu ? null : stateData(mt);
    const v = gpu ? null : stateData(vt);
    const vmax = amsgrad && !gpu ? stateData(stateTensor(state, 'maxExpAvgSq', p)) : null;
    const step = (state.step as number) + 1;
    state.step = step;
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2 = 1 - beta2 ** step;
    const stepSize = lr / biasCorrection1;
    const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
    if (gpu && amsgrad) { // webgpu (issue 17): the device kernel has no running maximum; tensor ops instead
      adamTensors(p, gt, mt, vt, stateTensor(state, 'maxExpAvgSq', p), beta1, beta2, stepSize, biasCorrection2Sqrt, eps, decoupled ? 0 : wd, decoupled ? 1 - lr * wd : 1, maximize ? -1 : 1);
      return;
    }
    if (gpu) {
      webgpuAdamStep(p, gt, mt, vt, beta1, beta2, stepSize, biasCorrection2Sqrt, eps, decoupled ? 0 : wd, decoupled ? 1 - lr * wd : 1, maximize ? -1 : 1);
      return;
    }
    const x = paramData(p);
    // Adam folds L2 into the gradient; AdamW multiplies the parameter by 1 - lr*wd before the moments.
    adamKernel(x, g as TypedArray, m as FloatArray, v as FloatArray, vmax, beta1, beta2, stepSize, biasCorrection2Sqrt, eps, decoupled ? 0 : wd, decoupled ? 1 - lr * wd : 1, maximize ? -1 : 1);
    commitParam(p, x);
  });
}

/** PyTorch 1.13's positional parameters after `params`, in its order. */
const POSITIONAL = [pos.number('lr'), pos.numbers('betas'), pos.number('eps'), pos.number('weightDecay'), pos.boolean('amsgrad')];

/**
 * Adam, as PyTorch 1.13's `torch.optim.Adam` (same defaults, update order and errors). Each step t:
 *
 * ```
 * g ← −g if maximize;   g ← g + λθ if weightDecay λ ≠ 0   (L2 through the gradient; see AdamW)
 * m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   (amsgrad: v̂max ← max(v̂max, v), used in place of v)
 * denom ← sqrt(v) / sqrt(1 − β2^t) + eps
 * θ ← θ − (lr / (1 − β1^t)) · m / denom
 * ```
 *
 * Where PyTorch differs from the paper's formula θ −= lr·m̂/(sqrt(v̂) + ε) with m̂ = m/(1 − β1^t),
 * v̂ = v/(1 − β2^t): the bias corrections are folded into the step size and the denominator, so ε is
 * added to sqrt(v)/sqrt(1 − β2^t) = sqrt(v̂) — the same as the paper — but not to sqrt(v) as in the
 * paper's "efficient" variant (lr_t = lr·sqrt(1 − β2^t)/(1 − β1^t), θ −= lr_t·m/(sqrt(v) + ε̂)), whose
 * ε̂ is effectively ε·sqrt(1 − β2^t). With amsgrad, PyTorch keeps the max of the raw v (not of v̂).
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] }); // or new Adam(model.parameters(), 1e-3, [0.9, 0.999])
 */
export class Adam extends Optimizer<AdamOptions> {
  /** PyTorch's `Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, maximize=False)`: its positional values in order (a number alone is `lr`), then an options object of the rest. */
  constructor(params: Params<AdamOptions>, ...args: PositionalArgs<[], [lr: number, betas: [number, number], eps: number, weightDecay: number, amsgrad: boolean], Partial<AdamOptions>>) {
    const options = optimizerOptions<AdamOptions>('Adam', args, POSITIONAL, ADAM_KEYS, ['capturable', 'differentiable', 'fused']);
    super(params, adamDefaults(options, 0), 'Adam');
  }

  protected checkOptions(o: Partial<AdamOptions>, where: string): void {
    checkAdamOptions(o, where);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>, gi: number): void {
    adamUpdateGroup(this.state, group, gi, false, 'Adam.step');
  }
}
