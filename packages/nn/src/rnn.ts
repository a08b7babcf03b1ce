/**
 * Recurrent layers: RNN, LSTM, GRU and their cells, with PyTorch's parameters, names and semantics.
 *
 * The time loop costs a handful of tape nodes per step, not one per scalar: the input projection of
 * every step is one GEMM per layer and direction (`linear` over the whole sequence, read per step through
 * `unbind`), and each step is one GEMM for all gates (`linear(h, W_hh, b_hh)`) and one fused elementwise
 * primitive for the cell update (core's `lstmCell` / `gruCell`, each with its own VJP). An LSTM without
 * projection over a padded sequence goes further: each direction is one primitive (core's `lstmLayer`),
 * the same per-step work on arrays under a single tape node.
 */
import {
  Tensor, DType, Generator, getDefaultDtype, zeros, linear, lstmCell, gruCell, unbind, sharedLinear, cat, stack, indexSelect, tensor, lstmLayer,
} from '@tapegrad/core';
import { Module } from './module';
import { Parameter } from './parameter';
import * as init from './init';
import { dropout as dropoutFn } from './functional/dropout';
import { checkFloatInput, checkOptions } from './check';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { PackedSequence, paddedIndex } from './utils/rnn';

type Mode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';
const GATES: Record<Mode, number> = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 };
const shp = (t: Tensor | number[]): string => `[${(t instanceof Tensor ? t.shape : t).join(', ')}]`;
/** An input or state of another float dtype than the parameters: name the module (PyTorch says only "mat1 and mat2 must have the same dtype"). */
function checkParamDtype(name: string, what: string, t: Tensor, want: string): void {
  if (t.dtype !== want) {
    throw new TypeError(`${name}: ${what} is ${t.dtype} but the module's parameters are ${want}; they must have the same dtype (convert the ${what} with .to('${want}') or the module with .to('${t.dtype}'))`);
  }
}

export interface RNNBaseOptions {
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Input and output are [B, T, *] instead of [T, B, *] (default false); the states stay [L·D, B, H]. */
  batchFirst?: boolean;
  /** Dropout probability on each layer's output except the last, in training mode (default 0). */
  dropout?: number;
  /** Also run each layer backwards in time and concatenate the two outputs (default false). */
  bidirectional?: boolean;
  /** Parameter dtype (default: the default float dtype). */
  dtype?: DType;
  /** Generator for the initial values and the dropout masks (default: the global generator). */
  generator?: Generator;
}
export interface RNNOptions extends RNNBaseOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}
export interface LSTMOptions extends RNNBaseOptions {
  /** Project each h_t to this size with weight_hr (PyTorch's proj_size; default 0: no projection). */
  projSize?: number;
}

const BASE_KEYS = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'dtype', 'generator'] as const;
/** PyTorch's positional parameters after (inputSize, hiddenSize), in RNNBase's order (nn.RNN puts nonlinearity after numLayers). */
const BASE_POSITIONAL = [pos.number('numLayers'), pos.boolean('bias'), pos.boolean('batchFirst'), pos.number('dropout'), pos.boolean('bidirectional')];
const RNN_POSITIONAL = [BASE_POSITIONAL[0], pos.string('nonlinearity'), ...BASE_POSITIONAL.slice(1)];

