/**
 * Two-thread float32 GEMM for Node: the calling thread and one worker thread share the product
 * as chunks of C (up to 4 blocks of rows or of columns, taken first-come by compare-and-swap,
 * so a worker that wakes late just takes fewer), each computed with the same WebAssembly kernel
 * on operands in one shared WebAssembly.Memory (module: wasm-shared-bytes.generated.ts, gemm.as
 * compiled against an imported shared memory).
 *
 * Why results are bitwise identical to the one-thread path: every C element is still computed
 * by the same micro-kernel over the same K blocks (their size depends on K only) in the same
 * order. Chunk bounds are multiples of the micro-tiles (20 rows, a multiple of both kernels' 4 and 5
 * rows / 8 columns), so each element lands in the same kind of tile (full or edge) as in the whole
 * product, and no chunk becomes a matrix-vector product (each keeps >= 20 rows or >= 8 columns). The
 * 4x8 and 5x8 kernels (gemm.as picks by shape, so a chunk may get the other one) give the same bits.
 *
 * Hand-off is synchronous: the caller wakes the worker (Atomics.notify) before copying the
 * operands in, publishes the job in a small Int32Array on a SharedArrayBuffer, runs chunks
 * itself, then waits (a short spin, then Atomics.wait) for the worker's chunks. The worker is
 * created on the first large GEMM (calls run on one thread until it reports ready), is unref'd
 * so it never keeps the process alive, and needs no file on disk (`new Worker(src, { eval: true })`).
 *
 * Everything Node-specific is obtained at run time through `process.getBuiltinModule`, so this
 * file imports no Node built-in and the package stays browser-safe. Browsers (whose main thread
 * cannot Atomics.wait), older Node without getBuiltinModule, single-core machines and any
 * failure (no SharedArrayBuffer, worker creation or module instantiation failing, a worker
 * error) all leave GEMM on one thread, silently.
 */
import { decodeBase64 } from './base64';
import { copyOperandsIn, copyOut, operandLayout } from './gemm-wasm';
import { align16, relaxedInUse } from './wasm-module';
import { GEMM_SHARED_WASM_BASE64 } from './wasm-shared-bytes.generated';
import { GEMM_RELAXED_SHARED_WASM_BASE64 } from './wasm-relaxed-shared-bytes.generated';

/**
 * float32 products with M*N*K at or above this many multiply-adds use two threads (when
 * enabled). Measured with scripts/bench-gemm.mjs --threads on the 2-core dev machine: 0.52M
 * multiply-adds break even (1.00-1.07x), 0.88M gain 1.15x, 2.1M 1.4x, the MLP step's 6.4M
 * products ~1.5x and 512^3 ~1.85x; 0.75M keeps a margin for a worker that wakes late.
 */
export const THREAD_MIN_MACS = 786432;

type GemmFn = (
  transA: number, transB: number, M: number, N: number, K: number, alpha: number,
  a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, work: number,
) => void;

interface SharedKernels {
  workspaceBytes(): number;
  sgemm: GemmFn;
}

/** The parts of node:worker_threads' Worker used here (kept local so no Node types leak). */
interface WorkerLike {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error' | 'exit', fn: (arg: unknown) => void): void;
}
type WorkerCtor = new (src: string, opts: { eval: boolean; workerData: unknown }) => WorkerLike;

// Control block layout (Int32Array over a SharedArrayBuffer; alpha/beta as float32 bits).
const SEQ = 0; //     job number, bumped by the caller for each job (the worker sleeps on it)
const CLAIM = 1; //   (job number << 4) | next unclaimed chunk: both threads take chunks by CAS
const DONECNT = 2; // chunks finished in the current job
const READY = 3; //   1 once the worker has instantiated the module, -1 if it failed
const STATUS = 4; //  nonzero if a worker chunk threw
const JOB = 5; //     transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, work, splitN, nChunks
const BOUNDS = JOB + 16; // nChunks + 1 chunk boundaries along the split dimension
/** At most this many chunks per GEMM (the claim word keeps the chunk index in 4 bits). */
const MAX_CHUNKS = 8;
/** How long (µs) the worker polls for the next job before it sleeps; read by the worker after each job. */
const SPIN_US = BOUNDS + MAX_CHUNKS + 1;
const CTL_INTS = SPIN_US + 1;
const SEQ_MASK = 0x7ffffff;
/** Chunks per GEMM: more balance the load when the worker wakes late, fewer repack less. */
const CHUNKS = 4;

