import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import {
  decodeSafetensors,
  encodeSafetensors,
  RawTensor,
  SafetensorsError,
} from '../../src/io/safetensors';

const FIXTURES = path.resolve(__dirname, '../../../../fixtures/pytorch');

// ---------------------------------------------------------------------------------------------------------
// Helpers that build files by hand from the specification, independent of the encoder.
// ---------------------------------------------------------------------------------------------------------

/** u64 little-endian, byte by byte. */
function u64le(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 8; i++) {
    out.push(n % 256);
    n = Math.floor(n / 256);
  }
  return out;
}

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

/** A file from a header string (padded with `pad` spaces) and raw data bytes. */
function file(header: string, data: number[] = [], pad = 0): Uint8Array {
  const h = ascii(header + ' '.repeat(pad));
  return new Uint8Array([...u64le(h.length), ...h, ...data]);
}

/** A file with one tensor entry whose JSON is `entry`, followed by `dataLen` zero bytes. */
function oneEntry(entry: string, dataLen: number): Uint8Array {
  return file(`{"t":${entry}}`, new Array(dataLen).fill(0));
}

function decodeError(bytes: Uint8Array, opts?: { maxHeaderBytes?: number }): string {
  try {
    decodeSafetensors(bytes, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    return (e as Error).message;
  }
  throw new Error('expected decodeSafetensors to throw');
}

// ---------------------------------------------------------------------------------------------------------

describe('encodeSafetensors / decodeSafetensors round trip', () => {
  const cases: Record<string, RawTensor> = {
    f32: { dtype: 'float32', shape: [2, 3], data: new Float32Array([1.5, -2, 0, -0, 3.4028234663852886e38, 1e-45]) },
    f64: { dtype: 'float64', shape: [3], data: new Float64Array([Math.PI, -1e300, 5e-324]) },
    i32: { dtype: 'int32', shape: [2, 2], data: new Int32Array([-2147483648, 2147483647, 0, -1]) },
    b: { dtype: 'bool', shape: [4], data: new Uint8Array([1, 0, 0, 1]) },
    scalar: { dtype: 'float32', shape: [], data: new Float32Array([7.25]) },
    scalarI: { dtype: 'int32', shape: [], data: new Int32Array([-9]) },
    scalarB: { dtype: 'bool', shape: [], data: new Uint8Array([1]) },
    scalarD: { dtype: 'float64', shape: [], data: new Float64Array([-0.1]) },
    empty: { dtype: 'float32', shape: [0], data: new Float32Array(0) },
    empty2: { dtype: 'float64', shape: [2, 0, 3], data: new Float64Array(0) },
    emptyI: { dtype: 'int32', shape: [0, 5], data: new Int32Array(0) },
    emptyB: { dtype: 'bool', shape: [0], data: new Uint8Array(0) },
  };

  it('restores every dtype, 0-d and zero-size tensors exactly, with metadata', () => {
    const bytes = encodeSafetensors(cases, { format: 'pt', note: 'ünïcødé ✓' });
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt', note: 'ünïcødé ✓' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(cases).sort());
    for (const [name, t] of Object.entries(cases)) {
      const got = tensors[name];
      expect(got.dtype).toBe(t.dtype);
      expect(got.shape).toEqual(t.shape);
      expect(got.data.constructor).toBe(t.data.constructor);
      expect(Array.from(got.data)).toEqual(Array.from(t.data));
    }
    // -0 survives bit-exactly (toEqual on arrays uses Object.is).
    expect(Object.is(tensors.f32.data[3], -0)).toBe(true);
  });

  it('keeps NaN and infinities', () => {
    const bytes = encodeSafetensors({
      x: { dtype: 'float32', shape: [3], data: new Float32Array([NaN, Infinity, -Infinity]) },
      y: { dtype: 'float64', shape: [3], data: new Float64Array([NaN, Infinity, -Infinity]) },
    });
    const { tensors } = decodeSafetensors(bytes);
    expect(Array.from(tensors.x.data)).toEqual([NaN, Infinity, -Infinity]);
    expect(Array.from(tensors.y.data)).toEqual([NaN, Infinity, -Infinity]);
  });

  it('round-trips an empty dictionary and metadata-only files', () => {
    expect(decodeSafetensors(encodeSafetensors({}))).toEqual({ tensors: {}, metadata: {} });
    expect(decodeSafetensors(encodeSafetensors({}, { a: 'b' }))).toEqual({ tensors: {}, metadata: { a: 'b' } });
  });

  it('round-trips names that are awkward in JavaScript objects and JSON', () => {
    const names = ['__proto__', 'constructor', '', 'a "quoted" \\ name', '0', '10', '2', 'émoji 😀', 'line\nbreak'];
    const input: Record<string, RawTensor> = {};
    names.forEach((n, i) =>
      Object.defineProperty(input, n, {
        value: { dtype: 'int32', shape: [1], data: new Int32Array([i]) },
        enumerable: true,
      }),
    );
    const { tensors } = decodeSafetensors(encodeSafetensors(input, { __proto__x: 'y' }));
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    expect(Object.keys(tensors).sort()).toEqual(names.slice().sort());
    names.forEach((n, i) => {
      expect(Object.prototype.hasOwnProperty.call(tensors, n)).toBe(true);
      expect(Array.from(tensors[n].data)).toEqual([i]);
    });
  });

  it('does not alias the input or the file bytes', () => {
    const src = new Float32Array([1, 2, 3]);
    const bytes = encodeSafetensors({ x: { dtype: 'float32', shape: [3], data: src } });
    src[0] = 99;
    const { tensors } = decodeSafetensors(bytes);
    expect(tensors.x.data[0]).toBe(1);
    bytes.fill(0);
    expect(Array.from(tensors.x.data)).toEqual([1, 2, 3]);
  });

  it('encodes typed-array views (non-zero byteOffset) correctly', () => {
    const backing = new Float64Array([9, 9, 1, 2, 3, 9]);
    const view = backing.subarray(2, 5);
    const { tensors } = decodeSafetensors(encodeSafetensors({ v: { dtype: 'float64', shape: [3], data: view } }));
    expect(Array.from(tensors.v.data)).toEqual([1, 2, 3]);
  });

  it('stores bool as 0/1 bytes even when given other non-zero bytes', () => {
    const bytes = encodeSafetensors({ m: { dtype: 'bool', shape: [3], data: new Uint8Array([0, 7, 255]) } });
    expect(Array.from(bytes.subarray(bytes.length - 3))).toEqual([0, 1, 1]);
    expect(Array.from(decodeSafetensors(bytes).tensors.m.data)).toEqual([0, 1, 1]);
  });

  it('property: random dictionaries round-trip', () => {
    const dtypeArb = fc.constantFrom<RawTensor['dtype']>('float32', 'float64', 'int32', 'bool');
    const tensorArb = fc
      .tuple(dtypeArb, fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }), fc.integer())
      .map(([dtype, shape, seed]): RawTensor => {
        const n = shape.reduce((a, b) => a * b, 1);
        let s = seed >>> 0;
        const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s);
        const vals = Array.from({ length: n }, next);
        const data =
          dtype === 'float32' ? new Float32Array(vals.map((v) => (v / 2 ** 32 - 0.5) * 100))
          : dtype === 'float64' ? new Float64Array(vals.map((v) => v / 3 - 1e9))
          : dtype === 'int32' ? new Int32Array(vals.map((v) => v | 0))
          : new Uint8Array(vals.map((v) => v & 1));
        return { dtype, shape, data };
      });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), tensorArb, { maxKeys: 6 }), (dict) => {
        delete (dict as Record<string, unknown>).__metadata__;
        const out = decodeSafetensors(encodeSafetensors(dict)).tensors;
        expect(Object.keys(out).sort()).toEqual(Object.keys(dict).sort());
        for (const k of Object.keys(dict)) {
          expect(out[k].dtype).toBe(dict[k].dtype);
          expect(out[k].shape).toEqual(dict[k].shape);
          expect(Array.from(out[k].data)).toEqual(Array.from(dict[k].data));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('encoder layout matches the reference writer', () => {
  it('writes a single F32 tensor byte for byte as the spec describes', () => {
    const bytes = encodeSafetensors({
      'attn.0': { dtype: 'float32', shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) },
    });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(64); // already a multiple of 8: no padding
    // float32 little-endian: 0 = 00 00 00 00, 1 = 00 00 80 3f, 2 = 00 00 00 40, 3 = 00 00 40 40, 4 = 00 00 80 40, 5 = 00 00 a0 40
    const data = [0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40, 0, 0, 0xa0, 0x40];
    expect(Array.from(bytes)).toEqual(Array.from(file(header, data)));
  });

  it('pads the header with spaces to a multiple of 8', () => {
    const header = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(65); // so 7 spaces of padding
    const bytes = encodeSafetensors({
      attn0: { dtype: 'float32', shape: [1, 1, 2, 3], data: new Float32Array(6) },
    });
    expect(Array.from(bytes)).toEqual(Array.from(file(header, new Array(24).fill(0), 7)));
    expect(Array.from(encodeSafetensors({}))).toEqual(Array.from(file('{}', [], 6)));
    expect(Array.from(encodeSafetensors({}, { framework: 'pt' }))).toEqual(
      Array.from(file('{"__metadata__":{"framework":"pt"}}', [], 5)),
    );
  });

  it('orders tensors by dtype alignment (largest first), then by name, metadata first', () => {
    const bytes = encodeSafetensors(
      {
        z_bool: { dtype: 'bool', shape: [1], data: new Uint8Array([1]) },
        b_f32: { dtype: 'float32', shape: [1], data: new Float32Array([1]) },
        a_i32: { dtype: 'int32', shape: [1], data: new Int32Array([1]) },
        a_f32: { dtype: 'float32', shape: [1], data: new Float32Array([1]) },
        y_f64: { dtype: 'float64', shape: [1], data: new Float64Array([1]) },
      },
      { k: 'v' },
    );
    const n = new DataView(bytes.buffer).getUint32(0, true);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(header.trimEnd()).toBe(
      '{"__metadata__":{"k":"v"},' +
        '"y_f64":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},' +
        '"a_f32":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},' +
        '"b_f32":{"dtype":"F32","shape":[1],"data_offsets":[12,16]},' +
        '"a_i32":{"dtype":"I32","shape":[1],"data_offsets":[16,20]},' +
        '"z_bool":{"dtype":"BOOL","shape":[1],"data_offsets":[20,21]}}',
    );
    expect((8 + n) % 8).toBe(0);
  });

  it('sorts names by code point (UTF-8 byte order), like the reference writer', () => {
    // UTF-16 order would put U+FF21 after U+1F600's surrogate pair; code-point order puts it before.
    const bytes = encodeSafetensors({
      '\u{1F600}': { dtype: 'int32', shape: [], data: new Int32Array([1]) },
      '\uFF21': { dtype: 'int32', shape: [], data: new Int32Array([2]) },
    });
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + bytes[0]));
    expect(header.indexOf('\uFF21')).toBeLessThan(header.indexOf('\u{1F600}'));
  });
});

