/** Builds the chosen toy data set and splits it into training and test points. */
import { Generator, randperm, type Tensor } from '@tapegrad/core';
import { makeBlobs, makeCircles, makeMoons, makeXor, type ToyData } from '@tapegrad/data';
import type { PlaygroundConfig } from './config';

/** Training and test points of one run, plus the square of the plane the page shows. */
export interface SplitData {
  xTrain: Tensor; // float32 [nTrain, 2]
  yTrain: Tensor; // int32 [nTrain]
  xTest: Tensor;
  yTest: Tensor;
  numClasses: number;
  /** The view is [-extent, extent] on both axes, centred on `center`. */
  center: [number, number];
  extent: number;
}

/** Human names for the select element (the slides' wording). */
export const DATASET_LABELS: Record<PlaygroundConfig['dataset'], string> = {
  blobs: 'Gaussian clouds',
  circles: 'Circles',
  moons: 'Moons',
  xor: 'XOR',
};

function makeToy(config: PlaygroundConfig, generator: Generator): ToyData {
  const n = config.points;
  switch (config.dataset) {
    // Two clouds at (-1, -1) and (1, 1): linearly separable while the std stays below about 0.6.
    case 'blobs': return makeBlobs({ n, centers: [[-1, -1], [1, 1]], std: config.noise, generator });
    case 'circles': return makeCircles({ n, noise: config.noise, factor: 0.5, generator });
    case 'moons': return makeMoons({ n, noise: config.noise, generator });
    // A gap around the axes so that the four quadrants read clearly before noise blurs them.
    case 'xor': return makeXor({ n, noise: config.noise, margin: 0.1, generator });
  }
}

/**
 * The data of a run: `config.points` points of `config.dataset` (seeded by `config.seed`), a random
 * `testFraction` of them held out for testing (at least one point on each side).
 * @example
 * const d = makeSplit(resolveConfig({ dataset: 'moons' }));
 * d.xTrain.shape; // [280, 2]
 */
export function makeSplit(config: PlaygroundConfig): SplitData {
  const generator = new Generator(config.seed);
  const { x, y } = makeToy(config, generator);
  const n = x.shape[0];
  const nTest = Math.min(n - 1, Math.max(1, Math.round(n * config.testFraction)));
  const perm = randperm(n, { generator });
  const testIdx = perm.narrow(0, 0, nTest);
  const trainIdx = perm.narrow(0, nTest, n - nTest);

  // Centre the view on the data's bounding box, with a margin, so every set fills the canvas.
  const xy = x.dataSync();
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, xy[2 * i]); maxX = Math.max(maxX, xy[2 * i]);
    minY = Math.min(minY, xy[2 * i + 1]); maxY = Math.max(maxY, xy[2 * i + 1]);
  }
  const labels = y.dataSync();
  let numClasses = 0;
  for (let i = 0; i < n; i++) numClasses = Math.max(numClasses, labels[i] + 1);

  return {
    xTrain: x.indexSelect(0, trainIdx),
    yTrain: y.indexSelect(0, trainIdx),
    xTest: x.indexSelect(0, testIdx),
    yTest: y.indexSelect(0, testIdx),
    numClasses: Math.max(2, numClasses),
    center: [(minX + maxX) / 2, (minY + maxY) / 2],
    extent: (Math.max(maxX - minX, maxY - minY) / 2) * 1.15,
  };
}
