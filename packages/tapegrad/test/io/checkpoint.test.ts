import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { buildSync } from 'esbuild';
import { Tensor, tensor, zeros } from '@tapegrad/core';
import type { NestedArray } from '@tapegrad/core';
import { decodeSafetensors, encodeSafetensors } from '../../../core/src/io/safetensors';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  load,
  loadCheckpoint,
  loadWithMetadata,
  save,
  saveCheckpoint,
  writeFileAtomicSync,
} from '../../src/io/checkpoint';
import { CRASH_SHAPES, expectedValue } from './crash-shapes';

// The module object itself (not an import-star copy), so spies reach the code under test.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFs: typeof fs = require('fs');

const ROOT = path.resolve(__dirname, '../../../..');
const FIXTURES = path.resolve(ROOT, 'fixtures/pytorch');

/** Integer literals make int32 tensors (as PyTorch makes int64); most tests want float32. */
const f32 = (d: NestedArray): Tensor => tensor(d, { dtype: 'float32' });

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-ckpt-'));
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

function expectTensor(t: unknown, dtype: string, shape: number[], values: number[]): void {
  expect(t).toBeInstanceOf(Tensor);
  const x = t as Tensor;
  expect(x.dtype).toBe(dtype);
  expect(x.shape).toEqual(shape);
  expect(Array.from(x.dataSync())).toEqual(values);
}

/** Files in `dir` other than `keep`: temp files a failed write must not leave behind. */
function others(keep: string[]): string[] {
  return fs.readdirSync(dir).filter((f) => !keep.includes(f));
}