describe('decoding files built by hand from the spec', () => {
  it('decodes every supported dtype, unaligned, in any order', () => {
    // The header deliberately lists tensors out of data order and is NOT padded (61+ bytes), so every
    // tensor's data starts at an odd file offset.
    const header =
      '{"h":{"dtype":"F16","shape":[6],"data_offsets":[0,12]},' +
      '"__metadata__":{"who":"hand!"},' +
      '"bf":{"dtype":"BF16","shape":[3],"data_offsets":[12,18]},' +
      '"l":{"dtype":"I64","shape":[3],"data_offsets":[18,42]},' +
      '"f":{"dtype":"F32","shape":[2],"data_offsets":[42,50]},' +
      '"d":{"dtype":"F64","shape":[],"data_offsets":[50,58]},' +
      '"i":{"dtype":"I32","shape":[1,1],"data_offsets":[58,62]},' +
      '"m":{"dtype":"BOOL","shape":[3],"data_offsets":[62,65]},' +
      '"u":{"dtype":"U8","shape":[2],"data_offsets":[65,67]},' +
      '"z":{"dtype":"F32","shape":[0,3],"data_offsets":[67,67]}}';
    const data = [
      // F16 (values computed with torch: int16 bits .view(torch.float16)):
      // 0x3c00 = 1, 0xc000 = -2, 0x7bff = 65504, 0x0001 = 2^-24, 0x7c00 = inf, 0x3555 = 0.333251953125
      0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00, 0x00, 0x7c, 0x55, 0x35,
      // BF16 (torch .view(torch.bfloat16)): 0x3f80 = 1, 0x4049 = 3.140625, 0xc2f7 = -123.5
      0x80, 0x3f, 0x49, 0x40, 0xf7, 0xc2,
      // I64: 5, -1, -2147483648
      5, 0, 0, 0, 0, 0, 0, 0,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0x00, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0xff,
      // F32: 1.0, -0.5 (0xbf000000)
      0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xbf,
      // F64: 2.5 = 0x4004000000000000
      0, 0, 0, 0, 0, 0, 0x04, 0x40,
      // I32: -2 = 0xfffffffe
      0xfe, 0xff, 0xff, 0xff,
      // BOOL
      1, 0, 1,
      // U8
      200, 7,
    ];
    const bytes = file(header, data);
    expect((8 + header.length) % 2).toBe(1); // the data really is unaligned
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ who: 'hand!' });
    expect(tensors.h).toEqual({ dtype: 'float32', shape: [6], data: new Float32Array([1, -2, 65504, 2 ** -24, Infinity, 0.333251953125]) });
    expect(tensors.bf).toEqual({ dtype: 'float32', shape: [3], data: new Float32Array([1, 3.140625, -123.5]) });
    expect(tensors.l).toEqual({ dtype: 'int32', shape: [3], data: new Int32Array([5, -1, -2147483648]) });
    expect(tensors.f).toEqual({ dtype: 'float32', shape: [2], data: new Float32Array([1, -0.5]) });
    expect(tensors.d).toEqual({ dtype: 'float64', shape: [], data: new Float64Array([2.5]) });
    expect(tensors.i).toEqual({ dtype: 'int32', shape: [1, 1], data: new Int32Array([-2]) });
    expect(tensors.m).toEqual({ dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) });
    expect(tensors.u).toEqual({ dtype: 'int32', shape: [2], data: new Int32Array([200, 7]) });
    expect(tensors.z).toEqual({ dtype: 'float32', shape: [0, 3], data: new Float32Array(0) });
    // Fresh, aligned arrays that own their buffers.
    expect(tensors.f.data.byteOffset).toBe(0);
    expect(tensors.d.data.buffer.byteLength).toBe(8);
  });

  it('decodes F16 subnormals, negative zero and NaN', () => {
    // 0x8000 = -0, 0x0200 = 2^-15 (subnormal: 512 * 2^-24), 0x7e00 = NaN, 0xfc00 = -inf
    const bytes = oneEntry('{"dtype":"F16","shape":[4],"data_offsets":[0,8]}', 0);
    const withData = new Uint8Array([...bytes, 0x00, 0x80, 0x00, 0x02, 0x00, 0x7e, 0x00, 0xfc]);
    const { tensors } = decodeSafetensors(withData);
    expect(Array.from(tensors.t.data)).toEqual([-0, 2 ** -15, NaN, -Infinity]);
  });

  it('decodes I8, I16, U16, U32 and U64 losslessly into int32', () => {
    const header =
      '{"a":{"dtype":"I8","shape":[2],"data_offsets":[0,2]},' +
      '"b":{"dtype":"I16","shape":[2],"data_offsets":[2,6]},' +
      '"c":{"dtype":"U16","shape":[1],"data_offsets":[6,8]},' +
      '"d":{"dtype":"U32","shape":[1],"data_offsets":[8,12]},' +
      '"e":{"dtype":"U64","shape":[1],"data_offsets":[12,20]}}';
    const data = [0x80, 0x7f, 0x00, 0x80, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 42, 0, 0, 0, 0, 0, 0, 0];
    const { tensors } = decodeSafetensors(file(header, data));
    expect(Array.from(tensors.a.data)).toEqual([-128, 127]);
    expect(Array.from(tensors.b.data)).toEqual([-32768, 32767]);
    expect(Array.from(tensors.c.data)).toEqual([65535]);
    expect(Array.from(tensors.d.data)).toEqual([2147483647]);
    expect(Array.from(tensors.e.data)).toEqual([42]);
    expect(tensors.e.dtype).toBe('int32');
  });

  it('accepts input that is itself an unaligned view into a larger buffer', () => {
    const bytes = encodeSafetensors({ w: { dtype: 'float64', shape: [2], data: new Float64Array([1.25, -3]) } });
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    const { tensors } = decodeSafetensors(big.subarray(3));
    expect(Array.from(tensors.w.data)).toEqual([1.25, -3]);
  });

  it('decodes from a Node Buffer (a view into a shared pool, whose slice() does not copy)', () => {
    const bytes = encodeSafetensors({
      a: { dtype: 'float32', shape: [2], data: new Float32Array([1.5, -2]) },
      b: { dtype: 'float64', shape: [1], data: new Float64Array([3.25]) },
      c: { dtype: 'int32', shape: [1], data: new Int32Array([-7]) },
    });
    const pooled = Buffer.from(bytes); // small Buffers live at an offset inside an 8 KB pool
    const { tensors } = decodeSafetensors(pooled);
    expect(Array.from(tensors.a.data)).toEqual([1.5, -2]);
    expect(Array.from(tensors.b.data)).toEqual([3.25]);
    expect(Array.from(tensors.c.data)).toEqual([-7]);
    expect(tensors.a.data.buffer.byteLength).toBe(8);
  });

  it('accepts "__metadata__": null and an absent metadata block', () => {
    const a = file('{"__metadata__":null,"t":{"dtype":"I32","shape":[],"data_offsets":[0,4]}}', [1, 0, 0, 0]);
    expect(decodeSafetensors(a).metadata).toEqual({});
    expect(Array.from(decodeSafetensors(a).tensors.t.data)).toEqual([1]);
  });

  it('ignores unknown fields in a tensor entry (as the reference reader does)', () => {
    const bytes = file('{"t":{"dtype":"I32","shape":[1],"data_offsets":[0,4],"extra":1}}', [3, 0, 0, 0]);
    expect(Array.from(decodeSafetensors(bytes).tensors.t.data)).toEqual([3]);
  });
});

