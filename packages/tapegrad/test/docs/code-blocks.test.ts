/**
 * Every ```ts block of the guide in docs/ runs: each is bundled against the packages' sources and executed
 * in a child Node process (its assertions must hold and it must exit 0), and all of them type-check under
 * the repository's strict options. Blocks marked ```ts fragment are excerpts; they are skipped and counted.
 */
import * as fs from 'fs';
import * as path from 'path';
import { allBlocks, bundleBlock, extractBlocks, pool, runFile, tempDir, typecheckBlocks, RunResult, CodeBlock } from './code-blocks';

const blocks = allBlocks();
const runnable = blocks.filter((b) => !b.fragment);
const fragments = blocks.filter((b) => b.fragment);
const where = (b: CodeBlock): string => `${b.file}:${b.line}`;

describe('extractBlocks', () => {
  it('finds ts blocks with their first code line, indented fences, and fragment markers', () => {
    const md = ['# t', '```ts', 'a();', '```', '', '- item', '  ```typescript fragment', '  b();', '  ```', '```js', 'no();', '```', '````ts', '```', '````'].join('\n');
    const got = extractBlocks(md, 'x.md');
    expect(got.map((b) => [b.line, b.code, b.fragment])).toEqual([[3, 'a();', false], [8, 'b();', true], [14, '```', false]]);
  });
});

describe('docs code blocks', () => {
  const results = new Map<CodeBlock, RunResult>();

  let out = '';
  afterAll(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  beforeAll(async () => {
    out = tempDir('tapegrad-docs-');
    // A block that does not bundle (a missing export, a syntax error) fails its own test, not the suite.
    const jobs = runnable.map((b) => async (): Promise<RunResult> => {
      let file: string;
      try {
        file = bundleBlock(b, out);
      } catch (e) {
        return { code: null, stdout: '', stderr: `esbuild could not bundle the block: ${(e as Error).message}`, ms: 0 };
      }
      return runFile(file);
    });
    // Two at a time: Jest already runs other test files in parallel workers.
    const res = await pool(jobs, 2);
    runnable.forEach((b, i) => results.set(b, res[i]));
    const perFile = new Map<string, { run: number; fragment: number }>();
    for (const b of blocks) {
      const c = perFile.get(b.file) ?? { run: 0, fragment: 0 };
      if (b.fragment) c.fragment++; else c.run++;
      perFile.set(b.file, c);
    }
    // A visible tally, so a growing number of skipped fragments does not go unnoticed.
    console.log(`docs code blocks: ${runnable.length} run, ${fragments.length} fragments skipped\n` +
      [...perFile].map(([f, c]) => `  ${f}: ${c.run} run, ${c.fragment} fragment`).join('\n'));
  }, 600_000);

  it('finds the guide and its blocks', () => {
    const files = new Set(blocks.map((b) => path.basename(b.file)));
    for (const f of ['getting-started.md', 'autodiff.md', 'models.md', 'training.md', 'verifying-gradients.md', 'porting-from-pytorch.md']) {
      expect(files).toContain(f);
    }
    expect(runnable.length).toBeGreaterThanOrEqual(20);
  });

  it('the guide pages have no fragments: all of their code runs (fragments are for design notes)', () => {
    const guide = /docs\/(README|getting-started|autodiff|models|training|verifying-gradients|porting-from-pytorch)\.md$/;
    expect(fragments.filter((b) => guide.test(b.file)).map(where)).toEqual([]);
  });

  it.each(runnable.map((b) => [where(b), b] as const))('%s runs', (_name, b) => {
    const r = results.get(b)!;
    if (r.code !== 0) {
      throw new Error(`${where(b)}: the block exited with code ${r.code}\n--- stderr ---\n${r.stderr}\n--- stdout ---\n${r.stdout}`);
    }
  });

  it('every runnable block type-checks (strict)', () => {
    const diags = typecheckBlocks(runnable);
    expect(diags.map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual([]);
  }, 300_000);
});
