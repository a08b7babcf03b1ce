/**
 * A pure safetensors codec (https://huggingface.co/docs/safetensors): bytes in, typed arrays out.
 *
 * It uses no Node module (only `DataView`, `TextEncoder`/`TextDecoder` and typed arrays), so it runs in
 * browsers, workers and Node alike, and it knows nothing about `Tensor`: callers convert.
 *
 * File layout (all integers little-endian):
 * ```
 * [8 bytes]  N: u64, the header's length in bytes
 * [N bytes]  UTF-8 JSON object, padded with spaces (0x20) to a multiple of 8:
 *            { "__metadata__": { "key": "value", ... },           (optional, string -> string)
 *              "name": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }, ... }
 * [rest]     the byte buffer; data_offsets are relative to its start; every byte belongs to exactly one
 *            tensor (no holes, no overlaps); tensors are row-major (C order), little-endian.
 * ```
 *
 * Layout written by {@link encodeSafetensors}: exactly what the reference (Rust/Python) writer does —
 * tensors sorted by dtype alignment, largest first (F64, F32, I32, BOOL here), ties broken by name in
 * code-point order; `__metadata__` first in the header, then the tensors in data order; compact JSON with
 * keys `dtype`, `shape`, `data_offsets`; header padded with spaces to a multiple of 8, so with the
 * largest-alignment-first order every tensor starts on a multiple of its element size within the file.
 * Readers must not rely on any order: {@link decodeSafetensors} accepts any order the offsets describe.
 */

/** Every dtype name the safetensors format defines (the reader supports the subset documented below). */
export type SafetensorsDType =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'F8_E5M2'
  | 'F8_E4M3'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U64'
  | 'U32'
  | 'U16'
  | 'U8'
  | 'BOOL';

/** The element types the codec produces and accepts; matches tapegrad's `DType`. */
export type RawDType = 'float32' | 'float64' | 'int32' | 'bool';

/** Storage for each {@link RawDType}: bool is one byte per element, 0 or 1. */
export type RawData = Float32Array | Float64Array | Int32Array | Uint8Array;

/** A tensor as plain data: row-major elements, `data.length === product(shape)` (1 for a 0-d tensor). */
export interface RawTensor {
  dtype: RawDType;
  shape: number[];
  data: RawData;
  /**
   * For int32 data only: `'I64'` writes each element widened to a little-endian int64, as PyTorch stores
   * its LongTensors (e.g. BatchNorm's `num_batches_tracked`); the default is the dtype's own (I32).
   */
  storeAs?: 'I64';
}

/** Options for {@link decodeSafetensors}. */
export interface DecodeSafetensorsOptions {
  /** Largest header accepted, in bytes; default 100 MB (100,000,000), the reference reader's limit. */
  maxHeaderBytes?: number;
}

/** What {@link decodeSafetensors} returns. */
export interface DecodedSafetensors {
  tensors: Record<string, RawTensor>;
  metadata: Record<string, string>;
}

/** Thrown for every malformed file or invalid input; `message` says what was wrong and where. */
export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

/** The reference reader's header limit (safetensors `MAX_HEADER_SIZE`). */
export const DEFAULT_MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element for every format dtype. */
const DTYPE_SIZE: Record<SafetensorsDType, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, F8_E5M2: 1, F8_E4M3: 1,
  I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};

/**
 * The reference writer's ordering rank (its `Dtype` enum order, which is increasing alignment):
 * tensors with a higher rank are written first.
 */
const DTYPE_RANK: Record<SafetensorsDType, number> = {
  BOOL: 0, U8: 1, I8: 2, F8_E5M2: 3, F8_E4M3: 4, I16: 5, U16: 6, F16: 7, BF16: 8,
  I32: 9, U32: 10, F32: 11, F64: 12, I64: 13, U64: 14,
};

const RAW_TO_FORMAT: Record<RawDType, SafetensorsDType> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

/** What each format dtype decodes to; dtypes absent here are rejected with a named error. */
const FORMAT_TO_RAW: Partial<Record<SafetensorsDType, RawDType>> = {
  F64: 'float64', F32: 'float32', F16: 'float32', BF16: 'float32',
  I64: 'int32', I32: 'int32', I16: 'int32', I8: 'int32', U64: 'int32', U32: 'int32', U16: 'int32', U8: 'int32',
  BOOL: 'bool',
};

