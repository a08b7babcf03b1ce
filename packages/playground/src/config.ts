/** The playground's settings: their types, defaults, and the checks that turn form values into a config. */

/** The 2-D toy problems of the course slides. */
export const DATASETS = ['blobs', 'circles', 'moons', 'xor'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** Hidden-layer activations offered in the page. */
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'leaky-relu'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Optimizers offered in the page: 'momentum' is SGD with momentum 0.9. */
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Everything that defines a run. Changing any of it starts a new model. */
export interface PlaygroundConfig {
  dataset: DatasetName;
  /**
   * Noise of the data set: the Gaussian noise std added to every coordinate for circles, moons and XOR;
   * the std of each cloud for blobs.
   */
  noise: number;
  /** Hidden layer widths, e.g. [8, 8]; [] is logistic regression (no hidden layer). */
  hidden: number[];
  activation: ActivationName;
  optimizer: OptimizerName;
  /** Learning rate. */
  lr: number;
  /** Mini-batch size; 0 means full batch (one step per epoch). */
  batchSize: number;
  /** Number of points (train + test). */
  points: number;
  /** Fraction of the points held out for testing, in (0, 1). */
  testFraction: number;
  /** Seed of the data, the split, the initial weights and the batch order. */
  seed: number;
}

/** Noise each data set starts with (the page resets the noise field when the data set changes). */
export const DEFAULT_NOISE: Record<DatasetName, number> = { blobs: 0.5, circles: 0.1, moons: 0.1, xor: 0.05 };

/** Learning rate each optimizer starts with (the page resets the field when the optimizer changes). */
export const DEFAULT_LR: Record<OptimizerName, number> = { sgd: 0.3, momentum: 0.1, adam: 0.03 };

/** The page's initial settings. */
export const DEFAULT_CONFIG: Readonly<PlaygroundConfig> = Object.freeze({
  dataset: 'blobs',
  noise: DEFAULT_NOISE.blobs,
  hidden: [8, 8],
  activation: 'tanh',
  optimizer: 'adam',
  lr: DEFAULT_LR.adam,
  batchSize: 32,
  points: 400,
  testFraction: 0.3,
  seed: 0,
});

/** Largest hidden layer accepted: the page redraws a grid through the network every frame. */
export const MAX_WIDTH = 256;
/** Most hidden layers accepted. */
export const MAX_LAYERS = 6;

/** Settings to change; `hidden` may be text ("8,8") as typed in the form, or widths. */
export type ConfigChanges = Partial<Omit<PlaygroundConfig, 'hidden'>> & { hidden?: readonly number[] | string };

/** A setting the page cannot use; `field` names the config key so the form can mark the control. */
export class ConfigError extends Error {
  constructor(readonly field: keyof PlaygroundConfig, message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads hidden layer widths from text such as "8,8" or "16 8" (commas and/or spaces between widths).
 * Empty text means no hidden layer.
 * @example
 * parseHidden('8, 8'); // [8, 8]
 * parseHidden('');     // []
 */
export function parseHidden(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length > MAX_LAYERS) {
    throw new ConfigError('hidden', `hidden layers: at most ${MAX_LAYERS} layers, got ${parts.length} ("${text}")`);
  }
  return parts.map((p) => {
    if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > MAX_WIDTH) {
      throw new ConfigError('hidden', `hidden layers: "${p}" is not a width from 1 to ${MAX_WIDTH} (write widths like "8,8")`);
    }
    return Number(p);
  });
}

/** Writes widths back as the text the hidden-layers field shows. */
export function formatHidden(hidden: readonly number[]): string {
  return hidden.join(',');
}

function oneOf<T extends string>(field: keyof PlaygroundConfig, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(field, `${field}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function numberIn(field: keyof PlaygroundConfig, value: unknown, lo: number, hi: number, { integer = false, openLo = false } = {}): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (openLo ? value > lo : value >= lo) && value <= hi
    && (!integer || Number.isInteger(value));
  if (!ok) {
    const range = `${openLo ? '(' : '['}${lo}, ${hi}]`;
    const got = typeof value === 'number' ? String(value) : JSON.stringify(value);
    throw new ConfigError(field, `${field}: expected ${integer ? 'an integer' : 'a number'} in ${range}, got ${got}`);
  }
  return value as number;
}

/**
 * Merges `changes` into `base` and checks every field, throwing a {@link ConfigError} naming the first bad
 * one. `hidden` may be given as text ("8,8") or as an array of widths. Changing the data set (optimizer)
 * without giving `noise` (`lr`) also sets that data set's {@link DEFAULT_NOISE} (optimizer's {@link DEFAULT_LR}).
 * @example
 * resolveConfig({ dataset: 'moons', hidden: '16,16' }); // DEFAULT_CONFIG with those two changes
 */
export function resolveConfig(
  changes: ConfigChanges = {},
  base: Readonly<PlaygroundConfig> = DEFAULT_CONFIG,
): PlaygroundConfig {
  const known = new Set<string>(Object.keys(DEFAULT_CONFIG));
  for (const key of Object.keys(changes)) {
    if (!known.has(key)) throw new ConfigError(key as keyof PlaygroundConfig, `unknown setting "${key}" (known: ${[...known].join(', ')})`);
  }
  const merged = { ...base, ...changes };
  // A new data set or optimizer brings its own default noise or learning rate unless one is given,
  // as the form does: noise 0.5 suits the clouds but drowns the circles.
  if (changes.dataset !== undefined && changes.dataset !== base.dataset && changes.noise === undefined) {
    merged.noise = DEFAULT_NOISE[changes.dataset as DatasetName] ?? merged.noise;
  }
  if (changes.optimizer !== undefined && changes.optimizer !== base.optimizer && changes.lr === undefined) {
    merged.lr = DEFAULT_LR[changes.optimizer as OptimizerName] ?? merged.lr;
  }
  const hidden = typeof merged.hidden === 'string' ? parseHidden(merged.hidden) : merged.hidden;
  if (!Array.isArray(hidden)) throw new ConfigError('hidden', `hidden: expected an array of widths or text like "8,8", got ${JSON.stringify(hidden)}`);
  if (typeof merged.hidden !== 'string') parseHidden(hidden.join(','));
  return {
    dataset: oneOf('dataset', merged.dataset, DATASETS),
    noise: numberIn('noise', merged.noise, 0, 2),
    hidden: [...hidden],
    activation: oneOf('activation', merged.activation, ACTIVATIONS),
    optimizer: oneOf('optimizer', merged.optimizer, OPTIMIZERS),
    lr: numberIn('lr', merged.lr, 0, 10, { openLo: true }),
    batchSize: numberIn('batchSize', merged.batchSize, 0, 10000, { integer: true }),
    points: numberIn('points', merged.points, 10, 5000, { integer: true }),
    testFraction: numberIn('testFraction', merged.testFraction, 0.05, 0.9),
    seed: numberIn('seed', merged.seed, 0, 2 ** 31 - 1, { integer: true }),
  };
}