describe('save / load', () => {
  it('round-trips every dtype, 0-d and zero-size tensors, keeping dtype and shape', () => {
    const p = path.join(dir, 'sd.safetensors');
    const sd = {
      w: f32([[1.5, -2], [3, 4.25]]),
      d: tensor([Math.PI, -1e-300], { dtype: 'float64' }),
      i: tensor([[7], [-8]], { dtype: 'int32' }),
      m: tensor([true, false, true]),
      s: f32(2.5),
      e: zeros([0, 3]),
    };
    save(sd, p);
    const back = load(p);
    expect(Object.keys(back).sort()).toEqual(['d', 'e', 'i', 'm', 's', 'w']);
    expectTensor(back.w, 'float32', [2, 2], [1.5, -2, 3, 4.25]);
    expectTensor(back.d, 'float64', [2], [Math.PI, -1e-300]);
    expectTensor(back.i, 'int32', [2, 1], [7, -8]);
    expectTensor(back.m, 'bool', [3], [1, 0, 1]);
    expectTensor(back.s, 'float32', [], [2.5]);
    expectTensor(back.e, 'float32', [0, 3], []);
    expect(back.w.requiresGrad).toBe(false);
  });

  it('saves the logical (row-major) values of non-contiguous views', () => {
    const p = path.join(dir, 'view.safetensors');
    const base = f32([[1, 2, 3], [4, 5, 6]]);
    save({ t: base.transpose(0, 1) }, p);
    expectTensor(load(p).t, 'float32', [3, 2], [1, 4, 2, 5, 3, 6]);
  });

  it('stores metadata and returns it with loadWithMetadata', () => {
    const p = path.join(dir, 'meta.safetensors');
    save({ a: f32([1]) }, p, { metadata: { format: 'pt', epoch: '3' } });
    const { tensors, metadata } = loadWithMetadata(p);
    expect(metadata).toEqual({ format: 'pt', epoch: '3' });
    expectTensor(tensors.a, 'float32', [1], [1]);
  });

  it('writes a plain safetensors file: entries named by the keys, readable by any reader', () => {
    const p = path.join(dir, 'plain.safetensors');
    save({ '0.weight': f32([[1, 2]]), '0.bias': f32([3]) }, p);
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(fs.readFileSync(p)));
    expect(metadata).toEqual({});
    expect(Object.keys(tensors).sort()).toEqual(['0.bias', '0.weight']);
    expect(Array.from(tensors['0.weight'].data)).toEqual([1, 2]);
  });

  it("loads PyTorch's sequential-4-8-3 fixture", () => {
    const sd = load(path.join(FIXTURES, 'sequential-4-8-3.safetensors'));
    expect(Object.keys(sd).sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
    expect(sd['0.weight'].shape).toEqual([8, 4]);
    expect(sd['0.bias'].shape).toEqual([8]);
    expect(sd['2.weight'].shape).toEqual([3, 8]);
    expect(sd['2.bias'].shape).toEqual([3]);
    expect(sd['2.bias'].dtype).toBe('float32');
  });

  it("loads the fixture into tensors that reproduce PyTorch's forward pass", () => {
    const sd = load(path.join(FIXTURES, 'sequential-4-8-3.safetensors'));
    const ref = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'sequential-4-8-3.json'), 'utf8'));
    const x = f32(ref.input.data).reshape(ref.input.shape);
    const y = x.matmul(sd['0.weight'].T).add(sd['0.bias']).relu().matmul(sd['2.weight'].T).add(sd['2.bias']);
    expect(y.shape).toEqual(ref.output.shape);
    Array.from(y.dataSync()).forEach((v, i) => expect(Math.abs(v - ref.output.data[i])).toBeLessThan(1e-5));
  });

  it('saves tensors that require grad as plain values (loaded tensors do not require grad)', () => {
    const p = path.join(dir, 'g.safetensors');
    const w = tensor([0.5, 1.5], { requiresGrad: true });
    w.mul(2).sum().backward();
    save({ w }, p);
    const back = load(p).w;
    expectTensor(back, 'float32', [2], [0.5, 1.5]);
    expect(back.requiresGrad).toBe(false);
    expect(back.grad).toBeNull();
  });

  it('overwrites an existing file and leaves no temporary files', () => {
    const p = path.join(dir, 'sd.safetensors');
    save({ a: f32([1]) }, p);
    save({ b: f32([2, 3]) }, p);
    expect(Object.keys(load(p))).toEqual(['b']);
    expect(others(['sd.safetensors'])).toEqual([]);
  });

  it('rejects non-Tensor values, naming the key, without touching the old file', () => {
    const p = path.join(dir, 'sd.safetensors');
    save({ a: f32([1]) }, p);
    const before = fs.readFileSync(p);
    expect(() => save({ a: f32([1]), b: [1, 2] as unknown as Tensor }, p)).toThrow(
      'save: stateDict["b"] is a Array; expected a Tensor',
    );
    expect(() => save(null as unknown as Record<string, Tensor>, p)).toThrow(/save: stateDict must be an object/);
    expect(() => save({ a: f32([1]) }, p, { metadata: { n: 1 as unknown as string } })).toThrow(
      /save: ".*sd\.safetensors": metadata value for "n" is number/,
    );
    expect(fs.readFileSync(p).equals(before)).toBe(true);
    expect(others(['sd.safetensors'])).toEqual([]);
  });

  it('writes through a symlink instead of replacing it', () => {
    const real = path.join(dir, 'real.safetensors');
    const link = path.join(dir, 'link.safetensors');
    save({ a: f32([1]) }, real);
    fs.symlinkSync(real, link);
    save({ a: f32([2]) }, link);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expectTensor(load(real).a, 'float32', [1], [2]);
  });

  it('keeps the permissions of the file it replaces', () => {
    const p = path.join(dir, 'perm.safetensors');
    save({ a: f32([1]) }, p);
    fs.chmodSync(p, 0o600);
    save({ a: f32([2]) }, p);
    expect(fs.statSync(p).mode & 0o777).toBe(0o600);
  });
});

