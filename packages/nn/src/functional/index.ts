/**
 * `nn.functional` (also exported as `F`): stateless versions of the layers, activations and losses.
 * @example
 * import { F } from '@tapegrad/nn';
 * const loss = F.crossEntropy(F.linear(F.relu(F.linear(x, w1, b1)), w2, b2), labels);
 * @packageDocumentation
 */
export { relu, leakyRelu, elu, gelu, sigmoid, tanh, softplus, silu, step, softmax, logSoftmax } from './activation';
export { linear, bilinear } from './linear';
export { dropout } from './dropout';
export { batchNorm, layerNorm } from './normalization';
export type { BatchNormOptions, LayerNormOptions } from './normalization';
export { embedding } from './embedding';
export {
  mseLoss, l1Loss, huberLoss, smoothL1Loss, binaryCrossEntropy, binaryCrossEntropyWithLogits, nllLoss, crossEntropy,
} from './loss';
export type {
  Reduction, ReductionOptions, HuberOptions, SmoothL1Options, BCEOptions, BCEWithLogitsOptions, NLLOptions, CrossEntropyOptions,
} from './loss';
// distribution and margin losses (issue 14)
export { klDiv, poissonNllLoss, gaussianNllLoss } from './distribution-loss';
export type { KLDivOptions, PoissonNLLOptions, GaussianNLLOptions } from './distribution-loss';
export {
  marginRankingLoss, hingeEmbeddingLoss, softMarginLoss, cosineEmbeddingLoss, tripletMarginLoss, multiLabelSoftMarginLoss,
  multiMarginLoss,
} from './margin-loss';
export type { MarginOptions, TripletMarginOptions, MultiLabelSoftMarginOptions, MultiMarginOptions } from './margin-loss';
// pooling, resampling, normalisation, channel dropout (issue 12)
export * from './pooling';
export { groupNorm, instanceNorm } from './normalization';
export type { GroupNormOptions, InstanceNormOptions } from './normalization';
export { dropout1d, dropout2d } from './dropout';
// convolution (issue 12)
export { conv1d, conv2d, convTranspose1d, convTranspose2d, unfold, fold, pad } from './conv';
export type { ConvOptions, ConvTransposeOptions, UnfoldOptions, SizeArg, PadMode, PadOptions, ConvPadding } from './conv';
// attention (issue 13)
export { scaledDotProductAttention } from './attention';
export type { ScaledDotProductAttentionOptions } from './attention';
// distances (issue 13): core's ops, under torch.nn.functional's names too
export { cosineSimilarity, pairwiseDistance } from '@tapegrad/core';
// activations (audit3)
export { hardtanh, relu6, threshold, celu, selu, mish, hardswish, hardsigmoid, tanhshrink, softshrink, hardshrink, softsign, logsigmoid, glu, prelu } from './activation-extra';
// more torch.nn modules (nnmore7)
export { rrelu } from './activation-extra';
export type { RReLUOptions } from './activation-extra';
export { dropout3d, alphaDropout, featureAlphaDropout } from './dropout';
export { multilabelMarginLoss, tripletMarginWithDistanceLoss } from './margin-loss';
export type { DistanceFunction, TripletMarginWithDistanceOptions } from './margin-loss';
export { localResponseNorm } from './normalization';
export type { LocalResponseNormOptions } from './normalization';
export { channelShuffle } from './shuffle';
// softmin and the softmax dtype option (conform7)
export { softmin } from './activation';
export type { SoftmaxOptions } from './activation';
