/**
 * A small SVG writer (no dependencies) and the CLI's three charts: training curves, decision regions of a
 * 2-D classifier, and the sweep heat map. Output is a standalone, well-formed SVG 1.1 document: every
 * attribute value and text node is XML-escaped, numbers are written with at most 2 decimals.
 */

/** Escapes text for XML attribute values and text nodes. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

type AttrValue = string | number | undefined;

/** Formats a coordinate: at most 2 decimals, no trailing zeros, never '-0' or 'NaN'. */
export function num(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`svg: coordinate must be finite, got ${v}`);
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/**
 * One element: `el('rect', { x: 1, width: 2 })` -> `<rect x="1" width="2"/>`. Children are already-built
 * markup; use {@link text} for text content. Attributes whose value is undefined are left out.
 */
export function el(tag: string, attrs: Record<string, AttrValue> = {}, children: string | string[] = []): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v as string)}"`)
    .join('');
  const body = Array.isArray(children) ? children.join('') : children;
  return body === '' ? `<${tag}${a}/>` : `<${tag}${a}>${body}</${tag}>`;
}

/** A <text> element with escaped content. */
export function text(x: number, y: number, content: string, attrs: Record<string, AttrValue> = {}): string {
  return el('text', { x, y, ...attrs }, escapeXml(content));
}

/** Wraps content in a standalone <svg> document with a white background and a default font. */
export function svgDocument(width: number, height: number, title: string, content: string[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    el(
      'svg',
      {
        xmlns: 'http://www.w3.org/2000/svg',
        version: '1.1',
        width,
        height,
        viewBox: `0 0 ${num(width)} ${num(height)}`,
        'font-family': 'Helvetica, Arial, sans-serif',
        'font-size': 12,
      },
      [el('title', {}, escapeXml(title)), el('rect', { width: '100%', height: '100%', fill: '#ffffff' }), ...content],
    ) +
    '\n'
  );
}

/** About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const start = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v <= hi + step * 1e-9 || ticks.length < 2; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < hi - step * 1e-9) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

function tickLabel(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

/** A line of a chart: one y value per x (null: no point). */
export interface Series {
  /** Legend text. */
  label: string;
  /** Identifier written as the polyline's data-series attribute (e.g. 'train-loss'). */
  id: string;
  color: string;
  values: (number | null)[];
  dashed?: boolean;
}

interface PanelSpec {
  x: number;
  y: number;
  width: number;
  height: number;
  title: string;
  xLabel: string;
  yLabel: string;
  xs: number[];
  series: Series[];
  /** Formats y tick labels (default: the tick value). */
  yFormat?: (v: number, step: number) => string;
  /** Force the y range to include these values. */
  yInclude?: number[];
  /** Corner of the legend (default top): put it where the curves are not, e.g. bottom for rising accuracy. */
  legend?: 'top' | 'bottom';
}

