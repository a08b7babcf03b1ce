/**
 * Fusion of elementwise chains in a compiled webgpu step (issue 17). A capture's dispatch list (replay.ts)
 * is planned once: dispatches of the elementwise template (ops.ts's `elementwise` and `full`) whose
 * intermediate results nothing else reads become one generated kernel per chain, which computes each member
 * in registers, in the members' order, and stores only the results something else needs.
 *
 * Liveness is over the recorded list and the buffers' owners: the pool hands a buffer to a new tensor during
 * a step (device.ts's acquireBuffer tells the capture where), so a buffer's bindings between two hand-overs
 * are the uses of one tensor's values. A member's output is left unwritten only when
 * - the member wrote a buffer just handed to it (a new tensor), over the whole iteration space;
 * - every later binding of it before its next hand-over is a member of the same chain reading it element
 *   for element (same shape, offset 0, contiguous strides): a saved tensor that a backward kernel reads, a
 *   strided read (a transpose's copy), a reduction, a GEMM keep it written;
 * - when no hand-over follows in the step: it is not visible after the step (a returned tensor, a leaf or
 *   its `.grad`, see adoptDeviceCapture) and the step does not read the buffer before its first hand-over
 *   (a value carried to the next call).
 * The fused kernel runs at the position of the chain's last member. A chain cannot be one kernel when an
 * input a member read could be written between the member's position and there, when a stored result is
 * bound by anything else in between, when an input is also a stored result, or when the kernel would need
 * more than 8 storage buffers or 47 parameter words; it is then cut into runs in order, each as long as it
 * can be (a value handed from one run to the next is stored), and what no run takes stays its own kernel.
 *
 * Bits: each member is the same WGSL expression as its own kernel, on the same operand values in the same
 * compute type, and its value is converted to its output type as the store would. Between members an f32
 * value goes through `bar` (an XOR with slot word 63, which is 0 but unknown to the compiler): the compiler
 * cannot see a product flowing into a sum, so it cannot contract them into an fma the separate kernels would
 * not have (WGSL lets implementations fuse; the rounding would differ). The tests compare fused replays with
 * eager steps bit for bit.
 */
import { sameShape } from '../shape';
import type { DispatchRecord, Params } from './device';
import type { GpuBufferHandle } from './gpu-types';
import type { OperandKind } from './kernels/elementwise.wgsl';
import { elementwiseValue } from './kernels/elementwise.wgsl';
import { HEADER, MAIN_1D, MATH, type WgslType } from './kernels/common.wgsl';

/** What an elementwise dispatch computes: elementwiseSource's arguments (ops.ts passes them to `dispatch`). */
export interface ElementwiseInfo {
  kinds: readonly OperandKind[];
  ct: WgslType;
  out: WgslType;
  expr: string;
  boolExpr: boolean;
  /** Written into a strided view (copy_, fill_): never fused. */
  strided: boolean;
}

let enabled = true;
/**
 * @internal Turns fusion of compiled webgpu steps on or off (for tests and the bench: captures made while off
 * replay every dispatch); returns the previous setting.
 */
export function setFusion(on: boolean): boolean {
  const prev = enabled;
  enabled = on;
  return prev;
}
/** @internal Whether captures fuse elementwise chains. */
export const fusionEnabled = (): boolean => enabled;

/** Storage buffers one kernel may bind (WebGPU's default maxStorageBuffersPerShaderStage). */
const MAX_STORAGE = 8;
/** Parameter words a fused kernel may use for offsets, strides and scalars (16…62; 63 stays 0, see MATH). */
const FIRST_WORD = 16, LAST_WORD = 62;

/** How an operand is read: at offset + i (contiguous, same shape) or through its strides. */
interface Access { offset: number; strides: number[]; identity: boolean }

