/**
 * "NLP From Scratch: Classifying Names with a Character-Level RNN" ported line by line: one-hot letters, the
 * hand-made RNN cell (torch.cat of input and hidden, i2h, i2o, LogSoftmax), NLLLoss, topk and the manual
 * `p.data.add_(p.grad.data, alpha=-learning_rate)` update; and the newer nn.RNN version. Hidden size 8 and three
 * names (the tutorial: 128 and 20k names); values from PyTorch 1.13 (fixtures/pytorch/tutorials/char-rnn.json).
 */
import { nn, tensor, zeros, cat, manualSeed, Tensor } from 'tapegrad';
import { fixture, stateDict, expectClose, Ref } from './fixtures';

interface Fx {
  init: Record<string, Ref>; after: Record<string, Ref>; losses: number[];
  first: { output: Ref; hidden: Ref; i2hBiasGrad: Ref; top: [number, number] };
  charRnn: { init: Record<string, Ref>; output: Ref; top3: Ref };
}
const fx = fixture<Fx>('char-rnn');

const allLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;'";
const nLetters = allLetters.length;
const letterToIndex = (letter: string): number => allLetters.indexOf(letter);

function letterToTensor(letter: string): Tensor {
  const t = zeros([1, nLetters]);
  t.select(0, 0).select(0, letterToIndex(letter)).fill_(1); // tensor[0][letterToIndex(letter)] = 1
  return t;
}

function lineToTensor(line: string): Tensor {
  const t = zeros([line.length, 1, nLetters]);
  [...line].forEach((letter, li) => t.select(0, li).select(0, 0).select(0, letterToIndex(letter)).fill_(1));
  return t;
}

class RNN extends nn.Module {
  i2h: nn.Linear;
  i2o: nn.Linear;
  softmax = new nn.LogSoftmax({ dim: 1 });
  constructor(inputSize: number, readonly hiddenSize: number, outputSize: number) {
    super();
    this.i2h = new nn.Linear(inputSize + hiddenSize, hiddenSize);
    this.i2o = new nn.Linear(inputSize + hiddenSize, outputSize);
  }
  forward(input: Tensor, hidden: Tensor): [Tensor, Tensor] {
    const combined = cat([input, hidden], 1);
    hidden = this.i2h.call(combined);
    let output = this.i2o.call(combined);
    output = this.softmax.call(output);
    return [output, hidden];
  }
  initHidden(): Tensor {
    return zeros([1, this.hiddenSize]);
  }
}

const categories = ['English', 'French', 'Italian'];
function categoryFromOutput(output: Tensor): [string, number] {
  const { indices: topI } = output.topk(1); // top_n, top_i = output.topk(1)
  const categoryI = topI.select(0, 0).item();
  return [categories[categoryI], categoryI];
}

