import { helpText, parseArgs, parseLayerSizes, parseDataset, UsageError, DEFAULT_LR, type TrainArgs, type SweepArgs, type EvalArgs } from '../../src/cli/args';
import { main } from '../../src/cli/main';
import { captureIO } from './helpers';

/** Runs main() and returns exit code and output; for commands that fail before doing any work. */
function run(...argv: string[]) {
  const io = captureIO();
  const code = main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('tapegrad argument parsing', () => {
  test('train defaults: digits, 784-128-10 relu, SGD lr 0.05 momentum 0.9, batch 64, 10 epochs, seed 0', () => {
    const a = parseArgs(['train']) as TrainArgs;
    expect(a.command).toBe('train');
    expect(a.config).toMatchObject({
      dataset: { kind: 'digits' }, hidden: [128], activation: 'relu', optimizer: 'momentum', lr: 0.05, momentum: 0.9,
      schedule: 'constant', epochs: 10, batchSize: 64, init: 'default', earlyStopping: null, seed: 0,
      powerWattsPerCore: 15, carbonIntensity: 475, limit: null,
    });
    expect(a.out).toBeNull();
    expect(a.json).toBe(false);
  });

  test('every train flag, in both --flag value and --flag=value forms', () => {
    const a = parseArgs([
      'train', '--dataset=moons', '--hidden', '16,8', '--activation', 'tanh', '--optimizer=adam', '--lr', '3e-3',
      '--schedule', 'cosine', '--epochs', '7', '--batch-size', '32', '--init', 'xavier', '--early-stopping', '2',
      '--val-fraction', '0.2', '--seed', '5', '--out', '/tmp/x', '--json', '--power-watts-per-core', '10',
      '--carbon-intensity', '100', '--samples', '300', '--noise', '0.3', '--weight-decay', '0.001',
    ]) as TrainArgs;
    expect(a.config).toMatchObject({
      dataset: { kind: 'moons' }, hidden: [16, 8], activation: 'tanh', optimizer: 'adam', lr: 0.003, momentum: 0,
      schedule: 'cosine', epochs: 7, batchSize: 32, init: 'xavier', earlyStopping: 2, valFraction: 0.2, seed: 5,
      powerWattsPerCore: 10, carbonIntensity: 100, samples: 300, noise: 0.3, weightDecay: 0.001,
    });
    expect(a.out).toBe('/tmp/x');
    expect(a.json).toBe(true);
  });

  test("--hidden '' is a linear model; lists and mnist-dir paths parse", () => {
    expect((parseArgs(['train', '--hidden', '']) as TrainArgs).config.hidden).toEqual([]);
    expect(parseLayerSizes('hidden', ' 256, 128 ,64')).toEqual([256, 128, 64]);
    expect(parseLayerSizes('hidden-sizes', '64x32', 'x')).toEqual([64, 32]);
    expect(parseDataset('mnist-dir=/data/mnist=v1')).toEqual({ kind: 'mnist-dir', path: '/data/mnist=v1' });
    expect((parseArgs(['train', '--dataset', 'mnist-dir=data']) as TrainArgs).config.dataset).toEqual({ kind: 'mnist-dir', path: 'data' });
  });

  test('the learning rate defaults to PyTorch\'s per optimizer; 2-D sets train 100 epochs by default', () => {
    for (const o of ['sgd', 'momentum', 'adam', 'adamw', 'rmsprop', 'adagrad'] as const) {
      expect((parseArgs(['train', '--optimizer', o]) as TrainArgs).config.lr).toBe(DEFAULT_LR[o]);
    }
    expect(DEFAULT_LR.adam).toBe(0.001);
    expect((parseArgs(['train', '--optimizer', 'sgd']) as TrainArgs).config.momentum).toBe(0);
    expect((parseArgs(['train', '--optimizer', 'adamw']) as TrainArgs).config.weightDecay).toBe(0.01);
    expect((parseArgs(['train', '--dataset', 'xor']) as TrainArgs).config.epochs).toBe(100);
    expect((parseArgs(['train', '--dataset', 'xor', '--epochs', '4']) as TrainArgs).config.epochs).toBe(4);
  });

  test('sweep grid: single sizes, NxM for two layers, 0 for none; 3 epochs by default', () => {
    const s = parseArgs(['sweep', '--hidden-sizes', '32,64x32,0', '--lrs', '0.01,0.1']) as SweepArgs;
    expect(s.hiddenSizes).toEqual([[32], [64, 32], []]);
    expect(s.lrs).toEqual([0.01, 0.1]);
    expect(s.base.epochs).toBe(3);
    const d = parseArgs(['sweep']) as SweepArgs;
    expect(d.hiddenSizes).toEqual([[32], [128]]);
    expect(d.lrs).toEqual([0.01, 0.05, 0.1]);
  });

  test('eval needs --model; its dataset defaults to the checkpoint\'s', () => {
    const e = parseArgs(['eval', '--model', 'm.safetensors']) as EvalArgs;
    expect(e).toMatchObject({ command: 'eval', model: 'm.safetensors', dataset: null, batchSize: 500 });
    const r = run('eval');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--model PATH is required/);
  });

  test('--help prints the options of each command and exits 0', () => {
    for (const [argv, must] of [
      [['--help'], ['tapegrad train', 'tapegrad eval', 'tapegrad sweep']],
      [['help'], ['tapegrad train']],
      [['train', '--help'], ['--dataset', '--hidden', '--activation', '--optimizer', '--lr', '--schedule', '--epochs', '--batch-size', '--init', '--early-stopping', '--seed', '--out', '--json', '--power-watts-per-core', '--carbon-intensity', 'leaky-relu', 'mnist-dir=PATH', 'rmsprop', 'cosine', 'kaiming']],
      [['train', '-h'], ['Usage: tapegrad train']],
      [['help', 'eval'], ['--model PATH']],
      [['sweep', '--help'], ['--hidden-sizes', '--lrs', '64x32']],
    ] as [string[], string[]][]) {
      const r = run(...argv);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      for (const m of must) expect(r.out).toContain(m);
    }
    expect(helpText('train')).toContain('475');
  });

  test('no command: usage on stderr, exit 2', () => {
    const r = run();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing command/);
    expect(r.err).toContain('tapegrad train');
  });

  test('unknown command and unknown flag: named, pointed to --help, exit 2', () => {
    let r = run('trian');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command 'trian' \(did you mean 'train'\?\)/);
    r = run('train', '--foo', '3');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--foo'/);
    expect(r.err).toMatch(/tapegrad train --help/);
    expect(r.out).toBe('');
    r = run('train', '--optimiser', 'adam');
    expect(r.err).toMatch(/unknown option '--optimiser' \(did you mean '--optimizer'\?\)/);
    r = run('sweep', '--lr', '0.1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--lr' \(a sweep takes --lrs instead\)/);
    r = run('train', 'extra');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unexpected argument 'extra'/);
  });

  test.each([
    [['--lr', '-1'], /--lr: expected a number > 0, got -1/],
    [['--lr', '0'], /--lr: expected a number > 0, got 0/],
    [['--lr', 'fast'], /--lr: expected a number > 0, got 'fast'/],
    [['--epochs', '0'], /--epochs: expected a whole number >= 1, got 0/],
    [['--epochs', '2.5'], /--epochs: expected a whole number >= 1, got 2.5/],
    [['--batch-size', '-64'], /--batch-size: expected a whole number >= 1, got -64/],
    [['--hidden', 'abc'], /--hidden: layer sizes must be whole numbers >= 1 separated by ',', got 'abc'/],
    [['--hidden', '128,,64'], /--hidden: .*\(empty entry\)/],
    [['--hidden', '0'], /--hidden: layer sizes must be whole numbers >= 1/],
    [['--dataset', 'cifar'], /--dataset: unknown dataset 'cifar'; choose digits, mnist-dir=PATH, blobs, circles, moons, xor/],
    [['--dataset', 'moon'], /did you mean 'moons'/],
    [['--dataset', 'mnist-dir'], /mnist-dir needs a folder/],
    [['--optimizer', 'sparseadam'], /--optimizer: unknown optimizer 'sparseadam'; choose one of sgd, momentum, adam, adamw, rmsprop, adagrad, adadelta, adamax, nadam, radam, asgd, rprop, lbfgs/],
    [['--activation', 'softsign'], /--activation: unknown activation 'softsign'; choose one of relu, sigmoid, tanh, leaky-relu, elu/],
    [['--schedule', 'linear'], /--schedule: unknown schedule 'linear'.*onecycle, cyclic, warm-restarts, polynomial, warmup, multiplicative, warmup-exponential/],
    [['--init', 'orthogonal'], /--init: unknown init 'orthogonal'/],
    [['--seed', '-3'], /--seed: expected a whole number >= 0, got -3/],
    [['--early-stopping', '0'], /--early-stopping: expected a whole number >= 1, got 0/],
    [['--momentum', '0.5', '--optimizer', 'adam'], /--momentum: the adam optimizer has no momentum/],
    [['--momentum', '1'], /--momentum: expected a number in \[0, 1\), got 1/],
    [['--carbon-intensity', '-5'], /--carbon-intensity: expected a number >= 0, got -5/],
    [['--power-watts-per-core', 'x'], /--power-watts-per-core: expected a number >= 0, got 'x'/],
    [['--val-fraction', '0.2'], /--val-fraction only applies with --early-stopping/],
    [['--samples', '100'], /--samples only applies to the 2-D data sets/],
    [['--lr'], /--lr needs a value/],
    [['--lr', '0.1', '--lr', '0.2'], /--lr given twice/],
    [['--json=yes'], /--json takes no value/],
    [['--name', 'a/b'], /--name: expected a folder name without slashes/],
  ])('train %j -> exit 2 with a specific message', (flags, message) => {
    const r = run('train', ...flags);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.out).toBe('');
  });

  test('bad sweep grids', () => {
    expect(run('sweep', '--hidden-sizes', '32,abc').err).toMatch(/--hidden-sizes: layer sizes must be whole numbers >= 1 separated by 'x', got 'abc'/);
    expect(run('sweep', '--lrs', '0.1,-2').err).toMatch(/--lrs: learning rates must be > 0, got -2/);
    expect(run('sweep', '--lrs', '').code).toBe(2);
    expect(run('sweep', '--hidden-sizes', '').err).toMatch(/--hidden-sizes: expected a comma-separated list/);
  });

  test('whole numbers beyond 2^53 - 1 are refused, not rounded (1e20 and 1e20 + 1 would be one seed)', () => {
    expect((parseArgs(['train', '--seed', '9007199254740991']) as TrainArgs).config.seed).toBe(9007199254740991);
    expect(run('train', '--seed', '1e20').err).toMatch(/--seed: 1e20 is too large; expected a whole number <= 9007199254740991/);
    expect(run('train', '--epochs', '9007199254740993').code).toBe(2);
    expect(run('train', '--hidden', '128,99999999999999999999').err).toMatch(/--hidden: 99999999999999999999 is too large/);
    expect(run('sweep', '--hidden-sizes', '99999999999999999999').err).toMatch(/--hidden-sizes: 99999999999999999999 is too large/);
  });

  test('parseArgs throws UsageError with exit code 2', () => {
    expect(() => parseArgs(['train', '--epochs', '0'])).toThrow(UsageError);
    try {
      parseArgs(['train', '--epochs', '0']);
    } catch (e) {
      expect((e as UsageError).exitCode).toBe(2);
    }
  });
});