const METADATA_KEY = '__metadata__';

/** True when typed arrays are little-endian on this host, so file bytes can be copied as they are. */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function isFormatDType(s: unknown): s is SafetensorsDType {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_SIZE, s);
}

/** Sets an own enumerable property even for names like `__proto__`, which plain assignment would not. */
function defineOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Compares strings by Unicode code point, which is the byte order of their UTF-8 form (Rust's `str` order). */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

function shapeNumel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function fmtShape(shape: readonly unknown[]): string {
  return `[${shape.join(', ')}]`;
}

// ---------------------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------------------

const RAW_ARRAY: Record<RawDType, { ctor: string; check: (d: unknown) => boolean }> = {
  float32: { ctor: 'Float32Array', check: (d) => d instanceof Float32Array },
  float64: { ctor: 'Float64Array', check: (d) => d instanceof Float64Array },
  int32: { ctor: 'Int32Array', check: (d) => d instanceof Int32Array },
  bool: { ctor: 'Uint8Array', check: (d) => d instanceof Uint8Array },
};

function validateRawTensor(name: string, t: RawTensor): void {
  const where = `encodeSafetensors: tensor "${name}"`;
  if (t === null || typeof t !== 'object') throw new SafetensorsError(`${where} is not an object ({ dtype, shape, data })`);
  if (!Object.prototype.hasOwnProperty.call(RAW_TO_FORMAT, t.dtype)) {
    throw new SafetensorsError(`${where} has dtype ${JSON.stringify(t.dtype)}; expected one of float32, float64, int32, bool`);
  }
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(`${where} has shape ${JSON.stringify(t.shape)}; expected an array of non-negative integers`);
  }
  const spec = RAW_ARRAY[t.dtype];
  if (!spec.check(t.data)) {
    const got = t.data === null || t.data === undefined ? String(t.data) : (t.data as object).constructor?.name ?? typeof t.data;
    throw new SafetensorsError(`${where} has dtype ${t.dtype} but data is ${got}; expected ${spec.ctor}`);
  }
  if (t.storeAs !== undefined && (t.storeAs !== 'I64' || t.dtype !== 'int32')) {
    throw new SafetensorsError(`${where} has storeAs ${JSON.stringify(t.storeAs)} with dtype ${t.dtype}; only int32 data can be stored as 'I64'`);
  }
  const numel = shapeNumel(t.shape);
  if (t.data.length !== numel) {
    throw new SafetensorsError(
      `${where} has shape ${fmtShape(t.shape)} (${numel} elements) but data holds ${t.data.length} elements`,
    );
  }
}

/** Copies one tensor's elements into `out` at `offset`, little-endian whatever the host. */
function writeData(out: Uint8Array, offset: number, t: RawTensor): void {
  const data = t.data;
  if (t.storeAs === 'I64') {
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < data.length; i++) {
      view.setInt32(offset + 8 * i, data[i], true);
      view.setInt32(offset + 8 * i + 4, data[i] < 0 ? -1 : 0, true); // sign extension
    }
    return;
  }
  if (t.dtype === 'bool') {
    // Any non-zero byte is true; the format stores exactly 0 or 1.
    for (let i = 0; i < data.length; i++) out[offset + i] = data[i] ? 1 : 0;
    return;
  }
  if (HOST_LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (data instanceof Float64Array) for (let i = 0; i < data.length; i++) view.setFloat64(offset + 8 * i, data[i], true);
  else if (data instanceof Float32Array) for (let i = 0; i < data.length; i++) view.setFloat32(offset + 4 * i, data[i], true);
  else for (let i = 0; i < data.length; i++) view.setInt32(offset + 4 * i, data[i], true);
}

/**
 * Encodes tensors (and optional string metadata) as a safetensors file.
 *
 * Layout matches the reference writer (see the module comment): largest dtype first, then by name;
 * `__metadata__` is written only when `metadata` is given.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors(
 *   { 'fc.weight': { dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } },
 *   { format: 'pt' },
 * );
 * ```
 * @throws SafetensorsError for a name `__metadata__`, an unknown dtype, a shape that is not non-negative
 *   integers, data of the wrong array type or length, or a non-string metadata value.
 */
