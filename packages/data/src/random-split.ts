import { randperm, type Generator } from '@tapegrad/core';
import { Subset, type Dataset } from './dataset';

/**
 * Resolves `lengths` the way PyTorch >= 1.13 does: fractions summing to 1 become counts
 * floor(n * frac), and the remainder is handed out one by one, round-robin from the first split.
 */
export function splitLengths(n: number, lengths: readonly number[]): number[] {
  if (!Array.isArray(lengths) || lengths.length === 0) throw new TypeError('randomSplit: lengths must be a non-empty array of counts or fractions');
  lengths.forEach((l, i) => {
    if (typeof l !== 'number' || !Number.isFinite(l) || l < 0) throw new RangeError(`randomSplit: length at index ${i} must be a non-negative number, got ${String(l)}`);
  });
  const total = lengths.reduce((a, b) => a + b, 0);
  let counts: number[];
  if (Math.abs(total - 1) <= 1e-9 && total <= n) {
    // Same tolerance idea as Python's math.isclose(sum, 1).
    lengths.forEach((frac, i) => {
      if (frac > 1) throw new RangeError(`randomSplit: fraction at index ${i} is not between 0 and 1, got ${frac}`);
    });
    counts = lengths.map((frac) => Math.floor(n * frac));
    const remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length] += 1;
  } else {
    lengths.forEach((l, i) => {
      if (!Number.isInteger(l)) {
        throw new RangeError(`randomSplit: length at index ${i} is ${l}; lengths must be integer counts, or fractions that sum to 1 (they sum to ${total})`);
      }
    });
    counts = [...lengths];
  }
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum !== n) {
    throw new RangeError(`randomSplit: sum of input lengths (${sum}) does not equal the length of the input dataset (${n})`);
  }
  return counts;
}

/**
 * Splits a dataset into non-overlapping random subsets that together cover it, like
 * `torch.utils.data.random_split`. `lengths` are counts summing to the dataset length, or fractions
 * summing to 1 (PyTorch >= 1.13 rules: floor each, give the remainder round-robin). The order comes from
 * `randperm(n, { generator })`, so a seeded generator gives the same split every run.
 *
 * @example
 * ```ts
 * const [train, val] = randomSplit(ds, [0.8, 0.2], new Generator(42)); // or { generator: new Generator(42) }
 * ```
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generatorOrOptions?: Generator | { generator?: Generator }): Subset<T>[] {
  let generator = generatorOrOptions as Generator | undefined;
  // PyTorch's keyword form random_split(ds, lengths, generator=g) as an options object.
  if (generatorOrOptions !== undefined && generatorOrOptions !== null && typeof (generatorOrOptions as Generator).random !== 'function') {
    const keys = typeof generatorOrOptions === 'object' ? Object.keys(generatorOrOptions) : [];
    if (typeof generatorOrOptions !== 'object' || keys.some((k) => k !== 'generator')) {
      throw new TypeError(`randomSplit: the third argument must be a Generator or { generator }, got ${typeof generatorOrOptions === 'object' ? `an object with keys ${keys.join(', ')}` : typeof generatorOrOptions}`);
    }
    generator = (generatorOrOptions as { generator?: Generator }).generator;
  }
  const n = dataset.length;
  const counts = splitLengths(n, lengths);
  const perm = randperm(n, { generator }).dataSync();
  const out: Subset<T>[] = [];
  let offset = 0;
  for (const c of counts) {
    out.push(new Subset(dataset, Array.from(perm.subarray(offset, offset + c))));
    offset += c;
  }
  return out;
}
