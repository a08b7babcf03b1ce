// WebAssembly SIMD GEMM kernels for @tapegrad/core, written in AssemblyScript.
//
// Why AssemblyScript (and not hand-written WebAssembly text): it is TypeScript syntax, the
// compiler ships as an npm package (nothing downloaded at build time), it exposes every
// v128 instruction as an intrinsic, and Binaryen's optimiser does the register-friendly
// clean-up. Generics let one source serve f32 (f32x4) and f64 (f64x2).
//
// The file extension is `.as`, not `.ts`, on purpose: this is not TypeScript that `tsc`
// could check (v128, usize, @inline...), and the repo's tsconfig type-checks every
// `src/**/*.ts`. `scripts/build-wasm.mjs` feeds it (with elementwise.as) to the
// AssemblyScript compiler as a virtual `gemm.ts` and writes
// `src/kernels/wasm-bytes.generated.ts`. Nothing here may use static data (the build fails on
// a data segment): the JS side owns linear memory from offset 0.
//
// Algorithm (GotoBLAS / BLIS style, one thread):
//   for jc in N by NC:            B block  [kc x nc] packed into NR-column panels (L2/L3)
//     for pc in K by KC:
//       for ic in M by MC:        A block  [mc x kc] packed into MR-row panels (L2), alpha folded in
//         for jr in nc by NR:     one B micro-panel (kc x NR, stays in L1)
//           for ir in mc by MR:   micro-kernel: MR x NR accumulators live in registers
// The micro-kernel is MR=4 rows x 2 vectors (8 f32 or 4 f64 columns): 8 accumulators,
// 2 B vectors and 1 broadcast A value = 11 of the 15 xmm registers V8 can allocate on x64.
// Measured on the dev machine, 4x8 (f32) beat 6x8, 5x8, 4x12, 3x12, 8x4 and k-unrolled
// variants written the same way (the larger ones spill: V8 then schedules all loads first, see
// the issue 15 paragraph below for why, and for the 5x8 kernel that avoids it).
//
// Packing turns every transpose form into the same contiguous micro-panel layout, so
// A·B, Aᵀ·B, A·Bᵀ and Aᵀ·Bᵀ all run at the same speed. Products with M == 1 or N == 1 skip
// packing and run a matrix-vector kernel (gemv below), since padding to a 4x8 tile would
// waste most of the work.
//
// Measured on the dev machine (Node 20, one thread): raw micro-kernel ~47 GFLOP/s, whole
// 512^3 sgemm call ~42-44 GFLOP/s (all forms), dgemm ~21 GFLOP/s.
// Two later changes, each measured by in-process A/B of the two builds (both orders, 2-core Zen 5 shared
// with other jobs, so figures are ranges): with beta == 0 the first K block stores 0 + acc instead of
// zeroing C and adding to it (+6-20%: 64x64x16 batched +15%, 512^3 +9%); the micro-kernel loop runs
// on an end pointer instead of a counter (+3-10%); the A values are read as load_splat(pa + k*sz), not
// load_splat(pa, k*sz): V8 (11.3, x64) turns a load_splat's offset immediate into a hoisted base
// register per offset, which ran out of general registers and reloaded two from the stack every
// iteration; the added index costs one lea instead (+3-8% f32, +5-10% f64). Unrolling that loop by 2
// lost 30-40%; A pre-splatted into whole vectors at packing, or one load + four lane shuffles, lost 10%.
//
// Issue 15: a 5x8 micro-kernel beside the 4x8 one (gemm() picks by shape, see the rule there). Both run the same K blocks and the
// same per-element sum in the same order, so they give the same bits (the tests compare to the 4x8
// results' values through every caller). What V8 11.3 (Node 20, x64) does to these loops, read from
// --print-wasm-code, and why the 5x8 kernel looks the way it does:
//  - On this machine a loop's time is its instruction count: the 12-chain peak loop, a 4x8 loop with
//    A held in registers, and the 4x8 kernel all run at ~4.8 instructions per cycle, so the kernel's
//    share of peak is about its multiply/add share of the instructions over the peak loop's (12 of 16).
//    The 4x8 loop spends 6 loads, 3 lea (load_splat offsets), 2 pointer updates, a compare and half a
//    stack check on 16 mul/add: ~28 instructions, ~70 % of peak.
//  - The TurboFan scheduler puts all of an iteration's loads first when the loop is unrolled (V8
//    unrolls small loops nested inside others) or when C is read after the loop; then every loaded
//    value is live at once, so 4x8 (6 loads + 8 accumulators + 1 temporary = 15 xmm) is the largest
//    tile that fits, and 5x8, 3x12 or a k-unrolled 4x8 spill (the earlier measurements above).
//    microKernel5 therefore is a function of its own (depth 0: not unrolled; two call sites, so
//    Binaryen does not inline it), stores its accumulators to a tile with plain stores (the caller adds
//    the tile into C), and then V8 interleaves each load with its uses: 10 accumulators + 2 B vectors
//    + the A value + 1 temporary = 14 xmm, no spills.
//  - A is packed pre-splatted (each value as a whole vector), so the kernel reads it with plain loads
//    at constant offsets: no lea per load_splat. The pointers are formed by an add inside the kernel
//    (pa + offA): V8 knows an i32.add result is zero-extended, where a loop phi fed by a parameter
//    costs a movl per pointer per iteration.
//  Result: 7 loads + 20 mul/add + 2 adds + compare/branch + stack check per k, ~31 instructions for 20
//  mul/add, 83-86 % of peak for the loop alone (4x8: 65-73 %), in-process A/B, 2 shared cores. Whole
//  calls gain less (~+5 points at 256-1024, docs/design.md has the figures).
//  Pre-splatted A is 4x larger, so macroKernel5 keeps an A micro-panel (20 KiB) in L1 and streams the
//  B panels past it (ir outer, jr inner), the reverse of macroKernel.
//
// Memory contract with the JS side (gemm.ts): the caller places A, B, C anywhere in linear
// memory (byte pointers), with element leading dimensions lda/ldb/ldc, and passes a
// workspace pointer with workspaceBytes() free bytes. C is read only when beta != 0.

