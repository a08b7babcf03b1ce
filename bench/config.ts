/**
 * What the benchmark measures, shared by every column: the row ids, the workload sizes, and the
 * repetition counts of the full and the --quick run. bench/torch.py receives the same object as JSON.
 */
import type { ClockName, TimingOptions } from './timing';

/**
 * Columns of the table, in order. `tapegrad` runs the plain WebAssembly SIMD kernels (separate multiply
 * and add; what every engine with SIMD runs); `tapegrad-compiled` the same kernels with each training step
 * through compile() (issue 15; step rows only, bench/compiled.ts); `tapegrad-fma` the relaxed-SIMD build
 * (fused multiply-add), in this process when the engine ships relaxed SIMD, else in a child
 * `node --experimental-wasm-relaxed-simd`.
 */
export const COLUMNS = ['tapegrad', 'tapegrad-compiled', 'tapegrad-fma', 'tfjs-cpu', 'tfjs-wasm', 'pytorch'] as const;
export type Column = (typeof COLUMNS)[number];
export type Peer = Exclude<Column, 'tapegrad' | 'tapegrad-compiled' | 'tapegrad-fma'>;

/** Rows of the table, in order. */
export const ROWS = [
  { id: 'matmul_ab', label: 'matmul 512 A·B', unit: 'GFLOP/s', higherIsBetter: true },
  { id: 'matmul_atb', label: 'matmul 512 Aᵀ·B', unit: 'GFLOP/s', higherIsBetter: true },
  { id: 'matmul_abt', label: 'matmul 512 A·Bᵀ', unit: 'GFLOP/s', higherIsBetter: true },
  { id: 'step_b64', label: 'MLP train step, batch 64', unit: 'ms/step', higherIsBetter: false },
  { id: 'step_b256', label: 'MLP train step, batch 256', unit: 'ms/step', higherIsBetter: false },
  { id: 'tiny_op', label: 'tiny op fwd+bwd (1 elem)', unit: 'µs/op', higherIsBetter: false },
  { id: 'digits_wall', label: 'digits job time', unit: 's', higherIsBetter: false },
  { id: 'digits_acc', label: 'digits job test accuracy', unit: '%', higherIsBetter: true },
  // convolution (issue 12)
  { id: 'conv2d_fwd', label: 'conv2d fwd 3×3 64→64 32², b8', unit: 'GFLOP/s', higherIsBetter: true },
  { id: 'conv2d_gemm', label: 'GEMM at its im2col shape', unit: 'GFLOP/s', higherIsBetter: true },
  // recurrent (issue 13)
  { id: 'lstm_step', label: 'LSTM train step 32→128, T 32, B 16', unit: 'ms/step', higherIsBetter: false },
  // attention (issue 13)
  { id: 'transformer_step', label: 'Transformer encoder layer step', unit: 'ms/step', higherIsBetter: false },
  // memory and kernel limits (issue 15): tapegrad columns only
  { id: 'step_b64_heap_kb', label: 'step b64: JS heap allocated', unit: 'kB/step', higherIsBetter: false },
  { id: 'step_b64_buffer_kb', label: 'step b64: tensor buffers allocated', unit: 'kB/step', higherIsBetter: false },
  { id: 'simd_peak', label: 'WASM SIMD mul+add peak', unit: 'GFLOP/s', higherIsBetter: true },
  { id: 'cnn_step_b32', label: 'LeNet train step, batch 32', unit: 'ms/step', higherIsBetter: false },
  { id: 'cnn_step_b128', label: 'LeNet train step, batch 128', unit: 'ms/step', higherIsBetter: false },
  { id: 'cnn_digits_wall', label: 'CNN digits job time', unit: 's', higherIsBetter: false },
  { id: 'cnn_digits_acc', label: 'CNN digits job test accuracy', unit: '%', higherIsBetter: true },
] as const;
export type RowId = (typeof ROWS)[number]['id'];

/** One column's figures: a number per row it ran, null for rows it skipped. */
export type ColumnFigures = Partial<Record<RowId, number | null>>;

/** The digits training job (row digits_*). */
export interface DigitsJob {
  epochs: number;
  trainSize: number;
  testSize: number;
  batchSize: number;
  lr: number;
  momentum: number;
  /** Seed of the weight init and of the per-epoch shuffle (each framework uses its own generator). */
  seed: number;
}

