/** summary(): layers, output shapes, parameter counts; no side effects on modes or running stats. */
import { Tensor, zeros } from '@tapegrad/core';
import { Module, Linear, ReLU, Sequential, BatchNorm1d, Dropout, Flatten, summary, utils } from '@tapegrad/nn';

class SimpleNN extends Module {
  fc1 = new Linear(784, 128);
  fc2 = new Linear(128, 10);
  relu = new ReLU();
  forward(x: Tensor): Tensor {
    // forward() directly, not call(): summary must still see the layers
    return this.fc2.forward(this.relu.forward(this.fc1.forward(x)));
  }
}

describe('summary', () => {
  it("answers the slides' question: 784-128-10 has 101,770 parameters", () => {
    const s = summary(new SimpleNN(), [1, 784]);
    expect(s.totalParams).toBe(101770);
    expect(s.trainableParams).toBe(101770);
    expect(s.nonTrainableParams).toBe(0);
    expect(s.rows.map((r) => [r.name, r.type, r.outputShape, r.numParams])).toEqual([
      ['fc1', 'Linear', [1, 128], 100480],
      ['relu', 'ReLU', [1, 128], 0],
      ['fc2', 'Linear', [1, 10], 1290],
    ]);
    expect(s.table).toContain('Total params: 101,770');
    expect(String(s)).toBe(s.table);
    expect(s.table.split('\n')).toContain('fc1 (Linear)  [1, 128]      100,480');
  });
  it('nested Sequentials show depth; containers carry totals', () => {
    const model = new Sequential(new Flatten(), new Sequential(new Linear(784, 32), new ReLU()), new Linear(32, 10));
    const s = utils.summary(model, [4, 1, 28, 28]);
    expect(s.rows.map((r) => [r.name, r.depth, r.outputShape])).toEqual([
      ['0', 1, [4, 784]],
      ['1', 1, [4, 32]],
      ['1.0', 2, [4, 32]],
      ['1.1', 2, [4, 32]],
      ['2', 1, [4, 10]],
    ]);
    expect(s.rows[1].totalParams).toBe(784 * 32 + 32);
    expect(s.rows[1].numParams).toBe(0);
    expect(s.totalParams).toBe(784 * 32 + 32 + 330);
  });
  it('runs in eval mode under noGrad and restores training flags; BatchNorm stats untouched', () => {
    const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Dropout(0.5), new Linear(4, 1));
    const bn = model.get(1) as BatchNorm1d;
    model.get(3).requiresGrad_(false);
    const s = summary(model, [1, 3]);
    expect(s.trainableParams).toBe(16 + 8);
    expect(s.nonTrainableParams).toBe(5);
    expect([...model.modules()].every((m) => m.training)).toBe(true);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(Array.from(bn.runningMean!.dataSync())).toEqual([0, 0, 0, 0]);
    expect(Object.prototype.hasOwnProperty.call(model.get(0), 'forward')).toBe(false);
  });
  it('restores the modules even when forward throws, and reports the error', () => {
    const model = new Sequential(new Linear(3, 4));
    expect(() => summary(model, [1, 5])).toThrow(/Linear\(3, 4\): expected input with 3 features/);
    expect(Object.prototype.hasOwnProperty.call(model.get(0), 'forward')).toBe(false);
    expect(() => summary(model, 'x' as never)).toThrow(/inputShape must be a shape/);
    expect(zeros([1]).shape).toEqual([1]);
  });
});
