/**
 * Correctly rounded fused multiply-add `a·b + c` in float64 and float32, for ops whose torch CPU kernels use
 * FMA instructions (lerp's AVX2 kernel): JS has no Math.fma, and the unfused `a*b + c` differs in the last bit.
 * float64 is Boldo & Melquiond's emulation (exact product and sums, the tail added with rounding to odd);
 * float32 adds in double and fixes the one double-rounding case (a float32 midpoint).
 */
const f64 = new Float64Array(1);
const bits = new BigInt64Array(f64.buffer);

/** x + y rounded to odd: the exact sum, or the neighbour of it whose last significand bit is 1. */
function addRoundToOdd(x: number, y: number): number {
  const s = x + y;
  const bb = s - x;
  const e = (x - (s - bb)) + (y - bb);
  if (e === 0) return s;
  f64[0] = s;
  if ((bits[0] & 1n) === 1n) return s;
  // Step one ulp toward the exact value (magnitude up when e has s's sign).
  bits[0] += (e > 0) === (s > 0) ? 1n : -1n;
  return f64[0];
}

export function fma64(a: number, b: number, c: number): number {
  const uh = a * b;
  if (!Number.isFinite(uh) || !Number.isFinite(c) || Math.abs(uh) > 1e300 || Math.abs(a) > 1e150 || Math.abs(b) > 1e150) return uh + c;
  // Dekker's exact product uh + ul.
  let t = 134217729 * a;
  const ah = t - (t - a), al = a - ah;
  t = 134217729 * b;
  const bh = t - (t - b), bl = b - bh;
  const ul = ((ah * bh - uh) + ah * bl + al * bh) + al * bl;
  // th + tl = c + ul, vh + vl = uh + th exactly (TwoSum).
  const th = c + ul;
  let bb = th - c;
  const tl = (c - (th - bb)) + (ul - bb);
  const vh = uh + th;
  bb = vh - uh;
  const vl = (uh - (vh - bb)) + (th - bb);
  return vh + addRoundToOdd(vl, tl);
}

/** fma of float32 values, rounded once to float32 (the product is exact in double). */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s);
  if (r === s || !Number.isFinite(s)) return r;
  const bb = s - p;
  const e = (p - (s - bb)) + (c - bb);
  if (e === 0) return r;
  // s exactly halfway between two float32s (r and o): the exact sum lies on e's side of it.
  const o = 2 * s - r;
  if (Math.fround(o) !== o) return r;
  return e > 0 ? Math.max(r, o) : Math.min(r, o);
}
