/**
 * Node-only part of @tapegrad/data (reads files): the `mnist` package's 10,000 digits and IDX files.
 * Import from '@tapegrad/data/node'; the main entry '@tapegrad/data' stays browser-safe.
 * @packageDocumentation
 */
export { loadDigits, loadDigitsBytes, findMnistPackage, parseDigitsJson, digitsSplitIndices, DIGIT_PIXELS } from './digits';
export type { Digits, DigitsBytes, LoadDigitsOptions } from './digits';
export { readIdx, encodeIdx } from './idx';
export type { IdxArray, IdxData } from './idx';
export { loadMnistDir, MNIST_CLASSES, FASHION_MNIST_CLASSES } from './mnist-dir';
export type { ImageSplit, MnistData, LoadMnistDirOptions } from './mnist-dir';