/**
 * How long (µs) the worker polls for the next job before sleeping in Atomics.wait. A futex wake-up
 * costs tens of microseconds, so a worker that polls catches a GEMM that follows at once (a linear
 * layer's backward issues its two back to back); but every microsecond it polls past the last GEMM of a
 * step is CPU time for nothing, which the bench's CPU clock and the CLI's energy estimate count.
 * Chosen by measurement (bench/spin-park.ts, MLP step on two threads, CPU time of both threads per
 * step, medians of 5 interleaved rounds; docs/design.md has the figures): 30 µs costs no more CPU than
 * sleeping at once, 100 and 300 µs cost 4 % and 7 % more, with wall times within noise of each other.
 * The previous 300 µs was chosen for wall time alone.
 */
let workerSpinUs = 30;

/**
 * The worker's whole program. It gets `require` because eval workers run as CommonJS. The
 * module name is split so the built bundle contains no literal require of a Node built-in.
 * After a job it polls for the SPIN_US control word's time before sleeping.
 */
function workerSource(): string {
  return `
const runChunks = ${runChunks.toString()};
const { workerData } = require('worker' + '_threads');
const { module, memory, ctl: ctlBuffer, work } = workerData;
const ctl = new Int32Array(ctlBuffer);
const ctlF = new Float32Array(ctlBuffer);
let k;
try {
  k = new WebAssembly.Instance(module, { env: { memory } }).exports;
} catch (e) {
  Atomics.store(ctl, ${READY}, -1);
  throw e;
}
Atomics.store(ctl, ${READY}, 1);
let seen = Atomics.load(ctl, ${SEQ});
for (;;) {
  const t0 = performance.now();
  for (let i = 1; Atomics.load(ctl, ${SEQ}) === seen; i++) {
    if ((i & 255) === 0 && performance.now() - t0 > Atomics.load(ctl, ${SPIN_US}) / 1000) break;
  }
  Atomics.wait(ctl, ${SEQ}, seen);
  seen = Atomics.load(ctl, ${SEQ});
  // Woken early (while the caller copies operands in): wait for the job to be published.
  const pending = ((seen & ${SEQ_MASK}) << 4) | 15;
  const t1 = performance.now();
  for (let i = 1; Atomics.load(ctl, ${CLAIM}) === pending; i++) {
    if ((i & 255) === 0 && performance.now() - t1 > 20) break;
  }
  runChunks(seen, ctl, ctlF, k, memory, work);
}
`;
}

/**
 * Takes and runs chunks of job `seq` until none is left. Shared by both threads (the caller
 * runs this very function; the worker gets its source text). A successful claim (CAS on the
 * claim word still naming `seq`) proves the job is still in progress, so the job fields read
 * before it are that job's: the caller only moves on once every chunk is done.
 */
