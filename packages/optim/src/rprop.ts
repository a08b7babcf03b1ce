/** Rprop: resilient backpropagation, sign-based steps with per-element adaptive sizes. */
import { Optimizer, BaseOptions, ForeachOption, ParamGroup, Params } from './optimizer';
import { commitParam, gradData, gradTensor, paramData, stateData, stateOf, stateTensor } from './param-access';
import { rpropTensors } from './device-steps'; // webgpu (issue 17)
import { rpropKernel } from './kernels';
import { checkNonNegative, pyNum, optimizerOptions } from './util';
import { PositionalArgs, pos } from '@tapegrad/core/internal';

/** Rprop's options (PyTorch names in camelCase). */
export interface RpropOptions extends BaseOptions, ForeachOption {
  /** The initial step size of every element (default 1e-2). */
  lr: number;
  /** [etaminus, etaplus]: step-size factors when the gradient flips sign / keeps it (default [0.5, 1.2]; 0 < etaminus < 1 < etaplus). */
  etas: [number, number];
  /** [min, max] step size (default [1e-6, 50]). */
  stepSizes: [number, number];
  /** Maximize the objective instead of minimizing (default false). */
  maximize: boolean;
}

const KEYS = ['lr', 'etas', 'stepSizes', 'maximize'] as const;

/** PyTorch 1.13's positional parameters after `params`, in its order. */
const POSITIONAL = [pos.number('lr'), pos.numbers('etas'), pos.numbers('stepSizes')];

/**
 * Rprop, as PyTorch 1.13's `torch.optim.Rprop` (the Rprop− variant without weight backtracking). Each
 * step, element by element, with s the sign of g·g_prev:
 *
 * ```
 * g ← −g if maximize
 * step ← clamp(step · (etaplus if s > 0, etaminus if s < 0, 1 if s = 0), min, max)
 * g ← 0 where s < 0                       (and stored as g_prev: the next step does not shrink again)
 * θ ← θ − sign(g)·step
 * ```
 *
 * Only the gradient's sign is used, so it suits full-batch training, not mini-batches.
 *
 * @example
 * const opt = new Rprop(model.parameters(), { lr: 0.01, etas: [0.5, 1.2] });
 */
export class Rprop extends Optimizer<RpropOptions> {
  /** PyTorch's `Rprop(params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50))`: its positional values in order (a number alone is `lr`), then an options object of the rest. */
  constructor(params: Params<RpropOptions>, ...args: PositionalArgs<[], [lr: number, etas: [number, number], stepSizes: [number, number]], Partial<RpropOptions>>) {
    const options = optimizerOptions<RpropOptions>('Rprop', args, POSITIONAL, KEYS);
    const etas = options.etas ?? [0.5, 1.2];
    const stepSizes = options.stepSizes ?? [1e-6, 50];
    super(params, {
      lr: options.lr ?? 1e-2,
      etas: (Array.isArray(etas) ? etas.slice() : etas) as [number, number],
      stepSizes: (Array.isArray(stepSizes) ? stepSizes.slice() : stepSizes) as [number, number],
      maximize: options.maximize ?? false,
    }, 'Rprop');
  }

  protected checkOptions(o: Partial<RpropOptions>, where: string): void {
    checkNonNegative(o.lr, 'learning rate', where);
    for (const key of ['etas', 'stepSizes'] as const) {
      const v = o[key] as unknown;
      if (v !== undefined && !(Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'))) {
        throw new TypeError(`${where}: ${key} must be an array of two numbers, got ${Array.isArray(v) ? `an array of length ${v.length}` : pyNum(v)}`);
      }
    }
    if (o.etas !== undefined) {
      const [minus, plus] = o.etas;
      if (!(minus > 0 && minus < 1 && plus > 1)) throw new RangeError(`${where}: Invalid eta values: ${pyNum(minus)}, ${pyNum(plus)} (expected 0 < etaminus < 1 < etaplus)`);
    }
    if (o.stepSizes !== undefined) {
      const [lo, hi] = o.stepSizes;
      // PyTorch 1.13 does not check these; a reversed pair would clamp every step size to `hi`.
      if (!(lo >= 0 && hi >= lo)) throw new RangeError(`${where}: Invalid step sizes: ${pyNum(lo)}, ${pyNum(hi)} (expected 0 <= min <= max)`);
    }
  }

  protected updateGroup(group: ParamGroup<RpropOptions>, gi: number): void {
    const { lr, maximize } = group;
    const [etaminus, etaplus] = group.etas;
    const [minStep, maxStep] = group.stepSizes;
    group.params.forEach((p, pi) => {
      if (p.device === 'webgpu') { // webgpu (issue 17): the update in device tensor ops
        const gt = gradTensor(p, 'Rprop.step', gi, pi);
        if (gt === null) return;
        const st = stateOf(this.state, p);
        st.step = ((st.step as number | undefined) ?? 0) + 1;
        rpropTensors(p, gt, stateTensor(st, 'prev', p), stateTensor(st, 'stepSize', p, lr), etaminus, etaplus, minStep, maxStep, maximize ? -1 : 1);
        return;
      }
      const g = gradData(p, 'Rprop.step', gi, pi);
      if (g === null) return;
      const state = stateOf(this.state, p);
      if (state.step === undefined) state.step = 0;
      const prev = stateData(stateTensor(state, 'prev', p));
      const stepSize = stateData(stateTensor(state, 'stepSize', p, lr));
      state.step = (state.step as number) + 1;
      const x = paramData(p);
      rpropKernel(x, g, prev, stepSize, etaminus, etaplus, minStep, maxStep, maximize ? -1 : 1);
      commitParam(p, x);
    });
  }
}
