/**
 * The webgpu device (issue 17): adapter and device, the pipeline cache, the command batcher and the
 * counters. Kernels are recorded into one open compute pass; the batch is submitted only when something
 * needs the queue (a host upload, a readback, a full parameter arena), so a training step enqueues its
 * work without waiting for the GPU. Each dispatch's parameters (shapes, strides, scalars) take one
 * 256-byte slot of a uniform arena that is written with a single `writeBuffer` just before its submit.
 */
import type { GpuAdapterHandle, GpuBindGroupEntry, GpuBufferHandle, GpuCommandEncoder, GpuComputePass, GpuComputePipeline, GpuDeviceHandle, GpuEntry } from './gpu-types';
import { USAGE } from './gpu-types';
import { activeCapture, noteDeviceAllocation } from '../compile/capture';
import { isNodeWithoutGpu, nodeGpu } from './node-gpu';
import type { ElementwiseInfo } from './fuse';

/** Counters of the work the device did, for tests and the bench (see `webgpu.counters()`). */
export interface WebGpuCounters {
  /** Compute dispatches recorded. */
  dispatches: number;
  /** Command buffers submitted to the queue. */
  submissions: number;
  /** Bytes copied back to the host (`await x.dataAsync()` and the other async readers). */
  bytesReadBack: number;
  /** Bytes written from the host into device buffers (uploads). */
  bytesUploaded: number;
  /** Device buffers created (a pool reuses freed ones). */
  buffersCreated: number;
  /** Compute pipelines compiled. */
  pipelinesCreated: number;
}

interface State {
  device: GpuDeviceHandle;
  adapterInfo: string;
  pipelines: Map<string, GpuComputePipeline>;
  encoder: GpuCommandEncoder | null;
  pass: GpuComputePass | null;
  uniform: GpuBufferHandle;
  staging: ArrayBuffer;
  slots: number;
  errors: string[];
}

/** Bytes of one dispatch's parameter slot (minUniformBufferOffsetAlignment). */
export const SLOT = 256;
const SLOTS = 512;
let state: State | null = null;
let initPromise: Promise<void> | null = null;

const zeroCounters = (): WebGpuCounters => ({ dispatches: 0, submissions: 0, bytesReadBack: 0, bytesUploaded: 0, buffersCreated: 0, pipelinesCreated: 0 });
export const counters: WebGpuCounters = zeroCounters();

/** Why WebGPU is unavailable here, or null when navigator.gpu exists. */
function missingReason(): string | null {
  const g = globalThis as { navigator?: { gpu?: unknown }; isSecureContext?: boolean };
  if (g.navigator?.gpu !== undefined) return null;
  if (g.navigator === undefined) return 'there is no navigator (a worker or runtime without WebGPU): the webgpu device is browser only for now';
  if (g.isSecureContext === false) return 'navigator.gpu is undefined because the page is not a secure context (serve it from https:// or http://localhost / 127.0.0.1)';
  return 'navigator.gpu is undefined: this browser has no WebGPU (Chrome/Edge 113+, or Chromium with --enable-unsafe-webgpu)';
}

/**
 * Opens the webgpu device (once; later calls return the same promise).
 * @example
 * await webgpu.init();
 * const x = tensor([1, 2, 3], { device: 'webgpu' });
 */
export function init(): Promise<void> {
  if (initPromise === null) {
    initPromise = open().catch((e: unknown) => {
      initPromise = null; // a later call may try again (e.g. after enabling a flag)
      throw e;
    });
  }
  return initPromise;
}

