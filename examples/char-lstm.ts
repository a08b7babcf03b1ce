/**
 * A character-level LSTM language model on docs/design.md, with temperature sampling each epoch and a
 * checkpoint that `--resume` continues from (the code is in examples/lib/char-lstm.ts).
 *
 * Run: node scripts/run-ts.cjs examples/char-lstm.ts [--epochs 8] [--steps 150] [--temperature 0.7] [--resume] [--checkpoint char-lstm.safetensors]
 */
import { trainCharLM } from './lib/char-lstm';
import { cliArgs } from './lib/args';

const args = cliArgs(process.argv.slice(2));
trainCharLM({ epochs: args.number('epochs'), stepsPerEpoch: args.number('steps'), temperature: args.number('temperature'), checkpoint: args.string('checkpoint'), resume: args.flag('resume') });