export function encodeSafetensors(tensors: Record<string, RawTensor>, metadata?: Record<string, string>): Uint8Array {
  if (tensors === null || typeof tensors !== 'object') {
    throw new SafetensorsError('encodeSafetensors: tensors must be an object mapping names to { dtype, shape, data }');
  }
  const entries = Object.keys(tensors).map((name) => {
    if (name === METADATA_KEY) {
      throw new SafetensorsError(`encodeSafetensors: "${METADATA_KEY}" is reserved for metadata and cannot name a tensor`);
    }
    const t = tensors[name];
    validateRawTensor(name, t);
    return { name, t, fmt: t.storeAs ?? RAW_TO_FORMAT[t.dtype] };
  });
  entries.sort((a, b) => DTYPE_RANK[b.fmt] - DTYPE_RANK[a.fmt] || compareCodePoints(a.name, b.name));

  const parts: string[] = [];
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object') {
      throw new SafetensorsError('encodeSafetensors: metadata must be an object of string values');
    }
    const kv: string[] = [];
    for (const key of Object.keys(metadata)) {
      const v = metadata[key];
      if (typeof v !== 'string') {
        throw new SafetensorsError(`encodeSafetensors: metadata value for "${key}" is ${typeof v}; safetensors metadata values must be strings`);
      }
      kv.push(`${JSON.stringify(key)}:${JSON.stringify(v)}`);
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${kv.join(',')}}`);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const { name, t, fmt } of entries) {
    const nbytes = t.data.length * DTYPE_SIZE[fmt];
    offsets.push(offset);
    parts.push(`${JSON.stringify(name)}:{"dtype":"${fmt}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + nbytes}]}`);
    offset += nbytes;
  }
  const headerText = `{${parts.join(',')}}`;
  const headerRaw = new TextEncoder().encode(headerText);
  // Pad with spaces so the byte buffer starts on an 8-byte boundary, as the reference writer does.
  const headerLen = Math.ceil(headerRaw.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLen % 0x100000000, true);
  view.setUint32(4, Math.floor(headerLen / 0x100000000), true);
  out.set(headerRaw, 8);
  out.fill(0x20, 8 + headerRaw.length, 8 + headerLen);
  const base = 8 + headerLen;
  entries.forEach(({ t }, i) => writeData(out, base + offsets[i], t));
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------------------

