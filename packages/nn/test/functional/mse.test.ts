import { Tensor, randn, Generator, gradcheck, gradgradcheck, setKernelBackend } from '@tapegrad/core';
import { F } from '../../src';

const bits = (t: Tensor): number[] => Array.from(t.dataSync());

/** The composition the fused op replaces. */
const composed = (x: Tensor, t: Tensor, mean: boolean): Tensor => {
  const d = x.sub(t);
  const s = d.mul(d);
  return mean ? s.mean() : s.sum();
};

describe('F.mseLoss fused reduced forms (functional/mse.ts)', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const reduction of ['mean', 'sum'] as const) {
      it(`${dtype} ${reduction}: bitwise the composition's value and both gradients`, () => {
        const g = new Generator(3);
        const x = randn([7, 13], { generator: g, dtype }).requiresGrad_(true);
        const t = randn([7, 13], { generator: g, dtype }).requiresGrad_(true);
        const fused = F.mseLoss(x, t, { reduction });
        fused.mul(1.7).backward();
        const [gx, gt] = [x.grad!, t.grad!];
        x.grad = null;
        t.grad = null;
        const ref = composed(x, t, reduction === 'mean');
        ref.mul(1.7).backward();
        expect(bits(fused)).toEqual(bits(ref));
        expect(bits(gx)).toEqual(bits(x.grad!));
        expect(bits(gt)).toEqual(bits(t.grad!));
      });
    }
  }

  it('a non-contiguous target, and a target without grad (no gradient computed for it)', () => {
    const g = new Generator(5);
    const x = randn([4, 6], { generator: g }).requiresGrad_(true);
    const t = randn([6, 4], { generator: g }).transpose(0, 1);
    const l = F.mseLoss(x, t);
    l.backward();
    expect(bits(l)).toEqual(bits(composed(x, t, true)));
    expect(t.grad).toBeNull();
    const d = bits(x.sub(t));
    // 2·(x − t)/n, here in float32: (g/n) rounded, times d rounded, doubled
    expect(bits(x.grad!)).toEqual(d.map((v) => 2 * Math.fround(Math.fround(1 / 24) * v)));
  });

  it('gradcheck and gradgradcheck (createGraph backward in Tensor ops)', () => {
    const g = new Generator(6);
    const x = randn([3, 5], { generator: g, dtype: 'float64' }).requiresGrad_(true);
    const t = randn([3, 5], { generator: g, dtype: 'float64' }).requiresGrad_(true);
    for (const reduction of ['mean', 'sum'] as const) {
      const f = (a: Tensor, b: Tensor): Tensor => F.mseLoss(a, b, { reduction });
      expect(gradcheck(f, [x, t]).ok).toBe(true);
      expect(gradgradcheck(f, [x, t]).ok).toBe(true);
    }
  });
});

describe('scaledDotProductAttention float32 on the wasm row kernels', () => {
  afterEach(() => setKernelBackend('auto'));
  it('agrees with the js backend (values and gradients) with a float mask, a bool mask and isCausal', () => {
    const run = (opts: Parameters<typeof F.scaledDotProductAttention>[3]) => {
      const g = new Generator(8);
      const q = randn([2, 3, 9, 8], { generator: g }).requiresGrad_(true);
      const k = randn([2, 3, 11, 8], { generator: g }).requiresGrad_(true);
      const v = randn([2, 3, 11, 5], { generator: g }).requiresGrad_(true);
      const out = F.scaledDotProductAttention(q, k, v, opts);
      out.mul(randn(out.shape, { generator: g })).sum().backward();
      return [out, q.grad!, k.grad!, v.grad!].map(bits);
    };
    const g = new Generator(9);
    const floatMask = randn([9, 11], { generator: g });
    const boolMask = randn([2, 1, 9, 11], { generator: g }).gt(-1);
    for (const opts of [{ attnMask: floatMask }, { attnMask: boolMask }, { isCausal: true }, {}]) {
      const wasm = run(opts);
      setKernelBackend('js');
      const js = run(opts);
      setKernelBackend('auto');
      wasm.forEach((a, i) => a.forEach((u, j) => expect(Math.abs(u - js[i][j])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(js[i][j])))));
    }
  });
});

describe('F.mseLoss float32 on the wasm kernels', () => {
  afterEach(() => setKernelBackend('auto'));
  it('bitwise the js backend (value and gradients), an odd length included', () => {
    const run = () => {
      const g = new Generator(11);
      const x = randn([5, 7], { generator: g }).mul(3).requiresGrad_(true);
      const t = randn([5, 7], { generator: g }).requiresGrad_(true);
      const l = F.mseLoss(x, t);
      l.backward();
      return [l, x.grad!, t.grad!].map(bits);
    };
    const wasm = run();
    setKernelBackend('js');
    expect(run()).toEqual(wasm);
  });
});
