/**
 * Saving and loading tensors and training checkpoints as safetensors files (Node only), in the spirit of
 * `torch.save` / `torch.load`, with crash-safe writes.
 *
 * ## Files
 * - {@link save} writes a plain safetensors file: one entry per state-dict key, named by the key, plus the
 *   optional string metadata. PyTorch reads it with `safetensors.torch.load_file`.
 * - {@link saveCheckpoint} writes a safetensors file too, laid out as:
 *   - `model/<key>`: each model tensor;
 *   - `optimizer/<path>` and `extra/<path>`: each Tensor (or Float32Array / Float64Array / Int32Array)
 *     found inside `optimizer` / `extra`, where `<path>` is the chain of object keys and array indices
 *     leading to it, joined by `/` (a `/` or `%` inside a key is written `%2F` / `%25`), e.g.
 *     `optimizer/state/0/exp_avg`;
 *   - `__metadata__`: `tapegrad.checkpoint` = format version (`"1"`), `tapegrad.step` = JSON number,
 *     `tapegrad.optimizer` / `tapegrad.extra` = the JSON of those values with every tensor replaced by
 *     `{"$tensor": "<entry name>"}` (typed arrays by `{"$array": "<entry name>"}`), non-finite numbers by
 *     `{"$number": "NaN" | "Infinity" | "-Infinity"}`, and any user object that itself has one of those
 *     `$` keys (or `$object`) wrapped as `{"$object": {...}}` so it cannot be mistaken for a reference.
 *
 * ## Crash safety
 * Every write goes to a fresh temporary file in the target's folder (`.<name>.<pid>.<random>.tmp`), which
 * is fsynced, renamed over the target (atomic on POSIX file systems) and followed by an fsync of the
 * folder. A crash at any moment leaves either the old file or the new one at the target path, never a
 * partial one; on any error the temporary file is removed and the old file is untouched. A process killed
 * mid-write can leave a stale temporary file behind; loading only ever reads the target path.
 */
import * as fs from 'fs';
import * as nodePath from 'path';
import { randomBytes } from 'crypto';
import { Tensor, tensor, noGrad, decodeSafetensors, encodeSafetensors, SafetensorsError } from '@tapegrad/core';
import type { DType, RawTensor } from '@tapegrad/core';
import { checkOptionKeys } from '@tapegrad/core/internal';
import type { OptimizerStateDict } from '@tapegrad/optim';

/** Options for {@link save}. */
export interface SaveOptions {
  /** String key/value pairs stored in the file's `__metadata__`. */
  metadata?: Record<string, string>;
}

/**
 * What {@link saveCheckpoint} stores and {@link loadCheckpoint} returns. `Opt` is the optimizer state's type:
 * {@link saveCheckpoint} takes any JSON-able value there (`Checkpoint<unknown>`); {@link loadCheckpoint}
 * types it as what `Optimizer.stateDict()` returns, so `opt.loadStateDict(ckpt.optimizer!)` typechecks.
 */
export interface Checkpoint<Opt = OptimizerStateDict> {
  /** The model's state dict. */
  model: Record<string, Tensor>;
  /** Optimizer state: anything JSON-able, which may contain Tensors and Float32/Float64/Int32Arrays. */
  optimizer?: Opt;
  /** The training step (any finite number). */
  step?: number;
  /** Anything else JSON-able (same rules as `optimizer`), e.g. the epoch, the RNG state, the config. */
  extra?: unknown;
}

/** The format version written in `tapegrad.checkpoint`; readers reject versions they do not know. */
export const CHECKPOINT_FORMAT_VERSION = '1';

const META_VERSION = 'tapegrad.checkpoint';
const META_STEP = 'tapegrad.step';
const META_OPTIMIZER = 'tapegrad.optimizer';
const META_EXTRA = 'tapegrad.extra';
const MARKERS = ['$tensor', '$array', '$number', '$object'];

// ---------------------------------------------------------------------------------------------------------
// File level: atomic writes, reads with the path in every error
// ---------------------------------------------------------------------------------------------------------

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EISDIR': return 'is a directory';
    case 'ENOTDIR': return 'a parent of the path is not a directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'ENOSPC': return 'no space left on device';
    default: return e?.message ?? String(err);
  }
}