/** A candidate member: an elementwise dispatch over the whole of a fresh output. */
interface Member {
  index: number;
  info: ElementwiseInfo;
  n: number;
  shape: number[];
  /** Per operand: its access (null for a host scalar). */
  access: (Access | null)[];
  out: GpuBufferHandle;
}

/** One fused kernel of a replay's plan. */
export interface FusedGroup {
  /** Recorded dispatches it replaces, in order; it runs at the last one's place. */
  members: number[];
  position: number;
  source: string;
  /** Buffers after the parameter slot: inputs, then the outputs it stores. */
  buffers: GpuBufferHandle[];
  /** The static words of its parameter slot (n, rank, shape, offsets, strides). */
  template: Int32Array;
  /** [member's recorded dispatch, word in its slot, word in the fused slot]: live scalars copied per replay. */
  scalars: [number, number, number][];
  gx: number;
  gy: number;
}


function isIdentity(shape: readonly number[], strides: readonly number[]): boolean {
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== s) return false;
    s *= shape[d];
  }
  return true;
}

/** Words of the slot that the member's WGSL reads (its scalars and op arguments), or null if any is outside 40…62. */
function slotWords(code: string): number[] | null {
  const words = new Set<number>();
  for (const m of code.matchAll(/\bp[fiu]\((\d+)u\)/g)) {
    const w = Number(m[1]);
    if (w < 40 || w > LAST_WORD) return null;
    words.add(w);
  }
  return [...words].sort((a, b) => a - b);
}

const scalarRead = (ct: WgslType, w: number): string => `${ct === 'f32' ? 'pf' : ct === 'i32' ? 'pi' : 'pu'}(${w}u)`;

/** The member of dispatch `d` (index `i`), or null when it is not one: its geometry comes from its own slot writer. */
function memberOf(d: DispatchRecord, i: number): Member | null {
  const info = d.fuse;
  // an expression of the operands x, y, z and slot words only: one naming the index or the arrays is not the template's
  if (info === undefined || info.strided || /\b(i|a|b|c|o|p|offsetOf)\b/.test(info.expr)) return null;
  const buf = new ArrayBuffer(256);
  const p: Params = { i: new Int32Array(buf), f: new Float32Array(buf) };
  d.write(p);
  const n = p.i[0], rank = p.i[1];
  if (n <= 0 || rank < 0 || rank > 8) return null;
  const shape = Array.from(p.i.subarray(8, 8 + rank));
  const flat = p.i[2] === 1;
  const access = info.kinds.map((k, j): Access | null => {
    if (k === 'scalar') return null;
    const strides = Array.from(p.i.subarray(16 + 8 * j, 16 + 8 * j + rank));
    return { offset: p.i[4 + j], strides, identity: flat || isIdentity(shape, strides) };
  });
  const devices = info.kinds.filter((k) => k !== 'scalar').length;
  if (d.buffers.length !== devices + 1) return null;
  return { index: i, info, n, shape, access, out: d.buffers[d.buffers.length - 1] };
}

/** The device operands' buffers of a member, by operand index. */
function operandBuffers(d: DispatchRecord, m: Member): (GpuBufferHandle | null)[] {
  let b = 0;
  return m.info.kinds.map((k) => (k === 'scalar' ? null : d.buffers[b++]));
}

/**
 * The fused kernels for a capture's dispatches. `handOvers` lists, per buffer, the positions in `entries`
 * before which the pool handed it to a new tensor; `visible` holds the buffers the caller can reach after
 * the step (results, leaves and their grads).
 */
