/** Module: registration from fields, traversal, modes, gradients, dtype, hooks, printing. */
import { Tensor, tensor, zeros, ones, manualSeed, noGrad } from '@tapegrad/core';
import {
  Module, Parameter, Linear, ReLU, Sequential, ModuleList, ModuleDict, BatchNorm1d, Dropout, isModule, isParameter,
} from '@tapegrad/nn';

/** The model as the course slides write it. */
class SimpleNN extends Module {
  fc1 = new Linear(784, 128);
  fc2 = new Linear(128, 10);
  relu = new ReLU();
  forward(x: Tensor): Tensor {
    return this.fc2.call(this.relu.call(this.fc1.call(x)));
  }
}

describe('Parameter', () => {
  it('shares the storage of its data, requires grad and is a leaf', () => {
    const t = tensor([1.5, 2, 3]);
    const p = new Parameter(t);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(p instanceof Tensor).toBe(true);
    expect(isParameter(p)).toBe(true);
    noGrad(() => p.mul_(2));
    expect(Array.from(t.dataSync())).toEqual([3, 4, 6]);
  });
  it('from a non-leaf is a new leaf; requiresGrad false is honoured', () => {
    const a = tensor([1.5, 2], { requiresGrad: true });
    const p = new Parameter(a.mul(3));
    expect(p.isLeaf).toBe(true);
    expect(p.gradFn).toBeNull();
    expect(new Parameter(tensor([1.5]), false).requiresGrad).toBe(false);
  });
  it('integer data cannot require grad', () => {
    expect(() => new Parameter(tensor([1, 2], { dtype: 'int32' }))).toThrow(/only tensors of floating point dtype can require gradients/);
    expect(new Parameter(tensor([1, 2], { dtype: 'int32' }), false).dtype).toBe('int32');
  });
  it('data setter swaps values but keeps identity', () => {
    const p = new Parameter(tensor([1.5, 2]));
    p.grad = tensor([1.5, 1]);
    p.data = tensor([[5, 6, 7]], { dtype: 'float64' });
    expect(p.shape).toEqual([1, 3]);
    expect(p.dtype).toBe('float64');
    expect(p.grad).toBeNull();
    expect(p.requiresGrad).toBe(true);
    expect(String(p)).toMatch(/^Parameter containing:\ntensor\(/);
  });
});

describe('SimpleNN as written in the slides', () => {
  manualSeed(1);
  const model = new SimpleNN();
  it('namedParameters: dotted names in declaration order', () => {
    expect([...model.namedParameters()].map(([n, p]) => [n, p.shape])).toEqual([
      ['fc1.weight', [128, 784]],
      ['fc1.bias', [128]],
      ['fc2.weight', [10, 128]],
      ['fc2.bias', [10]],
    ]);
    expect([...model.parameters()]).toEqual([model.fc1.weight, model.fc1.bias, model.fc2.weight, model.fc2.bias]);
  });
  it('has 101,770 parameters (784·128 + 128 + 128·10 + 10)', () => {
    expect(model.numParameters()).toBe(784 * 128 + 128 + 128 * 10 + 10);
    expect(model.numParameters()).toBe(101770);
  });
  it('children, modules and their names', () => {
    expect([...model.namedChildren()].map(([n]) => n)).toEqual(['fc1', 'fc2', 'relu']);
    expect([...model.children()]).toEqual([model.fc1, model.fc2, model.relu]);
    expect([...model.namedModules()].map(([n]) => n)).toEqual(['', 'fc1', 'fc2', 'relu']);
    expect([...model.modules()][0]).toBe(model);
    expect(model.getSubmodule('fc2')).toBe(model.fc2);
    expect(model.getParameter('fc1.bias')).toBe(model.fc1.bias);
    expect(() => model.getSubmodule('fc3')).toThrow(/SimpleNN has no submodule 'fc3'/);
  });
  it('forward and call give [N, 10]', () => {
    const y = model.call(zeros([2, 784]));
    expect(y.shape).toEqual([2, 10]);
    expect(Array.from(model.forward(zeros([2, 784])).dataSync())).toEqual(Array.from(y.dataSync()));
  });
  it('prints like PyTorch', () => {
    expect(String(model)).toBe(
      'SimpleNN(\n  (fc1): Linear(inFeatures=784, outFeatures=128, bias=true)\n  (fc2): Linear(inFeatures=128, outFeatures=10, bias=true)\n  (relu): ReLU()\n)',
    );
    expect(isModule(model)).toBe(true);
  });
});

describe('registration of arrays, containers and nesting', () => {
  class Block extends Module {
    layers = new ModuleList([new Linear(2, 3), new Linear(3, 2)]);
    extra = [new Linear(2, 1, false)];
    scales = [new Parameter(ones([2])), new Parameter(zeros([1]))];
    heads = new ModuleDict({ b: new Linear(2, 2), a: new Linear(2, 1) });
    notAParam = ones([4]); // a plain tensor field is not registered
    history: (number | Linear)[] = [1, 2, new Linear(1, 1)]; // an array of numbers is not scanned
    forward(x: Tensor): Tensor {
      for (const l of this.layers) x = l.call(x as never) as Tensor;
      return x;
    }
  }
  class Net extends Module {
    block = new Block();
    out = new Linear(2, 1);
    forward(x: Tensor): Tensor {
      return this.out.call(this.block.call(x));
    }
  }
  it('names follow PyTorch (layers.0.weight, heads.<key>.weight), arrays are indexed', () => {
    const net = new Net();
    // As PyTorch's named_parameters: each module's own parameters come before its sub-modules'.
    expect([...net.namedParameters()].map(([n]) => n)).toEqual([
      'block.scales.0', 'block.scales.1',
      'block.layers.0.weight', 'block.layers.0.bias', 'block.layers.1.weight', 'block.layers.1.bias',
      'block.extra.0.weight',
      'block.heads.b.weight', 'block.heads.b.bias', 'block.heads.a.weight', 'block.heads.a.bias',
      'out.weight', 'out.bias',
    ]);
    expect([...net.namedModules()].map(([n]) => n)).toEqual([
      '', 'block', 'block.layers', 'block.layers.0', 'block.layers.1', 'block.extra.0', 'block.heads', 'block.heads.b', 'block.heads.a', 'out',
    ]);
    expect(net.call(ones([5, 2])).shape).toEqual([5, 1]);
  });
  it('ModuleList and ModuleDict API', () => {
    const list = new ModuleList([new ReLU()]);
    list.append(new Linear(1, 1)).extend([new ReLU()]);
    list.insert(0, new Linear(2, 2));
    expect(list.length).toBe(4);
    expect(list.get(-1)).toBeInstanceOf(ReLU);
    expect(list.get(0)).toBeInstanceOf(Linear);
    expect([...list.namedChildren()].map(([n]) => n)).toEqual(['0', '1', '2', '3']);
    expect(() => list.get(4)).toThrow(/ModuleList.get: index 4 is out of range for a container of length 4/);
    expect(() => list.forward()).toThrow(/ModuleList has no forward/);
    const d = new ModuleDict({ z: new ReLU(), a: new ReLU() });
    expect([...d.keys()]).toEqual(['z', 'a']);
    expect(() => d.get('q')).toThrow(/no module under key 'q' \(keys: z, a\)/);
    d.pop('z');
    expect(d.size).toBe(1);
    expect(() => new ModuleList([tensor([1]) as never])).toThrow(/ModuleList: entry 0 is not a Module \(got a Tensor\)/);
  });
  it('shared modules and parameters are listed once', () => {
    const shared = new Linear(2, 2);
    class Tied extends Module {
      a = shared;
      b = shared;
      w = shared.weight;
      forward(x: Tensor): Tensor {
        return this.b.call(this.a.call(x));
      }
    }
    const t = new Tied();
    // Own parameters first (as PyTorch), then each shared tensor only once.
    expect([...t.namedParameters()].map(([n]) => n)).toEqual(['w', 'a.bias']);
    expect([...t.modules()].length).toBe(2);
    expect(t.numParameters()).toBe(6);
  });
});

describe('modes, gradients, apply, dtype', () => {
  it('train()/eval() reach every sub-module', () => {
    const m = new Sequential(new Linear(2, 2), new Dropout(0.5), new Sequential(new BatchNorm1d(2)));
    expect(m.training).toBe(true);
    m.eval();
    expect([...m.modules()].every((x) => !x.training)).toBe(true);
    expect(m.train()).toBe(m);
    expect([...m.modules()].every((x) => x.training)).toBe(true);
    m.train(false);
    expect(m.get(2).training).toBe(false);
  });
  it('zeroGrad sets grads to null by default, or to zeros', () => {
    const m = new Linear(3, 2);
    m.call(ones([1, 3])).sum().backward();
    expect(m.weight.grad).not.toBeNull();
    const g = m.weight.grad!;
    m.zeroGrad({ setToNone: false });
    expect(m.weight.grad).toBe(g);
    expect(Array.from(g.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    m.zeroGrad();
    expect(m.weight.grad).toBeNull();
    expect(m.bias!.grad).toBeNull();
  });
  it('apply visits children first, then the module itself', () => {
    const inner = new Sequential(new ReLU());
    const m = new Sequential(new Linear(1, 1), inner);
    const seen: string[] = [];
    m.apply((x) => seen.push(x.constructor.name));
    expect(seen).toEqual(['Linear', 'ReLU', 'Sequential', 'Sequential']);
  });
  it('to(float64) converts params, grads and float buffers in place; int buffers stay', () => {
    const m = new Sequential(new Linear(2, 2), new BatchNorm1d(2));
    const w = (m.get(0) as Linear).weight;
    const before = Array.from(w.dataSync());
    m.call(ones([3, 2])).sum().backward();
    m.to('float64');
    expect(w.dtype).toBe('float64');
    expect((m.get(0) as Linear).weight).toBe(w);
    expect(w.grad!.dtype).toBe('float64');
    expect(Array.from(w.dataSync())).toEqual(before);
    const bn = m.get(1) as BatchNorm1d;
    expect(bn.runningMean!.dtype).toBe('float64');
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    expect(m.call(ones([3, 2], { dtype: 'float64' })).dtype).toBe('float64');
    expect(() => m.to('int32')).toThrow(/only accepts floating point dtypes/);
  });
  it('requiresGrad_(false) freezes; numParameters({ trainableOnly })', () => {
    const m = new Sequential(new Linear(4, 3), new Linear(3, 1));
    m.get(0).requiresGrad_(false);
    expect(m.numParameters()).toBe(15 + 4);
    expect(m.numParameters({ trainableOnly: true })).toBe(4);
  });
});

describe('buffers', () => {
  class WithBuf extends Module {
    lin = new Linear(1, 1);
    declare count: Tensor;
    declare scratch: Tensor;
    constructor() {
      super();
      this.registerBuffer('count', zeros([1]));
      this.registerBuffer('scratch', zeros([2]), { persistent: false });
      this.registerBuffer('absent', null);
    }
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  it('are listed by buffers()/namedBuffers(), and only persistent ones are in stateDict', () => {
    const m = new WithBuf();
    expect([...m.namedBuffers()].map(([n]) => n)).toEqual(['count', 'scratch']);
    expect([...m.buffers()]).toEqual([m.count, m.scratch]);
    // PyTorch's order: own parameters, own buffers, then children.
    expect(Object.keys(m.stateDict())).toEqual(['count', 'lin.weight', 'lin.bias']);
    expect([...m.parameters()].length).toBe(2);
  });
  it('reassigning the field updates the buffer', () => {
    const m = new WithBuf();
    m.count = ones([1]);
    expect([...m.buffers()][0]).toBe(m.count);
  });
  it('bad registrations are errors', () => {
    const m = new WithBuf();
    expect(() => m.registerBuffer('a.b', zeros([1]))).toThrow(/without '\.'/);
    expect(() => m.registerBuffer('lin', zeros([1]))).toThrow(/attribute 'lin' already exists as a module/);
    expect(() => m.registerBuffer('p', new Parameter(zeros([1])))).toThrow(/is a Parameter/);
    expect(() => m.registerParameter('q', zeros([1]) as never)).toThrow(/plain Tensor as parameter 'q'/);
  });
  it('nested buffers get dotted names (BatchNorm running stats)', () => {
    const m = new Sequential(new Linear(2, 2), new BatchNorm1d(2));
    expect([...m.namedBuffers()].map(([n]) => n)).toEqual(['1.running_mean', '1.running_var', '1.num_batches_tracked']);
  });
});

describe('call() and hooks', () => {
  it('a module without forward (plain JS) gets PyTorch\'s error', () => {
    abstract class NoForward extends Module {}
    const m = new (NoForward as unknown as new () => Module)();
    expect(() => m.call()).toThrow('Module [NoForward] is missing the required "forward" function');
  });
  it('forward hooks see inputs and output and may replace the output; pre-hooks may replace inputs', () => {
    const m = new Linear(2, 1);
    const seen: number[][] = [];
    const h = m.registerForwardHook((mod, inputs, out) => {
      expect(mod).toBe(m);
      seen.push((inputs[0] as Tensor).shape, (out as Tensor).shape);
    });
    m.call(zeros([3, 2]));
    expect(seen).toEqual([[3, 2], [3, 1]]);
    const h2 = m.registerForwardHook(() => tensor([42]));
    expect(m.call(zeros([3, 2])).item()).toBe(42);
    h2.remove();
    h.remove();
    const pre = m.registerForwardPreHook(() => [zeros([5, 2])]);
    expect(m.call(zeros([3, 2])).shape).toEqual([5, 1]);
    pre.remove();
    expect(m.call(zeros([3, 2])).shape).toEqual([3, 1]);
    expect(seen.length).toBe(4); // h ran on the first two calls only
  });
});
