/**
 * @tapegrad/nn — PyTorch's `torch.nn` for tapegrad: Module and Parameter, layers, activations, losses,
 * `functional` (alias `F`), `init` and `utils`.
 * @example
 * import { Module, Linear, ReLU, F } from '@tapegrad/nn';
 * class SimpleNN extends Module {
 *   fc1 = new Linear(784, 128);
 *   fc2 = new Linear(128, 10);
 *   relu = new ReLU();
 *   forward(x: Tensor) { return this.fc2.call(this.relu.call(this.fc1.call(x))); }
 * }
 * const model = new SimpleNN();
 * const loss = F.crossEntropy(model.call(x), labels);
 * loss.backward();
 * @packageDocumentation
 */
export { Module, isModule } from './module';
export type {
  Member, ForwardHook, ForwardPreHook, RemovableHandle, LoadStateDictResult, LoadStateDictOptions, StateDict,
} from './module';
export { Parameter, isParameter } from './parameter';
export { Sequential, ModuleList, ModuleDict } from './container';
export { Linear, Bilinear, Identity } from './linear';
export type { LinearOptions } from './linear';
export { Flatten, Unflatten } from './flatten';
export { Maxout } from './maxout';
export { ReLU, LeakyReLU, ELU, GELU, Sigmoid, Tanh, Softplus, SiLU, Step, Softmax, LogSoftmax } from './activation';
export { Dropout } from './dropout';
export { BatchNorm, BatchNorm1d, BatchNorm2d, LayerNorm } from './normalization';
export type { BatchNormOptions, LayerNormOptions } from './normalization';
export { Embedding } from './embedding';
export {
  Loss, MSELoss, L1Loss, HuberLoss, SmoothL1Loss, BCELoss, BCEWithLogitsLoss, NLLLoss, CrossEntropyLoss,
} from './loss';
export type { Reduction } from './functional/loss';
// distribution and margin losses (issue 14)
export { KLDivLoss, PoissonNLLLoss, GaussianNLLLoss } from './distribution-loss';
export {
  TripletInputLoss, MarginRankingLoss, CosineEmbeddingLoss, TripletMarginLoss, HingeEmbeddingLoss, SoftMarginLoss,
  MultiLabelSoftMarginLoss, MultiMarginLoss,
} from './margin-loss';
export { summary } from './utils/summary';
// convolution (issue 12)
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, Unfold, Fold } from './conv';
export type { ConvModuleOptions, ConvTransposeModuleOptions, PaddingMode } from './conv';
export {
  ZeroPad2d, ConstantPad1d, ConstantPad2d, ReflectionPad1d, ReflectionPad2d, ReplicationPad1d, ReplicationPad2d,
} from './padding';
// recurrent layers (issue 13)
export { RNNBase, RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell } from './rnn';
export type { RNNBaseOptions, RNNOptions, LSTMOptions, RNNCellOptions } from './rnn';
// attention and transformers (issue 13)
export { MultiheadAttention } from './attention';
export type { MultiheadAttentionOptions, MultiheadAttentionForwardOptions, MultiheadAttentionForwardArgs } from './attention'; // ForwardArgs: conform8
export { TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder, Transformer } from './transformer';
export type {
  TransformerActivation, TransformerLayerOptions, TransformerOptions, TransformerForwardOptions, TransformerDecoderLayerForwardOptions, TransformerEncoderOptions,
} from './transformer';
export { deepCopy } from './deep-copy';

export * as functional from './functional';
export * as F from './functional';
export * as init from './init';
export * as utils from './utils';
// pooling, resampling, normalisation, channel dropout (issue 12)
export {
  MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d,
  MaxUnpool1d, MaxUnpool2d,
} from './pooling';
export type { PoolResult, MaxPoolLayerOptions, AvgPoolLayerOptions, AvgPool2dLayerOptions, MaxUnpoolLayerOptions } from './pooling';
export { NormBase, BatchNorm3d, InstanceNorm, InstanceNorm1d, InstanceNorm2d, GroupNorm } from './normalization';
export type { InstanceNormOptions, GroupNormOptions } from './normalization';
export { Dropout1d, Dropout2d } from './dropout';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d } from './upsampling';
export type { UpsampleOptions } from './upsampling';
export { PixelShuffle, PixelUnshuffle } from './pixelshuffle';
// activations and parameter containers (audit3)
export { ParameterList, ParameterDict } from './parameter-container';
export { Hardtanh, ReLU6, Threshold, CELU, SELU, Mish, Hardswish, Hardsigmoid, Tanhshrink, Softsign, LogSigmoid, Softshrink, Hardshrink, GLU, PReLU } from './activation-extra';
// more torch.nn modules (nnmore7)
export { CosineSimilarity, PairwiseDistance } from './distance';
export { Softmax2d, RReLU } from './activation-extra';
export { LPPool1d, LPPool2d } from './pooling';
export { MultiLabelMarginLoss, TripletMarginWithDistanceLoss } from './margin-loss';
export { Dropout3d, AlphaDropout, FeatureAlphaDropout } from './dropout';
export { LocalResponseNorm } from './normalization';
export { ChannelShuffle } from './pixelshuffle';
export { ConstantPad3d, ReflectionPad3d, ReplicationPad3d } from './padding';
// softmin (conform7)
export { Softmin } from './activation';
