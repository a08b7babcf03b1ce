#!/usr/bin/env node
'use strict';
// The `tapegrad` command. A committed file, so that npm links the bin at `npm ci` time, before any build
// (the bin used to point into dist/, which a fresh clone does not have yet: `tapegrad: not found`).
// - Installed package, or a built clone: runs the built CLI, dist/cli.cjs.
// - A clone that has not been built: runs the CLI from its TypeScript sources through scripts/run-ts.cjs
//   (esbuild, in memory; a fraction of a second), so `npx tapegrad --help` works right after `npm ci`.
// - Neither: says what to run.
const fs = require('fs');
const path = require('path');

const pkg = path.resolve(__dirname, '..');
const built = path.join(pkg, 'dist', 'cli.cjs');
if (fs.existsSync(built)) {
  require(built);
} else {
  const source = path.join(pkg, 'src', 'cli.ts');
  const runTs = path.resolve(pkg, '..', '..', 'scripts', 'run-ts.cjs');
  let esbuild = false;
  try {
    require.resolve('esbuild', { paths: [path.dirname(runTs)] });
    esbuild = true;
  } catch {
    // not a clone with its dev dependencies installed
  }
  if (fs.existsSync(source) && fs.existsSync(runTs) && esbuild) {
    process.argv.splice(2, 0, source);
    require(runTs);
  } else {
    console.error(`tapegrad: the command is not built (${built} is missing).\n` +
      'In a clone of the repository, run `npm ci && npm run build` (or `npm start`, which builds and trains).');
    process.exit(1);
  }
}
