/**
 * compile(fn) on the webgpu device (issue 17): the step's dispatches recorded once, replayed as one
 * command buffer per call.
 *
 * The capture call runs eagerly as on the cpu; on top of compile/capture.ts's audit, every dispatch it
 * makes (device.ts's tap) is recorded: its pipeline, its buffers and the `write` that fills its parameter
 * slot. A dispatch made by the step's own JavaScript becomes a captured kernel that re-runs `write`
 * into the replay's slot; one made inside a captured CPU kernel (the optimizer's step) is made again when
 * that kernel re-runs, and is matched against the recording in order (same kernel, same buffers) and
 * writes its slot with the values it reads then (the live learning rate, Adam's step count). After the
 * kernels the replay writes all its slots with one `writeBuffer` and submits one command buffer: the
 * arguments' copies into the staged buffers, the dispatches in capture order, the results' copies out.
 *
 * Every buffer a replayed dispatch binds is pinned while the replay lives (device.ts): the pool never hands
 * it to another tensor, so the intermediates are the capture's buffers, reused by every replay, and a step
 * creates no buffer after warm-up beyond the copies of its results it hands to the caller. Uploads and
 * readbacks inside the step fail the capture (the call stays eager), as the cpu audit does for what a
 * replay would not redo.
 */
import { Tensor } from '../tensor';
import type { Capture } from '../compile/capture';
import { activeCapture, inKernel } from '../compile/capture';
import { SLOT, copyBuffer, counters, createBuffer, flush, gpuState, pinBuffers, pipelineOf, setAcquireTap, setDispatchTap, unpinBuffers, type DispatchRecord } from './device';
import type { GpuBindGroup, GpuBufferHandle, GpuComputePipeline } from './gpu-types';
import { USAGE } from './gpu-types';
import { bufferOf, deviceStorage, type GpuData } from './ops';
import { fillFusedSlot, fusionEnabled, planFusion, type FusedGroup } from './fuse';

/** The dispatches recorded by each capture in progress. */
const recordings = new WeakMap<Capture, DispatchRecord[]>();
/** Per capture in progress: where (before which recorded dispatch) the pool handed each buffer to a new tensor (fuse.ts's liveness). */
const handOvers = new WeakMap<Capture, Map<GpuBufferHandle, number[]>>();

setAcquireTap((b) => {
  const c = current === null ? activeCapture() : null;
  if (c === null) return;
  let m = handOvers.get(c);
  if (m === undefined) handOvers.set(c, (m = new Map()));
  let l = m.get(b);
  if (l === undefined) m.set(b, (l = []));
  l.push(recordings.get(c)?.length ?? 0);
});
/** The replay whose kernels are running (dispatches then fill its slots), or null. */
let current: GpuReplay | null = null;

setDispatchTap((d) => {
  if (current !== null) {
    current.redispatch(d);
    return true;
  }
  const c = activeCapture();
  if (c === null) return false;
  let list = recordings.get(c);
  if (list === undefined) recordings.set(c, (list = []));
  const i = list.length;
  list.push(d);
  // A dispatch of the step's own code: a kernel of the capture that fills its slot again on every replay.
  // One inside a captured kernel is made again by that kernel (see redispatch).
  if (!inKernel()) c.kernels.push(() => (current as GpuReplay).fill(i, d));
  return false;
});


/** Buffers freed when a replay is collected (its pins). */
const unpinWhenCollected = new FinalizationRegistry<GpuBufferHandle[]>(unpinBuffers);

/** One dispatch of a replay's command buffer: a recorded one, or a fused chain of them (fuse.ts). */
interface Step { pipeline: GpuComputePipeline; group: GpuBindGroup; gx: number; gy: number }

/** A captured step on the device: its recorded dispatches with their bind groups and parameter slots. */
export class GpuReplay {
  private readonly uniform: GpuBufferHandle;
  private readonly staging: ArrayBuffer;
  private readonly steps: Step[] = [];
  /** The fused chains (their slots follow the recorded dispatches' in the staging area). */
  readonly fused: readonly FusedGroup[];
  private cursor = 0;
  private copiesIn: [GpuBufferHandle, number, GpuBufferHandle, number][] = [];
  private copiesOut: [GpuBufferHandle, GpuBufferHandle, number][] = [];

