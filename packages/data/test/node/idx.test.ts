import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, readIdx } from '@tapegrad/data/node';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A hand-built IDX header: magic bytes then big-endian dims. */
function header(magic: number[], dims: number[]): number[] {
  return [...magic, ...dims.flatMap((d) => [(d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255])];
}

describe('readIdx', () => {
  test('reads unsigned-byte images from a file, big-endian dims', () => {
    // 2 images of 2 x 3 pixels; dim 258 would read 0x0201 little-endian, so use dims that reveal byte order.
    const bytes = Uint8Array.from([...header([0, 0, 8, 3], [2, 2, 3]), ...Array.from({ length: 12 }, (_, i) => i * 20)]);
    const path = join(dir, 'imgs-idx3-ubyte');
    writeFileSync(path, bytes);
    const r = readIdx(path);
    expect(r.magic).toBe(0x00000803);
    expect(r.typeCode).toBe(8);
    expect(r.shape).toEqual([2, 2, 3]);
    expect(r.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(r.data)).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 220]);
  });

  test('multi-byte dims are big-endian', () => {
    const r = readIdx(Uint8Array.from([...header([0, 0, 8, 1], [258]), ...new Array(258).fill(7)]));
    expect(r.shape).toEqual([258]); // 0x00000102
    expect(r.data.length).toBe(258);
  });

  test('gzipped files (1f 8b) are inflated', () => {
    const plain = encodeIdx([4], Uint8Array.of(3, 1, 4, 1));
    const gz = gzipSync(plain);
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    const path = join(dir, 'labels-idx1-ubyte.gz');
    writeFileSync(path, gz);
    const r = readIdx(path);
    expect(r.magic).toBe(0x00000801);
    expect(Array.from(r.data)).toEqual([3, 1, 4, 1]);
  });

  test('other IDX element types are decoded big-endian', () => {
    // int32 (type 0x0C): 1 dim of 2 values, -2 and 65536
    const r = readIdx(Uint8Array.from([...header([0, 0, 0x0c, 1], [2]), 0xff, 0xff, 0xff, 0xfe, 0, 1, 0, 0]));
    expect(r.data).toBeInstanceOf(Int32Array);
    expect(Array.from(r.data)).toEqual([-2, 65536]);
    // float64 (0x0E): 1.5 = 0x3FF8000000000000
    const f = readIdx(Uint8Array.from([...header([0, 0, 0x0e, 1], [1]), 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]));
    expect(Array.from(f.data)).toEqual([1.5]);
  });

  test('missing file', () => {
    const path = join(dir, 'nope-idx1-ubyte');
    expect(() => readIdx(path)).toThrow(`readIdx: file not found: ${path}`);
  });

  test('wrong magic number', () => {
    const path = join(dir, 'bad-magic');
    writeFileSync(path, Uint8Array.from([0x12, 0x34, 0x08, 0x01, 0, 0, 0, 1, 5]));
    expect(() => readIdx(path)).toThrow(/has magic number 0x12340801, which is not an IDX magic number.*0x00000801.*0x00000803/);
    expect(() => readIdx(Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 0]))).toThrow(/0x00000701, which is not an IDX/);
    expect(() => readIdx(new TextEncoder().encode('PK\x03\x04zipfile'))).toThrow(/not an IDX magic number/);
  });

  test('truncated header and truncated data', () => {
    expect(() => readIdx(Uint8Array.of(0, 0))).toThrow(/truncated: 2 bytes, too short/);
    expect(() => readIdx(Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 5]))).toThrow(/announces 3 dims \(a 16-byte header\) but it has only 8 bytes/);
    const short = Uint8Array.from([...header([0, 0, 8, 3], [10, 28, 28]), ...new Array(100).fill(0)]);
    const path = join(dir, 'short-idx3-ubyte.gz');
    writeFileSync(path, gzipSync(short));
    expect(() => readIdx(path)).toThrow(/is truncated: the header declares dims \[10, 28, 28\] of unsigned byte = 7840 data bytes, but 100 data bytes follow the 16-byte header/);
    expect(() => readIdx(Uint8Array.from([...header([0, 0, 8, 1], [2]), 1, 2, 3]))).toThrow(/has trailing bytes.*2 data bytes, but 3/);
  });

  test('a broken gzip stream', () => {
    const gz = gzipSync(encodeIdx([100], new Uint8Array(100)));
    expect(() => readIdx(gz.subarray(0, 15), 'cut.gz')).toThrow(/readIdx: cut.gz starts like a gzip file \(1f 8b\) but could not be inflated/);
  });

  test('encodeIdx round-trips and checks its input', () => {
    const data = Uint8Array.from({ length: 24 }, (_, i) => i);
    const r = readIdx(encodeIdx([2, 3, 4], data));
    expect(r.shape).toEqual([2, 3, 4]);
    expect(Array.from(r.data)).toEqual(Array.from(data));
    expect(() => encodeIdx([2, 2], new Uint8Array(3))).toThrow(/need 4 bytes, got 3/);
  });
});
