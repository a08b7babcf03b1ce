/** Shape arithmetic shared by every op: sizes, strides, dim normalisation, broadcasting. */

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= shape[i];
  }
  return st;
}

export const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Wraps a possibly negative dim into [0, rank), with PyTorch's error text when it is out of range. */
export function normDim(dim: number, rank: number, op: string): number {
  if (!Number.isInteger(dim)) throw new TypeError(`${op}: dim must be an integer, got ${dim}`);
  const r = Math.max(rank, 1); // 0-d tensors accept dim 0 and -1, as PyTorch
  if (dim < -r || dim >= r) {
    throw new RangeError(`${op}: dim ${dim} is out of range for a tensor of rank ${rank} (expected a dim in [${-r}, ${r - 1}])`);
  }
  return dim < 0 ? dim + r : dim;
}

export function normDims(dims: number | readonly number[] | undefined, rank: number, op: string): number[] {
  if (dims === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof dims !== 'number' && !Array.isArray(dims)) {
    const obj = dims !== null && typeof dims === 'object';
    throw new TypeError(
      `${op}: dim must be a number or an array of numbers, got ${obj ? 'an options object' : typeof dims}` +
        (obj ? `; PyTorch's x.${op}(dim=1, keepdim=True) is x.${op}(1, true) here` : ''),
    );
  }
  const list = typeof dims === 'number' ? [dims] : [...dims];
  const out = list.map((d) => normDim(d, rank, op));
  if (new Set(out).size !== out.length) throw new RangeError(`${op}: dim ${fmt(list)} appears more than once`);
  return out.sort((a, b) => a - b);
}

export function checkShape(shape: readonly number[], op: string): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: shape must be an array of sizes, got ${String(shape)}`);
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`${op}: invalid size ${s} in shape ${fmt(shape)}; sizes must be non-negative integers`);
  }
  return [...shape];
}

/** NumPy/PyTorch broadcasting: align from the right; sizes must be equal or 1. */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  if (b.length === 0) return a.slice();
  if (a.length === 0) return b.slice();
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new RangeError(
        `${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together: size ${x} vs ${y} at dim ${i - n} (sizes must match or be 1)`,
      );
    }
    out[i] = x === 1 ? y : x;
  }
  return out;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Strides that read `shape`/`strides` as if expanded to `target` (stride 0 on broadcast dims). */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] {
  const off = target.length - shape.length;
  const out = new Array<number>(target.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 && target[off + i] !== 1 ? 0 : strides[i];
  return out;
}