  constructor(private readonly entries: DispatchRecord[], handOver: ReadonlyMap<GpuBufferHandle, readonly number[]> = new Map(), visible: ReadonlySet<GpuBufferHandle> = new Set()) {
    const device = gpuState('compile').device;
    this.fused = fusionEnabled() ? planFusion(entries, handOver, visible) : [];
    const n = Math.max(1, entries.length + this.fused.length);
    this.uniform = createBuffer('compile', n * SLOT, USAGE.UNIFORM | USAGE.COPY_DST);
    this.staging = new ArrayBuffer(n * SLOT);
    const bind = (pipeline: GpuComputePipeline, slot: number, buffers: readonly GpuBufferHandle[]): GpuBindGroup => device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: this.uniform, offset: slot * SLOT, size: SLOT } }, ...buffers.map((buffer, k) => ({ binding: k + 1, resource: { buffer } }))],
    });
    const groupAt = new Map<number, number>(), member = new Set<number>();
    this.fused.forEach((g, k) => { groupAt.set(g.position, k); for (const i of g.members) member.add(i); });
    entries.forEach((d, i) => {
      const k = groupAt.get(i);
      if (k !== undefined) {
        const g = this.fused[k];
        const pipeline = pipelineOf(`fused:${g.source}`, () => g.source);
        this.steps.push({ pipeline, group: bind(pipeline, entries.length + k, g.buffers), gx: g.gx, gy: g.gy });
      } else if (!member.has(i)) this.steps.push({ pipeline: d.pipeline, group: bind(d.pipeline, i, d.buffers), gx: d.gx, gy: d.gy });
    });
    // what the replay's dispatches bind (an intermediate a fused chain never stores is no replay's: the pool may have it)
    const bound = [...new Set([...entries.filter((_, i) => !member.has(i)).flatMap((d) => d.buffers), ...this.fused.flatMap((g) => g.buffers)])];
    pinBuffers(bound);
    unpinWhenCollected.register(this, bound);
  }

  /** Fills recorded dispatch `i`'s slot with `d.write` (the values it reads now). */
  fill(i: number, d: DispatchRecord): void {
    if (i !== this.cursor) throw new Error(`compile: the replay of a webgpu step reached dispatch ${i} (${d.op}) out of order (expected ${this.cursor}); this is a bug in tapegrad`);
    const words = new Int32Array(this.staging, i * SLOT, SLOT / 4);
    words.fill(0);
    d.write({ i: words, f: new Float32Array(this.staging, i * SLOT, SLOT / 4) });
    this.cursor++;
  }

  /** A dispatch made again by a captured kernel: it must be the recorded one at this point. */
  redispatch(d: DispatchRecord): void {
    const i = this.cursor, r = this.entries[i];
    if (r === undefined || r.pipeline !== d.pipeline || r.gx !== d.gx || r.gy !== d.gy || r.buffers.length !== d.buffers.length || r.buffers.some((b, k) => b !== d.buffers[k])) {
      throw new Error(`compile: a kernel replayed on the webgpu device dispatched ${d.op} (${d.key}) where its capture dispatched ${r === undefined ? 'nothing' : `${r.op} (${r.key}) over other buffers`}; this is a bug in tapegrad (the kernel's closure must not allocate)`);
    }
    this.fill(i, d);
  }

  /** Queues the copy of a call's argument into its staged tensor (the submission does it before the kernels). */
  stageIn(staged: Tensor, given: Tensor): boolean {
    const sg = staged._storage.gpu as GpuData, gg = given._storage.gpu;
    if (gg === null || !given.isContiguous()) return false;
    if (sg.host !== null) {
      // value guards read the staged mirror: a caller's tensor without one cannot be checked before the kernels
      if (gg.host === null) return false;
      sg.host.set(gg.host.subarray(given.nd.offset, given.nd.offset + given.numel()));
    }
    this.copiesIn.push([bufferOf(given), given.nd.offset * 4, bufferOf(staged), given.numel() * 4]);
    return true;
  }

  /** Forgets the argument copies queued for a call that runs eagerly after all. */
  dropStaged(): void {
    this.copiesIn = [];
  }

  /**
   * Runs `body` (the captured kernels and the copies of the results) with dispatches filling this replay's
   * slots, then submits the step: one writeBuffer of the slots, one command buffer.
   */
  run<T>(body: () => T): T {
    flush(); // eager work recorded before this call goes first
    this.cursor = 0;
    this.copiesOut = [];
    current = this;
    let out: T;
    try {
      out = body();
    } catch (e) {
      this.copiesIn = [];
      throw e;
    } finally {
      current = null;
    }
    if (this.cursor !== this.entries.length) {
      this.copiesIn = [];
      throw new Error(`compile: the replay of a webgpu step filled ${this.cursor} of its ${this.entries.length} dispatches; this is a bug in tapegrad`);
    }
    const s = gpuState('compile');
    const n = this.entries.length;
    this.fused.forEach((g, k) => fillFusedSlot(g, this.staging, SLOT, n + k));
    const slots = n + this.fused.length;
    if (slots > 0) s.device.queue.writeBuffer(this.uniform, 0, this.staging, 0, slots * SLOT);
    const enc = s.device.createCommandEncoder();
    for (const [src, off, dst, bytes] of this.copiesIn) if (bytes > 0) enc.copyBufferToBuffer(src, off, dst, 0, bytes);
    if (this.steps.length > 0) {
      const pass = enc.beginComputePass();
      for (const st of this.steps) {
        pass.setPipeline(st.pipeline);
        pass.setBindGroup(0, st.group);
        pass.dispatchWorkgroups(st.gx, st.gy);
      }
      pass.end();
    }
    for (const [src, dst, bytes] of this.copiesOut) if (bytes > 0) enc.copyBufferToBuffer(src, 0, dst, 0, bytes);
    s.device.queue.submit([enc.finish()]);
    counters.submissions++;
    counters.dispatches += this.steps.length;
    this.copiesIn = [];
    this.copiesOut = [];
    return out;
  }

  /** @internal Queues a result's copy (see {@link copyOut}). */
  queueCopyOut(src: GpuBufferHandle, dst: GpuBufferHandle, bytes: number): void {
    this.copiesOut.push([src, dst, bytes]);
  }
}

