/**
 * Helpers for the docs test: find the ```ts blocks of the Markdown guide, bundle each one against the
 * TypeScript sources and run it in a child Node process.
 *
 * A block opened with ```ts (or ```typescript) is a runnable program: it imports what it uses from
 * 'tapegrad' or '@tapegrad/*' and proves its claims with console.log / node:assert. A block whose info
 * string also says `fragment` (```ts fragment) is an excerpt that cannot run on its own; it is skipped
 * and counted.
 */
import { buildSync } from 'esbuild';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '../../../..');
export const DOCS = path.join(ROOT, 'docs');

export interface CodeBlock {
  /** Path relative to the repository root, e.g. docs/getting-started.md. */
  file: string;
  /** 1-based line of the first line of code (the line after the opening fence). */
  line: number;
  info: string;
  code: string;
  fragment: boolean;
}

const TS_LANGS = new Set(['ts', 'typescript', 'tsx']);

/** Every Markdown file under docs/, except the generated API reference. */
export function markdownFiles(dir = DOCS): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path.relative(DOCS, p) !== 'api') out.push(...markdownFiles(p));
    } else if (entry.name.endsWith('.md')) out.push(p);
  }
  return out.sort();
}

/**
 * The TypeScript blocks of one Markdown text. Fences may be indented (inside lists) and use ``` or ~~~
 * of any length ≥ 3; a block ends at a fence of the same character at least as long (CommonMark).
 */
export function extractBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, infoRaw] = open;
    const info = infoRaw.trim();
    const body: string[] = [];
    let j = i + 1;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    for (; j < lines.length && !close.test(lines[j]); j++) {
      // Strip the fence's indentation from the content, as CommonMark does.
      let l = lines[j];
      for (let k = 0; k < indent.length && l.startsWith(' '); k++) l = l.slice(1);
      body.push(l);
    }
    const words = info.split(/\s+/).filter(Boolean);
    if (words.length > 0 && TS_LANGS.has(words[0].toLowerCase())) {
      blocks.push({ file, line: i + 2, info, code: body.join('\n'), fragment: words.slice(1).includes('fragment') });
    }
    i = j;
  }
  return blocks;
}

export function allBlocks(): CodeBlock[] {
  return markdownFiles().flatMap((f) => extractBlocks(fs.readFileSync(f, 'utf8'), path.relative(ROOT, f)));
}

/** Where 'tapegrad' and '@tapegrad/*' resolve when a block is bundled: the packages' sources. */
export const SOURCE_ALIASES: Record<string, string> = {
  '@tapegrad/core/internal': path.join(ROOT, 'packages/core/src/internal.ts'),
  '@tapegrad/core': path.join(ROOT, 'packages/core/src/index.ts'),
  '@tapegrad/nn': path.join(ROOT, 'packages/nn/src/index.ts'),
  '@tapegrad/optim': path.join(ROOT, 'packages/optim/src/index.ts'),
  '@tapegrad/data/node': path.join(ROOT, 'packages/data/src/node/index.ts'),
  '@tapegrad/data': path.join(ROOT, 'packages/data/src/index.ts'),
  tapegrad: path.join(ROOT, 'packages/tapegrad/src/index.ts'),
};

/**
 * Bundles a block into one CommonJS file, as scripts/run-ts.cjs runs the examples (so a block may import
 * them, `require.main === module` idiom included; top-level await is not available). The code is preceded
 * by as many empty lines as precede it in the Markdown file and the source map names that file, so a
 * stack trace points at the Markdown line itself.
 */
export function bundleBlock(block: CodeBlock, outDir: string): string {
  const padded = '\n'.repeat(block.line - 1) + block.code + '\n';
  const outfile = path.join(outDir, `${block.file.replace(/[^\w.-]+/g, '_')}-${block.line}.cjs`);
  buildSync({
    stdin: { contents: padded, loader: 'ts', resolveDir: path.dirname(path.join(ROOT, block.file)), sourcefile: path.join(ROOT, block.file) },
    bundle: true, platform: 'node', format: 'cjs', target: 'node18', outfile, sourcemap: 'inline',
    logLevel: 'silent', alias: SOURCE_ALIASES,
    external: ['@tensorflow/*', 'mnist', 'playwright-core'],
  });
  return outfile;
}

export interface RunResult { code: number | null; stdout: string; stderr: string; ms: number }

/** Runs a bundled block with the repository root as working directory. */
export function runFile(file: string, timeoutMs = 120_000): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => { stderr += `\n(killed after ${timeoutMs} ms)`; child.kill('SIGKILL'); }, timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, ms: Date.now() - t0 }); });
  });
}

/** Runs `jobs` with at most `limit` in flight. */
export async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) { const i = next++; results[i] = await jobs[i](); }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** One type error in a block, at its Markdown position. */
export interface BlockDiagnostic { file: string; line: number; message: string }

/**
 * Type-checks every runnable block under the repository's strict compiler options, with 'tapegrad' and
 * '@tapegrad/*' mapped to the sources as in tsconfig.json. The blocks are virtual files beside their
 * Markdown file (nothing is written), padded like {@link bundleBlock} so that reported lines are Markdown lines. Only errors inside
 * the blocks are returned; the packages' own errors are `npm run typecheck`'s business.
 */
export function typecheckBlocks(blocks: CodeBlock[]): BlockDiagnostic[] {
  // Loaded lazily: the TypeScript compiler is large and only this check needs it.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts: typeof import('typescript') = require('typescript');
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), { noEmit: true, types: ['node'] }, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  if (!parsed) throw new Error('typecheckBlocks: cannot read tsconfig.json');
  const virtual = new Map<string, CodeBlock>();
  blocks.forEach((b) => {
    // `export {}` makes a block without imports a module, so blocks never share top-level names.
    // Beside its Markdown file, so relative imports (../examples/...) resolve as they do when bundled.
    const md = path.join(ROOT, b.file);
    virtual.set(path.join(path.dirname(md), `__block__${path.basename(md, '.md')}-${b.line}.ts`), b);
  });
  const text = (b: CodeBlock): string => '\n'.repeat(b.line - 1) + b.code + '\nexport {};\n';
  const host = ts.createCompilerHost(parsed.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(path.resolve(f)) || fileExists.call(host, f);
  host.readFile = (f) => { const b = virtual.get(path.resolve(f)); return b ? text(b) : readFile.call(host, f); };
  host.getSourceFile = (f, lang, onError, create) => {
    const b = virtual.get(path.resolve(f));
    return b ? ts.createSourceFile(f, text(b), lang) : getSourceFile.call(host, f, lang, onError, create);
  };
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options: parsed.options, host });
  const out: BlockDiagnostic[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const b = d.file ? virtual.get(path.resolve(d.file.fileName)) : undefined;
    if (!b || !d.file || d.start === undefined) continue;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    out.push({ file: b.file, line: line + 1, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') });
  }
  return out;
}
