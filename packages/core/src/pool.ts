/**
 * The engine's buffer pool: float32/float64 arrays the autograd engine knows to be dead (gradients
 * consumed during backward() and never handed out; a leaf's engine-private `.grad` dropped by an
 * optimizer's zeroGrad), kept by exact length and handed to the next allocation of that length.
 *
 * Only the engine gives buffers back (never user code, never a finalizer), and only buffers whose whole
 * lifetime it has seen, so a buffer in the pool is referenced by nothing that can still be read. The
 * rules for what may be given are in autograd/tape.ts and docs/design.md ("Memory").
 *
 * `allocate()` (dtype.ts) draws from the pool and zero-fills; `allocateUninit()` is for the kernels
 * that overwrite every element of their output (elementwise loops, GEMM with beta 0, copies).
 */
import type { TypedArray } from './dtype';
import { heldForArena, isArenaOwned } from './compile/capture';

/** Arrays shorter than this are not pooled: V8 allocates them cheaply (and small ones inside the heap). */
export const POOL_MIN_LENGTH = 64;
/** At most this many arrays per length, and this many bytes in all; beyond that a given array is left to the GC. */
const PER_CLASS = 8;
const MAX_BYTES = 64 * 1024 * 1024;

const f32 = new Map<number, Float32Array[]>();
const f64 = new Map<number, Float64Array[]>();
/** Every array now in the pool: a second give of the same array (an engine bug) must not make two owners. */
const inPool = new WeakSet<ArrayBufferLike>();
let bytes = 0;
let enabled = true;
let poison = false;
const stats = { given: 0, taken: 0, givenBytes: 0, takenBytes: 0 };

/**
 * Turns the engine's buffer recycling on (the default) or off. Off, every allocation is fresh, as
 * before the pool existed (for comparisons); results are the same either way.
 * @example
 * setBufferPool(false); // every tensor gets a fresh buffer
 */
export function setBufferPool(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError(`setBufferPool: expected a boolean, got ${typeof on}`);
  enabled = on;
  if (!on) clearPool();
}

/** Whether the engine recycles buffers (see {@link setBufferPool}). */
export function bufferPoolEnabled(): boolean {
  return enabled;
}

/** @internal Tests: fill every array with NaN as it enters the pool, so a buffer still in use shows up. */
export function _setPoolPoison(on: boolean): void {
  poison = on;
}

/** @internal Whether poison mode is on: allocateUninit then fills its fresh arrays with NaN too (dtype.ts). */
export function _poisonFresh(): boolean {
  return poison;
}

/** @internal Counters since start-up (tests, bench). */
export function _poolStats(): { given: number; taken: number; givenBytes: number; takenBytes: number; pooledBytes: number } {
  return { ...stats, pooledBytes: bytes };
}

/** Drops everything in the pool (to the GC). */
export function clearPool(): void {
  f32.clear();
  f64.clear();
  bytes = 0;
}

/** @internal Returns a dead array to the pool. The caller guarantees nothing can read or write it any more. */
export function poolGive(a: TypedArray): void {
  if (!enabled || a.length < POOL_MIN_LENGTH) return;
  // A compiled step's arena: its replays write these arrays, so nobody else may be handed them.
  if (isArenaOwned(a)) return;
  const isF32 = a instanceof Float32Array;
  if (!isF32 && !(a instanceof Float64Array)) return;
  // Only whole buffers: a view's buffer may hold other live data.
  if (a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return;
  if (inPool.has(a.buffer)) throw new Error('buffer pool: an array was given back twice (an engine bug)');
  if (bytes + a.byteLength > MAX_BYTES) return;
  const m = (isF32 ? f32 : f64) as Map<number, TypedArray[]>;
  let list = m.get(a.length);
  if (list === undefined) m.set(a.length, (list = []));
  if (list.length >= PER_CLASS) return;
  if (poison) a.fill(NaN);
  list.push(a);
  inPool.add(a.buffer);
  bytes += a.byteLength;
  stats.given++;
  stats.givenBytes += a.byteLength;
}

/** @internal An array of `n` elements from the pool with arbitrary contents, or undefined. */
export function poolTake(isF32: boolean, n: number): TypedArray | undefined {
  if (n < POOL_MIN_LENGTH || bytes === 0) return undefined;
  const list = (isF32 ? f32 : f64).get(n);
  if (list === undefined || list.length === 0) return undefined;
  let k = list.length - 1;
  while (k >= 0 && heldForArena(list[k])) k--; // compile: a kernel inside a capture gets none of its arena
  if (k < 0) return undefined;
  const a = list[k];
  list[k] = list[list.length - 1];
  list.pop();
  inPool.delete(a.buffer);
  bytes -= a.byteLength;
  stats.taken++;
  stats.takenBytes += a.byteLength;
  return a;
}

/** @internal Takes `arrays` out of the pool (a finished capture's arena: replays will write them). */
export function poolEvict(arrays: ReadonlySet<TypedArray>): void {
  for (const m of [f32, f64] as Map<number, TypedArray[]>[]) {
    for (const [n, list] of m) {
      const keep = list.filter((a) => !arrays.has(a));
      for (const a of list) if (arrays.has(a)) { inPool.delete(a.buffer); bytes -= a.byteLength; }
      if (keep.length === 0) m.delete(n);
      else m.set(n, keep);
    }
  }
}

/** @internal True while `buf` sits in the pool (tests). */
export function _inPool(a: TypedArray): boolean {
  return inPool.has(a.buffer);
}

// Births: which arrays were allocated during a backward walk. The engine gives back only arrays born
// in the walk it is running (never a forward value, a saved tensor or a caller's gradient), so each
// allocation made while a walk runs gets a serial number.
let walks = 0;
let serial = 0;
const bornAt = new WeakMap<ArrayBufferLike, number>();

/** @internal A backward walk starts (returns the serial to compare births with) or ends (`end`). */
export function _walkBegin(): number {
  walks++;
  return serial;
}
export function _walkEnd(): void {
  walks--;
}

/** @internal Called by allocate() for every new or reused float array. */
export function _noteBirth(a: TypedArray): void {
  if (walks > 0 && a.length >= POOL_MIN_LENGTH) bornAt.set(a.buffer, ++serial);
}

/** @internal webgpu (issue 17): a device storage's (empty) host array, so its gradients can be engine-private too. */
export function _noteDeviceBirth(a: TypedArray): void {
  if (walks > 0) bornAt.set(a.buffer, ++serial);
}

/** @internal Whether `a` was allocated (by allocate()) after serial `s`, i.e. inside the walk that began at `s`. */
export function _bornAfter(a: TypedArray, s: number): boolean {
  const b = bornAt.get(a.buffer);
  return b !== undefined && b > s;
}
