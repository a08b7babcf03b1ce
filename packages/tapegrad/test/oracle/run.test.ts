/**
 * The oracle: PyTorch (float64) values and gradients for every op, loss, module, optimizer and
 * scheduler case in fixtures/oracle/public.json. Nothing is skipped: a case tapegrad cannot run fails.
 */
import { readFileSync, existsSync } from 'fs';
import { join } from 'path';
import { parseOracle } from '../../src/oracle/format';
import { runCases, runCase } from '../../src/oracle/run';
import { setKernelBackend, kernelBackend } from '@tapegrad/core';

const file = join(__dirname, '../../../../fixtures/oracle/public.json');
const cases = existsSync(file) ? parseOracle(readFileSync(file, 'utf8')).cases : [];

describe('oracle public.json', () => {
  it('is present beside the checkout', () => {
    expect(cases.length).toBeGreaterThan(200);
  });

  for (const kind of ['op', 'loss', 'module', 'optim', 'sched'] as const) {
    it(`every ${kind} case matches PyTorch in float64 (1e-9 relative)`, () => {
      const r = runCases(cases, { kind });
      expect(r.results.filter((x) => !x.ok)).toEqual([]);
      expect(r.passed).toBeGreaterThan(0);
    });
    it(`every ${kind} case matches PyTorch in float32 (2e-4 relative)`, () => {
      const r = runCases(cases, { kind, dtype: 'float32' });
      expect(r.results.filter((x) => !x.ok)).toEqual([]);
    });
  }

  it('every op, loss and module case also matches with the pure TypeScript kernels (no WebAssembly)', () => {
    const before = kernelBackend();
    setKernelBackend('js');
    try {
      for (const kind of ['op', 'loss', 'module'] as const) {
        for (const dtype of ['float64', 'float32'] as const) {
          const r = runCases(cases, { kind, dtype });
          expect({ kind, dtype, failed: r.results.filter((x) => !x.ok) }).toEqual({ kind, dtype, failed: [] });
        }
      }
    } finally {
      setKernelBackend('auto');
    }
    expect(kernelBackend()).toBe(before);
  });

  it('reports a wrong value as a failure, naming the case and the element', () => {
    const c = JSON.parse(JSON.stringify(cases.find((x) => x.id === 'op:add:0')));
    c.output.data[1] += 1e-6;
    const r = runCase(c);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/output\[1\]/);
  });

  it('reports an unknown op as a failure, not a skip', () => {
    const c = { ...cases[0], id: 'op:nosuch:0', op: 'nosuch' };
    expect(runCase(c)).toEqual({ id: 'op:nosuch:0', ok: false, message: "not implemented: op 'nosuch'", missing: "op 'nosuch'" });
  });
});
