/**
 * The numbers of the final report: energy and CO2 estimate, confusion matrix, and their text layout.
 */
import { DEFAULT_CARBON_INTENSITY, DEFAULT_POWER_WATTS_PER_CORE } from './args';

/** Energy and CO2 estimate of a run, with the constants and the method spelled out. */
export interface EnergyEstimate {
  /** Process CPU time (user + system) in seconds, summed over all cores/threads. */
  cpuSeconds: number;
  powerWattsPerCore: number;
  /** g CO2-eq per kWh. */
  carbonIntensity: number;
  energyWh: number;
  co2Grams: number;
  /** One sentence saying how the figures were computed. */
  method: string;
}

/**
 * Energy = CPU-seconds x W per core (a core busy for one second at W watts uses W joules; CPU time counts
 * each busy core separately, so several threads add up) / 3600 J per Wh. CO2 = energy in kWh x g/kWh.
 *
 * @example
 * estimateEnergy(7200, 15, 475); // { energyWh: 30, co2Grams: 14.25, ... }  (2 CPU-hours at 15 W)
 */
export function estimateEnergy(
  cpuSeconds: number,
  powerWattsPerCore = DEFAULT_POWER_WATTS_PER_CORE,
  carbonIntensity = DEFAULT_CARBON_INTENSITY,
): EnergyEstimate {
  for (const [name, v] of [['cpuSeconds', cpuSeconds], ['powerWattsPerCore', powerWattsPerCore], ['carbonIntensity', carbonIntensity]] as const) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`estimateEnergy: ${name} must be a finite number >= 0, got ${v}`);
  }
  const energyWh = (cpuSeconds * powerWattsPerCore) / 3600;
  const co2Grams = (energyWh / 1000) * carbonIntensity;
  const method =
    `process CPU time (process.cpuUsage, user + system) ${cpuSeconds.toFixed(2)} s x ${powerWattsPerCore} W per busy core` +
    `${powerWattsPerCore === DEFAULT_POWER_WATTS_PER_CORE ? ' (assumed: typical desktop/laptop core under load; CPU only, no RAM/PUE)' : ' (given)'}` +
    ` = ${energyWh.toPrecision(3)} Wh; x ${carbonIntensity} g CO2/kWh` +
    `${carbonIntensity === DEFAULT_CARBON_INTENSITY ? ' (IEA world-average grid, CodeCarbon\'s fallback)' : ' (given)'}` +
    ` = ${co2Grams.toPrecision(3)} g CO2`;
  return { cpuSeconds, powerWattsPerCore, carbonIntensity, energyWh, co2Grams, method };
}

/** CPU time of this process so far, in seconds (user + system). */
export function cpuSecondsNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Confusion matrix: `m[t][p]` counts examples of true class t predicted as p. Rows sum to the class sizes,
 * the whole matrix to the number of examples.
 *
 * @example
 * confusionMatrix([0, 1, 1], [0, 0, 1], 2); // [[1, 0], [1, 1]]
 */
export function confusionMatrix(targets: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number): number[][] {
  if (targets.length !== predictions.length) {
    throw new RangeError(`confusionMatrix: ${targets.length} targets but ${predictions.length} predictions`);
  }
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i], p = predictions[i];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) {
      throw new RangeError(`confusionMatrix: entry ${i} has target ${t} and prediction ${p}; both must be in [0, ${numClasses})`);
    }
    m[t][p] += 1;
  }
  return m;
}

/** The matrix as aligned text, true classes down, predictions across, with per-class recall. */
export function formatConfusionMatrix(m: number[][], classes?: readonly string[]): string {
  const k = m.length;
  const names = classes ?? m.map((_, i) => String(i));
  const w = Math.max(4, ...m.flat().map((v) => String(v).length + 1), ...names.map((n) => n.length + 1));
  const pad = (s: string) => s.padStart(w);
  const lines = [`${'true\\pred'.padEnd(10)}${names.map(pad).join('')}   recall`];
  for (let t = 0; t < k; t++) {
    const total = m[t].reduce((a, b) => a + b, 0);
    const recall = total === 0 ? '   -' : `${((100 * m[t][t]) / total).toFixed(1)}%`.padStart(7);
    lines.push(`${names[t].padEnd(10)}${m[t].map((v) => pad(String(v))).join('')}  ${recall}`);
  }
  return lines.join('\n');
}

/** Plain-text table with left-aligned first column and right-aligned others. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** 0.9512 -> '95.12%'. */
export function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

/** Seconds as '12.3 s' or '2 min 05 s'. */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, '0')} s`;
}

/** 101770 -> '101,770'. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
