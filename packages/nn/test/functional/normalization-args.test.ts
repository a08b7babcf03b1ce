/**
 * F.batchNorm / F.layerNorm / F.groupNorm / F.instanceNorm take PyTorch's positional arguments
 * (F.batch_norm(x, running_mean, running_var, weight, bias, training, momentum, eps), ...) as well as one
 * options object; each positional value must change the result exactly as its option does, unknown option
 * keys are errors (they used to be ignored silently, so F.layerNorm(x, [6], w, b) dropped w and b).
 */
import { Tensor, randn, zeros, ones, Generator } from '@tapegrad/core';
import { F } from '@tapegrad/nn';

const g = new Generator(12);
const f64 = { dtype: 'float64' as const, generator: g };
const x = randn([3, 2, 4], f64);
const w = randn([2], f64), b = randn([2], f64);
const same = (a: Tensor, c: Tensor): void => {
  expect(a.shape).toEqual(c.shape);
  expect(Array.from(a.dataSync())).toEqual(Array.from(c.dataSync()));
};
const differs = (a: Tensor, c: Tensor): boolean => Array.from(a.dataSync()).some((v, i) => v !== c.dataSync()[i]);

describe("PyTorch's positional arguments", () => {
  test('batchNorm(x, rm, rv, weight, bias, training, momentum, eps)', () => {
    const rm1 = zeros([2], { dtype: 'float64' }), rv1 = ones([2], { dtype: 'float64' });
    const rm2 = zeros([2], { dtype: 'float64' }), rv2 = ones([2], { dtype: 'float64' });
    const y1 = F.batchNorm(x, rm1, rv1, w, b, true, 0.3, 1e-3);
    const y2 = F.batchNorm(x, rm2, rv2, { weight: w, bias: b, training: true, momentum: 0.3, eps: 1e-3 });
    same(y1, y2);
    same(rm1, rm2);
    same(rv1, rv2);
    expect(differs(y1, F.batchNorm(x, null, null, { training: true }))).toBe(true); // weight and bias were used
    same(F.batchNorm(x, rm1, rv1, null, null, false), F.batchNorm(x, rm1, rv1)); // eval with the running stats
  });
  test('layerNorm(x, shape, weight, bias, eps) and groupNorm(x, numGroups, weight, bias, eps)', () => {
    const wl = randn([4], f64), bl = randn([4], f64);
    same(F.layerNorm(x, [4], wl, bl, 1e-2), F.layerNorm(x, [4], { weight: wl, bias: bl, eps: 1e-2 }));
    expect(differs(F.layerNorm(x, [4], wl, bl), F.layerNorm(x, [4]))).toBe(true);
    same(F.groupNorm(x, 2, w, b, 1e-2), F.groupNorm(x, 2, { weight: w, bias: b, eps: 1e-2 }));
    same(F.groupNorm(x, 1, null, b), F.groupNorm(x, 1, { bias: b }));
  });
  test('instanceNorm(x, rm, rv, weight, bias, useInputStats, momentum, eps)', () => {
    const rm1 = zeros([2], { dtype: 'float64' }), rv1 = ones([2], { dtype: 'float64' });
    const rm2 = zeros([2], { dtype: 'float64' }), rv2 = ones([2], { dtype: 'float64' });
    same(F.instanceNorm(x, rm1, rv1, w, b, true, 0.4, 1e-3), F.instanceNorm(x, rm2, rv2, { weight: w, bias: b, useInputStats: true, momentum: 0.4, eps: 1e-3 }));
    same(rm1, rm2);
    same(F.instanceNorm(x, rm1, rv1, null, null, false), F.instanceNorm(x, rm2, rv2, { useInputStats: false }));
  });
  test('unknown keys, wrong positional types and a value given twice are errors', () => {
    expect(() => F.batchNorm(x, null, null, { train: true } as never)).toThrow(/batchNorm: unknown option 'train'/);
    expect(() => F.layerNorm(x, [4], { elementwiseAffine: false } as never)).toThrow(/layerNorm: unknown option 'elementwiseAffine'/);
    expect(() => F.groupNorm(x, 2, 1e-3 as never)).toThrow('groupNorm: argument 3 (weight) must be a Tensor or null, got number 0.001');
    expect(() => F.batchNorm(x, null, null, w, b, true, 0.1, 1e-5, { eps: 1e-3 } as never)).toThrow(/batchNorm: got multiple values for argument 'eps'/);
  });
});
