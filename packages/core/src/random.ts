/**
 * Seedable pseudo-random numbers: PyTorch's CPU generator, so that a seed gives the numbers torch gives.
 * The engine is the 32-bit Mersenne Twister (mt19937) seeded as ATen's `mt19937(seed)` (the low 32 bits of
 * the 64-bit seed), and the draws are ATen's: `random()` is one 32-bit output, `random64()` two (the first
 * is the high word). The transformations from raw draws to values (24 bits for a float32 uniform, 53 for a
 * float64 one, Box–Muller with a cached second value, `% range` for integers) live here and, for whole
 * tensors (normal_fill's blocks of 16, randperm's swaps), in random-fill.ts, each following its ATen kernel.
 */
import { noteRandomDraw } from './compile/hooks'; // compile (issue 15)
import { noteUncapturable, runKernel } from './compile/capture'; // compile (issue 15)

/** c10's default_rng_seed_val: the seed of a `torch.Generator()` nobody seeded. */
const DEFAULT_SEED = 67280421310721;
const N = 624;
const M = 397;
const TWO32 = 4294967296;

export class Generator {
  private mt = new Uint32Array(N);
  private next = 0;
  private left = 1;
  /** ATen's next_double_normal_sample: the sine half of the last Box–Muller pair, or null. */
  private spare: number | null = null;
  private seed0: number | bigint = 0;

  /** `new Generator()` starts from torch.Generator()'s default seed, 67280421310721. */
  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /**
   * Re-seeds the generator (like `torch.Generator.manual_seed`). Returns itself for chaining.
   * As in PyTorch the seed is a 64-bit integer: negative seeds wrap to `2^64 + seed`, so `-1` and
   * `2n ** 64n - 1n` seed the same stream. A number must be a safe integer (JS cannot tell 2^53 from
   * 2^53 + 1); larger seeds go in as a bigint in [-2^63, 2^64). The same seed gives the same stream as
   * `torch.Generator().manual_seed(seed)`.
   *
   * @example
   * const g = new Generator().manualSeed(-1); // same stream as manualSeed(2n ** 64n - 1n)
   */
  manualSeed(seed: number | bigint): this {
    const u = seedToUint64(seed, 'manualSeed');
    // compile (issue 15): a kernel, so that a replayed step reseeds where eager mode does
    runKernel(() => this.seedWith(u));
    return this;
  }

  private seedWith(u: bigint): void {
    this.seed0 = u <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(u) : u;
    // ATen's mt19937::init_with_uint32: the low 32 bits, then Knuth's recurrence
    const mt = this.mt;
    mt[0] = Number(u & 0xffffffffn);
    for (let j = 1; j < N; j++) {
      const p = mt[j - 1] ^ (mt[j - 1] >>> 30);
      mt[j] = (Math.imul(1812433253, p) + j) >>> 0;
    }
    this.left = 1;
    this.next = 0;
    this.spare = null;
  }

