/**
 * Issue 18 §3–§4: what a plain-JavaScript caller passes is never silently ignored, and the common
 * PyTorch-isms get an error that says what to write instead.
 */
import { tensor, zeros, ones, empty, full, rand, randn, randint, randperm, arange, linspace, eye, zerosLike, noGrad, Generator } from '@tapegrad/core';
import { expectThrowMessage } from './helpers/approx';

type Loose = (...args: unknown[]) => unknown;
const loose = (f: unknown): Loose => f as Loose;

describe("PyTorch's varargs sizes", () => {
  test.each([
    ['zeros', zeros], ['ones', ones], ['empty', empty], ['rand', rand], ['randn', randn],
  ] as const)('%s(2, 3) is %s([2, 3]), with or without options', (_name, f) => {
    const call = loose(f);
    expect((call(2, 3) as ReturnType<typeof zeros>).shape).toEqual([2, 3]);
    expect((call(4, 5, { dtype: 'float64' }) as ReturnType<typeof zeros>).shape).toEqual([4, 5]);
    expect((call(4, 5, { dtype: 'float64' }) as ReturnType<typeof zeros>).dtype).toBe('float64');
    expect((call([2, 3]) as ReturnType<typeof zeros>).shape).toEqual([2, 3]);
    expect((call(3) as ReturnType<typeof zeros>).shape).toEqual([3]);
  });

  test('a dtype string is accepted where the options go', () => {
    expect(randn([2, 3], 'float64').dtype).toBe('float64');
    expect(zeros(2, 'int32').dtype).toBe('int32');
    expect(tensor([1, 2], 'float64').dtype).toBe('float64');
    expectThrowMessage(() => randn([2], 'float16' as 'float32'), 'randn', 'float16');
  });

  test('the same draws whichever way the size is written', () => {
    expect(randn(2, 3, { generator: new Generator(4) }).toArray()).toEqual(randn([2, 3], { generator: new Generator(4) }).toArray());
  });

  test("randint(high, size) is PyTorch's short form of randint(0, high, size)", () => {
    const a = randint(10, [8], { generator: new Generator(2) });
    const b = randint(0, 10, [8], { generator: new Generator(2) });
    expect(a.shape).toEqual([8]);
    expect(a.toArray()).toEqual(b.toArray());
    expectThrowMessage(() => loose(randint)(0, 10), 'randint', 'missing the size');
  });

  test('errors name the function called, not the one it uses', () => {
    expectThrowMessage(() => zeros([2, -1]), 'zeros', '-1');
    expectThrowMessage(() => ones([1.5]), 'ones', '1.5');
    expectThrowMessage(() => loose(zeros)(), 'zeros', 'expected a size');
    expectThrowMessage(() => loose(zeros)('2'), 'zeros', "'2'");
    expectThrowMessage(() => loose(zerosLike)([1, 2]), 'zerosLike', 'Tensor');
  });
});

describe('missing and unknown arguments are errors', () => {
  test('full without a fill value', () => {
    expectThrowMessage(() => loose(full)([2, 3]), 'full', 'fill value', 'undefined');
    expectThrowMessage(() => loose(full)([2, 3], '1'), 'full', 'fill value');
  });

  test('unknown option keys, with a suggestion for snake_case and near misses', () => {
    expectThrowMessage(() => loose(tensor)([1, 2], { requires_grad: true }), 'tensor', "unknown option 'requires_grad'", "did you mean 'requiresGrad'");
    expectThrowMessage(() => loose(tensor)([1, 2], { dtyp: 'float64' }), 'tensor', "unknown option 'dtyp'", "did you mean 'dtype'");
    expectThrowMessage(() => loose(zeros)([2], { dtpye: 'int32' }), 'zeros', "did you mean 'dtype'");
    expectThrowMessage(() => loose(randn)([2], { seed: 1 }), 'randn', "unknown option 'seed'", 'generator');
    expectThrowMessage(() => loose(arange)(0, 3, 1, { requires_grad: true }), 'arange', 'requiresGrad');
    expectThrowMessage(() => loose(linspace)(0, 1, 3, { dtyp: 'float64' }), 'linspace', 'dtype');
    expectThrowMessage(() => loose(eye)(2, 2, { foo: 1 }), 'eye', "unknown option 'foo'");
    expectThrowMessage(() => loose(randperm)(3, { generater: new Generator(0) }), 'randperm', "did you mean 'generator'");
    expectThrowMessage(() => loose(tensor)([1], { requiresGrad: 'yes' }), 'tensor', 'requiresGrad must be a boolean');
  });

  test('wrong argument types name the argument', () => {
    expectThrowMessage(() => loose(arange)('5'), 'arange', 'start', "'5'");
    expectThrowMessage(() => loose(tensor)(undefined), 'tensor', 'undefined');
  });
});

describe('errors that say what to do', () => {
  test("x.sum({ dim: 1 }) is PyTorch's keyword form (x.sum(dim=1)), equal to the positional one; a misspelt key names sum", () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.sum({ dim: 1 }).toArray()).toEqual(x.sum(1).toArray());
    expect(x.sum({ dim: 1 }).shape).toEqual([2]);
    expect(x.mean({ dim: 1, keepdim: true }).toArray()).toEqual(x.mean(1, true).toArray());
    expect(x.mean({ dim: 1, keepdim: true }).shape).toEqual([2, 1]);
    expectThrowMessage(() => loose(x.sum.bind(x))({ dims: 1 }), 'sum', "unknown option 'dims'");
  });

  test('backward({ retainGraph: true }) says the options come second', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    expectThrowMessage(() => loose(y.backward.bind(y))({ retainGraph: true }), 'backward', 'backward(null, { retainGraph: true })');
    y.backward(null, { retainGraph: true });
    expect(x.grad!.toArray()).toEqual([2, 4]);
  });

  test('backward of a result computed under noGrad says grad mode was off', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => x.mul(2).sum());
    expectThrowMessage(() => y.backward(), 'backward', 'grad mode off', 'noGrad');
    expectThrowMessage(() => tensor([1]).sum().backward(), 'backward', 'does not require grad', 'requiresGrad');
  });

  test('index ops given float indices show { dtype: \'int32\' }', () => {
    const x = zeros(3, 2);
    expectThrowMessage(() => x.gather(0, tensor([[0, 1]])), 'gather', 'float32', "{ dtype: 'int32' }");
    expectThrowMessage(() => x.indexSelect(0, tensor([0, 2])), 'indexSelect', "{ dtype: 'int32' }");
    expectThrowMessage(() => tensor([0, 1]).oneHot(2), 'oneHot', "{ dtype: 'int32' }");
  });
});

describe('options after a size are checked like any other options', () => {
  test("zeros(2, 3, { requiresGrad: 'yes' }) is an error, as in tensor()", () => {
    expectThrowMessage(() => loose(zeros)(2, 3, { requiresGrad: 'yes' }), 'zeros', 'requiresGrad must be a boolean');
    expectThrowMessage(() => loose(randn)([2], { requiresGrad: 1 }), 'randn', 'requiresGrad must be a boolean');
  });
});