const MR: i32 = 4;      // rows of the 4x8 micro-tile
const MR5: i32 = 5;     // rows of the 5x8 micro-tile
const KC: i32 = 256;    // depth of a packed block (both kernels: same K blocks, so the same bits)
const MC: i32 = 128;    // rows of A per packed block (4x8)
const MC5: i32 = 120;   // rows of A per packed block (5x8), a multiple of MR5
const NC: i32 = 2048;   // columns of B per packed block

/** Columns of the micro-tile: two v128 vectors. */
@inline function nrOf<T>(): i32 { return 32 / <i32>sizeof<T>(); }

/**
 * Bytes of scratch the caller must provide: packed A (the larger of the two kernels' blocks: 5x8 keeps a
 * 16-byte splat per value, MC5*KC*16 > MC*KC*8), packed B (sized for f64), the edge tile.
 */
export function workspaceBytes(): i32 {
  return MC5 * KC * 16 + KC * NC * 8 + 256;
}

/** Split `n` into ceil(n / max) nearly equal blocks, each a multiple of `mult`. */
@inline function blockSize(n: i32, max: i32, mult: i32): i32 {
  const nb = (n + max - 1) / max;
  const b = (n + nb - 1) / nb;
  return ((b + mult - 1) / mult) * mult;
}

/** C[0:m, 0:n] *= beta (beta == 0 writes zeros, so NaN/garbage in C is ignored). */
function scaleC<T>(m: i32, n: i32, beta: T, c: usize, ldc: i32): void {
  if (beta == <T>1) return;
  const sz = <usize>sizeof<T>();
  const vb = v128.splat<T>(beta);
  const lanes = 16 / <i32>sz;
  for (let i = 0; i < m; i++) {
    let p = c + <usize>(i * ldc) * sz;
    let j = 0;
    if (beta == <T>0) {
      const z = v128.splat<T>(<T>0);
      for (; j + lanes <= n; j += lanes) { v128.store(p, z); p += 16; }
      for (; j < n; j++) { store<T>(p, <T>0); p += sz; }
    } else {
      for (; j + lanes <= n; j += lanes) { v128.store(p, v128.mul<T>(v128.load(p), vb)); p += 16; }
      for (; j < n; j++) { store<T>(p, load<T>(p) * beta); p += sz; }
    }
  }
}

// ---------------------------------------------------------------- packing A
// Packed layout: for each MR-row panel, kc groups of MR values: pa[(panel*kc + p)*MR + r]
// = alpha * opA(ic + panel*MR + r, pc + p). Rows past M are zero.