  private twist(): void {
    const mt = this.mt;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (mt[kk + 1] & 1 ? 0x9908b0df : 0);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (mt[kk + 1] & 1 ? 0x9908b0df : 0);
    }
    const y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (mt[0] & 1 ? 0x9908b0df : 0);
    this.left = N;
    this.next = 0;
  }

  /** The seed as PyTorch reports it: the unsigned 64-bit value (a bigint when above 2^53 - 1). */
  initialSeed(): number | bigint {
    return this.seed0;
  }

  // sampling (conform8)
  /**
   * Re-seeds from a fresh non-deterministic seed and returns it, like `torch.Generator.seed()` (torch reads
   * 64 bits from /dev/urandom; this draws 53 from `crypto.getRandomValues`, or `Math.random` where there is
   * none, so that the seed stays an exact JS number). `manualSeed(thatSeed)` replays the stream.
   * @example
   * const s = g.seed(); const a = rand([3], { generator: g });
   * g.manualSeed(s); // rand([3], { generator: g }) equals a again
   */
  seed(): number {
    // compile (issue 15): a fresh seed is a value a replay would not draw again
    noteUncapturable('Generator.seed inside a compiled step (a replay would reuse the seed drawn at capture)');
    const s = freshSeed();
    this.manualSeed(s);
    return s;
  }

  /** Next raw 32-bit unsigned integer (ATen's `random()`). */
  nextUint32(): number {
    noteRandomDraw(); // compile (issue 15)
    if (--this.left === 0) this.twist();
    let y = this.mt[this.next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * Uniform in [0, 1) with 53 random bits: ATen's `uniform_real_distribution<double>`, the low 53 bits of
   * `random64()` (two draws, the first the high word) times 2^-53.
   */
  random(): number {
    const hi = this.nextUint32() & 0x1fffff;
    const lo = this.nextUint32();
    return (hi * TWO32 + lo) / 9007199254740992;
  }

  /** Uniform in [0, 1) with 24 random bits, exact in float32: ATen's `uniform_real_distribution<float>` (one draw). */
  randomFloat32(): number {
    return (this.nextUint32() & 0xffffff) / 16777216;
  }

  /**
   * Standard normal: ATen's `normal_distribution<double>` (Box–Muller on two float64 uniforms, the sine
   * half kept for the next call, as torch keeps it in the generator).
   */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u1 = this.random();
    const u2 = this.random();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * Uniform integer in [low, high): ATen's `random_from_to`, `(draw % range) + low` with one 32-bit draw,
   * or a 64-bit one when the range reaches 2^32.
   */
  randint(low: number, high: number): number {
    const range = high - low;
    if (range < TWO32) return low + (this.nextUint32() % range);
    return low + Number(this.nextUint64() % BigInt(range));
  }

  /** A 64-bit draw (ATen's `random64()`), as a bigint: what `torch.empty((), dtype=torch.int64).random_()` reads. */
  nextUint64(): bigint {
    const hi = BigInt(this.nextUint32());
    return (hi << 32n) | BigInt(this.nextUint32());
  }

  getState(): number[] {
    // compile (issue 15): a state read in a step is a JS value a replay could not take again
    noteUncapturable('Generator.getState inside a compiled step (a replay would not read the state again)');
    // a seed above 2^53 - 1 is kept as the nearest number so that the state stays JSON-able; it only
    // feeds initialSeed(), the stream itself is in the twister's words
    return [...this.mt, this.next, this.left, this.spare === null ? NaN : this.spare, Number(this.seed0)];
  }

  setState(state: readonly number[]): void {
    if (!Array.isArray(state) || state.length !== N + 4) throw new TypeError('Generator.setState: expected the array returned by getState()');
    const st = state.slice(); // compile (issue 15): a kernel, so a replayed step sets it where eager mode does
    runKernel(() => {
      for (let i = 0; i < N; i++) this.mt[i] = st[i] >>> 0;
      this.next = st[N];
      this.left = st[N + 1];
      this.spare = Number.isNaN(st[N + 2]) ? null : st[N + 2];
      this.seed0 = st[N + 3];
    });
  }
}

const TWO64 = 1n << 64n;

/** PyTorch's seed rule: a 64-bit integer, negative ones taken modulo 2^64. */
function seedToUint64(seed: number | bigint, fn: string): bigint {
  let b: bigint;
  if (typeof seed === 'bigint') b = seed;
  else if (typeof seed !== 'number' || !Number.isInteger(seed))
    throw new TypeError(`${fn}: expected an integer seed, got ${String(seed)}`);
  else if (!Number.isSafeInteger(seed))
    throw new RangeError(
      `${fn}: seed ${seed} is beyond Number.MAX_SAFE_INTEGER, where JS numbers are not exact; pass a bigint`,
    );
  else b = BigInt(seed);
  if (b < -(1n << 63n) || b >= TWO64)
    throw new RangeError(`${fn}: seed ${b} is outside the 64-bit range [-2^63, 2^64) (PyTorch: Overflow when unpacking long)`);
  return b < 0n ? b + TWO64 : b;
}

/** The global generator used when no `generator` option is given (torch's default CPU generator; seed 0 until {@link manualSeed}). */
export const defaultGenerator = new Generator(0);

/** Seeds the global generator, like `torch.manual_seed` (seeds as {@link Generator.manualSeed}). */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

// sampling (conform8)
/** A non-deterministic 53-bit seed (browser-safe: the Web Crypto API where present). */
function freshSeed(): number {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  const w = new Uint32Array(2);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(w);
  else { w[0] = Math.floor(Math.random() * TWO32); w[1] = Math.floor(Math.random() * TWO32) ^ (Date.now() >>> 0); }
  return (w[0] & 0x1fffff) * TWO32 + (w[1] >>> 0);
}

/**
 * Seeds the global generator from a fresh non-deterministic seed and returns it, like `torch.seed()`.
 * @example const s = seed(); // later: manualSeed(s) replays the same numbers
 */
export function seed(): number {
  return defaultGenerator.seed();
}

/** The global generator's seed, like `torch.initial_seed()` (0 until {@link manualSeed} or {@link seed}). */
export function initialSeed(): number | bigint {
  return defaultGenerator.initialSeed();
}