export function planFusion(entries: readonly DispatchRecord[], handOvers: ReadonlyMap<GpuBufferHandle, readonly number[]>, visible: ReadonlySet<GpuBufferHandle>): FusedGroup[] {
  const members = new Map<number, Member>();
  entries.forEach((d, i) => {
    const m = memberOf(d, i);
    if (m !== null) members.set(i, m);
  });
  if (members.size < 2) return [];
  // every binding of each buffer, in order
  const bindings = new Map<GpuBufferHandle, number[]>();
  entries.forEach((d, i) => {
    for (const b of new Set(d.buffers)) {
      let l = bindings.get(b);
      if (l === undefined) bindings.set(b, (l = []));
      l.push(i);
    }
  });
  // union-find over the edges whose producer's output can stay in registers
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) as number;
    parent.set(x, r);
    return r;
  };
  for (const i of members.keys()) parent.set(i, i);
  /** Members whose output is not stored, and for each (consumer, operand) the producer it reads in registers. */
  const elided = new Set<number>();
  const internal = new Map<string, number>();
  for (const [i, m] of members) {
    const hand = handOvers.get(m.out) ?? [];
    const start = hand.filter((a) => a <= i).pop();
    if (start === undefined) continue;
    const uses = bindings.get(m.out) as number[];
    if (uses.some((j) => j >= start && j < i)) continue; // not a fresh tensor's first write
    const next = hand.find((a) => a > i);
    const later = uses.filter((j) => j > i && (next === undefined || j < next));
    if (later.length === 0) continue;
    if (next === undefined && (visible.has(m.out) || uses[0] < hand[0])) continue;
    const edges: [number, number][] = [];
    const ok = later.every((j) => {
      const c = members.get(j);
      // element for element, or a one-element value (a mean's gradient) read by every element of a larger one
      const broadcast = m.n === 1 && c !== undefined && c.n > 1;
      if (c === undefined || c.out === m.out || (!broadcast && !sameShape(c.shape, m.shape))) return false;
      const ops = operandBuffers(entries[j], c);
      return ops.every((b, k) => {
        if (b !== m.out) return true;
        const a = c.access[k] as Access;
        const aligned = broadcast ? a.strides.every((s, d) => s === 0 || c.shape[d] === 1) : a.identity;
        if (!aligned || a.offset !== 0 || c.info.kinds[k] !== m.info.out) return false;
        edges.push([j, k]);
        return true;
      });
    });
    if (!ok) continue;
    elided.add(i);
    for (const [j, k] of edges) {
      internal.set(`${j}:${k}`, i);
      parent.set(find(j), find(i));
    }
  }
  const components = new Map<number, number[]>();
  for (const i of members.keys()) {
    const r = find(i);
    let l = components.get(r);
    if (l === undefined) components.set(r, (l = []));
    l.push(i);
  }
  /** The consumers of each elided member. */
  const consumers = new Map<number, number[]>();
  for (const [key, p] of internal) consumers.set(p, [...(consumers.get(p) ?? []), Number(key.split(':')[0])]);
  /** The kernel of `ms`: a member stays unstored only if every consumer of it is among them. */
  const attempt = (ms: Member[]): FusedGroup | null => {
    const set = new Set(ms.map((m) => m.index));
    const local = new Set(ms.filter((m) => elided.has(m.index) && (consumers.get(m.index) ?? []).every((j) => set.has(j))).map((m) => m.index));
    return buildGroup(entries, ms, local, internal, bindings, handOvers);
  };
  const groups: FusedGroup[] = [];
  for (const list of components.values()) {
    if (list.length < 2) continue;
    const ms = list.sort((a, b) => a - b).map((i) => members.get(i) as Member);
    const whole = attempt(ms);
    if (whole !== null) { groups.push(whole); continue; }
    // A chain that cannot be one kernel (a reduction between its forward and backward halves, too many
    // buffers): runs of it in order, each as long as it can be; a value one run hands to the next is stored.
    let run: Member[] = [];
    let best: FusedGroup | null = null;
    for (const m of ms) {
      const g = run.length === 0 ? null : attempt([...run, m]);
      if (run.length === 0 || g !== null) {
        run.push(m);
        best = g;
        continue;
      }
      if (best !== null) groups.push(best);
      run = [m];
      best = null;
    }
    if (best !== null) groups.push(best);
  }
  return groups.sort((a, b) => a.position - b.position);
}