describe('load errors name the path', () => {
  it('missing file', () => {
    const p = path.join(dir, 'nope.safetensors');
    expect(() => load(p)).toThrow(`load: "${p}": no such file or directory`);
    expect(() => loadCheckpoint(p)).toThrow(`loadCheckpoint: "${p}": no such file or directory`);
  });

  it('a directory', () => {
    expect(() => load(dir)).toThrow(`load: "${dir}": is a directory`);
  });

  it('truncated file', () => {
    const p = path.join(dir, 'cut.safetensors');
    save({ w: f32([[1, 2], [3, 4]]) }, p);
    const bytes = fs.readFileSync(p);
    fs.writeFileSync(p, bytes.subarray(0, bytes.length - 3));
    expect(() => load(p)).toThrow(
      new RegExp(`^load: "${p}": not a valid safetensors file: tensor "w": data_offsets \\[0, 16\\] run past the end of the 13-byte data buffer`),
    );
    fs.writeFileSync(p, bytes.subarray(0, 20));
    expect(() => load(p)).toThrow(/runs past the end of the 20-byte file; file is truncated/);
    fs.writeFileSync(p, bytes.subarray(0, 5));
    expect(() => load(p)).toThrow(new RegExp(`^load: "${p}": not a valid safetensors file: file is 5 bytes`));
  });

  it('a file that is not safetensors', () => {
    const p = path.join(dir, 'model.pt');
    // The start of a PyTorch zip archive: "PK\x03\x04" reads as a huge header length.
    fs.writeFileSync(p, Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00archive/data.pkl', 'latin1'));
    expect(() => load(p)).toThrow(new RegExp(`^load: "${p}": not a valid safetensors file: header length \\d+ bytes exceeds the limit`));
    const q = path.join(dir, 'notes.txt');
    fs.writeFileSync(q, 'hello world, this is text');
    expect(() => load(q)).toThrow(new RegExp(`^load: "${q}": not a valid safetensors file: header length`));
  });

  it('a huge declared header', () => {
    const p = path.join(dir, 'huge.safetensors');
    const b = Buffer.alloc(16);
    b.writeBigUInt64LE(10n ** 12n, 0);
    fs.writeFileSync(p, b);
    expect(() => load(p)).toThrow(
      `load: "${p}": not a valid safetensors file: header length 1000000000000 bytes exceeds the limit of 100000000 bytes`,
    );
  });

  it('ignores stale temporary files next to the target', () => {
    const p = path.join(dir, 'ckpt.safetensors');
    saveCheckpoint({ model: { a: f32([5]) }, step: 1 }, p);
    fs.writeFileSync(path.join(dir, '.ckpt.safetensors.12345.abcdef.tmp'), Buffer.from([1, 2, 3]));
    expect(loadCheckpoint(p).step).toBe(1);
    expectTensor(load(p)['model/a'], 'float32', [1], [5]);
  });
});

describe('writeFileAtomicSync', () => {
  it('writes, replaces and leaves only the target', () => {
    const p = path.join(dir, 'f.bin');
    writeFileAtomicSync(p, new Uint8Array([1, 2, 3]));
    writeFileAtomicSync(p, new Uint8Array([4, 5]));
    expect(Array.from(fs.readFileSync(p))).toEqual([4, 5]);
    expect(others(['f.bin'])).toEqual([]);
  });

  it('fsyncs the data before renaming, and the folder after', () => {
    const p = path.join(dir, 'f.bin');
    const calls: string[] = [];
    const fsync = jest.spyOn(nodeFs, 'fsyncSync').mockImplementation(() => void calls.push('fsync'));
    const rename = jest.spyOn(nodeFs, 'renameSync');
    rename.mockImplementation((a, b) => {
      calls.push('rename');
      rename.mockRestore();
      nodeFs.renameSync(a, b);
    });
    writeFileAtomicSync(p, new Uint8Array([1]));
    expect(calls).toEqual(['fsync', 'rename', 'fsync']);
    fsync.mockRestore();
  });

  for (const step of ['writeSync', 'fsyncSync', 'renameSync'] as const) {
    it(`on a failing ${step}, removes the temp file and leaves the old file untouched`, () => {
      const p = path.join(dir, 'ckpt.safetensors');
      writeFileAtomicSync(p, new Uint8Array([9, 9, 9]));
      jest.spyOn(nodeFs, step).mockImplementation(() => {
        throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
      });
      expect(() => saveCheckpoint({ model: { a: f32([1, 2]) } }, p)).toThrow(
        `saveCheckpoint: "${p}": EIO: i/o error`,
      );
      jest.restoreAllMocks();
      expect(Array.from(fs.readFileSync(p))).toEqual([9, 9, 9]);
      expect(others(['ckpt.safetensors'])).toEqual([]);
    });
  }

  it('reports a missing folder and a directory target by path, leaving nothing behind', () => {
    const p = path.join(dir, 'no-such-dir', 'x.safetensors');
    expect(() => save({ a: f32([1]) }, p)).toThrow(`save: "${p}": folder "${path.dirname(p)}" does not exist`);
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    expect(() => save({ a: f32([1]) }, sub)).toThrow(`save: "${sub}": is a directory`);
    expect(others(['sub'])).toEqual([]);
    expect(fs.readdirSync(sub)).toEqual([]);
  });
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips model, optimizer state with nested tensors, step and extra', () => {
    const p = path.join(dir, 'ckpt.safetensors');
    const optimizer = {
      state: {
        0: { step: 3, exp_avg: f32([0.5, -0.25]), exp_avg_sq: tensor([[1e-8]], { dtype: 'float64' }) },
        1: { step: 3, momentum_buffer: null },
      },
      paramGroups: [{ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, params: [0, 1], name: 'all' }],
    };
    const extra = {
      epoch: 2,
      best: Infinity,
      worst: -Infinity,
      nan: NaN,
      rng: new Float64Array([1.5, 2.5]),
      counts: new Int32Array([1, -2]),
      weights: new Float32Array([0.5]),
      nested: [[tensor(7, { dtype: 'int32' })], { deep: { mask: tensor([true, false]) } }],
      tricky: { $tensor: 'model/w', $object: 1 },
      alsoTricky: { $number: 'NaN' },
      skipped: undefined,
      arr: [undefined, 1],
    };
    saveCheckpoint({ model: { w: f32([[1, 2], [3, 4]]), 'layer/0.bias': f32([5]) }, optimizer, step: 1234, extra }, p);
    const c = loadCheckpoint(p);

    expect(Object.keys(c.model).sort()).toEqual(['layer/0.bias', 'w']);
    expectTensor(c.model.w, 'float32', [2, 2], [1, 2, 3, 4]);
    expectTensor(c.model['layer/0.bias'], 'float32', [1], [5]);
    expect(c.step).toBe(1234);

    const o = c.optimizer as typeof optimizer;
    expect(o.state[0].step).toBe(3);
    expectTensor(o.state[0].exp_avg, 'float32', [2], [0.5, -0.25]);
    expectTensor(o.state[0].exp_avg_sq, 'float64', [1, 1], [1e-8]);
    expect(o.state[1]).toEqual({ step: 3, momentum_buffer: null });
    expect(o.paramGroups).toEqual(optimizer.paramGroups);

    const e = c.extra as Record<string, unknown>;
    expect(e.epoch).toBe(2);
    expect(e.best).toBe(Infinity);
    expect(e.worst).toBe(-Infinity);
    expect(e.nan).toBeNaN();
    expect(e.rng).toEqual(new Float64Array([1.5, 2.5]));
    expect(e.counts).toEqual(new Int32Array([1, -2]));
    expect(e.weights).toEqual(new Float32Array([0.5]));
    const nested = e.nested as [[Tensor], { deep: { mask: Tensor } }];
    expectTensor(nested[0][0], 'int32', [], [7]);
    expectTensor(nested[1].deep.mask, 'bool', [2], [1, 0]);
    expect(e.tricky).toEqual({ $tensor: 'model/w', $object: 1 });
    expect(e.alsoTricky).toEqual({ $number: 'NaN' });
    expect('skipped' in e).toBe(false);
    expect(e.arr).toEqual([null, 1]);
  });

  it('lays the file out as documented (entry names and metadata)', () => {
    const bytes = encodeCheckpoint({
      model: { w: f32([1]) },
      optimizer: { state: { 0: { exp_avg: f32([2]) } }, 'a/b%': f32([3]) },
      step: 7,
      extra: { x: 1 },
    });
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(Object.keys(tensors).sort()).toEqual(['model/w', 'optimizer/a%2Fb%25', 'optimizer/state/0/exp_avg']);
    expect(metadata).toEqual({
      'tapegrad.checkpoint': '1',
      'tapegrad.step': '7',
      'tapegrad.optimizer': '{"state":{"0":{"exp_avg":{"$tensor":"optimizer/state/0/exp_avg"}}},"a/b%":{"$tensor":"optimizer/a%2Fb%25"}}',
      'tapegrad.extra': '{"x":1}',
    });
    const back = decodeCheckpoint<unknown>(bytes); // not an optimizer state dict: say so
    expectTensor((back.optimizer as Record<string, Tensor>)['a/b%'], 'float32', [1], [3]);
  });

  it('leaves out the fields that were not saved', () => {
    const p = path.join(dir, 'm.safetensors');
    saveCheckpoint({ model: {} }, p);
    const c = loadCheckpoint(p);
    expect(c).toEqual({ model: {} });
    expect('optimizer' in c || 'step' in c || 'extra' in c).toBe(false);
  });

  it('rejects values JSON would mangle, naming where they are', () => {
    const p = path.join(dir, 'bad.safetensors');
    const m = { model: {} };
    const cyc: Record<string, unknown> = { a: 1 };
    cyc.self = cyc;
    expect(() => saveCheckpoint({ ...m, optimizer: { state: [{ fn: () => 1 }] } }, p)).toThrow(
      'saveCheckpoint: optimizer.state[0].fn is function; checkpoint values must be JSON-able',
    );
    expect(() => saveCheckpoint({ ...m, optimizer: { s: new Map() } }, p)).toThrow(/optimizer\.s is a Map; checkpoint values must be JSON-able/);
    expect(() => saveCheckpoint({ ...m, extra: { n: 10n } }, p)).toThrow(/extra\.n is bigint/);
    expect(() => saveCheckpoint({ ...m, extra: { u8: new Uint8Array(2) } }, p)).toThrow(/extra\.u8 is a Uint8Array/);
    expect(() => saveCheckpoint({ ...m, extra: cyc }, p)).toThrow('saveCheckpoint: extra.self is a circular reference');
    expect(() => saveCheckpoint({ ...m, step: NaN }, p)).toThrow('saveCheckpoint: step must be a finite number, got NaN');
    expect(() => saveCheckpoint({ ...m, step: '3' as unknown as number }, p)).toThrow(/step must be a finite number, got string/);
    expect(() => saveCheckpoint({ model: { w: 1 as unknown as Tensor } }, p)).toThrow('saveCheckpoint: model["w"] is number; expected a Tensor');
    expect(fs.existsSync(p)).toBe(false);
    expect(others([])).toEqual([]);
  });

  it('shared (non-circular) references are stored twice, not rejected', () => {
    const t = f32([1, 2]);
    const shared = { lr: 0.1 };
    const c = decodeCheckpoint<unknown>(encodeCheckpoint({ model: {}, optimizer: { a: shared, b: shared, t1: t, t2: t } }));
    const o = c.optimizer as { a: unknown; b: unknown; t1: Tensor; t2: Tensor };
    expect(o.a).toEqual({ lr: 0.1 });
    expect(o.b).toEqual({ lr: 0.1 });
    expectTensor(o.t2, 'float32', [2], [1, 2]);
  });

  it('loadCheckpoint errors: plain state dict, unknown version, dangling reference, bad JSON', () => {
    const p = path.join(dir, 'x.safetensors');
    save({ a: f32([1]) }, p);
    expect(() => loadCheckpoint(p)).toThrow(
      `loadCheckpoint: "${p}": not a tapegrad checkpoint (no "tapegrad.checkpoint" metadata); for a plain state dict use load()`,
    );
    const write = (metadata: Record<string, string>) =>
      fs.writeFileSync(p, encodeSafetensors({ 'model/a': { dtype: 'float32', shape: [1], data: new Float32Array([1]) } }, metadata));
    write({ 'tapegrad.checkpoint': '2' });
    expect(() => loadCheckpoint(p)).toThrow(/checkpoint format version "2" is not supported \(this tapegrad reads "1"\)/);
    write({ 'tapegrad.checkpoint': '1', 'tapegrad.optimizer': '{"m":{"$tensor":"optimizer/m"}}' });
    expect(() => loadCheckpoint(p)).toThrow(
      `loadCheckpoint: "${p}": optimizer state refers to tensor "optimizer/m", which the file does not contain`,
    );
    write({ 'tapegrad.checkpoint': '1', 'tapegrad.extra': '{oops' });
    expect(() => loadCheckpoint(p)).toThrow(/loadCheckpoint: ".*": extra metadata is not valid JSON/);
    write({ 'tapegrad.checkpoint': '1', 'tapegrad.step': '"seven"' });
    expect(() => loadCheckpoint(p)).toThrow(/step metadata must be a number, got "seven"/);
    write({ 'tapegrad.checkpoint': '1' });
    expectTensor(loadCheckpoint(p).model.a, 'float32', [1], [1]);
  });
});

