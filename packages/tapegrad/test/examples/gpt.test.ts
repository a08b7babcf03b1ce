import { mkdtempSync, rmSync, existsSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadCheckpoint } from 'tapegrad';
import { trainGpt, makeBatch, GptConfig, Gpt } from '../../../../examples/gpt';
import { Generator } from 'tapegrad';

const tiny: GptConfig = { vocab: 5, n: 3, dModel: 16, nhead: 2, numLayers: 1, dimFeedforward: 32 };

describe('examples/gpt (tiny size)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'tapegrad-gpt-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds x | reverse(x) sequences', () => {
    const t = makeBatch(tiny, 4, new Generator(1));
    expect(t.shape).toEqual([4, 7]);
    const v = Array.from(t.dataSync());
    for (let b = 0; b < 4; b++) {
      const row = v.slice(b * 7, b * 7 + 7);
      expect(row[3]).toBe(5);
      expect(row.slice(4)).toEqual(row.slice(0, 3).reverse());
    }
  });

  it('ties the output layer to the token embedding', () => {
    const m = new Gpt(tiny);
    const names = [...m.namedParameters()].map(([n]) => n);
    expect(names[0]).toBe('tok.weight');
    expect(names.filter((n) => n.includes('weight') && n.startsWith('tok'))).toEqual(['tok.weight']);
    expect(m.call(makeBatch(tiny, 2, new Generator(2))).shape).toEqual([2, 7, 6]);
  });

  it('learns the reversal to at least 99% token accuracy', () => {
    const lines: string[] = [];
    const r = trainGpt({ steps: 400, cfg: tiny, batch: 32, targetAccuracy: 0.995, log: (l) => lines.push(l) });
    expect(r.accuracy).toBeGreaterThanOrEqual(0.99);
    expect(r.losses[r.losses.length - 1]).toBeLessThan(r.losses[0] / 4);
    expect(lines.length).toBeGreaterThan(0);
  });

  it('a run resumed from its checkpoint ends with the same weights as an uninterrupted run', () => {
    const ckpt = join(dir, 'gpt.safetensors');
    const straight = trainGpt({ steps: 12, cfg: tiny, batch: 8, seed: 3 });
    const first = trainGpt({ steps: 6, cfg: tiny, batch: 8, seed: 3, checkpoint: ckpt, checkpointEvery: 3 });
    expect(first.step).toBe(6);
    expect(existsSync(ckpt)).toBe(true);
    expect(loadCheckpoint(ckpt).step).toBe(6);
    const resumed = trainGpt({ steps: 12, cfg: tiny, batch: 8, seed: 3, checkpoint: ckpt, resume: true });
    expect(resumed.startStep).toBe(6);
    const a = straight.model.stateDict(), b = resumed.model.stateDict();
    for (const k of Object.keys(a)) expect(Array.from(b[k].dataSync())).toEqual(Array.from(a[k].dataSync()));
  });
});
