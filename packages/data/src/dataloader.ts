import { Generator, defaultGenerator, randperm } from '@tapegrad/core';
import { unknownOptionError } from '@tapegrad/core/internal';
import { defaultCollate, type Collated, type CollateFn } from './collate';
import { hasGetBatch } from './dataset';

/** Anything with a length and indexed items; every {@link Dataset} qualifies. */
export interface MapDataset<T> {
  readonly length: number;
  getItem(i: number): T;
}

/** Options of {@link DataLoader}; names and defaults follow `torch.utils.data.DataLoader`. */
export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1). Must be a positive integer. */
  batchSize?: number;
  /** Draw a fresh random order of the items at the start of every epoch (default false). */
  shuffle?: boolean;
  /** Source of randomness for `shuffle`; the global generator (see `manualSeed`) when omitted. */
  generator?: Generator;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Merges a list of items into a batch (default {@link defaultCollate}). */
  collate?: CollateFn<T, B>;
  /** Alias of `collate` (PyTorch's `collate_fn`). */
  collateFn?: CollateFn<T, B>;
  /** Accepted for ported code and ignored: loading is single-process (PyTorch's results do not depend on it). */
  numWorkers?: number;
}

const OPTION_KEYS = ['batchSize', 'shuffle', 'generator', 'dropLast', 'collate', 'collateFn', 'numWorkers'];

/**
 * Iterates a dataset in batches, like `torch.utils.data.DataLoader` (single process, map-style).
 * Each `for ... of` is one epoch; with `shuffle` every epoch draws a new permutation from the generator.
 * When no `collate` is given and the dataset has a `getBatch` method (a {@link TensorDataset}, or a
 * {@link Subset} of one), batches are gathered with one `indexSelect` per tensor instead of stacking
 * rows one by one.
 *
 * @example
 * ```ts
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true, generator: new Generator(0) });
 * for (const [xb, yb] of loader) { ... }   // loader.length batches per epoch
 * ```
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: MapDataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | undefined;
  private readonly collate: CollateFn<T, B> | undefined;

  /**
   * @param options the options, or a number: PyTorch's positional `batch_size` (`new DataLoader(ds, 64)`).
   *   Unknown keys (e.g. snake_case `batch_size`) are errors rather than silently falling back to defaults.
   */
  constructor(dataset: MapDataset<T>, options: DataLoaderOptions<T, B> | number = {}) {
    if (dataset === null || typeof dataset !== 'object' || typeof dataset.getItem !== 'function' || typeof dataset.length !== 'number') {
      throw new TypeError('DataLoader: dataset must be a Dataset (an object with a numeric length and a getItem(i) method)');
    }
    if (typeof options === 'number') options = { batchSize: options };
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new TypeError(`DataLoader: options must be an object { ${OPTION_KEYS.join(', ')} } or a batch size, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
    }
    for (const k of Object.keys(options)) {
      if (!OPTION_KEYS.includes(k)) throw unknownOptionError('DataLoader', k, OPTION_KEYS);
    }
    const { batchSize = 1, shuffle = false, generator, dropLast = false, numWorkers = 0 } = options;
    if (options.collate !== undefined && options.collateFn !== undefined) throw new TypeError('DataLoader: give collate or collateFn, not both');
    const collate = options.collate ?? options.collateFn;
    if (typeof numWorkers !== 'number' || !Number.isInteger(numWorkers) || numWorkers < 0) {
      throw new RangeError(`DataLoader: numWorkers option should be a non-negative integer, got ${String(numWorkers)}`);
    }
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`DataLoader: batchSize should be a positive integer value, but got batchSize=${String(batchSize)}`);
    }
    if (typeof shuffle !== 'boolean') throw new TypeError(`DataLoader: shuffle should be a boolean value, but got shuffle=${String(shuffle)}`);
    if (typeof dropLast !== 'boolean') throw new TypeError(`DataLoader: dropLast should be a boolean value, but got dropLast=${String(dropLast)}`);
    if (collate !== undefined && typeof collate !== 'function') throw new TypeError('DataLoader: collate must be a function');
    if (generator !== undefined && (generator === null || typeof (generator as { random?: unknown }).random !== 'function')) {
      throw new TypeError('DataLoader: generator must be a Generator');
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
    this.collate = collate;
  }

  /** Number of batches per epoch: ceil(n / batchSize), or floor with `dropLast`. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The item order of one epoch: 0..n-1, or a fresh permutation when shuffling. */
  private epochOrder(n: number): Int32Array {
    if (!this.shuffle) {
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      return order;
    }
    // RandomSampler: with no generator, torch seeds a fresh one from the global stream (an int64 random_()).
    const generator = this.generator ?? new Generator(defaultGenerator.nextUint64() % (1n << 63n));
    const data = randperm(n, { generator }).dataSync();
    return data instanceof Int32Array ? data : Int32Array.from(data);
  }

  // A generator function runs lazily, so (as in PyTorch) the epoch's permutation is drawn at the first next().
  *[Symbol.iterator](): Iterator<B> {
    const n = this.dataset.length;
    const batches = this.length;
    // torch's _BaseDataLoaderIter draws its workers' base seed (an int64 random_()) from the loader's
    // generator, or the global one, at every epoch, shuffled or not; single-process loading has no use
    // for it, but drawing it keeps every later number (the permutation, dropout masks) torch's.
    (this.generator ?? defaultGenerator).nextUint64();
    const order = this.epochOrder(n);
    const ds = this.dataset;
    const fast = this.collate === undefined && hasGetBatch<B>(ds) ? ds : null;
    const collate = this.collate ?? (defaultCollate as unknown as CollateFn<T, B>);
    for (let b = 0; b < batches; b++) {
      const idx = order.slice(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize));
      if (fast) {
        yield fast.getBatch(idx);
      } else {
        const items: T[] = new Array(idx.length);
        for (let j = 0; j < idx.length; j++) items[j] = ds.getItem(idx[j]);
        yield collate(items);
      }
    }
  }
}
