/**
 * A small decoder-only Transformer (GPT-style) learning to reverse sequences.
 *
 * Each example is `x₁ … xₙ | xₙ … x₁`: n random symbols, a separator, and the same symbols reversed.
 * The model sees the sequence left to right (causal mask) and is trained to predict every next token of
 * the reversed half; the token accuracy there is what it reports. The model is what a user would write:
 * token + position embeddings, nn.TransformerEncoder layers under Transformer.generateSquareSubsequentMask
 * (a decoder-only stack is an encoder stack with a causal mask), a final LayerNorm, and an output layer
 * tied to the token embedding (logits = h · Eᵀ).
 *
 * It prints the loss and the accuracy as it goes, writes a checkpoint (model, Adam state, step) with
 * saveCheckpoint every `checkpointEvery` steps, and resumes from it with --resume.
 *
 * Run: node scripts/run-ts.cjs examples/gpt.ts [--steps 1500] [--checkpoint gpt.ckpt.safetensors] [--resume]
 */
import { Tensor, Generator, randint, cat, full, arange, noGrad, manualSeed, nn, optim, saveCheckpoint } from 'tapegrad';
import { cliArgs } from './lib/args';
import { resumeFrom } from './lib/checkpoint';

export interface GptConfig {
  /** Number of symbols (the separator is one more token). */
  vocab: number;
  /** Length of the sequence to reverse. */
  n: number;
  dModel: number;
  nhead: number;
  numLayers: number;
  dimFeedforward: number;
}

export const DEFAULT_CONFIG: GptConfig = { vocab: 10, n: 6, dModel: 48, nhead: 4, numLayers: 2, dimFeedforward: 96 };

/** Token + position embeddings, a causal Transformer stack, LayerNorm, and the tied output layer. */
export class Gpt extends nn.Module {
  readonly cfg: GptConfig;
  tok: nn.Embedding;
  pos: nn.Embedding;
  blocks: nn.TransformerEncoder;
  norm: nn.LayerNorm;

  constructor(cfg: GptConfig, generator?: Generator) {
    super();
    this.cfg = cfg;
    const T = 2 * cfg.n + 1;
    this.tok = new nn.Embedding(cfg.vocab + 1, cfg.dModel, { generator });
    this.pos = new nn.Embedding(T, cfg.dModel, { generator });
    noGrad(() => {
      this.tok.weight.mul_(0.1);
      this.pos.weight.mul_(0.1);
    });
    const layer = new nn.TransformerEncoderLayer(cfg.dModel, cfg.nhead, {
      dimFeedforward: cfg.dimFeedforward, dropout: 0, activation: 'gelu', batchFirst: true, normFirst: true, generator,
    });
    this.blocks = new nn.TransformerEncoder(layer, cfg.numLayers);
    this.norm = new nn.LayerNorm(cfg.dModel);
  }

  /** tokens [B, T] (int32) → logits [B, T, vocab + 1]. */
  forward(tokens: Tensor): Tensor {
    const T = tokens.shape[1];
    const h = this.tok.call(tokens).add(this.pos.call(arange(0, T, 1, { dtype: 'int32' })));
    const mask = nn.Transformer.generateSquareSubsequentMask(T, { dtype: h.dtype });
    // Weight tying: the output layer is the token embedding, transposed.
    return nn.F.linear(this.norm.call(this.blocks.call(h, { mask })), this.tok.weight);
  }
}

/** A batch of `x | reverse(x)` sequences, drawn from `g`: tokens [B, 2n + 1]. */
export function makeBatch(cfg: GptConfig, batch: number, g: Generator): Tensor {
  const x = randint(0, cfg.vocab, [batch, cfg.n], { generator: g, dtype: 'int32' });
  const reversed = cat(Array.from({ length: cfg.n }, (_, i) => x.narrow(1, cfg.n - 1 - i, 1)), 1);
  return cat([x, full([batch, 1], cfg.vocab, { dtype: 'int32' }), reversed], 1);
}

/** Cross-entropy of the reversed half's next-token predictions, and their token accuracy. */
export function lossAndAccuracy(model: Gpt, tokens: Tensor): { loss: Tensor; accuracy: number } {
  const { n, vocab } = model.cfg;
  // Positions n .. 2n-1 (the separator and the reversed symbols but the last) predict tokens n+1 .. 2n.
  const logits = model.call(tokens.narrow(1, 0, 2 * n)).narrow(1, n, n).reshape([-1, vocab + 1]);
  const target = tokens.narrow(1, n + 1, n).reshape([-1]);
  const loss = nn.F.crossEntropy(logits, target);
  const accuracy = noGrad(() => logits.argmax(1).eq(target).float().mean().item());
  return { loss, accuracy };
}

