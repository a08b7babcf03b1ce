/** Resuming a training example from the checkpoint it writes (shared by gpt.ts, char-lstm and seq-classifier). */
import { existsSync } from 'fs';
import { loadCheckpoint, nn, optim } from 'tapegrad';

/**
 * Loads `path` into `model` and `opt` when it exists, and returns the step (or epoch) it was saved at;
 * null when there is no checkpoint to resume from.
 */
export function resumeFrom(path: string, model: nn.Module, opt: { loadStateDict(sd: optim.OptimizerStateDict): unknown }): number | null {
  if (!existsSync(path)) return null;
  const ck = loadCheckpoint(path);
  model.loadStateDict(ck.model);
  if (ck.optimizer) opt.loadStateDict(ck.optimizer);
  return ck.step ?? 0;
}
