/** Which kernel implementation runs: shared by gemm.ts and elementwise.ts. */
import { wasmKernels } from './wasm-module';

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
