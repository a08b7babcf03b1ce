/**
 * `nn.utils`: gradient clipping, parameter vectors and the model summary.
 * @packageDocumentation
 */
export { clipGradNorm_, clipGradValue_, parametersToVector, vectorToParameters } from './clip-grad';
export type { ClipGradNormOptions } from './clip-grad';
export { summary } from './summary';
export type { SummaryRow, ModelSummary, SummaryOptions } from './summary';
// recurrent sequences (issue 13): nn.utils.rnn
export * as rnn from './rnn';
export { PackedSequence } from './rnn';
