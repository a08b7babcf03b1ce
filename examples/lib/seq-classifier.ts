/**
 * A GRU sequence classifier on variable-length sequences: each sequence holds 3–16 numbers drawn from
 * U(−1, 1) and its class is whether they sum above zero. The batch is packed (`nn.utils.rnn.packSequence`,
 * unsorted lengths), so no padding reaches the GRU, and the final hidden state of each sequence feeds a
 * Linear layer. Each epoch prints the loss and the test accuracy and writes a checkpoint; `resume`
 * continues from it. The entry point is examples/seq-classifier.ts.
 */
import { Tensor, Generator, tensor, manualSeed, noGrad, nn, optim, saveCheckpoint } from 'tapegrad';
import { resumeFrom } from './checkpoint';

export interface ClassifierOptions {
  epochs?: number;
  trainSize?: number;
  testSize?: number;
  batch?: number;
  hidden?: number;
  lr?: number;
  checkpoint?: string;
  resume?: boolean;
  seed?: number;
  log?: (line: string) => void;
}

export interface ClassifierResult {
  losses: number[];
  /** Test accuracy (0–1) after each epoch run. */
  accuracies: number[];
  startEpoch: number;
}

/** `n` sequences [L, 1] (L in 3..16) and their labels (1 when the sum is positive). */
export function makeData(n: number, g: Generator): { seqs: Tensor[]; labels: number[] } {
  const seqs: Tensor[] = [], labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const L = g.randint(3, 17);
    const v = Array.from({ length: L }, () => 2 * g.random() - 1);
    seqs.push(tensor(v, { dtype: 'float32' }).reshape([L, 1]));
    labels.push(v.reduce((a, b) => a + b, 0) > 0 ? 1 : 0);
  }
  return { seqs, labels };
}

export class SeqClassifier extends nn.Module {
  gru: nn.GRU;
  head: nn.Linear;

  constructor(hidden: number) {
    super();
    this.gru = new nn.GRU(1, hidden);
    this.head = new nn.Linear(hidden, 2);
  }

  /** Logits [B, 2] for a list of [L_i, 1] sequences. */
  forward(seqs: Tensor[]): Tensor {
    // forward() for a PackedSequence: Module.call()'s types follow the Tensor form.
    const [, hN] = this.gru.forward(nn.utils.rnn.packSequence(seqs, { enforceSorted: false }));
    return this.head.call(hN.select(0, -1));
  }
}

export function trainClassifier(opts: ClassifierOptions = {}): ClassifierResult {
  const {
    epochs = 10, trainSize = 2000, testSize = 500, batch = 50, hidden = 32, lr = 1e-2,
    checkpoint = 'seq-classifier.safetensors', resume = false, seed = 0, log = console.log,
  } = opts;
  manualSeed(seed);
  const g = new Generator(seed + 1);
  const train = makeData(trainSize, g), test = makeData(testSize, g);
  const model = new SeqClassifier(hidden);
  const opt = new optim.Adam(model.parameters(), { lr });
  let startEpoch = 0;
  const resumed = resume ? resumeFrom(checkpoint, model, opt) : null;
  if (resumed !== null) {
    startEpoch = resumed;
    log(`resumed from ${checkpoint} after epoch ${startEpoch}`);
  }
  const losses: number[] = [], accuracies: number[] = [];
  const accuracy = (): number => noGrad(() => {
    const pred = model.eval().call(test.seqs).argmax(1);
    return pred.eq(tensor(test.labels, { dtype: 'int32' })).float().mean().item();
  });
  for (let epoch = startEpoch; epoch < startEpoch + epochs; epoch++) {
    model.train();
    const order = Array.from({ length: trainSize }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) { const j = g.randint(0, i + 1); [order[i], order[j]] = [order[j], order[i]]; }
    let sum = 0, n = 0;
    for (let s = 0; s < trainSize; s += batch) {
      const idx = order.slice(s, s + batch);
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy(model.call(idx.map((i) => train.seqs[i])), tensor(idx.map((i) => train.labels[i]), { dtype: 'int32' }));
      loss.backward();
      opt.step();
      sum += loss.item();
      n++;
    }
    losses.push(sum / n);
    accuracies.push(accuracy());
    log(`epoch ${epoch + 1}: loss ${losses[losses.length - 1].toFixed(4)}, test accuracy ${(accuracies[accuracies.length - 1] * 100).toFixed(1)}%`);
    saveCheckpoint({ model: model.stateDict(), optimizer: opt.stateDict(), step: epoch + 1 }, checkpoint);
  }
  return { losses, accuracies, startEpoch };
}