function packA<T>(transA: i32, mc: i32, kc: i32, a: usize, lda: i32, ic: i32, pc: i32, alpha: T, pa: usize): void {
  const sz = <usize>sizeof<T>();
  const va = v128.splat<T>(alpha);
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    const row0 = ic + ir;
    if (mr == MR) {
      if (transA) {
        // A stored K x M: the MR values for one p are contiguous.
        let src = a + <usize>(pc * lda + row0) * sz;
        const step = <usize>lda * sz;
        for (let p = 0; p < kc; p++) {
          if (sz == 4) {
            v128.store(pa, v128.mul<T>(v128.load(src), va));
          } else {
            v128.store(pa, v128.mul<T>(v128.load(src), va));
            v128.store(pa, v128.mul<T>(v128.load(src, 16), va), 16);
          }
          pa += <usize>MR * sz; src += step;
        }
      } else {
        // A stored M x K: gather MR rows; transpose 4x4 (f32) / 2x2 (f64) tiles.
        const ldab = <usize>lda * sz;
        let r0 = a + <usize>(row0 * lda + pc) * sz;
        let r1 = r0 + ldab, r2 = r1 + ldab, r3 = r2 + ldab;
        let p = 0;
        if (sz == 4) {
          for (; p + 4 <= kc; p += 4) {
            const x0 = v128.load(r0), x1 = v128.load(r1), x2 = v128.load(r2), x3 = v128.load(r3);
            const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5), t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
            const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5), t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
            v128.store(pa, v128.mul<T>(i32x4.shuffle(t0, t2, 0, 1, 4, 5), va));
            v128.store(pa, v128.mul<T>(i32x4.shuffle(t0, t2, 2, 3, 6, 7), va), 16);
            v128.store(pa, v128.mul<T>(i32x4.shuffle(t1, t3, 0, 1, 4, 5), va), 32);
            v128.store(pa, v128.mul<T>(i32x4.shuffle(t1, t3, 2, 3, 6, 7), va), 48);
            pa += 64; r0 += 16; r1 += 16; r2 += 16; r3 += 16;
          }
        } else {
          for (; p + 2 <= kc; p += 2) {
            const x0 = v128.load(r0), x1 = v128.load(r1), x2 = v128.load(r2), x3 = v128.load(r3);
            v128.store(pa, v128.mul<T>(i64x2.shuffle(x0, x1, 0, 2), va));
            v128.store(pa, v128.mul<T>(i64x2.shuffle(x2, x3, 0, 2), va), 16);
            v128.store(pa, v128.mul<T>(i64x2.shuffle(x0, x1, 1, 3), va), 32);
            v128.store(pa, v128.mul<T>(i64x2.shuffle(x2, x3, 1, 3), va), 48);
            pa += 64; r0 += 16; r1 += 16; r2 += 16; r3 += 16;
          }
        }
        for (; p < kc; p++) {
          store<T>(pa, load<T>(r0) * alpha); store<T>(pa + sz, load<T>(r1) * alpha);
          store<T>(pa + 2 * sz, load<T>(r2) * alpha); store<T>(pa + 3 * sz, load<T>(r3) * alpha);
          pa += <usize>MR * sz; r0 += sz; r1 += sz; r2 += sz; r3 += sz;
        }
      }
    } else {
      // Edge panel: scalar, zero-padded to MR rows. opA(i, p) = a[i*rs + p*cs].
      const rs = <usize>(transA ? 1 : lda) * sz;
      const cs = <usize>(transA ? lda : 1) * sz;
      let src = a + <usize>row0 * rs + <usize>pc * cs;
      for (let p = 0; p < kc; p++) {
        let r = 0;
        for (; r < mr; r++) store<T>(pa + <usize>r * sz, load<T>(src + <usize>r * rs) * alpha);
        for (; r < MR; r++) store<T>(pa + <usize>r * sz, <T>0);
        pa += <usize>MR * sz; src += cs;
      }
    }
  }
}

// ---------------------------------------------------------------- packing B
// Packed layout: for each NR-column panel, kc groups of NR values: pb[(panel*kc + p)*NR + j]
// = opB(pc + p, jc + panel*NR + j). Columns past N are zero.

