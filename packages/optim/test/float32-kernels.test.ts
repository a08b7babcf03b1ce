/**
 * float32 parameters take the WebAssembly SIMD update kernels (SGD, SGD with momentum, Adam/AdamW
 * without AMSGrad) when available, else the plain-JS loops. Both must agree with each other within
 * float32 rounding and follow the same float64 trajectory (their exact bits are checked against a per-op
 * reference in packages/core/test/kernels/optim-update.test.ts and against PyTorch in torch-float32.test.ts).
 */
import { Generator, kernelBackend, randn, setKernelBackend, Tensor, type DType } from '@tapegrad/core';
import { Adam, AdamW, SGD, type Optimizer } from '@tapegrad/optim';

type Make = (p: Tensor) => { step(): void };
const CASES: Array<[string, Make]> = [
  ['SGD', (p) => new SGD([p], { lr: 0.1 })],
  ['SGD momentum', (p) => new SGD([p], { lr: 0.1, momentum: 0.9 })],
  ['Adam', (p) => new Adam([p], { lr: 0.01 })],
  ['Adam L2 + maximize', (p) => new Adam([p], { lr: 0.01, weightDecay: 0.1, maximize: true })],
  ['AdamW', (p) => new AdamW([p], { lr: 0.01, weightDecay: 0.1 })],
];

/** Six steps on a 103-element parameter (not a multiple of 4: exercises the SIMD tails) with fixed random grads. */
function run(make: Make, dtype: DType, backend: 'auto' | 'js'): Float64Array {
  setKernelBackend(backend);
  try {
    const g = new Generator(7);
    // drawn in float64 and cast, so the float32 and float64 runs start from the same numbers (torch's
    // generator draws 24 bits per float32 uniform and 53 per float64 one: their streams differ)
    const p = randn([103], { generator: g, dtype: 'float64' }).to(dtype).requiresGrad_();
    const opt = make(p) as unknown as Optimizer<never>;
    for (let t = 0; t < 6; t++) {
      p.grad = randn([103], { generator: g, dtype: 'float64' }).to(dtype);
      opt.step();
    }
    return Float64Array.from(p.dataSync() as ArrayLike<number>);
  } finally {
    setKernelBackend('auto');
  }
}

describe.each(CASES)('%s on float32 parameters', (_, make) => {
  it('the SIMD and the plain-JS kernels agree within float32 rounding, and both follow float64', () => {
    const simd = run(make, 'float32', 'auto');
    const js = run(make, 'float32', 'js');
    const f64 = run(make, 'float64', 'js');
    expect(kernelBackend()).toBe('wasm'); // 'auto' above really ran the SIMD kernels
    for (let i = 0; i < simd.length; i++) {
      expect(Math.abs(simd[i] - js[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(js[i])));
      expect(Math.abs(simd[i] - f64[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(f64[i])));
    }
  });
});
