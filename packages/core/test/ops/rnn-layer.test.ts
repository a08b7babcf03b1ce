import { Generator, randn, zeros, lstmLayer, lstmCell, linear, stack, grad, noGrad, Tensor, setKernelBackend } from '../../src';

afterEach(() => setKernelBackend('auto'));

/** The same layer step by step with lstmCell and linear (the composition lstmLayer fuses). */
function stepwise(gx: Tensor, h0: Tensor, c0: Tensor, w: Tensor, b: Tensor | null, reverse: boolean): Tensor {
  const T = gx.shape[0];
  const ys = new Array<Tensor>(T);
  let h = h0, c = c0;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const hc = lstmCell(gx.select(0, t), linear(h, w, b), c);
    h = hc.select(0, 0);
    c = hc.select(0, 1);
    ys[t] = h;
  }
  return stack([...ys, c], 0);
}

function inputs(dtype: 'float32' | 'float64', T: number, B: number, H: number, seed: number): Tensor[] {
  const g = new Generator(seed);
  return [[T, B, 4 * H], [B, H], [B, H], [4 * H, H], [4 * H]].map((s, i) => randn(s, { generator: g, dtype }).mul(i === 3 ? 0.5 : 1).detach().requiresGrad_());
}

function maxDiff(a: Tensor, b: Tensor): number {
  return a.double().sub(b.double()).abs().max().item();
}

describe('lstmLayer', () => {
  for (const [dtype, tol] of [['float64', 1e-12], ['float32', 2e-5]] as const) {
    for (const reverse of [false, true]) {
      it(`${dtype}${reverse ? ', reverse' : ''}: values and all five gradients equal the step-by-step composition`, () => {
        // B·H = 80 elements per step: the float32 cell runs on the SIMD kernel (with 4-lane tails, H = 10).
        const xs = inputs(dtype, 6, 8, 10, reverse ? 2 : 1);
        const up = randn([7, 8, 10], { generator: new Generator(9), dtype });
        const fused = lstmLayer(xs[0], xs[1], xs[2], xs[3], xs[4], { reverse });
        const ref = stepwise(xs[0], xs[1], xs[2], xs[3], xs[4], reverse);
        expect(fused.shape).toEqual([7, 8, 10]);
        expect(maxDiff(fused, ref)).toBeLessThan(tol);
        const gf = grad(fused, xs, { gradOutputs: up });
        const gr = grad(ref, xs, { gradOutputs: up });
        gf.forEach((g, i) => expect(maxDiff(g as Tensor, gr[i] as Tensor)).toBeLessThan(tol * 10));
      });
    }
  }

  it('float32 agrees between the wasm and js kernel backends', () => {
    const run = (backend: 'wasm' | 'js') => {
      setKernelBackend(backend);
      const xs = inputs('float32', 4, 16, 8, 5);
      const r = lstmLayer(xs[0], xs[1], xs[2], xs[3], xs[4]);
      return [r, ...grad(r.sum(), xs)] as Tensor[];
    };
    const [w, j] = [run('wasm'), run('js')];
    w.forEach((t, i) => expect(maxDiff(t, j[i])).toBeLessThan(1e-5));
  });

  it('without grad mode records nothing; T = 0 returns c0 alone', () => {
    const xs = inputs('float64', 3, 2, 2, 3);
    const r = noGrad(() => lstmLayer(xs[0], xs[1], xs[2], xs[3], xs[4]));
    expect(r.requiresGrad).toBe(false);
    const e = lstmLayer(zeros([0, 2, 8], { dtype: 'float64' }), xs[1], xs[2], xs[3], null);
    expect(e.shape).toEqual([1, 2, 2]);
    expect(maxDiff(e.select(0, 0), xs[2])).toBe(0);
    const [dc] = grad(e.sum(), [xs[2]]);
    expect(Array.from((dc as Tensor).dataSync())).toEqual([1, 1, 1, 1]);
  });

  it('names the shapes or dtypes that do not fit', () => {
    const [gx, h, c, w, b] = inputs('float64', 3, 2, 2, 4);
    expect(() => lstmLayer(gx.narrow(2, 0, 6), h, c, w, b)).toThrow(/lstmLayer: expected gx \[T, B, 4H\].*got gx \[3, 2, 6\]/);
    expect(() => lstmLayer(gx, h.narrow(0, 0, 1), c, w, b)).toThrow(/h0 \[1, 2\]/);
    expect(() => lstmLayer(gx, h, c, w, b.narrow(0, 0, 4))).toThrow(/bHh \[4\]/);
    expect(() => lstmLayer(gx, h.float(), c, w, b)).toThrow(/lstmLayer: expected floating point tensors of one dtype, got gx float64, h0 float32/);
    expect(() => lstmLayer(gx, h, c, w, b, { revers: true } as never)).toThrow(/unknown option 'revers'/);
  });
});