function runChunks(
  seq: number, ctl: Int32Array, ctlF: Float32Array, k: { sgemm: GemmFn }, memory: WebAssembly.Memory, work: number,
): number {
  // Self-contained (literal indices, no outer names): its source text is the worker's copy.
  const J = 5; // JOB
  const tA = ctl[J], tB = ctl[J + 1], M = ctl[J + 2], N = ctl[J + 3], K = ctl[J + 4], alpha = ctlF[J + 5];
  const a = ctl[J + 6], lda = ctl[J + 7], b = ctl[J + 8], ldb = ctl[J + 9], beta = ctlF[J + 10];
  const c = ctl[J + 11], ldc = ctl[J + 12], splitN = ctl[J + 14], n = ctl[J + 15];
  let ran = 0;
  for (;;) {
    const w = Atomics.load(ctl, 1); // CLAIM
    if (w >>> 4 !== (seq & 0x7ffffff) || (w & 15) >= n) return ran;
    if (Atomics.compareExchange(ctl, 1, w, w + 1) !== w) continue;
    const i = w & 15;
    const lo = ctl[J + 16 + i], hi = ctl[J + 16 + i + 1];
    try {
      if (memory.buffer.byteLength === 0) throw new Error('no memory'); // re-reads the size after a grow
      if (splitN) {
        k.sgemm(tA, tB, M, hi - lo, K, alpha, a, lda, b + 4 * (tB ? lo * ldb : lo), ldb, beta, c + 4 * lo, ldc, work);
      } else {
        k.sgemm(tA, tB, hi - lo, N, K, alpha, a + 4 * (tA ? lo : lo * lda), lda, b, ldb, beta, c + 4 * lo * ldc, ldc, work);
      }
    } catch {
      Atomics.store(ctl, 4, 1); // STATUS
    }
    ran++;
    Atomics.add(ctl, 2, 1); // DONECNT
    Atomics.notify(ctl, 2);
  }
}

interface Pool {
  /** Built from the relaxed-SIMD (FMA) module; replaced when the one-thread kernels switch builds (readyPool). */
  relaxed: boolean;
  worker: WorkerLike | null;
  memory: WebAssembly.Memory;
  k: SharedKernels;
  ctl: Int32Array;
  ctlF: Float32Array;
  heap: Float32Array;
  /** Bytes per thread workspace (rounded to 16). */
  ws: number;
  seq: number;
  broken: boolean;
}

const MAX_PAGES = 65536; // the shared module's declared maximum (4 GiB)

let pool: Pool | null = null;
let poolTried = false;
let threadsWanted: 1 | 2 | null = null; // null: not decided yet (default computed lazily)
let threadedCalls = 0;

interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?: (name: string) => unknown;
}

function nodeBuiltin(name: string): unknown {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (typeof proc?.versions?.node !== 'string' || typeof proc.getBuiltinModule !== 'function') return null;
  try {
    return proc.getBuiltinModule(name) ?? null;
  } catch {
    return null;
  }
}

/** True when this environment can run the two-thread path at all. */
function threadsPossible(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object' || typeof Atomics.wait !== 'function') return false;
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.Memory !== 'function') return false;
  const wt = nodeBuiltin('worker_threads') as { Worker?: unknown } | null;
  if (wt === null || typeof wt.Worker !== 'function') return false;
  const os = nodeBuiltin('os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | null;
  const cores = typeof os?.availableParallelism === 'function' ? os.availableParallelism() : (os?.cpus?.().length ?? 1);
  return cores >= 2;
}

/**
 * Chooses how many threads large float32 GEMMs use: 2 (the default in Node when a worker can be
 * created, SharedArrayBuffer and Atomics.wait exist and there are at least 2 cores) or 1.
 * Asking for 2 where that is not possible (browsers, older Node) silently keeps 1. Results are
 * bitwise the same either way.
 * @example setKernelThreads(1); // e.g. when the other core is busy with your own work
 */
export function setKernelThreads(n: 1 | 2): void {
  if (n !== 1 && n !== 2) throw new Error(`setKernelThreads: expected 1 or 2, got ${JSON.stringify(n)}`);
  threadsWanted = n === 2 && threadsPossible() ? 2 : 1;
}

/**
 * The number of threads large float32 GEMMs use (1 or 2); see setKernelThreads.
 * @example if (kernelThreads() === 2) console.log('matmul uses two cores');
 */
export function kernelThreads(): 1 | 2 {
  if (threadsWanted === null) threadsWanted = threadsPossible() ? 2 : 1;
  return threadsWanted === 2 && !(pool?.broken ?? false) ? 2 : 1;
}