/** The fused kernel of one chain, or null where it cannot be proven to give the separate kernels' results. */
function buildGroup(entries: readonly DispatchRecord[], ms: Member[], elided: ReadonlySet<number>, internal: ReadonlyMap<string, number>, bindings: ReadonlyMap<GpuBufferHandle, number[]>, handOvers: ReadonlyMap<GpuBufferHandle, readonly number[]>): FusedGroup | null {
  const P = ms[ms.length - 1].index;
  const inGroup = new Set(ms.map((m) => m.index));
  const kept = ms.filter((m) => !elided.has(m.index));
  const keptBufs = new Set(kept.map((m) => m.out));
  if (keptBufs.size !== kept.length) return null;
  /** Whether dispatch j (outside the group) could write `b`: an elementwise one writes only its last buffer; any other might. */
  const mayWrite = (j: number, b: GpuBufferHandle): boolean => {
    const d = entries[j];
    return d.fuse === undefined || d.buffers[d.buffers.length - 1] === b;
  };
  const between = (b: GpuBufferHandle, from: number): number[] => (bindings.get(b) ?? []).filter((j) => j > from && j < P && !inGroup.has(j));
  // inputs: one binding per (buffer, element type); one load per distinct access
  const inputs: { buffer: GpuBufferHandle; kind: WgslType }[] = [];
  const loads: { binding: number; access: Access; key: string }[] = [];
  const template = new Int32Array(64);
  let word = FIRST_WORD;
  const take = (k: number): number => {
    const w = word;
    word += k;
    return w;
  };
  const scalars: [number, number, number][] = [];
  const lines: string[] = [];
  const fns: string[] = [];
  // The iteration space is the largest member's; one-element members (only ever read broadcast) are computed
  // at their element 0 by every invocation, the same operations on the same values.
  const N = Math.max(...ms.map((m) => m.n));
  const big = ms.find((m) => m.n === N) as Member;
  const shape = big.shape;
  for (const m of ms) {
    if (m.n !== N && (m.n !== 1 || !elided.has(m.index))) return null;
    if (m.n === N && !sameShape(m.shape, shape)) return null;
  }
  for (const m of ms) {
    const single = m.n === 1 && N > 1;
    const d = entries[m.index];
    const ops = operandBuffers(d, m);
    const args: string[] = [];
    const remap = new Map<number, number>();
    const mapWord = (w: number): number => {
      let t = remap.get(w);
      if (t === undefined) {
        t = take(1);
        remap.set(w, t);
        scalars.push([m.index, w, t]);
      }
      return t;
    };
    for (let k = 0; k < m.info.kinds.length; k++) {
      const kind = m.info.kinds[k];
      const b = ops[k];
      if (kind === 'scalar' || b === null) {
        args.push(scalarRead(m.info.ct, mapWord(40 + k)));
        continue;
      }
      const producer = internal.get(`${m.index}:${k}`);
      if (producer !== undefined && inGroup.has(producer)) {
        args.push(`${m.info.ct}(v${producer})`);
        continue;
      }
      // an input from outside: nothing else may write it between this member and the group's place
      if (keptBufs.has(b)) return null;
      if (between(b, m.index).some((j) => mayWrite(j, b))) return null;
      if ((handOvers.get(b) ?? []).some((a) => a > m.index && a <= P)) return null;
      const a = m.access[k] as Access;
      let binding = inputs.findIndex((x) => x.buffer === b && x.kind === kind);
      if (binding < 0) binding = inputs.push({ buffer: b, kind }) - 1;
      // a one-element member's operand is its element at `offset` (what offsetOf gives for index 0)
      const identity = a.identity || single;
      const key = `${binding}:${single ? 'one' : a.identity ? 'i' : a.strides.join(',')}:${a.offset}`;
      let l = loads.findIndex((x) => x.key === key);
      if (l < 0) {
        l = loads.push({ binding, access: a, key }) - 1;
        const w = take(identity ? 1 : 1 + shape.length);
        if (word > LAST_WORD + 1) return null;
        template[w] = a.offset;
        if (!identity) a.strides.forEach((s, dd) => { template[w + 1 + dd] = s; });
        lines.push(`let l${l} = in${binding}[${single ? `pu(${w}u)` : identity ? `pu(${w}u) + i` : `offAt(i, ${w}u)`}];`);
      }
      args.push(`${m.info.ct}(l${l})`);
    }
    const value = elementwiseValue(m.info.kinds.length, m.info.ct, m.info.out, m.info.expr, m.info.boolExpr);
    const used = slotWords(value);
    if (used === null) return null;
    let body = value;
    for (const w of used) mapWord(w);
    body = body.replace(/\bp([fiu])\((\d+)u\)/g, (_, t: string, w: string) => `p${t}(${remap.get(Number(w)) as number}u)`);
    const params = m.info.kinds.map((_, k) => `${'xyz'[k]}: ${m.info.ct}`).join(', ');
    fns.push(`fn m${m.index}(${params}) -> ${m.info.out} { return ${body}; }`);
    const call = `m${m.index}(${args.join(', ')})`;
    const passed = ms.some((c) => c.info.kinds.some((_, k) => internal.get(`${c.index}:${k}`) === m.index));
    lines.push(`let v${m.index} = ${passed && m.info.out === 'f32' ? `bar(${call})` : call};`);
    if (word > LAST_WORD + 1) return null;
  }
  // stored results: nothing else may bind them before the group writes them
  for (const m of kept) if (between(m.out, m.index).length > 0) return null;
  if (inputs.length + kept.length > MAX_STORAGE) return null;
  template[0] = N;
  template[1] = shape.length;
  shape.forEach((s, dd) => { template[8 + dd] = s; });
  const decl = [
    ...inputs.map((x, b) => `@group(0) @binding(${b + 1}) var<storage, read> in${b}: array<${x.kind}>;`),
    ...kept.map((m, k) => `@group(0) @binding(${inputs.length + k + 1}) var<storage, read_write> out${k}: array<${m.info.out}>;`),
  ];
  const source = `${HEADER}${MATH}${FUSE_HELPERS}${decl.join('\n')}
${fns.join('\n')}
${MAIN_1D}
  if (i >= pu(0u)) { return; }
  ${lines.join('\n  ')}
  ${kept.map((m, k) => `out${k}[i] = v${m.index};`).join('\n  ')}
}`;
  const last = entries[big.index];
  return { members: ms.map((m) => m.index), position: P, source, buffers: [...inputs.map((x) => x.buffer), ...kept.map((m) => m.out)], template, scalars, gx: last.gx, gy: last.gy };
}

const FUSE_HELPERS = /* wgsl */ `
// slot word 63 is 0 at run time, unknown to the compiler: no fma contraction across fused ops
fn bar(v: f32) -> f32 { return bitcast<f32>(bitcast<u32>(v) ^ pu(63u)); }
// a strided operand's element: its offset at word w, its strides at w+1…
fn offAt(i: u32, w: u32) -> u32 {
  var rem = i;
  var o = pi(w);
  for (var d = pu(1u); d > 0u; d--) {
    let s = pu(7u + d);
    o += i32(rem % s) * pi(w + d);
    rem = rem / s;
  }
  return u32(o);
}
`;

/** Writes group `g`'s parameter slot at `dst` from its template and its members' live scalars (their slots in `staging`). */
export function fillFusedSlot(g: FusedGroup, staging: ArrayBuffer, slotBytes: number, dst: number): void {
  const words = new Int32Array(staging, dst * slotBytes, slotBytes / 4);
  words.set(g.template);
  for (const [src, from, to] of g.scalars) words[to] = new Int32Array(staging, src * slotBytes, slotBytes / 4)[from];
}
