/**
 * Pooling and resampling in `nn.functional`: core's ops under PyTorch's `F.` names
 * (`F.maxPool2d` is `F.max_pool2d`, `F.interpolate`, `F.pixelShuffle`, ...).
 */
export {
  maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d,
  maxUnpool1d, maxUnpool2d, interpolate, pixelShuffle, pixelUnshuffle,
} from '@tapegrad/core';
export type {
  PoolSize, AdaptiveSize, MaxPoolOptions, AvgPoolOptions, AvgPool2dOptions, AdaptiveMaxPoolOptions, MaxUnpoolOptions,
  InterpolateMode, InterpolateOptions,
} from '@tapegrad/core';
