/**
 * F.softmax / F.logSoftmax / F.softmin pass PyTorch's `dtype=` through to core (a float32 input computed
 * in float64, an integer input as float32), with gradients back in the input's dtype; nn.Softmin.
 * Values from PyTorch 1.13 (fixtures/pytorch/softmax-dtype.json, written by fixtures/pytorch/softmax_dtype.py).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { tensor } from '@tapegrad/core';
import { F, Softmin, Softmax, LogSoftmax } from '@tapegrad/nn';
import { expectClose } from '../helpers';

interface Case { fn: 'softmax' | 'log_softmax' | 'softmin'; dim: number; dtype: 'float32' | 'float64'; int?: boolean; y: number[][]; yDtype: string; grad?: number[][]; gradDtype?: string }
const REF = JSON.parse(readFileSync(join(__dirname, '../../../../fixtures/pytorch/softmax-dtype.json'), 'utf8')) as {
  x: number[][]; cases: Case[]; softminModule: { repr: string; y: number[][] }; softminImplicit: number[][];
};
const FN = { softmax: F.softmax, log_softmax: F.logSoftmax, softmin: F.softmin };

describe('softmax-like functionals with the dtype option, as PyTorch 1.13', () => {
  test.each(REF.cases.map((c) => [`${c.fn} dim ${c.dim} dtype ${c.dtype}${c.int ? ' (int input)' : ''}`, c] as const))('%s', (_, c) => {
    const x = c.int ? tensor(REF.x, { dtype: 'int32' }) : tensor(REF.x, { dtype: 'float32' }).requiresGrad_();
    // Both call forms: the dim positionally with options after it, and everything in one object.
    for (const y of [FN[c.fn](x, c.dim, { dtype: c.dtype }), FN[c.fn](x, { dim: c.dim, dtype: c.dtype })]) {
      expect(y.dtype).toBe(c.yDtype);
      expectClose(y, c.y, c.yDtype === 'float64' ? 1e-14 : 1e-6);
    }
    if (c.grad) {
      FN[c.fn](x, c.dim, { dtype: c.dtype }).select(1, 0).sum().backward();
      expect(x.grad!.dtype).toBe(c.gradDtype);
      expectClose(x.grad, c.grad, 1e-6);
    }
  });

  test('nn.Softmin and the implicit dim of F.softmin', () => {
    const m = new Softmin(1);
    expect(m.toString()).toBe(REF.softminModule.repr);
    expectClose(m.forward(tensor(REF.x, { dtype: 'float64' })), REF.softminModule.y, 1e-14);
    expectClose(F.softmin(tensor(REF.x, { dtype: 'float64' })), REF.softminImplicit, 1e-14);
  });

  test('bad options are refused, naming the function', () => {
    const x = tensor(REF.x);
    expect(() => F.softmax(x, 1, { dim: 0 } as never)).toThrow(/softmax: unknown option 'dim'|softmax.*dim/);
    expect(() => F.softmin(x, { dim: 1, dtype: 'int32' })).toThrow(/floating/);
    expect(() => F.logSoftmax(x, { dim: 1 }, { dtype: 'float64' })).toThrow(/logSoftmax: give the options in one object/);
    // The modules take only dim, as PyTorch's.
    expect(() => new Softmax({ dim: 1, dtype: 'float64' } as never)).toThrow(/Softmax/);
    expect(() => new LogSoftmax({ dim: 1, dtype: 'float64' } as never)).toThrow(/LogSoftmax/);
  });
});