function createPool(): Pool | null {
  try {
    const wt = nodeBuiltin('worker_threads') as { Worker: WorkerCtor };
    const relaxed = relaxedInUse();
    const module = new WebAssembly.Module(decodeBase64(relaxed ? GEMM_RELAXED_SHARED_WASM_BASE64 : GEMM_SHARED_WASM_BASE64));
    const k = wasmKernelsOf(module);
    const memory = k.memory;
    const ctlBuffer = new SharedArrayBuffer(CTL_INTS * 4);
    new Int32Array(ctlBuffer)[SPIN_US] = workerSpinUs;
    const p: Pool = {
      relaxed,
      worker: null,
      memory,
      k: k.exports,
      ctl: new Int32Array(ctlBuffer),
      ctlF: new Float32Array(ctlBuffer),
      heap: new Float32Array(memory.buffer),
      ws: align16(k.exports.workspaceBytes()),
      seq: 0,
      broken: false,
    };
    const worker = new wt.Worker(workerSource(), { eval: true, workerData: { module, memory, ctl: ctlBuffer, work: p.ws } });
    worker.unref();
    p.worker = worker;
    // An 'error' event without a listener would crash the process; a dead worker just means
    // one thread from now on.
    worker.on('error', () => {
      p.broken = true;
    });
    worker.on('exit', () => {
      p.broken = true;
    });
    return p;
  } catch {
    return null;
  }
}

function wasmKernelsOf(module: WebAssembly.Module): { memory: WebAssembly.Memory; exports: SharedKernels } {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared: true });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return { memory, exports: instance.exports as unknown as SharedKernels };
}

/** The pool if its worker is up; creates it (without waiting) on first use. */
function readyPool(): Pool | null {
  if (pool !== null && !pool.broken && pool.relaxed !== relaxedInUse()) {
    // setRelaxedSimd changed which build the one-thread kernels run: start over with a worker on the
    // matching build (calls run on one thread until it is up), so one and two threads stay bitwise equal.
    void pool.worker?.terminate();
    pool = null;
    poolTried = false;
  }
  if (!poolTried) {
    poolTried = true;
    pool = createPool();
  }
  const p = pool;
  if (p === null || p.broken) return null;
  const r = Atomics.load(p.ctl, READY);
  if (r < 0) p.broken = true;
  return r === 1 ? p : null;
}

/**
 * Starts the worker if needed and resolves true once it is ready (false if two threads are off
 * or unavailable). GEMMs issued before then simply run on one thread; tests and benchmarks
 * await this to measure the two-thread path from the first call.
 * @example await kernelThreadsReady();
 */
