/**
 * The inputs users get wrong, for layers, losses, optimizers and loaders, many of them generated with
 * fast-check: each must throw a specific error (naming the function and what was expected), never return
 * a NaN or a wrong shape. (Core ops have their own suite in packages/core/test/errors.test.ts.)
 */
import fc from 'fast-check';
import { tensor, randn, zeros, Tensor, nn, optim, data } from 'tapegrad';

let tried = 0;
/** Runs `f` and expects it to throw an error whose message matches every pattern. */
function rejects(f: () => unknown, ...patterns: RegExp[]): void {
  tried++;
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(Error);
  for (const p of patterns) expect((err as Error).message).toMatch(p);
}

const F = nn.functional;
const runs = { numRuns: 40 };

describe('layers', () => {
  it('Linear names expected and got feature sizes for any wrong input width', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 4 }),
      (inF, outF, wrong, n) => {
        fc.pre(wrong !== inF);
        const layer = new nn.Linear(inF, outF);
        rejects(() => layer.forward(zeros([n, wrong])), new RegExp(String(inF)), new RegExp(String(wrong)));
      }), runs);
  });

  it('BatchNorm1d and LayerNorm reject a mismatched feature size', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), (c, wrong) => {
      fc.pre(c !== wrong);
      rejects(() => new nn.BatchNorm1d(c).forward(zeros([4, wrong])), new RegExp(String(c)));
      rejects(() => new nn.LayerNorm([c]).forward(zeros([4, wrong])), new RegExp(String(c)));
    }), runs);
  });

  it('invalid layer hyper-parameters', () => {
    rejects(() => new nn.Dropout(1.5), /dropout|Dropout/i, /1\.5/);
    rejects(() => new nn.Dropout(-0.1), /-0\.1/);
    rejects(() => new nn.Linear(0.5, 3));
    rejects(() => new nn.Linear(-1, 3));
    rejects(() => new nn.Embedding(10, 3).forward(tensor([10], { dtype: 'int32' })), /10/);
    rejects(() => new nn.Embedding(10, 3).forward(tensor([1.5])), /int/i);
  });

  it('loadStateDict with wrong shapes lists them and changes nothing', () => {
    const m = new nn.Sequential(new nn.Linear(3, 2));
    const before = m.stateDict()['0.weight'].dataSync();
    rejects(() => m.loadStateDict({ '0.weight': zeros([5, 5]), '0.bias': zeros([2]) }), /0\.weight/, /\[5, 5\]|5, 5/);
    expect(m.stateDict()['0.weight'].dataSync()).toEqual(before);
  });
});

describe('losses', () => {
  it('non-broadcastable input/target shapes name both shapes', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 }), (a, b) => {
      fc.pre(a !== b);
      for (const loss of [F.mseLoss, F.l1Loss, F.huberLoss]) rejects(() => loss(zeros([3, a]), zeros([3, b])), new RegExp(String(a)), new RegExp(String(b)));
    }), runs);
  });

  it('crossEntropy / nllLoss: a class index out of range is named', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 20 }), (c, bad) => {
      fc.pre(bad >= c);
      rejects(() => F.crossEntropy(randn([2, c]), tensor([0, bad], { dtype: 'int32' })), new RegExp(String(bad)));
      rejects(() => F.nllLoss(randn([2, c]), tensor([bad, 0], { dtype: 'int32' })), new RegExp(String(bad)));
    }), runs);
    rejects(() => F.crossEntropy(randn([2, 3]), tensor([0, -2], { dtype: 'int32' })), /-2/);
  });

  it('crossEntropy: wrong target shape or dtype', () => {
    rejects(() => F.crossEntropy(randn([4, 3]), tensor([0, 1], { dtype: 'int32' })), /4/);
    rejects(() => F.crossEntropy(randn([4, 3]), randn([4, 5])), /\[4, 5\]|4, 5/);
    rejects(() => F.nllLoss(randn([4, 3]), tensor([0.5, 1, 1, 1])), /int|float|dtype/i);
  });

  it('binaryCrossEntropy needs probabilities in [0, 1]', () => {
    rejects(() => F.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1.0, 0.0])), /between 0 and 1|\[0, 1\]/);
    rejects(() => F.binaryCrossEntropy(tensor([0.5, NaN]), tensor([1.0, 0.0])));
  });

  it('an unknown reduction is rejected', () => {
    rejects(() => F.mseLoss(zeros([2]), zeros([2]), { reduction: 'avg' as 'mean' }), /avg/);
  });
});

