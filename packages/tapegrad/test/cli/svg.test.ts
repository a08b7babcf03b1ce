import { boundarySvg, curvesSvg, el, escapeXml, heatmapSvg, niceTicks, num } from '../../src/cli/svg';
import { findAll, parseXml } from './helpers';

const epochs = [1, 2, 3].map((e) => ({ epoch: e, trainLoss: 1 / e, trainAccuracy: 0.8 + 0.05 * e, testLoss: 1.1 / e, testAccuracy: 0.78 + 0.05 * e }));

describe('svg helper', () => {
  test('escapes text and attributes, formats numbers', () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
    expect(el('text', { x: 1.23456, label: 'a&b' }, escapeXml('<x>'))).toBe('<text x="1.23" label="a&amp;b">&lt;x&gt;</text>');
    expect(el('rect', { width: 2, fill: undefined })).toBe('<rect width="2"/>');
    expect(num(-0.001)).toBe('0');
    expect(() => num(NaN)).toThrow(/finite/);
  });

  test('niceTicks covers the range with round steps', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.03, 2.31, 5)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    const t = niceTicks(5, 5);
    expect(t.length).toBeGreaterThanOrEqual(2);
    expect(t[0]).toBeLessThanOrEqual(5);
    expect(t[t.length - 1]).toBeGreaterThanOrEqual(5);
  });

  test('curves: well-formed standalone SVG, two panels, train and test polylines for loss and accuracy, legend', () => {
    const svg = curvesSvg(epochs, 'MLP <784-128-10> & co');
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(findAll(root, 'g').filter((g) => g.attrs.class === 'panel')).toHaveLength(2);
    const lines = findAll(root, 'polyline');
    expect(lines.map((l) => l.attrs['data-series']).sort()).toEqual(['test-accuracy', 'test-loss', 'train-accuracy', 'train-loss']);
    for (const l of lines) expect(l.attrs.points.split(' ')).toHaveLength(3);
    const texts = findAll(root, 'text').map((t) => t.text);
    expect(texts).toContain('MLP <784-128-10> & co');
    expect(texts.filter((t) => t === 'train')).toHaveLength(2);
    expect(texts.filter((t) => t === 'test')).toHaveLength(2);
    expect(texts).toContain('epoch');
  });

  test('curves with validation series add dashed lines; one epoch still draws points', () => {
    const root = parseXml(curvesSvg(epochs.map((e) => ({ ...e, valLoss: e.testLoss, valAccuracy: e.testAccuracy }))));
    expect(findAll(root, 'polyline').filter((l) => l.attrs['stroke-dasharray'])).toHaveLength(2);
    const one = parseXml(curvesSvg(epochs.slice(0, 1)));
    expect(findAll(one, 'circle').length).toBe(4);
    expect(() => curvesSvg([])).toThrow(/no epochs/);
  });

  test('boundary: one rect per run of equal cells per row, a circle per point', () => {
    // 4 x 2 grid: bottom row 0 0 1 1, top row 1 1 1 1 -> 2 + 1 region rects.
    const grid = { xMin: 0, xMax: 4, yMin: 0, yMax: 2, nx: 4, ny: 2, classes: [0, 0, 1, 1, 1, 1, 1, 1] };
    const root = parseXml(boundarySvg(grid, { xy: [0.5, 0.5, 3.5, 1.5, 9, 9], labels: [0, 1, 1] }, 2));
    const regions = findAll(root, 'g').find((g) => g.attrs.class === 'regions');
    expect(regions?.children).toHaveLength(3);
    const points = findAll(root, 'g').find((g) => g.attrs.class === 'points');
    expect(points?.children).toHaveLength(2); // the point at (9, 9) is outside the grid
    expect(() => boundarySvg({ ...grid, nx: 3 }, { xy: [], labels: [] }, 2)).toThrow(/8 classes for 3 x 2 cells/);
  });

  test('heat map: a cell per value with its label', () => {
    const root = parseXml(heatmapSvg({
      title: 'Sweep accuracy', rowLabel: 'hidden', colLabel: 'lr', rows: ['32', '64x32'], cols: ['0.01', '0.1'],
      values: [[0.9, 0.95], [0.92, NaN]], cellText: (v) => [Number.isFinite(v) ? `${v}` : 'diverged'],
    }));
    const cells = findAll(root, 'rect').filter((r) => r.attrs['data-value'] !== undefined);
    expect(cells.map((c) => c.attrs['data-value'])).toEqual(['0.9', '0.95', '0.92', 'NaN']);
    expect(findAll(root, 'text').map((t) => t.text)).toEqual(expect.arrayContaining(['0.95', 'diverged', '64x32']));
  });

  test('the test XML parser rejects malformed documents', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow(/closes/);
    expect(() => parseXml('<svg a="1" a="2"/>')).toThrow(/duplicate/);
    expect(() => parseXml('<svg>&nbsp;</svg>')).toThrow(/entity/);
    expect(() => parseXml('<svg/><svg/>')).toThrow(/after the root/);
  });
});
