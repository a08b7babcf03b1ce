#!/usr/bin/env node
// Compiles packages/core/src/kernels/wasm/{gemm,elementwise,optim,conv,rows}.as (AssemblyScript) into one
// module with the locally installed compiler and writes packages/core/src/kernels/wasm-bytes.generated.ts (the module bytes as
// base64), so the kernels load synchronously at import in Node and browsers without fetch/fs.
// Also writes wasm-shared-bytes.generated.ts: gemm.as alone, importing a shared memory, for the
// optional two-thread GEMM in Node (see VARIANTS below).
//
//   node packages/core/scripts/build-wasm.mjs           # (re)generate the committed files
//   node packages/core/scripts/build-wasm.mjs --check   # exit 1 if a committed file differs
//
// --check is what test/kernels/wasm-build.test.ts runs: it proves the committed binary is
// exactly what this source compiles to (no binary without its source). Nothing is downloaded.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const kernelsDir = join(here, '..', 'src', 'kernels');

// Options are part of the reproducibility contract: changing them changes the bytes.
const BASE_OPTIONS = {
  optimizeLevel: 3,
  shrinkLevel: 0,
  noAssert: true,
  runtime: 'stub',
  enable: ['simd'],
};

// Four modules, each checked by --check:
// - the kernels (every source is an entry of one module with its own linear memory; order is
//   part of the output), used everywhere;
// - a GEMM-only variant that imports a *shared* memory (env.memory, up to 4 GiB), so that the
//   calling thread and a Node worker thread (gemm-threads.ts) can run on the same operands.
//   Shared memory needs the threads feature; browsers never load it (they stay single-threaded),
//   and the single-thread module above is not affected by it.
const VARIANTS = [
  {
    sources: ['gemm.as', 'elementwise.as', 'optim.as', 'conv.as', 'rows.as'],
    out: 'wasm-bytes.generated.ts',
    constName: 'GEMM_WASM_BASE64',
    doc: 'The compiled kernel module (WebAssembly binary, base64).',
    options: BASE_OPTIONS,
  },
  {
    sources: ['gemm.as'],
    out: 'wasm-shared-bytes.generated.ts',
    constName: 'GEMM_SHARED_WASM_BASE64',
    doc: 'The GEMM kernels compiled against an imported shared memory (env.memory), for the two-thread path.',
    options: { ...BASE_OPTIONS, enable: ['simd', 'threads'], importMemory: true, sharedMemory: true, maximumMemory: 65536 },
  },
  // The same two built with relaxed SIMD, whose f32x4/f64x2.relaxed_madd engines lower to a fused
  // multiply-add (gemm.as's madd()): ~25% faster GEMM where the engine validates them (browsers
  // since Chrome 114, Node with V8 >= 11.4 or --experimental-wasm-relaxed-simd); wasm-module.ts and
  // gemm-threads.ts fall back to the modules above elsewhere.
  {
    sources: ['gemm.as', 'elementwise.as', 'optim.as', 'conv.as', 'rows.as'],
    out: 'wasm-relaxed-bytes.generated.ts',
    constName: 'GEMM_RELAXED_WASM_BASE64',
    doc: 'The kernel module built with relaxed SIMD (fused multiply-add in the GEMM micro-kernel), base64.',
    options: { ...BASE_OPTIONS, enable: ['simd', 'relaxed-simd'] },
  },
  {
    sources: ['gemm.as'],
    out: 'wasm-relaxed-shared-bytes.generated.ts',
    constName: 'GEMM_RELAXED_SHARED_WASM_BASE64',
    doc: 'The two-thread GEMM module built with relaxed SIMD, base64.',
    options: { ...BASE_OPTIONS, enable: ['simd', 'threads', 'relaxed-simd'], importMemory: true, sharedMemory: true, maximumMemory: 65536 },
  },
];

const require = createRequire(import.meta.url);
const ascVersion = require('assemblyscript/package.json').version;
const asc = (await import('assemblyscript/asc')).default;

// The JS side uses all of linear memory as scratch (workspace at offset 0), so a module
// must not keep anything there: no data segments (AssemblyScript's Math.log/exp/pow would
// add lookup tables, for example). Fail the build if one appears.
function sectionIds(wasm) {
  const ids = [];
  let i = 8;
  while (i < wasm.length) {
    const id = wasm[i++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = wasm[i++];
      size |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    ids.push(id);
    i += size;
  }
  return ids;
}

/** Compiles one variant and returns the text of its generated .ts file. */
async function generate(v) {
  // The compiler only accepts .ts entry names; the files are .as so that tsc does not check them.
  const sources = {};
  for (const name of v.sources) sources[name.replace(/\.as$/, '.ts')] = readFileSync(join(kernelsDir, 'wasm', name), 'utf8');
  const result = await asc.compileString(sources, v.options);
  if (result.error || !result.binary) {
    process.stderr.write(result.stderr.toString());
    throw new Error(`build-wasm: AssemblyScript compilation of src/kernels/wasm/${v.sources.join(', ')} failed: ${result.error}`);
  }
  const bytes = Buffer.from(result.binary);
  if (sectionIds(bytes).includes(11)) {
    throw new Error(`build-wasm: ${v.out} has a data segment; kernels must not keep static data in linear memory`);
  }
  const b64 = bytes.toString('base64');
  const lines = b64.match(/.{1,100}/g) ?? [];
  return {
    size: bytes.length,
    text: `// GENERATED by packages/core/scripts/build-wasm.mjs from src/kernels/wasm/${v.sources.join(', ')}. DO NOT EDIT.
// Compiler: assemblyscript ${ascVersion}, options ${JSON.stringify(v.options)}.
// ${bytes.length} bytes. test/kernels/wasm-build.test.ts checks that recompiling reproduces these bytes.

/** ${v.doc} */
export const ${v.constName} =
${lines.map((l) => `  '${l}'`).join(' +\n')};
`,
  };
}

let failed = false;
for (const v of VARIANTS) {
  const outPath = join(kernelsDir, v.out);
  const { size, text } = await generate(v);
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(outPath, 'utf8');
    } catch {
      committed = '';
    }
    if (committed !== text) {
      process.stderr.write(
        `build-wasm --check: ${outPath} does not match a fresh compile of src/kernels/wasm/${v.sources.join(', ')} ` +
          `(${size} bytes). Run: node packages/core/scripts/build-wasm.mjs\n`,
      );
      failed = true;
    } else {
      process.stdout.write(`build-wasm --check: OK (${size} bytes reproduced) ${v.out}\n`);
    }
  } else {
    // Rewriting an unchanged file is not harmless: `npm run build` runs inside the test suite
    // (packaging/pack.test.ts) while other jest workers import this module, and a truncate-then-write
    // can hand them an empty or partial file.
    let current = '';
    try {
      current = readFileSync(outPath, 'utf8');
    } catch {
      current = '';
    }
    if (current !== text) writeFileSync(outPath, text);
    process.stdout.write(`build-wasm: ${current === text ? 'unchanged' : 'wrote'} ${outPath} (${size} bytes)\n`);
  }
}
if (failed) process.exit(1);
