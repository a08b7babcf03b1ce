/** Oracle cases of the sequence family (FORMAT-models.md): scans, sorting, einsum, norms, recurrent and attention modules. */
import { Tensor, cat, cosineSimilarity, einsum } from '@tapegrad/core';
import { Module, RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell } from '@tapegrad/nn';
import type { Args, ModuleCase, OpFn } from './types';
import { num } from './types';

// scans, sorting, triangles, reordering, einsum, norms (issue 13)
export const sequenceOps: Record<string, OpFn> = {
  cumsum: ([x], a) => x.cumsum(num(a.dim)),
  cumprod: ([x], a) => x.cumprod(num(a.dim)),
  sort: ([x], a) => x.sort(num(a.dim), a.descending as boolean).values,
  topk: ([x], a) => x.topk(num(a.k), num(a.dim), a.largest as boolean).values,
  tril: ([x], a) => x.tril(num(a.diagonal)),
  triu: ([x], a) => x.triu(num(a.diagonal)),
  flip: ([x], a) => x.flip(a.dims as number[]),
  roll: ([x], a) => x.roll(a.shifts as number | number[], a.dims as number | number[] | null),
  einsum: (xs: Tensor[], a) => einsum(a.equation as string, xs),
  norm: ([x], a) => x.norm(num(a.p), a.dim as number | number[] | null, (a.keepdim as boolean | undefined) ?? false),
  cosineSimilarity: ([x1, x2], a) => cosineSimilarity(x1, x2, num(a.dim), num(a.eps)),
};

// recurrent modules (issue 13)
const rnnOpts = (c: Args) => ({
  numLayers: c.numLayers as number, bias: c.bias as boolean, batchFirst: c.batchFirst as boolean, bidirectional: c.bidirectional as boolean,
});
const cellOpts = (c: Args) => ({ bias: c.bias as boolean });

export const sequenceModules: Record<string, ModuleCase> = {
  lstm: {
    build: (c) => new LSTM(c.inputSize as number, c.hiddenSize as number, rnnOpts(c)),
    forward: (m: Module, [x, h0, c0], c) => (m as LSTM).call(x, c.withInitialState ? [h0, c0] : null)[0],
  },
  gru: {
    build: (c) => new GRU(c.inputSize as number, c.hiddenSize as number, rnnOpts(c)),
    forward: (m: Module, [x, h0], c) => (m as GRU).call(x, c.withInitialState ? h0 : null)[0],
  },
  rnn: {
    build: (c) => new RNN(c.inputSize as number, c.hiddenSize as number, { ...rnnOpts(c), nonlinearity: c.nonlinearity as 'tanh' | 'relu' }),
    forward: (m: Module, [x, h0], c) => (m as RNN).call(x, c.withInitialState ? h0 : null)[0],
  },
  lstmCell: {
    build: (c) => new LSTMCell(c.inputSize as number, c.hiddenSize as number, cellOpts(c)),
    forward: (m: Module, [x, h, c]) => cat((m as LSTMCell).call(x, [h, c]) as Tensor[], -1),
  },
  gruCell: {
    build: (c) => new GRUCell(c.inputSize as number, c.hiddenSize as number, cellOpts(c)),
    forward: (m: Module, [x, h]) => (m as GRUCell).call(x, h),
  },
  rnnCell: {
    build: (c) => new RNNCell(c.inputSize as number, c.hiddenSize as number, cellOpts(c)),
    forward: (m: Module, [x, h]) => (m as RNNCell).call(x, h),
  },
};

