/**
 * The fusion planner of compiled webgpu steps (webgpu/fuse.ts) on recorded dispatch lists built by hand (no
 * GPU): which chains become one kernel, and every case where an intermediate must stay written. The fused
 * kernels' values are checked on a device by fuse.e2e.test.ts and fuse-node.test.ts.
 */
import type { DispatchRecord } from '../../src/webgpu/device';
import type { GpuBufferHandle, GpuComputePipeline } from '../../src/webgpu/gpu-types';
import { planFusion, type ElementwiseInfo } from '../../src/webgpu/fuse';
import type { OperandKind } from '../../src/webgpu/kernels/elementwise.wgsl';

const buffer = (name: string): GpuBufferHandle => ({ size: 256, name, destroy() {}, mapAsync: async () => undefined, getMappedRange: () => new ArrayBuffer(0), unmap() {} }) as GpuBufferHandle;
const pipeline: GpuComputePipeline = { getBindGroupLayout: () => ({}) };
const contiguous = (shape: number[]): number[] => shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));

interface Operand { buffer?: GpuBufferHandle; strides?: number[]; offset?: number }

/** An elementwise dispatch as ops.ts records it: operands (a buffer, or a host scalar), an output, a shape. */
function ew(expr: string, operands: Operand[], out: GpuBufferHandle, shape: number[], info: Partial<ElementwiseInfo> = {}): DispatchRecord {
  const kinds: OperandKind[] = operands.map((o) => (o.buffer ? 'f32' : 'scalar'));
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = operands.every((o) => !o.buffer || (o.strides === undefined && !o.offset));
  return {
    op: expr, key: `ew:${expr}`, pipeline, gx: Math.ceil(n / 64), gy: 1,
    buffers: [...operands.filter((o) => o.buffer).map((o) => o.buffer as GpuBufferHandle), out],
    fuse: { kinds, ct: 'f32', out: 'f32', expr, boolExpr: false, strided: false, ...info },
    write: (p) => {
      p.i[0] = n; p.i[1] = shape.length; p.i[2] = flat ? 1 : 0;
      shape.forEach((s, d) => { p.i[8 + d] = s; });
      operands.forEach((o, j) => {
        if (!o.buffer) { p.f[40 + j] = 2; return; }
        p.i[4 + j] = o.offset ?? 0;
        (o.strides ?? contiguous(shape)).forEach((s, d) => { p.i[16 + 8 * j + d] = s; });
      });
    },
  };
}

/** Any other kernel (a GEMM, a reduction): it may read and write every buffer it binds. */
const other = (op: string, ...buffers: GpuBufferHandle[]): DispatchRecord => ({ op, key: op, pipeline, gx: 1, gy: 1, buffers, write: () => undefined });

/** Hand-overs: each buffer given to a new tensor right before the dispatch at that position. */
function handOvers(pairs: [GpuBufferHandle, number][]): Map<GpuBufferHandle, number[]> {
  const m = new Map<GpuBufferHandle, number[]>();
  for (const [b, i] of pairs) m.set(b, [...(m.get(b) ?? []), i]);
  return m;
}

