import { Tensor, tensor } from '@tapegrad/core';

/**
 * A map-style dataset: a fixed number of items addressed by index, like `torch.utils.data.Dataset`.
 * Subclasses implement {@link Dataset.getItem} and {@link Dataset.length}.
 *
 * @example
 * ```ts
 * class Squares extends Dataset<number> {
 *   get length() { return 10; }
 *   getItem(i: number) { return i * i; }
 * }
 * const loader = new DataLoader(new Squares(), { batchSize: 4 }); // batches are int32 tensors
 * ```
 */
export abstract class Dataset<T> implements Iterable<T> {
  /** Item `i`, for `0 <= i < length`. */
  abstract getItem(i: number): T;
  /** Number of items. */
  abstract get length(): number;

  /** Iterates the items in index order (PyTorch datasets are iterable through `__getitem__` too). */
  *[Symbol.iterator](): Iterator<T> {
    const n = this.length;
    for (let i = 0; i < n; i++) yield this.getItem(i);
  }
}

/**
 * A dataset that can hand out a whole batch at once. {@link DataLoader} uses `getBatch` instead of
 * fetching items one by one and collating them when no custom `collate` is given, so `getBatch(indices)`
 * must return exactly what `defaultCollate(indices.map(i => getItem(i)))` would.
 */
export interface BatchDataset<B> {
  getBatch(indices: Int32Array): B;
}

/** True when `ds` implements {@link BatchDataset}. */
export function hasGetBatch<B>(ds: unknown): ds is BatchDataset<B> {
  return typeof ds === 'object' && ds !== null && typeof (ds as { getBatch?: unknown }).getBatch === 'function';
}

/** Throws unless `i` is an integer in [-n, n); returns the non-negative index (negative counts from the end, as in Python). */
export function checkIndex(where: string, i: number, n: number): number {
  if (!Number.isInteger(i)) throw new TypeError(`${where}: index must be an integer, got ${String(i)}`);
  if (i < -n || i >= n) throw new RangeError(`${where}: index ${i} is out of range for a dataset of length ${n}`);
  return i < 0 ? i + n : i;
}

function indexTensor(indices: Int32Array): Tensor {
  return tensor(indices, { dtype: 'int32' });
}

/**
 * Wraps tensors that share their first dimension; item `i` is the tuple of each tensor's row `i`,
 * like `torch.utils.data.TensorDataset`. Rows are views (`select(0, i)`), not copies.
 *
 * A {@link DataLoader} over a `TensorDataset` (with the default collate) builds each batch with one
 * `indexSelect(0, indices)` per tensor instead of stacking rows.
 *
 * @example
 * ```ts
 * const ds = new TensorDataset(randn([100, 2]), randint(0, 2, [100]));
 * const [x0, y0] = ds.getItem(0); // shapes [2] and []
 * ```
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> extends Dataset<T> implements BatchDataset<T> {
  /** The wrapped tensors, in constructor order. */
  readonly tensors: T;
  private readonly n: number;

  constructor(...tensors: T) {
    super();
    if (tensors.length === 0) throw new TypeError('TensorDataset: expected at least one tensor');
    tensors.forEach((t, k) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${k} is not a Tensor`);
      if (t.ndim === 0) throw new RangeError(`TensorDataset: argument ${k} is a 0-d tensor; every tensor needs a first (sample) dimension`);
    });
    const n = tensors[0].shape[0];
    const bad = tensors.findIndex((t) => t.shape[0] !== n);
    if (bad >= 0) {
      const shapes = tensors.map((t) => `[${t.shape.join(', ')}]`).join(', ');
      throw new RangeError(
        `Size mismatch between tensors (TensorDataset): all tensors must have the same size in dim 0, ` +
          `got ${n} (argument 0) and ${tensors[bad].shape[0]} (argument ${bad}); shapes ${shapes}`,
      );
    }
    this.tensors = tensors;
    this.n = n;
  }

  get length(): number {
    return this.n;
  }

  getItem(i: number): T {
    const k = checkIndex('TensorDataset.getItem', i, this.n);
    return this.tensors.map((t) => t.select(0, k)) as T;
  }

  /** Rows `indices` of every tensor, gathered with `indexSelect(0, indices)`. */
  getBatch(indices: Int32Array): T {
    for (let j = 0; j < indices.length; j++) {
      const i = indices[j];
      if (i < 0 || i >= this.n) throw new RangeError(`TensorDataset.getBatch: index ${i} is out of range for a dataset of length ${this.n}`);
    }
    const idx = indexTensor(indices);
    return this.tensors.map((t) => t.indexSelect(0, idx)) as T;
  }
}

/**
 * The items of `dataset` at `indices`, in that order, like `torch.utils.data.Subset`.
 * Indices are checked against the dataset's length when the subset is built.
 *
 * @example
 * ```ts
 * const firstTen = new Subset(ds, Array.from({ length: 10 }, (_, i) => i));
 * ```
 */
export class Subset<T> extends Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: readonly number[];
  private readonly resolved: readonly number[];

  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    super();
    const n = dataset.length;
    const given = Array.from(indices);
    // As in PyTorch, where dataset[-1] is the last item, indices in [-n, n) are accepted; `indices` keeps
    // them as given and `copy` holds them resolved to [0, n).
    const copy = given.map((i, pos) => {
      if (!Number.isInteger(i)) throw new TypeError(`Subset: index at position ${pos} must be an integer, got ${String(i)}`);
      if (i < -n || i >= n) throw new RangeError(`Subset: index ${i} at position ${pos} is out of range for a dataset of length ${n}`);
      return i < 0 ? i + n : i;
    });
    this.dataset = dataset;
    this.indices = given;
    this.resolved = copy;
    const inner = dataset;
    if (hasGetBatch(inner)) {
      this.getBatch = (batch: Int32Array): unknown => {
        const mapped = new Int32Array(batch.length);
        for (let j = 0; j < batch.length; j++) mapped[j] = copy[checkIndex('Subset.getBatch', batch[j], copy.length)];
        return inner.getBatch(mapped);
      };
    }
  }

  get length(): number {
    return this.indices.length;
  }

  getItem(i: number): T {
    return this.dataset.getItem(this.resolved[checkIndex('Subset.getItem', i, this.resolved.length)]);
  }

  /**
   * Defined only when the wrapped dataset has `getBatch` (e.g. a {@link TensorDataset} split by
   * {@link randomSplit}), so that the DataLoader's fast path survives the split.
   */
  readonly getBatch?: (indices: Int32Array) => unknown;
}

/**
 * Several datasets one after the other, like `torch.utils.data.ConcatDataset`.
 *
 * @example
 * ```ts
 * const both = new ConcatDataset([trainSet, extraSet]); // length = sum of lengths
 * ```
 */
export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: readonly Dataset<T>[];
  /** Running totals: `cumulativeSizes[k]` = total length of datasets 0..k. */
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: readonly Dataset<T>[]) {
    super();
    if (datasets.length === 0) throw new TypeError('ConcatDataset: datasets should not be an empty iterable');
    let total = 0;
    this.cumulativeSizes = datasets.map((d) => (total += d.length));
    this.datasets = [...datasets];
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }

  getItem(i: number): T {
    const k = checkIndex('ConcatDataset.getItem', i, this.length);
    // Binary search for the first dataset whose running total exceeds k (bisect_right in PyTorch).
    let lo = 0, hi = this.cumulativeSizes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid] > k) hi = mid;
      else lo = mid + 1;
    }
    const start = lo === 0 ? 0 : this.cumulativeSizes[lo - 1];
    return this.datasets[lo].getItem(k - start);
  }
}
