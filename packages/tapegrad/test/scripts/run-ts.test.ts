/**
 * scripts/run-ts.cjs runs a TypeScript entry as the main module and writes nothing to the temp dir.
 * Each run gets its own empty TMPDIR, so anything left there is the runner's.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../../..');
const RUN_TS = path.join(ROOT, 'scripts/run-ts.cjs');
let base = '';
let tmp = '';

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-runts-test-'));
  tmp = path.join(base, 'tmp');
  fs.mkdirSync(tmp);
  fs.writeFileSync(path.join(base, 'entry.ts'), `
import { tensor } from '@tapegrad/core';
const s = tensor([1, 2, 3], { dtype: 'float32' }).sum().item();
console.log(JSON.stringify({ main: require.main === module, args: process.argv.slice(2), dir: __dirname, s }));
`);
  fs.writeFileSync(path.join(base, 'throws.ts'), "throw new Error('from the entry');\n");
});

afterAll(() => {
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

function runTs(file: string, args: string[] = []): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [RUN_TS, file, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp } });
}

describe('scripts/run-ts.cjs', () => {
  it('runs the entry as the main module, with its arguments and its own folder as __dirname', () => {
    const r = runTs(path.join(base, 'entry.ts'), ['a', '--b']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ main: true, args: ['a', '--b'], dir: base, s: 6 });
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('an entry that throws exits non-zero with its error, and leaves nothing behind either', () => {
    const r = runTs(path.join(base, 'throws.ts'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('from the entry');
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('running an example leaves no tapegrad-* folder in the temp dir', () => {
    const r = runTs(path.join(ROOT, 'examples/graph.ts'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('digraph tapegrad {');
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('without an entry, prints its usage and exits 2', () => {
    const r = spawnSync(process.execPath, [RUN_TS], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: node scripts\/run-ts\.cjs <entry\.ts>/);
  });
});
