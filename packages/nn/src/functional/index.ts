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
// attention (issue 13)
export { scaledDotProductAttention } from './attention';
export type { ScaledDotProductAttentionOptions } from './attention';
