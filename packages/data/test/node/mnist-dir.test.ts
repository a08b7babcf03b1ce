import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, loadMnistDir } from '@tapegrad/data/node';

const root = mkdtempSync(join(tmpdir(), 'tapegrad-mnistdir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes a tiny MNIST-shaped set: nTrain / nTest images of 28 x 28, pixel p of image i = (i + p) % 256. */
function writeSet(dir: string, nTrain: number, nTest: number, gz: boolean, overrides: Record<string, Uint8Array> = {}): void {
  mkdirSync(dir, { recursive: true });
  const images = (n: number) => encodeIdx([n, 28, 28], Uint8Array.from({ length: n * 784 }, (_, k) => (Math.floor(k / 784) + (k % 784)) % 256));
  const labels = (n: number) => encodeIdx([n], Uint8Array.from({ length: n }, (_, i) => i % 10));
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': images(nTrain),
    'train-labels-idx1-ubyte': labels(nTrain),
    't10k-images-idx3-ubyte': images(nTest),
    't10k-labels-idx1-ubyte': labels(nTest),
    ...overrides,
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
}

describe('loadMnistDir', () => {
  test('reads plain files into flattened [N, 784] float images in [0, 1] and int32 labels', () => {
    const dir = join(root, 'plain');
    writeSet(dir, 12, 5, false);
    const { train, test, classes } = loadMnistDir(dir);
    expect(train.images.shape).toEqual([12, 784]);
    expect(train.images.dtype).toBe('float32');
    expect(train.labels.shape).toEqual([12]);
    expect(train.labels.dtype).toBe('int32');
    expect(test.images.shape).toEqual([5, 784]);
    expect(Array.from(test.labels.dataSync())).toEqual([0, 1, 2, 3, 4]);
    const px = train.images.dataSync();
    // image 3, pixel 300: byte (3 + 300) % 256 = 47 -> 47 / 255
    expect(px[3 * 784 + 300]).toBeCloseTo(47 / 255, 6);
    expect(Math.max(...px)).toBeCloseTo(1, 6); // byte 255 -> 1
    expect(Math.min(...px)).toBe(0);
    expect(classes[7]).toBe('7');
  });

  test('reads gzipped files in torchvision layout, fashion class names, unflattened', () => {
    const dir = join(root, 'tv');
    writeSet(join(dir, 'FashionMNIST', 'raw'), 3, 2, true);
    const r = loadMnistDir(dir, { kind: 'fashion', flatten: false });
    expect(r.train.images.shape).toEqual([3, 28, 28]);
    expect(r.classes[9]).toBe('Ankle boot');
  });

  test('missing files: the error lists the files and directories looked in', () => {
    const dir = join(root, 'partial');
    writeSet(dir, 2, 2, false);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(() => loadMnistDir(empty)).toThrow(/missing MNIST file\(s\): looked for train-images-idx3-ubyte or train-images-idx3-ubyte.gz or train-images.idx3-ubyte or train-images.idx3-ubyte.gz; .*t10k-labels-idx1-ubyte.* in .*empty, .*empty\/raw, .*empty\/MNIST\/raw/);
  });

  test('wrong magic: labels where images belong', () => {
    const dir = join(root, 'swapped');
    writeSet(dir, 2, 2, false, { 'train-images-idx3-ubyte': encodeIdx([2], Uint8Array.of(1, 2)) });
    expect(() => loadMnistDir(dir)).toThrow(/train-images-idx3-ubyte has magic number 0x00000801 but MNIST images need 0x00000803/);
  });

  test('truncated image file', () => {
    const dir = join(root, 'trunc');
    writeSet(dir, 2, 2, false, { 't10k-images-idx3-ubyte': encodeIdx([2, 28, 28], new Uint8Array(2 * 784)).subarray(0, 1000) });
    expect(() => loadMnistDir(dir)).toThrow(/t10k-images-idx3-ubyte is truncated: the header declares dims \[2, 28, 28\]/);
  });

  test('label/image count mismatch', () => {
    const dir = join(root, 'mismatch');
    writeSet(dir, 4, 2, true, { 'train-labels-idx1-ubyte': encodeIdx([3], Uint8Array.of(1, 2, 3)) });
    expect(() => loadMnistDir(dir)).toThrow(/train-images-idx3-ubyte.gz holds 4 images but .*train-labels-idx1-ubyte.gz holds 3 labels/);
  });

  test('labels above 9', () => {
    const dir = join(root, 'biglabel');
    writeSet(dir, 2, 2, false, { 'train-labels-idx1-ubyte': encodeIdx([2], Uint8Array.of(1, 12)) });
    expect(() => loadMnistDir(dir)).toThrow(/label 12 at index 1; expected 0..9/);
  });
});
