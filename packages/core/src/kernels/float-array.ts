/** The float storage the GEMM kernels accept; one call uses a single type for A, B and C. */
export type FloatArray = Float32Array | Float64Array;