function pathError(fn: string, path: string, detail: string, cause?: unknown): Error {
  const err = new Error(`${fn}: "${path}": ${detail}`);
  if (cause !== undefined) (err as Error & { cause?: unknown }).cause = cause;
  return err;
}

/**
 * Writes `bytes` to `path` atomically and durably: temp file in the same folder, fsync, rename over
 * `path`, fsync of the folder. Readers see the old contents or the new, never a mix; on error the
 * temp file is removed and `path` is left as it was. If `path` is a symlink, its target is replaced.
 *
 * @example
 * ```ts
 * writeFileAtomicSync('run/model.safetensors', bytes);
 * ```
 */
export function writeFileAtomicSync(path: string, bytes: Uint8Array): void {
  atomicWrite('writeFileAtomicSync', path, bytes);
}

/** {@link writeFileAtomicSync} with the public function's name (`fn`) in its errors. */
function atomicWrite(fn: string, path: string, bytes: Uint8Array): void {
  let target = nodePath.resolve(path);
  let mode = 0o644;
  try {
    // Write through a symlink rather than replacing it, and keep an existing file's permissions.
    target = fs.realpathSync(target);
    mode = fs.statSync(target).mode & 0o777;
  } catch {
    // The target does not exist yet: write it fresh.
  }
  const dir = nodePath.dirname(target);
  const tmp = nodePath.join(dir, `.${nodePath.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) {
      try { fs.closeSync(fd); } catch { /* already failing; keep the first error */ }
    }
    try { fs.unlinkSync(tmp); } catch { /* it may never have been created */ }
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) throw pathError(fn, path, 'is a directory', err);
    if (!fs.existsSync(dir)) throw pathError(fn, path, `folder "${dir}" does not exist`, err);
    throw pathError(fn, path, describeFsError(err), err);
  }
  fsyncDir(dir);
}

/** Makes the rename durable. Some platforms (Windows) cannot open or fsync a folder; that is not an error. */
function fsyncDir(dir: string): void {
  let dfd: number | undefined;
  try {
    dfd = fs.openSync(dir, 'r');
    fs.fsyncSync(dfd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EACCES' && code !== 'EBADF') throw err;
  } finally {
    if (dfd !== undefined) fs.closeSync(dfd);
  }
}

/** Reads a whole file, with the path and a plain reason in the error. */
function readFileForLoad(fn: string, path: string): Uint8Array {
  try {
    return fs.readFileSync(path);
  } catch (err) {
    throw pathError(fn, path, describeFsError(err), err);
  }
}

function decodeFile(fn: string, path: string): { tensors: Record<string, RawTensor>; metadata: Record<string, string> } {
  const bytes = readFileForLoad(fn, path);
  try {
    return decodeSafetensors(bytes);
  } catch (err) {
    if (err instanceof SafetensorsError) {
      throw pathError(fn, path, `not a valid safetensors file: ${err.message.replace(/^decodeSafetensors: /, '')}`, err);
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Tensor <-> raw
// ---------------------------------------------------------------------------------------------------------

function toRaw(t: Tensor, fn: string, where: () => string): RawTensor {
  if (t.device !== 'cpu') {
    // webgpu (issue 17): the values are on the device and can only be read asynchronously.
    throw new Error(`${fn}: ${where()} is on the ${t.device} device, whose values are read asynchronously: use \`await ${fn}Async(...)\` (or \`await toCpuAsync(...)\` first)`);
  }
  return { dtype: t.dtype, shape: t.shape, data: t.dataSync() } as RawTensor;
}

/**
 * A snapshot of a state dict, a checkpoint or any nested value (plain objects and arrays) with every tensor
 * on the host: tensors on another device (webgpu) are read back asynchronously, cpu tensors and typed
 * arrays are copied. The snapshot is taken when this is called (the device reads are all queued then, cpu
 * values copied then), so training on while the promise is pending does not change what it resolves to.
 * Other values are kept as they are. The synchronous {@link save} and {@link saveCheckpoint} need host tensors.
 * @throws Error (synchronously inside the returned promise) on a circular reference, naming its path.
 * @example
 * ```ts
 * const sd = await toCpuAsync(model.stateDict()); // model on 'webgpu'
 * save(sd, 'model.safetensors');
 * ```
 */