function checkSize(fn: string, name: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${fn}: ${name} must be an integer >= ${min}, got ${v}`);
}

/** The parameters of one layer and direction, as the step loop reads them. */
interface Weights { wIh: Parameter; wHh: Parameter; bIh: Parameter | null; bHh: Parameter | null; wHr: Parameter | null }

/**
 * What RNN, LSTM and GRU share (PyTorch's `RNNBase`). A PackedSequence input is passed to `forward()`
 * (`Module.call()`'s types follow the Tensor form) and gives a PackedSequence output. Parameters `weight_ih_l{k}`, `weight_hh_l{k}`,
 * `bias_ih_l{k}`, `bias_hh_l{k}` (LSTM with projSize also `weight_hr_l{k}`), `_reverse` for the second
 * direction, in PyTorch's order, all initialised U(−1/√hidden, 1/√hidden).
 */
export abstract class RNNBase extends Module {
  declare readonly mode: Mode;
  declare readonly inputSize: number;
  declare readonly hiddenSize: number;
  declare readonly numLayers: number;
  declare readonly bias: boolean;
  declare readonly batchFirst: boolean;
  declare readonly dropout: number;
  declare readonly bidirectional: boolean;
  declare readonly projSize: number;
  /** @internal */ declare readonly _generator: Generator | undefined;

  protected constructor(mode: Mode, name: string, inputSize: number, hiddenSize: number, opts: RNNBaseOptions & { projSize?: number }) {
    super();
    const { numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false, projSize = 0, dtype = getDefaultDtype(), generator } = opts;
    checkSize(name, 'inputSize', inputSize, 0);
    checkSize(name, 'hiddenSize', hiddenSize);
    checkSize(name, 'numLayers', numLayers);
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
      throw new RangeError(`${name}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${dropout}`);
    }
    if (dropout > 0 && numLayers === 1) {
      // PyTorch's UserWarning: the dropout sits between layers, so one layer never uses it.
      console.warn(`${name}: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects numLayers greater than 1, but got dropout=${dropout} and numLayers=${numLayers}`);
    }
    if (!Number.isInteger(projSize) || projSize < 0) throw new RangeError(`${name}: projSize should be a positive integer or zero to disable projections, got ${projSize}`);
    if (projSize >= hiddenSize) throw new RangeError(`${name}: projSize (${projSize}) has to be smaller than hiddenSize (${hiddenSize})`);
    // Assigned here rather than declared with initialisers, so that the subclasses' field semantics
    // cannot reset them after this constructor ran.
    Object.assign(this, { mode, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize, _generator: generator });
    const G = GATES[mode] * hiddenSize;
    const outH = projSize > 0 ? projSize : hiddenSize;
    const dirs = bidirectional ? 2 : 1;
    for (let l = 0; l < numLayers; l++) {
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const inF = l === 0 ? inputSize : outH * dirs;
        this.registerParameter(`weight_ih${sfx}`, new Parameter(zeros([G, inF], { dtype })));
        this.registerParameter(`weight_hh${sfx}`, new Parameter(zeros([G, outH], { dtype })));
        if (bias) {
          this.registerParameter(`bias_ih${sfx}`, new Parameter(zeros([G], { dtype })));
          this.registerParameter(`bias_hh${sfx}`, new Parameter(zeros([G], { dtype })));
        }
        if (projSize > 0) this.registerParameter(`weight_hr${sfx}`, new Parameter(zeros([projSize, hiddenSize], { dtype })));
      }
    }
    this.resetParameters(generator);
  }

  /** PyTorch's init: every parameter U(−1/√hidden, 1/√hidden). */
  resetParameters(generator?: Generator): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -bound, bound, { generator });
  }

  /** PyTorch's `flatten_parameters()`: a no-op here (the weights are always used in place, as on PyTorch's CPU). */
  flattenParameters(): void {}

  /** PyTorch's `all_weights`: each layer and direction's parameters, in state-dict order. */
  get allWeights(): Parameter[][] {
    const self = this as unknown as Record<string, Parameter | undefined>;
    const out: Parameter[][] = [];
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < (this.bidirectional ? 2 : 1); d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        out.push(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh', 'weight_hr'].map((n) => self[n + sfx]).filter((p): p is Parameter => p instanceof Parameter));
      }
    }
    return out;
  }

  /** @internal */
  private _weights(l: number, d: number): Weights {
    const self = this as unknown as Record<string, Parameter | undefined>;
    const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
    return {
      wIh: self[`weight_ih${sfx}`] as Parameter, wHh: self[`weight_hh${sfx}`] as Parameter,
      bIh: self[`bias_ih${sfx}`] ?? null, bHh: self[`bias_hh${sfx}`] ?? null, wHr: self[`weight_hr${sfx}`] ?? null,
    };
  }

  private get _name(): string {
    return this.mode === 'LSTM' ? 'LSTM' : this.mode === 'GRU' ? 'GRU' : 'RNN';
  }

  /** @internal Checks a state tensor's shape; returns it with a batch dim. */
  private _checkState(what: string, s: Tensor, expected: number[], unbatched: boolean): Tensor {
    const want = unbatched ? [expected[0], expected[2]] : expected;
    if (!(s instanceof Tensor)) throw new TypeError(`${this._name}: ${what} must be a Tensor`);
    if (s.ndim !== want.length || s.shape.some((v, i) => v !== want[i])) {
      const last = what === 'c0' ? 'hiddenSize' : this.projSize > 0 ? 'projSize' : 'hidden size';
      throw new RangeError(`${this._name}: expected ${what} of shape ${shp(want)} (numLayers·numDirections, ${unbatched ? '' : 'batch, '}${last}), got ${shp(s)}${unbatched ? ' (the input is unbatched 2-D, so the state must be 2-D too)' : ''}`);
    }
    checkParamDtype(this._name, what, s, this._weights(0, 0).wIh.dtype);
    return unbatched ? s.unsqueeze(1) : s;
  }

  /** @internal The shared forward: returns the output (Tensor or PackedSequence), h_n and c_n (LSTM). */
  protected _run(input: Tensor | PackedSequence, hx: Tensor | [Tensor, Tensor] | null | undefined): [Tensor | PackedSequence, Tensor, Tensor | null] {
    const name = this._name;
    const lstm = this.mode === 'LSTM';
    const packed = input instanceof PackedSequence;
    let x: Tensor;
    let sizes: number[];
    let unbatched = false;
    if (packed) {
      x = input.data;
      checkFloatInput(name, x);
      if (x.ndim !== 2 || x.shape[1] !== this.inputSize) {
        throw new RangeError(`${name}: expected packed data of shape [N, ${this.inputSize}] (inputSize ${this.inputSize}), got ${shp(x)}`);
      }
      sizes = input._sizes;
    } else {
      checkFloatInput(name, input);
      if (input.ndim !== 2 && input.ndim !== 3) throw new RangeError(`${name}: expected input to be 2-D (unbatched [T, ${this.inputSize}]) or 3-D, got ${input.ndim}-D input of shape ${shp(input)}`);
      if (input.shape[input.ndim - 1] !== this.inputSize) {
        throw new RangeError(`${name}: input.size(-1) must be equal to inputSize: expected ${this.inputSize}, got ${input.shape[input.ndim - 1]} (input shape ${shp(input)})`);
      }
      if (input.shape[input.ndim === 3 && this.batchFirst ? 1 : 0] === 0) throw new RangeError(`${name}: expected sequence length to be larger than 0, got input of shape ${shp(input)}`);
      unbatched = input.ndim === 2;
      x = unbatched ? input.unsqueeze(1) : this.batchFirst ? input.transpose(0, 1) : input;
      sizes = new Array<number>(x.shape[0]).fill(x.shape[1]);
    }
    const T = sizes.length;
    const B = T ? sizes[0] : packed ? 0 : x.shape[1];
    const dirs = this.bidirectional ? 2 : 1;
    const outH = this.projSize > 0 ? this.projSize : this.hiddenSize;
    const nStates = this.numLayers * dirs;
    const dtype = x.dtype;
    checkParamDtype(name, 'input', x, this._weights(0, 0).wIh.dtype);
    const sorted = packed ? input.sortedIndices : null;
    let h0: Tensor | null = null, c0: Tensor | null = null;
    if (hx !== undefined && hx !== null) {
      if (lstm) {
        if (!Array.isArray(hx) || hx.length !== 2) throw new TypeError(`${name}: expected the initial state as [h0, c0]`);
        h0 = this._checkState('h0', hx[0], [nStates, B, outH], unbatched);
        c0 = this._checkState('c0', hx[1], [nStates, B, this.hiddenSize], unbatched);
      } else {
        if (Array.isArray(hx)) throw new TypeError(`${name}: expected the initial state h0 as one Tensor, got an array`);
        h0 = this._checkState('h0', hx, [nStates, B, outH], unbatched);
      }
      if (sorted) {
        h0 = indexSelect(h0, 1, sorted);
        if (c0) c0 = indexSelect(c0, 1, sorted);
      }
    }
    const h0s = h0 ? unbind(h0, 0) : null, c0s = c0 ? unbind(c0, 0) : null;
    const hN: Tensor[] = [], cN: Tensor[] = [];
    // Packed steps are read from a padded [T, B, G] view of the projection (rows past b_t are never read).
    const pad = packed ? tensor(paddedIndex(sizes, B, T, x.shape[0]), { dtype: 'int32', device: x.device }) : null; // device: webgpu (issue 17)
    let layerIn = x;
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const w = this._weights(l, d);
        const k = l * dirs + d;
        const hInit = h0s ? h0s[k] : zeros([B, outH], { dtype, device: x.device }); // device: webgpu (issue 17)
        const cInit = lstm ? (c0s ? c0s[k] : zeros([B, this.hiddenSize], { dtype, device: x.device })) : null;
        let proj = linear(layerIn, w.wIh, w.bIh);
        if (pad) proj = indexSelect(cat([proj, zeros([1, proj.shape[1]], { dtype: proj.dtype, device: proj.device })], 0), 0, pad).reshape([T, B, -1]);
        if (lstm && !pad && !w.wHr && T > 0 && x.device === 'cpu' && cInit && hInit.dtype === proj.dtype && cInit.dtype === proj.dtype) { // webgpu (issue 17): the fused layer reads host memory; the device steps cell by cell
          // The whole direction as one primitive: one tape node, one W_hh gradient GEMM (core's lstmLayer).
          const r = lstmLayer(proj, hInit, cInit, w.wHh, w.bHh, { reverse: d === 1 });
          outs.push(r.narrow(0, 0, T));
          hN.push(r.select(0, d === 1 ? 0 : T - 1));
          cN.push(r.select(0, T));
          continue;
        }
        const steps = unbind(proj, 0);
        const [ys, hLast, cLast] = this._direction(steps, sizes, w, hInit, cInit, d === 1);
        outs.push(packed ? cat(ys, 0) : stack(ys, 0));
        hN.push(hLast);
        if (cLast) cN.push(cLast);
      }
      layerIn = dirs === 1 ? outs[0] : cat(outs, -1);
      if (this.dropout > 0 && this.training && l < this.numLayers - 1) layerIn = dropoutFn(layerIn, this.dropout, true, { generator: this._generator });
    }
    let h = stack(hN, 0), c = lstm ? stack(cN, 0) : null;
    if (packed && input.unsortedIndices) {
      h = indexSelect(h, 1, input.unsortedIndices);
      if (c) c = indexSelect(c, 1, input.unsortedIndices);
    }
    if (unbatched) {
      h = h.squeeze(1);
      if (c) c = c.squeeze(1);
    }
    let out: Tensor | PackedSequence;
    if (packed) out = new PackedSequence(layerIn, input.batchSizes, input.sortedIndices, input.unsortedIndices);
    else out = unbatched ? layerIn.squeeze(1) : this.batchFirst ? layerIn.transpose(0, 1) : layerIn;
    return [out, h, c];
  }

  /**
   * One layer in one direction over the steps' input projections; sizes[t] is the number of sequences
   * still running at step t (all B unless packed). Returns the per-step outputs in time order and the
   * final h (and c) for every sequence, in batch order.
   */
  private _direction(steps: Tensor[], sizes: number[], w: Weights, hInit: Tensor, cInit: Tensor | null, reverse: boolean): [Tensor[], Tensor, Tensor | null] {
    const T = sizes.length;
    const ys = new Array<Tensor>(T);
    const B = hInit.shape[0];
    let h = hInit, c = cInit;
    const doneH: Tensor[] = [], doneC: Tensor[] = [];
    // W_hh (and W_hr) get one gradient GEMM over all the steps, not one per step.
    const hh = sharedLinear(w.wHh, w.bHh), hr = w.wHr ? sharedLinear(w.wHr) : null;
    if (reverse && T > 0 && sizes[T - 1] < B) {
      h = h.narrow(0, 0, sizes[T - 1]);
      if (c) c = c.narrow(0, 0, sizes[T - 1]);
    }
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const b = sizes[t];
      const rows = h.shape[0];
      if (b < rows) {
        // Forward in time: the sequences [b, rows) have ended; their state is final.
        doneH.push(h.narrow(0, b, rows - b));
        h = h.narrow(0, 0, b);
        if (c) { doneC.push(c.narrow(0, b, rows - b)); c = c.narrow(0, 0, b); }
      } else if (b > rows) {
        // Backward in time: the sequences [rows, b) start here from the initial state.
        h = cat([h, hInit.narrow(0, rows, b - rows)], 0);
        if (c && cInit) c = cat([c, cInit.narrow(0, rows, b - rows)], 0);
      }
      const gx = b === steps[t].shape[0] ? steps[t] : steps[t].narrow(0, 0, b);
      const gh = hh(h);
      if (this.mode === 'LSTM') {
        const [h1, c1] = unbind(lstmCell(gx, gh, c as Tensor), 0);
        h = hr ? hr(h1) : h1;
        c = c1;
      } else if (this.mode === 'GRU') {
        h = gruCell(gx, gh, h);
      } else {
        const a = gx.add(gh);
        h = this.mode === 'RNN_TANH' ? a.tanh() : a.relu();
      }
      ys[t] = h;
    }
    const order = (last: Tensor, done: Tensor[]): Tensor => (done.length ? cat([last, ...done.reverse()], 0) : last);
    return [ys, order(h, doneH), c ? order(c, doneC) : null];
  }

  override extraRepr(): string {
    const o: string[] = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.projSize) o.push(`projSize=${this.projSize}`);
    if (this.numLayers !== 1) o.push(`numLayers=${this.numLayers}`);
    if (this.mode === 'RNN_RELU') o.push(`nonlinearity='relu'`);
    if (!this.bias) o.push('bias=false');
    if (this.batchFirst) o.push('batchFirst=true');
    if (this.dropout) o.push(`dropout=${this.dropout}`);
    if (this.bidirectional) o.push('bidirectional=true');
    return o.join(', ');
  }
}

/**
 * Elman RNN, h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh) (or relu) (PyTorch's `nn.RNN`).
 * Input [T, B, inputSize] ([B, T, ·] with batchFirst, [T, inputSize] unbatched, or a PackedSequence);
 * returns `[output, hN]`, output [T, B, D·hiddenSize], hN [numLayers·D, B, hiddenSize].
 * @example
 * const rnn = new RNN(10, 20, { numLayers: 2 }); // or PyTorch's positional new RNN(10, 20, 2)
 * const [out, hN] = rnn.call(randn([5, 3, 10])); // out [5, 3, 20], hN [2, 3, 20]
 */
export class RNN extends RNNBase {
  /** The documented `RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False, dropout=0, bidirectional=False)`, then the other options. */
  constructor(inputSize: number, hiddenSize: number, ...args: PositionalArgs<[], [numLayers: number, nonlinearity: 'tanh' | 'relu', bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean], RNNOptions>);
  /**
   * PyTorch 1.13's positional order, where nonlinearity is keyword-only (`nn.RNN(*args)` hands them to
   * RNNBase): `RNN(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)`.
   */
  constructor(inputSize: number, hiddenSize: number, ...args: PositionalArgs<[], [numLayers: number, bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean], RNNOptions>);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    // The two orders differ by the type of the fourth argument: a string (nonlinearity) or a boolean (bias).
    const o = positionalOptions<RNNOptions>('RNN', args, typeof args[1] === 'boolean' ? BASE_POSITIONAL : RNN_POSITIONAL, [...BASE_KEYS, 'nonlinearity'], 2);
    const nl = o.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`RNN: unknown nonlinearity '${String(nl)}'; select from 'tanh' or 'relu'`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', 'RNN', inputSize, hiddenSize, o);
  }

  /** 'tanh' or 'relu' (PyTorch's `nonlinearity` attribute). */
  get nonlinearity(): 'tanh' | 'relu' {
    return this.mode === 'RNN_RELU' ? 'relu' : 'tanh';
  }

  // The Tensor overload is last: Module.call() takes its types from it.
  forward(input: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor];
  forward(input: Tensor | PackedSequence, h0?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    const [out, h] = this._run(input, h0);
    return [out, h];
  }
}

/**
 * Long short-term memory (PyTorch's `nn.LSTM`), gate order i, f, g, o:
 * c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t) (then W_hr h_t with projSize).
 * Returns `[output, [hN, cN]]`; initial state `[h0, c0]` optional (zeros).
 * @example
 * const lstm = new LSTM(10, 20, { numLayers: 2, batchFirst: true }); // or new LSTM(10, 20, 2, { batchFirst: true })
 * const [out, [hN, cN]] = lstm.call(randn([3, 5, 10])); // out [3, 5, 20], hN and cN [2, 3, 20]
 */
export class LSTM extends RNNBase {
  /** PyTorch's `LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0, bidirectional=False, proj_size=0)`, then the other options. */
  constructor(inputSize: number, hiddenSize: number, ...args: PositionalArgs<[], [numLayers: number, bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean, projSize: number], LSTMOptions>) {
    super('LSTM', 'LSTM', inputSize, hiddenSize, positionalOptions<LSTMOptions>('LSTM', args, [...BASE_POSITIONAL, pos.number('projSize')], [...BASE_KEYS, 'projSize'], 2));
  }

  // The Tensor overload is last: Module.call() takes its types from it.
  forward(input: PackedSequence, hx?: [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  forward(input: Tensor | PackedSequence, hx?: [Tensor, Tensor] | null): [Tensor | PackedSequence, [Tensor, Tensor]] {
    const [out, h, c] = this._run(input, hx);
    return [out, [h, c as Tensor]];
  }
}

/**
 * Gated recurrent unit (PyTorch's `nn.GRU`), gate order r, z, n:
 * n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn)), h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}.
 * @example
 * const gru = new GRU(10, 20, { bidirectional: true });
 * const [out, hN] = gru.call(randn([5, 3, 10])); // out [5, 3, 40], hN [2, 3, 20]
 */
export class GRU extends RNNBase {
  /** PyTorch's `GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0, bidirectional=False)`, then the other options. */
  constructor(inputSize: number, hiddenSize: number, ...args: PositionalArgs<[], [numLayers: number, bias: boolean, batchFirst: boolean, dropout: number, bidirectional: boolean], RNNBaseOptions>) {
    super('GRU', 'GRU', inputSize, hiddenSize, positionalOptions<RNNBaseOptions>('GRU', args, BASE_POSITIONAL, BASE_KEYS, 2));
  }

  // The Tensor overload is last: Module.call() takes its types from it.
  forward(input: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor];
  forward(input: Tensor | PackedSequence, h0?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    const [out, h] = this._run(input, h0);
    return [out, h];
  }
}

export interface RNNCellOptions {
  /** Learn bias_ih and bias_hh (default true). */
  bias?: boolean;
  /** Parameter dtype (default: the default float dtype). */
  dtype?: DType;
  /** Generator for the initial values (default: the global generator). */
  generator?: Generator;
}

/** What the cells share: weight_ih [G, in], weight_hh [G, H], bias_ih, bias_hh, all U(−1/√H, 1/√H). */
abstract class RNNCellBase extends Module {
  declare readonly inputSize: number;
  declare readonly hiddenSize: number;
  weight_ih!: Parameter;
  weight_hh!: Parameter;
  bias_ih!: Parameter | null;
  bias_hh!: Parameter | null;

  protected constructor(protected readonly cellName: string, gates: number, inputSize: number, hiddenSize: number, opts: RNNCellOptions) {
    super();
    const { bias = true, dtype = getDefaultDtype(), generator } = opts;
    checkSize(cellName, 'inputSize', inputSize, 0);
    checkSize(cellName, 'hiddenSize', hiddenSize);
    Object.assign(this, { inputSize, hiddenSize });
    this.weight_ih = new Parameter(zeros([gates * hiddenSize, inputSize], { dtype }));
    this.weight_hh = new Parameter(zeros([gates * hiddenSize, hiddenSize], { dtype }));
    this.bias_ih = bias ? new Parameter(zeros([gates * hiddenSize], { dtype })) : null;
    this.bias_hh = bias ? new Parameter(zeros([gates * hiddenSize], { dtype })) : null;
    const bound = 1 / Math.sqrt(hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -bound, bound, { generator });
  }

  /** Checks x [B, in] or [in] and a state [B, H] or [H]; returns both batched and whether x was unbatched. */
  protected _inputs(x: Tensor, states: (Tensor | null | undefined)[]): [Tensor, Tensor[], boolean] {
    const n = this.cellName;
    checkFloatInput(n, x);
    if (x.ndim !== 1 && x.ndim !== 2) throw new RangeError(`${n}: expected input to be 1-D or 2-D, got ${x.ndim}-D input of shape ${shp(x)}`);
    if (x.shape[x.ndim - 1] !== this.inputSize) throw new RangeError(`${n}: input has inconsistent inputSize: expected ${this.inputSize}, got ${x.shape[x.ndim - 1]} (input shape ${shp(x)})`);
    checkParamDtype(n, 'input', x, this.weight_ih.dtype);
    const unbatched = x.ndim === 1;
    const xb = unbatched ? x.unsqueeze(0) : x;
    const want = unbatched ? [this.hiddenSize] : [x.shape[0], this.hiddenSize];
    const out = states.map((s, i) => {
      if (s === undefined || s === null) return zeros([xb.shape[0], this.hiddenSize], { dtype: x.dtype, device: x.device }); // device: webgpu (issue 17)
      if (!(s instanceof Tensor) || s.ndim !== want.length || s.shape.some((v, j) => v !== want[j])) {
        throw new RangeError(`${n}: expected hidden state ${i === 0 ? 'h' : 'c'} of shape ${shp(want)} for input ${shp(x)}, got ${s instanceof Tensor ? shp(s) : typeof s}`);
      }
      checkParamDtype(n, `hidden state ${i === 0 ? 'h' : 'c'}`, s, this.weight_ih.dtype);
      return unbatched ? s.unsqueeze(0) : s;
    });
    return [xb, out, unbatched];
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? '' : ', bias=false'}`;
  }
}