describe('optimizers', () => {
  const ctors: [string, (p: Tensor[], o: Record<string, unknown>) => unknown][] = [
    ['SGD', (p, o) => new optim.SGD(p, { lr: 0.1, ...o })],
    ['Adam', (p, o) => new optim.Adam(p, o)],
    ['AdamW', (p, o) => new optim.AdamW(p, o)],
    ['RMSprop', (p, o) => new optim.RMSprop(p, o)],
    ['Adagrad', (p, o) => new optim.Adagrad(p, o)],
  ];
  const param = (): Tensor => zeros([2]).requiresGrad_();

  it.each(ctors)('%s rejects non-finite and negative learning rates and weight decay', (name, make) => {
    fc.assert(fc.property(fc.oneof(fc.double({ max: -1e-12, noNaN: true }), fc.constant(NaN), fc.constant(-Infinity)), (lr) => {
      rejects(() => make([param()], { lr }), /learning rate|lr/i);
    }), runs);
    rejects(() => make([param()], { weightDecay: -0.1 }), /weight.?decay/i);
  });

  it.each(ctors)('%s rejects an empty or duplicated parameter list', (_name, make) => {
    rejects(() => make([], {}), /empty/);
    const p = param();
    rejects(() => make([p, p], {}), /more than once|duplicate|appear/i);
  });

  it('Adam rejects betas outside [0, 1) and a negative eps', () => {
    fc.assert(fc.property(fc.oneof(fc.double({ min: 1, max: 10, noNaN: true }), fc.double({ max: -1e-9, noNaN: true })), (b) => {
      rejects(() => new optim.Adam([param()], { betas: [b, 0.999] }), /beta/i);
      rejects(() => new optim.Adam([param()], { betas: [0.9, b] }), /beta/i);
    }), runs);
    rejects(() => new optim.Adam([param()], { eps: -1 }), /eps/i);
  });

  it('SGD: nesterov needs momentum and no dampening; negative momentum', () => {
    rejects(() => new optim.SGD([param()], { lr: 0.1, nesterov: true }), /nesterov/i);
    rejects(() => new optim.SGD([param()], { lr: 0.1, momentum: -0.5 }), /momentum/i);
  });
});

describe('data loaders', () => {
  it('DataLoader rejects batch sizes that are not positive integers', () => {
    const ds = new data.TensorDataset(zeros([5, 2]));
    fc.assert(fc.property(fc.oneof(fc.integer({ max: 0 }), fc.double({ noNaN: true }).filter((v) => !Number.isInteger(v)), fc.constant(NaN)), (bs) => {
      rejects(() => new data.DataLoader(ds, { batchSize: bs }), /batch.?size/i);
    }), runs);
  });

  it('TensorDataset rejects tensors with different first sizes, naming them', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), (a, b) => {
      fc.pre(a !== b);
      rejects(() => new data.TensorDataset(zeros([a, 2]), zeros([b])), new RegExp(String(a)), new RegExp(String(b)));
    }), runs);
  });

  it('randomSplit rejects lengths that do not add up', () => {
    const ds = new data.TensorDataset(zeros([10, 1]));
    fc.assert(fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), (a, b) => {
      fc.pre(a + b !== 10 && a + b !== 1); // [1, 0] and [0, 1] are fractions (PyTorch >= 1.13): a valid split
      rejects(() => data.randomSplit(ds, [a, b]), /10/);
    }), runs);
  });

  it('index out of range on a dataset', () => {
    const ds = new data.TensorDataset(zeros([3, 1]));
    rejects(() => ds.getItem(3), /3/);
  });
});

afterAll(() => {
  // The README's reliability section quotes this count.
  console.log(`bad-input suite (nn, optim, data): ${tried} bad inputs tried, each rejected with a specific error`);
});
