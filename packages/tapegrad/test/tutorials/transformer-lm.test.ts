/**
 * "Language Modeling with nn.Transformer" ported line by line: PositionalEncoding (a registered buffer filled
 * through pe[:, 0, 0::2] and pe[:, 0, 1::2]), TransformerModel (Embedding, TransformerEncoder, Linear) with its
 * uniform_ init, generate_square_subsequent_mask, batchify / get_batch, the train loop with clip_grad_norm_ and
 * StepLR, evaluate, and copy.deepcopy of the best model. d_model 8, 2 heads, 2 layers, 11 tokens, bptt 5 and
 * dropout 0 (so a run is deterministic); three epochs compared with PyTorch 1.13
 * (fixtures/pytorch/tutorials/transformer-lm.json).
 */
import { nn, optim, tensor, zeros, ones, arange, exp, sin, cos, triu, noGrad, Tensor } from 'tapegrad';
import { fixture, stateDict, toTensor, expectClose, Ref } from './fixtures';

interface Epoch { losses: number[]; norms: number[]; valLoss: number; lr: number }
interface Fx {
  init: Record<string, Ref>; pe: Ref; mask: Ref; trainData: Ref; valData: Ref; firstOutput: Ref; epochs: Epoch[];
  bestEpoch: number; bestValLoss: number; lrAfter: number; keys: string[];
}
const fx = fixture<Fx>('transformer-lm');

class PositionalEncoding extends nn.Module {
  dropout: nn.Dropout;
  declare readonly pe: Tensor;
  constructor(dModel: number, dropout = 0.1, maxLen = 5000) {
    super();
    this.dropout = new nn.Dropout({ p: dropout });
    const position = arange(maxLen).unsqueeze(1);
    const divTerm = exp(arange(0, dModel, 2).mul(-Math.log(10000.0) / dModel));
    const pe = zeros([maxLen, 1, dModel]);
    pe.select(1, 0).slice(1, 0, null, 2).copy_(sin(position.mul(divTerm))); // pe[:, 0, 0::2] = torch.sin(position * div_term)
    pe.select(1, 0).slice(1, 1, null, 2).copy_(cos(position.mul(divTerm))); // pe[:, 0, 1::2] = torch.cos(position * div_term)
    this.registerBuffer('pe', pe);
  }
  forward(x: Tensor): Tensor {
    x = x.add(this.pe.slice(0, null, x.size(0))); // x + self.pe[:x.size(0)]
    return this.dropout.call(x);
  }
}

class TransformerModel extends nn.Module {
  modelType = 'Transformer';
  pos_encoder: PositionalEncoding;
  transformer_encoder: nn.TransformerEncoder;
  encoder: nn.Embedding;
  dModel: number;
  decoder: nn.Linear;
  constructor(ntoken: number, dModel: number, nhead: number, dHid: number, nlayers: number, dropout = 0.5) {
    super();
    this.pos_encoder = new PositionalEncoding(dModel, dropout, 64);
    const encoderLayers = new nn.TransformerEncoderLayer(dModel, nhead, dHid, dropout);
    this.transformer_encoder = new nn.TransformerEncoder(encoderLayers, nlayers);
    this.encoder = new nn.Embedding(ntoken, dModel);
    this.dModel = dModel;
    this.decoder = new nn.Linear(dModel, ntoken);
    this.initWeights();
  }
  initWeights(): void {
    const initrange = 0.1;
    this.encoder.weight.data.uniform_(-initrange, initrange);
    this.decoder.bias!.data.zero_();
    this.decoder.weight.data.uniform_(-initrange, initrange);
  }
  forward(src: Tensor, srcMask: Tensor): Tensor {
    src = this.encoder.call(src).mul(Math.sqrt(this.dModel));
    src = this.pos_encoder.call(src);
    let output = this.transformer_encoder.call(src, srcMask);
    output = this.decoder.call(output);
    return output;
  }
}

function generateSquareSubsequentMask(sz: number): Tensor {
  return triu(ones([sz, sz]).mul(-Infinity), 1);
}

function batchify(data: Tensor, bsz: number): Tensor {
  const seqLen = Math.floor(data.size(0) / bsz);
  data = data.slice(0, null, seqLen * bsz); // data[:seq_len * bsz]
  data = data.view(bsz, seqLen).t().contiguous();
  return data;
}

const bptt = 5;
function getBatch(source: Tensor, i: number): [Tensor, Tensor] {
  const seqLen = Math.min(bptt, source.length - 1 - i);
  const data = source.slice(0, i, i + seqLen);
  const target = source.slice(0, i + 1, i + 1 + seqLen).reshape(-1);
  return [data, target];
}

const ntokens = 11;
const stream = tensor(Array.from({ length: 42 }, (_, i) => (3 * i + Math.floor(i / 5)) % ntokens), { dtype: 'int32' });