export function toCpuAsync<T>(value: T): Promise<T> {
  const reads: Promise<void>[] = [];
  const ancestors = new Set<object>();
  const walk = (v: unknown, path: (string | number)[], set: (x: unknown) => void): void => {
    if (v instanceof Tensor) {
      if (v.device === 'cpu') set(noGrad(() => v.detach().clone()));
      else reads.push(v.cpuAsync().then(set));
      return;
    }
    if (v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array) return set(v.slice());
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return set(v);
    if (!Array.isArray(v) && !isPlainObject(v)) return set(v);
    if (ancestors.has(v)) throw new Error(`toCpuAsync: ${fmtPath(path)} is a circular reference`);
    ancestors.add(v);
    if (Array.isArray(v)) {
      const out: unknown[] = new Array(v.length);
      v.forEach((x, i) => walk(x, [...path, i], (y) => { out[i] = y; }));
      set(out);
    } else {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        defineOwn(out, k, undefined);
        walk((v as Record<string, unknown>)[k], [...path, k], (y) => { out[k] = y; });
      }
      set(out);
    }
    ancestors.delete(v);
  };
  try {
    let result: unknown;
    walk(value, [], (y) => { result = y; });
    return Promise.all(reads).then(() => result as T);
  } catch (e) {
    return Promise.reject(e);
  }
}

function fromRaw(r: RawTensor): Tensor {
  return tensor(r.data, { dtype: r.dtype as DType }).reshape(r.shape);
}

function defineOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------------------------
// State dicts
// ---------------------------------------------------------------------------------------------------------

function stateDictToRaw(fn: string, stateDict: Record<string, Tensor>, prefix: string, what: string): Record<string, RawTensor> {
  if (stateDict === null || typeof stateDict !== 'object') {
    throw new Error(`${fn}: ${what} must be an object mapping names to Tensors, got ${stateDict === null ? 'null' : typeof stateDict}`);
  }
  const out: Record<string, RawTensor> = {};
  for (const key of Object.keys(stateDict)) {
    const t = stateDict[key];
    if (!(t instanceof Tensor)) {
      throw new Error(`${fn}: ${what}["${key}"] is ${describeValue(t)}; expected a Tensor`);
    }
    const raw = toRaw(t, fn, () => `${what}["${key}"]`);
    // PyTorch keeps this counter as int64 and writes it as I64; tapegrad's int32 copy is widened back.
    if (raw.dtype === 'int32' && (key === 'num_batches_tracked' || key.endsWith('.num_batches_tracked'))) raw.storeAs = 'I64';
    defineOwn(out, prefix + key, raw);
  }
  return out;
}

/**
 * Saves a state dict (name -> Tensor) as a safetensors file, atomically (see the module comment).
 * dtypes are kept: float32 -> F32, float64 -> F64, int32 -> I32, bool -> BOOL; except BatchNorm's int32
 * `num_batches_tracked`, written as I64 as PyTorch writes it (it loads back as int32).
 *
 * @example
 * ```ts
 * save(model.stateDict(), 'model.safetensors', { metadata: { epoch: '3' } });
 * ```
 * @throws Error naming the key if a value is not a Tensor, or the path if the file cannot be written.
 */
export function save(stateDict: Record<string, Tensor>, path: string, opts: SaveOptions = {}): void {
  if (typeof stateDict === 'string' && typeof path === 'object' && path !== null) {
    throw new TypeError('save: the state dict comes first and the path second, as torch.save(obj, f): save(model.stateDict(), path)');
  }
  checkOptionKeys('save', opts, ['metadata']);
  const raw = stateDictToRaw('save', stateDict, '', 'stateDict');
  let bytes: Uint8Array;
  try {
    bytes = encodeSafetensors(raw, opts.metadata);
  } catch (err) {
    throw new Error(`save: "${path}": ${(err as Error).message.replace(/^encodeSafetensors: /, '')}`);
  }
  atomicWrite('save', path, bytes);
}

/**
 * {@link save} for a state dict that may hold webgpu tensors: reads them back first ({@link toCpuAsync}),
 * then writes the file as `save` does (atomically).
 * @example
 * ```ts
 * await saveAsync(model.stateDict(), 'model.safetensors'); // model on 'webgpu'
 * ```
 */
export async function saveAsync(stateDict: Record<string, Tensor>, path: string, opts: SaveOptions = {}): Promise<void> {
  save(await toCpuAsync(stateDict), path, opts);
}

