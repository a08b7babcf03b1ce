#!/usr/bin/env node
/**
 * Bundle sizes: bundles each package's ES module entry with esbuild (minified, tree-shaken, all of its
 * dependencies included — what an app pays for importing it) and prints minified and gzipped sizes, plus
 * the package's own code alone (other packages and ndarray left external).
 *
 *   node scripts/bundle-size.mjs            from the TypeScript sources (no build needed)
 *   node scripts/bundle-size.mjs --dist     from the built dist/index.js files (run `npm run build` first)
 *   node scripts/bundle-size.mjs --json     machine-readable output
 */
import { build } from 'esbuild';
import { gzipSync } from 'zlib';
import { existsSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const useDist = process.argv.includes('--dist');
const asJson = process.argv.includes('--json');

const entry = (pkg, sub = '', name = 'index') =>
  useDist ? join(root, 'packages', pkg, 'dist', sub, `${name}.js`) : join(root, 'packages', pkg, 'src', sub, `${name}.ts`);

const aliases = {
  '@tapegrad/core/internal': entry('core', '', 'internal'),
  '@tapegrad/core': entry('core'),
  '@tapegrad/nn': entry('nn'),
  '@tapegrad/optim': entry('optim'),
  '@tapegrad/data/node': entry('data', 'node'),
  '@tapegrad/data': entry('data'),
  tapegrad: entry('tapegrad'),
};

// Browser-safe entries are bundled for the browser (a Node built-in would fail the build); the Node-only
// ones (file loaders, checkpoints, the umbrella that re-exports them) for Node.
const targets = [
  { name: '@tapegrad/core', spec: '@tapegrad/core', platform: 'browser' },
  { name: '@tapegrad/nn', spec: '@tapegrad/nn', platform: 'browser' },
  { name: '@tapegrad/optim', spec: '@tapegrad/optim', platform: 'browser' },
  { name: '@tapegrad/data', spec: '@tapegrad/data', platform: 'browser' },
  { name: '@tapegrad/data/node', spec: '@tapegrad/data/node', platform: 'node' },
  { name: 'tapegrad', spec: 'tapegrad', platform: 'node' },
];

/** Small apps, to show what tree-shaking leaves. */
const apps = [
  {
    name: 'app: tensor + backward',
    platform: 'browser',
    code: "import { tensor } from '@tapegrad/core';\nconst x = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });\nx.mul(tensor([4, 5, 6])).sum().backward();\nconsole.log(x.grad.toArray());",
  },
  {
    name: 'app: MLP + SGD step',
    platform: 'browser',
    code: "import { randn, randint } from '@tapegrad/core';\nimport { Sequential, Linear, ReLU, CrossEntropyLoss } from '@tapegrad/nn';\nimport { SGD } from '@tapegrad/optim';\nconst m = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));\nconst opt = new SGD(m.parameters(), { lr: 0.1 });\nconst loss = new CrossEntropyLoss().forward(m.forward(randn([4, 784])), randint(0, 10, [4]));\nopt.zeroGrad(); loss.backward(); opt.step();\nconsole.log(loss.item());",
  },
];

const EXTERNAL_NODE = ['mnist', '@tensorflow/*', 'playwright-core'];

async function measure({ stdin, entryPoint, platform, external = [] }) {
  // esbuild applies aliases before externals: drop the alias of anything kept external.
  const alias = Object.fromEntries(Object.entries(aliases).filter(([k]) => !external.includes(k)));
  const result = await build({
    ...(stdin ? { stdin: { contents: stdin, resolveDir: root, loader: 'ts' } } : { entryPoints: [entryPoint] }),
    bundle: true, minify: true, treeShaking: true, format: 'esm', platform, target: 'es2020',
    write: false, logLevel: 'silent', alias, external: [...EXTERNAL_NODE, ...external],
    // Packages declare sideEffects: false; honour it as a consumer's bundler would.
    ignoreAnnotations: false,
  });
  const bytes = result.outputFiles[0].contents;
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;

async function main() {
  for (const t of targets) {
    const e = aliases[t.spec];
    if (!existsSync(e)) throw new Error(`bundle-size: ${e} does not exist${useDist ? ' (run npm run build first)' : ''}`);
  }
  const rows = [];
  for (const t of targets) {
    const all = await measure({ stdin: `export * from '${t.spec}';`, platform: t.platform });
    // The package's own code: every other tapegrad package and ndarray stay external.
    const others = Object.keys(aliases).filter((k) => k !== t.spec && !(t.spec === '@tapegrad/data/node' && k === '@tapegrad/data'));
    const own = await measure({ entryPoint: aliases[t.spec], platform: t.platform, external: [...others, 'ndarray'] });
    rows.push({ name: t.name, platform: t.platform, min: all.min, gzip: all.gzip, ownMin: own.min, ownGzip: own.gzip });
  }
  for (const a of apps) {
    const r = await measure({ stdin: a.code, platform: a.platform });
    rows.push({ name: a.name, platform: a.platform, min: r.min, gzip: r.gzip, ownMin: null, ownGzip: null });
  }
  if (asJson) {
    console.log(JSON.stringify({ source: useDist ? 'dist' : 'src', rows }, null, 2));
    return;
  }
  console.log(`Bundle sizes (esbuild --minify, ES module, from ${useDist ? 'dist/' : 'src/'}; gzip -9)\n`);
  console.log('| entry | platform | minified | gzipped | own code minified | own code gzipped |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const r of rows) {
    const own = r.ownMin === null ? '| – | – |' : `| ${kb(r.ownMin)} | ${kb(r.ownGzip)} |`;
    console.log(`| \`${r.name}\` | ${r.platform} | ${kb(r.min)} | ${kb(r.gzip)} ${own}`);
  }
}

main().catch((e) => { console.error(e.message ?? e); process.exit(1); });
