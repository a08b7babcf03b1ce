/**
 * tapegrad — PyTorch-style reverse-mode autodiff for TypeScript.
 *
 * Everything of `@tapegrad/core` at the top level (`tensor`, `Tensor`, `noGrad`, `grad`, ...), and the
 * other packages as namespaces:
 * @example
 * import { tensor, nn, optim, data } from 'tapegrad';
 * const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 * const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
 * @packageDocumentation
 */
export * from '@tapegrad/core';
export * as core from '@tapegrad/core';
export * as nn from '@tapegrad/nn';
export * as optim from '@tapegrad/optim';
export * as data from './data.js';
// writeFileAtomicSync is internal to the CLI and the checkpoint writer (packaging, issue 18).
export { save, load, loadWithMetadata, saveCheckpoint, loadCheckpoint } from './io/checkpoint.js';
// webgpu (issue 17): saving state that lives on the device
export { saveAsync, saveCheckpointAsync, toCpuAsync } from './io/checkpoint.js';
export type { Checkpoint, SaveOptions } from './io/checkpoint.js';