describe('the PyTorch fixture sequential-4-8-3.safetensors', () => {
  const bytes = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'sequential-4-8-3.safetensors')));
  const ref = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'sequential-4-8-3.json'), 'utf8')) as {
    input: { shape: number[]; data: number[] };
    output: { shape: number[]; data: number[] };
  };

  it('decodes with the expected keys, shapes and dtypes', () => {
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.keys(tensors).sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
    expect(tensors['0.weight'].shape).toEqual([8, 4]);
    expect(tensors['0.bias'].shape).toEqual([8]);
    expect(tensors['2.weight'].shape).toEqual([3, 8]);
    expect(tensors['2.bias'].shape).toEqual([3]);
    for (const t of Object.values(tensors)) expect(t.data).toBeInstanceOf(Float32Array);
  });

  it("reproduces PyTorch's output for the stored input (relu(x W0ᵀ + b0) W2ᵀ + b2)", () => {
    const { tensors } = decodeSafetensors(bytes);
    const W0 = tensors['0.weight'].data, b0 = tensors['0.bias'].data;
    const W2 = tensors['2.weight'].data, b2 = tensors['2.bias'].data;
    const [batch, inF] = ref.input.shape;
    const out: number[] = [];
    for (let r = 0; r < batch; r++) {
      const h: number[] = [];
      for (let j = 0; j < 8; j++) {
        let s = b0[j];
        for (let k = 0; k < inF; k++) s += ref.input.data[r * inF + k] * W0[j * inF + k];
        h.push(Math.max(0, s));
      }
      for (let o = 0; o < 3; o++) {
        let s = b2[o];
        for (let j = 0; j < 8; j++) s += h[j] * W2[o * 8 + j];
        out.push(s);
      }
    }
    expect(ref.output.shape).toEqual([batch, 3]);
    out.forEach((v, i) => expect(Math.abs(v - ref.output.data[i])).toBeLessThan(1e-5));
  });

  it('re-encodes to the identical bytes (same layout as the reference writer)', () => {
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(Array.from(encodeSafetensors(tensors, metadata))).toEqual(Array.from(bytes));
  });
});

