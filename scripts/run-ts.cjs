#!/usr/bin/env node
// Runs a TypeScript entry point from the sources (no build step): esbuild bundles it into one CommonJS
// program in memory, which then runs as the main module. Used by `npm run oracle`, `npm run bench` and the
// examples (`node scripts/run-ts.cjs examples/graph.ts`).
//
// Nothing is written to disk (earlier versions left a tapegrad-run-* folder in the temp dir per run). The
// program gets the file name `<entry>.run-ts.cjs` beside the entry, which exists only in memory: `require`
// of the externals below and `__dirname` resolve from the entry's folder, and `require.main === module`
// holds in the entry, as it would under `node entry.js`.
const { buildSync } = require('esbuild');
const Module = require('module');
const path = require('path');
const root = path.resolve(__dirname, '..');
if (process.argv.length < 3) {
  console.error('usage: node scripts/run-ts.cjs <entry.ts> [args...]');
  process.exit(2);
}
const entry = path.resolve(process.argv[2]);
const filename = entry.replace(/\.[cm]?[jt]s$/, '') + '.run-ts.cjs';
const built = buildSync({
  entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: filename, write: false,
  target: 'node18', logLevel: 'warning', packages: 'bundle',
  alias: {
    '@tapegrad/core/internal': path.join(root, 'packages/core/src/internal.ts'),
    '@tapegrad/core': path.join(root, 'packages/core/src/index.ts'),
    '@tapegrad/nn': path.join(root, 'packages/nn/src/index.ts'),
    '@tapegrad/optim': path.join(root, 'packages/optim/src/index.ts'),
    '@tapegrad/data/node': path.join(root, 'packages/data/src/node/index.ts'),
    '@tapegrad/data': path.join(root, 'packages/data/src/index.ts'),
    tapegrad: path.join(root, 'packages/tapegrad/src/index.ts'),
  },
  external: ['@tensorflow/*', 'mnist', 'playwright-core', 'esbuild'],
});
const code = built.outputFiles.find((f) => f.path === filename).text;

// What Module._load does for `node file.js`: a main module whose require() resolves from its own folder.
const main = new Module(filename, null);
main.filename = filename;
main.id = '.';
main.paths = Module._nodeModulePaths(path.dirname(filename));
process.mainModule = main;
Module._cache[filename] = main;
process.argv.splice(1, 2, filename);
main._compile(code, filename);
main.loaded = true;
