/** nn.Softmin / F.softmin and nn.Softmax2d against PyTorch 1.13 (fixtures/pytorch/nnmore7.json), defaults, repr and errors. */
import { tensor, randn, gradcheck } from '@tapegrad/core';
import { Softmin, Softmax2d, F } from '@tapegrad/nn';
import { checkCases } from './nnmore7.ref';
import { expectClose } from './helpers';

describe('Softmin', () => {
  checkCases('Softmin');
  test('softmax of −x; PyTorch\'s implicit dim; repr; F.softmin forms', () => {
    expect(new Softmin().dim).toBeUndefined();
    expect(new Softmin().toString()).toBe('Softmin(dim=None)');
    expect(new Softmin({ dim: 1 }).toString()).toBe('Softmin(dim=1)');
    const x = randn([2, 3], { dtype: 'float64' });
    expectClose(F.softmin(x, 1), F.softmax(x.neg(), 1).toArray(), 1e-15);
    expectClose(F.softmin(x, { dim: 0 }), F.softmax(x.neg(), 0).toArray(), 1e-15);
    expectClose(F.softmin(x), F.softmax(x.neg(), 1).toArray(), 1e-15); // 2-D: implicit dim 1
    expectClose(F.softmin(tensor([1, 2], { dtype: 'float64' }), 0), [0.7310585786300049, 0.2689414213699951], 1e-15);
  });
  test('errors', () => {
    expect(() => new Softmin({ axis: 1 } as never)).toThrow(/Softmin.*axis/);
    expect(() => new Softmin(0.5)).toThrow(/Softmin: dim must be an integer/);
    expect(() => F.softmin(randn([2]), { dims: 0 } as never)).toThrow(/softmin.*dims/);
    expect(() => F.softmin([1, 2] as never, 0)).toThrow(/softmin: expected a Tensor/);
    expect(() => new Softmin(2).call(randn([2, 3]))).toThrow(/dim/);
  });
  test('gradcheck in float64', () => {
    gradcheck((x) => F.softmin(x, -1), [randn([2, 3], { dtype: 'float64', requiresGrad: true })]);
  });
});

describe('Softmax2d', () => {
  checkCases('Softmax2d');
  test('channels sum to 1; takes no arguments; 3-D or 4-D only', () => {
    expectClose(new Softmax2d().call(randn([2, 3, 4, 4], { dtype: 'float64' })).sum(1), new Array(32).fill(1), 1e-14);
    expect(() => new (Softmax2d as unknown as new (a: number) => Softmax2d)(1)).toThrow(/Softmax2d: takes no arguments/);
    expect(() => new Softmax2d().call(randn([3, 4]))).toThrow(/Softmax2d: requires a 3-D \[C, H, W\] or 4-D \[N, C, H, W\] input, got shape \[3, 4\]/);
    expect(() => new Softmax2d().call(randn([1, 2, 3, 4, 5]))).toThrow(/Softmax2d/);
  });
});
