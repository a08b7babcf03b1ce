#!/usr/bin/env node
// Runs a TypeScript entry point from the sources (no build step) by bundling it
// with esbuild into a temporary CommonJS file. Used by `npm run oracle` and `npm run bench`.
const { buildSync } = require('esbuild');
const path = require('path');
const fs = require('fs');
const os = require('os');
const root = path.resolve(__dirname, '..');
const entry = path.resolve(process.argv[2]);
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-run-')), 'entry.cjs');
buildSync({
  entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: out,
  target: 'node18', logLevel: 'warning', packages: 'bundle',
  alias: {
    '@tapegrad/core': path.join(root, 'packages/core/src/index.ts'),
    '@tapegrad/nn': path.join(root, 'packages/nn/src/index.ts'),
    '@tapegrad/optim': path.join(root, 'packages/optim/src/index.ts'),
    '@tapegrad/data/node': path.join(root, 'packages/data/src/node/index.ts'),
    '@tapegrad/data': path.join(root, 'packages/data/src/index.ts'),
    tapegrad: path.join(root, 'packages/tapegrad/src/index.ts'),
  },
  external: ['@tensorflow/*', 'mnist', 'playwright-core'],
});
process.argv.splice(1, 2, out);
require(out);
