import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { trainClassifier } from '../../../../examples/lib/seq-classifier';

describe('examples/seq-classifier (tiny size)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seq-classifier-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tiny = { trainSize: 400, testSize: 200, checkpoint: path.join(dir, 's.safetensors') };

  it('classifies packed variable-length sequences, checkpoints and resumes', () => {
    const lines: string[] = [];
    const a = trainClassifier({ ...tiny, epochs: 3, log: (l) => lines.push(l) });
    expect(a.losses[2]).toBeLessThan(a.losses[0]);
    expect(a.accuracies[2]).toBeGreaterThan(0.85);
    expect(lines[2]).toMatch(/^epoch 3: loss [\d.]+, test accuracy [\d.]+%$/);
    const b = trainClassifier({ ...tiny, epochs: 1, resume: true, log: (l) => lines.push(l) });
    expect(b.startEpoch).toBe(3);
    expect(b.accuracies[0]).toBeGreaterThan(0.85);
  });
});
