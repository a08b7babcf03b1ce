/**
 * fma64 / fma32 (ops/fma.ts, lerp's kernel) against an exact reference: a·b + c computed in BigInt from the
 * doubles' significands and exponents, rounded once (to nearest, ties to even) to float64 or float32.
 */
import { fma32, fma64 } from '../../src/ops/fma';
import { Generator } from '../../src';

const f = new Float64Array(1);
const u = new BigUint64Array(f.buffer);

/** x = m · 2^e exactly (m a signed BigInt). */
function parts(x: number): [bigint, number] {
  f[0] = x;
  const b = u[0];
  const ex = Number((b >> 52n) & 0x7ffn);
  let m = b & ((1n << 52n) - 1n);
  if (ex !== 0) m |= 1n << 52n;
  return [b >> 63n ? -m : m, (ex === 0 ? 1 : ex) - 1075];
}

/** The exact a·b + c rounded once to `bits` significand bits (53: float64, 24: float32); moderate magnitudes only. */
function exactFma(a: number, b: number, c: number, bits: number): number {
  const [ma, ea] = parts(a), [mb, eb] = parts(b), [mc, ec] = parts(c);
  const k = Math.min(ea + eb, ec);
  let n = ((ma * mb) << BigInt(ea + eb - k)) + (mc << BigInt(ec - k));
  if (n === 0n) return 0;
  const neg = n < 0n;
  if (neg) n = -n;
  const len = n.toString(2).length;
  let e = k;
  if (len > bits) {
    const sh = BigInt(len - bits);
    const q = n >> sh, r = n - (q << sh), half = 1n << (sh - 1n);
    n = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q;
    e += len - bits;
  }
  const v = Number(n) * 2 ** e;
  return neg ? -v : v;
}

describe('fma', () => {
  it('is exact where the unfused a*b + c is not', () => {
    expect(0.1 * 10 - 1).toBe(0);
    expect(fma64(0.1, 10, -1)).toBe(5.551115123125783e-17);
    expect(fma64(1 + 2 ** -52, 1 - 2 ** -53, -1)).toBe(exactFma(1 + 2 ** -52, 1 - 2 ** -53, -1, 53));
  });

  it('float64: 5000 random triples, mixed magnitudes and near-cancellation, match the exact rounding', () => {
    const g = new Generator(8);
    for (let i = 0; i < 5000; i++) {
      const a = g.normal() * 10 ** Math.round(g.normal() * 3), b = g.normal() * 10 ** Math.round(g.normal() * 3);
      const c = i % 3 === 0 ? -(a * b) * (1 + g.normal() * 1e-12) : g.normal() * 10 ** Math.round(g.normal() * 3);
      expect(fma64(a, b, c)).toBe(exactFma(a, b, c, 53));
    }
  });

  it('float32: 5000 random float32 triples match the exact rounding to float32, midpoints included', () => {
    const g = new Generator(9);
    for (let i = 0; i < 5000; i++) {
      const a = Math.fround(g.normal() * 10 ** Math.round(g.normal() * 2)), b = Math.fround(g.normal());
      const c = Math.fround(i % 3 === 0 ? -(a * b) : g.normal() * 10 ** Math.round(g.normal() * 2));
      expect(fma32(a, b, c)).toBe(exactFma(a, b, c, 24));
    }
    // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 is a float32 midpoint; ±2^-80 is lost in the double sum but decides the
    // rounding (a plain Math.fround of the double sum rounds both to even, 1 + 2^-11).
    const a = 1 + 2 ** -12;
    expect(fma32(a, a, 2 ** -80)).toBe(1 + 2 ** -11 + 2 ** -23);
    expect(fma32(a, a, -(2 ** -80))).toBe(1 + 2 ** -11);
    expect(Math.fround(a * a + 2 ** -80)).toBe(1 + 2 ** -11);
    expect(exactFma(a, a, 2 ** -80, 24)).toBe(1 + 2 ** -11 + 2 ** -23);
  });
});
