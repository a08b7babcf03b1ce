/** The same seed gives bit-identical training runs (data order, init, dropout, updates). */
import { manualSeed, Tensor, nn, optim, data } from 'tapegrad';

function train(seed: number): Float32Array[] {
  manualSeed(seed);
  const { x, y } = data.makeMoons({ n: 200, noise: 0.1, seed });
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(16, 2));
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 32, shuffle: true });
  for (let epoch = 0; epoch < 3; epoch++) {
    for (const [xb, yb] of loader as Iterable<[Tensor, Tensor]>) {
      opt.zeroGrad();
      nn.functional.crossEntropy(model.forward(xb), yb).backward();
      opt.step();
    }
  }
  return [...model.parameters()].map((p) => p.dataSync() as Float32Array);
}

describe('determinism', () => {
  it('two runs with the same seed are bit-identical', () => {
    const a = train(7), b = train(7);
    expect(a.length).toBe(4);
    a.forEach((p, i) => expect(Buffer.from(p.buffer).equals(Buffer.from(b[i].buffer))).toBe(true));
  });
  it('a different seed gives a different run', () => {
    const a = train(7), c = train(8);
    expect(Buffer.from(a[0].buffer).equals(Buffer.from(c[0].buffer))).toBe(false);
  });
});