/** One line chart with axes, ticks, grid, polylines with point markers, and a legend. */
function linePanel(p: PanelSpec): string {
  const left = 58, right = 12, top = 28, bottom = 42;
  const plotW = p.width - left - right, plotH = p.height - top - bottom;
  const x0 = p.x + left, y0 = p.y + top;
  const ys = p.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const yt = niceTicks(Math.min(...ys, ...(p.yInclude ?? [])), Math.max(...ys, ...(p.yInclude ?? [])), 5);
  const yLo = yt[0], yHi = yt[yt.length - 1], yStep = yt.length > 1 ? yt[1] - yt[0] : 1;
  const xLo = Math.min(...p.xs), xHi = Math.max(...p.xs);
  const sx = (v: number) => x0 + (xHi === xLo ? plotW / 2 : ((v - xLo) / (xHi - xLo)) * plotW);
  const sy = (v: number) => y0 + plotH - ((v - yLo) / (yHi - yLo)) * plotH;
  const parts: string[] = [];
  parts.push(text(p.x + p.width / 2, p.y + 16, p.title, { 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 'bold' }));
  // Grid and y ticks.
  for (const v of yt) {
    parts.push(el('line', { x1: x0, y1: sy(v), x2: x0 + plotW, y2: sy(v), stroke: '#e5e5e5', 'stroke-width': 1 }));
    parts.push(text(x0 - 6, sy(v) + 4, p.yFormat ? p.yFormat(v, yStep) : tickLabel(v, yStep), { 'text-anchor': 'end', fill: '#333333' }));
  }
  // x ticks: every epoch when there are few, else about 10.
  const every = Math.max(1, Math.ceil(p.xs.length / 10));
  p.xs.forEach((v, i) => {
    if (i % every !== 0 && i !== p.xs.length - 1) return;
    parts.push(el('line', { x1: sx(v), y1: y0 + plotH, x2: sx(v), y2: y0 + plotH + 4, stroke: '#333333' }));
    parts.push(text(sx(v), y0 + plotH + 17, String(v), { 'text-anchor': 'middle', fill: '#333333' }));
  });
  // Axes.
  parts.push(el('line', { x1: x0, y1: y0, x2: x0, y2: y0 + plotH, stroke: '#333333', 'stroke-width': 1 }));
  parts.push(el('line', { x1: x0, y1: y0 + plotH, x2: x0 + plotW, y2: y0 + plotH, stroke: '#333333', 'stroke-width': 1 }));
  parts.push(text(x0 + plotW / 2, p.y + p.height - 6, p.xLabel, { 'text-anchor': 'middle' }));
  const ly = y0 + plotH / 2;
  parts.push(text(p.x + 14, ly, p.yLabel, { 'text-anchor': 'middle', transform: `rotate(-90 ${num(p.x + 14)} ${num(ly)})` }));
  // Lines and markers.
  for (const s of p.series) {
    const pts = s.values
      .map((v, i) => (v === null || !Number.isFinite(v) ? null : `${num(sx(p.xs[i]))},${num(sy(v))}`))
      .filter((q): q is string => q !== null);
    parts.push(el('polyline', {
      points: pts.join(' '),
      fill: 'none',
      stroke: s.color,
      'stroke-width': 2,
      'stroke-dasharray': s.dashed ? '6 4' : undefined,
      'data-series': s.id,
    }));
    s.values.forEach((v, i) => {
      if (v !== null && Number.isFinite(v)) parts.push(el('circle', { cx: sx(p.xs[i]), cy: sy(v), r: 2.5, fill: s.color }));
    });
  }
  // Legend, top right inside the plot.
  const lw = 12 + Math.max(...p.series.map((s) => s.label.length)) * 7 + 30;
  const lh = 8 + 18 * p.series.length;
  const lx = x0 + plotW - lw - 6, lyTop = p.legend === 'bottom' ? y0 + plotH - lh - 6 : y0 + 6;
  parts.push(el('rect', { x: lx, y: lyTop, width: lw, height: lh, fill: '#ffffff', 'fill-opacity': 0.85, stroke: '#cccccc' }));
  p.series.forEach((s, i) => {
    const yy = lyTop + 16 + 18 * i;
    parts.push(el('line', { x1: lx + 8, y1: yy - 4, x2: lx + 30, y2: yy - 4, stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dashed ? '6 4' : undefined }));
    parts.push(text(lx + 36, yy, s.label));
  });
  return el('g', { class: 'panel' }, parts);
}

/** What one epoch contributes to the curves. */
export interface CurvePoint {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  valLoss?: number;
  valAccuracy?: number;
}

const TRAIN_COLOR = '#1f77b4';
const TEST_COLOR = '#d62728';
const VAL_COLOR = '#2ca02c';

/**
 * Training curves: loss (left panel) and accuracy (right panel) per epoch, train vs test (and validation
 * when early stopping held one out).
 */
export function curvesSvg(epochs: CurvePoint[], title = 'Training curves'): string {
  if (epochs.length === 0) throw new RangeError('curvesSvg: no epochs to draw');
  const xs = epochs.map((e) => e.epoch);
  const hasVal = epochs.some((e) => e.valLoss !== undefined);
  const lossSeries: Series[] = [
    { label: 'train', id: 'train-loss', color: TRAIN_COLOR, values: epochs.map((e) => e.trainLoss) },
    { label: 'test', id: 'test-loss', color: TEST_COLOR, values: epochs.map((e) => e.testLoss) },
  ];
  const accSeries: Series[] = [
    { label: 'train', id: 'train-accuracy', color: TRAIN_COLOR, values: epochs.map((e) => e.trainAccuracy) },
    { label: 'test', id: 'test-accuracy', color: TEST_COLOR, values: epochs.map((e) => e.testAccuracy) },
  ];
  if (hasVal) {
    lossSeries.push({ label: 'validation', id: 'val-loss', color: VAL_COLOR, dashed: true, values: epochs.map((e) => e.valLoss ?? null) });
    accSeries.push({ label: 'validation', id: 'val-accuracy', color: VAL_COLOR, dashed: true, values: epochs.map((e) => e.valAccuracy ?? null) });
  }
  const W = 960, H = 400;
  return svgDocument(W, H, title, [
    text(W / 2, 20, title, { 'text-anchor': 'middle', 'font-size': 16, 'font-weight': 'bold' }),
    linePanel({ x: 0, y: 24, width: W / 2, height: H - 24, title: 'Loss (cross-entropy)', xLabel: 'epoch', yLabel: 'loss', xs, series: lossSeries, yInclude: [0] }),
    linePanel({
      x: W / 2, y: 24, width: W / 2, height: H - 24, title: 'Accuracy', xLabel: 'epoch', yLabel: 'accuracy', xs, series: accSeries,
      yInclude: [1],
      legend: 'bottom',
      yFormat: (v, step) => `${(100 * v).toFixed(Math.max(0, -Math.floor(Math.log10(100 * step) + 1e-9)))}%`,
    }),
  ]);
}

