/** `npm run oracle -- <file> [--kind K]`: a line per failing case, then `N passed, N failed`; exit 1 on failure. */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const root = join(__dirname, '../../../..');
const file = join(root, 'fixtures/oracle/public.json');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'scripts/run-ts.cjs'), join(root, 'packages/tapegrad/src/oracle/cli.ts'), ...args], { cwd: root, encoding: 'utf8' });

describe('oracle command', () => {
  it('runs one kind and ends with the N passed, N failed line', () => {
    const r = run(file, '--kind', 'sched');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[lines.length - 1]).toBe('7 passed, 0 failed');
  });

  it('prints each failing case and exits non-zero', () => {
    const cases = JSON.parse(readFileSync(file, 'utf8'));
    const ops = cases.cases.filter((c: { kind: string }) => c.kind === 'op').slice(0, 3);
    ops[1].output.data[0] += 1;
    ops[2].op = 'noSuchOp';
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-oracle-'));
    const tmp = join(dir, 'bad.json');
    writeFileSync(tmp, JSON.stringify({ ...cases, cases: ops }));
    let r: ReturnType<typeof run>;
    try {
      r = run(tmp);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`FAIL ${ops[1].id}: output[0]`);
    expect(r.stdout).toContain(`not implemented yet (1 cases): op 'noSuchOp' ×1`);
    expect(r.stdout.trim().split('\n').pop()).toBe('1 passed, 2 failed');
  });

  it('a missing file is a one-line error, not a stack trace', () => {
    const r = run(join(root, 'no-such-oracle.json'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^oracle: no such file: .*no-such-oracle\.json/)]);
  });

  it('rejects an unknown kind', () => {
    const r = run(file, '--kind', 'nope');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown kind 'nope'/);
  });
});
