import {
  Tensor, tensor, randn, zeros, manualSeed, gradcheck, gradgradcheck, tapePosition, cat, stack, noGrad,
} from '@tapegrad/core';
import { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell } from '../src';
import { packPaddedSequence, padPackedSequence, packSequence, PackedSequence } from '../src/utils/rnn';
import { expectClose } from './helpers';

const f64 = { dtype: 'float64' as const };
const vals = (t: Tensor): number[] => Array.from(t.dataSync());

/** Hand-written reference LSTM step in plain numbers (PyTorch's equations, gate order i, f, g, o). */
function lstmStepRef(x: number[], h: number[], c: number[], wIh: number[][], wHh: number[][], b: number[]): [number[], number[]] {
  const H = h.length;
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const a = wIh.map((row, k) => row.reduce((s, w, j) => s + w * x[j], 0) + wHh[k].reduce((s, w, j) => s + w * h[j], 0) + b[k]);
  const c2 = c.map((cv, j) => sig(a[H + j]) * cv + sig(a[j]) * Math.tanh(a[2 * H + j]));
  return [c2.map((cv, j) => sig(a[3 * H + j]) * Math.tanh(cv)), c2];
}

describe('LSTM', () => {
  it('matches hand-written equations over two steps (bias_ih + bias_hh, gates i, f, g, o)', () => {
    manualSeed(1);
    const lstm = new LSTM(2, 3, f64);
    const x = randn([2, 1, 2], f64);
    const [out, [hN, cN]] = lstm.call(x);
    const w = (p: Tensor) => p.toArray() as number[][];
    const b = vals(lstm.getParameter('bias_ih_l0')).map((v, i) => v + vals(lstm.getParameter('bias_hh_l0'))[i]);
    let h = [0, 0, 0], c = [0, 0, 0];
    const want: number[] = [];
    for (let t = 0; t < 2; t++) {
      [h, c] = lstmStepRef(vals(x.select(0, t).select(0, 0)), h, c, w(lstm.getParameter('weight_ih_l0')), w(lstm.getParameter('weight_hh_l0')), b);
      want.push(...h);
    }
    expectClose(out, want);
    expectClose(hN, h);
    expectClose(cN, c);
  });

  it('has PyTorch parameter names, order and shapes (2 layers, bidirectional, projSize)', () => {
    const m = new LSTM(5, 8, { numLayers: 2, bidirectional: true, projSize: 3 });
    const shapes = [...m.namedParameters()].map(([n, p]) => `${n} ${p.shape.join('x')}`);
    expect(shapes).toEqual([
      'weight_ih_l0 32x5', 'weight_hh_l0 32x3', 'bias_ih_l0 32', 'bias_hh_l0 32', 'weight_hr_l0 3x8',
      'weight_ih_l0_reverse 32x5', 'weight_hh_l0_reverse 32x3', 'bias_ih_l0_reverse 32', 'bias_hh_l0_reverse 32', 'weight_hr_l0_reverse 3x8',
      'weight_ih_l1 32x6', 'weight_hh_l1 32x3', 'bias_ih_l1 32', 'bias_hh_l1 32', 'weight_hr_l1 3x8',
      'weight_ih_l1_reverse 32x6', 'weight_hh_l1_reverse 32x3', 'bias_ih_l1_reverse 32', 'bias_hh_l1_reverse 32', 'weight_hr_l1_reverse 3x8',
    ]);
    const [out, [h, c]] = m.call(randn([4, 2, 5]));
    expect([out.shape, h.shape, c.shape]).toEqual([[4, 2, 6], [4, 2, 3], [4, 2, 8]]);
    expect(Object.keys(new LSTM(2, 3, { bias: false }).stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0']);
  });

  it("allWeights lists each layer and direction's parameters (PyTorch's all_weights); flattenParameters is a no-op", () => {
    const m = new LSTM(5, 8, { numLayers: 2, bidirectional: true, projSize: 3 });
    const names = new Map([...m.namedParameters()].map(([n, p]) => [p, n]));
    expect(m.allWeights.map((ps) => ps.map((p) => names.get(p)))).toEqual([0, 1].flatMap((l) => ['', '_reverse'].map((r) => ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh', 'weight_hr'].map((n) => `${n}_l${l}${r}`))));
    expect(new GRU(2, 3, { bias: false }).allWeights.map((ps) => ps.length)).toEqual([2]);
    const x = randn([2, 1, 5]);
    const before = vals(m.call(x)[0]);
    m.flattenParameters();
    expect(vals(m.call(x)[0])).toEqual(before);
  });

  it('initialises every parameter U(-1/sqrt(hidden), 1/sqrt(hidden))', () => {
    const m = new LSTM(3, 16, { numLayers: 2 });
    for (const p of m.parameters()) {
      const v = vals(p);
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(0.25);
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.2); // spread over the whole range, not zeros
    }
  });

  it('GRU, RNN and the three cells initialise every parameter U(-1/sqrt(hidden), 1/sqrt(hidden)) too', () => {
    manualSeed(12);
    const H = 16;
    for (const m of [new GRU(3, H, { numLayers: 2, bidirectional: true }), new RNN(3, H, { nonlinearity: 'relu' }), new LSTMCell(3, H), new GRUCell(3, H), new RNNCell(3, H)]) {
      for (const [name, p] of m.namedParameters()) {
        const v = vals(p).map(Math.abs);
        expect([name, Math.max(...v) <= 0.25]).toEqual([name, true]);
        expect([name, Math.max(...v) > 0.2]).toEqual([name, true]);
      }
    }
  });

  it('batchFirst, unbatched input and the initial state agree with the default layout', () => {
    manualSeed(2);
    const a = new LSTM(3, 4, { numLayers: 2, dtype: 'float64' });
    const b = new LSTM(3, 4, { numLayers: 2, batchFirst: true, dtype: 'float64' });
    b.loadStateDict(a.stateDict());
    const x = randn([5, 2, 3], f64), h0 = randn([2, 2, 4], f64), c0 = randn([2, 2, 4], f64);
    const [o1, [h1, c1]] = a.call(x, [h0, c0]);
    const [o2, [h2, c2]] = b.call(x.transpose(0, 1), [h0, c0]);
    expectClose(o2.transpose(0, 1), vals(o1));
    expectClose(h2, vals(h1));
    expectClose(c2, vals(c1));
    const [o3, [h3]] = a.call(x.select(1, 1), [h0.select(1, 1), c0.select(1, 1)]);
    expect(o3.shape).toEqual([5, 4]);
    expectClose(o3, vals(o1.select(1, 1)));
    expectClose(h3, vals(h1.select(1, 1)));
  });

  it('passes gradcheck and gradgradcheck through the time loop (input, h0, c0, weights)', () => {
    manualSeed(3);
    const m = new LSTM(2, 2, { bidirectional: true, projSize: 1, dtype: 'float64' });
    const x = randn([3, 2, 2], f64).requiresGrad_(), h0 = randn([2, 2, 1], f64).requiresGrad_(), c0 = randn([2, 2, 2], f64).requiresGrad_();
    const w = m.getParameter('weight_ih_l0_reverse');
    const f = (xx: Tensor, hh: Tensor, cc: Tensor) => { const [o, [h, c]] = m.call(xx, [hh, cc]); return cat([o.flatten(), h.flatten(), c.flatten()]); };
    expect(gradcheck(f, [x, h0, c0]).ok).toBe(true);
    expect(gradgradcheck(f, [x, h0, c0]).ok).toBe(true);
    // and the gradient of a weight against finite differences
    const loss = () => noGrad(() => m.call(x)[0].pow(2).sum().item());
    m.zeroGrad();
    m.call(x)[0].pow(2).sum().backward();
    const gs = vals(w.grad as Tensor);
    const k = gs.reduce((best, v, i) => (Math.abs(v) > Math.abs(gs[best]) ? i : best), 0);
    const g = gs[k];
    expect(Math.abs(g)).toBeGreaterThan(1e-3);
    const nudge = (e: number) => noGrad(() => w.view([-1]).narrow(0, k, 1).add_(e));
    nudge(1e-6); const lp = loss(); nudge(-2e-6); const lm = loss(); nudge(1e-6);
    expect(Math.abs(g - (lp - lm) / 2e-6)).toBeLessThan(1e-6);
  });

  it('records a handful of tape nodes per time step, independent of the hidden size', () => {
    const nodesFor = (T: number, H: number) => {
      const m = new LSTM(4, H);
      const x = randn([T, 3, 4]).requiresGrad_();
      const before = tapePosition();
      m.call(x);
      return tapePosition() - before;
    };
    const perStep = (nodesFor(20, 8) - nodesFor(10, 8)) / 10;
    expect(perStep).toBeLessThanOrEqual(8);
    expect(nodesFor(10, 64)).toBe(nodesFor(10, 8));
  });

  it('a second backward with retainGraph adds the same gradients again (unbind and sharedLinear state is per pass)', () => {
    manualSeed(11);
    for (const m of [new LSTM(2, 3, { projSize: 2, dtype: 'float64' }), new GRU(2, 3, { numLayers: 2, dtype: 'float64' })]) {
      const x = randn([4, 2, 2], f64).requiresGrad_();
      const loss = (m as LSTM).call(x)[0].pow(2).sum();
      loss.backward(null, { retainGraph: true });
      const g1 = [...m.parameters()].map((p) => vals(p.grad as Tensor)), gx = vals(x.grad as Tensor);
      loss.backward();
      [...m.parameters()].forEach((p, i) => expectClose(p.grad, g1[i].map((v) => 2 * v)));
      expectClose(x.grad, gx.map((v) => 2 * v));
    }
  });

  it('in training mode applies dropout between layers only; eval is deterministic', () => {
    manualSeed(4);
    const m = new LSTM(3, 4, { numLayers: 2, dropout: 0.5 });
    const x = randn([3, 2, 3]);
    const e1 = vals(m.eval().call(x)[0]), e2 = vals(m.call(x)[0]);
    expect(e1).toEqual(e2);
    const t1 = vals(m.train().call(x)[0]);
    expect(t1).not.toEqual(e1);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const single = new LSTM(3, 4, { dropout: 0.5 });
    // PyTorch's UserWarning for a dropout that one layer never applies
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toBe('LSTM: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects numLayers greater than 1, but got dropout=0.5 and numLayers=1');
    new GRU(3, 4, { numLayers: 2, dropout: 0.5 });
    new GRU(3, 4);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    expect(vals(single.train().call(x)[0])).toEqual(vals(single.eval().call(x)[0]));
  });

  it('accepts float32 and float64', () => {
    const m = new LSTM(2, 3);
    expect(m.call(randn([2, 1, 2]))[0].dtype).toBe('float32');
    expect(m.double().call(randn([2, 1, 2], f64))[0].dtype).toBe('float64');
  });
});

describe('GRU and RNN', () => {
  it("GRU uses PyTorch's n = tanh(W_in x + b_in + r * (W_hn h + b_hn))", () => {
    manualSeed(5);
    const g = new GRU(1, 1, f64);
    const p = (t: Tensor) => vals(t);
    const [wi, wh, bi, bh] = [p(g.getParameter('weight_ih_l0')), p(g.getParameter('weight_hh_l0')), p(g.getParameter('bias_ih_l0')), p(g.getParameter('bias_hh_l0'))];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const x = 0.7, h = -0.4;
    const r = sig(wi[0] * x + bi[0] + wh[0] * h + bh[0]);
    const z = sig(wi[1] * x + bi[1] + wh[1] * h + bh[1]);
    const n = Math.tanh(wi[2] * x + bi[2] + r * (wh[2] * h + bh[2]));
    const [out] = g.call(tensor([[[x]]], f64), tensor([[[h]]], f64));
    expectClose(out, [(1 - z) * n + z * h]);
  });

  it("RNN takes PyTorch 1.13's positional order (bias after numLayers, nonlinearity keyword-only) and the documented one", () => {
    // torch 1.13: nn.RNN(2, 3, 1, False) -> RNN(2, 3, bias=False); nn.RNN(2, 3, 2, True, True, 0.5, True) -> batch_first, dropout, bidirectional
    const a = new RNN(2, 3, 1, false);
    expect([a.bias, a.mode, a.nonlinearity]).toEqual([false, 'RNN_TANH', 'tanh']);
    const b = new RNN(2, 3, 2, true, true, 0.5, true, { nonlinearity: 'relu' });
    expect([b.numLayers, b.bias, b.batchFirst, b.dropout, b.bidirectional, b.mode, b.nonlinearity]).toEqual([2, true, true, 0.5, true, 'RNN_RELU', 'relu']);
    const c = new RNN(2, 3, 2, 'relu', false, true);
    expect([c.bias, c.batchFirst, c.mode]).toEqual([false, true, 'RNN_RELU']);
    expect(() => new RNN(2, 3, 1, false, 'x' as never)).toThrow('RNN: argument 5 (batchFirst) must be a boolean');
  });

  it('RNN relu and tanh', () => {
    manualSeed(6);
    for (const nonlinearity of ['tanh', 'relu'] as const) {
      const m = new RNN(2, 3, { nonlinearity, dtype: 'float64' });
      const x = randn([1, 2], f64);
      const a = x.matmul(m.getParameter('weight_ih_l0').t()).add(m.getParameter('bias_ih_l0')).add(m.getParameter('bias_hh_l0'));
      expectClose(m.call(x)[0], vals(nonlinearity === 'tanh' ? a.tanh() : a.relu()));
    }
  });

  it('a bidirectional GRU runs the second direction from the last step backwards', () => {
    manualSeed(7);
    const bi = new GRU(2, 3, { bidirectional: true, dtype: 'float64' });
    const rev = new GRU(2, 3, f64);
    const sd = bi.stateDict();
    rev.loadStateDict({ weight_ih_l0: sd.weight_ih_l0_reverse, weight_hh_l0: sd.weight_hh_l0_reverse, bias_ih_l0: sd.bias_ih_l0_reverse, bias_hh_l0: sd.bias_hh_l0_reverse });
    const x = randn([4, 2, 2], f64);
    const [out, hN] = bi.call(x);
    const flip = (t: Tensor) => stack([3, 2, 1, 0].map((i) => t.select(0, i)));
    const [ro, rh] = rev.call(flip(x));
    expectClose(out.narrow(2, 3, 3), vals(flip(ro)));
    expectClose(hN.select(0, 1), vals(rh.select(0, 0)));
  });
});

describe('packed sequences through the recurrent modules', () => {
  it('give each sequence the result of running it alone (LSTM, 2 layers, bidirectional, unsorted)', () => {
    manualSeed(8);
    const m = new LSTM(3, 4, { numLayers: 2, bidirectional: true, dtype: 'float64' });
    const lens = [2, 4, 1];
    const seqs = lens.map((L) => randn([L, 3], f64));
    const h0 = randn([4, 3, 4], f64), c0 = randn([4, 3, 4], f64);
    const packed = packSequence(seqs, { enforceSorted: false });
    const [out, [hN, cN]] = m.forward(packed, [h0, c0]);
    expect(out).toBeInstanceOf(PackedSequence);
    const [padded, lengths] = padPackedSequence(out);
    expect(vals(lengths)).toEqual(lens);
    seqs.forEach((s, i) => {
      const [o, [h, c]] = m.call(s, [h0.select(1, i), c0.select(1, i)]);
      expectClose(padded.select(1, i).narrow(0, 0, lens[i]), vals(o));
      expectClose(hN.select(1, i), vals(h));
      expectClose(cN.select(1, i), vals(c));
    });
    expectClose(padded.select(1, 2).narrow(0, 1, 3), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('GRU and RNN on a sorted packed batch, with gradients by gradcheck', () => {
    manualSeed(9);
    for (const m of [new GRU(2, 2, f64), new RNN(2, 2, { bidirectional: true, dtype: 'float64' })]) {
      const x = randn([3, 2, 2], f64).requiresGrad_();
      const f = (xx: Tensor) => { const [o, h] = (m as GRU).forward(packPaddedSequence(xx, [3, 1])); return cat([o.data.flatten(), h.flatten()]); };
      expect(gradcheck(f, [x]).ok).toBe(true);
    }
  });
});

describe('cells', () => {
  it('LSTMCell, GRUCell and RNNCell equal one step of their layers', () => {
    manualSeed(10);
    const x = randn([2, 3], f64), h = randn([2, 4], f64), c = randn([2, 4], f64);
    const pairs: [LSTMCell | GRUCell | RNNCell, LSTM | GRU | RNN][] = [
      [new LSTMCell(3, 4, f64), new LSTM(3, 4, f64)], [new GRUCell(3, 4, f64), new GRU(3, 4, f64)], [new RNNCell(3, 4, { nonlinearity: 'relu', dtype: 'float64' }), new RNN(3, 4, { nonlinearity: 'relu', dtype: 'float64' })],
    ];
    for (const [cell, layer] of pairs) {
      const sd = cell.stateDict();
      expect(Object.keys(sd)).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
      layer.loadStateDict(Object.fromEntries(Object.entries(sd).map(([k, v]) => [`${k}_l0`, v])));
      if (cell instanceof LSTMCell) {
        const [h1, c1] = cell.call(x, [h, c]);
        const [, [lh, lc]] = (layer as LSTM).call(x.unsqueeze(0), [h.unsqueeze(0), c.unsqueeze(0)]);
        expectClose(h1, vals(lh));
        expectClose(c1, vals(lc));
        const [hu] = cell.call(x.select(0, 1), [h.select(0, 1), c.select(0, 1)]);
        expectClose(hu, vals(h1.select(0, 1)));
      } else {
        const h1 = (cell as GRUCell).call(x, h);
        const [, lh] = (layer as GRU).call(x.unsqueeze(0), h.unsqueeze(0));
        expectClose(h1, vals(lh));
        expect((cell as GRUCell).call(x).shape).toEqual([2, 4]);
      }
    }
  });
});

describe('bad input', () => {
  const lstm = new LSTM(3, 4, { numLayers: 2 });
  it('names the expected and given rank and feature size', () => {
    expect(() => lstm.call(zeros([2, 2, 2, 3]))).toThrow('LSTM: expected input to be 2-D (unbatched [T, 3]) or 3-D, got 4-D input of shape [2, 2, 2, 3]');
    expect(() => lstm.call(zeros([5, 2, 7]))).toThrow('LSTM: input.size(-1) must be equal to inputSize: expected 3, got 7');
    expect(() => new GRU(3, 4).call(zeros([5, 2]))).toThrow('GRU: input.size(-1) must be equal to inputSize: expected 3, got 2');
    expect(() => lstm.call(tensor([[[1, 2, 3]]], { dtype: 'int32' }))).toThrow(/LSTM: expected a floating point input, got int32/);
    // PyTorch: 'Expected sequence length to be larger than 0 in RNN' (an empty batch, B = 0, is fine)
    expect(() => lstm.call(zeros([0, 2, 3]))).toThrow('LSTM: expected sequence length to be larger than 0, got input of shape [0, 2, 3]');
    expect(() => new GRU(3, 4, { batchFirst: true }).call(zeros([2, 0, 3]))).toThrow('GRU: expected sequence length to be larger than 0, got input of shape [2, 0, 3]');
    expect(() => new RNN(3, 4).call(zeros([0, 3]))).toThrow('RNN: expected sequence length to be larger than 0');
    expect(lstm.call(zeros([5, 0, 3]))[0].shape).toEqual([5, 0, 4]);
  });
  it('rejects initial states of the wrong shape', () => {
    expect(() => lstm.call(zeros([5, 2, 3]), [zeros([1, 2, 4]), zeros([2, 2, 4])])).toThrow('LSTM: expected h0 of shape [2, 2, 4]');
    expect(() => lstm.call(zeros([5, 2, 3]), [zeros([2, 2, 4]), zeros([2, 3, 4])])).toThrow('LSTM: expected c0 of shape [2, 2, 4]');
    expect(() => new GRU(3, 4).call(zeros([5, 3]), zeros([1, 1, 4]))).toThrow('GRU: expected h0 of shape [1, 4]');
    expect(() => new RNN(3, 4, { bidirectional: true }).call(zeros([5, 2, 3]), zeros([1, 2, 4]))).toThrow('RNN: expected h0 of shape [2, 2, 4]');
    expect(() => new LSTMCell(3, 4).call(zeros([2, 3]), [zeros([3, 4]), zeros([2, 4])])).toThrow('LSTMCell: expected hidden state h of shape [2, 4] for input [2, 3], got [3, 4]');
    expect(() => new GRUCell(3, 4).call(zeros([2, 5]))).toThrow('GRUCell: input has inconsistent inputSize: expected 3, got 5');
    expect(() => new RNNCell(3, 4).call(zeros([1, 2, 3]))).toThrow('RNNCell: expected input to be 1-D or 2-D, got 3-D');
  });
  it('rejects bad options', () => {
    expect(() => new LSTM(3, 4, { num_layers: 2 } as never)).toThrow("LSTM: unknown option 'num_layers'");
    expect(() => new GRU(3, 4, { projSize: 2 } as never)).toThrow("GRU: unknown option 'projSize'");
    expect(() => new RNN(3, 4, { nonlinearity: 'sigmoid' as never })).toThrow("RNN: unknown nonlinearity 'sigmoid'");
    expect(() => new LSTM(3, 4, { projSize: 4 })).toThrow('LSTM: projSize (4) has to be smaller than hiddenSize (4)');
    expect(() => new LSTM(3, 4, { dropout: 1.5 })).toThrow('LSTM: dropout should be a number in range [0, 1]');
    expect(() => new GRU(3, 0)).toThrow('GRU: hiddenSize must be an integer >= 1, got 0');
    expect(() => new RNN(3, 4, { numLayers: 0 })).toThrow('RNN: numLayers must be an integer >= 1, got 0');
    expect(() => new LSTMCell(3, 4, { bias: false, foo: 1 } as never)).toThrow("LSTMCell: unknown option 'foo'");
  });
});
