/**
 * Sampling ops that return new tensors (torch.multinomial, torch.bernoulli), drawing from a Generator as
 * PyTorch 1.13's CPU code does (aten/src/ATen/native/Distributions.cpp, cpu/MultinomialKernel.cpp), so a
 * seed gives torch's samples. The per-element fills they use are in random-fill.ts and ops/inplace.ts.
 */
import { Tensor } from '../tensor';
import { isFloating } from '../dtype';
import { fmt } from '../shape';
import { Generator } from '../random';
import { multinomialWithReplacement } from '../random-fill';
import { record } from '../autograd/tape';
import { noGrad } from '../autograd/grad-mode';
import { zerosOf } from './cast';
import { argmax } from './reduce';
import { topk } from './sort';
import { generatorOf } from './inplace';
import { PositionalArgs, pos, positionalOptions } from '../positional-args';

export interface MultinomialOptions {
  /** Draw with replacement (default false: each category at most once per row). */
  replacement?: boolean;
  /** The generator to draw from (default: the global one). */
  generator?: Generator;
}
/** `multinomial(input, n)`, `(input, n, replacement)`, `(input, n, replacement, { generator })` or `(input, n, { replacement, generator })`. */
export type MultinomialArgs = PositionalArgs<[], [replacement: boolean], MultinomialOptions>;

export interface BernoulliOptions {
  /** One probability for every element instead of the input's values (torch.bernoulli(input, p)). */
  p?: number;
  /** The generator to draw from (default: the global one). */
  generator?: Generator;
}
/** `bernoulli(probs)`, `bernoulli(probs, { generator })`, `bernoulli(input, p)` or `bernoulli(input, p, { generator })`. */
export type BernoulliArgs = PositionalArgs<[], [p: number], BernoulliOptions>;

const FLOAT32_MAX_CONSECUTIVE_INT = 2 ** 24;

/**
 * Samples category indices from the rows of `input` (torch.multinomial): `input` is 1-D (one distribution) or
 * 2-D (one per row) of non-negative weights, not necessarily summing to 1; the result is int32 (torch: int64)
 * of shape `[numSamples]` or `[rows, numSamples]`. Without replacement each row's categories come out at most
 * once, drawn as torch does (the exponential race: `topk(p / q)` with `q` exponential(1), so later samples
 * are the less likely ones); with replacement, inverse-CDF sampling with one 53-bit uniform per sample. For
 * the same seed the indices are torch 1.13's. Without replacement, once a row's positive-weight categories
 * are used up torch (and so this) fills the remaining samples with zero-weight ones, in torch's (topk's) order.
 * @example
 * multinomial(tensor([0.1, 0.6, 0.3]), 2); // two distinct indices, 1 most likely first
 * multinomial(tensor([[1, 1], [0, 5]]), 4, true, { generator: new Generator(0) }); // shape [2, 4]; row 1 all 1s
 */