// -----------------------------------------------------------------------------------------------------------
// The crash test: a child saves ~8 MB checkpoints in a loop and is SIGKILLed at random moments.
// -----------------------------------------------------------------------------------------------------------

function verifyVersion(ckpt: ReturnType<typeof loadCheckpoint>, v: number): void {
  const check = (t: unknown, salt: number, shape: number[], dtype: string) => {
    expect(t).toBeInstanceOf(Tensor);
    const x = t as Tensor;
    expect(x.shape).toEqual(shape);
    expect(x.dtype).toBe(dtype);
    const data = x.dataSync();
    for (let i = 0; i < data.length; i++) {
      if (data[i] !== expectedValue(v, salt, i)) throw new Error(`version ${v}, salt ${salt}: element ${i} is ${data[i]}`);
    }
  };
  check(ckpt.model['fc.weight'], 1, CRASH_SHAPES.weight, 'float32');
  check(ckpt.model['fc.bias'], 2, CRASH_SHAPES.bias, 'float64');
  check(ckpt.model['emb.ids'], 3, CRASH_SHAPES.ids, 'int32');
  const opt = ckpt.optimizer as { state: Record<string, { step: number; exp_avg: Tensor }>; paramGroups: unknown };
  expect(opt.state[0].step).toBe(v);
  check(opt.state[0].exp_avg, 4, CRASH_SHAPES.weight, 'float32');
  expect(opt.paramGroups).toEqual([{ lr: 0.001, params: [0] }]);
  expect(ckpt.extra).toEqual({ version: v });
}

