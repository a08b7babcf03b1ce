/** Oracle cases of the sequence family (FORMAT-models.md): scans, sorting, einsum, norms, recurrent and attention modules. */
import type { Tensor } from '@tapegrad/core';
import { cat } from '@tapegrad/core';
import { Module, RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell } from '@tapegrad/nn';
import type { Args, ModuleCase, OpFn } from './types';

export const sequenceOps: Record<string, OpFn> = {};

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

export type { Args };
