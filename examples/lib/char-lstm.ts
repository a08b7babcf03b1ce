/**
 * A character-level LSTM language model trained on the project's own design notes (docs/design.md):
 * Embedding → LSTM → Linear over the vocabulary, next-character cross-entropy, Adam, gradient clipping.
 * Each epoch prints the loss and a sample drawn with temperature, writes a checkpoint, and a run with
 * `--resume` continues from it.
 *
 * The entry point is examples/char-lstm.ts; this file holds the model and the loop, which the tests import.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Tensor, Generator, tensor, manualSeed, noGrad, nn, optim, saveCheckpoint } from 'tapegrad';
import { resumeFrom } from './checkpoint';

export interface CharLMOptions {
  epochs?: number;
  stepsPerEpoch?: number;
  batch?: number;
  seqLen?: number;
  embed?: number;
  hidden?: number;
  numLayers?: number;
  lr?: number;
  /** Characters of the text to train on (default: all of it). */
  textChars?: number;
  sampleChars?: number;
  temperature?: number;
  checkpoint?: string;
  /** Continue from `checkpoint` when it exists. */
  resume?: boolean;
  seed?: number;
  log?: (line: string) => void;
}

export interface CharLMResult {
  /** Mean training loss of each epoch run (this call only). */
  losses: number[];
  /** One sample per epoch run. */
  samples: string[];
  /** The epoch this call started from (0, or where the checkpoint left off). */
  startEpoch: number;
  vocabSize: number;
}

/** The repository's docs/design.md, found from the working directory or from this file. */
export function readCorpus(): string {
  for (const dir of [process.cwd(), path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..')]) {
    const p = path.join(dir, 'docs', 'design.md');
    if (fs.existsSync(p)) return fs.readFileSync(p, 'utf8');
  }
  throw new Error('char-lstm: docs/design.md not found; run from the repository root');
}

/** Embedding → LSTM → Linear to the vocabulary. */
export class CharLSTM extends nn.Module {
  embed: nn.Embedding;
  lstm: nn.LSTM;
  head: nn.Linear;

  constructor(vocab: number, embed: number, hidden: number, numLayers: number) {
    super();
    this.embed = new nn.Embedding(vocab, embed);
    this.lstm = new nn.LSTM(embed, hidden, { numLayers, batchFirst: true });
    this.head = new nn.Linear(hidden, vocab);
  }

  /** ids [B, T] int32 → logits [B, T, vocab] and the final state. */
  forward(ids: Tensor, state?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const [out, hc] = this.lstm.call(this.embed.call(ids), state);
    return [this.head.call(out), hc];
  }
}

/** Draws an index from softmax(logits / temperature). */
function sampleIndex(logits: number[], temperature: number, g: Generator): number {
  const m = Math.max(...logits);
  const w = logits.map((v) => Math.exp((v - m) / temperature));
  let u = g.random() * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < w.length; i++) if ((u -= w[i]) <= 0) return i;
  return w.length - 1;
}

/** Generates `n` characters after `prime`, carrying the LSTM state one character at a time. */
export function sample(model: CharLSTM, vocab: string[], prime: string, n: number, temperature: number, g: Generator): string {
  const index = new Map(vocab.map((c, i) => [c, i]));
  return noGrad(() => {
    let [logits, state] = model.call(tensor([[...prime].map((c) => index.get(c) ?? 0)], { dtype: 'int32' }));
    let out = '';
    for (let i = 0; i < n; i++) {
      const last = logits.select(1, logits.shape[1] - 1).select(0, 0).toArray() as number[];
      const k = sampleIndex(last, temperature, g);
      out += vocab[k];
      [logits, state] = model.call(tensor([[k]], { dtype: 'int32' }), state);
    }
    return out;
  });
}

export function trainCharLM(opts: CharLMOptions = {}): CharLMResult {
  const {
    epochs = 8, stepsPerEpoch = 150, batch = 32, seqLen = 64, embed = 32, hidden = 192, numLayers = 1, lr = 3e-3,
    textChars, sampleChars = 160, temperature = 0.7, checkpoint = 'char-lstm.safetensors', resume = false, seed = 0,
    log = console.log,
  } = opts;
  manualSeed(seed);
  const full = readCorpus();
  const text = textChars ? full.slice(0, textChars) : full;
  const vocab = [...new Set(full)].sort();
  const index = new Map(vocab.map((c, i) => [c, i]));
  const ids = Int32Array.from([...text].map((c) => index.get(c) as number));
  const model = new CharLSTM(vocab.length, embed, hidden, numLayers);
  const opt = new optim.Adam(model.parameters(), { lr });
  const g = new Generator(seed + 1);
  let startEpoch = 0;
  const resumed = resume ? resumeFrom(checkpoint, model, opt) : null;
  if (resumed !== null) {
    startEpoch = resumed;
    log(`resumed from ${checkpoint} after epoch ${startEpoch}`);
  }
  log(`char-lstm: ${text.length} characters of docs/design.md, vocabulary ${vocab.length}, LSTM(${embed}, ${hidden}, layers ${numLayers}), ${model.numParameters()} parameters`);
  const losses: number[] = [], samples: string[] = [];
  const windowIds = (): [Tensor, Tensor] => {
    const x = new Int32Array(batch * seqLen), y = new Int32Array(batch * seqLen);
    for (let b = 0; b < batch; b++) {
      const s = g.randint(0, ids.length - seqLen - 1);
      x.set(ids.subarray(s, s + seqLen), b * seqLen);
      y.set(ids.subarray(s + 1, s + seqLen + 1), b * seqLen);
    }
    return [tensor(x, { dtype: 'int32' }).reshape([batch, seqLen]), tensor(y, { dtype: 'int32' })];
  };
  for (let epoch = startEpoch; epoch < startEpoch + epochs; epoch++) {
    model.train();
    let sum = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const [x, y] = windowIds();
      opt.zeroGrad();
      const [logits] = model.call(x);
      const loss = nn.functional.crossEntropy(logits.reshape([-1, vocab.length]), y);
      loss.backward();
      nn.utils.clipGradNorm_(model.parameters(), 1);
      opt.step();
      sum += loss.item();
    }
    const mean = sum / stepsPerEpoch;
    losses.push(mean);
    model.eval();
    const s = sample(model, vocab, 'The tape', sampleChars, temperature, g);
    samples.push(s);
    log(`epoch ${epoch + 1}: loss ${mean.toFixed(3)} (uniform guess: ${Math.log(vocab.length).toFixed(3)})`);
    log(`  sample (temperature ${temperature}): The tape${s.replace(/\n/g, '⏎')}`);
    saveCheckpoint({ model: model.stateDict(), optimizer: opt.stateDict(), step: epoch + 1, extra: { vocab: vocab.join('') } }, checkpoint);
  }
  return { losses, samples, startEpoch, vocabSize: vocab.length };
}