interface EntryInfo {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

function fail(msg: string): never {
  throw new SafetensorsError(`decodeSafetensors: ${msg}`);
}

function parseEntry(name: string, value: unknown): EntryInfo {
  const where = `tensor "${name}"`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(`${where}: header entry must be an object with dtype, shape and data_offsets, got ${JSON.stringify(value)}`);
  }
  const v = value as Record<string, unknown>;
  if (!('dtype' in v)) fail(`${where}: header entry has no "dtype"`);
  if (typeof v.dtype !== 'string') fail(`${where}: "dtype" must be a string, got ${JSON.stringify(v.dtype)}`);
  if (!isFormatDType(v.dtype)) {
    fail(`${where}: unknown dtype "${v.dtype}"; safetensors dtypes are ${Object.keys(DTYPE_SIZE).join(', ')}`);
  }
  if (!('shape' in v)) fail(`${where}: header entry has no "shape"`);
  const shape = v.shape;
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    fail(`${where}: "shape" must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!('data_offsets' in v)) fail(`${where}: header entry has no "data_offsets"`);
  const off = v.data_offsets;
  if (
    !Array.isArray(off) ||
    off.length !== 2 ||
    !off.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
  ) {
    fail(`${where}: "data_offsets" must be [begin, end] with non-negative integers, got ${JSON.stringify(off)}`);
  }
  const [begin, end] = off as number[];
  if (end < begin) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  return { name, dtype: v.dtype, shape: shape as number[], begin, end };
}

/** Reads the 8-byte little-endian u64 header length without losing precision above 2^32. */
function readHeaderLength(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  return hi * 0x100000000 + lo; // exact below 2^53; above, it is far past any limit anyway
}

/** Converts an IEEE 754 half to a number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero and subnormals
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Decodes one validated tensor's bytes into a fresh (hence aligned) typed array. */
function decodeData(e: EntryInfo, bytes: Uint8Array, start: number): RawTensor {
  const numel = shapeNumel(e.shape);
  const src = bytes.subarray(start, start + (e.end - e.begin));
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const shape = e.shape.slice();
  switch (e.dtype) {
    case 'F64':
    case 'F32':
    case 'I32': {
      const Ctor = e.dtype === 'F64' ? Float64Array : e.dtype === 'F32' ? Float32Array : Int32Array;
      const dtype: RawDType = e.dtype === 'F64' ? 'float64' : e.dtype === 'F32' ? 'float32' : 'int32';
      if (HOST_LITTLE_ENDIAN) {
        // Copy into a fresh buffer at offset 0, which fixes any misalignment in the file. (Not
        // src.slice(): on a Node Buffer that is a view into the shared pool, not a copy.)
        const copy = new Uint8Array(src.length);
        copy.set(src);
        return { dtype, shape, data: new Ctor(copy.buffer) };
      }
      const out = new Ctor(numel);
      if (out instanceof Float64Array) for (let i = 0; i < numel; i++) out[i] = view.getFloat64(8 * i, true);
      else if (out instanceof Float32Array) for (let i = 0; i < numel; i++) out[i] = view.getFloat32(4 * i, true);
      else for (let i = 0; i < numel; i++) out[i] = view.getInt32(4 * i, true);
      return { dtype, shape, data: out };
    }
    case 'F16':
    case 'BF16': {
      const out = new Float32Array(numel);
      if (e.dtype === 'F16') {
        for (let i = 0; i < numel; i++) out[i] = halfToNumber(view.getUint16(2 * i, true));
      } else {
        // bfloat16 is the top half of a float32.
        const tmp = new DataView(new ArrayBuffer(4));
        for (let i = 0; i < numel; i++) {
          tmp.setUint32(0, view.getUint16(2 * i, true) << 16);
          out[i] = tmp.getFloat32(0);
        }
      }
      return { dtype: 'float32', shape, data: out };
    }
    case 'BOOL': {
      const out = new Uint8Array(numel);
      for (let i = 0; i < numel; i++) out[i] = src[i] ? 1 : 0;
      return { dtype: 'bool', shape, data: out };
    }
    case 'I8':
    case 'U8':
    case 'I16':
    case 'U16': {
      const out = new Int32Array(numel);
      if (e.dtype === 'I8') for (let i = 0; i < numel; i++) out[i] = view.getInt8(i);
      else if (e.dtype === 'U8') for (let i = 0; i < numel; i++) out[i] = src[i];
      else if (e.dtype === 'I16') for (let i = 0; i < numel; i++) out[i] = view.getInt16(2 * i, true);
      else for (let i = 0; i < numel; i++) out[i] = view.getUint16(2 * i, true);
      return { dtype: 'int32', shape, data: out };
    }
    case 'U32': {
      const out = new Int32Array(numel);
      for (let i = 0; i < numel; i++) {
        const x = view.getUint32(4 * i, true);
        if (x > 0x7fffffff) outOfRange(e, i, String(x));
        out[i] = x;
      }
      return { dtype: 'int32', shape, data: out };
    }
    case 'I64':
    case 'U64': {
      const out = new Int32Array(numel);
      const signed = e.dtype === 'I64';
      for (let i = 0; i < numel; i++) {
        const lo = view.getInt32(8 * i, true);
        const hi = view.getInt32(8 * i + 4, true);
        // The value fits in int32 exactly when the high word is the sign extension of the low word.
        const ok = signed ? hi === (lo < 0 ? -1 : 0) : hi === 0 && lo >= 0;
        if (!ok) outOfRange(e, i, String(signed ? view.getBigInt64(8 * i, true) : view.getBigUint64(8 * i, true)));
        out[i] = lo;
      }
      return { dtype: 'int32', shape, data: out };
    }
    default:
      return fail(`tensor "${e.name}" has dtype ${e.dtype}, which tapegrad cannot load (supported: ${Object.keys(FORMAT_TO_RAW).join(', ')})`);
  }
}

function outOfRange(e: EntryInfo, i: number, value: string): never {
  return fail(
    `tensor "${e.name}" (${e.dtype}) element ${i} is ${value}, which does not fit in int32 ` +
      `[-2147483648, 2147483647]; tapegrad loads integer tensors as int32`,
  );
}

/**
 * Decodes a safetensors file. Everything in the header is validated before any tensor is allocated.
 *
 * dtypes: F32, F64, I32 and BOOL load as they are; F16 and BF16 load as float32; I8, I16, U8, U16 load
 * as int32 (exactly); I64, U32, U64 load as int32 and throw if any element does not fit (naming the
 * tensor, element and value); F8 types throw, naming the tensor. Data is always copied into fresh typed
 * arrays, so files with unaligned offsets and big-endian hosts both work. Tensors come back in data order.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = decodeSafetensors(bytes);
 * tensors['0.weight'].shape; // [8, 4]
 * ```
 * @throws SafetensorsError naming the problem: file shorter than 8 bytes, header length beyond the file
 *   or `maxHeaderBytes`, header not UTF-8 / not JSON / not an object, an entry with missing or invalid
 *   dtype, shape or data_offsets, offsets that overlap, leave holes, run past the end or disagree with
 *   shape × dtype size, non-string metadata values, unsupported dtypes.
 */
export function decodeSafetensors(bytes: Uint8Array, opts: DecodeSafetensorsOptions = {}): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  const maxHeaderBytes = opts.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (bytes.length < 8) {
    fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length prefix; not a safetensors file`);
  }
  const n = readHeaderLength(bytes);
  if (n > maxHeaderBytes) {
    fail(`header length ${n} bytes exceeds the limit of ${maxHeaderBytes} bytes (maxHeaderBytes); file is corrupt or not safetensors`);
  }
  if (8 + n > bytes.length) {
    fail(`header length ${n} bytes runs past the end of the ${bytes.length}-byte file; file is truncated or not safetensors`);
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    return fail(`header is not valid JSON (${(err as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    fail(`header must be a JSON object, got ${Array.isArray(header) ? 'an array' : JSON.stringify(header)}`);
  }

  const metadata: Record<string, string> = {};
  const entries: EntryInfo[] = [];
  for (const key of Object.keys(header)) {
    const value = (header as Record<string, unknown>)[key];
    if (key === METADATA_KEY) {
      if (value === null) continue; // the reference writer's "no metadata"
      if (typeof value !== 'object' || Array.isArray(value)) {
        fail(`"${METADATA_KEY}" must be an object of string values, got ${JSON.stringify(value)}`);
      }
      for (const mk of Object.keys(value as object)) {
        const mv = (value as Record<string, unknown>)[mk];
        if (typeof mv !== 'string') fail(`metadata value for "${mk}" must be a string, got ${JSON.stringify(mv)}`);
        defineOwn(metadata, mk, mv);
      }
      continue;
    }
    entries.push(parseEntry(key, value));
  }

  // Offsets: sorted by position they must tile [0, dataLength) exactly.
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  for (const e of entries) {
    if (e.end > dataLength) {
      fail(`tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] run past the end of the ${dataLength}-byte data buffer`);
    }
    const size = DTYPE_SIZE[e.dtype];
    const numel = shapeNumel(e.shape);
    const expected = numel * size;
    if (e.end - e.begin !== expected) {
      fail(
        `tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] span ${e.end - e.begin} bytes but shape ` +
          `${fmtShape(e.shape)} of ${e.dtype} needs ${numel} × ${size} = ${expected} bytes`,
      );
    }
  }
  const ordered = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: EntryInfo | undefined;
  for (const e of ordered) {
    if (e.begin < pos) {
      fail(`tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] overlap tensor "${prev!.name}" [${prev!.begin}, ${prev!.end}]`);
    }
    if (e.begin > pos) {
      fail(`data buffer has a hole: bytes [${pos}, ${e.begin}) belong to no tensor (next is "${e.name}" at ${e.begin})`);
    }
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLength) {
    fail(`data buffer has a hole: its last ${dataLength - pos} bytes [${pos}, ${dataLength}) belong to no tensor`);
  }

  // Unsupported dtypes are rejected before allocating anything.
  for (const e of entries) {
    if (FORMAT_TO_RAW[e.dtype] === undefined) {
      fail(`tensor "${e.name}" has dtype ${e.dtype}, which tapegrad cannot load (supported: ${Object.keys(FORMAT_TO_RAW).join(', ')})`);
    }
  }

  const tensors: Record<string, RawTensor> = {};
  for (const e of ordered) defineOwn(tensors, e.name, decodeData(e, bytes, dataStart + e.begin));
  return { tensors, metadata };
}
