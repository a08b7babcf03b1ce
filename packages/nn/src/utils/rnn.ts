/**
 * Variable-length batches for the recurrent modules (PyTorch's `torch.nn.utils.rnn`): padding and
 * packing. A packed sequence stores the steps of all sequences time-major, longest first, so that step t
 * is the first `batchSizes[t]` rows after the previous steps' rows.
 */
import { Tensor, tensor, cat, stack, full, indexSelect, isFloating } from '@tapegrad/core';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';

const shp = (t: Tensor): string => `[${t.shape.join(', ')}]`;
const ints = (v: number[]): Tensor => tensor(v, { dtype: 'int32' });

/**
 * A batch of variable-length sequences packed for an RNN (PyTorch's `PackedSequence`): `data`
 * [sum of lengths, *], `batchSizes` (int32, one per step), and the permutation that sorted the batch by
 * length (`sortedIndices`, null when it was given sorted) with its inverse `unsortedIndices`.
 * Make one with `packPaddedSequence` or `packSequence`; RNN, LSTM and GRU accept it and return one.
 * @example
 * const p = packSequence([tensor([1, 2, 3], { dtype: 'float32' }), tensor([4], { dtype: 'float32' })]);
 * p.data.toArray(); // [1, 4, 2, 3]
 * p.batchSizes.toArray(); // [2, 1, 1]
 */
export class PackedSequence {
  /** @internal batchSizes as numbers. */
  readonly _sizes: number[];
  readonly unsortedIndices: Tensor | null;

  /** As PyTorch, unsortedIndices defaults to the inverse of sortedIndices. */
  constructor(
    readonly data: Tensor,
    readonly batchSizes: Tensor,
    readonly sortedIndices: Tensor | null = null,
    unsortedIndices: Tensor | null = null,
  ) {
    if (!(data instanceof Tensor) || data.ndim === 0) throw new TypeError('PackedSequence: data must be a Tensor of at least 1 dim');
    if (!(batchSizes instanceof Tensor) || batchSizes.ndim !== 1 || isFloating(batchSizes.dtype)) {
      throw new TypeError('PackedSequence: batchSizes must be a 1-D integer Tensor');
    }
    this._sizes = (batchSizes.toArray() as number[]).map(Number);
    const total = this._sizes.reduce((a, b) => a + b, 0);
    if (total !== data.shape[0] || this._sizes.some((b, i) => b <= 0 || (i > 0 && b > this._sizes[i - 1]))) {
      throw new RangeError(`PackedSequence: batchSizes [${this._sizes.join(', ')}] must be positive, non-increasing and sum to data's first dim ${data.shape[0]}`);
    }
    const B = this._sizes.length ? this._sizes[0] : 0;
    for (const [name, idx] of [['sortedIndices', sortedIndices], ['unsortedIndices', unsortedIndices]] as const) {
      if (idx === null || idx === undefined || (idx instanceof Tensor && idx.device !== 'cpu')) continue; // device indices: not read back here
      const v = idx instanceof Tensor && idx.ndim === 1 && !isFloating(idx.dtype) ? (idx.toArray() as number[]).map(Number) : null;
      if (!v || v.length !== B || new Set(v).size !== B || v.some((k) => !(k >= 0 && k < B))) {
        throw new RangeError(`PackedSequence: ${name} must be a permutation of 0..${B - 1} (a 1-D integer Tensor of the batch size ${B}), got ${idx instanceof Tensor ? `[${(idx.toArray() as unknown[]).join(', ')}]` : typeof idx}`);
      }
    }
    if (sortedIndices && !unsortedIndices) {
      const inv = new Array<number>(B);
      (sortedIndices.toArray() as number[]).forEach((k, i) => { inv[Number(k)] = i; });
      unsortedIndices = ints(inv);
    }
    this.unsortedIndices = unsortedIndices;
  }

  /**
   * The same batch with `data` converted to a dtype or moved to a device (PyTorch's `PackedSequence.to`);
   * the index tensors are kept as they are.
   * @example
   * const p64 = packSequence([a, b]).to('float64');
   */
  to(dtypeOrDevice: Parameters<Tensor['to']>[0]): PackedSequence {
    const data = this.data.to(dtypeOrDevice);
    return data === this.data ? this : new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }

  /** `to('float32')` (PyTorch's `PackedSequence.float()`). */
  float(): PackedSequence { return this.to('float32'); }

  /** `to('float64')` (PyTorch's `PackedSequence.double()`). */
  double(): PackedSequence { return this.to('float64'); }

  /** The sequence lengths in the original batch order. */
  lengths(): number[] {
    const B = this._sizes.length ? this._sizes[0] : 0;
    const sorted = Array.from({ length: B }, (_, j) => this._sizes.filter((b) => b > j).length);
    if (!this.unsortedIndices) return sorted;
    const inv = (this.unsortedIndices.toArray() as number[]);
    return inv.map((k) => sorted[k]);
  }
}

/** Rows of the [T·B, ...] padded layout that step t of the packed layout reads: t·B + j for j < b_t. */
function packedRows(sizes: number[], B: number): number[] {
  const rows: number[] = [];
  sizes.forEach((b, t) => { for (let j = 0; j < b; j++) rows.push(t * B + j); });
  return rows;
}

/**
 * For each position of the [T, B] padded layout, the packed row it comes from, or `fill` (the index of
 * an extra padding row) where the sequence has ended.
 */
export function paddedIndex(sizes: number[], B: number, T: number, fill: number): number[] {
  const idx = new Array<number>(T * B).fill(fill);
  let off = 0;
  sizes.forEach((b, t) => { for (let j = 0; j < b; j++) idx[t * B + j] = off + j; off += b; });
  return idx;
}

export interface PadSequenceOptions {
  /** Output [B, T, *] instead of [T, B, *] (default false). */
  batchFirst?: boolean;
  /** Value of the padding (default 0). */
  paddingValue?: number;
}

/**
 * Stacks sequences of shape [L_i, *] into one [T, B, *] tensor (T the longest L_i), padding the shorter
 * ones with `paddingValue` (PyTorch's `pad_sequence`). Differentiable.
 * @example
 * padSequence([ones([3, 2]), ones([1, 2])]).shape; // [3, 2, 2]
 * padSequence([ones([3]), ones([1])], { batchFirst: true }).toArray(); // [[1, 1, 1], [1, 0, 0]]
 */
export function padSequence(sequences: Tensor[], ...args: PositionalArgs<[], [batchFirst: boolean, paddingValue: number], PadSequenceOptions>): Tensor {
  const { batchFirst = false, paddingValue = 0 } = positionalOptions<PadSequenceOptions>('padSequence', args, [pos.boolean('batchFirst'), pos.number('paddingValue')]);
  if (!Array.isArray(sequences) || sequences.length === 0 || sequences.some((s) => !(s instanceof Tensor))) {
    throw new TypeError('padSequence: expected a non-empty array of Tensors');
  }
  const rest = sequences[0].shape.slice(1);
  for (const s of sequences) {
    if (s.ndim === 0) throw new RangeError(`padSequence: every sequence must have at least 1 dim ([L, *]), got a 0-D tensor; shapes ${sequences.map(shp).join(', ')}`);
    if (s.shape.slice(1).join() !== rest.join()) {
      throw new RangeError(`padSequence: every sequence must be [L, ${rest.join(', ')}] like the first; got shapes ${sequences.map(shp).join(', ')}`);
    }
  }
  const T = Math.max(...sequences.map((s) => s.shape[0]));
  const padded = sequences.map((s) => (s.shape[0] === T ? s : cat([s, full([T - s.shape[0], ...rest], paddingValue, { dtype: s.dtype })], 0)));
  return stack(padded, batchFirst ? 0 : 1);
}

export interface PackPaddedOptions {
  /** Input is [B, T, *] (default false: [T, B, *]). */
  batchFirst?: boolean;
  /** Require lengths in decreasing order (default true); false sorts the batch and records the permutation. */
  enforceSorted?: boolean;
}

/** Lengths given as an array or a 1-D tensor, as numbers. */
function lengthList(fn: string, lengths: number[] | Tensor): number[] {
  if (lengths instanceof Tensor) {
    if (lengths.ndim !== 1) throw new RangeError(`${fn}: 'lengths' should be a 1-D tensor or an array, got a ${lengths.ndim}-D tensor of shape ${shp(lengths)}`);
    return (lengths.toArray() as number[]).map(Number);
  }
  if (!Array.isArray(lengths)) throw new TypeError(`${fn}: 'lengths' should be an array of numbers or a 1-D tensor, got ${lengths === null ? 'null' : typeof lengths}`);
  return lengths.map(Number);
}