/**
 * The replay of a finished capture's dispatches, or null when it made none. The capture's buffers are
 * pinned from here on (see device.ts's pinBuffers). `results` are the tensors the call returns: with the
 * leaves the backward reached and every tensor whose `.grad` the step set (and those grads), what the caller
 * can see after a replay, so fusion (fuse.ts) writes them.
 */
export function adoptDeviceCapture(c: Capture, results: readonly Tensor[] = []): GpuReplay | null {
  const list = recordings.get(c);
  const hand = handOvers.get(c) ?? new Map<GpuBufferHandle, number[]>();
  recordings.delete(c);
  handOvers.delete(c);
  if (list === undefined) return null;
  const visible = new Set<GpuBufferHandle>();
  const see = (t: Tensor | null): void => {
    const g = t?._storage.gpu;
    if (g) visible.add((g as GpuData).buffer);
  };
  results.forEach(see);
  for (const t of [...c.leaves.keys(), ...c.gradAssigned]) { see(t); see(t._grad); }
  return new GpuReplay(list, hand, visible);
}

/** A copy of a webgpu argument for a capture to run on (and every replay to copy the call's values into). */
export function stageDeviceArgument(t: Tensor): Tensor {
  const g = t._storage.gpu as GpuData;
  const n = t.numel();
  const storage = deviceStorage('compile', t.dtype, n);
  const sg = storage.gpu as GpuData;
  sg.host = g.host === null ? null : g.host.slice(t.nd.offset, t.nd.offset + n);
  copyBuffer('compile', g.buffer, t.nd.offset * 4, sg.buffer, 0, n * 4);
  return new Tensor(storage, t.shape, undefined, 0, t.dtype);
}

/**
 * A fresh tensor with `t`'s values, for a compiled call's result: the whole storage is copied (so any view
 * keeps its strides and offset), inside the replay's command buffer when one is being built.
 */
export function copyOut(t: Tensor): Tensor {
  const g = t._storage.gpu as GpuData;
  const storage = deviceStorage('compile', t.dtype, g.length);
  const dst = (storage.gpu as GpuData).buffer, bytes = g.length * 4;
  if (current !== null) current.queueCopyOut(g.buffer, dst, bytes);
  else copyBuffer('compile', g.buffer, 0, dst, 0, bytes);
  return new Tensor(storage, t.shape, t.nd.stride.slice(), t.nd.offset, t.dtype);
}
