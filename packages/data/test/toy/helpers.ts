import type { Tensor } from '@tapegrad/core';

/** Points of a [n, 2] tensor as [x, y] pairs. */
export function points(x: Tensor): [number, number][] {
  const d = x.dataSync();
  return Array.from({ length: x.shape[0] }, (_, i) => [d[2 * i], d[2 * i + 1]] as [number, number]);
}

export const labels = (y: Tensor): number[] => Array.from(y.dataSync());

export const count = (ys: number[], v: number): number => ys.filter((l) => l === v).length;
