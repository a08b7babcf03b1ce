/**
 * Loads the data set named on the command line as train and test tensors.
 */
import type { Tensor } from '@tapegrad/core';
import { makeBlobs, makeCircles, makeMoons, makeXor, type ToyData } from '@tapegrad/data';
import { loadDigits, loadMnistDir } from '@tapegrad/data/node';
import { datasetLabel, isImageData, type DatasetSpec } from './args';

/** Inputs float32 [N, features] and labels int32 [N]. */
export interface Split {
  x: Tensor;
  y: Tensor;
}

export interface LoadedData {
  /** As written on the command line ('digits', 'moons', 'mnist-dir=...'). */
  label: string;
  train: Split;
  test: Split;
  inputSize: number;
  numClasses: number;
  classes: string[];
  /** True for the 2-D toy sets (they get a decision-boundary plot). */
  twoD: boolean;
}

export interface DataOptions {
  /** Seed of the toy data; the digits split is fixed (seed 0) so every run is scored on the same 2,000 digits. */
  seed: number;
  /** Points generated for a toy set (75% train, 25% test). */
  samples: number;
  /** Toy-set noise; null for the set's default. */
  noise: number | null;
  /** Keep only the first N train / test examples; null: all. */
  limit: number | null;
  testLimit: number | null;
}

/** Default noise per toy set: enough overlap that the boundary matters, little enough to be learnable. */
export const TOY_NOISE = { blobs: 0.8, circles: 0.1, moons: 0.2, xor: 0.1 } as const;

/** The three centres of the blobs set: one per class. */
const BLOB_CENTERS: [number, number][] = [[-2, -1.5], [2, -1.5], [0, 2]];

function head(s: Split, n: number | null): Split {
  if (n === null || n >= s.x.shape[0]) return s;
  return { x: s.x.narrow(0, 0, n).contiguous(), y: s.y.narrow(0, 0, n).contiguous() };
}

function toy(spec: DatasetSpec, o: DataOptions): ToyData {
  const n = o.samples;
  switch (spec.kind) {
    case 'blobs': return makeBlobs({ n, centers: BLOB_CENTERS, std: o.noise ?? TOY_NOISE.blobs, seed: o.seed });
    case 'circles': return makeCircles({ n, noise: o.noise ?? TOY_NOISE.circles, seed: o.seed });
    case 'moons': return makeMoons({ n, noise: o.noise ?? TOY_NOISE.moons, seed: o.seed });
    case 'xor': return makeXor({ n, noise: o.noise ?? TOY_NOISE.xor, seed: o.seed });
    default: throw new Error(`not a toy data set: ${datasetLabel(spec)}`);
  }
}

/**
 * Loads `spec`: the digits (8,000 / 2,000 stratified split of the `mnist` package's 10,000 digits), the
 * MNIST IDX files of a folder (60,000 / 10,000), or a toy 2-D set (shuffled points, first 75% for training).
 *
 * @example
 * const data = loadData({ kind: 'moons' }, { seed: 0, samples: 1000, noise: null, limit: null, testLimit: null });
 * data.train.x.shape; // [750, 2]
 */
export function loadData(spec: DatasetSpec, o: DataOptions): LoadedData {
  const label = datasetLabel(spec);
  let train: Split, test: Split, numClasses: number, classes: string[];
  if (spec.kind === 'digits') {
    const tr = loadDigits({ split: 'train' });
    const te = loadDigits({ split: 'test' });
    train = { x: tr.images, y: tr.labels };
    test = { x: te.images, y: te.labels };
    numClasses = 10;
    classes = Array.from({ length: 10 }, (_, i) => String(i));
  } else if (spec.kind === 'mnist-dir') {
    const m = loadMnistDir(spec.path);
    train = { x: m.train.images, y: m.train.labels };
    test = { x: m.test.images, y: m.test.labels };
    numClasses = m.classes.length;
    classes = [...m.classes];
  } else {
    const d = toy(spec, o);
    const n = d.x.shape[0];
    const nTrain = Math.round(0.75 * n);
    train = { x: d.x.narrow(0, 0, nTrain).contiguous(), y: d.y.narrow(0, 0, nTrain).contiguous() };
    test = { x: d.x.narrow(0, nTrain, n - nTrain).contiguous(), y: d.y.narrow(0, nTrain, n - nTrain).contiguous() };
    numClasses = spec.kind === 'blobs' ? BLOB_CENTERS.length : 2;
    classes = Array.from({ length: numClasses }, (_, i) => String(i));
  }
  train = head(train, o.limit);
  test = head(test, o.testLimit);
  return { label, train, test, inputSize: train.x.shape[1], numClasses, classes, twoD: !isImageData(spec) };
}
