/**
 * nn.PReLU against PyTorch 1.13 (fixtures/pytorch/prelu.json, written by fixtures/pytorch/prelu.py):
 * positional (numParameters, init) and the options form, the one 'weight' state-dict key, values and
 * input/weight gradients for 0-d to 3-d inputs and an empty layer, the printed grad_fn, and the refusals.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { tensor, ones, Tensor } from '@tapegrad/core';
import { PReLU, F } from '@tapegrad/nn';
import { expectClose } from './helpers';

interface Case { args: number[]; options: { numParameters?: number; init?: number }; weight: number[]; stateDictKeys: string[]; x: unknown; y: unknown; gx: unknown; gw: number[]; gradFn: string }
const REF = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/pytorch/prelu.json'), 'utf8')) as { cases: Case[]; errors: { name: string; error: string | null }[] };
const D = { dtype: 'float64' as const };

describe('nn.PReLU, as PyTorch 1.13', () => {
  test.each(REF.cases.map((c) => [`PReLU(${c.args.join(', ')}${Object.keys(c.options).length ? JSON.stringify(c.options) : ''}) on ${JSON.stringify(c.x)}`, c] as const))('%s', (_, c) => {
    const m = c.args.length === 2 ? new PReLU(c.args[0], c.args[1], D) : c.args.length === 1 ? new PReLU(c.args[0], D) : new PReLU({ ...c.options, ...D });
    expect(m.weight.toArray()).toEqual(c.weight);
    expect(Object.keys(m.stateDict())).toEqual(c.stateDictKeys);
    const x = tensor(c.x as number[], D).requiresGrad_();
    const y = m.forward(x);
    expect(y.shape).toEqual(x.shape);
    expectClose(y, c.y, 1e-15);
    expect(/grad_fn=<(\w+)>/.exec(y.toString())?.[1]).toBe(c.gradFn);
    y.sum().backward();
    expectClose(x.grad, c.gx, 1e-15);
    expectClose(m.weight.grad, c.gw, 1e-15);
  });

  const CALLS: Record<string, () => Tensor> = {
    'PReLU(3) on [3, 2]': () => new PReLU(3).forward(ones([3, 2])),
    'PReLU(3) on [3]': () => new PReLU(3).forward(ones([3])),
    'PReLU(3) on 0-d': () => new PReLU(3).forward(ones([])),
    'prelu with a [3, 1] weight': () => F.prelu(ones([2, 3]), ones([3, 1])),
  };
  test.each(REF.errors.map((e) => [e.name, e] as const))('%s is refused', (name, e) => {
    expect(e.error).not.toBeNull();
    expect(CALLS[name]).toThrow(/^prelu: .*(channel size|0-d input|1-D tensor)/);
  });

  test('snake_case keys are refused with the camelCase name suggested', () => {
    expect(() => new PReLU({ num_parameters: 2 } as never)).toThrow(/did you mean 'numParameters'/);
  });
});
