/** Canvas drawing: the decision regions with the data points on top, and the loss curves. */
import type { SplitData } from './datasets';
import type { GridPrediction, HistoryPoint } from './trainer';

/** Class colours (class 0 blue, class 1 orange, as the course figures), as [r, g, b]. */
export const CLASS_RGB: readonly (readonly [number, number, number])[] = [
  [43, 131, 186],
  [242, 142, 43],
  [89, 161, 79],
  [225, 87, 89],
];
const TRAIN_COLOUR = '#334155';
const TEST_COLOUR = '#a855f7';
const INK = '#334155';
const GRID = '#e2e8f0';

const css = ([r, g, b]: readonly number[]): string => `rgb(${r}, ${g}, ${b})`;

/** Sizes the canvas backing store to its CSS box times the device pixel ratio; returns a context in CSS pixels. */
function prepare(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || canvas.width, h = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('playground: this browser gives no 2-D canvas context');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h };
}

let cellCanvas: HTMLCanvasElement | null = null;

/**
 * Paints each grid cell in the colour of its predicted class, paler where the network is less sure
 * (white at chance level), then the training points (white rim) and test points (dark rim).
 */
export function drawRegions(canvas: HTMLCanvasElement, grid: GridPrediction, data: SplitData): void {
  const { ctx, w, h } = prepare(canvas);
  const { cols, rows, numClasses, probs } = grid;
  cellCanvas ??= document.createElement('canvas');
  cellCanvas.width = cols;
  cellCanvas.height = rows;
  const cellCtx = cellCanvas.getContext('2d');
  if (!cellCtx) throw new Error('playground: this browser gives no 2-D canvas context');
  const image = cellCtx.createImageData(cols, rows);
  const chance = 1 / numClasses;
  for (let i = 0; i < cols * rows; i++) {
    let best = 0;
    for (let k = 1; k < numClasses; k++) if (probs[i * numClasses + k] > probs[i * numClasses + best]) best = k;
    // Confidence 0 at chance level, 1 when certain; capped so points stay visible on top.
    const confidence = (probs[i * numClasses + best] - chance) / (1 - chance);
    const a = 0.12 + 0.5 * Math.max(0, Math.min(1, confidence));
    const rgb = CLASS_RGB[best % CLASS_RGB.length];
    for (let ch = 0; ch < 3; ch++) image.data[4 * i + ch] = Math.round(255 * (1 - a) + rgb[ch] * a);
    image.data[4 * i + 3] = 255;
  }
  cellCtx.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(cellCanvas, 0, 0, w, h);

  const { center, extent } = data;
  const px = (x: number): number => ((x - (center[0] - extent)) / (2 * extent)) * w;
  const py = (y: number): number => ((center[1] + extent - y) / (2 * extent)) * h;

  // Axes through the origin when it is in view, for orientation.
  ctx.strokeStyle = 'rgba(51, 65, 85, 0.25)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  if (Math.abs(center[0]) < extent) { ctx.moveTo(px(0), 0); ctx.lineTo(px(0), h); }
  if (Math.abs(center[1]) < extent) { ctx.moveTo(0, py(0)); ctx.lineTo(w, py(0)); }
  ctx.stroke();

  const points = (x: ArrayLike<number>, y: ArrayLike<number>, rim: string): void => {
    ctx.strokeStyle = rim;
    ctx.lineWidth = 1.2;
    for (let i = 0; i < y.length; i++) {
      ctx.beginPath();
      ctx.arc(px(x[2 * i]), py(x[2 * i + 1]), 3.6, 0, 2 * Math.PI);
      ctx.fillStyle = css(CLASS_RGB[y[i] % CLASS_RGB.length]);
      ctx.fill();
      ctx.stroke();
    }
  };
  points(data.xTrain.dataSync(), data.yTrain.dataSync(), '#ffffff');
  points(data.xTest.dataSync(), data.yTest.dataSync(), '#111827');
}

function niceStep(range: number, target: number): number {
  const raw = range / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/** Plots training and test loss per epoch, y from 0 to the largest loss seen, with light grid lines. */
export function drawLoss(canvas: HTMLCanvasElement, history: readonly HistoryPoint[]): void {
  const { ctx, w, h } = prepare(canvas);
  ctx.clearRect(0, 0, w, h);
  const left = 44, right = 12, top = 12, bottom = 26;
  const pw = w - left - right, ph = h - top - bottom;
  const lastEpoch = Math.max(10, history.length ? history[history.length - 1].epoch : 0);
  let maxLoss = 0;
  for (const p of history) {
    if (Number.isFinite(p.trainLoss)) maxLoss = Math.max(maxLoss, p.trainLoss);
    if (Number.isFinite(p.testLoss)) maxLoss = Math.max(maxLoss, p.testLoss);
  }
  maxLoss = maxLoss > 0 ? maxLoss * 1.05 : 1;
  const sx = (e: number): number => left + (e / lastEpoch) * pw;
  const sy = (l: number): number => top + ph - (Math.min(l, maxLoss) / maxLoss) * ph;

  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = INK;
  ctx.strokeStyle = GRID;
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yStep = niceStep(maxLoss, 4);
  for (let v = 0; v <= maxLoss + 1e-12; v += yStep) {
    ctx.beginPath(); ctx.moveTo(left, sy(v)); ctx.lineTo(left + pw, sy(v)); ctx.stroke();
    ctx.fillText(v.toFixed(yStep < 0.1 ? 2 : 1), left - 6, sy(v));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xStep = niceStep(lastEpoch, 5);
  for (let e = 0; e <= lastEpoch; e += xStep) ctx.fillText(String(e), sx(e), top + ph + 6);
  ctx.strokeStyle = INK;
  ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, top + ph); ctx.lineTo(left + pw, top + ph); ctx.stroke();

  const curve = (key: 'trainLoss' | 'testLoss', colour: string): void => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    // Long runs: one vertex per horizontal pixel is enough.
    const stride = Math.max(1, Math.floor(history.length / pw));
    let started = false;
    for (let i = 0; i < history.length; i += stride) {
      const p = history[i];
      if (!Number.isFinite(p[key])) break;
      if (started) ctx.lineTo(sx(p.epoch), sy(p[key]));
      else { ctx.moveTo(sx(p.epoch), sy(p[key])); started = true; }
    }
    const last = history[history.length - 1];
    if (started && Number.isFinite(last[key])) ctx.lineTo(sx(last.epoch), sy(last[key]));
    ctx.stroke();
  };
  if (history.length > 1) {
    curve('testLoss', TEST_COLOUR);
    curve('trainLoss', TRAIN_COLOUR);
  } else {
    ctx.fillStyle = '#94a3b8';
    ctx.textBaseline = 'middle';
    ctx.fillText('press Train to start', left + pw / 2, top + ph / 2);
  }
}

/** Legend colours, so the HTML legend matches the curves. */
export const LOSS_COLOURS = { train: TRAIN_COLOUR, test: TEST_COLOUR } as const;
