/**
 * Seedable pseudo-random numbers. xoshiro128** seeded through splitmix32: fast, 32-bit, reproducible
 * across platforms. It is not PyTorch's Mersenne Twister, so seeds give different streams than torch.
 */
import { noteRandomDraw } from './compile/hooks'; // compile (issue 15)
import { noteUncapturable, runKernel } from './compile/capture'; // compile (issue 15)

export class Generator {
  private s = new Uint32Array(4);
  private spare: number | null = null;
  private seed0: number | bigint = 0;

  constructor(seed: number | bigint = 0) {
    this.manualSeed(seed);
  }

  /**
   * Re-seeds the generator (like `torch.Generator.manual_seed`). Returns itself for chaining.
   * As in PyTorch the seed is a 64-bit integer: negative seeds wrap to `2^64 + seed`, so `-1` and
   * `2n ** 64n - 1n` seed the same stream. A number must be a safe integer (JS cannot tell 2^53 from
   * 2^53 + 1); larger seeds go in as a bigint in [-2^63, 2^64).
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
    // non-negative safe seeds keep the stream they had before bigint seeds existed
    let x = Number(u & 0xffffffffn);
    x = (x + Number((u >> 32n) & 0xffffffffn)) >>> 0;
    for (let i = 0; i < 4; i++) {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
    this.spare = null;
  }

  /** The seed as PyTorch reports it: the unsigned 64-bit value (a bigint when above 2^53 - 1). */
  initialSeed(): number | bigint {
    return this.seed0;
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    noteRandomDraw(); // compile (issue 15)
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). */
  randint(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }

  getState(): number[] {
    // compile (issue 15): a state read in a step is a JS value a replay could not take again
    noteUncapturable('Generator.getState inside a compiled step (a replay would not read the state again)');
    // a seed above 2^53 - 1 is kept as the nearest number so that the state stays JSON-able; it only
    // feeds initialSeed(), the stream itself is in s
    return [...this.s, this.spare === null ? NaN : this.spare, Number(this.seed0)];
  }

  setState(state: readonly number[]): void {
    if (!Array.isArray(state) || state.length !== 6) throw new TypeError('Generator.setState: expected the array returned by getState()');
    const st = state.slice(); // compile (issue 15): a kernel, so a replayed step sets it where eager mode does
    runKernel(() => {
      for (let i = 0; i < 4; i++) this.s[i] = st[i] >>> 0;
      this.spare = Number.isNaN(st[4]) ? null : st[4];
      this.seed0 = st[5];
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

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The global generator used when no `generator` option is given. */
export const defaultGenerator = new Generator(0);

/** Seeds the global generator, like `torch.manual_seed` (seeds as {@link Generator.manualSeed}). */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}
