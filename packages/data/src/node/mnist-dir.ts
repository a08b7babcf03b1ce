import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tensor, type Tensor } from '@tapegrad/core';
import { readIdx, type IdxArray } from './idx';

/** Class names of Fashion-MNIST, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Class names of MNIST, by label. */
export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Images and labels of one split. */
export interface ImageSplit {
  /** float32 [N, rows * cols] in [0, 1] (byte / 255), or [N, rows, cols] with `flatten: false`. */
  images: Tensor;
  /** int32 [N], values 0..9. */
  labels: Tensor;
}

/** What {@link loadMnistDir} returns. */
export interface MnistData {
  train: ImageSplit;
  test: ImageSplit;
  /** Class names by label (digits for MNIST, clothing names for Fashion-MNIST). */
  classes: readonly string[];
}

/** Options of {@link loadMnistDir}. */
export interface LoadMnistDirOptions {
  /** 'mnist' (default) or 'fashion' (Fashion-MNIST: same files, other class names). */
  kind?: 'mnist' | 'fashion';
  /** Flatten images to [N, rows * cols] (default true). */
  flatten?: boolean;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;
type FileKey = keyof typeof FILES;

/** File names tried for one IDX file: as published, gzipped, and Kaggle's "train-images.idx3-ubyte" spelling. */
function fileVariants(base: string): string[] {
  const dotted = base.replace('-idx', '.idx');
  return [base, `${base}.gz`, dotted, `${dotted}.gz`];
}

const PIXEL_SCALE = Float32Array.from({ length: 256 }, (_, b) => b / 255);

function toSplit(images: IdxArray, labels: IdxArray, imgPath: string, lblPath: string, flatten: boolean, kindName: string): ImageSplit {
  if (images.magic !== 0x00000803) {
    throw new Error(`loadMnistDir: ${imgPath} has magic number 0x${images.magic.toString(16).padStart(8, '0')} but ${kindName} images need 0x00000803 (unsigned bytes, 3 dims)`);
  }
  if (labels.magic !== 0x00000801) {
    throw new Error(`loadMnistDir: ${lblPath} has magic number 0x${labels.magic.toString(16).padStart(8, '0')} but ${kindName} labels need 0x00000801 (unsigned bytes, 1 dim)`);
  }
  const [n, rows, cols] = images.shape;
  const nLabels = labels.shape[0];
  if (n !== nLabels) throw new Error(`loadMnistDir: ${imgPath} holds ${n} images but ${lblPath} holds ${nLabels} labels; the counts must match`);
  const px = images.data as Uint8Array;
  const lb = labels.data as Uint8Array;
  const out = new Float32Array(px.length);
  for (let i = 0; i < px.length; i++) out[i] = PIXEL_SCALE[px[i]];
  const lab = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (lb[i] > 9) throw new Error(`loadMnistDir: ${lblPath} has label ${lb[i]} at index ${i}; expected 0..9`);
    lab[i] = lb[i];
  }
  return {
    images: tensor(out, { dtype: 'float32' }).reshape(flatten ? [n, rows * cols] : [n, rows, cols]),
    labels: tensor(lab, { dtype: 'int32' }),
  };
}

/**
 * Loads MNIST or Fashion-MNIST from the four standard IDX files (train-images-idx3-ubyte,
 * train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; each may be gzipped with a
 * `.gz` suffix, or spelled "train-images.idx3-ubyte"). The files are looked for in `dir`, `dir/raw` and
 * torchvision's layout `dir/MNIST/raw` (`dir/FashionMNIST/raw` for kind 'fashion').
 * Images become float32 in [0, 1] (byte / 255, like torchvision's ToTensor), flattened to [N, 784].
 *
 * @example
 * ```ts
 * const { train, test } = loadMnistDir('data/mnist');
 * train.images.shape; // [60000, 784]
 * ```
 */
export function loadMnistDir(dir: string, options: LoadMnistDirOptions = {}): MnistData {
  const { kind = 'mnist', flatten = true } = options;
  if (kind !== 'mnist' && kind !== 'fashion') throw new TypeError(`loadMnistDir: kind must be 'mnist' or 'fashion', got ${String(kind)}`);
  if (typeof dir !== 'string') throw new TypeError('loadMnistDir: dir must be a path string');
  const kindName = kind === 'mnist' ? 'MNIST' : 'Fashion-MNIST';
  const dirs = [dir, join(dir, 'raw'), join(dir, kind === 'mnist' ? 'MNIST' : 'FashionMNIST', 'raw')];

  const found = {} as Record<FileKey, string>;
  const missing: string[] = [];
  for (const key of Object.keys(FILES) as FileKey[]) {
    const names = fileVariants(FILES[key]);
    const hit = dirs.flatMap((d) => names.map((f) => join(d, f))).find((p) => existsSync(p));
    if (hit) found[key] = hit;
    else missing.push(names.join(' or '));
  }
  if (missing.length > 0) {
    throw new Error(`loadMnistDir: missing ${kindName} file(s): looked for ${missing.join('; ')} in ${dirs.join(', ')}`);
  }
  const read = (key: FileKey): IdxArray => readIdx(found[key]);
  return {
    train: toSplit(read('trainImages'), read('trainLabels'), found.trainImages, found.trainLabels, flatten, kindName),
    test: toSplit(read('testImages'), read('testLabels'), found.testImages, found.testLabels, flatten, kindName),
    classes: kind === 'mnist' ? MNIST_CLASSES : FASHION_MNIST_CLASSES,
  };
}
