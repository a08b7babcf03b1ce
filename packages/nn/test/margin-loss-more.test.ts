/**
 * nn.MultiLabelMarginLoss / F.multilabelMarginLoss and nn.TripletMarginWithDistanceLoss /
 * F.tripletMarginWithDistanceLoss against PyTorch 1.13 (fixtures/pytorch/nnmore7.json), options and errors.
 */
import { tensor, randn, gradcheck, Tensor } from '@tapegrad/core';
import { MultiLabelMarginLoss, TripletMarginWithDistanceLoss, PairwiseDistance, F, Module } from '@tapegrad/nn';
import { checkCases } from './nnmore7.ref';
import { expectClose } from './helpers';

describe('MultiLabelMarginLoss', () => {
  checkCases('MultiLabelMarginLoss', { intInputs: [1] }); // the last case has a hinge exactly at 0: gradient 0 there
  test('PyTorch\'s documented example; functional form; repr; no state', () => {
    const l = F.multilabelMarginLoss(tensor([[0.1, 0.2, 0.4, 0.8]], { dtype: 'float64' }), tensor([[3, 0, -1, 1]], { dtype: 'int32' }));
    expectClose(l, [0.85], 1e-15);
    expect(new MultiLabelMarginLoss().toString()).toBe('MultiLabelMarginLoss()');
    expect(new MultiLabelMarginLoss({ reduction: 'sum' }).reduction).toBe('sum');
    expect(Object.keys(new MultiLabelMarginLoss().stateDict())).toEqual([]);
  });
  test('errors', () => {
    const x = randn([2, 4]);
    const t = tensor([[0, 1, -1, 0], [1, -1, 0, 0]], { dtype: 'int32' });
    expect(() => F.multilabelMarginLoss(x, tensor([[0, 5, -1, 0], [1, -1, 0, 0]], { dtype: 'int32' }))).toThrow(/multilabelMarginLoss: target 5 \(at row 0, position 1\) is out of range: expected a class in \[0, 4\) or -1/);
    expect(() => F.multilabelMarginLoss(x, tensor([[0, 1, -1]], { dtype: 'int32' }))).toThrow(/multilabelMarginLoss: target must have the input's shape \[2, 4\]/);
    expect(() => F.multilabelMarginLoss(x, t.to('float32'))).toThrow(/multilabelMarginLoss: expected int32 class indices/);
    expect(() => F.multilabelMarginLoss(randn([2, 3, 4]), t)).toThrow(/Expected non-empty vector or matrix/);
    expect(() => F.multilabelMarginLoss(x, t, { reduction: 'avg' as never })).toThrow(/'avg' is not a valid value for reduction/);
    expect(() => new MultiLabelMarginLoss({ sizeAverage: true } as never)).toThrow(/MultiLabelMarginLoss.*sizeAverage/);
    expect(() => new (MultiLabelMarginLoss as unknown as new (...a: unknown[]) => Module)(null, null, 'sum')).toThrow(/deprecated positional size_average/);
  });
  test('gradcheck in float64', () => {
    const t = tensor([[2, 0, -1, 1], [3, -1, 0, 0]], { dtype: 'int32' });
    gradcheck((x) => F.multilabelMarginLoss(x, t, { reduction: 'none' }), [randn([2, 4], { dtype: 'float64', requiresGrad: true })]);
  });
});

describe('TripletMarginWithDistanceLoss', () => {
  checkCases('TripletMarginWithDistanceLoss', {
    make: ([o]) => {
      const opts = { ...((o ?? {}) as Record<string, unknown>) };
      if (opts.distanceFunction === 'PairwiseDistance(1)') opts.distanceFunction = new PairwiseDistance(1);
      if (opts.distanceFunction === 'cosine') opts.distanceFunction = (a: Tensor, b: Tensor) => F.cosineSimilarity(a, b).neg().add(1);
      return new TripletMarginWithDistanceLoss(opts);
    },
  });
  test('defaults, the distance_function child module and repr as PyTorch', () => {
    const l = new TripletMarginWithDistanceLoss();
    expect([l.margin, l.swap, l.reduction]).toEqual([1, false, 'mean']);
    expect(l.distance_function).toBeInstanceOf(PairwiseDistance);
    expect([...l.namedModules()].map(([k]) => k)).toEqual(['', 'distance_function']);
    expect(Object.keys(l.stateDict())).toEqual([]);
    expect(l.toString()).toBe('TripletMarginWithDistanceLoss(\n  (distance_function): PairwiseDistance()\n)');
    const withFn = new TripletMarginWithDistanceLoss({ distanceFunction: (a, b) => a.sub(b).abs().sum(-1) });
    expect([...withFn.namedModules()].map(([k]) => k)).toEqual(['']);
    const [a, p, n] = [randn([3, 4], { dtype: 'float64' }), randn([3, 4], { dtype: 'float64' }), randn([3, 4], { dtype: 'float64' })];
    expectClose(withFn.call(a, p, n), F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: new PairwiseDistance(1, 0) }).toArray(), 1e-14);
    expectClose(l.call(a, p, n), F.tripletMarginLoss(a, p, n).toArray(), 1e-14);
  });
  test('errors', () => {
    const a = randn([3, 4]);
    expect(() => new TripletMarginWithDistanceLoss({ distance_function: null } as never)).toThrow(/TripletMarginWithDistanceLoss.*distance_function/);
    expect(() => new TripletMarginWithDistanceLoss({ distanceFunction: 3 as never })).toThrow(/distanceFunction must be a function or a Module/);
    expect(() => new TripletMarginWithDistanceLoss({ margin: '1' as never })).toThrow(/margin must be a number/);
    expect(() => F.tripletMarginWithDistanceLoss(a, a, a, { distanceFunction: () => 1 as never })).toThrow(/distanceFunction must return a Tensor, got number/);
    expect(() => F.tripletMarginWithDistanceLoss(a, a, [1] as never)).toThrow(/tripletMarginWithDistanceLoss: negative must be a Tensor/);
    expect(() => (F.tripletMarginWithDistanceLoss as (...x: unknown[]) => Tensor)(a, a, a, {}, 2)).toThrow(/keyword-only/);
    expect(() => new TripletMarginWithDistanceLoss({ reduction: 'x' as never })).toThrow(/'x' is not a valid value for reduction/);
  });
  test('gradcheck in float64 (swap)', () => {
    const mk = () => randn([3, 4], { dtype: 'float64', requiresGrad: true });
    gradcheck((a, p, n) => F.tripletMarginWithDistanceLoss(a, p, n, { swap: true, margin: 3, reduction: 'sum' }), [mk(), mk(), mk()]);
  });
});
