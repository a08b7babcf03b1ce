/**
 * PyTorch-saved LeNet checkpoints (fixtures/pytorch/lenet.py, PyTorch 1.13) load strictly into the same
 * architecture built from tapegrad modules and reproduce PyTorch's eval-mode logits to float32 precision;
 * a BatchNorm model saved by tapegrad writes `num_batches_tracked` as I64, as PyTorch does (issue 12).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Tensor } from '@tapegrad/core';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, type Module } from '@tapegrad/nn';
import { decodeSafetensors } from '@tapegrad/core';
import { load, save } from '../../src/io/checkpoint';

const FIXTURES = path.join(__dirname, '../../../../fixtures/pytorch');

function lenet(bn: boolean): Sequential {
  const layers: Module[] = [new Conv2d(1, 8, 3, { padding: 1 }), ...(bn ? [new BatchNorm2d(8)] : []), new ReLU(), new MaxPool2d(2),
    new Conv2d(8, 16, 3, { padding: 1 }), ...(bn ? [new BatchNorm2d(16)] : []), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(784, 10)];
  return new Sequential(...layers);
}

function fixture(name: string): { state: Record<string, Tensor>; input: Tensor; output: Tensor; keys: string[] } {
  const { input, output, ...state } = load(path.join(FIXTURES, `${name}.safetensors`));
  // The file's header lists the tensors in PyTorch's state_dict() order (the writer keeps it).
  const bytes = fs.readFileSync(path.join(FIXTURES, `${name}.safetensors`));
  const headerLen = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, unknown>;
  const keys = Object.keys(header).filter((k) => k !== '__metadata__' && k !== 'input' && k !== 'output');
  return { state, input, output, keys };
}

const maxAbsDiff = (a: Tensor, b: Tensor): number => a.sub(b).abs().max().item();

describe.each([['lenet', false], ['lenet-bn', true]] as const)('fixtures/pytorch/%s.safetensors', (name, bn) => {
  const f = fixture(name);

  test("stateDict() keys are PyTorch's, in PyTorch's order", () => {
    expect(Object.keys(lenet(bn).stateDict())).toEqual(f.keys);
  });

  test("loads strictly and reproduces PyTorch's eval-mode logits to float32 precision", () => {
    const m = lenet(bn);
    const r = m.loadStateDict(f.state);
    expect(r).toEqual({ missingKeys: [], unexpectedKeys: [] });
    m.eval();
    const y = m.forward(f.input);
    expect(y.shape).toEqual([4, 10]);
    expect(y.dtype).toBe('float32');
    // float32 precision: a few ulps of the largest logit.
    expect(maxAbsDiff(y, f.output)).toBeLessThan(4e-6 * Math.max(1, f.output.abs().max().item()));
    expect(Array.from(f.output.argmax(1).dataSync())).toEqual([3, 1, 4, 1]); // the classes of the fixture's images
    expect(Array.from(y.argmax(1).dataSync())).toEqual(Array.from(f.output.argmax(1).dataSync()));
    if (bn) {
      // Trained 40 steps in PyTorch: the counters and running statistics came across.
      expect((m.get(1) as BatchNorm2d).num_batches_tracked?.item()).toBe(40);
      expect(maxAbsDiff((m.get(5) as BatchNorm2d).running_var as Tensor, f.state['5.running_var'])).toBe(0);
    }
  });
});

test('saving a tapegrad BatchNorm model writes num_batches_tracked as I64, as PyTorch does', () => {
  const m = lenet(true);
  m.loadStateDict(fixture('lenet-bn').state);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-bn-')), 'bn.safetensors');
  save(m.stateDict(), file);
  const bytes = new Uint8Array(fs.readFileSync(file));
  const headerLen = Number(Buffer.from(bytes).readBigUInt64LE(0));
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLen)).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  expect(header['1.num_batches_tracked'].dtype).toBe('I64');
  expect(header['1.num_batches_tracked'].shape).toEqual([]);
  const [b] = header['1.num_batches_tracked'].data_offsets;
  expect(Buffer.from(bytes).readBigInt64LE(8 + headerLen + b)).toBe(40n);
  // ... and reads back as the int32 buffer.
  const back = decodeSafetensors(bytes);
  expect(back.tensors['5.num_batches_tracked'].dtype).toBe('int32');
  expect(Array.from(back.tensors['5.num_batches_tracked'].data)).toEqual([40]);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});
