/**
 * Learning-rate schedulers, as `torch.optim.lr_scheduler` in PyTorch 1.13. Create the scheduler after
 * the optimizer, and call `scheduler.step()` after `optimizer.step()` (ReduceLROnPlateau: `step(metric)`).
 */
export { LRScheduler } from './lr-scheduler';
export type { SchedulerStateDict, JsonValue } from './lr-scheduler';
export { StepLR } from './step-lr';
export type { StepLROptions } from './step-lr';
export { MultiStepLR } from './multi-step-lr';
export type { MultiStepLROptions } from './multi-step-lr';
export { ExponentialLR } from './exponential-lr';
export type { ExponentialLROptions } from './exponential-lr';
export { CosineAnnealingLR } from './cosine-annealing-lr';
export type { CosineAnnealingLROptions } from './cosine-annealing-lr';
export { LinearLR } from './linear-lr';
export type { LinearLROptions } from './linear-lr';
export { LambdaLR } from './lambda-lr';
export type { LambdaLROptions, LrLambda } from './lambda-lr';
export { ReduceLROnPlateau } from './reduce-lr-on-plateau';
export type { ReduceLROnPlateauOptions } from './reduce-lr-on-plateau';
export { SequentialLR } from './sequential-lr';
export type { SequentialLROptions } from './sequential-lr';
export { MultiplicativeLR } from './multiplicative-lr';
export type { MultiplicativeLROptions } from './multiplicative-lr';
export { ConstantLR } from './constant-lr';
export type { ConstantLROptions } from './constant-lr';
export { PolynomialLR } from './polynomial-lr';
export type { PolynomialLROptions } from './polynomial-lr';
export { CosineAnnealingWarmRestarts } from './cosine-annealing-warm-restarts';
export type { CosineAnnealingWarmRestartsOptions } from './cosine-annealing-warm-restarts';
export { CyclicLR } from './cyclic-lr';
export type { CyclicLROptions, CyclicLRMode } from './cyclic-lr';
export { OneCycleLR } from './one-cycle-lr';
export type { OneCycleLROptions, OneCyclePhase } from './one-cycle-lr';
export { ChainedScheduler } from './chained-scheduler';