describe('malformed files give specific errors', () => {
  const good = '{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';

  it('file shorter than 8 bytes', () => {
    expect(decodeError(new Uint8Array([1, 2, 3]))).toMatch(/file is 3 bytes, shorter than the 8-byte header length prefix/);
    expect(decodeError(new Uint8Array(0))).toMatch(/file is 0 bytes/);
  });

  it('header length larger than the file', () => {
    const bytes = file(good, new Array(8).fill(0));
    const cut = bytes.subarray(0, 20);
    expect(decodeError(cut)).toMatch(/header length 54 bytes runs past the end of the 20-byte file/);
  });

  it('header length larger than maxHeaderBytes, checked before anything is read', () => {
    // 2^40 declared: must fail fast, not try to allocate or decode.
    const huge = new Uint8Array([0, 0, 0, 0, 0, 1, 0, 0, 0x7b, 0x7d]);
    expect(decodeError(huge)).toMatch(/header length 1099511627776 bytes exceeds the limit of 100000000 bytes/);
    const max64 = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(decodeError(max64)).toMatch(/exceeds the limit/);
    const bytes = file(good, new Array(8).fill(0));
    expect(decodeError(bytes, { maxHeaderBytes: 32 })).toMatch(/header length 54 bytes exceeds the limit of 32 bytes/);
    expect(() => decodeSafetensors(bytes, { maxHeaderBytes: 54 })).not.toThrow();
  });

  it('header not UTF-8, not JSON, or not an object', () => {
    expect(decodeError(new Uint8Array([...u64le(2), 0xff, 0xfe]))).toMatch(/header is not valid UTF-8/);
    expect(decodeError(file('{not json}'))).toMatch(/header is not valid JSON/);
    expect(decodeError(file(''))).toMatch(/header is not valid JSON/);
    expect(decodeError(file('[1,2]'))).toMatch(/header must be a JSON object, got an array/);
    expect(decodeError(file('42'))).toMatch(/header must be a JSON object, got 42/);
    expect(decodeError(file('null'))).toMatch(/header must be a JSON object, got null/);
  });

  it('tensor entry that is not an object', () => {
    expect(decodeError(oneEntry('[1,2]', 0))).toMatch(/tensor "t": header entry must be an object/);
    expect(decodeError(oneEntry('"F32"', 0))).toMatch(/tensor "t": header entry must be an object/);
  });

  it('missing or invalid dtype', () => {
    expect(decodeError(oneEntry('{"shape":[2],"data_offsets":[0,8]}', 8))).toMatch(/tensor "t": header entry has no "dtype"/);
    expect(decodeError(oneEntry('{"dtype":4,"shape":[2],"data_offsets":[0,8]}', 8))).toMatch(/tensor "t": "dtype" must be a string, got 4/);
    expect(decodeError(oneEntry('{"dtype":"float32","shape":[2],"data_offsets":[0,8]}', 8))).toMatch(
      /tensor "t": unknown dtype "float32"; safetensors dtypes are F64, F32/,
    );
  });

  it('missing or invalid shape', () => {
    expect(decodeError(oneEntry('{"dtype":"F32","data_offsets":[0,8]}', 8))).toMatch(/tensor "t": header entry has no "shape"/);
    for (const bad of ['2', '[-1]', '[1.5]', '["2"]', 'null', '[1e300]']) {
      expect(decodeError(oneEntry(`{"dtype":"F32","shape":${bad},"data_offsets":[0,8]}`, 8))).toMatch(
        /tensor "t": "shape" must be an array of non-negative integers/,
      );
    }
  });

  it('missing or invalid data_offsets', () => {
    expect(decodeError(oneEntry('{"dtype":"F32","shape":[2]}', 8))).toMatch(/tensor "t": header entry has no "data_offsets"/);
    for (const bad of ['[0]', '[0,8,9]', '[-8,0]', '[0,"8"]', '{"0":0}', '[0.5,8]']) {
      expect(decodeError(oneEntry(`{"dtype":"F32","shape":[2],"data_offsets":${bad}}`, 8))).toMatch(
        /tensor "t": "data_offsets" must be \[begin, end\]/,
      );
    }
    expect(decodeError(oneEntry('{"dtype":"F32","shape":[0],"data_offsets":[8,0]}', 8))).toMatch(
      /tensor "t": data_offsets \[8, 0\] end before they begin/,
    );
  });

  it('offsets that disagree with shape × dtype size', () => {
    expect(decodeError(oneEntry('{"dtype":"F32","shape":[3],"data_offsets":[0,8]}', 8))).toMatch(
      /tensor "t": data_offsets \[0, 8\] span 8 bytes but shape \[3\] of F32 needs 3 × 4 = 12 bytes/,
    );
    expect(decodeError(oneEntry('{"dtype":"F64","shape":[],"data_offsets":[0,4]}', 4))).toMatch(
      /span 4 bytes but shape \[\] of F64 needs 1 × 8 = 8 bytes/,
    );
  });

  it('offsets that run past the end of the data', () => {
    expect(decodeError(oneEntry('{"dtype":"F32","shape":[2],"data_offsets":[0,8]}', 4))).toMatch(
      /tensor "t": data_offsets \[0, 8\] run past the end of the 4-byte data buffer/,
    );
  });

  it('offsets that overlap', () => {
    const h =
      '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}';
    expect(decodeError(file(h, new Array(12).fill(0)))).toMatch(
      /tensor "b": data_offsets \[4, 12\] overlap tensor "a" \[0, 8\]/,
    );
    const same =
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    expect(decodeError(file(same, new Array(4).fill(0)))).toMatch(/overlap tensor "a" \[0, 4\]/);
  });

  it('offsets that leave holes (at the start, between tensors, at the end)', () => {
    expect(decodeError(oneEntry('{"dtype":"F32","shape":[1],"data_offsets":[4,8]}', 8))).toMatch(
      /data buffer has a hole: bytes \[0, 4\) belong to no tensor \(next is "t" at 4\)/,
    );
    const mid =
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}';
    expect(decodeError(file(mid, new Array(12).fill(0)))).toMatch(/hole: bytes \[4, 8\) belong to no tensor/);
    expect(decodeError(oneEntry('{"dtype":"F32","shape":[1],"data_offsets":[0,4]}', 6))).toMatch(
      /data buffer has a hole: its last 2 bytes \[4, 6\) belong to no tensor/,
    );
    expect(decodeError(file('{}', [0]))).toMatch(/its last 1 bytes/);
  });

  it('zero-size tensors may share an offset with their neighbours', () => {
    const h =
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"e":{"dtype":"F64","shape":[0],"data_offsets":[4,4]},' +
      '"f":{"dtype":"I32","shape":[0,2],"data_offsets":[4,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    const { tensors } = decodeSafetensors(file(h, new Array(8).fill(0)));
    expect(tensors.e.shape).toEqual([0]);
    expect(tensors.f.data).toEqual(new Int32Array(0));
  });

  it('non-string or non-object metadata', () => {
    expect(decodeError(file('{"__metadata__":{"epoch":3}}'))).toMatch(/metadata value for "epoch" must be a string, got 3/);
    expect(decodeError(file('{"__metadata__":{"a":{"b":"c"}}}'))).toMatch(/metadata value for "a" must be a string/);
    expect(decodeError(file('{"__metadata__":"x"}'))).toMatch(/"__metadata__" must be an object of string values, got "x"/);
    expect(decodeError(file('{"__metadata__":["x"]}'))).toMatch(/"__metadata__" must be an object of string values/);
  });

  it('I64 values outside int32 name the tensor, element and value', () => {
    const mk = (lo: number[], hi: number[]) =>
      file('{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}', [1, 0, 0, 0, 0, 0, 0, 0, ...lo, ...hi]);
    // 2^31 = 00 00 00 80 00 00 00 00
    expect(decodeError(mk([0, 0, 0, 0x80], [0, 0, 0, 0]))).toMatch(
      /tensor "ids" \(I64\) element 1 is 2147483648, which does not fit in int32/,
    );
    // -2^31 - 1 = ff ff ff 7f ff ff ff ff
    expect(decodeError(mk([0xff, 0xff, 0xff, 0x7f], [0xff, 0xff, 0xff, 0xff]))).toMatch(/element 1 is -2147483649/);
    // 2^32 = 00 00 00 00 01 00 00 00
    expect(decodeError(mk([0, 0, 0, 0], [1, 0, 0, 0]))).toMatch(/element 1 is 4294967296/);
    // U32 / U64 above 2^31 - 1
    expect(decodeError(file('{"u":{"dtype":"U32","shape":[],"data_offsets":[0,4]}}', [0, 0, 0, 0x80]))).toMatch(
      /tensor "u" \(U32\) element 0 is 2147483648/,
    );
    expect(
      decodeError(file('{"u":{"dtype":"U64","shape":[],"data_offsets":[0,8]}}', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])),
    ).toMatch(/tensor "u" \(U64\) element 0 is 18446744073709551615/);
  });

  it('unsupported dtypes name the tensor and the dtype', () => {
    expect(decodeError(oneEntry('{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}', 2))).toMatch(
      /tensor "t" has dtype F8_E4M3, which tapegrad cannot load \(supported: F64, F32, F16, BF16/,
    );
    expect(decodeError(oneEntry('{"dtype":"F8_E5M2","shape":[],"data_offsets":[0,1]}', 1))).toMatch(/dtype F8_E5M2/);
  });

  it('non-Uint8Array input', () => {
    expect(() => decodeSafetensors([1, 2, 3] as unknown as Uint8Array)).toThrow(/decodeSafetensors: expected a Uint8Array/);
  });
});