async function open(): Promise<void> {
  // Node (issue 17): Dawn's navigator.gpu from the optional `webgpu` package (node-gpu.ts), or why not
  const nodeWithoutGpu = isNodeWithoutGpu();
  const reason = nodeWithoutGpu ? null : missingReason();
  if (reason !== null) throw new Error(`webgpu.init: WebGPU is not available: ${reason}`);
  const gpu = nodeWithoutGpu ? await nodeGpu() : (globalThis as unknown as { navigator: { gpu: GpuEntry } }).navigator.gpu;
  let adapter: GpuAdapterHandle | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new Error(`webgpu.init: navigator.gpu.requestAdapter() failed: ${String(e)}`);
  }
  if (adapter === null) {
    throw new Error('webgpu.init: navigator.gpu.requestAdapter() returned no adapter (no usable GPU or driver; in headless Chromium pass --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader)');
  }
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize },
  });
  const errors: string[] = [];
  (device as unknown as { onuncapturederror: ((e: { error: { message: string } }) => void) | null }).onuncapturederror = (e) => {
    errors.push(e.error.message);
  };
  const info = adapter.info;
  state = {
    device,
    adapterInfo: info ? [info.vendor, info.architecture, info.description].filter((s) => s).join(' ') : 'unknown adapter',
    pipelines: new Map(),
    encoder: null,
    pass: null,
    uniform: device.createBuffer({ size: SLOT * SLOTS, usage: USAGE.UNIFORM | USAGE.COPY_DST }),
    staging: new ArrayBuffer(SLOT * SLOTS),
    slots: 0,
    errors,
  };
  void device.lost.then((l) => { errors.push(`device lost: ${l.reason} ${l.message}`); state = null; initPromise = null; });
}

/** Whether init() has succeeded. */
export const isReady = (): boolean => state !== null;

/** The open device, or an error naming the op that needed it. */
export function gpuState(op: string): State {
  if (state === null) throw new Error(`${op}: the webgpu device is not initialised; call \`await webgpu.init()\` first`);
  return state;
}

/** The adapter's description and any uncaptured device errors so far (validation errors, device loss). */
export function info(): { adapter: string; errors: string[] } {
  const s = gpuState('webgpu.info');
  return { adapter: s.adapterInfo, errors: s.errors.slice() };
}

/** One dispatch's parameter slot: int and float views over the same 64 words. */
export interface Params { i: Int32Array; f: Float32Array }

function pipeline(s: State, key: string, source: () => string): GpuComputePipeline {
  let p = s.pipelines.get(key);
  if (p === undefined) {
    const module = s.device.createShaderModule({ code: source() });
    p = s.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    s.pipelines.set(key, p);
    counters.pipelinesCreated++;
  }
  return p;
}

/** The most workgroups per grid dimension (WebGPU's guaranteed limit). */
export const MAX_GROUPS = 65535;

/** One dispatch as `dispatch` was asked for it: what compile's webgpu replay (replay.ts) records and matches. */
export interface DispatchRecord {
  op: string;
  key: string;
  pipeline: GpuComputePipeline;
  buffers: readonly GpuBufferHandle[];
  /** Fills the dispatch's parameter slot; a replay runs it again, so it reads live values (a learning rate). */
  write: (p: Params) => void;
  gx: number;
  gy: number;
  /** An elementwise kernel's description (its last buffer is its output), for compile's fusion (fuse.ts). */
  fuse?: ElementwiseInfo;
}

/**
 * compile's view of the dispatches (replay.ts): told of each one before it is recorded eagerly; true means
 * it took the dispatch (a replay filling its recorded slot) and nothing is recorded here.
 */
let tap: ((d: DispatchRecord) => boolean) | null = null;
/** @internal Installs compile's dispatch tap (webgpu/replay.ts). */
export function setDispatchTap(t: ((d: DispatchRecord) => boolean) | null): void {
  tap = t;
}

/** @internal The pipeline of `key`, compiled once from `source`. */
export const pipelineOf = (key: string, source: () => string): GpuComputePipeline => pipeline(gpuState(key), key, source);

/**
 * Records one dispatch of the kernel `key` (its WGSL from `source`, compiled once) over `groups`
 * workgroups (split over x and y beyond 65535; kernels rebuild the linear id with `num_workgroups`).
 * Binding 0 is the parameter slot that `write` fills; bindings 1… are `buffers`, in order.
 */
