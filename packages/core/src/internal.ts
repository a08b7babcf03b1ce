/**
 * @tapegrad/core/internal — the raw storage class and kernels that the sibling packages build on
 * (@tapegrad/optim's fused float32 updates run on {@link sgdUpdateF32} and friends). Not public API: these
 * may change in any release. They are the same module instances as the main entry's (the build shares one
 * implementation bundle between the two), so `setKernelBackend('js')` from `@tapegrad/core` applies here too.
 *
 * @example
 * ```ts
 * import { sgdUpdateF32 } from '@tapegrad/core/internal';
 * if (!sgdUpdateF32(weights, grads, 0.1)) for (let i = 0; i < weights.length; i++) weights[i] -= 0.1 * grads[i];
 * ```
 * @packageDocumentation
 */
export { Storage } from './tensor';
export { gemm } from './kernels/gemm';
export { sgdUpdateF32, sgdMomentumUpdateF32, adamUpdateF32 } from './kernels/optim-update';
export type { AdamScalars } from './kernels/optim-update';
/** The options-object checker every package uses, so unknown keys get one message ("did you mean …?") everywhere. */
export { checkOptionKeys, unknownOptionError, suggestName } from './options';
/** One number or one per spatial dim, as conv and its modules take sizes (`3` or `[3, 3]`), checked. */
export { sizes } from './ops/conv';
/** compile's capture (compile/capture.ts): kernels that sibling packages run, and decisions on argument values. */
export { runKernel, valueGuard, noteUncapturable, invalidateCaptures, noteGradDependence } from './compile/capture';
export { noteModuleCall, noteTrainingFlip } from './compile/hooks';
/** PyTorch's positional constructor arguments, then an options object (every optimizer, scheduler and nn layer). */
export { pos, positionalOptions } from './positional-args';
export type { PositionalArgs, PositionalParam, Prefixes } from './positional-args';
/** webgpu (issue 17): the optimizer updates as device kernels. */
export { sgdStep as webgpuSgdStep, adamStep as webgpuAdamStep } from './webgpu/ops';
/**
 * float32 Transformer row kernels (issue 13): the attention softmax of @tapegrad/nn's scaledMaskedSoftmax,
 * the head split/merge, mseLoss. All from row-kernels.ts, whose declarations name only typed arrays: a
 * consumer's typecheck must not need the WebAssembly types (kernels/elementwise's declarations do).
 */
export { scaledSoftmaxF32, softmaxBackwardF32, softmaxRowsF32, moveHeads, squaredErrorSumF32, squaredErrorGradF32 } from './kernels/row-kernels';
/** defineFunction for library ops whose backward keeps nothing it is given: their gradients are recycled like a built-in op's. */
export { defineOp } from './autograd/function';
/** A pooled float buffer for a kernel that writes every element (backward buffers the engine can recycle). */
export { allocateUninit } from './dtype';
/** PyTorch's `inplace=True` of nn's activations and dropout: a result written into its input, with the in-place ops' autograd rules (ops/inplace.ts). */
export { inplace as applyInPlace } from './ops/inplace';
/** Cross-entropy's plain negative log-likelihood as one primitive (nn's crossEntropy and nllLoss). */
export { nllRows } from './ops/nll';
/** PyTorch's no-promotion rule of matmul/conv/linear/norm layers: operands of different dtypes are refused, naming the op (dtype.ts). */
export { checkSameDtype } from './dtype';
/** The name a composed op's last node prints as grad_fn (PyTorch's node name; format.ts). */
export { printedAs } from './autograd/tape';
/** A kernel's reader of a tensor's row-major values whose copy buffer is made once, outside the kernel (compile: a replay allocates nothing). */
export { contigReader } from './ops/kernels';
/** Batch normalisation with the batch's statistics as one primitive (nn's F.batchNorm, training mode). */
export { batchNormTraining } from './ops/batch-norm';
export type { BatchNormTraining } from './ops/batch-norm';
