/**
 * Every example in examples/ prints what examples/README.md shows for it, when run as the README says
 * (`node scripts/run-ts.cjs examples/<file>.ts`, plus the example's own flags where the README gives them). A new example needs a `## <file>.ts` section there with its
 * run command in a `sh` block and its output in the `text` block after it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { documentedExamples, matchOutput } from './output';

const ROOT = path.resolve(__dirname, '../../../..');
const EXAMPLES = path.join(ROOT, 'examples');
const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts')).sort();
const documented = documentedExamples(fs.readFileSync(path.join(EXAMPLES, 'README.md'), 'utf8'));

describe('matchOutput (the README template rule)', () => {
  it('matches literal lines exactly and … within a line as any text', () => {
    expect(matchOutput('a = 1.5e-17; ok', 'a = …e-1…; ok')).toBeNull();
    expect(matchOutput('a = 1.5e-17; FAILED', 'a = …; ok')).toMatch(/line 1/);
    expect(matchOutput('x\ny', 'x')).toMatch(/more output than the README shows/);
  });
  it('a line of … skips any number of lines, including none', () => {
    expect(matchOutput('a\nb\nc\nd', 'a\n…\nd')).toBeNull();
    expect(matchOutput('a\nd', 'a\n…\nd')).toBeNull();
    expect(matchOutput('a\nb\nc', 'a\n…\nd')).toMatch(/"d"/);
    expect(matchOutput('', '…')).toBeNull();
  });
});

describe('examples/', () => {
  it('has examples, and each is documented in examples/README.md with its output', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
    const undocumented = files.filter((f) => !documented.has(f));
    expect({ undocumented }).toEqual({ undocumented: [] });
    const missing = [...documented.keys()].filter((f) => !files.includes(f));
    expect({ documentedButMissing: missing }).toEqual({ documentedButMissing: [] });
  });

  it.each(files)('%s prints what the README shows', (file) => {
    const doc = documented.get(file);
    if (!doc) throw new Error(`examples/README.md has no "## ${file}" section with a run command and a text block of its output`);
    // The command may add the example's own flags (a short run of a training example), as a user would type them.
    const prefix = `node scripts/run-ts.cjs examples/${file}`;
    expect(doc.command === prefix || doc.command.startsWith(`${prefix} `)).toBe(true);
    const args = doc.command.slice(prefix.length).trim().split(/\s+/).filter(Boolean);
    // In a scratch folder, so the checkpoints training examples write are not left in the repository.
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-example-'));
    let r;
    try {
      r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/run-ts.cjs'), path.join(EXAMPLES, file), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout.trim()).not.toBe('');
    expect({ file, mismatch: matchOutput(r.stdout, doc.output) }).toEqual({ file, mismatch: null });
  });
});