export function dispatch(op: string, key: string, source: () => string, groups: number, buffers: readonly GpuBufferHandle[], write: (p: Params) => void, groupsY = 1, fuse?: ElementwiseInfo): void {
  const s = gpuState(op);
  const p = pipeline(s, key, source);
  const gx = Math.min(groups, MAX_GROUPS), gy = Math.ceil(groups / MAX_GROUPS) * groupsY;
  if (tap !== null && tap({ op, key, pipeline: p, buffers, write, gx, gy, fuse })) return;
  if (s.slots === SLOTS) flush();
  const slot = s.slots++;
  const words = new Int32Array(s.staging, slot * SLOT, SLOT / 4);
  words.fill(0);
  write({ i: words, f: new Float32Array(s.staging, slot * SLOT, SLOT / 4) });
  const entries: GpuBindGroupEntry[] = [{ binding: 0, resource: { buffer: s.uniform, offset: slot * SLOT, size: SLOT } }];
  for (let k = 0; k < buffers.length; k++) entries.push({ binding: k + 1, resource: { buffer: buffers[k] } });
  const bg = s.device.createBindGroup({ layout: p.getBindGroupLayout(0), entries });
  if (s.encoder === null) s.encoder = s.device.createCommandEncoder();
  if (s.pass === null) s.pass = s.encoder.beginComputePass();
  s.pass.setPipeline(p);
  s.pass.setBindGroup(0, bg);
  s.pass.dispatchWorkgroups(gx, gy);
  counters.dispatches++;
}

/** Submits the recorded work (with its parameter slots). Nothing waits for the GPU. */
export function flush(): void {
  const s = state;
  if (s === null || s.encoder === null) return;
  if (s.pass !== null) { s.pass.end(); s.pass = null; }
  if (s.slots > 0) s.device.queue.writeBuffer(s.uniform, 0, s.staging, 0, s.slots * SLOT);
  s.device.queue.submit([s.encoder.finish()]);
  s.encoder = null;
  s.slots = 0;
  counters.submissions++;
}

// ---- device buffers: a pool of power-of-two size classes, refilled when tensors are collected ----------

const pool = new Map<number, GpuBufferHandle[]>();
const STORAGE_USAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
/** Buffers a compiled step's replay binds (how many replays bind each): the pool never hands them out. */
const pins = new Map<GpuBufferHandle, number>();
/** Pinned buffers whose owner let go of them: back to the pool when the last replay binding them dies. */
const freedWhilePinned = new Set<GpuBufferHandle>();
function giveBack(b: GpuBufferHandle): void {
  if (pins.has(b)) {
    freedWhilePinned.add(b);
    return;
  }
  let list = pool.get(b.size);
  if (list === undefined) pool.set(b.size, (list = []));
  list.push(b);
}
const released = new FinalizationRegistry<GpuBufferHandle>(giveBack);

const sizeClass = (bytes: number): number => Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(bytes, 1))));

/**
 * A storage buffer of at least `bytes`, from the pool when one is free. `owner` is the object whose
 * collection returns it to the pool (a tensor's Storage); queue order makes the reuse safe: work
 * recorded before the owner died runs before anything recorded after.
 */
export function acquireBuffer(op: string, bytes: number, owner: object): GpuBufferHandle {
  const s = gpuState(op);
  noteDeviceAllocation(op); // compile (issue 15): a kernel that allocates cannot be replayed
  const size = sizeClass(bytes);
  const list = pool.get(size);
  let b = list !== undefined ? list.pop() : undefined;
  if (b === undefined) {
    b = s.device.createBuffer({ size, usage: STORAGE_USAGE });
    counters.buffersCreated++;
  }
  released.register(owner, b, owner);
  acquireTap?.(b);
  return b;
}

/** compile's view of buffers changing hands (replay.ts: where a buffer's new owner starts, for fusion's liveness). */
let acquireTap: ((b: GpuBufferHandle) => void) | null = null;
/** @internal Installs compile's tap on {@link acquireBuffer} (webgpu/replay.ts). */
export function setAcquireTap(t: ((b: GpuBufferHandle) => void) | null): void {
  acquireTap = t;
}

/**
 * Returns `owner`'s buffer to the pool now, for a storage that nothing can reach any more (an engine-private
 * gradient being released): the collector would return it later. Work already recorded still runs first.
 */