export interface TrainOptions {
  steps: number;
  batch?: number;
  lr?: number;
  seed?: number;
  cfg?: GptConfig;
  /** Where the checkpoint goes (none when absent). */
  checkpoint?: string;
  checkpointEvery?: number;
  /** Print (and check targetAccuracy) every this many steps. */
  logEvery?: number;
  /** Continue from `checkpoint` when it exists. */
  resume?: boolean;
  log?: (line: string) => void;
  /** Stop early once an evaluation batch reaches this token accuracy. */
  targetAccuracy?: number;
}

export interface TrainResult {
  model: Gpt;
  step: number;
  startStep: number;
  losses: number[];
  /** Token accuracy on a fresh evaluation batch of 512 sequences at the end. */
  accuracy: number;
}

const evalAccuracy = (model: Gpt, seed: number): number =>
  noGrad(() => lossAndAccuracy(model, makeBatch(model.cfg, 512, new Generator(seed + 1_000_003))).accuracy);

/**
 * Trains with Adam; every step's batch is drawn from a generator seeded by (seed, step), so a resumed
 * run sees exactly the batches an uninterrupted one would.
 */
export function trainGpt(opts: TrainOptions): TrainResult {
  const { steps, batch = 64, lr = 3e-3, seed = 0, cfg = DEFAULT_CONFIG, checkpoint, checkpointEvery = 100, logEvery = 25, resume = false, log = () => {}, targetAccuracy } = opts;
  manualSeed(seed);
  const model = new Gpt(cfg, new Generator(seed));
  const opt = new optim.Adam([...model.parameters()], { lr });
  let step = 0;
  const resumed = resume && checkpoint ? resumeFrom(checkpoint, model, opt) : null;
  if (resumed !== null) {
    step = resumed;
    log(`resumed from ${checkpoint} at step ${step}`);
  }
  const startStep = step;
  const save = () => {
    if (checkpoint) saveCheckpoint({ model: model.stateDict(), optimizer: opt.stateDict(), step, extra: { cfg } }, checkpoint);
  };
  const losses: number[] = [];
  while (step < steps) {
    const tokens = makeBatch(cfg, batch, new Generator(seed * 1_000_000 + step));
    opt.zeroGrad();
    const { loss, accuracy } = lossAndAccuracy(model, tokens);
    loss.backward();
    opt.step();
    step++;
    losses.push(loss.item());
    if (step % checkpointEvery === 0) save();
    if (step % logEvery === 0 || step === steps) {
      const acc = evalAccuracy(model, seed);
      log(`step ${String(step).padStart(5)}  loss ${loss.item().toFixed(4)}  batch accuracy ${(accuracy * 100).toFixed(1)}%  eval accuracy ${(acc * 100).toFixed(2)}%`);
      if (targetAccuracy !== undefined && acc >= targetAccuracy) break;
    }
  }
  save();
  return { model, step, startStep, losses, accuracy: evalAccuracy(model, seed) };
}

function sample(model: Gpt, g: Generator): string {
  const tokens = makeBatch(model.cfg, 1, g);
  const { n } = model.cfg;
  let seq = tokens.narrow(1, 0, n + 1);
  noGrad(() => {
    for (let i = 0; i < n; i++) {
      const next = model.call(seq).narrow(1, seq.shape[1] - 1, 1).argmax(-1).to('int32');
      seq = cat([seq, next], 1);
    }
  });
  const v = Array.from(seq.dataSync());
  return `${v.slice(0, n).join(' ')} | ${v.slice(n + 1).join(' ')}`;
}

function main(argv: string[]): void {
  const args = cliArgs(argv);
  const steps = args.number('steps') ?? 3000;
  const checkpoint = args.string('checkpoint') ?? 'gpt.ckpt.safetensors';
  const t0 = Date.now();
  const r = trainGpt({ steps, checkpoint, resume: args.flag('resume'), log: console.log, targetAccuracy: 0.995 });
  console.log(`trained steps ${r.startStep}..${r.step} in ${((Date.now() - t0) / 1e3).toFixed(1)} s; token accuracy on 512 fresh sequences: ${(r.accuracy * 100).toFixed(2)}%`);
  const g = new Generator(7);
  for (let i = 0; i < 3; i++) console.log(`  sample: ${sample(r.model, g)}`);
  console.log(`checkpoint: ${checkpoint} (continue with --resume)`);
}

// Run as a program (also under scripts/run-ts.cjs, which runs the bundle as the main module), not when a test imports it.
if (require.main === module) main(process.argv.slice(2));