/**
 * Loads every tensor of a safetensors file (written by {@link save}, by PyTorch, or anyone following the
 * spec). F32/F64/I32/BOOL keep their dtype; F16/BF16 load as float32; smaller integers and I64 (range
 * checked) as int32.
 *
 * @example
 * ```ts
 * const sd = load('model.safetensors');
 * sd['0.weight'].shape; // [8, 4]
 * ```
 * @throws Error naming the path: missing file, truncated or malformed file, unsupported dtype.
 */
export function load(path: string): Record<string, Tensor> {
  return loadWithMetadata(path).tensors;
}

/**
 * Like {@link load}, also returning the file's `__metadata__` (string -> string).
 *
 * @example
 * ```ts
 * const { tensors, metadata } = loadWithMetadata('model.safetensors');
 * ```
 */
export function loadWithMetadata(path: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const { tensors, metadata } = decodeFile('load', path);
  const out: Record<string, Tensor> = {};
  for (const key of Object.keys(tensors)) defineOwn(out, key, fromRaw(tensors[key]));
  return { tensors: out, metadata };
}

// ---------------------------------------------------------------------------------------------------------
// Checkpoints: JSON-able values with tensors inside
// ---------------------------------------------------------------------------------------------------------

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object' && !(typeof v === 'function' && (v as object).constructor !== Function)) return typeof v; // modules are function objects
  const name = (v as object).constructor?.name;
  return name ? `a ${name}` : 'an object';
}

function escapeSegment(s: string): string {
  return s.replace(/%/g, '%25').replace(/\//g, '%2F');
}

function fmtPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Replaces tensors inside a JSON-able value by references to safetensors entries (collected in `out`),
 * and returns the JSON-safe value. Rejects what JSON would silently mangle.
 */
function encodeValue(
  v: unknown,
  path: (string | number)[],
  out: Record<string, RawTensor>,
  seen: Set<object>,
): unknown {
  const name = () => path.map((p) => escapeSegment(String(p))).join('/');
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $number: String(v) };
  if (typeof v !== 'object') {
    throw new Error(`saveCheckpoint: ${fmtPath(path)} is ${describeValue(v)}; checkpoint values must be JSON-able (numbers, strings, booleans, null, arrays, plain objects) or Tensors`);
  }
  if (v instanceof Tensor) {
    defineOwn(out, name(), toRaw(v, 'saveCheckpoint', () => fmtPath(path)));
    return { $tensor: name() };
  }
  if (v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array) {
    const dtype = v instanceof Float32Array ? 'float32' : v instanceof Float64Array ? 'float64' : 'int32';
    defineOwn(out, name(), { dtype, shape: [v.length], data: v.slice() } as RawTensor);
    return { $array: name() };
  }
  if (seen.has(v)) throw new Error(`saveCheckpoint: ${fmtPath(path)} is a circular reference`);
  seen.add(v);
  try {
    if (Array.isArray(v)) {
      return v.map((x, i) => (x === undefined ? null : encodeValue(x, [...path, i], out, seen)));
    }
    if (!isPlainObject(v)) {
      throw new Error(`saveCheckpoint: ${fmtPath(path)} is ${describeValue(v)}; checkpoint values must be JSON-able (numbers, strings, booleans, null, arrays, plain objects) or Tensors / Float32Array / Float64Array / Int32Array`);
    }
    const obj: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[key];
      if (x === undefined) continue; // as JSON.stringify does
      defineOwn(obj, key, encodeValue(x, [...path, key], out, seen));
    }
    return Object.keys(obj).some((k) => MARKERS.includes(k)) ? { $object: obj } : obj;
  } finally {
    seen.delete(v);
  }
}

function decodeValue(v: unknown, tensors: Record<string, RawTensor>, used: Set<string>, fail: (m: string) => never): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => decodeValue(x, tensors, used, fail));
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && MARKERS.includes(keys[0])) {
    const ref = o[keys[0]];
    if (keys[0] === '$object') {
      if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) fail('"$object" must wrap an object');
      return decodeFields(ref as Record<string, unknown>, tensors, used, fail);
    }
    if (typeof ref !== 'string') fail(`"${keys[0]}" must be a string, got ${JSON.stringify(ref)}`);
    const r = ref as string;
    if (keys[0] === '$number') {
      if (r !== 'NaN' && r !== 'Infinity' && r !== '-Infinity') fail(`"$number" must be NaN, Infinity or -Infinity, got "${r}"`);
      return Number(r);
    }
    if (!Object.prototype.hasOwnProperty.call(tensors, r)) fail(`refers to tensor "${r}", which the file does not contain`);
    used.add(r);
    const raw = tensors[r];
    if (keys[0] === '$tensor') return fromRaw(raw);
    if (raw.shape.length !== 1 || raw.dtype === 'bool') fail(`"$array" entry "${r}" must be a 1-D numeric tensor`);
    return raw.data;
  }
  return decodeFields(o, tensors, used, fail);
}

