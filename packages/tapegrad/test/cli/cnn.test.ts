/**
 * `--model cnn` (issue 12): parsing, the LeNet architecture and its metadata, and a short CNN run through
 * main() with its checkpoint evaluated again; `sweep --models mlp,cnn`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { manualSeed, zeros } from '@tapegrad/core';
import { parseArgs, type SweepArgs, type TrainArgs } from '../../src/cli/args';
import { main } from '../../src/cli/main';
import {
  buildModel, checkWeights, cnnArchitecture, describeArchitecture, expectedShapes, META_ARCHITECTURE, parameterCount,
  parseArchitecture, type CnnArchitecture,
} from '../../src/cli/model';
import { loadWithMetadata } from '../../src/io/checkpoint';
import type { Metrics } from '../../src/cli/train';
import type { EvalReport } from '../../src/cli/eval';
import type { SweepReport } from '../../src/cli/sweep';
import { captureIO } from './helpers';

const lenet: CnnArchitecture = { kind: 'cnn', inputSize: 784, imageShape: [1, 28, 28], channels: [8, 16], outputSize: 10, activation: 'relu' };

function run(argv: string[]) {
  const io = captureIO();
  const code = main(argv, io);
  return { code, out: io.out(), err: io.err() };
}
const readJson = <T>(p: string): T => JSON.parse(fs.readFileSync(p, 'utf8')) as T;

describe('parsing --model and --models', () => {
  test('train: mlp by default, cnn on request', () => {
    expect((parseArgs(['train']) as TrainArgs).config.model).toBe('mlp');
    expect((parseArgs(['train', '--model', 'cnn']) as TrainArgs).config).toMatchObject({ model: 'cnn', batchSize: 64, lr: 0.05, momentum: 0.9, epochs: 10 });
    expect((parseArgs(['train', '--model=mlp', '--hidden', '64']) as TrainArgs).config).toMatchObject({ model: 'mlp', hidden: [64] });
  });

  test('bad uses name the flag', () => {
    const err = (argv: string[]) => {
      const r = run(argv);
      expect(r.code).toBe(2);
      return r.err;
    };
    expect(err(['train', '--model', 'cnm'])).toMatch(/--model: unknown model 'cnm' \(did you mean 'cnn'\?\); choose one of mlp, cnn/);
    expect(err(['train', '--model', 'cnn', '--hidden', '32'])).toMatch(/--hidden only applies to --model mlp/);
    expect(err(['train', '--model', 'cnn', '--dataset', 'moons'])).toMatch(/--model cnn needs image data .*not the 2-D set moons/);
    expect(err(['sweep', '--model', 'cnn'])).toMatch(/a sweep takes --models instead/);
    expect(err(['sweep', '--models', 'mlp,rnn'])).toMatch(/--models: unknown model 'rnn'/);
    expect(err(['sweep', '--models', 'cnn,cnn'])).toMatch(/--models: each model once/);
    expect(err(['sweep', '--models', 'cnn', '--hidden-sizes', '32'])).toMatch(/--hidden-sizes only applies when --models includes mlp/);
  });

  test('sweep: mlp only by default; mlp,cnn compares both', () => {
    expect((parseArgs(['sweep']) as SweepArgs).models).toEqual(['mlp']);
    expect((parseArgs(['sweep', '--models', 'mlp, cnn']) as SweepArgs).models).toEqual(['mlp', 'cnn']);
  });

  test('help lists them', () => {
    expect(run(['train', '--help']).out).toContain('--model NAME');
    expect(run(['sweep', '--help']).out).toContain('--models LIST');
  });
});

describe('the CNN architecture', () => {
  test("LeNet: PyTorch's keys and shapes, 9,098 parameters (8·9+8 + 16·8·9+16 + 784·10+10)", () => {
    manualSeed(0);
    const m = buildModel(lenet);
    expect(parameterCount(lenet)).toBe(9098);
    expect(m.numParameters()).toBe(9098);
    const sd = m.stateDict();
    expect(Object.keys(sd)).toEqual(['0.weight', '0.bias', '3.weight', '3.bias', '7.weight', '7.bias']);
    expect([...expectedShapes(lenet)]).toEqual(Object.entries(sd).map(([k, t]) => [k, t.shape]));
    expect(m.forward(zeros([2, 1, 28, 28])).shape).toEqual([2, 10]);
    expect(describeArchitecture(lenet)).toBe('CNN 1x28x28 conv8-conv16-10 (relu)');
    expect(() => checkWeights(lenet, sd, 'm')).not.toThrow();
    expect(() => checkWeights({ ...lenet, channels: [8, 32] }, sd, 'm')).toThrow(/tensor "3.weight" has shape \[16, 8, 3, 3\] but the declared architecture needs \[32, 8, 3, 3\]/);
  });

  test('sized from the flat input: square images only', () => {
    expect(cnnArchitecture(784, 10, 'relu', 'digits')).toEqual(lenet);
    expect(expectedShapes(cnnArchitecture(144, 3, 'tanh', 'x')).get('7.weight')).toEqual([3, 16 * 3 * 3]);
    expect(() => cnnArchitecture(2, 2, 'relu', 'moons')).toThrow(/--model cnn needs square images .*moons has 2 features/);
  });

  test('metadata round trip and validation', () => {
    expect(parseArchitecture(JSON.stringify(lenet), 'f')).toEqual(lenet);
    const mlp = { kind: 'mlp', inputSize: 784, hidden: [128], outputSize: 10, activation: 'relu' };
    expect(parseArchitecture(JSON.stringify(mlp), 'f')).toEqual(mlp);
    expect(() => parseArchitecture(JSON.stringify({ ...lenet, kind: 'rnn' }), 'f')).toThrow(/kind must be 'mlp' or 'cnn'/);
    expect(() => parseArchitecture(JSON.stringify({ ...lenet, imageShape: [1, 28, 27] }), 'f')).toThrow(/does not hold inputSize 784/);
    expect(() => parseArchitecture(JSON.stringify({ ...lenet, channels: [] }), 'f')).toThrow(/channels must be a non-empty list/);
    expect(() => parseArchitecture(JSON.stringify({ ...lenet, inputSize: 16, imageShape: [1, 4, 4], channels: [2, 2, 2] }), 'f')).toThrow(/3 pooling steps leave no pixels of a 4x4 image/);
  });
});

describe('tapegrad train --model cnn, then eval', () => {
  let tmp = '';
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-cnn-'));
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a few batches: report, curves, checkpoint with the architecture, eval reproduces the accuracy', () => {
    const dir = path.join(tmp, 'cnn');
    const r = run(['train', '--model', 'cnn', '--limit', '192', '--test-limit', '100', '--epochs', '2', '--out', dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('model: CNN 1x28x28 conv8-conv16-10 (relu), 9,098 parameters');
    expect(r.out).toMatch(/epoch 2\/2 +train loss \d\.\d{4} acc \d+\.\d\d% +test loss/);
    const metrics = readJson<Metrics>(path.join(dir, 'metrics.json'));
    expect(metrics.config).toMatchObject({ model: 'cnn' });
    expect(metrics.model).toEqual({ architecture: lenet, description: 'CNN 1x28x28 conv8-conv16-10 (relu)', parameters: 9098 });
    expect(metrics.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(metrics.epochs[1].trainLoss).toBeLessThan(metrics.epochs[0].trainLoss);
    expect(fs.readFileSync(path.join(dir, 'curves.svg'), 'utf8')).toContain('CNN 1x28x28');

    const { tensors, metadata } = loadWithMetadata(path.join(dir, 'model.safetensors'));
    expect(JSON.parse(metadata[META_ARCHITECTURE])).toEqual(lenet);
    expect(metadata['tapegrad.format']).toBe('tapegrad-cli-cnn/1');
    expect(Object.keys(tensors).sort()).toEqual(['0.bias', '0.weight', '3.bias', '3.weight', '7.bias', '7.weight']);

    const e = run(['eval', '--model', path.join(dir, 'model.safetensors'), '--json']);
    expect(e.code).toBe(0);
    const rep = JSON.parse(e.out) as EvalReport;
    expect(rep.architecture).toEqual(lenet);
    expect(rep.testExamples).toBe(100);
    expect(rep.testAccuracy).toBe(metrics.final.testAccuracy);
    expect(rep.sameSplitAsRecorded).toBe(true);
  });

  test('sweep --models mlp,cnn: one MLP row per hidden size, one CNN row', () => {
    const dir = path.join(tmp, 'sweep');
    const r = run(['sweep', '--models', 'mlp,cnn', '--hidden-sizes', '16', '--lrs', '0.05', '--epochs', '1', '--limit', '128', '--test-limit', '50', '--out', dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/model +lr +params +test acc/);
    expect(r.out).toMatch(/^mlp 16 +0\.05 +12730 /m); // 785·16 + 17·10
    expect(r.out).toMatch(/^cnn +0\.05 +9098 /m);
    const rep = readJson<SweepReport>(path.join(dir, 'sweep.json'));
    expect(rep.grid.models).toEqual(['mlp', 'cnn']);
    expect(rep.runs.map((x) => [x.model, x.hidden, x.parameters])).toEqual([['mlp', [16], 12730], ['cnn', [], 9098]]);
    expect(fs.readFileSync(path.join(dir, 'sweep.svg'), 'utf8')).toContain('cnn');
  });
});