export function releaseBuffer(owner: object, b: GpuBufferHandle): void {
  if (released.unregister(owner)) giveBack(b);
}

/**
 * @internal Withdraws `bs` from circulation while a compiled step's replay binds them (see replay.ts): the
 * pool neither holds nor hands them out, whoever releases them; {@link unpinBuffers} undoes it.
 */
export function pinBuffers(bs: Iterable<GpuBufferHandle>): void {
  for (const b of bs) {
    pins.set(b, (pins.get(b) ?? 0) + 1);
    const list = pool.get(b.size);
    const i = list === undefined ? -1 : list.indexOf(b);
    if (i >= 0) {
      (list as GpuBufferHandle[]).splice(i, 1);
      freedWhilePinned.add(b);
    }
  }
}

/** @internal A replay that bound `bs` is gone: those nobody else holds go back to the pool. */
export function unpinBuffers(bs: Iterable<GpuBufferHandle>): void {
  for (const b of bs) {
    const n = (pins.get(b) ?? 1) - 1;
    if (n > 0) { pins.set(b, n); continue; }
    pins.delete(b);
    if (freedWhilePinned.delete(b)) giveBack(b);
  }
}

/** @internal Creates a buffer outside the pool (a replay's own parameter slots), counted. */
export function createBuffer(op: string, size: number, usage: number): GpuBufferHandle {
  counters.buffersCreated++;
  return gpuState(op).device.createBuffer({ size, usage });
}

/** @internal Records a buffer-to-buffer copy into the open batch (staging a compiled step's argument, copying a result out). */
export function copyBuffer(op: string, src: GpuBufferHandle, srcOffset: number, dst: GpuBufferHandle, dstOffset: number, bytes: number): void {
  const s = gpuState(op);
  if (bytes === 0) return;
  if (s.pass !== null) { s.pass.end(); s.pass = null; }
  if (s.encoder === null) s.encoder = s.device.createCommandEncoder();
  s.encoder.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
}

/** A temporary buffer for one readback. */
function mapBuffer(s: State, bytes: number): GpuBufferHandle {
  counters.buffersCreated++;
  return s.device.createBuffer({ size: Math.max(4, Math.ceil(bytes / 4) * 4), usage: USAGE.MAP_READ | USAGE.COPY_DST });
}

/** Writes host bytes into a device buffer (flushing first, so earlier recorded work sees the old values). */
export function upload(op: string, dst: GpuBufferHandle, data: ArrayBufferView): void {
  const s = gpuState(op);
  // compile: a replay would not upload again (and its one submission would see the upload before every kernel)
  activeCapture()?.fail(`${op}: a host upload to the webgpu device inside the step (create device tensors from host values outside fn, or pass them as arguments)`);
  flush();
  if (data.byteLength > 0) s.device.queue.writeBuffer(dst, 0, data);
  counters.bytesUploaded += data.byteLength;
}

/** Copies `bytes` from `src` at `offset` back to the host: the one place that waits for the GPU. */
export async function readBack(op: string, src: GpuBufferHandle, offset: number, bytes: number): Promise<ArrayBuffer> {
  const s = gpuState(op);
  activeCapture()?.fail(`${op}: a readback from the webgpu device inside the step`);
  if (bytes === 0) return new ArrayBuffer(0);
  const dst = mapBuffer(s, bytes);
  copyBuffer(op, src, offset, dst, 0, Math.ceil(bytes / 4) * 4);
  flush();
  await dst.mapAsync(1);
  const out = dst.getMappedRange().slice(0, bytes);
  dst.unmap();
  dst.destroy();
  counters.bytesReadBack += bytes;
  return out;
}

/** Waits until the queue has run everything submitted (flushing first). */
export async function sync(): Promise<void> {
  const s = gpuState('webgpu.sync');
  flush();
  await s.device.queue.onSubmittedWorkDone();
}

/** A copy of the counters. */
export const snapshot = (): WebGpuCounters => ({ ...counters });
/** Sets every counter to 0. */
export function resetCounters(): void {
  Object.assign(counters, zeroCounters());
}
