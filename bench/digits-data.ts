/**
 * The digits of the digits-job row, loaded once and handed to every column: the `mnist` package's
 * 10,000 images through @tapegrad/data's `loadDigits` (fixed stratified 8,000 / 2,000 split, seed 0).
 * PyTorch gets the very same float32 pixels and labels through a raw binary file (see writeDigitsBin).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDigits, DIGIT_PIXELS } from '@tapegrad/data/node';

export interface DigitsArrays {
  /** [trainSize + testSize, 784] float32 in [0, 1], row-major: the train rows first, then the test rows. */
  images: Float32Array;
  /** [trainSize + testSize] labels 0..9. */
  labels: Int32Array;
  trainSize: number;
  testSize: number;
  pixels: number;
}

export function loadDigitsArrays(trainSize: number): DigitsArrays {
  const all = loadDigits({ split: 'all', trainSize, seed: 0 });
  const images = all.images.dataSync() as Float32Array;
  const labels = all.labels.dataSync() as Int32Array;
  return { images, labels, trainSize, testSize: labels.length - trainSize, pixels: DIGIT_PIXELS };
}

/** Raw little-endian files for bench/torch.py (numpy.fromfile): images float32, labels int32. */
export interface DigitsFiles {
  dir: string;
  images: string;
  labels: string;
  cleanup: () => void;
}

export function writeDigitsBin(d: DigitsArrays): DigitsFiles {
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-bench-digits-'));
  const images = join(dir, 'images.f32');
  const labels = join(dir, 'labels.i32');
  writeFileSync(images, new Uint8Array(d.images.buffer, d.images.byteOffset, d.images.byteLength));
  writeFileSync(labels, new Uint8Array(d.labels.buffer, d.labels.byteOffset, d.labels.byteLength));
  return { dir, images, labels, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
