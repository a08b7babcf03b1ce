/** Which kernel implementation runs: shared by gemm.ts and elementwise.ts. */
import { relaxedInUse, setRelaxedWanted, wasmKernels } from './wasm-module';

let requested: 'wasm' | 'js' | 'auto' = 'auto';

/**
 * Chooses the kernel implementation. 'auto' (the default) uses WebAssembly SIMD when the
 * engine supports it (and the JS path for tiny products); 'js' forces the TypeScript
 * fallback; 'wasm' forces WebAssembly for every size and throws if SIMD is unavailable.
 * @example setKernelBackend('js'); // e.g. to compare results or timings
 */
export function setKernelBackend(b: 'wasm' | 'js' | 'auto'): void {
  if (b !== 'wasm' && b !== 'js' && b !== 'auto') {
    throw new Error(`setKernelBackend: expected 'wasm', 'js' or 'auto', got ${JSON.stringify(b)}`);
  }
  if (b === 'wasm' && wasmKernels() === null) {
    throw new Error("setKernelBackend('wasm'): this engine has no WebAssembly SIMD support (or the module failed to compile)");
  }
  requested = b;
}

/**
 * The backend in effect: 'js' when forced or when WebAssembly SIMD is unavailable, else 'wasm'.
 * @example if (kernelBackend() === 'js') console.warn('slow matmul path');
 */
export function kernelBackend(): 'wasm' | 'js' {
  if (requested === 'js') return 'js';
  return wasmKernels() !== null ? 'wasm' : 'js';
}

/** The raw setting ('auto' included), for dispatchers that treat 'auto' specially. */
export function requestedBackend(): 'wasm' | 'js' | 'auto' {
  return requested;
}

/**
 * Whether the kernels may use relaxed-SIMD fused multiply-adds (default true). They do only where the
 * engine supports relaxed SIMD (see {@link relaxedSimdActive}): ~25% faster float32 and float64
 * matmuls, and float32 SGD / momentum / Adam / AdamW updates that fuse the multiply-adds PyTorch's CPU
 * kernels fuse — one rounding instead of two, so the last bits of products and of optimizer steps
 * differ from the plain-SIMD and JS paths (and match PyTorch's float32 optimizer steps). Turn it off
 * for results that are the same on every engine.
 * @example setRelaxedSimd(false); // bitwise the same matmul and optimizer results in every browser and Node version
 */
export function setRelaxedSimd(enabled: boolean): void {
  if (typeof enabled !== 'boolean') throw new TypeError(`setRelaxedSimd: expected true or false, got ${JSON.stringify(enabled)}`);
  setRelaxedWanted(enabled);
}

/**
 * True when the WebAssembly kernels are in use (backend 'wasm') and are the relaxed-SIMD build: asked for (the default) and supported by
 * this engine (Chromium-based browsers, and Node versions whose V8 ships relaxed SIMD; Node 20 needs
 * `node --experimental-wasm-relaxed-simd`).
 * @example console.log(relaxedSimdActive() ? 'matmul and float32 optimizer steps use FMA' : 'separate multiply and add');
 */
export function relaxedSimdActive(): boolean {
  return kernelBackend() === 'wasm' && relaxedInUse();
}
