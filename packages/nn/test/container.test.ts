/** Sequential: construction from modules or named entries, indexing, iteration, forward; Flatten/Unflatten. */
import { tensor, zeros, Tensor } from '@tapegrad/core';
import { Sequential, Linear, ReLU, Tanh, Flatten, Unflatten, Module } from '@tapegrad/nn';

describe('Sequential', () => {
  it('runs modules in order (through call, so hooks fire)', () => {
    const seq = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
    expect(seq.call(zeros([5, 4])).shape).toEqual([5, 3]);
    const shapes: number[][] = [];
    seq.get(1).registerForwardHook((_m, _i, out) => void shapes.push((out as Tensor).shape));
    seq.call(zeros([2, 4]));
    expect(shapes).toEqual([[2, 8]]);
  });
  it('length, get (negative too), iteration, append, insert, slice', () => {
    const a = new Linear(2, 2), b = new ReLU(), c = new Linear(2, 1);
    const seq = new Sequential(a, b);
    expect(seq.length).toBe(2);
    expect(seq.get(0)).toBe(a);
    expect(seq.get(-1)).toBe(b);
    expect([...seq]).toEqual([a, b]);
    seq.append(c);
    expect(seq.length).toBe(3);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const t = new Tanh();
    seq.insert(1, t);
    expect([...seq]).toEqual([a, t, b, c]);
    const s2 = seq.slice(1, 3);
    expect(s2).toBeInstanceOf(Sequential);
    expect([...s2]).toEqual([t, b]);
    expect(() => seq.get(4)).toThrow('Sequential.get: index 4 is out of range for a container of length 4');
  });
  it('from an object of named modules', () => {
    const seq = new Sequential({ fc1: new Linear(4, 8), act: new Tanh(), fc2: new Linear(8, 1) });
    expect(Object.keys(seq.stateDict())).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect([...seq.namedChildren()].map(([n]) => n)).toEqual(['fc1', 'act', 'fc2']);
    expect(seq.getNamed('act')).toBeInstanceOf(Tanh);
    expect(seq.get(2)).toBe(seq.getNamed('fc2'));
    expect(seq.call(zeros([3, 4])).shape).toEqual([3, 1]);
    expect(String(seq)).toBe(
      'Sequential(\n  (fc1): Linear(inFeatures=4, outFeatures=8, bias=true)\n  (act): Tanh()\n  (fc2): Linear(inFeatures=8, outFeatures=1, bias=true)\n)',
    );
  });
  it('rejects non-modules and bad names', () => {
    expect(() => new Sequential(new ReLU(), 3 as unknown as Module)).toThrow('Sequential: entry 1 is not a Module (got number)');
    expect(() => new Sequential({ 'a.b': new ReLU() })).toThrow(/module name can't be empty or contain '\.'/);
  });
  it('an empty Sequential is the identity', () => {
    const x = tensor([1.5]);
    expect(new Sequential().call(x)).toBe(x);
  });
});

describe('Flatten / Unflatten', () => {
  it('Flatten keeps the batch dim by default', () => {
    expect(new Flatten().call(zeros([32, 1, 28, 28])).shape).toEqual([32, 784]);
    expect(new Flatten(0).call(zeros([2, 3, 4])).shape).toEqual([24]);
    expect(new Flatten(1, 2).call(zeros([2, 3, 4, 5])).shape).toEqual([2, 12, 5]);
    expect(() => new Flatten(3).call(zeros([2, 3]))).toThrow(/Flatten\(startDim=3, endDim=-1\): dims out of range for input of shape \[2, 3\]/);
  });
  it('a 0-d input counts as 1-d, as PyTorch: Flatten(0) gives [1], the default Flatten() is out of range', () => {
    // nn.Flatten()(torch.tensor(1.)) -> IndexError (dim 1 of range [-1, 0]); nn.Flatten(0) and nn.Flatten(-1, 0) -> shape [1]
    expect(() => new Flatten().call(zeros([]))).toThrow('Flatten(startDim=1, endDim=-1): dims out of range for input of shape [] (0 dims, counted as 1)');
    expect(new Flatten(0).call(zeros([])).shape).toEqual([1]);
    expect(new Flatten(-1, 0).call(zeros([])).shape).toEqual([1]);
  });
  it('Unflatten checks its sizes at construction', () => {
    expect(() => new Unflatten(1, [-1, -1])).toThrow('Unflatten: only one size may be -1, got [-1, -1]');
    expect(() => new Unflatten(1, [2, -3])).toThrow('Unflatten: unflattenedSize must be a non-empty list of non-negative integers (one may be -1), got [2, -3]');
    expect(() => new Unflatten(1, [])).toThrow(/non-empty list/);
    expect(() => new Unflatten(1.5, [2])).toThrow('Unflatten: dim must be an integer, got 1.5');
    expect(new Unflatten(-1, [2, -1]).call(zeros([3, 8])).shape).toEqual([3, 2, 4]);
  });
  it('Unflatten reverses it', () => {
    expect(new Unflatten(1, [1, 28, 28]).call(zeros([32, 784])).shape).toEqual([32, 1, 28, 28]);
    expect(new Unflatten(-1, [2, -1]).call(zeros([3, 8])).shape).toEqual([3, 2, 4]);
    expect(() => new Unflatten(1, [5, 5]).call(zeros([2, 24]))).toThrow(/sizes \[5, 5\] do not multiply to the size 24/);
  });
});

describe('Flatten with options', () => {
  it("new Flatten({ startDim, endDim }) as PyTorch's nn.Flatten(start_dim=0, end_dim=1)", () => {
    // torch: nn.Flatten(start_dim=0, end_dim=1)(torch.zeros(2, 3, 4)).shape -> [6, 4]
    expect(new Flatten({ startDim: 0, endDim: 1 }).call(zeros([2, 3, 4])).shape).toEqual([6, 4]);
    expect(new Flatten({}).call(zeros([2, 3, 4])).shape).toEqual([2, 12]);
    expect(() => new Flatten({ start_dim: 0 } as never)).toThrow(/Flatten: unknown option 'start_dim'/);
  });
});