export async function kernelThreadsReady(timeoutMs = 10000): Promise<boolean> {
  if (kernelThreads() !== 2) return false;
  const t0 = Date.now();
  for (;;) {
    if (readyPool() !== null) return true;
    if (pool === null || pool.broken || Date.now() - t0 > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** How many GEMM calls have run on two threads so far (for tests and benchmarks). */
/** @internal The worker's poll time after a job, in µs (bench: the spin/park measurement). */
export function _setWorkerSpinUs(us: number): void {
  workerSpinUs = Math.max(0, Math.round(us));
  if (pool) Atomics.store(pool.ctl, SPIN_US, workerSpinUs);
}

export function threadedGemmCalls(): number {
  return threadedCalls;
}

/** Grows the shared memory to at least `bytes`; false if it cannot. Re-views the heap after growth. */
function ensureShared(p: Pool, bytes: number): boolean {
  const have = p.memory.buffer.byteLength;
  if (bytes > have) {
    const need = Math.ceil((bytes - have) / 65536);
    const generous = Math.min(Math.max(need, Math.ceil(have / 65536 / 2)), MAX_PAGES - have / 65536);
    try {
      p.memory.grow(generous);
    } catch {
      try {
        p.memory.grow(need);
      } catch {
        return false;
      }
    }
  }
  // A shared buffer never detaches, but views made before a grow keep the old length.
  if (p.heap.byteLength !== p.memory.buffer.byteLength) p.heap = new Float32Array(p.memory.buffer);
  return true;
}

/** Whether `gemm` should try the two-thread path for this float32 product. */
export function wantsThreads(M: number, N: number, K: number): boolean {
  return M * N * K >= THREAD_MIN_MACS && M >= 8 && N >= 16 && kernelThreads() === 2;
}

/**
 * Same contract as `gemm` (float32 only, arguments already validated, M, N, K, alpha nonzero).
 * Returns false, with C untouched, when the two-thread path cannot run (worker not ready yet,
 * memory cannot grow, the worker failed); the caller then runs the one-thread path.
 */
export function gemmThreaded(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: Float32Array, aOff: number, lda: number, B: Float32Array, bOff: number, ldb: number,
  beta: number, C: Float32Array, cOff: number, ldc: number,
): boolean {
  const p = readyPool();
  if (p === null) return false;
  const sz = 4;
  // Two workspaces (one per thread), then the operands.
  const L = operandLayout(transA, transB, M, N, K, lda, ldb, 2 * p.ws, sz);
  const { aPtr, ldaW, bPtr, ldbW, cPtr } = L;
  if (!ensureShared(p, L.end)) return false;
  // Wake the worker now, so that its wake-up overlaps our copying the operands in; it waits
  // on the claim word, which reads 'pending' (chunk index 15) until the job is published.
  const ctl = p.ctl;
  const seq = (p.seq = (p.seq + 1) & SEQ_MASK);
  Atomics.store(ctl, CLAIM, (seq << 4) | 15);
  Atomics.store(ctl, SEQ, seq);
  Atomics.notify(ctl, SEQ, 1);
  const heap = p.heap;
  copyOperandsIn(L, M, N, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc, heap, sz);

  // Split the larger of M and N, so the operand every chunk packs in full is the smaller one
  // (chunks of columns each repack all of A, chunks of rows all of B). Chunk boundaries are
  // multiples of the micro-tiles (8 columns / 20 rows: both kernels' 4 and 5) and every chunk keeps at
  // least one full tile's worth, so no chunk turns into a matrix-vector product.
  const splitN = N >= M;
  const unit = splitN ? 8 : 20;
  const D = splitN ? N : M;
  const units = Math.floor(D / unit);
  const n = Math.max(1, Math.min(CHUNKS, units));
  const j = JOB;
  for (let i = 0; i < n; i++) ctl[BOUNDS + i] = Math.floor((i * units) / n) * unit;
  ctl[BOUNDS + n] = D;
  ctl[j] = transA ? 1 : 0; ctl[j + 1] = transB ? 1 : 0; ctl[j + 2] = M; ctl[j + 3] = N; ctl[j + 4] = K;
  p.ctlF[j + 5] = alpha; ctl[j + 6] = aPtr; ctl[j + 7] = ldaW; ctl[j + 8] = bPtr; ctl[j + 9] = ldbW;
  p.ctlF[j + 10] = beta; ctl[j + 11] = cPtr; ctl[j + 12] = N; ctl[j + 13] = 0; ctl[j + 14] = splitN ? 1 : 0; ctl[j + 15] = n;
  ctl[STATUS] = 0;
  Atomics.store(ctl, DONECNT, 0);
  Atomics.store(ctl, CLAIM, seq << 4); // publishes the job (seq-cst store after the fields)

  // Take chunks until none is left (all of them if the worker is slow to wake), then wait for
  // the ones the worker took: a short spin (it is usually finishing), then sleep.
  runChunks(seq, ctl, p.ctlF, p.k, p.memory, 0);
  let spins = 0;
  let done = Atomics.load(ctl, DONECNT);
  while (done !== n && spins < 100000) {
    spins++;
    done = Atomics.load(ctl, DONECNT);
  }
  const deadline = Date.now() + 30000;
  while (done !== n) {
    if (Date.now() > deadline) {
      // The worker is stuck inside a chunk: it may still write this memory, so never reuse it.
      p.broken = true;
      return false;
    }
    Atomics.wait(ctl, DONECNT, done, 1000);
    done = Atomics.load(ctl, DONECNT);
  }
  if (ctl[STATUS] !== 0) {
    p.broken = true;
    return false;
  }
  copyOut(heap, cPtr / sz, M, N, C, cOff, ldc);
  threadedCalls++;
  return true;
}
