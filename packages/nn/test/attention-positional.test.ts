/**
 * MultiheadAttention.forward with torch's positional arguments, forward(query, key, value, keyPaddingMask,
 * needWeights, attnMask, averageAttnWeights), against PyTorch 1.13 (fixtures/pytorch/conform8/mha_positional.py).
 */
import * as fs from 'fs';
import * as path from 'path';
import { tensor, noGrad, type Tensor } from '@tapegrad/core';
import { MultiheadAttention } from '../src';

type Nested = number[] | Nested[];
interface Call { out: Nested; weights: Nested | null }
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../fixtures/pytorch/conform8/mha-positional.json'), 'utf8')) as {
  state: Record<string, Nested>; q: Nested; kv: Nested; kpm: boolean[][]; am: number[][]; calls: Record<string, Call>;
};

const d = { dtype: 'float64' } as const;
const mha = new MultiheadAttention(8, 2, d);
mha.loadStateDict(Object.fromEntries(Object.entries(ref.state).map(([k, v]) => [k, tensor(v, d)])));
const q = tensor(ref.q, d), kv = tensor(ref.kv, d);
const kpm = tensor(ref.kpm, { dtype: 'bool' }), am = tensor(ref.am, d);

function expectNear(t: Tensor, want: Nested): void {
  const got = t.toArray() as Nested;
  const flat = (x: Nested): number[] => (x as unknown[]).flatMap((v) => (Array.isArray(v) ? flat(v as Nested) : [v as number]));
  const g = flat(got), w = flat(want);
  expect(t.shape.reduce((a, b) => a * b, 1)).toBe(w.length);
  g.forEach((v, i) => expect(Math.abs(v - w[i])).toBeLessThan(1e-12));
}

const calls: Record<string, () => [Tensor, Tensor | null]> = {
  'q, k, v': () => mha.call(q, kv, kv),
  'q, k, v, kpm': () => mha.call(q, kv, kv, kpm),
  'q, k, v, kpm, False': () => mha.call(q, kv, kv, kpm, false),
  'q, k, v, None, True, am': () => mha.call(q, kv, kv, null, true, am),
  'q, k, v, kpm, True, am, False': () => mha.call(q, kv, kv, kpm, true, am, false),
  'q, k, v, kpm, need_weights=True, attn_mask=am': () => mha.call(q, kv, kv, kpm, { needWeights: true, attnMask: am }),
};

describe('MultiheadAttention.forward: torch\'s positional arguments', () => {
  test.each(Object.keys(ref.calls))('mha(%s) equals torch', (name) => {
    const [out, w] = noGrad(calls[name]);
    expectNear(out, ref.calls[name].out);
    if (ref.calls[name].weights === null) expect(w).toBeNull();
    else expectNear(w!, ref.calls[name].weights!);
  });

  it('the positional form and the options form are the same call', () => {
    const [a, wa] = mha.forward(q, kv, kv, kpm, true, am, false);
    const [b, wb] = mha.forward(q, kv, kv, { keyPaddingMask: kpm, attnMask: am, averageAttnWeights: false });
    expect(a.toArray()).toEqual(b.toArray());
    expect(wa!.toArray()).toEqual(wb!.toArray());
    expect(wa!.shape).toEqual([2, 2, 3, 4]); // per head: averageAttnWeights false
  });

  it('names misplaced, mistyped or repeated arguments', () => {
    const name = 'MultiheadAttention(8, 2).forward';
    expect(() => mha.forward(q, kv, kv, kpm, 'yes' as never)).toThrow(`${name}: argument 5 (needWeights) must be a boolean, got the string 'yes'`);
    expect(() => mha.forward(q, kv, kv, true as never)).toThrow(`${name}: argument 4 (keyPaddingMask) must be a Tensor or null, got boolean true`);
    expect(() => mha.forward(q, kv, kv, kpm, { keyPaddingMask: kpm })).toThrow(/got multiple values for argument 'keyPaddingMask'/);
    expect(() => mha.forward(q, kv, kv, kpm, true, am, false, true as never)).toThrow(/takes at most 4 positional arguments/);
    expect(() => mha.forward(q, kv, kv, { attn_mask: am } as never)).toThrow(/attn_mask/);
    expect(() => mha.forward(q, kv, kv, { needWeights: 1 } as never)).toThrow(`${name}: needWeights must be a boolean, got number 1`);
  });
});