function decodeFields(o: Record<string, unknown>, tensors: Record<string, RawTensor>, used: Set<string>, fail: (m: string) => never): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) defineOwn(out, k, decodeValue(o[k], tensors, used, fail));
  return out;
}

/**
 * Encodes a checkpoint as safetensors bytes (the layout is in the module comment). Pure; used by
 * {@link saveCheckpoint}.
 */
export function encodeCheckpoint(ckpt: Checkpoint<unknown>): Uint8Array {
  if (ckpt === null || typeof ckpt !== 'object') {
    throw new Error(`saveCheckpoint: expected { model, optimizer?, step?, extra? }, got ${describeValue(ckpt)}`);
  }
  const entries = stateDictToRaw('saveCheckpoint', ckpt.model, 'model/', 'model');
  const metadata: Record<string, string> = { [META_VERSION]: CHECKPOINT_FORMAT_VERSION };
  if (ckpt.step !== undefined) {
    if (typeof ckpt.step !== 'number' || !Number.isFinite(ckpt.step)) {
      throw new Error(`saveCheckpoint: step must be a finite number, got ${typeof ckpt.step === 'number' ? ckpt.step : describeValue(ckpt.step)}`);
    }
    metadata[META_STEP] = JSON.stringify(ckpt.step);
  }
  if (ckpt.optimizer !== undefined) {
    metadata[META_OPTIMIZER] = JSON.stringify(encodeValue(ckpt.optimizer, ['optimizer'], entries, new Set()));
  }
  if (ckpt.extra !== undefined) {
    metadata[META_EXTRA] = JSON.stringify(encodeValue(ckpt.extra, ['extra'], entries, new Set()));
  }
  return encodeSafetensors(entries, metadata);
}

/**
 * Decodes checkpoint bytes made by {@link encodeCheckpoint}. `source` names the file in errors.
 */
export function decodeCheckpoint<Opt = OptimizerStateDict>(bytes: Uint8Array, source = '<bytes>'): Checkpoint<Opt> {
  let decoded: { tensors: Record<string, RawTensor>; metadata: Record<string, string> };
  try {
    decoded = decodeSafetensors(bytes);
  } catch (err) {
    if (err instanceof SafetensorsError) {
      throw pathError('loadCheckpoint', source, `not a valid safetensors file: ${err.message.replace(/^decodeSafetensors: /, '')}`, err);
    }
    throw err;
  }
  return checkpointFromDecoded(decoded, source) as Checkpoint<Opt>;
}

function checkpointFromDecoded(
  { tensors, metadata }: { tensors: Record<string, RawTensor>; metadata: Record<string, string> },
  source: string,
): Checkpoint<unknown> {
  const fail = (m: string): never => {
    throw pathError('loadCheckpoint', source, m);
  };
  const version = metadata[META_VERSION];
  if (version === undefined) {
    fail(`not a tapegrad checkpoint (no "${META_VERSION}" metadata); for a plain state dict use load()`);
  }
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    fail(`checkpoint format version "${version}" is not supported (this tapegrad reads "${CHECKPOINT_FORMAT_VERSION}")`);
  }
  const model: Record<string, Tensor> = {};
  for (const name of Object.keys(tensors)) {
    if (name.startsWith('model/')) defineOwn(model, name.slice('model/'.length), fromRaw(tensors[name]));
  }
  const ckpt: Checkpoint<unknown> = { model };
  const used = new Set<string>();
  const parse = (key: string, label: string): unknown => {
    try {
      return JSON.parse(metadata[key]);
    } catch (err) {
      return fail(`${label} metadata is not valid JSON (${(err as Error).message})`);
    }
  };
  if (metadata[META_STEP] !== undefined) {
    const step = parse(META_STEP, 'step');
    if (typeof step !== 'number') fail(`step metadata must be a number, got ${metadata[META_STEP]}`);
    ckpt.step = step as number;
  }
  if (metadata[META_OPTIMIZER] !== undefined) {
    ckpt.optimizer = decodeValue(parse(META_OPTIMIZER, 'optimizer'), tensors, used, (m) => fail(`optimizer state ${m}`));
  }
  if (metadata[META_EXTRA] !== undefined) {
    ckpt.extra = decodeValue(parse(META_EXTRA, 'extra'), tensors, used, (m) => fail(`extra ${m}`));
  }
  return ckpt;
}