function packB<T>(transB: i32, kc: i32, nc: i32, b: usize, ldb: i32, pc: i32, jc: i32, pb: usize): void {
  const sz = <usize>sizeof<T>();
  const NR = nrOf<T>();
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const col0 = jc + jr;
    if (nr == NR) {
      if (!transB) {
        // B stored K x N: a panel row is 32 contiguous bytes.
        let src = b + <usize>(pc * ldb + col0) * sz;
        const step = <usize>ldb * sz;
        for (let p = 0; p < kc; p++) {
          v128.store(pb, v128.load(src)); v128.store(pb, v128.load(src, 16), 16);
          pb += 32; src += step;
        }
      } else {
        // B stored N x K: NR rows of B become the NR columns of the panel.
        const ldbb = <usize>ldb * sz;
        let p = 0;
        if (sz == 4) {
          let r0 = b + <usize>(col0 * ldb + pc) * sz;
          let r1 = r0 + ldbb, r2 = r1 + ldbb, r3 = r2 + ldbb;
          let r4 = r3 + ldbb, r5 = r4 + ldbb, r6 = r5 + ldbb, r7 = r6 + ldbb;
          for (; p + 4 <= kc; p += 4) {
            let x0 = v128.load(r0), x1 = v128.load(r1), x2 = v128.load(r2), x3 = v128.load(r3);
            let t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5), t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
            let t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5), t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
            v128.store(pb, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
            v128.store(pb, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 32);
            v128.store(pb, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 64);
            v128.store(pb, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 96);
            x0 = v128.load(r4); x1 = v128.load(r5); x2 = v128.load(r6); x3 = v128.load(r7);
            t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5); t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
            t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5); t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
            v128.store(pb, i32x4.shuffle(t0, t2, 0, 1, 4, 5), 16);
            v128.store(pb, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 48);
            v128.store(pb, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 80);
            v128.store(pb, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 112);
            pb += 128;
            r0 += 16; r1 += 16; r2 += 16; r3 += 16; r4 += 16; r5 += 16; r6 += 16; r7 += 16;
          }
          for (; p < kc; p++) {
            store<T>(pb, load<T>(r0)); store<T>(pb, load<T>(r1), 4); store<T>(pb, load<T>(r2), 8);
            store<T>(pb, load<T>(r3), 12); store<T>(pb, load<T>(r4), 16); store<T>(pb, load<T>(r5), 20);
            store<T>(pb, load<T>(r6), 24); store<T>(pb, load<T>(r7), 28);
            pb += 32;
            r0 += 4; r1 += 4; r2 += 4; r3 += 4; r4 += 4; r5 += 4; r6 += 4; r7 += 4;
          }
        } else {
          let r0 = b + <usize>(col0 * ldb + pc) * sz;
          let r1 = r0 + ldbb, r2 = r1 + ldbb, r3 = r2 + ldbb;
          for (; p + 2 <= kc; p += 2) {
            const x0 = v128.load(r0), x1 = v128.load(r1), x2 = v128.load(r2), x3 = v128.load(r3);
            v128.store(pb, i64x2.shuffle(x0, x1, 0, 2));
            v128.store(pb, i64x2.shuffle(x2, x3, 0, 2), 16);
            v128.store(pb, i64x2.shuffle(x0, x1, 1, 3), 32);
            v128.store(pb, i64x2.shuffle(x2, x3, 1, 3), 48);
            pb += 64; r0 += 16; r1 += 16; r2 += 16; r3 += 16;
          }
          for (; p < kc; p++) {
            store<T>(pb, load<T>(r0)); store<T>(pb, load<T>(r1), 8);
            store<T>(pb, load<T>(r2), 16); store<T>(pb, load<T>(r3), 24);
            pb += 32; r0 += 8; r1 += 8; r2 += 8; r3 += 8;
          }
        }
      }
    } else {
      // Edge panel: scalar, zero-padded to NR columns. opB(p, j) = b[p*rs + j*cs].
      const rs = <usize>(transB ? 1 : ldb) * sz;
      const cs = <usize>(transB ? ldb : 1) * sz;
      let src = b + <usize>pc * rs + <usize>col0 * cs;
      for (let p = 0; p < kc; p++) {
        let j = 0;
        for (; j < nr; j++) store<T>(pb + <usize>j * sz, load<T>(src + <usize>j * cs));
        for (; j < NR; j++) store<T>(pb + <usize>j * sz, <T>0);
        pb += 32; src += rs;
      }
    }
  }
}

// ---------------------------------------------------------------- micro-kernel
// C[0:MR, 0:NR] += sum_p pa[p*MR + r] * pb[p*NR + j]; C row stride ldcb bytes.

/**
 * c + a·b. With the relaxed-SIMD feature (a separate build variant) this is f32x4/f64x2.relaxed_madd,
 * which engines lower to a fused multiply-add where the CPU has one (one rounding instead of two);
 * otherwise a multiply then an add.
 */
@inline function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(c, v128.mul<T>(a, b));
}

@inline function microKernel<T>(kc: i32, pa: usize, pb: usize, c: usize, ldcb: usize, overwrite: bool): void {
  const sz = <usize>sizeof<T>();
  let c00 = v128.splat<T>(<T>0), c01 = c00, c10 = c00, c11 = c00;
  let c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const pbEnd = pb + <usize>kc * 32;
  while (pb < pbEnd) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let x = v128.load_splat<T>(pa);
    c00 = madd<T>(x, b0, c00); c01 = madd<T>(x, b1, c01);
    x = v128.load_splat<T>(pa + sz);
    c10 = madd<T>(x, b0, c10); c11 = madd<T>(x, b1, c11);
    x = v128.load_splat<T>(pa + 2 * sz);
    c20 = madd<T>(x, b0, c20); c21 = madd<T>(x, b1, c21);
    x = v128.load_splat<T>(pa + 3 * sz);
    c30 = madd<T>(x, b0, c30); c31 = madd<T>(x, b1, c31);
    pa += 4 * sz; pb += 32;
  }
  if (overwrite) {
    // C would hold zeros here (beta == 0, first K block): 0 + acc, without reading C.
    const z = v128.splat<T>(<T>0);
    v128.store(c, v128.add<T>(z, c00)); v128.store(c, v128.add<T>(z, c01), 16); c += ldcb;
    v128.store(c, v128.add<T>(z, c10)); v128.store(c, v128.add<T>(z, c11), 16); c += ldcb;
    v128.store(c, v128.add<T>(z, c20)); v128.store(c, v128.add<T>(z, c21), 16); c += ldcb;
    v128.store(c, v128.add<T>(z, c30)); v128.store(c, v128.add<T>(z, c31), 16);
    return;
  }
  v128.store(c, v128.add<T>(v128.load(c), c00)); v128.store(c, v128.add<T>(v128.load(c, 16), c01), 16); c += ldcb;
  v128.store(c, v128.add<T>(v128.load(c), c10)); v128.store(c, v128.add<T>(v128.load(c, 16), c11), 16); c += ldcb;
  v128.store(c, v128.add<T>(v128.load(c), c20)); v128.store(c, v128.add<T>(v128.load(c, 16), c21), 16); c += ldcb;
  v128.store(c, v128.add<T>(v128.load(c), c30)); v128.store(c, v128.add<T>(v128.load(c, 16), c31), 16);
}

