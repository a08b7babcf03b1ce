import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCheckpoint } from '../../src/io/checkpoint';
import { trainCharLM } from '../../../../examples/lib/char-lstm';

describe('examples/char-lstm (tiny size)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'char-lstm-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tiny = { stepsPerEpoch: 20, batch: 8, seqLen: 16, hidden: 32, textChars: 3000, sampleChars: 30, checkpoint: path.join(dir, 'c.safetensors') };

  it('learns (loss well below the uniform guess), samples, checkpoints and resumes', () => {
    const lines: string[] = [];
    const a = trainCharLM({ ...tiny, epochs: 2, log: (l) => lines.push(l) });
    expect(a.startEpoch).toBe(0);
    expect(a.losses[1]).toBeLessThan(a.losses[0]);
    expect(a.losses[1]).toBeLessThan(Math.log(a.vocabSize) - 0.8);
    expect(a.samples[1]).toHaveLength(30);
    expect(lines.some((l) => l.startsWith('epoch 2: loss'))).toBe(true);
    const ck = loadCheckpoint(tiny.checkpoint);
    expect(ck.step).toBe(2);
    expect(Object.keys(ck.model)).toContain('lstm.weight_hh_l0');

    const b = trainCharLM({ ...tiny, epochs: 1, resume: true, log: (l) => lines.push(l) });
    expect(b.startEpoch).toBe(2);
    expect(lines).toContain(`resumed from ${tiny.checkpoint} after epoch 2`);
    // continuing from the trained weights, not from scratch
    expect(b.losses[0]).toBeLessThan(a.losses[0]);
    expect(loadCheckpoint(tiny.checkpoint).step).toBe(3);
  });
});