describe('Language modeling with nn.Transformer', () => {
  it('PositionalEncoding, the mask, batchify and get_batch match PyTorch', () => {
    const pe = new PositionalEncoding(8, 0.1, 6);
    expectClose(pe.pe, fx.pe, 1e-6);
    expect(Object.keys(pe.stateDict())).toEqual(['pe']);
    const mask = generateSquareSubsequentMask(bptt);
    expect(mask.toArray()).toEqual(toTensor(fx.mask).toArray()); // -inf above the diagonal, 0 elsewhere (no NaN)
    const trainData = batchify(stream, 3);
    expect(trainData.toArray()).toEqual(toTensor(fx.trainData).toArray());
    expect(batchify(stream.slice(0, null, 22), 2).toArray()).toEqual(toTensor(fx.valData).toArray());
    const [data, target] = getBatch(trainData, 10);
    expect([data.shape, target.shape]).toEqual([[3, 3], [9]]); // the last batch is short
  });

  it('trains three epochs with clip_grad_norm_, StepLR and the best model kept, as PyTorch', () => {
    const [emsize, dHid, nlayers, nhead, dropout] = [8, 16, 2, 2, 0.0];
    const model = new TransformerModel(ntokens, emsize, nhead, dHid, nlayers, dropout);
    expect(Object.keys(model.stateDict())).toEqual(fx.keys);
    // the translation tutorial's init: for p in model.parameters(): if p.dim() > 1: xavier_uniform_(p)
    expect(Array.from(model.parameters()).filter((p) => p.dim() > 1).length).toBe(10);
    model.loadStateDict(stateDict(fx.init));
    const trainData = toTensor(fx.trainData).int();
    const valData = toTensor(fx.valData).int();
    const criterion = new nn.CrossEntropyLoss();
    const lr = 5.0; // learning rate
    const optimizer = new optim.SGD(model.parameters(), { lr });
    const scheduler = new optim.lrScheduler.StepLR(optimizer, 1.0, { gamma: 0.95 });

    function train(model: TransformerModel): { losses: number[]; norms: number[] } {
      model.train(); // turn on train mode
      let srcMask = generateSquareSubsequentMask(bptt);
      const losses: number[] = [], norms: number[] = [];
      for (let i = 0; i < trainData.size(0) - 1; i += bptt) {
        const [data, targets] = getBatch(trainData, i);
        const seqLen = data.size(0);
        if (seqLen !== bptt) srcMask = srcMask.slice(0, null, seqLen).slice(1, null, seqLen); // only on last batch
        const output = model.call(data, srcMask);
        const loss = criterion.call(output.view(-1, ntokens), targets);
        optimizer.zeroGrad();
        loss.backward();
        norms.push(nn.utils.clipGradNorm_(model.parameters(), 0.5).item());
        optimizer.step();
        losses.push(loss.item());
      }
      return { losses, norms };
    }

    function evaluate(model: TransformerModel, evalData: Tensor): number {
      model.eval(); // turn on evaluation mode
      let totalLoss = 0.0;
      let srcMask = generateSquareSubsequentMask(bptt);
      noGrad(() => {
        for (let i = 0; i < evalData.size(0) - 1; i += bptt) {
          const [data, targets] = getBatch(evalData, i);
          const seqLen = data.size(0);
          if (seqLen !== bptt) srcMask = srcMask.slice(0, null, seqLen).slice(1, null, seqLen);
          const output = model.call(data, srcMask);
          const outputFlat = output.view(-1, ntokens);
          totalLoss += seqLen * criterion.call(outputFlat, targets).item();
        }
      });
      return totalLoss / (evalData.length - 1);
    }

    model.eval();
    const firstOutput = noGrad(() => model.call(getBatch(trainData, 0)[0], generateSquareSubsequentMask(bptt)));
    expectClose(firstOutput, fx.firstOutput, 1e-5);

    let bestValLoss = Infinity;
    let bestModel: TransformerModel | null = null;
    let bestEpoch = 0;
    for (let epoch = 1; epoch <= 3; epoch++) {
      const { losses, norms } = train(model);
      const valLoss = evaluate(model, valData);
      const lrUsed = scheduler.getLastLr()[0];
      const want = fx.epochs[epoch - 1];
      expectClose(losses, want.losses, 1e-4);
      expectClose(norms, want.norms, 1e-4);
      expectClose(valLoss, want.valLoss, 1e-4);
      expectClose(lrUsed, want.lr, 1e-12);
      expect(Math.exp(valLoss)).toBeGreaterThan(1); // ppl = math.exp(val_loss)
      if (valLoss < bestValLoss) {
        bestValLoss = valLoss;
        bestModel = nn.deepCopy(model);
        bestEpoch = epoch;
      }
      scheduler.step();
    }
    expect(bestEpoch).toBe(fx.bestEpoch);
    expectClose(evaluate(bestModel!, valData), fx.bestValLoss, 1e-4); // the copy did not follow later steps
    expect(bestModel!.encoder.weight).not.toBe(model.encoder.weight);
    expectClose(scheduler.getLastLr()[0], fx.lrAfter, 1e-12);
  });
});