/** Light fills for decision regions and strong colours for points, per class (cycled past 10). */
const REGION = ['#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5'];
const POINT = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Predicted classes on a grid over the plane; cell (i, j) is column i (x), row j (y, bottom first). */
export interface ClassGrid {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  nx: number;
  ny: number;
  /** nx * ny classes, row-major from the bottom row (y = yMin) up. */
  classes: ArrayLike<number>;
}

/**
 * Decision regions of a 2-D classifier: grid cells coloured by predicted class (runs of equal cells
 * merged into one rectangle per row), the data points on top coloured by true class, axes and a legend.
 */
export function boundarySvg(grid: ClassGrid, points: { xy: ArrayLike<number>; labels: ArrayLike<number> }, numClasses: number, title = 'Decision regions'): string {
  if (grid.classes.length !== grid.nx * grid.ny) throw new RangeError(`boundarySvg: grid has ${grid.classes.length} classes for ${grid.nx} x ${grid.ny} cells`);
  const W = 560, H = 560, left = 56, top = 36, size = 460;
  const sx = (v: number) => left + ((v - grid.xMin) / (grid.xMax - grid.xMin)) * size;
  const sy = (v: number) => top + size - ((v - grid.yMin) / (grid.yMax - grid.yMin)) * size;
  const cw = size / grid.nx, ch = size / grid.ny;
  const cells: string[] = [];
  for (let j = 0; j < grid.ny; j++) {
    let i = 0;
    while (i < grid.nx) {
      const c = grid.classes[j * grid.nx + i];
      let k = i + 1;
      while (k < grid.nx && grid.classes[j * grid.nx + k] === c) k++;
      // Overlap cells by a hair so anti-aliasing leaves no seams between rows.
      cells.push(el('rect', { x: left + i * cw, y: top + size - (j + 1) * ch, width: (k - i) * cw + 0.3, height: ch + 0.3, fill: REGION[c % REGION.length] }));
      i = k;
    }
  }
  const dots: string[] = [];
  for (let n = 0; n < points.labels.length; n++) {
    const x = points.xy[2 * n], y = points.xy[2 * n + 1];
    if (x < grid.xMin || x > grid.xMax || y < grid.yMin || y > grid.yMax) continue;
    dots.push(el('circle', { cx: sx(x), cy: sy(y), r: 3, fill: POINT[points.labels[n] % POINT.length], stroke: '#ffffff', 'stroke-width': 0.8 }));
  }
  const axes: string[] = [
    el('rect', { x: left, y: top, width: size, height: size, fill: 'none', stroke: '#333333' }),
  ];
  const xt = niceTicks(grid.xMin, grid.xMax, 6).filter((v) => v >= grid.xMin && v <= grid.xMax);
  const yt = niceTicks(grid.yMin, grid.yMax, 6).filter((v) => v >= grid.yMin && v <= grid.yMax);
  const xs = xt.length > 1 ? xt[1] - xt[0] : 1, ys = yt.length > 1 ? yt[1] - yt[0] : 1;
  for (const v of xt) {
    axes.push(el('line', { x1: sx(v), y1: top + size, x2: sx(v), y2: top + size + 4, stroke: '#333333' }));
    axes.push(text(sx(v), top + size + 17, tickLabel(v, xs), { 'text-anchor': 'middle' }));
  }
  for (const v of yt) {
    axes.push(el('line', { x1: left - 4, y1: sy(v), x2: left, y2: sy(v), stroke: '#333333' }));
    axes.push(text(left - 7, sy(v) + 4, tickLabel(v, ys), { 'text-anchor': 'end' }));
  }
  axes.push(text(left + size / 2, H - 26, 'x1', { 'text-anchor': 'middle' }));
  axes.push(text(16, top + size / 2, 'x2', { 'text-anchor': 'middle', transform: `rotate(-90 16 ${num(top + size / 2)})` }));
  const legend: string[] = [];
  for (let c = 0; c < numClasses; c++) {
    const lx = left + c * 80;
    legend.push(el('rect', { x: lx, y: H - 14, width: 12, height: 10, fill: REGION[c % REGION.length], stroke: POINT[c % POINT.length] }));
    legend.push(text(lx + 16, H - 5, `class ${c}`));
  }
  return svgDocument(W, H, title, [
    text(W / 2, 22, title, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' }),
    el('g', { class: 'regions' }, cells),
    el('g', { class: 'points' }, dots),
    el('g', { class: 'axes' }, axes),
    el('g', { class: 'legend' }, legend),
  ]);
}

/** Colour for a value in [0, 1]: white-ish to dark green. */
function heat(t: number): string {
  const c = Math.max(0, Math.min(1, t));
  const lerp = (a: number, b: number) => Math.round(a + (b - a) * c);
  const hex = (v: number) => v.toString(16).padStart(2, '0');
  return `#${hex(lerp(0xf7, 0x00))}${hex(lerp(0xfc, 0x6d))}${hex(lerp(0xf5, 0x2c))}`;
}

/**
 * Heat map of a grid of values (rows x columns), each cell labelled; colours span the values' range.
 * Used for the sweep: rows are hidden sizes, columns learning rates, values test accuracies.
 */
export function heatmapSvg(spec: {
  title: string;
  rowLabel: string;
  colLabel: string;
  rows: string[];
  cols: string[];
  values: number[][];
  cellText: (v: number, r: number, c: number) => string[];
}): string {
  const { rows, cols, values } = spec;
  const cellW = 120, cellH = 54, left = 110, top = 76;
  const W = left + cols.length * cellW + 30, H = top + rows.length * cellH + 60;
  const flat = values.flat().filter((v) => Number.isFinite(v));
  const lo = Math.min(...flat), hi = Math.max(...flat);
  const parts: string[] = [text(W / 2, 24, spec.title, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' })];
  parts.push(text(left + (cols.length * cellW) / 2, top - 26, spec.colLabel, { 'text-anchor': 'middle', 'font-weight': 'bold' }));
  cols.forEach((c, j) => parts.push(text(left + j * cellW + cellW / 2, top - 8, c, { 'text-anchor': 'middle' })));
  parts.push(text(14, top + (rows.length * cellH) / 2, spec.rowLabel, { 'text-anchor': 'middle', 'font-weight': 'bold', transform: `rotate(-90 14 ${num(top + (rows.length * cellH) / 2)})` }));
  rows.forEach((r, i) => {
    parts.push(text(left - 8, top + i * cellH + cellH / 2 + 4, r, { 'text-anchor': 'end' }));
    cols.forEach((_, j) => {
      const v = values[i][j];
      const t = hi > lo ? (v - lo) / (hi - lo) : 1;
      const x = left + j * cellW, y = top + i * cellH;
      const fill = Number.isFinite(v) ? heat(0.15 + 0.85 * t) : '#dddddd';
      parts.push(el('rect', { x, y, width: cellW, height: cellH, fill, stroke: '#ffffff', 'stroke-width': 2, 'data-value': String(v) }));
      const lines = spec.cellText(v, i, j);
      lines.forEach((line, k) => {
        parts.push(text(x + cellW / 2, y + cellH / 2 + 5 + (k - (lines.length - 1) / 2) * 15, line, {
          'text-anchor': 'middle', fill: t > 0.55 ? '#ffffff' : '#111111', 'font-weight': k === 0 ? 'bold' : undefined,
        }));
      });
    });
  });
  parts.push(text(left, H - 20, `colour: ${spec.title.toLowerCase().includes('accuracy') ? 'test accuracy' : 'value'} from ${lo.toPrecision(4)} (light) to ${hi.toPrecision(4)} (dark)`, { fill: '#555555' }));
  return svgDocument(W, H, spec.title, parts);
}