/**
 * Packs a padded batch [T, B, *] (or [B, T, *] with batchFirst) of sequences with the given lengths
 * (PyTorch's `pack_padded_sequence`). With enforceSorted (the default) the lengths must be decreasing.
 * @example
 * const p = packPaddedSequence(x, [3, 1]); // x [3, 2, 5]
 * const [out, hN] = new GRU(5, 8).call(p); // out is a PackedSequence
 */
export function packPaddedSequence(input: Tensor, lengths: number[] | Tensor, ...args: PositionalArgs<[], [batchFirst: boolean, enforceSorted: boolean], PackPaddedOptions>): PackedSequence {
  const { batchFirst = false, enforceSorted = true } = positionalOptions<PackPaddedOptions>('packPaddedSequence', args, [pos.boolean('batchFirst'), pos.boolean('enforceSorted')], undefined, 2);
  if (!(input instanceof Tensor) || input.ndim < 2) throw new RangeError(`packPaddedSequence: expected input of at least 2 dims ([T, B, *]), got ${input instanceof Tensor ? shp(input) : typeof input}`);
  const lens = lengthList('packPaddedSequence', lengths);
  const x = batchFirst ? input.transpose(0, 1) : input;
  const [T, B] = x.shape;
  if (lens.length !== B) throw new RangeError(`packPaddedSequence: expected len(lengths) to be equal to batch_size, but got ${lens.length} (batch_size=${B})`);
  if (lens.some((l) => !Number.isInteger(l) || l <= 0)) throw new RangeError(`packPaddedSequence: length of all samples has to be a positive integer, got lengths [${lens.join(', ')}]`);
  if (Math.max(...lens) > T) throw new RangeError(`packPaddedSequence: a length ${Math.max(...lens)} exceeds the padded length ${T} of the input ${shp(input)}`);
  let order: number[] | null = null;
  if (enforceSorted) {
    if (lens.some((l, i) => i > 0 && l > lens[i - 1])) {
      throw new RangeError(`packPaddedSequence: lengths [${lens.join(', ')}] must be sorted in decreasing order when enforceSorted is true; pass { enforceSorted: false } to sort the batch`);
    }
  } else {
    order = lens.map((_, i) => i).sort((a, b) => lens[b] - lens[a] || a - b);
  }
  const sortedLens = order ? order.map((i) => lens[i]) : lens;
  const xs = order ? indexSelect(x, 1, ints(order)) : x;
  const sizes: number[] = [];
  for (let t = 0; t < sortedLens[0]; t++) sizes.push(sortedLens.filter((l) => l > t).length);
  const flat = xs.reshape([T * B, ...x.shape.slice(2)]);
  const data = indexSelect(flat, 0, ints(packedRows(sizes, B)));
  const inverse = order ? order.map((_, i) => order.indexOf(i)) : null;
  return new PackedSequence(data, ints(sizes), order ? ints(order) : null, inverse ? ints(inverse) : null);
}

/**
 * Packs a list of sequences [L_i, *] (PyTorch's `pack_sequence`): padSequence then packPaddedSequence.
 * @example
 * const p = packSequence([a, b, c], { enforceSorted: false });
 */
export function packSequence(sequences: Tensor[], ...args: PositionalArgs<[], [enforceSorted: boolean], { enforceSorted?: boolean }>): PackedSequence {
  const { enforceSorted = true } = positionalOptions<{ enforceSorted?: boolean }>('packSequence', args, [pos.boolean('enforceSorted')]);
  return packPaddedSequence(padSequence(sequences), sequences.map((s) => s.shape[0]), { enforceSorted });
}

export interface PadPackedOptions {
  /** Output [B, T, *] (default false: [T, B, *]). */
  batchFirst?: boolean;
  /** Value of the padding (default 0). */
  paddingValue?: number;
  /** Pad to this many steps (at least the longest sequence) instead of the longest length (null: the longest). */
  totalLength?: number | null;
}

