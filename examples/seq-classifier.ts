/**
 * A GRU classifier over packed variable-length sequences (is the sum positive?), with checkpoints and
 * `--resume` (the code is in examples/lib/seq-classifier.ts).
 *
 * Run: node scripts/run-ts.cjs examples/seq-classifier.ts [--epochs 10] [--resume] [--checkpoint seq-classifier.safetensors]
 */
import { trainClassifier } from './lib/seq-classifier';
import { cliArgs } from './lib/args';

const args = cliArgs(process.argv.slice(2));
trainClassifier({ epochs: args.number('epochs'), checkpoint: args.string('checkpoint'), resume: args.flag('resume') });