describe('crash safety', () => {
  let childJs: string;
  let bundleDir: string;
  beforeAll(() => {
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-crash-child-'));
    childJs = path.join(bundleDir, 'child.cjs');
    buildSync({
      entryPoints: [path.join(__dirname, 'crash-child.ts')],
      bundle: true, platform: 'node', format: 'cjs', outfile: childJs, target: 'node18', logLevel: 'error',
      alias: { '@tapegrad/core/internal': path.join(ROOT, 'packages/core/src/internal.ts'), '@tapegrad/core': path.join(ROOT, 'packages/core/src/index.ts') },
    });
  });
  afterAll(() => fs.rmSync(bundleDir, { recursive: true, force: true }));

  interface Round { reported: number[]; tmpLeft: boolean }

  /**
   * Starts the child, waits until it prints `after` ("ready" once running, "saved" after its first
   * save), kills it `delayMs` later; resolves once it is gone and its output is drained.
   */
  function runRound(target: string, start: number, delayMs: number, after: 'ready' | 'saved', mode = 'atomic'): Promise<Round> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [childJs, target, String(start), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
      const reported: number[] = [];
      let out = '';
      let err = '';
      let timer: NodeJS.Timeout | undefined;
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (timer === undefined && out.includes(after)) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(guard);
        if (timer) clearTimeout(timer);
        if (signal !== 'SIGKILL') return reject(new Error(`child exited with ${code}/${signal}: ${err}`));
        for (const m of out.matchAll(/saved (\d+)\n/g)) reported.push(Number(m[1]));
        const tmpLeft = fs.readdirSync(path.dirname(target)).some((f) => f.endsWith('.tmp'));
        resolve({ reported, tmpLeft });
      });
    });
  }

  it('after SIGKILL at random moments the target always holds a complete checkpoint', async () => {
    const target = path.join(dir, 'ckpt.safetensors');
    const t0 = Date.now();
    let confirmed = -1; // the newest version some child reported as saved
    let midWrite = 0;
    let rounds = 0;
    const seen = new Set<number>();
    // A fixed number of rounds (not a time budget, which a slow CI machine would cut short) and kill
    // delays spread over 0-299 ms by a fixed stride, so the same delays are tried on every run.
    for (let r = 0; r < 12; r++) {
      const start = (r + 1) * 10_000;
      // Round 0 is killed only after a first save; later rounds may die before saving anything.
      const delay = (r * 137) % 300;
      const { reported, tmpLeft } = await runRound(target, start, delay, r === 0 ? 'saved' : 'ready');
      rounds++;
      if (tmpLeft) midWrite++;
      // The file may hold the last reported version, or the next one if the kill landed between the
      // rename and the report (or this child's first, if it reported nothing yet).
      const inFlight = reported.length ? reported[reported.length - 1] + 1 : start;
      if (reported.length) confirmed = reported[reported.length - 1];
      expect(fs.existsSync(target)).toBe(true);
      const ckpt = loadCheckpoint(target);
      expect([confirmed, inFlight]).toContain(ckpt.step);
      verifyVersion(ckpt, ckpt.step!);
      // Stale temp files (from a kill mid-write) were ignored by the load above; clear them for the count.
      for (const f of fs.readdirSync(dir)) if (f.endsWith('.tmp')) fs.unlinkSync(path.join(dir, f));
      confirmed = ckpt.step!;
      seen.add(ckpt.step!);
    }
    const elapsed = Date.now() - t0;
    // The figures go to the test log so a reader can see the kills did land during writes.
    // eslint-disable-next-line no-console
    console.log(`crash test: ${rounds} kills in ${elapsed} ms, ${midWrite} during a write (temp file left), ${seen.size} distinct versions seen`);
  }, 180_000); // each round is capped by its 10 s guard; measured ~0.8 s a round on a busy 2-core machine

  // Control, opt-in (TAPEGRAD_CRASH_CONTROL=1) because it is probabilistic: the same harness with a plain
  // fs.writeFileSync in the child does find corrupt files (measured: 5 of 20 kills), so the test above
  // passing means something.
  (process.env.TAPEGRAD_CRASH_CONTROL ? it : it.skip)('control: a non-atomic writer is caught by the same harness', async () => {
    const target = path.join(dir, 'naive.safetensors');
    let corrupt = 0;
    for (let r = 0; r < 20; r++) {
      await runRound(target, (r + 1) * 10_000, Math.floor(Math.random() * 300), r === 0 ? 'saved' : 'ready', 'naive');
      try {
        loadCheckpoint(target);
      } catch {
        corrupt++;
      }
    }
    // eslint-disable-next-line no-console
    console.log(`crash control: ${corrupt} of 20 kills left a corrupt file with a non-atomic writer`);
    expect(corrupt).toBeGreaterThan(0);
  }, 60_000);
});
