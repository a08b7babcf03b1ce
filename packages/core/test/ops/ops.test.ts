/**
 * Drives gradcheck and gradgradcheck over every sample of every entry in the OpInfo registry, checks
 * piecewise-constant ops have exactly-zero gradients, and fails listing any exported op the registry forgot.
 */
import * as core from '@tapegrad/core';
import { Generator, gradcheck, gradgradcheck, manualSeed, tensor } from '@tapegrad/core';
import { OPS, PIECEWISE_CONSTANT, NON_DIFFERENTIABLE, NOT_OPS, seedOf, arg } from './opinfo';

const cases = OPS.flatMap((op) => op.samples(new Generator(seedOf(op.name))).map((sm) => ({ op, sm })));

describe('OpInfo registry: gradcheck', () => {
  test.each(cases.map(({ op, sm }) => [op.name, sm.desc, op, sm] as const))('%s — %s', (_n, _d, op, sm) => {
    const report = gradcheck(sm.f, sm.inputs, op.tol);
    expect(report.ok).toBe(true);
    expect(report.inputs.length).toBe(sm.inputs.filter((x) => x.requiresGrad).length);
  });
});

describe('OpInfo registry: gradgradcheck', () => {
  test.each(cases.map(({ op, sm }) => [op.name, sm.desc, op, sm] as const))('%s — %s', (_n, _d, op, sm) => {
    manualSeed(seedOf(sm.desc));
    const report = gradgradcheck(sm.f, sm.inputs, op.tol);
    expect(report.ok).toBe(true);
  });
});

describe('piecewise-constant ops have a gradient of exactly zero', () => {
  test.each(PIECEWISE_CONSTANT)('%s', (_name, f) => {
    const x = arg(new Generator(3), [2, 3]);
    const y = f(x);
    expect(y.requiresGrad).toBe(true); // recorded, so the chain rule passes through them
    y.mul(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' })).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    // Also composed with other ops and at their discontinuities.
    const z = tensor([-1, -0.5, 0, 0.5, 1, 2.5], { dtype: 'float64', requiresGrad: true });
    f(z).add(z.mul(3)).sum().backward();
    expect(Array.from(z.grad!.dataSync())).toEqual([3, 3, 3, 3, 3, 3]);
  });
});

describe('registry coverage', () => {
  const exported = Object.keys(core).filter((k) => typeof (core as Record<string, unknown>)[k] === 'function' || typeof (core as Record<string, unknown>)[k] === 'object');
  const covered = new Set([...OPS.flatMap((o) => o.covers), ...PIECEWISE_CONSTANT.map(([n]) => n), ...NON_DIFFERENTIABLE, ...NOT_OPS]);

  test('every op exported from @tapegrad/core is in the registry (or classified as not differentiable)', () => {
    const missing = exported.filter((k) => !covered.has(k)).sort();
    expect(missing).toEqual([]);
  });

  test('every name the registry claims to cover is really exported', () => {
    const stale = [...covered].filter((k) => !(k in core)).sort();
    expect(stale).toEqual([]);
  });

  test('the registry has at least one sample for each entry, and inputs are float64', () => {
    for (const { sm } of cases) for (const x of sm.inputs) expect(x.dtype).toBe('float64');
    for (const op of OPS) expect(op.samples(new Generator(1)).length).toBeGreaterThan(0);
    // eslint-disable-next-line no-console
    console.log(`OpInfo: ${OPS.length} entries, ${cases.length} samples, each gradchecked and gradgradchecked`);
  });
});
