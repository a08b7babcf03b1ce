import { randn, noGrad, Generator } from '@tapegrad/core';
import { Linear, Sequential, BatchNorm1d, Module, Dropout, deepCopy } from '../src';
import { expectClose } from './helpers';

class Tied extends Module {
  a = new Linear(3, 3);
  b = new Linear(3, 3);
  constructor() {
    super();
    this.b.weight = this.a.weight;
  }
  forward() {
    return null;
  }
}

describe('deepCopy', () => {
  it('copies parameters, buffers, gradients and the training flag; the copies are independent', () => {
    const m = new Sequential(new Linear(3, 4), new BatchNorm1d(4));
    m.get<Linear>(0).weight.grad = randn([4, 3]);
    m.eval();
    const c = deepCopy(m);
    expect(c).toBeInstanceOf(Sequential);
    expect(c.training).toBe(false);
    expect(Object.keys(c.stateDict())).toEqual(Object.keys(m.stateDict()));
    const [w0, w1] = [m.get<Linear>(0).weight, c.get<Linear>(0).weight];
    expect(w1).not.toBe(w0);
    expect(w1.requiresGrad).toBe(true);
    expectClose(w1, Array.from(w0.dataSync()), 0);
    expectClose(w1.grad, Array.from(w0.grad!.dataSync()), 0);
    noGrad(() => w1.fill_(0));
    expect(w0.abs().sum().item()).toBeGreaterThan(0);
    const bn = c.get<BatchNorm1d>(1);
    expect(bn.runningMean).not.toBe(m.get<BatchNorm1d>(1).runningMean);
    const x = randn([2, 3]);
    expectClose(deepCopy(m).call(x), Array.from(m.call(x).dataSync()), 0);
  });

  it('keeps tied weights tied inside the copy and shares generators', () => {
    const c = deepCopy(new Tied());
    expect(c.b.weight).toBe(c.a.weight);
    expect([...c.parameters()].length).toBe(3);
    const g = new Generator(1);
    const d = new Dropout(0.5, { generator: g });
    expect((deepCopy(d) as unknown as { generator: Generator }).generator).toBe(g);
  });

  it('refuses a non-module', () => {
    expect(() => deepCopy({} as never)).toThrow(/deepCopy: expected a Module, got object/);
  });
});
