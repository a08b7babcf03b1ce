/**
 * Interoperability: a safetensors file written by PyTorch's conventions (weight [out, in], little-endian
 * float32, keys `0.weight`, `2.bias`) loads into the equivalent nn.Sequential and reproduces PyTorch's output.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { load, tensor, nn, noGrad } from 'tapegrad';

const dir = join(__dirname, '../../../../fixtures/pytorch');
const expected = JSON.parse(readFileSync(join(dir, 'sequential-4-8-3.json'), 'utf8')) as {
  input: { shape: number[]; data: number[] };
  output: { shape: number[]; data: number[] };
};

describe('PyTorch safetensors fixture', () => {
  it('loads strictly into Sequential(Linear(4, 8), ReLU(), Linear(8, 3)) and gives the same outputs', () => {
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
    const sd = load(join(dir, 'sequential-4-8-3.safetensors'));
    expect(Object.keys(sd).sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
    model.loadStateDict(sd); // strict: every key present, every shape right
    model.eval();
    const x = tensor(expected.input.data, { dtype: 'float32' }).reshape(expected.input.shape);
    const y = noGrad(() => model.forward(x));
    expect(y.shape).toEqual(expected.output.shape);
    const got = y.dataSync();
    expected.output.data.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-5 * Math.max(1, Math.abs(v))));
  });

  it('refuses the fixture for a model of another shape, naming the mismatches', () => {
    const wrong = new nn.Sequential(new nn.Linear(4, 5), new nn.ReLU(), new nn.Linear(5, 3));
    expect(() => wrong.loadStateDict(load(join(dir, 'sequential-4-8-3.safetensors')))).toThrow(/0\.weight/);
  });
});
