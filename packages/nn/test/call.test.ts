/** Issue 18 §4: PyTorch's `model(x)` says to write `model.call(x)`; the module is otherwise an ordinary instance. */
import { inspect } from 'util';
import { tensor } from '@tapegrad/core';
import { Linear, Sequential, ReLU, Module } from '@tapegrad/nn';

describe('calling a module like PyTorch', () => {
  it('model(x) throws an error that says model.call(x)', () => {
    const model = new Sequential(new Linear(2, 3), new ReLU());
    const x = tensor([[1, 2]]);
    expect(() => (model as unknown as (x: unknown) => unknown)(x)).toThrow(/Sequential: modules are called with model\.call\(x\)/);
    expect(() => (new Linear(2, 1) as unknown as () => unknown)()).toThrow(/Linear: .*model\.call\(x\)/);
    expect(model.call(x).shape).toEqual([1, 3]);
  });

  it('is still an instance of its class with its own fields, names and printing', () => {
    const l = new Linear(2, 3);
    expect(l instanceof Linear && l instanceof Module).toBe(true);
    expect(l.constructor).toBe(Linear);
    expect(Object.keys(l)).toContain('weight');
    expect([...l.namedParameters()].map(([n]) => n)).toEqual(['weight', 'bias']);
    expect(String(l)).toBe('Linear(inFeatures=2, outFeatures=3, bias=true)');
    class Named extends Module {
      name = 'mine';
      length = 3;
      forward(x: unknown): unknown { return x; }
    }
    const n = new Named();
    expect([n.name, n.length]).toEqual(['mine', 3]);
  });

  it('console.log(model) and JSON.stringify show the module tree (PyTorch\'s print(model))', () => {
    const model = new Sequential(new Linear(2, 3), new ReLU());
    expect(inspect(model)).toBe(model.toString());
    expect(inspect(model)).toMatch(/^Sequential\(\n {2}\(0\): Linear/);
    expect(JSON.parse(JSON.stringify({ model }))).toEqual({ model: model.toString() });
  });
});
