/**
 * End-to-end runs of the CLI through main(): small subsets and few epochs, so the file runs in seconds.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tensor } from '@tapegrad/core';
import { encodeIdx } from '@tapegrad/data/node';
import { main } from '../../src/cli/main';
import { save, loadWithMetadata } from '../../src/io/checkpoint';
import type { Metrics } from '../../src/cli/train';
import type { EvalReport } from '../../src/cli/eval';
import type { SweepReport } from '../../src/cli/sweep';
import { captureIO, findAll, parseXml } from './helpers';

let tmp = '';
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-cli-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function run(argv: string[], tty = false) {
  const io = captureIO(tty);
  const code = main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const readJson = <T>(p: string): T => JSON.parse(fs.readFileSync(p, 'utf8')) as T;
const inUnit = (x: number) => typeof x === 'number' && x >= 0 && x <= 1;

describe('tapegrad train on a digits subset, then eval', () => {
  let dir = '';
  let metrics: Metrics;
  let stdout = '';

  beforeAll(() => {
    dir = path.join(tmp, 'digits');
    const r = run(['train', '--limit', '600', '--test-limit', '300', '--epochs', '2', '--hidden', '32', '--out', dir, '--carbon-intensity', '100', '--power-watts-per-core', '20']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    stdout = r.out;
    metrics = readJson<Metrics>(path.join(dir, 'metrics.json'));
  });

  test('prints progress, per-epoch metrics and the final report, without \\r when not a TTY', () => {
    expect(stdout).not.toMatch(/[\r\x1b]/);
    expect(stdout).toMatch(/epoch 1\/2 +10\/10 batches +loss \d\.\d{4} +\d+ ex\/s/);
    expect(stdout).toMatch(/epoch 2\/2 +train loss \d\.\d{4} acc \d+\.\d\d% +test loss \d\.\d{4} acc \d+\.\d\d% +lr 0\.05 +\d+\.\d\d s/);
    for (const s of ['Final report', 'test accuracy', 'best test accuracy', 'parameters          25,450', 'wall time', 'examples/s', 'Wh', 'g CO2', 'method: process CPU time', 'Confusion matrix']) {
      expect(stdout).toContain(s);
    }
  });

  test('metrics.json has the schema: config, 2 epochs, final figures in range', () => {
    expect(metrics.config).toMatchObject({ dataset: 'digits', hidden: [32], optimizer: 'momentum', lr: 0.05, epochs: 2, batchSize: 64, seed: 0 });
    expect(metrics.epochs).toHaveLength(2);
    metrics.epochs.forEach((e, i) => {
      expect(e.epoch).toBe(i + 1);
      for (const k of ['trainLoss', 'testLoss', 'seconds'] as const) expect(e[k]).toBeGreaterThan(0);
      expect(inUnit(e.trainAccuracy) && inUnit(e.testAccuracy)).toBe(true);
    });
    const f = metrics.final;
    expect(inUnit(f.testAccuracy) && inUnit(f.bestTestAccuracy)).toBe(true);
    expect(f.testAccuracy).toBe(metrics.epochs[1].testAccuracy);
    expect(f.bestTestAccuracy).toBe(Math.max(...metrics.epochs.map((e) => e.testAccuracy)));
    expect(f.testAccuracy).toBeGreaterThan(0.6); // 2 epochs on 600 digits: well above chance (0.1)
    expect(f.parameters).toBe(784 * 32 + 32 + 32 * 10 + 10);
    expect(f.wallSeconds).toBeGreaterThan(0);
    expect(f.examplesPerSecond).toBeGreaterThan(0);
    expect(f.examplesPerSecond).toBeCloseTo((2 * 600) / f.trainSeconds, 6);
    // Energy uses the overridden constants: Wh = CPU-s x 20 W / 3600; g = Wh / 1000 x 100.
    expect(f.powerWattsPerCore).toBe(20);
    expect(f.carbonIntensity).toBe(100);
    expect(f.energyWh).toBeCloseTo((f.cpuSeconds * 20) / 3600, 12);
    expect(f.co2Grams).toBeCloseTo((f.energyWh / 1000) * 100, 12);
    expect(f.method).toMatch(/20 W per busy core \(given\).*100 g CO2\/kWh \(given\)/);
  });

  test('confusion matrix is 10 x 10 and sums to the test set size; its diagonal is the accuracy', () => {
    const cm = metrics.final.confusionMatrix;
    expect(cm).toHaveLength(10);
    cm.forEach((row) => expect(row).toHaveLength(10));
    expect(cm.flat().reduce((a, b) => a + b, 0)).toBe(300);
    expect(metrics.data.testExamples).toBe(300);
    const diag = cm.reduce((a, row, i) => a + row[i], 0);
    expect(diag / 300).toBe(metrics.final.testAccuracy);
  });

  test('curves.svg is well-formed XML with an <svg> root and train/test curves of 2 points', () => {
    const root = parseXml(fs.readFileSync(path.join(dir, 'curves.svg'), 'utf8'));
    expect(root.name).toBe('svg');
    const series = Object.fromEntries(findAll(root, 'polyline').map((p) => [p.attrs['data-series'], p.attrs.points.split(' ').length]));
    expect(series).toEqual({ 'train-loss': 2, 'test-loss': 2, 'train-accuracy': 2, 'test-accuracy': 2 });
    expect(fs.existsSync(path.join(dir, 'boundary.svg'))).toBe(false);
  });

  test('model.safetensors carries the architecture; eval rebuilds it and reproduces the accuracy exactly', () => {
    const { metadata } = loadWithMetadata(path.join(dir, 'model.safetensors'));
    expect(JSON.parse(metadata['tapegrad.architecture'])).toEqual({ inputSize: 784, hidden: [32], outputSize: 10, activation: 'relu' });
    const r = run(['eval', '--model', path.join(dir, 'model.safetensors'), '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out) as EvalReport; // --json: stdout is exactly one JSON document
    expect(rep.testAccuracy).toBe(metrics.final.testAccuracy);
    expect(rep.recordedTestAccuracy).toBe(metrics.final.testAccuracy);
    expect(rep.testExamples).toBe(300);
    expect(rep.testLoss).toBeCloseTo(metrics.final.testLoss, 10);
    expect(rep.confusionMatrix).toEqual(metrics.final.confusionMatrix);
    const text = run(['eval', '--model', path.join(dir, 'model.safetensors')]);
    expect(text.out).toContain('matches the accuracy recorded at save time');
  });

  test('no temporary files are left in the run folder (atomic writes renamed into place)', () => {
    expect(fs.readdirSync(dir).sort()).toEqual(['curves.svg', 'metrics.json', 'model.safetensors']);
  });
});

describe('eval errors', () => {
  test('missing file, folder instead of file: exit 1 with the path', () => {
    let r = run(['eval', '--model', path.join(tmp, 'nope.safetensors')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/tapegrad eval: error: cannot read model ".*nope\.safetensors": no such file/);
    r = run(['eval', '--model', tmp]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is a folder/);
  });

  test('corrupted (truncated) checkpoint: exit 1, says it is not valid safetensors', () => {
    const dir = path.join(tmp, 'digits');
    const bytes = fs.readFileSync(path.join(dir, 'model.safetensors'));
    const bad = path.join(tmp, 'truncated.safetensors');
    fs.writeFileSync(bad, bytes.subarray(0, bytes.length - 1000));
    let r = run(['eval', '--model', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot read model: .*truncated\.safetensors.*not a valid safetensors file/);
    fs.writeFileSync(bad, 'hello, not a model');
    r = run(['eval', '--model', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not a valid safetensors file/);
  });

  test('weights of the wrong shape for the declared architecture: exit 1, names the tensor and both shapes', () => {
    const p = path.join(tmp, 'mismatch.safetensors');
    const arch = { inputSize: 784, hidden: [32], outputSize: 10, activation: 'relu' };
    const z = (shape: number[]) => tensor(new Float32Array(shape.reduce((a, b) => a * b, 1))).reshape(shape);
    save({ '0.weight': z([16, 784]), '0.bias': z([16]), '2.weight': z([10, 16]), '2.bias': z([10]) }, p, {
      metadata: { 'tapegrad.architecture': JSON.stringify(arch), 'tapegrad.data': JSON.stringify({ dataset: 'digits', seed: 0 }) },
    });
    const r = run(['eval', '--model', p]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/weights do not match the declared architecture MLP 784-32-10/);
    expect(r.err).toMatch(/tensor "0\.weight" has shape \[16, 784\] but the declared architecture needs \[32, 784\]/);
  });

  test('a safetensors file without the architecture metadata, and a model for another data set', () => {
    const p = path.join(tmp, 'plain.safetensors');
    save({ w: tensor([1, 2]) }, p);
    let r = run(['eval', '--model', p]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not a tapegrad CLI model/);
    r = run(['eval', '--model', path.join(tmp, 'digits', 'model.safetensors'), '--dataset', 'moons']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the model takes 784 inputs but moons has 2 features per example/);
  });
});

describe('2-D data set', () => {
  test('moons: writes boundary.svg (regions + points), eval agrees, --json prints only JSON', () => {
    const dir = path.join(tmp, 'moons');
    const r = run(['train', '--dataset', 'moons', '--samples', '200', '--epochs', '5', '--hidden', '8', '--out', dir, '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const m = JSON.parse(r.out) as Metrics; // the whole stdout is one JSON document
    expect(m.epochs).toHaveLength(5);
    expect(m.final.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(50);
    expect(m.files.boundary).toBe(path.join(dir, 'boundary.svg'));
    const root = parseXml(fs.readFileSync(path.join(dir, 'boundary.svg'), 'utf8'));
    expect(root.name).toBe('svg');
    const groups = Object.fromEntries(findAll(root, 'g').map((g) => [g.attrs.class, g.children.length]));
    expect(groups.regions).toBeGreaterThan(0);
    expect(groups.points).toBe(200);
    const e = run(['eval', '--model', path.join(dir, 'model.safetensors'), '--json']);
    expect((JSON.parse(e.out) as EvalReport).testAccuracy).toBe(m.final.testAccuracy);
  });

  test('early stopping holds out a validation set, records it, and keeps the best epoch', () => {
    const dir = path.join(tmp, 'es');
    // lr 2 overshoots, so the validation loss rises again well before 30 epochs
    const r = run(['train', '--dataset', 'blobs', '--samples', '200', '--epochs', '30', '--hidden', '8', '--lr', '2',
      '--early-stopping', '2', '--out', dir, '--json']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out) as Metrics;
    expect(m.data.valExamples).toBe(15); // 10% of the 150 training points
    expect(m.data.trainExamples).toBe(135);
    expect(m.epochs.every((e) => typeof e.valLoss === 'number' && inUnit(e.valAccuracy as number))).toBe(true);
    const bestVal = Math.min(...m.epochs.map((e) => e.valLoss as number));
    expect(m.epochs[m.final.keptEpoch - 1].valLoss).toBe(bestVal);
    // Patience 2: the run stops two epochs after its best one, neither of which beat it.
    expect(m.final.stoppedEarly).toBe(true);
    expect(m.epochs.length).toBeLessThan(30);
    expect(m.epochs).toHaveLength(m.final.keptEpoch + 2);
    for (const later of m.epochs.slice(m.final.keptEpoch)) expect(later.valLoss as number).toBeGreaterThanOrEqual(bestVal);
    expect(m.final.testAccuracy).toBe(m.epochs[m.final.keptEpoch - 1].testAccuracy);
    const e = run(['eval', '--model', path.join(dir, 'model.safetensors'), '--json']);
    expect((JSON.parse(e.out) as EvalReport).testAccuracy).toBe(m.final.testAccuracy);
  });
});

describe('tapegrad sweep', () => {
  test('a 2 x 2 grid writes sweep.json and sweep.svg and prints a table', () => {
    const dir = path.join(tmp, 'sweep');
    const r = run(['sweep', '--dataset', 'xor', '--samples', '120', '--hidden-sizes', '4,4x4', '--lrs', '0.05,0.2', '--epochs', '2', '--out', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/hidden +lr +params +test acc +best acc +seconds/);
    expect(r.out).toMatch(/^4x4 +0\.2 +42 +\d+\.\d\d% +\d+\.\d\d% +\d+\.\d\d$/m); // (2+1)*4 + (4+1)*4 + (4+1)*2 = 42 parameters
    const rep = readJson<SweepReport>(path.join(dir, 'sweep.json'));
    expect(rep.runs.map((x) => [x.hidden, x.lr])).toEqual([[[4], 0.05], [[4], 0.2], [[4, 4], 0.05], [[4, 4], 0.2]]);
    for (const x of rep.runs) {
      expect(inUnit(x.testAccuracy as number)).toBe(true);
      expect(x.seconds).toBeGreaterThan(0);
    }
    expect(rep.best).not.toBeNull();
    const root = parseXml(fs.readFileSync(path.join(dir, 'sweep.svg'), 'utf8'));
    expect(root.name).toBe('svg');
    expect(findAll(root, 'rect').filter((c) => c.attrs['data-value'] !== undefined)).toHaveLength(4);
  });
});

describe('mnist-dir', () => {
  test('reads the four IDX files of a folder; eval finds the same folder from the checkpoint', () => {
    // A tiny synthetic "MNIST": 40 train and 20 test images of 28 x 28; class k lights up row band k,
    // so the classes are learnable.
    const dir = path.join(tmp, 'idx');
    fs.mkdirSync(dir);
    const make = (n: number, prefix: string) => {
      const px = new Uint8Array(n * 784);
      const lb = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        lb[i] = i % 10;
        for (let c = 0; c < 28; c++) for (let r = 2 * lb[i]; r < 2 * lb[i] + 3; r++) px[i * 784 + r * 28 + c] = 255;
      }
      fs.writeFileSync(path.join(dir, `${prefix}-images-idx3-ubyte`), encodeIdx([n, 28, 28], px));
      fs.writeFileSync(path.join(dir, `${prefix}-labels-idx1-ubyte`), encodeIdx([n], lb));
    };
    make(40, 'train');
    make(20, 't10k');
    const out = path.join(tmp, 'idx-run');
    const r = run(['train', '--dataset', `mnist-dir=${dir}`, '--epochs', '3', '--hidden', '16', '--batch-size', '8', '--out', out, '--json']);
    expect(r.err).toBe('');
    const m = JSON.parse(r.out) as Metrics;
    expect(m.data).toMatchObject({ dataset: `mnist-dir=${dir}`, trainExamples: 40, testExamples: 20, inputSize: 784 });
    const e = run(['eval', '--model', path.join(out, 'model.safetensors'), '--json']);
    expect((JSON.parse(e.out) as EvalReport).testAccuracy).toBe(m.final.testAccuracy);
    const missing = run(['train', '--dataset', `mnist-dir=${path.join(tmp, 'none')}`, '--out', path.join(tmp, 'x')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/loadMnistDir: missing MNIST file/);
  });
});

describe('sweep --json', () => {
  test('stdout is exactly the sweep document', () => {
    const r = run(['sweep', '--dataset', 'circles', '--samples', '80', '--hidden-sizes', '0', '--lrs', '0.1', '--epochs', '1', '--out', path.join(tmp, 'sj'), '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out) as SweepReport;
    expect(rep.runs).toHaveLength(1);
    expect(rep.runs[0].hidden).toEqual([]);
    expect(rep.runs[0].parameters).toBe(6); // softmax regression on 2 inputs, 2 classes: (2 + 1) * 2
  });
});

describe('divergence (issue 6: never a silent NaN)', () => {
  test('train: a NaN/Infinity loss stops with exit 1 and says where; no checkpoint is written', () => {
    const out = path.join(tmp, 'diverge');
    const r = run(['train', '--dataset', 'xor', '--samples', '80', '--hidden', '8', '--optimizer', 'sgd', '--lr', '1e30', '--epochs', '2', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/training diverged: the loss became NaN\/Infinity at epoch \d+, batch \d+ \(lr 1e\+30\); try a smaller --lr/);
    expect(fs.existsSync(path.join(out, 'model.safetensors'))).toBe(false);
  });

  test('sweep: a diverging configuration is recorded as diverged; the others still run and the best is a finite one', () => {
    const dir = path.join(tmp, 'sweep-diverge');
    const r = run(['sweep', '--dataset', 'xor', '--samples', '80', '--hidden-sizes', '8', '--lrs', '0.1,1e30', '--epochs', '2', '--out', dir, '--json']);
    expect(r.code).toBe(0);
    const rep = readJson<SweepReport>(path.join(dir, 'sweep.json'));
    expect(rep.runs.map((x) => [x.lr, x.diverged, x.testAccuracy === null])).toEqual([[0.1, false, false], [1e30, true, true]]);
    expect(inUnit(rep.runs[0].testAccuracy as number)).toBe(true);
    expect(rep.best).toMatchObject({ lr: 0.1 });
  });
});
