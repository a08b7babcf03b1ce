/**
 * packages/tapegrad/bin/tapegrad.cjs, the committed `tapegrad` bin: the built CLI when dist/ has it, the
 * TypeScript sources in an unbuilt clone, else a message saying to build. Each case runs a copy of the
 * launcher in a layout of its own, so the repository's own dist/ (built or not) does not matter.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../../..');
const LAUNCHER = path.join(ROOT, 'packages/tapegrad/bin/tapegrad.cjs');
let base = '';

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-launcher-'));
});
afterAll(() => {
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

/** A repository-shaped folder with the launcher at packages/tapegrad/bin/ and the given files. */
function layout(name: string, files: Record<string, string>): string {
  const repo = path.join(base, name);
  for (const [rel, text] of Object.entries({ 'packages/tapegrad/bin/tapegrad.cjs': fs.readFileSync(LAUNCHER, 'utf8'), ...files })) {
    fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    fs.writeFileSync(path.join(repo, rel), text);
  }
  return repo;
}

const launch = (repo: string, args: string[]) =>
  spawnSync(process.execPath, [path.join(repo, 'packages/tapegrad/bin/tapegrad.cjs'), ...args], { encoding: 'utf8', timeout: 60_000 });

describe('the tapegrad bin launcher', () => {
  it('the package.json bin is the committed launcher, and npm packs it', () => {
    const m = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages/tapegrad/package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
    expect(m.bin).toEqual({ tapegrad: './bin/tapegrad.cjs' });
    expect(m.files).toContain('bin');
    expect(fs.readFileSync(LAUNCHER, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(fs.statSync(LAUNCHER).mode & 0o111).not.toBe(0);
  });

  it('runs dist/cli.cjs when it is built, with the arguments', () => {
    const repo = layout('built', { 'packages/tapegrad/dist/cli.cjs': 'console.log(JSON.stringify({ built: true, args: process.argv.slice(2) }));\n' });
    const r = launch(repo, ['train', '--epochs', '1']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ built: true, args: ['train', '--epochs', '1'] });
  });

  it('in an unbuilt clone, runs src/cli.ts through scripts/run-ts.cjs, with the arguments', () => {
    const repo = layout('unbuilt', {
      'packages/tapegrad/src/cli.ts': "const args: string[] = process.argv.slice(2);\nconsole.log(JSON.stringify({ fromSource: true, args }));\n",
      'scripts/run-ts.cjs': fs.readFileSync(path.join(ROOT, 'scripts/run-ts.cjs'), 'utf8'),
    });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'), 'dir'); // esbuild, as npm ci installs it
    const r = launch(repo, ['--help']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ fromSource: true, args: ['--help'] });
  });

  it('with neither, exits 1 and says to run npm run build', () => {
    const repo = layout('bare', {});
    const r = launch(repo, ['--help']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/tapegrad: the command is not built \(.*dist\/cli\.cjs is missing\)/);
    expect(r.stderr).toContain('npm ci && npm run build');
  });

  it('the repository\'s own launcher prints the real usage', () => {
    const r = spawnSync(process.execPath, [LAUNCHER, '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage:\s+tapegrad train/);
  });
});
