/** Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay. */
import { Tensor, zerosLike } from '@tapegrad/core';
import { Optimizer, BaseOptions, ForeachOption, ParamGroup, Params } from './optimizer';
import { commitParam, gradTensor, paramData, stateData, stateOf } from './param-access';
import { webgpuSgdStep } from '@tapegrad/core/internal'; // webgpu (issue 17)
import { sgdKernel } from './kernels';
import { checkNonNegative, pyNum, optimizerOptions } from './util';
import { PositionalArgs, pos } from '@tapegrad/core/internal';

/** SGD's options (PyTorch names in camelCase). */
export interface SGDOptions extends BaseOptions, ForeachOption {
  /** Learning rate; required (in the options or in every parameter group). */
  lr: number;
  /** Momentum factor μ (default 0: plain SGD). */
  momentum: number;
  /** Dampening τ for momentum: the new gradient enters the buffer with weight 1 − τ (default 0). */
  dampening: number;
  /** L2 penalty λ added to the gradient: g ← g + λθ (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false); needs momentum > 0 and dampening 0. */
  nesterov: boolean;
  /** Maximize the objective (step along +g) instead of minimizing (default false). */
  maximize: boolean;
  /** PyTorch's autograd-through-step switch: accepted as false, its default; not stored. */
  differentiable?: false;
}

const KEYS = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize'] as const;

/** PyTorch 1.13's positional parameters after `params`, in its order. */
const POSITIONAL = [pos.number('lr'), pos.number('momentum'), pos.number('dampening'), pos.number('weightDecay'), pos.boolean('nesterov')];

/**
 * Stochastic gradient descent, as PyTorch 1.13's `torch.optim.SGD` (same defaults, same update, same
 * errors). Each step, for a parameter θ with gradient g:
 *
 * ```
 * g ← −g if maximize;   g ← g + λθ if weightDecay λ ≠ 0
 * if μ ≠ 0:  b ← g on the first step, else b ← μb + (1 − τ)g
 *            g ← g + μb (nesterov) or g ← b
 * θ ← θ − lr·g
 * ```
 *
 * Where PyTorch differs from the textbook: the momentum buffer accumulates raw gradients and the
 * learning rate multiplies the whole buffer (v = μv + g, θ −= lr·v), whereas Sutskever et al. and most
 * course slides write v = μv + lr·g, θ −= v (or v = γv + α∇J). The two agree for a constant learning rate
 * but differ once a scheduler changes lr (PyTorch's buffer does not carry the old lr). The first step
 * copies g into the buffer (no dampening applied), and Nesterov uses g + μb rather than evaluating the
 * gradient at a look-ahead point.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * new SGD(model.parameters(), 0.1, 0.9); // PyTorch's positional SGD(params, 0.1, 0.9): lr 0.1, momentum 0.9
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer<SGDOptions> {
  /** PyTorch's `SGD(params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False)`: its positional values in order (a number alone is `lr`), then an options object of the rest. */
  constructor(params: Params<SGDOptions>, ...args: PositionalArgs<[], [lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean], Partial<SGDOptions>>) {
    const options = optimizerOptions<SGDOptions>('SGD', args, POSITIONAL, KEYS, ['differentiable']);
    super(params, {
      lr: options.lr,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
    }, 'SGD');
  }

  protected checkOptions(o: Partial<SGDOptions>, where: string): void {
    // PyTorch 1.13's SGD tests `lr < 0`, which lets NaN through; tapegrad rejects NaN too.
    checkNonNegative(o.lr, 'learning rate', where);
    checkNonNegative(o.momentum, 'momentum value', where);
    checkNonNegative(o.weightDecay, 'weight_decay value', where);
    if (o.dampening !== undefined && typeof o.dampening !== 'number') throw new TypeError(`${where}: dampening must be a number, got ${pyNum(o.dampening)}`);
    if (o.nesterov && ((o.momentum ?? 0) <= 0 || (o.dampening ?? 0) !== 0)) {
      throw new RangeError(`${where}: Nesterov momentum requires a momentum and zero dampening (got momentum ${pyNum(o.momentum ?? 0)}, dampening ${pyNum(o.dampening ?? 0)})`);
    }
  }

  protected updateGroup(group: ParamGroup<SGDOptions>, gi: number): void {
    const { lr, momentum, dampening, weightDecay: wd, nesterov, maximize } = group;
    group.params.forEach((p: Tensor, pi) => {
      const gt = gradTensor(p, 'SGD.step', gi, pi);
      if (gt === null) return;
      const state = stateOf(this.state, p);
      let buf = state.momentumBuffer instanceof Tensor ? state.momentumBuffer : null;
      const first = buf === null;
      if (momentum !== 0 && first) {
        buf = zerosLike(p); // filled with d by the first step's kernel
        state.momentumBuffer = buf;
      } else if (momentum === 0 && !('momentumBuffer' in state)) {
        state.momentumBuffer = null; // PyTorch stores None when momentum is 0
      }
      if (p.device === 'webgpu') { // webgpu (issue 17): one device kernel, in place
        webgpuSgdStep(p, gt, momentum !== 0 ? buf : null, first, lr, momentum, dampening, wd, nesterov, maximize ? -1 : 1);
        return;
      }
      const g = gt._contigData();
      const b = momentum !== 0 ? stateData(buf as Tensor) : null;
      const x = paramData(p);
      sgdKernel(x, g, b, first, lr, momentum, dampening, wd, nesterov, maximize ? -1 : 1);
      commitParam(p, x);
    });
  }
}
