/** The benchmark report's rows: figures per column and the tapegrad / peer ratios (bench/table.ts). */
import { buildRows, fmtNum, renderTable } from '../../../../bench/table';

describe('bench table', () => {
  const rows = buildRows({
    tapegrad: { step_b64: 1.2, matmul_ab: 40 },
    'tapegrad-fma': { step_b64: 1.0, matmul_ab: 48 },
    'tapegrad-compiled': { step_b64: 0.6, matmul_ab: null },
    'tfjs-wasm': { step_b64: 6.0, matmul_ab: 32 },
    pytorch: { step_b64: 0.4, matmul_ab: null },
  });

  it('computes tapegrad / peer, tapegrad-fma / peer and tapegrad-compiled / peer, null where a figure is missing', () => {
    const step = rows.find((r) => r.id === 'step_b64')!;
    expect(step.ratios['tfjs-wasm']).toBeCloseTo(0.2, 12);
    expect(step.ratios.pytorch).toBeCloseTo(3, 12);
    expect(step.ratios['tfjs-cpu']).toBeNull();
    expect(step.ratiosFma['tfjs-wasm']).toBeCloseTo(1 / 6, 12);
    expect(step.ratiosFma.pytorch).toBeCloseTo(2.5, 12);
    expect(step.ratiosCompiled.pytorch).toBeCloseTo(1.5, 12);
    expect(step.ratiosCompiled['tfjs-wasm']).toBeCloseTo(0.1, 12);
    const mm = rows.find((r) => r.id === 'matmul_ab')!;
    expect(mm.ratios['tfjs-wasm']).toBeCloseTo(1.25, 12);
    expect(mm.ratios.pytorch).toBeNull();
    expect(mm.values['tapegrad-compiled']).toBeNull();
    expect(mm.ratiosCompiled['tfjs-wasm']).toBeNull();
    expect(rows.find((r) => r.id === 'digits_wall')!.values.tapegrad).toBeNull();
  });

  it('renders every column and ratio header, with – for missing figures', () => {
    const text = renderTable(rows);
    const header = text.split('\n')[0];
    for (const h of ['tapegrad', 'tg FMA', 'tfjs-cpu', 'tfjs-wasm', 'PyTorch', 'tg/wasm', 'tg/torch', 'fma/wasm', 'fma/torch', 'tg comp', 'comp/wasm', 'comp/torch']) expect(header).toContain(h);
    const stepLine = text.split('\n').find((l) => l.startsWith('MLP train step, batch 64'))!;
    expect(stepLine).toContain('3.00×');
    expect(stepLine).toContain('2.50×');
    expect(stepLine).toContain('1.50×');
    expect(fmtNum(null)).toBe('–');
    expect(fmtNum(0.381)).toBe('0.381');
    expect(fmtNum(180.4)).toBe('180');
  });
});
