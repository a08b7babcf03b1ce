/**
 * PyTorch's `inplace=True` on the activation and dropout modules (nn/src/inplace.ts): the result is
 * written into the input, which is returned; values and gradients equal the out-of-place module's; a
 * leaf that requires grad, or a tensor an earlier op saved for its backward, cannot be overwritten.
 */
import { Generator, randn, tensor, Tensor } from '@tapegrad/core';
import { Dropout, Dropout1d, Dropout2d, ELU, LeakyReLU, Module, ReLU, SiLU } from '@tapegrad/nn';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

/** Runs m on a non-leaf copy of a (float64) and returns the output, whether it is the input, and a's grad. */
function run(m: Module, a: Tensor): { out: number[]; same: boolean; grad: number[] } {
  const leaf = a.detach().requiresGrad_();
  const x = leaf.mul(1);
  const y = m.call(x) as Tensor;
  const out = values(y);
  y.mul(tensor([1, -2, 3, 0.5, -1, 2], { dtype: 'float64' }).reshape([2, 3])).sum().backward();
  return { out, same: y === x, grad: values(leaf.grad!) };
}

describe('inplace activations', () => {
  const a = tensor([[-1.5, 0.25, 2], [0, -0.75, 3]], { dtype: 'float64' });
  const cases: [string, () => Module, () => Module][] = [
    ['ReLU(true)', () => new ReLU(true), () => new ReLU()],
    ['ReLU({ inplace: true })', () => new ReLU({ inplace: true }), () => new ReLU()],
    ['LeakyReLU(0.2, true)', () => new LeakyReLU(0.2, true), () => new LeakyReLU(0.2)],
    ['LeakyReLU({ negativeSlope: 0.2, inplace: true })', () => new LeakyReLU({ negativeSlope: 0.2, inplace: true }), () => new LeakyReLU(0.2)],
    ['ELU(0.5, true)', () => new ELU(0.5, true), () => new ELU(0.5)],
    ['SiLU(true)', () => new SiLU(true), () => new SiLU()],
  ];
  it.each(cases)('%s writes into its input and gives the out-of-place values and gradients', (_name, inplace, plain) => {
    const got = run(inplace(), a), want = run(plain(), a);
    expect(got.same).toBe(true);
    expect(want.same).toBe(false);
    expect(got.out).toEqual(want.out);
    expect(got.grad).toEqual(want.grad);
  });

  it('the hand-derived values: relu and leaky relu of the same input', () => {
    expect(run(new ReLU(true), a).out).toEqual([0, 0.25, 2, 0, 0, 3]);
    expect(run(new LeakyReLU(0.5, true), a).out).toEqual([-0.75, 0.25, 2, 0, -0.375, 3]);
    // d/dx relu = 1 where x > 0: the upstream weights [1, -2, 3, 0.5, -1, 2] kept there
    expect(run(new ReLU(true), a).grad.map((v) => v + 0)).toEqual([0, -2, 3, 0, 0, 2]);
  });

  it('a leaf that requires grad cannot be written in place (as PyTorch)', () => {
    const leaf = randn([3], { requiresGrad: true });
    expect(() => new ReLU(true).call(leaf)).toThrow(/leaf.*in-place|in-place.*leaf/i);
  });

  it('overwriting a tensor an earlier op saved for backward makes that backward an error', () => {
    const leaf = randn([4], { requiresGrad: true, dtype: 'float64' });
    const x = leaf.mul(1);
    const sq = x.mul(x); // saves x
    new ReLU(true).call(x);
    expect(() => sq.sum().backward()).toThrow(/modified by an inplace operation|in-?place/i);
  });

  it('the flag is a boolean, given once, under its own name', () => {
    expect(() => new ReLU({ inPlace: true } as never)).toThrow(/inPlace.*inplace/);
    expect(() => new ReLU('yes' as never)).toThrow(/ReLU: inplace must be a boolean/);
    expect(() => new LeakyReLU(0.2, true, { inplace: false } as never)).toThrow(/multiple values for argument 'inplace'/);
    expect(() => new ELU(1, 'no' as never)).toThrow(/ELU: argument 2 \(inplace\) must be a boolean/);
  });

  it('repr shows inplace=True as PyTorch does', () => {
    expect(new ReLU(true).toString()).toContain('ReLU(inplace=True)');
    expect(new ReLU().toString()).toContain('ReLU()');
    expect(new LeakyReLU(0.2, true).toString()).toContain('inplace=True');
  });
});

describe('inplace dropout', () => {
  it.each([
    ['Dropout', (ip: boolean) => new Dropout(0.5, ip, { generator: new Generator(7) }), [4, 6]],
    ['Dropout1d', (ip: boolean) => new Dropout1d(0.5, ip, { generator: new Generator(7) }), [2, 3, 4]],
    ['Dropout2d', (ip: boolean) => new Dropout2d(0.5, ip, { generator: new Generator(7) }), [2, 3, 2, 2]],
  ] as const)('%s(p, true) in training writes the same mask and scale into its input', (_n, make, shape) => {
    const a = randn([...shape], { generator: new Generator(3), dtype: 'float64' });
    const plain = make(false).call(a.clone()) as Tensor;
    const x = a.clone();
    const y = make(true).call(x) as Tensor;
    expect(y).toBe(x);
    expect(values(x)).toEqual(values(plain));
    expect(values(x).some((v) => v === 0)).toBe(true);
  });

  it('the gradient through an inplace dropout is the mask times 1/(1 − p)', () => {
    const leaf = randn([20], { requiresGrad: true, dtype: 'float64', generator: new Generator(5) });
    const y = new Dropout({ p: 0.25, inplace: true, generator: new Generator(9) }).call(leaf.mul(1)) as Tensor;
    y.sum().backward();
    const kept = values(y).map((v) => (v === 0 ? 0 : 1 / 0.75));
    expect(values(leaf.grad!)).toEqual(kept);
  });

  it('p = 0 in training is the identity too (PyTorch: no write, no version bump, a leaf that requires grad allowed)', () => {
    const leaf = randn([4], { requiresGrad: true, dtype: 'float64' });
    expect(new Dropout(0, true).call(leaf)).toBe(leaf);
    const x = leaf.mul(1);
    const sq = x.mul(x); // saves x: a write to x would make this backward an error
    expect(new Dropout(0, true).call(x)).toBe(x);
    sq.sum().backward();
    expect(values(leaf.grad!)).toEqual(values(leaf).map((v) => 2 * v));
  });

  it('in eval mode it is the identity and leaves the input alone', () => {
    const x = tensor([1, 2, 3]);
    const d = new Dropout(0.5, true);
    d.eval();
    expect(d.call(x)).toBe(x);
    expect(values(x)).toEqual([1, 2, 3]);
    expect(new Dropout(0.1, true).toString()).toContain('Dropout(p=0.1, inplace=True)');
  });
});
