/**
 * Each published package carries a README (npm packs README.md whatever `files` says; the pack test checks
 * the tarballs): what it is, how to install it, an example, and links to the guide. Its first TypeScript
 * block is the example a reader copies first, so it must type-check and run as written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { bundleBlock, extractBlocks, runFile, tempDir, typecheckBlocks, CodeBlock } from '../docs/code-blocks';

const ROOT = path.resolve(__dirname, '../../../..');
const PACKAGES: [dir: string, name: string][] = [['core', '@tapegrad/core'], ['nn', '@tapegrad/nn'], ['optim', '@tapegrad/optim'], ['data', '@tapegrad/data'], ['tapegrad', 'tapegrad']];
const readme = (dir: string): string => path.join(ROOT, 'packages', dir, 'README.md');
const firstBlock = (dir: string): CodeBlock => {
  const rel = path.relative(ROOT, readme(dir));
  const b = extractBlocks(fs.readFileSync(readme(dir), 'utf8'), rel)[0];
  if (!b) throw new Error(`${rel} has no \`\`\`ts example`);
  return b;
};

let out = '';
afterAll(() => {
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

describe('package READMEs', () => {
  it.each(PACKAGES)('packages/%s/README.md: title, install command, links to the guide that exist', (dir, name) => {
    const text = fs.readFileSync(readme(dir), 'utf8');
    expect(text.split('\n')[0]).toBe(`# ${name}`);
    expect(text).toContain(`npm install ${name}`);
    const links = [...text.matchAll(/\]\((\.\.\/\.\.\/[^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]);
    expect(links.some((l) => l.startsWith('../../docs/'))).toBe(true);
    for (const l of links) expect({ link: l, exists: fs.existsSync(path.join(path.dirname(readme(dir)), l)) }).toEqual({ link: l, exists: true });
  });

  it('every first example type-checks', () => {
    const diags = typecheckBlocks(PACKAGES.map(([dir]) => firstBlock(dir)));
    expect(diags).toEqual([]);
  }, 180_000);

  it.each(PACKAGES)('packages/%s/README.md: the first example runs and prints', async (dir) => {
    out ||= tempDir('tapegrad-readme-');
    const r = await runFile(bundleBlock(firstBlock(dir), out));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.trim()).not.toBe('');
  }, 120_000);
});
