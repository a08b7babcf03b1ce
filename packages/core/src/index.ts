/**
 * @tapegrad/core — tensors over strided storage, PyTorch's op set, and a global tape for reverse-mode
 * autodiff (`backward()`, `grad()`, `noGrad`, `gradcheck`).
 * @packageDocumentation
 */
export { Tensor, isTensor } from './tensor';
export type { TensorLike, NestedArray, Scalar } from './tensor';
export type { DType, TypedArray, FloatArray } from './dtype';
export { getDefaultDtype, setDefaultDtype, isFloating, promote as promoteTypes } from './dtype';
export { broadcastShapes } from './shape';
export { Generator, manualSeed, defaultGenerator } from './random';
export {
  tensor, zeros, ones, full, empty, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, randLike, randnLike, randint, randperm,
} from './creation';
export type { TensorOptions, RandomOptions } from './creation';

export { noGrad, enableGrad, isGradEnabled, setGradEnabled, detectAnomaly, isAnomalyEnabled } from './autograd/grad-mode';
export { Node, tapePosition } from './autograd/tape';
export type { Vjp, BackwardOptions } from './autograd/tape';
export { grad } from './autograd/functional';
export type { GradOptions } from './autograd/functional';
export { defineFunction, FunctionContext } from './autograd/function';
export type { FunctionSpec } from './autograd/function';
export { gradcheck, gradgradcheck } from './autograd/gradcheck';
export type { GradcheckOptions, GradcheckReport, InputReport } from './autograd/gradcheck';

export {
  add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr,
} from './ops/binary';
export {
  neg, exp, expm1, log, log1p, sqrt, rsqrt, abs, sign, sin, cos, tanh, sigmoid, erf, relu, clamp,
  floor, ceil, round, step, isnan, isinf, isfinite, logicalNot, square, reciprocal,
} from './ops/unary';
export { leakyRelu, elu, gelu, softplus, softmax, logSoftmax } from './ops/activation';
export type { SoftmaxOptions, SoftmaxArgs } from './ops/activation';
export {
  sum, mean, prod, variance as var, std, logsumexp, amax, amin, argmax, argmin, all, any, sumTo,
} from './ops/reduce';
export type { ValuesIndices, VarOptions, ReduceOptions, ReduceArgs, ProdArgs } from './ops/reduce';
export {
  reshape, view, flatten, permute, transpose, t, expand, narrow, select, squeeze, unsqueeze,
  split, chunk, clone, cat, stack,
} from './ops/view';
export { where, gather, scatterAdd, indexSelect, maskedFill, oneHot } from './ops/indexing';
export { matmul, mm, bmm, dot } from './ops/matmul';
export { cast } from './ops/cast';
export { linear } from './ops/linear';
// convolution (issue 12)
export { conv1d, conv2d, convTranspose1d, convTranspose2d, unfold, fold } from './ops/conv';
export type { ConvOptions, ConvTransposeOptions, UnfoldOptions, ConvPadding, SizeArg } from './ops/conv';
export { pad } from './ops/pad';
export type { PadMode, PadOptions } from './ops/pad';
// attention and transformers (issue 13)
export { layerNorm } from './ops/layer-norm';