/**
 * Unpacks a PackedSequence into a padded batch and the lengths, in the original batch order (PyTorch's
 * `pad_packed_sequence`); returns `[padded, lengths]` (lengths int32).
 * @example
 * const [padded, lengths] = padPackedSequence(out, { batchFirst: true });
 */
export function padPackedSequence(sequence: PackedSequence, ...args: PositionalArgs<[], [batchFirst: boolean, paddingValue: number, totalLength: number | null], PadPackedOptions>): [Tensor, Tensor] {
  const { batchFirst = false, paddingValue = 0, totalLength: total } = positionalOptions<PadPackedOptions>('padPackedSequence', args, [pos.boolean('batchFirst'), pos.number('paddingValue'), pos.nullableNumber('totalLength')]);
  const totalLength = total ?? undefined;
  if (!(sequence instanceof PackedSequence)) throw new TypeError('padPackedSequence: expected a PackedSequence');
  const sizes = sequence._sizes;
  const maxLen = sizes.length;
  if (totalLength !== undefined && (!Number.isInteger(totalLength) || totalLength < maxLen)) {
    throw new RangeError(`padPackedSequence: expected totalLength to be at least the length of the longest sequence in the input, but got totalLength=${totalLength} and max sequence length being ${maxLen}`);
  }
  const T = totalLength ?? maxLen;
  const B = sizes.length ? sizes[0] : 0;
  const { data } = sequence;
  const rest = data.shape.slice(1);
  const withPad = cat([data, full([1, ...rest], paddingValue, { dtype: data.dtype })], 0);
  let padded = indexSelect(withPad, 0, ints(paddedIndex(sizes, B, T, data.shape[0]))).reshape([T, B, ...rest]);
  if (sequence.unsortedIndices) padded = indexSelect(padded, 1, sequence.unsortedIndices);
  return [batchFirst ? padded.transpose(0, 1) : padded, ints(sequence.lengths())];
}

/**
 * Splits a padded batch [T, B, *] ([B, T, *] with batchFirst) back into its B sequences [L_i, *], the
 * inverse of padSequence (PyTorch's `unpad_sequence`). Differentiable.
 * @example
 * const [a, b] = unpadSequence(padSequence([ones([3, 2]), ones([1, 2])]), [3, 1]); // [3, 2] and [1, 2]
 */
export function unpadSequence(paddedSequences: Tensor, lengths: number[] | Tensor, ...args: PositionalArgs<[], [batchFirst: boolean], { batchFirst?: boolean }>): Tensor[] {
  const { batchFirst = false } = positionalOptions<{ batchFirst?: boolean }>('unpadSequence', args, [pos.boolean('batchFirst')], undefined, 2);
  if (!(paddedSequences instanceof Tensor) || paddedSequences.ndim < 2) {
    throw new RangeError(`unpadSequence: expected a padded batch of at least 2 dims ([T, B, *]), got ${paddedSequences instanceof Tensor ? shp(paddedSequences) : typeof paddedSequences}`);
  }
  const lens = lengthList('unpadSequence', lengths);
  const x = batchFirst ? paddedSequences : paddedSequences.transpose(0, 1);
  const [B, T] = x.shape;
  if (lens.length !== B) throw new RangeError(`unpadSequence: expected one length per sequence (batch size ${B} of ${shp(paddedSequences)}), got ${lens.length}`);
  return lens.map((l, i) => {
    if (!Number.isInteger(l) || l < 0 || l > T) throw new RangeError(`unpadSequence: length ${l} of sequence ${i} is not an integer in [0, ${T}] (the padded length of ${shp(paddedSequences)})`);
    return x.select(0, i).narrow(0, 0, l);
  });
}

/**
 * The sequences [L_i, *] of a PackedSequence in its original batch order (PyTorch's `unpack_sequence`),
 * the inverse of packSequence. Differentiable.
 * @example
 * unpackSequence(packSequence([a, b, c], { enforceSorted: false })); // [a, b, c]
 */
export function unpackSequence(packedSequences: PackedSequence): Tensor[] {
  if (!(packedSequences instanceof PackedSequence)) throw new TypeError('unpackSequence: expected a PackedSequence');
  const [padded, lengths] = padPackedSequence(packedSequences, { batchFirst: true });
  return unpadSequence(padded, lengths, { batchFirst: true });
}