/** All micro-tiles of one packed A block x one packed B block into C (pointer at the block). */
function macroKernel<T>(mc: i32, nc: i32, kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, tile: usize, overwrite: bool): void {
  const sz = <usize>sizeof<T>();
  const NR = nrOf<T>();
  const ldcb = <usize>ldc * sz;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const pbj = pb + <usize>(jr * kc) * sz;
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = min(MR, mc - ir);
      const pai = pa + <usize>(ir * kc) * sz;
      const cij = c + <usize>(ir * ldc + jr) * sz;
      if (mr == MR && nr == NR) {
        microKernel<T>(kc, pai, pbj, cij, ldcb, overwrite);
      } else {
        // Edge tile: accumulate into a zeroed MR x NR scratch tile, then add the valid part.
        const z = v128.splat<T>(<T>0);
        for (let q = 0; q < MR * 2; q++) v128.store(tile + <usize>q * 16, z);
        microKernel<T>(kc, pai, pbj, tile, 32, false);
        for (let r = 0; r < mr; r++) {
          for (let j = 0; j < nr; j++) {
            const dst = cij + <usize>(r * ldc + j) * sz;
            store<T>(dst, (overwrite ? <T>0 : load<T>(dst)) + load<T>(tile + <usize>(r * NR + j) * sz));
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------- packing A for the 5x8 kernel
// Packed layout, pre-splatted: for each MR5-row panel, kc groups of MR5 vectors; the vector at
// pa + ((panel*kc + p)*MR5 + r)*16 holds alpha * opA(ic + panel*MR5 + r, pc + p) in every lane, so the
// micro-kernel reads A with plain loads at constant offsets (no load_splat: see the header). Rows past
// M are zero.

function packA5<T>(transA: i32, mc: i32, kc: i32, a: usize, lda: i32, ic: i32, pc: i32, alpha: T, pa: usize): void {
  const sz = <usize>sizeof<T>();
  const va = v128.splat<T>(alpha);
  const z = v128.splat<T>(<T>0);
  for (let ir = 0; ir < mc; ir += MR5) {
    const mr = min(MR5, mc - ir);
    const row0 = ic + ir;
    if (mr == MR5 && sz == 4) {
      if (transA) {
        // A stored K x M: the MR5 values for one p are contiguous (one vector and one more value).
        let src = a + <usize>(pc * lda + row0) * 4;
        const step = <usize>lda * 4;
        for (let p = 0; p < kc; p++) {
          const x = f32x4.mul(v128.load(src), va);
          v128.store(pa, i32x4.shuffle(x, x, 0, 0, 0, 0)); v128.store(pa, i32x4.shuffle(x, x, 1, 1, 1, 1), 16);
          v128.store(pa, i32x4.shuffle(x, x, 2, 2, 2, 2), 32); v128.store(pa, i32x4.shuffle(x, x, 3, 3, 3, 3), 48);
          v128.store(pa, f32x4.mul(v128.load32_splat(src, 16), va), 64);
          pa += 80; src += step;
        }
      } else {
        // A stored M x K: 4 values of each of the MR5 rows at a time, each splatted to its (p, r) slot.
        const ldab = <usize>lda * 4;
        let r0 = a + <usize>(row0 * lda + pc) * 4;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          let src = r0, dst = pa;
          for (let r = 0; r < MR5; r++) {
            const x = f32x4.mul(v128.load(src), va);
            v128.store(dst, i32x4.shuffle(x, x, 0, 0, 0, 0)); v128.store(dst, i32x4.shuffle(x, x, 1, 1, 1, 1), 80);
            v128.store(dst, i32x4.shuffle(x, x, 2, 2, 2, 2), 160); v128.store(dst, i32x4.shuffle(x, x, 3, 3, 3, 3), 240);
            src += ldab; dst += 16;
          }
          pa += 320; r0 += 16;
        }
        for (; p < kc; p++) {
          let src = r0;
          for (let r = 0; r < MR5; r++) { v128.store(pa, v128.splat<T>(load<T>(src) * alpha)); pa += 16; src += ldab; }
          r0 += 4;
        }
      }
    } else {
      // float64, or an edge panel (zero-padded to MR5 rows): one value at a time. opA(i, p) = a[i*rs + p*cs].
      const rs = <usize>(transA ? 1 : lda) * sz;
      const cs = <usize>(transA ? lda : 1) * sz;
      let src = a + <usize>row0 * rs + <usize>pc * cs;
      for (let p = 0; p < kc; p++) {
        let r = 0;
        for (; r < mr; r++) v128.store(pa + <usize>r * 16, v128.mul<T>(v128.splat<T>(load<T>(src + <usize>r * rs)), va));
        for (; r < MR5; r++) v128.store(pa + <usize>r * 16, z);
        pa += <usize>MR5 * 16; src += cs;
      }
    }
  }
}

/**
 * The MR5 x NR accumulators of one tile over kc steps, stored to `tile` (MR5 rows of 32 bytes). A separate
 * function, not inlined, with plain stores after the loop and its pointers formed by an add: each of these
 * changes how V8 compiles the loop (see the header), and this is the form that keeps 10 accumulators,
 * 2 B vectors and the A value in registers with loads interleaved with the arithmetic.
 */
function microKernel5<T>(kc: i32, pa: usize, offA: usize, pb: usize, offB: usize, tile: usize): void {
  let c00 = v128.splat<T>(<T>0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  let c30 = c00, c31 = c00, c40 = c00, c41 = c00;
  let q = pa + offA, p = pb + offB;
  const pEnd = p + <usize>kc * 32;
  while (p < pEnd) {
    const b0 = v128.load(p), b1 = v128.load(p, 16);
    c00 = madd<T>(b0, v128.load(q), c00); c01 = madd<T>(b1, v128.load(q), c01);
    c10 = madd<T>(b0, v128.load(q, 16), c10); c11 = madd<T>(b1, v128.load(q, 16), c11);
    c20 = madd<T>(b0, v128.load(q, 32), c20); c21 = madd<T>(b1, v128.load(q, 32), c21);
    c30 = madd<T>(b0, v128.load(q, 48), c30); c31 = madd<T>(b1, v128.load(q, 48), c31);
    c40 = madd<T>(b0, v128.load(q, 64), c40); c41 = madd<T>(b1, v128.load(q, 64), c41);
    q += 80; p += 32;
  }
  v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80); v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  v128.store(tile, c40, 128); v128.store(tile, c41, 144);
}

/**
 * macroKernel for the 5x8 kernel. The A micro-panel (kc*MR5 splats, 20 KiB at kc = 256) is the one kept
 * in L1 while the B panels stream past it from L2: A is four times larger pre-splatted, so it is the
 * one not to re-read.
 */
function macroKernel5<T>(mc: i32, nc: i32, kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, tile: usize, overwrite: bool): void {
  const sz = <usize>sizeof<T>();
  const NR = nrOf<T>();
  const ldcb = <usize>ldc * sz;
  const z = v128.splat<T>(<T>0);
  for (let ir = 0; ir < mc; ir += MR5) {
    const mr = min(MR5, mc - ir);
    for (let jr = 0; jr < nc; jr += NR) {
      const nr = min(NR, nc - jr);
      const offB = <usize>(jr * kc) * sz;
      const cij = c + <usize>(ir * ldc + jr) * sz;
      const offA = <usize>(ir * kc) * 16;
      // Two call sites on purpose: Binaryen inlines a function called from one place, loop and all.
      if (mr == MR5 && nr == NR) {
        microKernel5<T>(kc, pa, offA, pb, offB, tile);
        // overwrite (beta == 0, first K block): C would hold zeros, so 0 + acc, without reading C.
        let dst = cij, t = tile;
        for (let r = 0; r < MR5; r++) {
          const x = overwrite ? z : v128.load(dst), y = overwrite ? z : v128.load(dst, 16);
          v128.store(dst, v128.add<T>(x, v128.load(t))); v128.store(dst, v128.add<T>(y, v128.load(t, 16)), 16);
          dst += ldcb; t += 32;
        }
      } else {
        // Edge tile: only the valid part of the zero-padded tile.
        microKernel5<T>(kc, pa, offA, pb, offB, tile);
        for (let r = 0; r < mr; r++) {
          for (let j = 0; j < nr; j++) {
            const dst = cij + <usize>(r * ldc + j) * sz;
            store<T>(dst, (overwrite ? <T>0 : load<T>(dst)) + load<T>(tile + <usize>(r * 32 + j * <i32>sz)));
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------- matrix-vector
// M == 1 or N == 1 would waste 3/4 (or 7/8) of the padded micro-tile, so those products
// run as y[0:L] += X · (alpha v), X(l, p) = x[l*xls + p*xps], with y contiguous.
// One of xls / xps is 1 for every transpose form: xps == 1 is the dot-product form (rows of
// X contiguous), xls == 1 the axpy form (columns of X contiguous).

@inline function hsum<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    return <T>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
  }
  return <T>(f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1));
}

function gemv<T>(L: i32, K: i32, alpha: T, x: usize, xls: i32, xps: i32, v: usize, vs: i32, y: usize, w: usize): void {
  const sz = <usize>sizeof<T>();
  const lanes = 16 / <i32>sz;
  // w[p] = alpha * v[p]: contiguous, scaled once.
  for (let p = 0; p < K; p++) store<T>(w + <usize>p * sz, load<T>(v + <usize>(p * vs) * sz) * alpha);
  const z = v128.splat<T>(<T>0);
  if (xps == 1) {
    const xlb = <usize>xls * sz;
    let l = 0;
    for (; l + 4 <= L; l += 4) {
      let r0 = x + <usize>l * xlb, r1 = r0 + xlb, r2 = r1 + xlb, r3 = r2 + xlb;
      let a0 = z, a1 = z, a2 = z, a3 = z;
      let q = w;
      let p = 0;
      for (; p + lanes <= K; p += lanes) {
        const wv = v128.load(q);
        a0 = v128.add<T>(a0, v128.mul<T>(v128.load(r0), wv)); a1 = v128.add<T>(a1, v128.mul<T>(v128.load(r1), wv));
        a2 = v128.add<T>(a2, v128.mul<T>(v128.load(r2), wv)); a3 = v128.add<T>(a3, v128.mul<T>(v128.load(r3), wv));
        q += 16; r0 += 16; r1 += 16; r2 += 16; r3 += 16;
      }
      let s0 = hsum<T>(a0), s1 = hsum<T>(a1), s2 = hsum<T>(a2), s3 = hsum<T>(a3);
      for (; p < K; p++) {
        const wp = load<T>(q);
        s0 += load<T>(r0) * wp; s1 += load<T>(r1) * wp; s2 += load<T>(r2) * wp; s3 += load<T>(r3) * wp;
        q += sz; r0 += sz; r1 += sz; r2 += sz; r3 += sz;
      }
      const yl = y + <usize>l * sz;
      store<T>(yl, load<T>(yl) + s0); store<T>(yl + sz, load<T>(yl + sz) + s1);
      store<T>(yl + 2 * sz, load<T>(yl + 2 * sz) + s2); store<T>(yl + 3 * sz, load<T>(yl + 3 * sz) + s3);
    }
    for (; l < L; l++) {
      let r0 = x + <usize>l * xlb;
      let a0 = z;
      let q = w;
      let p = 0;
      for (; p + lanes <= K; p += lanes) {
        a0 = v128.add<T>(a0, v128.mul<T>(v128.load(r0), v128.load(q)));
        q += 16; r0 += 16;
      }
      let s0 = hsum<T>(a0);
      for (; p < K; p++) { s0 += load<T>(r0) * load<T>(q); q += sz; r0 += sz; }
      const yl = y + <usize>l * sz;
      store<T>(yl, load<T>(yl) + s0);
    }
  } else {
    const xpb = <usize>xps * sz;
    let l = 0;
    for (; l + 4 * lanes <= L; l += 4 * lanes) {
      let a0 = z, a1 = z, a2 = z, a3 = z;
      let src = x + <usize>l * sz;
      let q = w;
      for (let p = 0; p < K; p++) {
        const wv = v128.load_splat<T>(q);
        a0 = v128.add<T>(a0, v128.mul<T>(v128.load(src), wv)); a1 = v128.add<T>(a1, v128.mul<T>(v128.load(src, 16), wv));
        a2 = v128.add<T>(a2, v128.mul<T>(v128.load(src, 32), wv)); a3 = v128.add<T>(a3, v128.mul<T>(v128.load(src, 48), wv));
        src += xpb; q += sz;
      }
      const yl = y + <usize>l * sz;
      v128.store(yl, v128.add<T>(v128.load(yl), a0)); v128.store(yl, v128.add<T>(v128.load(yl, 16), a1), 16);
      v128.store(yl, v128.add<T>(v128.load(yl, 32), a2), 32); v128.store(yl, v128.add<T>(v128.load(yl, 48), a3), 48);
    }
    for (; l + lanes <= L; l += lanes) {
      let a0 = z;
      let src = x + <usize>l * sz;
      let q = w;
      for (let p = 0; p < K; p++) {
        a0 = v128.add<T>(a0, v128.mul<T>(v128.load(src), v128.load_splat<T>(q)));
        src += xpb; q += sz;
      }
      const yl = y + <usize>l * sz;
      v128.store(yl, v128.add<T>(v128.load(yl), a0));
    }
    for (; l < L; l++) {
      let s0 = <T>0;
      let src = x + <usize>l * sz;
      let q = w;
      for (let p = 0; p < K; p++) { s0 += load<T>(src) * load<T>(q); src += xpb; q += sz; }
      const yl = y + <usize>l * sz;
      store<T>(yl, load<T>(yl) + s0);
    }
  }
}

function gemm<T>(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: T,
                 a: usize, lda: i32, b: usize, ldb: i32, beta: T, c: usize, ldc: i32, work: usize): void {
  const sz = <usize>sizeof<T>();
  if (K == 0 || alpha == <T>0) {
    scaleC<T>(M, N, beta, c, ldc);
    return;
  }
  // Matrix-vector products (the packed scratch for A holds the scaled vector).
  if ((N == 1 && ldc == 1 || M == 1) && K <= MC * KC) {
    scaleC<T>(M, N, beta, c, ldc);
    if (N == 1) {
      // y = opA · opB(:, 0); C is a contiguous column because ldc == 1.
      gemv<T>(M, K, alpha, a, transA ? 1 : lda, transA ? lda : 1, b, transB ? 1 : ldb, c, work);
    } else {
      // y = opB(:, j)ᵀ · opA(0, :)
      gemv<T>(N, K, alpha, b, transB ? ldb : 1, transB ? 1 : ldb, a, transA ? lda : 1, c, work);
    }
    return;
  }
  const NR = nrOf<T>();
  const pa = work;

  // beta == 0: the first K block writes C instead of adding to zeros (no zeroing pass, no reads of C).
  const overwrite = beta == <T>0;
  if (!overwrite) scaleC<T>(M, N, beta, c, ldc);
  // The 5x8 kernel where it wins (see the header): per flop it is ~5% faster in a whole call, but packing
  // A pre-splatted costs about 6 multiply-adds' time per A value more, M pads to a multiple of 5 instead
  // of 4, and for short K its per-tile call and tile copy weigh. So it serves K >= 64 when
  // 0.95 * ceil5(M) * N + 6 * M < ceil4(M) * N (per unit of K, in multiply-adds): not the N = 10 or
  // M = 16 products of the training steps, yes for M = 10 (4x8 pads it to 12) and for N >= 256.
  const m5 = <f64>(((M + MR5 - 1) / MR5) * MR5), m4 = <f64>(((M + MR - 1) / MR) * MR);
  const five = K >= 64 && 0.95 * m5 * <f64>N + 6.0 * <f64>M < m4 * <f64>N;
  const mr = five ? MR5 : MR;
  const pb = pa + (five ? <usize>(MC5 * KC) * 16 : <usize>(MC * KC) * sz);
  const tile = pb + <usize>(KC * NC) * sz;
  const ncb = blockSize(N, NC, NR), kcb = blockSize(K, KC, 1), mcb = blockSize(M, five ? MC5 : MC, mr);
  for (let jc = 0; jc < N; jc += ncb) {
    const nc = min(ncb, N - jc);
    for (let pc = 0; pc < K; pc += kcb) {
      const kc = min(kcb, K - pc);
      packB<T>(transB, kc, nc, b, ldb, pc, jc, pb);
      for (let ic = 0; ic < M; ic += mcb) {
        const mc = min(mcb, M - ic);
        const cb = c + <usize>(ic * ldc + jc) * sz;
        if (five) {
          packA5<T>(transA, mc, kc, a, lda, ic, pc, alpha, pa);
          macroKernel5<T>(mc, nc, kc, pa, pb, cb, ldc, tile, overwrite && pc == 0);
        } else {
          packA<T>(transA, mc, kc, a, lda, ic, pc, alpha, pa);
          macroKernel<T>(mc, nc, kc, pa, pb, cb, ldc, tile, overwrite && pc == 0);
        }
      }
    }
  }
}

/**
 * `batch` products with the same shapes, entry i on a + i*sa, b + i*sb, c + i*sc (element strides;
 * 0 reuses one operand): the per-entry gemm above, in order, so each entry's result is bitwise what a
 * call of its own gives. One call instead of `batch` saves the per-call copies and JS-to-wasm calls.
 */
function gemmBatched<T>(batch: i32, transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: T,
                        a: usize, lda: i32, sa: i32, b: usize, ldb: i32, sb: i32,
                        beta: T, c: usize, ldc: i32, sc: i32, work: usize): void {
  const sz = <usize>sizeof<T>();
  for (let i = 0; i < batch; i++) {
    gemm<T>(transA, transB, M, N, K, alpha, a + <usize>i * <usize>sa * sz, lda, b + <usize>i * <usize>sb * sz, ldb,
      beta, c + <usize>i * <usize>sc * sz, ldc, work);
  }
}

/** float32 GEMM on byte pointers into this module's memory; see the header for the contract. */
export function sgemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                      a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, work: usize): void {
  gemm<f32>(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, work);
}

/** float64 GEMM (f64x2 lanes, 4x4 micro-tile), same contract as sgemm. */
export function dgemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f64,
                      a: usize, lda: i32, b: usize, ldb: i32, beta: f64, c: usize, ldc: i32, work: usize): void {
  gemm<f64>(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, work);
}

/** float32 batched GEMM (gemmBatched above). */
export function sgemmBatched(batch: i32, transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                             a: usize, lda: i32, sa: i32, b: usize, ldb: i32, sb: i32,
                             beta: f32, c: usize, ldc: i32, sc: i32, work: usize): void {
  gemmBatched<f32>(batch, transA, transB, M, N, K, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, work);
}

/** float64 batched GEMM (gemmBatched above). */
export function dgemmBatched(batch: i32, transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f64,
                             a: usize, lda: i32, sa: i32, b: usize, ldb: i32, sb: i32,
                             beta: f64, c: usize, ldc: i32, sc: i32, work: usize): void {
  gemmBatched<f64>(batch, transA, transB, M, N, K, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, work);
}
