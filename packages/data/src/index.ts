/**
 * @tapegrad/data: datasets, data loaders and toy data sets with the semantics of `torch.utils.data`.
 * Browser-safe; file readers (MNIST digits, IDX files) live in '@tapegrad/data/node'.
 * @packageDocumentation
 */
export { Dataset, TensorDataset, Subset, ConcatDataset, hasGetBatch } from './dataset';
export type { BatchDataset } from './dataset';
export { randomSplit, splitLengths } from './random-split';
export { defaultCollate } from './collate';
export type { Collated, CollateFn } from './collate';
export { DataLoader } from './dataloader';
export type { DataLoaderOptions, MapDataset } from './dataloader';
export { makeBlobs } from './toy/blobs';
export type { BlobsOptions } from './toy/blobs';
export { makeCircles } from './toy/circles';
export type { CirclesOptions } from './toy/circles';
export { makeMoons } from './toy/moons';
export { makeXor } from './toy/xor';
export type { XorOptions } from './toy/xor';
export type { ToyData, ToyOptions } from './toy/common';
