/** PyTorch-saved recurrent checkpoints (fixtures/pytorch/make_rnn_fixtures.py) load strictly and reproduce PyTorch. */
import * as fs from 'fs';
import * as path from 'path';
import { Tensor, tensor } from '@tapegrad/core';
import { LSTM, GRU } from '@tapegrad/nn';
import { load } from '../../src/io/checkpoint';

const FIXTURES = path.resolve(__dirname, '../../../../fixtures/pytorch');
type Ref = Record<string, { shape: number[]; data: number[] }> & { keys: string[] };
const ref = (name: string): Ref => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
const t = (r: { shape: number[]; data: number[] }): Tensor => tensor(r.data, { dtype: 'float32' }).reshape(r.shape);
function expectNear(got: Tensor, want: { shape: number[]; data: number[] }): void {
  expect(got.shape).toEqual(want.shape);
  const g = got.dataSync();
  const worst = want.data.reduce((m, v, i) => Math.max(m, Math.abs(g[i] - v)), 0);
  expect(worst).toBeLessThan(2e-6);
}

describe('PyTorch recurrent checkpoints', () => {
  it('a 2-layer LSTM with projSize: strict load, same keys in order, same eval outputs', () => {
    const r = ref('lstm-2x-proj');
    const m = new LSTM(5, 8, { numLayers: 2, projSize: 3, batchFirst: true });
    expect(Object.keys(m.stateDict())).toEqual(r.keys);
    const sd = load(path.join(FIXTURES, 'lstm-2x-proj.safetensors'));
    expect(m.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    m.eval();
    const [out, [h, c]] = m.call(t(r.input), [t(r.h0), t(r.c0)]);
    expectNear(out, r.output);
    expectNear(h, r.hN);
    expectNear(c, r.cN);
  });

  it('a bidirectional 2-layer GRU: strict load, same keys in order, same eval outputs', () => {
    const r = ref('gru-bidir');
    const m = new GRU(4, 6, { numLayers: 2, bidirectional: true });
    expect(Object.keys(m.stateDict())).toEqual(r.keys);
    m.loadStateDict(load(path.join(FIXTURES, 'gru-bidir.safetensors')));
    const [out, h] = m.eval().call(t(r.input));
    expectNear(out, r.output);
    expectNear(h, r.hN);
  });

  it('a configuration that differs from the checkpoint is refused by the strict load', () => {
    const sd = load(path.join(FIXTURES, 'gru-bidir.safetensors'));
    expect(() => new GRU(4, 6, { numLayers: 2 }).loadStateDict(sd)).toThrow(/Unexpected key\(s\) in state_dict: "weight_ih_l0_reverse"/);
  });
});