export function multinomial(input: Tensor, numSamples: number, ...args: MultinomialArgs): Tensor {
  if (!(input instanceof Tensor)) throw new TypeError('multinomial: expected a Tensor of probabilities');
  const opts = positionalOptions<MultinomialOptions>('multinomial', args, [pos.boolean('replacement')], ['replacement', 'generator'], 2);
  const replacement = opts.replacement ?? false;
  const g = generatorOf('multinomial', opts.generator === undefined ? undefined : { generator: opts.generator });
  if (input.ndim < 1 || input.ndim > 2) throw new RangeError(`multinomial: prob_dist must be 1 or 2 dim, got shape ${fmt(input.shape)}`);
  if (!isFloating(input.dtype)) throw new TypeError(`multinomial: only supports floating-point dtypes for input, got ${input.dtype}`);
  if (typeof numSamples !== 'number' || !Number.isInteger(numSamples)) throw new TypeError(`multinomial: numSamples must be an integer, got ${String(numSamples)}`);
  if (numSamples <= 0) throw new RangeError(`multinomial: cannot sample numSamples <= 0 samples (got ${numSamples})`);
  const categories = input.shape[input.ndim - 1];
  if (!replacement && numSamples > categories) {
    throw new RangeError(`multinomial: cannot sample numSamples > prob_dist.size(-1) samples without replacement (numSamples ${numSamples}, ${categories} categories in shape ${fmt(input.shape)})`);
  }
  if (categories > FLOAT32_MAX_CONSECUTIVE_INT) throw new RangeError(`multinomial: number of categories cannot exceed 2^24, got ${categories}`);
  const rows = input.ndim === 2 ? input.shape[0] : 1;
  const outShape = input.ndim === 2 ? [rows, numSamples] : [numSamples];
  return noGrad(() => {
    const p = input.detach();
    const vals = p.contiguous().dataSync() as Float32Array | Float64Array;
    if (!replacement) { // torch 1.13's fast path (later versions also take it for one sample with replacement)
      for (let i = 0; i < vals.length; i++) {
        if (!(vals[i] >= 0 && vals[i] < Infinity)) throw new RangeError(`multinomial: probability tensor contains either inf, NaN or element < 0 (got ${vals[i]} at flat index ${i})`);
      }
      checkRowSums(vals, rows, categories);
      // torch draws q into empty_like(input), which keeps the strides of a dense input: memory order
      const transposed = p.ndim === 2 && rows > 1 && categories > 1 && p.stride()[0] === 1 && p.stride()[1] === rows;
      const q = (transposed ? zerosOf([categories, rows], p.dtype).exponential_(1, g).t() : zerosOf(p.shape, p.dtype).exponential_(1, g));
      const race = p.div(q);
      return numSamples === 1 ? argmax(race, -1, true) : topk(race, numSamples).indices;
    }
    const round = p.dtype === 'float32' ? Math.fround : (v: number) => v;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < categories; j++) {
        const v = vals[r * categories + j];
        if (!(v >= 0)) throw new RangeError(`multinomial: invalid multinomial distribution (encountering probability entry < 0): ${v} at [${input.ndim === 2 ? `${r}, ` : ''}${j}]`);
        if (v === Infinity) throw new RangeError(`multinomial: invalid multinomial distribution (encountering probability entry = infinity or NaN) at [${input.ndim === 2 ? `${r}, ` : ''}${j}]`);
      }
    }
    checkRowSums(vals, rows, categories);
    const out = new Int32Array(rows * numSamples);
    multinomialWithReplacement(g, vals, rows, categories, numSamples, round, out);
    return Tensor._fromData(out, outShape, 'int32');
  });
}

function checkRowSums(vals: ArrayLike<number>, rows: number, categories: number): void {
  for (let r = 0; r < rows; r++) {
    let any = false;
    for (let j = 0; j < categories && !any; j++) any = vals[r * categories + j] > 0;
    if (!any) throw new RangeError(`multinomial: invalid multinomial distribution (sum of probabilities <= 0)${rows > 1 ? ` in row ${r}` : ''}`);
  }
}

/**
 * Draws 0/1 values (torch.bernoulli): `bernoulli(probs)` is 1 at each element with the probability that
 * element holds (in [0, 1]), `bernoulli(input, p)` with one probability p for all, shaped and typed like
 * `input`. torch's numbers for the same seed: float64 probabilities draw 53-bit uniforms, float32 ones
 * 24-bit uniforms, a number p 53-bit ones. As torch, the result of a `probs` that requires grad is in
 * the graph with a zero gradient (BernoulliBackward0).
 * @example
 * bernoulli(tensor([0.1, 0.9, 0.5]), { generator: new Generator(0) }); // 1 where each draw succeeds
 * bernoulli(zeros([2, 3]), 0.25); // each element 1 with probability 0.25
 */
export function bernoulli(input: Tensor, ...args: BernoulliArgs): Tensor {
  if (!(input instanceof Tensor)) throw new TypeError('bernoulli: expected a Tensor');
  const opts = positionalOptions<BernoulliOptions>('bernoulli', args, [pos.number('p')], ['p', 'generator'], 1);
  const gen = opts.generator === undefined ? undefined : { generator: opts.generator };
  if (!isFloating(input.dtype)) throw new TypeError(`bernoulli: expected a floating point tensor, got ${input.dtype}`);
  if (opts.p !== undefined) return noGrad(() => zerosOf(input.shape, input.dtype).bernoulli_(opts.p as number, gen));
  const out = noGrad(() => zerosOf(input.shape, input.dtype).bernoulli_(input, gen));
  return record('bernoulli', [input], out, () => [zerosOf(input.shape, input.dtype, input)]);
}
