/** The SIMD peak loop of bench/simd-peak.ts computes what it claims (its speed is the bench's business). */
import { peakModuleBytes } from '../../../../bench/simd-peak';
import { allocationPerCall } from '../../../../bench/tapegrad';

describe('bench SIMD peak loop', () => {
  it('is a valid module whose 12 chains add 2^-20 (6 chains) or multiply by 1 - 2^-23 (6 chains) per iteration', () => {
    const bytes = peakModuleBytes();
    expect(WebAssembly.validate(bytes)).toBe(true);
    const peak = (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as { peak: (n: number) => number }).peak;
    const n = 5;
    const chains = Array.from({ length: 12 }, (_, i) => Math.fround(1 + (i + 1) / 64));
    for (let it = 0; it < n; it++) {
      for (let i = 0; i < 6; i++) chains[i] = Math.fround(chains[i] + 2 ** -20);
      for (let i = 6; i < 12; i++) chains[i] = Math.fround(chains[i] * Math.fround(1 - 2 ** -23));
    }
    const expected = chains.reduce((s, v) => Math.fround(s + v));
    expect(peak(n)).toBe(expected);
  });
});

describe('bench allocation per call', () => {
  it('sees the ArrayBuffer memory a call allocates', () => {
    const keep: Float64Array[] = [];
    const a = allocationPerCall(() => { keep.push(new Float64Array(1 << 16)); }, 20);
    expect(a.bufferBytes).toBe(8 << 16);
  });
});
