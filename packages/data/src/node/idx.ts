import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Element types of the IDX format, keyed by the type byte of the magic number. */
const IDX_TYPES: Record<number, { name: string; size: number }> = {
  0x08: { name: 'unsigned byte', size: 1 },
  0x09: { name: 'signed byte', size: 1 },
  0x0b: { name: 'int16', size: 2 },
  0x0c: { name: 'int32', size: 4 },
  0x0d: { name: 'float32', size: 4 },
  0x0e: { name: 'float64', size: 8 },
};

/** The typed array an IDX file's elements are returned in (by type code 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E). */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** The content of an IDX file. */
export interface IdxArray {
  /** The whole 32-bit magic number, e.g. 0x00000803 for MNIST images (unsigned bytes, 3 dims). */
  magic: number;
  /** The element type code (third magic byte): 0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64. */
  typeCode: number;
  /** The dimensions declared in the header, e.g. [60000, 28, 28]. */
  shape: number[];
  /** The elements in row-major order, decoded from big-endian. */
  data: IdxData;
}

const hex = (m: number): string => `0x${(m >>> 0).toString(16).padStart(8, '0')}`;

/**
 * Reads an IDX file (the format of MNIST and Fashion-MNIST): a big-endian magic number 0x0000TTDD
 * (TT = element type, DD = number of dims), DD big-endian uint32 dims, then the elements. Gzipped input
 * (first bytes 1f 8b) is inflated with zlib first. Throws a specific error for a missing file, a wrong
 * magic number, a truncated header or data whose size does not match the declared dims.
 *
 * @param source A file path, or the file's bytes.
 * @param name What to call the source in error messages (defaults to the path, or "IDX data").
 * @example
 * ```ts
 * const { shape, data } = readIdx('mnist/train-labels-idx1-ubyte.gz'); // shape [60000], data Uint8Array
 * ```
 */
export function readIdx(source: string | Uint8Array, name?: string): IdxArray {
  let bytes: Uint8Array;
  let what: string;
  if (typeof source === 'string') {
    what = name ?? source;
    if (!existsSync(source)) throw new Error(`readIdx: file not found: ${source}`);
    if (!statSync(source).isFile()) throw new Error(`readIdx: not a file: ${source}`);
    bytes = readFileSync(source);
  } else if (source instanceof Uint8Array) {
    what = name ?? 'IDX data';
    bytes = source;
  } else {
    throw new TypeError('readIdx: expected a file path or a Uint8Array');
  }

  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`readIdx: ${what} starts like a gzip file (1f 8b) but could not be inflated: ${(e as Error).message}`);
    }
  }
  if (bytes.length < 4) throw new Error(`readIdx: ${what} is truncated: ${bytes.length} bytes, too short for the 4-byte IDX magic number`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const typeCode = bytes[2], ndim = bytes[3];
  const type = IDX_TYPES[typeCode];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined || ndim === 0) {
    throw new Error(
      `readIdx: ${what} has magic number ${hex(magic)}, which is not an IDX magic number ` +
        `(expected 0x0000TTDD: two zero bytes, a type TT in 08 09 0b 0c 0d 0e and DD >= 1 dims; ` +
        `MNIST labels are 0x00000801 and images 0x00000803)`,
    );
  }
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new Error(`readIdx: ${what} is truncated: its magic ${hex(magic)} announces ${ndim} dims (a ${headerBytes}-byte header) but it has only ${bytes.length} bytes`);
  }
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.size;
  const actual = bytes.length - headerBytes;
  if (actual !== expected) {
    const kind = actual < expected ? 'is truncated' : 'has trailing bytes';
    throw new Error(
      `readIdx: ${what} ${kind}: the header declares dims [${shape.join(', ')}] of ${type.name} = ${expected} data bytes, but ${actual} data bytes follow the ${headerBytes}-byte header`,
    );
  }

  let data: IdxData;
  switch (typeCode) {
    case 0x08:
    case 0x09: {
      // Copy into a fresh plain array: Node's Buffer.slice would return a view into the file (or pool) buffer.
      const copy = new Uint8Array(expected);
      copy.set(bytes.subarray(headerBytes, headerBytes + expected));
      data = typeCode === 0x08 ? copy : new Int8Array(copy.buffer);
      break;
    }
    default: {
      const out = typeCode === 0x0b ? new Int16Array(count) : typeCode === 0x0c ? new Int32Array(count) : typeCode === 0x0d ? new Float32Array(count) : new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const at = headerBytes + i * type.size;
        out[i] =
          typeCode === 0x0b ? view.getInt16(at, false) : typeCode === 0x0c ? view.getInt32(at, false) : typeCode === 0x0d ? view.getFloat32(at, false) : view.getFloat64(at, false);
      }
      data = out;
    }
  }
  return { magic, typeCode, shape, data };
}

/**
 * Encodes an IDX file (the inverse of {@link readIdx}) from unsigned bytes: magic 0x0000 08 DD,
 * big-endian dims, then the data. Handy for tests and for exporting data sets.
 *
 * @example
 * ```ts
 * writeFileSync('labels-idx1-ubyte', encodeIdx([3], Uint8Array.of(7, 2, 1)));
 * ```
 */
export function encodeIdx(shape: readonly number[], data: Uint8Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.length === 0 || shape.length > 255) throw new RangeError(`encodeIdx: expected 1 to 255 dims, got ${shape.length}`);
  if (data.length !== count) throw new RangeError(`encodeIdx: dims [${shape.join(', ')}] need ${count} bytes, got ${data.length}`);
  const out = new Uint8Array(4 + 4 * shape.length + count);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 | shape.length, false);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}