describe('encoder input validation', () => {
  const enc = (t: unknown, m?: unknown) => () =>
    encodeSafetensors(t as Record<string, RawTensor>, m as Record<string, string> | undefined);

  it('rejects bad dtypes, shapes, data and lengths with the tensor named', () => {
    expect(enc({ x: { dtype: 'int64', shape: [1], data: new Int32Array(1) } })).toThrow(
      /encodeSafetensors: tensor "x" has dtype "int64"; expected one of float32, float64, int32, bool/,
    );
    expect(enc({ x: { dtype: 'float32', shape: [-1], data: new Float32Array(1) } })).toThrow(
      /tensor "x" has shape \[-1\]; expected an array of non-negative integers/,
    );
    expect(enc({ x: { dtype: 'float32', shape: [2], data: new Float64Array(2) } })).toThrow(
      /tensor "x" has dtype float32 but data is Float64Array; expected Float32Array/,
    );
    expect(enc({ x: { dtype: 'bool', shape: [2], data: [1, 0] } })).toThrow(/data is Array; expected Uint8Array/);
    expect(enc({ x: { dtype: 'int32', shape: [2, 3], data: new Int32Array(5) } })).toThrow(
      /tensor "x" has shape \[2, 3\] \(6 elements\) but data holds 5 elements/,
    );
    expect(enc({ x: null })).toThrow(/tensor "x" is not an object/);
  });

  it('rejects the reserved name and non-string metadata', () => {
    expect(enc({ __metadata__: { dtype: 'int32', shape: [], data: new Int32Array(1) } })).toThrow(
      /"__metadata__" is reserved for metadata and cannot name a tensor/,
    );
    expect(enc({}, { step: 5 })).toThrow(/metadata value for "step" is number; safetensors metadata values must be strings/);
    expect(enc(null)).toThrow(/tensors must be an object/);
  });
});

describe("storeAs: 'I64' (PyTorch's int64 buffers, issue 12)", () => {
  test('int32 data is widened to little-endian int64 with sign extension and decodes back to int32', () => {
    const bytes = encodeSafetensors({ n: { dtype: 'int32', shape: [2], data: new Int32Array([3, -2]), storeAs: 'I64' } });
    const headerLen = new DataView(bytes.buffer).getUint32(0, true);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)).trim()).toBe('{"n":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}');
    expect(Array.from(bytes.subarray(8 + headerLen))).toEqual([3, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const back = decodeSafetensors(bytes).tensors.n;
    expect(back.dtype).toBe('int32');
    expect(Array.from(back.data)).toEqual([3, -2]);
  });

  test('only int32 data can be stored as I64', () => {
    expect(() => encodeSafetensors({ w: { dtype: 'float32', shape: [1], data: new Float32Array([1]), storeAs: 'I64' } }))
      .toThrow(/tensor "w" has storeAs "I64" with dtype float32; only int32 data can be stored as 'I64'/);
  });
});