/**
 * One Elman RNN step, h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (PyTorch's `nn.RNNCell`).
 * @example
 * const cell = new RNNCell(10, 20);
 * const h1 = cell.call(randn([3, 10])); // h defaults to zeros; [3, 20]
 */
export class RNNCell extends RNNCellBase {
  declare readonly nonlinearity: 'tanh' | 'relu';

  /** PyTorch's `RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')`, then the other options. */
  constructor(inputSize: number, hiddenSize: number, ...args: PositionalArgs<[], [bias: boolean, nonlinearity: 'tanh' | 'relu'], RNNCellOptions & { nonlinearity?: 'tanh' | 'relu' }>) {
    const o = positionalOptions<RNNCellOptions & { nonlinearity?: 'tanh' | 'relu' }>('RNNCell', args, [pos.boolean('bias'), pos.string('nonlinearity')], ['bias', 'nonlinearity', 'dtype', 'generator'], 2);
    super('RNNCell', 1, inputSize, hiddenSize, o);
    const nl = o.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`RNNCell: unknown nonlinearity '${String(nl)}'; select from 'tanh' or 'relu'`);
    Object.assign(this, { nonlinearity: nl });
  }

  forward(x: Tensor, h?: Tensor | null): Tensor {
    const [xb, [hb], unbatched] = this._inputs(x, [h]);
    const a = linear(xb, this.weight_ih, this.bias_ih).add(linear(hb, this.weight_hh, this.bias_hh));
    const h1 = this.nonlinearity === 'tanh' ? a.tanh() : a.relu();
    return unbatched ? h1.squeeze(0) : h1;
  }

  /** As PyTorch's RNNCell, the repr names a nonlinearity other than tanh. */
  override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === 'tanh' ? '' : `, nonlinearity='${this.nonlinearity}'`}`;
  }
}

/**
 * One LSTM step (PyTorch's `nn.LSTMCell`): returns `[h', c']`.
 * @example
 * const cell = new LSTMCell(10, 20);
 * let [h, c] = cell.call(x0);
 * [h, c] = cell.call(x1, [h, c]);
 */
export class LSTMCell extends RNNCellBase {
  /** PyTorch's `LSTMCell(input_size, hidden_size, bias=True)`, then the other options. */
  constructor(inputSize: number, hiddenSize: number, ...args: PositionalArgs<[], [bias: boolean], RNNCellOptions>) {
    super('LSTMCell', 4, inputSize, hiddenSize, positionalOptions<RNNCellOptions>('LSTMCell', args, [pos.boolean('bias')], ['bias', 'dtype', 'generator'], 2));
  }

  forward(x: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, Tensor] {
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new TypeError('LSTMCell: expected the state as [h, c]');
    const [xb, [hb, cb], unbatched] = this._inputs(x, hx ? hx : [null, null]);
    const hc = lstmCell(linear(xb, this.weight_ih, this.bias_ih), linear(hb, this.weight_hh, this.bias_hh), cb);
    const [h1, c1] = unbind(hc, 0);
    return unbatched ? [h1.squeeze(0), c1.squeeze(0)] : [h1, c1];
  }
}

/**
 * One GRU step (PyTorch's `nn.GRUCell`).
 * @example
 * const cell = new GRUCell(10, 20);
 * const h1 = cell.call(x, h0);
 */
export class GRUCell extends RNNCellBase {
  /** PyTorch's `GRUCell(input_size, hidden_size, bias=True)`, then the other options. */
  constructor(inputSize: number, hiddenSize: number, ...args: PositionalArgs<[], [bias: boolean], RNNCellOptions>) {
    super('GRUCell', 3, inputSize, hiddenSize, positionalOptions<RNNCellOptions>('GRUCell', args, [pos.boolean('bias')], ['bias', 'dtype', 'generator'], 2));
  }

  forward(x: Tensor, h?: Tensor | null): Tensor {
    const [xb, [hb], unbatched] = this._inputs(x, [h]);
    const h1 = gruCell(linear(xb, this.weight_ih, this.bias_ih), linear(hb, this.weight_hh, this.bias_hh), hb);
    return unbatched ? h1.squeeze(0) : h1;
  }
}
