/**
 * Optimizer trajectories against PyTorch 1.13 (fixtures/torch-issue14.json, written by
 * fixtures/torch-issue14.py): ASGD, Rprop, Adadelta, Adamax, NAdam, RAdam, and `amsgrad` / `maximize`
 * on the existing optimizers, six steps with fixed gradients, parameters and state after every step.
 * float64 to 1e-12 (relative to the values' scale); float32 within float32 rounding (PyTorch rounds every
 * intermediate to float32, tapegrad only the stored values).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, tensor, setKernelBackend } from '@tapegrad/core';
import * as optim from '@tapegrad/optim';

interface StepCase {
  optimizer: string; dtype: 'float64' | 'float32'; options: Record<string, unknown>;
  steps: Record<string, number[] | number>[];
}
const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'torch-issue14.json'), 'utf8')) as {
  x0: number[]; shape: number[]; grads: number[][]; steps: StepCase[];
};

type Ctor = new (params: Tensor[], opts: Record<string, unknown>) => optim.Optimizer;

function close(actual: number[], expected: number[], rel: number, what: string): void {
  const scale = Math.max(1, ...expected.map(Math.abs));
  actual.forEach((v, i) => {
    if (!(Math.abs(v - expected[i]) <= rel * scale)) throw new Error(`${what}[${i}] = ${v}, PyTorch ${expected[i]} (tolerance ${rel * scale})`);
  });
}

afterEach(() => setKernelBackend('auto'));

describe('optimizer trajectories against PyTorch 1.13', () => {
  it('covers the new optimizers and amsgrad / maximize on the existing ones, in both dtypes', () => {
    const names = new Set(ref.steps.map((c) => c.optimizer));
    for (const n of ['ASGD', 'Rprop', 'Adam', 'AdamW', 'SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'NAdam', 'RAdam']) expect(names.has(n)).toBe(true);
    expect(ref.steps.filter((c) => c.options.amsgrad).length).toBeGreaterThanOrEqual(3);
    expect(ref.steps.filter((c) => c.options.maximize).length).toBeGreaterThanOrEqual(8);
  });

  for (const backend of ['auto', 'js'] as const) {
    for (const c of ref.steps) {
      it(`${backend}: ${c.optimizer} ${JSON.stringify(c.options)} ${c.dtype}`, () => {
        setKernelBackend(backend);
        const p = tensor(ref.x0, { dtype: c.dtype }).reshape(ref.shape).detach().requiresGrad_(true);
        const Opt = (optim as unknown as Record<string, Ctor>)[c.optimizer];
        const opt = new Opt([p], c.options);
        const rel = c.dtype === 'float64' ? 1e-12 : 1e-5;
        ref.grads.forEach((g, k) => {
          p.grad = tensor(g, { dtype: c.dtype }).reshape(ref.shape);
          opt.step();
          const want = c.steps[k];
          close(Array.from(p.dataSync()), want.x as number[], rel, `step ${k + 1} x`);
          const st = opt.state.get(p)!;
          for (const [key, v] of Object.entries(want)) {
            if (key === 'x') continue;
            const got = st[key];
            if (typeof v === 'number') close([got as number], [v], rel, `step ${k + 1} ${key}`);
            else close(Array.from((got as Tensor).dataSync()), v, rel, `step ${k + 1} ${key}`);
          }
        });
      });
    }
  }
});
