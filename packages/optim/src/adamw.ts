/** AdamW: Adam with decoupled weight decay. */
import { Optimizer, ParamGroup, Params } from './optimizer';
import { ADAM_KEYS, AdamOptions, adamDefaults, adamUpdateGroup, checkAdamOptions } from './adam';
import { optimizerOptions } from './util';
import { PositionalArgs, pos } from '@tapegrad/core/internal';

/** AdamW's options: Adam's, with `weightDecay` defaulting to 1e-2 and applied decoupled. */
export type AdamWOptions = AdamOptions;

/** PyTorch 1.13's positional parameters after `params`, in its order. */
const POSITIONAL = [pos.number('lr'), pos.numbers('betas'), pos.number('eps'), pos.number('weightDecay'), pos.boolean('amsgrad')];

/**
 * AdamW (Loshchilov & Hutter), as PyTorch 1.13's `torch.optim.AdamW`. Each step first shrinks the
 * parameter, θ ← θ·(1 − lr·λ), then takes the Adam step (see {@link Adam}) with the raw gradient — the
 * decay never enters the moment estimates, unlike Adam's L2 `weightDecay`. `weightDecay` defaults to 1e-2.
 *
 * Where PyTorch differs from the paper: the paper scales the decay by the schedule multiplier η_t only
 * (θ ← θ − η_t·λθ), while PyTorch multiplies by the full learning rate (θ ← θ·(1 − lr·λ)), so λ must be
 * chosen relative to lr (λ = 1e-2 with lr = 1e-3 shrinks weights by 1e-5 per step).
 *
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends Optimizer<AdamWOptions> {
  /** PyTorch's `AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *, maximize=False)`: its positional values in order (a number alone is `lr`), then an options object of the rest. */
  constructor(params: Params<AdamWOptions>, ...args: PositionalArgs<[], [lr: number, betas: [number, number], eps: number, weightDecay: number, amsgrad: boolean], Partial<AdamWOptions>>) {
    const options = optimizerOptions<AdamWOptions>('AdamW', args, POSITIONAL, ADAM_KEYS, ['capturable']);
    super(params, adamDefaults(options, 1e-2), 'AdamW');
  }

  protected checkOptions(o: Partial<AdamWOptions>, where: string): void {
    checkAdamOptions(o, where);
  }

  protected updateGroup(group: ParamGroup<AdamWOptions>, gi: number): void {
    adamUpdateGroup(this.state, group, gi, true, 'AdamW.step');
  }
}