let warnedPathFirst = false;

/**
 * Saves a training checkpoint (model state dict, optimizer state, step, anything else) in one
 * safetensors file, atomically: after a crash the path holds either the previous checkpoint or this one.
 * The object comes first and the path second, as in {@link save} and `torch.save(obj, f)`.
 *
 * @example
 * ```ts
 * saveCheckpoint({ model: model.stateDict(), optimizer: opt.stateDict(), step }, 'ckpt.safetensors');
 * const { model, optimizer, step } = loadCheckpoint('ckpt.safetensors');
 * ```
 * @throws Error naming the offending path inside the state (`optimizer.state[0].fn is a function`) for
 *   values that are not JSON-able, or naming the file if it cannot be written.
 */
export function saveCheckpoint(ckpt: Checkpoint<unknown>, path: string): void;
/**
 * @deprecated The path-first order of tapegrad 0.1; it still works and warns once. Use
 * `saveCheckpoint(ckpt, path)`.
 */
export function saveCheckpoint(path: string, ckpt: Checkpoint<unknown>): void;
export function saveCheckpoint(first: Checkpoint<unknown> | string, second: string | Checkpoint<unknown>): void {
  let ckpt = first, path = second;
  if (typeof first === 'string' && typeof second !== 'string') {
    if (!warnedPathFirst) {
      warnedPathFirst = true;
      console.warn('saveCheckpoint(path, ckpt) is deprecated: the checkpoint comes first, as in save(obj, path) and torch.save(obj, f): saveCheckpoint(ckpt, path)');
    }
    ckpt = second;
    path = first;
  }
  if (typeof path !== 'string') {
    throw new TypeError(`saveCheckpoint: path must be a string (saveCheckpoint(ckpt, path)), got ${describeValue(path)}`);
  }
  atomicWrite('saveCheckpoint', path, encodeCheckpoint(ckpt as Checkpoint<unknown>));
}

/**
 * {@link saveCheckpoint} for a checkpoint whose model or optimizer state may hold webgpu tensors (a model
 * trained on the GPU): reads them back first ({@link toCpuAsync}), then writes the file atomically.
 * @example
 * ```ts
 * await saveCheckpointAsync({ model: model.stateDict(), optimizer: opt.stateDict(), step }, 'ckpt.safetensors');
 * ```
 */
export async function saveCheckpointAsync(ckpt: Checkpoint<unknown>, path: string): Promise<void> {
  if (typeof ckpt === 'string') {
    throw new TypeError(`saveCheckpointAsync: the checkpoint comes first and the path second (saveCheckpointAsync(ckpt, path)), got the path ${JSON.stringify(ckpt)} first`);
  }
  saveCheckpoint(await toCpuAsync(ckpt), path);
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint}: tensors come back as Tensors (dtype kept),
 * Float32/Float64/Int32Arrays as typed arrays, and fields that were not saved are absent.
 * `optimizer` is typed as an {@link OptimizerStateDict} (what `Optimizer.stateDict()` saved); give a type
 * argument if you stored something else there (`loadCheckpoint<MyState>(path)`). It is not checked at
 * run time here: `opt.loadStateDict` checks it.
 *
 * @example
 * ```ts
 * const ckpt = loadCheckpoint('ckpt.safetensors');
 * model.loadStateDict(ckpt.model);
 * if (ckpt.optimizer) opt.loadStateDict(ckpt.optimizer);
 * ```
 *
 * @throws Error naming the path: missing, truncated or malformed file, or a file that is not a tapegrad
 *   checkpoint.
 */
export function loadCheckpoint<Opt = OptimizerStateDict>(path: string): Checkpoint<Opt> {
  return checkpointFromDecoded(decodeFile('loadCheckpoint', path), path) as Checkpoint<Opt>;
}