describe('char-RNN name classification', () => {
  it('one-hot letters and lines', () => {
    expect(letterToIndex('J')).toBe(35);
    const j = letterToTensor('J');
    expect([j.shape, j.sum().item(), j.select(1, 35).item()]).toEqual([[1, nLetters], 1, 1]);
    expect(lineToTensor('Jones').size()).toEqual([5, 1, nLetters]);
    expect(lineToTensor('Jones').argmax(2).toArray()).toEqual([[35], [14], [13], [4], [18]]);
  });

  it('the hand-made RNN: forward, NLLLoss gradients and manual SGD steps, as PyTorch', () => {
    const rnn = new RNN(nLetters, 8, categories.length);
    expect(Object.keys(rnn.stateDict())).toEqual(Object.keys(fx.init));
    rnn.loadStateDict(stateDict(fx.init));
    const criterion = new nn.NLLLoss();
    const learningRate = 0.005;
    const samples: [string, string][] = [['Albert', 'French'], ['Rossi', 'Italian'], ["O'Neal", 'English']];
    const losses: number[] = [];
    samples.forEach(([line, category], n) => {
      const categoryTensor = tensor([categories.indexOf(category)], { dtype: 'int32' }); // dtype=torch.long
      const lineTensor = lineToTensor(line);
      let hidden = rnn.initHidden();
      rnn.zeroGrad();
      let output: Tensor | null = null;
      for (let i = 0; i < lineTensor.size()[0]; i++) [output, hidden] = rnn.call(lineTensor.select(0, i), hidden);
      const loss = criterion.call(output!, categoryTensor);
      loss.backward();
      if (n === 0) {
        expectClose(output!, fx.first.output, 1e-5);
        expectClose(hidden, fx.first.hidden, 1e-5);
        expectClose(rnn.i2h.bias!.grad!, fx.first.i2hBiasGrad, 1e-5);
        const { values: topN, indices: topI } = output!.topk(1);
        expectClose(topN.select(0, 0).item(), fx.first.top[0], 1e-5);
        expect(topI.select(0, 0).item()).toBe(fx.first.top[1]);
        expect(categoryFromOutput(output!)).toEqual([categories[fx.first.top[1]], fx.first.top[1]]);
      }
      // Add parameters' gradients to their values, multiplied by learning rate
      for (const p of rnn.parameters()) p.data.add_(p.grad!.data, { alpha: -learningRate });
      losses.push(loss.item());
    });
    expectClose(losses, fx.losses, 1e-5);
    for (const [k, v] of Object.entries(rnn.stateDict())) expectClose(v, fx.after[k], 1e-5);
  });

  it('training on a few names lowers the loss', () => {
    manualSeed(0);
    const rnn = new RNN(nLetters, 16, categories.length);
    const criterion = new nn.NLLLoss();
    const names: [string, number][] = [['Smith', 0], ['Jones', 0], ['Dubois', 1], ['Lefevre', 1], ['Rossi', 2], ['Bianchi', 2]];
    const epochLoss = (train: boolean): number => {
      let total = 0;
      for (const [line, c] of names) {
        const lineTensor = lineToTensor(line);
        let hidden = rnn.initHidden();
        rnn.zeroGrad();
        let output: Tensor | null = null;
        for (let i = 0; i < lineTensor.size(0); i++) [output, hidden] = rnn.call(lineTensor.select(0, i), hidden);
        const loss = criterion.call(output!, tensor([c], { dtype: 'int32' }));
        if (train) {
          loss.backward();
          for (const p of rnn.parameters()) p.data.add_(p.grad!.data, { alpha: -0.05 });
        }
        total += loss.item();
      }
      return total / names.length;
    };
    const before = epochLoss(false);
    for (let e = 0; e < 60; e++) epochLoss(true);
    expect(epochLoss(false)).toBeLessThan(before / 4);
  });

  it('the nn.RNN version: rnn_out, hidden = self.rnn(line_tensor); h2o(hidden[0])', () => {
    class CharRNN extends nn.Module {
      rnn: nn.RNN;
      h2o: nn.Linear;
      softmax = new nn.LogSoftmax({ dim: 1 });
      constructor(inputSize: number, hiddenSize: number, outputSize: number) {
        super();
        this.rnn = new nn.RNN(inputSize, hiddenSize);
        this.h2o = new nn.Linear(hiddenSize, outputSize);
      }
      forward(lineTensor: Tensor): Tensor {
        const [, hidden] = this.rnn.call(lineTensor);
        let output = this.h2o.call(hidden.select(0, 0));
        output = this.softmax.call(output);
        return output;
      }
    }
    const model = new CharRNN(nLetters, 8, categories.length);
    expect(Object.keys(model.stateDict())).toEqual(Object.keys(fx.charRnn.init));
    model.loadStateDict(stateDict(fx.charRnn.init));
    const out = model.call(lineToTensor('Albert'));
    expectClose(out, fx.charRnn.output, 1e-5);
    expect(Array.from(out.topk(3, 1, true).indices.dataSync())).toEqual(fx.charRnn.top3.data);
  });
});
