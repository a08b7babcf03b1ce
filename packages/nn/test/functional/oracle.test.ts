/**
 * The oracle's "loss" and "module" cases (fixtures/oracle/public.json, PyTorch 1.13 float64) run the way
 * the lead's harness calls them: `F.<op>(input, target, { reduction, ...args })`, and the MLP through
 * F.linear / F.relu / F.tanh / F.crossEntropy. Values and every gradient within 1e-9·max(1, |want|).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { tensor, Tensor } from '@tapegrad/core';
import { F } from '@tapegrad/nn';
import { expectClose } from '../helpers';

interface OT { shape: number[]; data: number[] }
interface Case {
  id: string;
  kind: string;
  op: string;
  args: Record<string, unknown>;
  inputs: (OT & { requiresGrad: boolean; dtype?: string })[];
  output: OT;
  upstream: OT | null;
  grads: (OT | null)[];
}

const file = join(__dirname, '../../../../fixtures/oracle/public.json');
const cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: Case[] }).cases.filter((c) => c.kind === 'loss' || c.kind === 'module');

type LossFn = (i: Tensor, t: Tensor, o: Record<string, unknown>) => Tensor;
const acts: Record<string, (x: Tensor) => Tensor> = { relu: F.relu, tanh: F.tanh, sigmoid: F.sigmoid };

function close(got: Tensor, want: OT): void {
  expect(got.shape).toEqual(want.shape);
  const scale = Math.max(1, ...want.data.map(Math.abs));
  expectClose(got, want.data.map((v) => v), 1e-9 * scale);
}

describe('oracle loss and module cases', () => {
  it('has the expected cases', () => {
    expect(cases.filter((c) => c.kind === 'loss').length).toBeGreaterThanOrEqual(28);
    expect(cases.filter((c) => c.kind === 'module').length).toBeGreaterThanOrEqual(2);
  });
  for (const c of cases) {
    it(c.id, () => {
      const xs = c.inputs.map((x) =>
        tensor(x.data, { dtype: x.dtype === 'int64' ? 'int32' : 'float64' }).reshape(x.shape).requiresGrad_(x.requiresGrad),
      );
      let out: Tensor;
      if (c.kind === 'loss') {
        const { reduction, ...rest } = c.args;
        out = ((F as unknown as Record<string, LossFn>)[c.op])(xs[0], xs[1], { reduction, ...rest });
      } else {
        const y = xs[xs.length - 1];
        let h = xs[0];
        const layers = (xs.length - 2) / 2;
        const names = c.args.activations as string[];
        for (let l = 0; l < layers; l++) {
          h = F.linear(h, xs[1 + 2 * l], xs[2 + 2 * l]);
          if (l < layers - 1) h = acts[names[l]](h);
        }
        out = F.crossEntropy(h, y, { reduction: c.args.reduction as 'mean' });
      }
      close(out, c.output);
      if (c.upstream) out.backward(tensor(c.upstream.data, { dtype: 'float64' }).reshape(c.upstream.shape));
      c.grads.forEach((g, i) => {
        if (g) close(xs[i].grad as Tensor, g);
      });
    });
  }
});
