#!/usr/bin/env node
/**
 * Builds the workspace package in the current folder into dist/:
 *   node ../../scripts/build-package.mjs src/index.ts [src/node/index.ts=node] [src/cli.ts=node,cjs]
 * Each entry becomes an ES module (dist/<name>.js) and a CommonJS file (dist/<name>.cjs), bundled by
 * esbuild with every dependency left external; `=node` targets Node (built-ins allowed), `=cjs` skips the
 * ES module. Entries marked `=shared` (`src/index.ts=shared src/internal.ts=shared`) share one bundle,
 * dist/_shared.js / .cjs, and each is a file re-exporting its own names from it: two separately bundled
 * entries would each carry their own copy of every module, with its own state (the kernel backend, the
 * default dtype) and its own classes. Declarations come from tsc, with relative specifiers made explicit (`./x.js`) so Node16/NodeNext
 * resolution finds them, plus `.d.cts` twins for `require` consumers.
 *
 * Why not tsup: it bundles declarations with rollup, whose per-platform binaries are optional dependencies
 * that not every registry mirror carries, which leaves package-lock.json unusable for `npm ci` there.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const cwd = process.cwd();
const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const entries = process.argv.slice(2).map((arg) => {
  const [file, opts = ''] = arg.split('=');
  const flags = opts.split(',').filter(Boolean);
  return { file, node: flags.includes('node'), cjsOnly: flags.includes('cjs'), shared: flags.includes('shared') };
});
if (entries.length === 0) {
  console.error('usage: build-package.mjs <entry.ts>[=node[,cjs]] ...');
  process.exit(2);
}

const dist = join(cwd, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

// ES module builds for Node get a `__filename` (CommonJS has its own), as code that locates files needs one.
const esmNodeBanner =
  "import { fileURLToPath as __tgFileURLToPath } from 'node:url';\nconst __filename = __tgFileURLToPath(import.meta.url);";

// Every dependency stays an import (by name: the root tsconfig's `paths` would otherwise pull workspace
// sources into the bundle).
const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).flatMap((d) => [d, `${d}/*`]);

const commonOptions = (node) => ({
  bundle: true,
  external,
  tsconfig: join(root, 'tsconfig.build.json'),
  target: 'es2020',
  platform: node ? 'node' : 'neutral',
  sourcemap: false,
  logLevel: 'warning',
  legalComments: 'none',
});
const distName = (file) => relative('src', file).replace(/\.ts$/, '');

for (const e of entries.filter((x) => !x.shared)) {
  const name = distName(e.file);
  const common = { ...commonOptions(e.node), entryPoints: [e.file] };
  if (!e.cjsOnly) {
    await build({ ...common, format: 'esm', outfile: join(dist, `${name}.js`), banner: e.node ? { js: esmNodeBanner } : undefined });
  }
  await build({ ...common, format: 'cjs', outfile: join(dist, `${name}.cjs`) });
}

const shared = entries.filter((x) => x.shared);
if (shared.length > 0) {
  if (shared.some((e) => e.cjsOnly)) throw new Error('build-package: =shared entries get both formats; drop =cjs');
  const node = shared.some((e) => e.node);
  // Each entry's runtime names, from esbuild's own analysis of that entry alone.
  const names = new Map();
  for (const e of shared) {
    const r = await build({ ...commonOptions(node), entryPoints: [e.file], format: 'esm', write: false, metafile: true, outfile: join(dist, 'probe.js'), logLevel: 'silent' });
    names.set(e, Object.values(r.metafile.outputs).flatMap((o) => o.exports ?? []));
  }
  const owner = new Map();
  for (const [e, list] of names) {
    for (const n of list) {
      if (owner.has(n)) throw new Error(`build-package: "${n}" is exported by both ${owner.get(n)} and ${e.file}; a =shared name needs one home`);
      owner.set(n, e.file);
    }
  }
  const stdin = { contents: shared.map((e) => `export * from ${JSON.stringify(`./${e.file}`)};`).join('\n'), resolveDir: cwd, loader: 'ts', sourcefile: '_shared.ts' };
  await build({ ...commonOptions(node), stdin, format: 'esm', outfile: join(dist, '_shared.js'), banner: node ? { js: esmNodeBanner } : undefined });
  await build({ ...commonOptions(node), stdin, format: 'cjs', outfile: join(dist, '_shared.cjs') });
  for (const [e, list] of names) {
    const name = distName(e.file);
    const out = join(dist, `${name}.js`);
    let rel = relative(dirname(out), join(dist, '_shared')).split('\\').join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `export { ${list.join(', ')} } from '${rel}.js';\n`);
    // esbuild writes the CommonJS twin, so that Node's named-export detection sees every name.
    await build({
      ...commonOptions(node), external: [`${rel}.cjs`], format: 'cjs', outfile: join(dist, `${name}.cjs`),
      stdin: { contents: `export { ${list.join(', ')} } from '${rel}.cjs';`, resolveDir: dirname(out), sourcefile: `${name}.ts` },
    });
  }
}

// Declarations: tsc over the entries that have an ES module build (the bin needs none).
const dtsEntries = entries.filter((e) => !e.cjsOnly).map((e) => e.file);
const tsconfig = join(cwd, '.tsconfig.dts.json');
writeFileSync(tsconfig, JSON.stringify({
  extends: join(root, 'tsconfig.build.json'),
  compilerOptions: { declaration: true, emitDeclarationOnly: true, noEmit: false, outDir: 'dist', rootDir: 'src' },
  files: dtsEntries,
}, null, 2));
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { stdio: 'inherit' });
rmSync(tsconfig, { force: true });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/** './tensor' -> './tensor.js', './ops' -> './ops/index.js', for a declaration file in `dir`. */
function explicit(dir, spec) {
  if (!spec.startsWith('.') || /\.(c|m)?js$/.test(spec)) return spec;
  if (existsSync(join(dir, `${spec}.d.ts`))) return `${spec}.js`;
  if (existsSync(join(dir, spec, 'index.d.ts'))) return `${spec}/index.js`;
  return spec;
}
const specifier = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*)(['"])/g;
function walk(dir) {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (f.endsWith('.d.ts')) {
      const src = readFileSync(p, 'utf8').replace(specifier, (_, a, spec, z) => a + explicit(dirname(p), spec) + z);
      writeFileSync(p, src);
      writeFileSync(p.replace(/\.d\.ts$/, '.d.cts'), src.replace(specifier, (_, a, spec, z) => a + spec.replace(/\.js$/, '.cjs') + z));
    }
  }
}
walk(dist);
console.log(`built ${relative(root, cwd)}: ${entries.map((e) => e.file).join(', ')}`);