describe('planFusion', () => {
  const [x, bias, h, y, w, g] = ['x', 'bias', 'h', 'y', 'w', 'g'].map(buffer);

  test('bias-add then relu: one kernel at the relu, the sum never stored, the bias read through its strides', () => {
    const list = [ew('x + y', [{ buffer: x }, { buffer: bias, strides: [0, 1] }], h, [4, 3]), ew('select(x, 0.0, x < 0.0)', [{ buffer: h }], y, [4, 3])];
    const [fused, ...rest] = planFusion(list, handOvers([[h, 0], [y, 1]]), new Set([y]));
    expect(rest).toEqual([]);
    expect(fused.members).toEqual([0, 1]);
    expect(fused.position).toBe(1);
    expect(fused.buffers).toEqual([x, bias, y]); // h is not bound: nothing stores it
    expect(fused.source).toMatch(/let v0 = bar\(m0\(f32\(l0\), f32\(l1\)\)\);/); // the f32 sum crosses the fma barrier
    expect(fused.source).toMatch(/let v1 = m1\(f32\(v0\)\);/);
    expect(fused.source).toMatch(/out0\[i\] = v1;/);
    expect(fused.source).toMatch(/l1 = in1\[offAt\(i, 17u\)\]/);
    // n, rank, shape; x's offset at word 16, the bias's offset and strides at 17…19
    expect(Array.from(fused.template.subarray(0, 2))).toEqual([12, 2]);
    expect(Array.from(fused.template.subarray(8, 10))).toEqual([4, 3]);
    expect(Array.from(fused.template.subarray(16, 20))).toEqual([0, 0, 0, 1]);
    expect(fused.template[63]).toBe(0);
  });

  test('an intermediate read later by another kernel (a saved tensor, a GEMM) is not fused', () => {
    const list = [ew('exp(x)', [{ buffer: x }], h, [8]), ew('x + y', [{ buffer: h }, { buffer: x }], y, [8]), other('gemm', h, w, g)];
    expect(planFusion(list, handOvers([[h, 0], [y, 1], [g, 2]]), new Set([y]))).toEqual([]);
  });

  test('an intermediate the caller sees (a result, a grad) is not fused; one only the chain reads is', () => {
    const list = [ew('exp(x)', [{ buffer: x }], h, [8]), ew('x * y', [{ buffer: h }, {}], y, [8])];
    const hand = handOvers([[h, 0], [y, 1]]);
    expect(planFusion(list, hand, new Set([h, y]))).toEqual([]);
    const [fused] = planFusion(list, hand, new Set([y]));
    expect(fused.members).toEqual([0, 1]);
    // the host scalar's slot word 41 of dispatch 1 is copied each replay into the fused slot
    expect(fused.scalars).toEqual([[1, 41, 17]]);
    expect(fused.source).toMatch(/let v1 = m1\(f32\(v0\), pf\(17u\)\);/);
  });

  test('a buffer the pool hands to another tensor later in the step: the earlier tensor may stay unstored', () => {
    const list = [ew('exp(x)', [{ buffer: x }], h, [8]), ew('-x', [{ buffer: h }], y, [8]), other('gemm', y, w, h), other('sgd', w, h)];
    expect(planFusion(list, handOvers([[h, 0], [y, 1], [h, 2]]), new Set()).map((f) => f.members)).toEqual([[0, 1]]);
    // without the hand-over the GEMM's and SGD's bindings are reads of the exp's values
    expect(planFusion(list, handOvers([[h, 0], [y, 1]]), new Set())).toEqual([]);
  });

  test("the step's last tensor in a buffer it reads before handing it over (a value carried to the next call) stays stored", () => {
    const list = [other('sgd', w, h), ew('exp(x)', [{ buffer: x }], h, [8]), ew('-x', [{ buffer: h }], y, [8])];
    expect(planFusion(list, handOvers([[h, 1], [y, 2]]), new Set())).toEqual([]);
  });

  test('an intermediate read other than element for element (a transpose) is not fused', () => {
    const list = [ew('exp(x)', [{ buffer: x }], h, [4, 4]), ew('-x', [{ buffer: h, strides: [1, 4] }], y, [4, 4])];
    expect(planFusion(list, handOvers([[h, 0], [y, 1]]), new Set())).toEqual([]);
    const offset = [ew('exp(x)', [{ buffer: x }], h, [4]), ew('-x', [{ buffer: h, offset: 1 }], y, [4])];
    expect(planFusion(offset, handOvers([[h, 0], [y, 1]]), new Set())).toEqual([]);
  });

  test("a member's input that another kernel may write before the chain's last member: not fused; an elementwise read in between is fine", () => {
    const between = (d: DispatchRecord): DispatchRecord[] => [ew('exp(x)', [{ buffer: x }], h, [8]), d, ew('x + y', [{ buffer: h }, { buffer: g }], y, [8])];
    expect(planFusion(between(other('scatter', x, w)), handOvers([[h, 0], [y, 2]]), new Set())).toEqual([]);
    expect(planFusion(between(ew('-x', [{ buffer: x }], w, [8])), handOvers([[h, 0], [w, 1], [y, 2]]), new Set()).map((f) => f.members)).toEqual([[0, 2]]);
    // an elementwise kernel in between writing the input: not fused
    expect(planFusion(between(ew('-x', [{ buffer: g }], x, [8])), handOvers([[h, 0], [x, 1], [y, 2]]), new Set())).toEqual([]);
  });

  test("a one-element chain read broadcast (a mean's gradient): computed by every invocation, none of it stored", () => {
    const one = buffer('one'), q = buffer('q');
    const list = [ew('', [], one, []), ew('x / y', [{ buffer: one }, {}], q, []), ew('-x', [{ buffer: q, strides: [0, 0] }], y, [64, 1]), other('scatterAdd', y, w, g)];
    const [fused] = planFusion(list, handOvers([[one, 0], [q, 1], [y, 2], [g, 3]]), new Set());
    expect(fused.members).toEqual([0, 1, 2]);
    expect(fused.buffers).toEqual([y]);
    expect(fused.template[0]).toBe(64);
    expect(fused.gx).toBe(1);
    // the fill value (word 40 of dispatch 0) and the divisor (word 41 of dispatch 1), live
    expect(fused.scalars).toEqual([[0, 40, 16], [1, 41, 17]]);
  });

  test('a chain whose kernel would bind more than 8 storage buffers is cut where it would: the value handed across is stored', () => {
    const ins = Array.from({ length: 9 }, (_, k) => buffer(`in${k}`));
    const outs = Array.from({ length: 8 }, (_, k) => buffer(`t${k}`));
    const list = [ew('x + y', [{ buffer: ins[0] }, { buffer: ins[1] }], outs[0], [8])];
    for (let k = 2; k < 9; k++) list.push(ew('x + y', [{ buffer: outs[k - 2] }, { buffer: ins[k] }], outs[k - 1], [8]));
    const hand = handOvers(list.map((_, i) => [outs[i], i]));
    const groups = planFusion(list, hand, new Set());
    // 7 inputs + 1 output fill the 8 bindings; the last two members make the next kernel
    expect(groups.map((f) => f.members)).toEqual([[0, 1, 2, 3, 4, 5], [6, 7]]);
    expect(groups[0].buffers).toEqual([...ins.slice(0, 7), outs[5]]);
    expect(groups[1].buffers).toEqual([outs[5], ins[7], ins[8], outs[7]]);
    expect(planFusion(list.slice(0, 6), hand, new Set()).map((f) => f.members)).toEqual([[0, 1, 2, 3, 4, 5]]);
  });

  test('a training step: the forward chain and the backward chain around the reduction are two kernels; what the reduction reads is stored', () => {
    const [a, b, t, s, one, gy] = ['a', 'b', 't', 's', 'one', 'gy'].map(buffer);
    // y = tanh(x·w); loss = sum(y); dy = 1 (broadcast); dx = dy·(1 − y²)·w
    const list = [
      ew('x * y', [{ buffer: x }, { buffer: w }], a, [8]), ew('tanhf(x)', [{ buffer: a }], t, [8]), other('sum', t, s),
      ew('', [], one, []), ew('x * y', [{ buffer: t }, { buffer: t }], b, [8]), ew('y - x', [{ buffer: b }, {}], gy, [8]),
      ew('x * y', [{ buffer: gy }, { buffer: one, strides: [0] }], h, [8]), ew('x * y', [{ buffer: h }, { buffer: w }], g, [8]), other('sgd', w, g),
    ];
    const groups = planFusion(list, handOvers([[a, 0], [t, 1], [s, 2], [one, 3], [b, 4], [gy, 5], [h, 6], [g, 7]]), new Set([w, g]));
    expect(groups.map((f) => f.members)).toEqual([[0, 1], [3, 4, 5, 6, 7]]);
    expect(groups[0].buffers).toEqual([x, w, t]); // tanh's output: the sum and the backward read it
    expect(groups[1].buffers).toEqual([t, w, g]);
  });

  test('strided writes (copy_ into a view) and kernels without a description are never members', () => {
    const list = [ew('exp(x)', [{ buffer: x }], h, [8]), ew('x', [{ buffer: h }], y, [8], { strided: true })];
    expect(planFusion(list, handOvers([[h, 0], [y, 1]]), new Set())).toEqual([]);
  });
});
