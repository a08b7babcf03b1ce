#!/usr/bin/env node
// Bundles the playground into dist/ (index.html, style.css, main.js + source map) with esbuild.
// @tapegrad/* resolve to the packages' TypeScript sources, so the libraries need no build first.
//
//   node packages/playground/build.mjs            build once
//   node packages/playground/build.mjs --serve    build, then serve dist/ on http://127.0.0.1:8080 (--port N)
import { build } from 'esbuild';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const packages = path.resolve(here, '..');
const outdir = path.join(here, 'dist');

const started = Date.now();
await mkdir(outdir, { recursive: true });
const result = await build({
  entryPoints: [path.join(here, 'src/main.ts')],
  outfile: path.join(outdir, 'main.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  alias: {
    '@tapegrad/core/internal': path.join(packages, 'core/src/internal.ts'),
    '@tapegrad/core': path.join(packages, 'core/src/index.ts'),
    '@tapegrad/nn': path.join(packages, 'nn/src/index.ts'),
    '@tapegrad/optim': path.join(packages, 'optim/src/index.ts'),
    '@tapegrad/data': path.join(packages, 'data/src/index.ts'),
  },
});
await Promise.all(['index.html', 'style.css'].map((f) => copyFile(path.join(here, f), path.join(outdir, f))));
const bytes = result.metafile.outputs[path.relative(process.cwd(), path.join(outdir, 'main.js'))]?.bytes;
console.log(`playground: built ${path.relative(process.cwd(), outdir)}/ in ${Date.now() - started} ms`
  + (bytes ? ` (main.js ${(bytes / 1024).toFixed(0)} KiB)` : ''));

if (process.argv.includes('--serve')) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : 8080;
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };
  createServer(async (req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/$/, '/index.html');
    const file = path.join(outdir, path.normalize(name));
    if (!file.startsWith(outdir + path.sep)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  }).listen(port, '127.0.0.1', () => console.log(`playground: http://127.0.0.1:${port}/`));
}
