/**
 * @tapegrad/optim — optimizers and learning-rate schedulers with PyTorch 1.13's semantics: the same
 * defaults, update order and validation errors, with camelCase names (`weightDecay`, `zeroGrad`,
 * `stateDict`, `lrScheduler.StepLR`).
 *
 * Differences from PyTorch worth knowing:
 * - `zeroGrad()` sets grads to null by default (PyTorch 2.x; 1.13 zero-filled). `zeroGrad({ setToNone: false })` zero-fills.
 * - `foreach` is accepted and ignored (same result; tapegrad has one kernel per optimizer).
 * - The per-parameter `step` count is a plain number (PyTorch 1.13 keeps a 0-d tensor for Adam, AdamW
 *   and Adagrad); state keys are camelCase (`expAvg`, `expAvgSq`, `maxExpAvgSq`, `momentumBuffer`,
 *   `squareAvg`, `gradAvg`, `sum`).
 * - A parameter repeated inside one group is an error (PyTorch 1.13 warns that it will become one).
 * - NaN learning rates are rejected by every optimizer (PyTorch 1.13's SGD lets NaN through).
 * - Unknown constructor options (e.g. snake_case `weight_decay`) are a TypeError, like unknown Python kwargs.
 *
 * Where PyTorch's rules differ from textbook formulas (details on each class):
 * - SGD momentum: v = μv + g, θ −= lr·v (slides: v = γv + α∇J, θ −= v); the first step sets v = g.
 * - Adam: ε is added to sqrt(v)/sqrt(1 − β2^t) and the bias corrections are folded into the step size.
 * - AdamW: the decay is θ ← θ·(1 − lr·λ) (scaled by the full lr, not only the schedule multiplier).
 * - RMSprop and Adagrad: ε is added after the square root, no bias correction.
 *
 * @example
 * import { SGD, lrScheduler } from '@tapegrad/optim';
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const sched = new lrScheduler.CosineAnnealingLR(opt, { tMax: 50 });
 * for (let epoch = 0; epoch < 50; epoch++) {
 *   for (const [x, y] of loader) {
 *     opt.zeroGrad();
 *     lossFn(model.forward(x), y).backward();
 *     opt.step();
 *   }
 *   sched.step();
 * }
 * @packageDocumentation
 */
export { Optimizer } from './optimizer';
export type {
  BaseOptions, ForeachOption, ParamGroup, ParamGroupInput, Params, ParamState, ParamStateValue, SavedParamGroup,
  OptimizerStateDict, ZeroGradOptions,
} from './optimizer';
export { SGD } from './sgd';
export type { SGDOptions } from './sgd';
export { Adam } from './adam';
export type { AdamOptions } from './adam';
export { AdamW } from './adamw';
export type { AdamWOptions } from './adamw';
export { RMSprop } from './rmsprop';
export type { RMSpropOptions } from './rmsprop';
export { Adagrad } from './adagrad';
export type { AdagradOptions } from './adagrad';
export { Adadelta } from './adadelta';
export type { AdadeltaOptions } from './adadelta';
export { Adamax } from './adamax';
export type { AdamaxOptions } from './adamax';
export { NAdam } from './nadam';
export type { NAdamOptions } from './nadam';
export { RAdam } from './radam';
export type { RAdamOptions } from './radam';
export { ASGD } from './asgd';
export type { ASGDOptions } from './asgd';
export { Rprop } from './rprop';
export type { RpropOptions } from './rprop';
export { LBFGS } from './lbfgs';
export type { LBFGSOptions, LBFGSClosure } from './lbfgs';

/** The schedulers as a namespace, like `torch.optim.lr_scheduler`: `new lrScheduler.StepLR(opt, { stepSize: 10 })`. */
export * as lrScheduler from './lr-scheduler/index';
export {
  LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, LambdaLR, ReduceLROnPlateau,
  SequentialLR, MultiplicativeLR, ConstantLR, PolynomialLR, CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR, ChainedScheduler,
} from './lr-scheduler/index';
export type {
  SchedulerStateDict, JsonValue, StepLROptions, MultiStepLROptions, ExponentialLROptions, CosineAnnealingLROptions,
  LinearLROptions, LambdaLROptions, LrLambda, ReduceLROnPlateauOptions, SequentialLROptions, MultiplicativeLROptions,
  ConstantLROptions, PolynomialLROptions, CosineAnnealingWarmRestartsOptions, CyclicLROptions, CyclicLRMode, OneCycleLROptions,
  OneCyclePhase,
} from './lr-scheduler/index';
