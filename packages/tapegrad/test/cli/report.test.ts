import { confusionMatrix, estimateEnergy, formatConfusionMatrix, formatCount, formatSeconds, formatTable, pct } from '../../src/cli/report';

describe('energy and CO2 estimate', () => {
  test('defaults: 15 W per core, 475 g/kWh (hand-computed: 3600 CPU-s x 15 W = 54,000 J = 15 Wh; 0.015 kWh x 475 = 7.125 g)', () => {
    const e = estimateEnergy(3600);
    expect(e.powerWattsPerCore).toBe(15);
    expect(e.carbonIntensity).toBe(475);
    expect(e.energyWh).toBeCloseTo(15, 12);
    expect(e.co2Grams).toBeCloseTo(7.125, 12);
    expect(e.method).toMatch(/process\.cpuUsage/);
    expect(e.method).toMatch(/15 W per busy core \(assumed/);
    expect(e.method).toMatch(/475 g CO2\/kWh \(IEA world-average/);
  });

  test('overridden constants: 90 CPU-s x 40 W = 3600 J = 1 Wh; x 200 g/kWh = 0.2 g', () => {
    const e = estimateEnergy(90, 40, 200);
    expect(e.energyWh).toBeCloseTo(1, 12);
    expect(e.co2Grams).toBeCloseTo(0.2, 12);
    expect(e.method).toMatch(/40 W per busy core \(given\)/);
    expect(e.method).toMatch(/200 g CO2\/kWh \(given\)/);
  });

  test('zero power or zero intensity give zero; negative inputs are rejected by name', () => {
    expect(estimateEnergy(10, 0).energyWh).toBe(0);
    expect(estimateEnergy(10, 15, 0).co2Grams).toBe(0);
    expect(() => estimateEnergy(-1)).toThrow(/cpuSeconds must be a finite number >= 0, got -1/);
    expect(() => estimateEnergy(1, NaN)).toThrow(/powerWattsPerCore/);
  });
});

describe('confusion matrix', () => {
  test('rows are true classes, columns predictions; sums to the number of examples', () => {
    const targets = [0, 0, 1, 1, 1, 2, 2, 2, 2];
    const preds = [0, 1, 1, 1, 2, 2, 2, 0, 2];
    const m = confusionMatrix(targets, preds, 3);
    expect(m).toEqual([
      [1, 1, 0],
      [0, 2, 1],
      [1, 0, 3],
    ]);
    expect(m.flat().reduce((a, b) => a + b, 0)).toBe(targets.length);
    expect(m.map((r) => r.reduce((a, b) => a + b, 0))).toEqual([2, 3, 4]);
    const text = formatConfusionMatrix(m);
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toContain('50.0%'); // recall of class 0: 1/2
    expect(text).toContain('75.0%'); // class 2: 3/4
  });

  test('bad inputs name the problem', () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(/2 targets but 1 predictions/);
    expect(() => confusionMatrix([0, 3], [0, 1], 2)).toThrow(/entry 1 has target 3/);
  });
});

describe('formatting', () => {
  test('percentages, counts, durations, tables', () => {
    expect(pct(0.95125)).toBe('95.13%');
    expect(formatCount(101770)).toBe('101,770');
    expect(formatSeconds(3.456)).toBe('3.46 s');
    expect(formatSeconds(125)).toBe('2 min 05 s');
    const t = formatTable(['a', 'bb'], [['x', '1'], ['yyy', '22']]).split('\n');
    expect(t).toEqual(['a    bb', '---  --', 'x     1', 'yyy  22']);
  });
});