export interface BenchConfig {
  quick: boolean;
  /** What every timing measures: wall-clock time (default) or the process's CPU time. */
  clock: ClockName;
  /** Side of the square matmul. */
  matmulN: number;
  matmulTiming: TimingOptions;
  /** MLP layer sizes (784 -> 128 ReLU -> 10) and SGD learning rate of the step rows. */
  mlp: { inF: number; hidden: number; classes: number; lr: number };
  stepTiming: TimingOptions;
  /** Length of the scalar op chain of the tiny-op row (half muls, half adds). */
  tinyChain: number;
  tinyTiming: TimingOptions;
  digits: DigitsJob;
  /** Rows that tfjs-cpu skips (too slow for --quick). */
  tfjsCpuSkip: RowId[];
  /**
   * conv2d rows (issue 12): a kernel×kernel conv, inC -> outC channels, size×size images, `batch` of
   * them, padding kernel/2 (output as large as the input), with bias; conv2d_gemm is tapegrad's GEMM
   * alone at that conv's im2col shape (batch × [outC, inC·k²] · [inC·k², size²]).
   */
  conv: { batch: number; inC: number; outC: number; size: number; kernel: number };
  convTiming: TimingOptions;
  /** recurrent (issue 13): LSTM(input, hidden) over [seq, batch, input], Linear to classes on the last step, SGD. */
  lstm: { input: number; hidden: number; seq: number; batch: number; classes: number; lr: number };
  // attention (issue 13)
  /** The transformer_step row: one TransformerEncoderLayer (batch first, post-norm, ReLU, no dropout), MSE loss, SGD. */
  transformer: { dModel: number; nhead: number; seq: number; batch: number; dimFeedforward: number; lr: number };
  transformerTiming: TimingOptions;
  /**
   * The LeNet of the CLI's `--model cnn` (issue 12): per entry of `channels` Conv2d(prev, c, 3, padding 1),
   * ReLU, MaxPool2d(2), then Flatten and Linear to `classes`, on `side`×`side` single-channel images; plain
   * SGD at `lr` for the step rows, the digits job's SGD with momentum for cnn_digits_*.
   */
  cnn: { side: number; channels: number[]; classes: number; lr: number };
  cnnStepTiming: TimingOptions;
}

export function makeConfig(quick: boolean, clock: ClockName = 'wall'): BenchConfig {
  return {
    quick,
    clock,
    matmulN: 512,
    matmulTiming: quick ? { warmup: 1, reps: 3, minSampleMs: 0 } : { warmup: 3, reps: 9, minSampleMs: 0 },
    mlp: { inF: 784, hidden: 128, classes: 10, lr: 0.05 },
    // Steps warm up longer than matmul: the JIT needs a few hundred calls to settle the tape code.
    stepTiming: quick ? { warmup: 30, reps: 5, minSampleMs: 30 } : { warmup: 100, reps: 11, minSampleMs: 150 },
    tinyChain: 100,
    tinyTiming: quick ? { warmup: 20, reps: 5, minSampleMs: 20 } : { warmup: 200, reps: 11, minSampleMs: 100 },
    digits: { epochs: quick ? 2 : 10, trainSize: 8000, testSize: 2000, batchSize: 64, lr: 0.05, momentum: 0.9, seed: 0 },
    conv: { batch: 8, inC: 64, outC: 64, size: 32, kernel: 3 },
    convTiming: quick ? { warmup: 1, reps: 3, minSampleMs: 0 } : { warmup: 3, reps: 9, minSampleMs: 0 },
    tfjsCpuSkip: quick ? ['step_b256', 'digits_wall', 'digits_acc', 'transformer_step', 'lstm_step', 'cnn_step_b128', 'cnn_digits_wall', 'cnn_digits_acc'] : [],
    // recurrent (issue 13)
    lstm: { input: 32, hidden: 128, seq: 32, batch: 16, classes: 10, lr: 0.05 },
    // attention (issue 13)
    transformer: { dModel: 64, nhead: 4, seq: 64, batch: 16, dimFeedforward: 256, lr: 0.01 },
    transformerTiming: quick ? { warmup: 5, reps: 5, minSampleMs: 30 } : { warmup: 20, reps: 9, minSampleMs: 200 },
    // LeNet (issue 12)
    cnn: { side: 28, channels: [8, 16], classes: 10, lr: 0.05 },
    cnnStepTiming: quick ? { warmup: 5, reps: 5, minSampleMs: 30 } : { warmup: 20, reps: 9, minSampleMs: 150 },
  };
}