import { Tensor } from './tensor';
import { maxAll, minAll, maxDim, minDim, ValuesIndices } from './ops/reduce';
/** `max(x)` is the largest value; `max(x, dim)` gives `{ values, indices }`. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? maxAll(x) : maxDim(x, dim, keepdim);
}
/** `min(x)` is the smallest value; `min(x, dim)` gives `{ values, indices }`. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? minAll(x) : minDim(x, dim, keepdim);
}
export { encodeSafetensors, decodeSafetensors, SafetensorsError, DEFAULT_MAX_HEADER_BYTES } from './io/safetensors';
export type { SafetensorsDType, RawTensor, RawDType, RawData, DecodedSafetensors, DecodeSafetensorsOptions } from './io/safetensors';
// Raw kernels and Storage live in the internal entry (packaging, issue 18): @tapegrad/core/internal.
export { setKernelBackend, kernelBackend, setKernelThreads, kernelThreads, setRelaxedSimd, relaxedSimdActive } from './kernels/gemm';
export { toDot, toMermaid } from './autograd/graph';
export type { GraphOptions } from './autograd/graph';
// scans, sorting, triangles, reordering, einsum, norms, baddbmm (issue 13)
export { cumsum, cumprod } from './ops/scan';
export type { ScanOptions, ScanArgs } from './ops/scan';
export { sort, argsort, topk, kthvalue } from './ops/sort';
export type { SortOptions, SortArgs, TopkOptions, TopkArgs, KthvalueOptions, KthvalueArgs } from './ops/sort';
export { tril, triu, diagonal, diagEmbed } from './ops/triangle';
export type { TriangleOptions, TriangleArgs, DiagonalOptions, DiagonalArgs } from './ops/triangle';
export { flip, roll, repeatInterleave } from './ops/reorder';
export type { RepeatInterleaveOptions, RepeatInterleaveArgs, Repeats, RollOptions, RollArgs } from './ops/reorder';
export { einsum } from './ops/einsum';
export { norm, cosineSimilarity, pairwiseDistance, linalg } from './ops/norm';
export type { NormDims, NormOptions, NormArgs, VectorNormOptions, VectorNormArgs, CosineSimilarityOptions, PairwiseDistanceOptions } from './ops/norm';
export { baddbmm } from './ops/matmul';
export type { BaddbmmOptions } from './ops/matmul';
// pooling and resampling (issue 12)
export {
  maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d,
  maxUnpool1d, maxUnpool2d,
} from './ops/pooling';
export type { PoolSize, AdaptiveSize, MaxPoolOptions, AvgPoolOptions, AvgPool2dOptions, AdaptiveMaxPoolOptions, MaxUnpoolOptions } from './ops/pooling';
export { interpolate, pixelShuffle, pixelUnshuffle } from './ops/resample';
export type { InterpolateMode, InterpolateOptions } from './ops/resample';
// recurrent cells (issue 13)
export { lstmCell, gruCell, unbind, sharedLinear } from './ops/rnn-cell';
export { lstmLayer } from './ops/rnn-layer'; // recurrent layer as one primitive (issue 13)
export type { LstmLayerOptions } from './ops/rnn-layer';
// memory (issue 15): the engine's buffer pool
export { setBufferPool, bufferPoolEnabled, clearPool } from './pool';
// compile (issue 15): trace-and-guard stage of a compiled step
export { compile } from './compile/compile';
export type { CompileOptions, CompileStats, CompileFallback, CompiledFunction, TrainingFlagged } from './compile/compile';
// webgpu device (issue 17, preview): `await webgpu.init()`, then tensors with { device: 'webgpu' }
export { webgpu } from './webgpu/index';
export type { WebGpuCounters, Device } from './webgpu/index';
// rounding division and moduli (audit3)
export { floorDivide, remainder, fmod } from './ops/binary';
export { repeat, movedim } from './ops/view';
export { nonzero, nonzeroTuple, scatter, indexAdd } from './ops/indexing';
export { logspace } from './creation';
export { median } from './ops/median';
export type { MedianOptions } from './ops/median'; // options types (audit18)
export type { AlphaOptions } from './ops/binary';
export type { DivOptions, RoundingMode } from './ops/binary';
export type { GradHook, RemovableHandle } from './autograd/hooks';
// tutorials port: Python's step slicing x[:, a:b:c], cat/stack's dim= keyword
export { slice } from './ops/view';
export type { CatOptions } from './ops/view';
export { isclose, allclose, equal } from './ops/close';
export type { CloseOptions } from './ops/close';
// sampling (conform8): torch.multinomial, torch.bernoulli, torch.seed / initial_seed
export { multinomial, bernoulli } from './ops/sampling';
export type { MultinomialOptions, MultinomialArgs, BernoulliOptions, BernoulliArgs } from './ops/sampling';
export { seed, initialSeed } from './random';
// autograd introspection (conform8): grad_fn.next_functions
export { AccumulateGrad } from './autograd/next-functions';
export type { NextFunction } from './autograd/next-functions';
// issue-13 conformance (audit13c): einsum's sublist form
export type { EinsumSublist } from './ops/einsum';
// porting ops (ops8): lerp, index writes, take/put, swapdims (in-place forms are Tensor methods)
export { lerp } from './ops/lerp';
export { indexFill, indexCopy, indexPut, maskedScatter, take, put } from './ops/index-write';
export type { AccumulateArg } from './ops/index-write';
export { transpose as swapdims, transpose as swapaxes } from './ops/view';
