/** stateDict / loadStateDict: names, order, strict and non-strict loading, atomic rejection. */
import { Tensor, tensor, zeros, ones, manualSeed } from '@tapegrad/core';
import { Module, Linear, ReLU, Sequential, BatchNorm1d } from '@tapegrad/nn';

class SimpleNN extends Module {
  fc1 = new Linear(4, 3);
  fc2 = new Linear(3, 2);
  relu = new ReLU();
  forward(x: Tensor): Tensor {
    return this.fc2.call(this.relu.call(this.fc1.call(x)));
  }
}

const snapshot = (m: Module): number[][] => Object.values(m.stateDict()).map((t) => Array.from(t.dataSync()));

describe('stateDict', () => {
  it('holds detached tensors sharing storage, keyed by dotted names', () => {
    const m = new SimpleNN();
    const sd = m.stateDict();
    expect(Object.keys(sd)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(sd['fc1.weight'].requiresGrad).toBe(false);
    expect(sd['fc1.weight']).not.toBe(m.fc1.weight);
    m.fc1.bias!.grad = null;
    expect(sd['fc1.bias'].dataSync()).toEqual(m.fc1.bias!.dataSync());
  });
  it("follows PyTorch's order: params, buffers, then children; shared modules under every name", () => {
    // PyTorch 1.13: list(M().state_dict()) for
    //   class M(nn.Module): def __init__(s): super().__init__(); s.bn = nn.BatchNorm1d(2); s.lin = nn.Linear(2, 2); s.again = s.lin
    // gives ['bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked',
    //        'lin.weight', 'lin.bias', 'again.weight', 'again.bias']
    class M extends Module {
      bn = new BatchNorm1d(2);
      lin = new Linear(2, 2);
      again = this.lin;
      forward(x: Tensor): Tensor {
        return this.lin.call(this.bn.call(x));
      }
    }
    expect(Object.keys(new M().stateDict())).toEqual([
      'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked',
      'lin.weight', 'lin.bias', 'again.weight', 'again.bias',
    ]);
    expect([...new M().namedParameters()].map(([n]) => n)).toEqual(['bn.weight', 'bn.bias', 'lin.weight', 'lin.bias']);
  });
  it('Sequential uses index names, as the PyTorch fixture (0.weight, 2.bias)', () => {
    const seq = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });
});

describe('loadStateDict', () => {
  it('copies values in place (parameter identity kept) and reproduces outputs', () => {
    manualSeed(3);
    const a = new SimpleNN();
    const b = new SimpleNN();
    const w = b.fc1.weight;
    const x = tensor([[0.5, -1, 2, 0.25]]);
    expect(a.call(x).dataSync()).not.toEqual(b.call(x).dataSync());
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.fc1.weight).toBe(w);
    expect(b.fc1.weight.requiresGrad).toBe(true);
    expect(Array.from(b.call(x).dataSync())).toEqual(Array.from(a.call(x).dataSync()));
  });
  it('accepts a Map and casts dtypes', () => {
    const m = new Linear(2, 1);
    m.loadStateDict(new Map([['weight', tensor([[1, 2]], { dtype: 'float64' })], ['bias', tensor([0.5], { dtype: 'float64' })]]));
    expect(Array.from(m.weight.dataSync())).toEqual([1, 2]);
    expect(m.weight.dtype).toBe('float32');
  });
  it('strict: ONE error lists every missing, unexpected and mis-shaped entry, and nothing changes', () => {
    const m = new SimpleNN();
    const before = snapshot(m);
    const sd: Record<string, Tensor> = {
      'fc1.weight': zeros([3, 4]), // fine, but must not be copied because the load is rejected
      'fc1.bias': zeros([4]), // wrong shape
      'fc2.weight': zeros([2, 3]),
      'fc3.weight': zeros([1]), // unexpected
      extra: zeros([1]), // unexpected
      // fc2.bias missing
    };
    let msg = '';
    try {
      m.loadStateDict(sd);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toBe(
      'Error(s) in loading state_dict for SimpleNN:\n' +
        // PyTorch 1.13's order (missing first): torch prints the same three lines for this model.
        '\tMissing key(s) in state_dict: "fc2.bias".\n' +
        '\tUnexpected key(s) in state_dict: "fc3.weight", "extra".\n' +
        '\tsize mismatch for fc1.bias: copying a param with shape [4] from checkpoint, the shape in current model is [3].',
    );
    expect(snapshot(m)).toEqual(before);
  });
  it('non-strict: returns missing and unexpected keys and loads the rest', () => {
    const m = new SimpleNN();
    const r = m.loadStateDict({ 'fc1.weight': ones([3, 4]), 'head.weight': ones([1]) }, { strict: false });
    expect(r).toEqual({ missingKeys: ['fc1.bias', 'fc2.weight', 'fc2.bias'], unexpectedKeys: ['head.weight'] });
    expect(Array.from(m.fc1.weight.dataSync())).toEqual(new Array(12).fill(1));
  });
  it('non-strict still rejects shape mismatches (as PyTorch), changing nothing', () => {
    const m = new SimpleNN();
    const before = snapshot(m);
    expect(() => m.loadStateDict({ 'fc1.weight': ones([3, 4]), 'fc2.weight': ones([3, 2]) }, { strict: false })).toThrow(
      /size mismatch for fc2.weight: copying a param with shape \[3, 2\] from checkpoint, the shape in current model is \[2, 3\]/,
    );
    expect(snapshot(m)).toEqual(before);
  });
  it('non-tensor values are rejected', () => {
    expect(() => new Linear(1, 1).loadStateDict({ weight: [[1]] as never, bias: zeros([1]) })).toThrow(/expected a Tensor from the state dict but got object/);
    expect(() => new Linear(1, 1).loadStateDict(null as never)).toThrow(/expected a state dict/);
  });
  it("loads PyTorch's snake_case BatchNorm buffers (running_mean, num_batches_tracked)", () => {
    const bn = new BatchNorm1d(2);
    bn.loadStateDict({
      weight: tensor([2, 3]),
      bias: tensor([0.5, -0.5]),
      running_mean: tensor([1, -1]),
      running_var: tensor([4, 0.25]),
      num_batches_tracked: tensor(7, { dtype: 'int32' }),
    });
    expect(Array.from(bn.runningVar!.dataSync())).toEqual([4, 0.25]);
    expect(bn.numBatchesTracked!.item()).toBe(7);
    bn.eval();
    // (x − mean)/√(var + eps)·w + b for x = [3, 1]
    const y = bn.call(tensor([[3, 1]], { dtype: 'float32' })).dataSync();
    expect(y[0]).toBeCloseTo(((3 - 1) / Math.sqrt(4 + 1e-5)) * 2 + 0.5, 5);
    expect(y[1]).toBeCloseTo(((1 + 1) / Math.sqrt(0.25 + 1e-5)) * 3 - 0.5, 5);
  });
  it('still loads the camelCase buffer keys tapegrad wrote before (runningMean, numBatchesTracked), nested too', () => {
    const m = new Sequential(new Linear(2, 2), new BatchNorm1d(2));
    const sd = m.stateDict();
    const old = Object.fromEntries(Object.entries(sd).map(([k, v]) => [k.replace('running_mean', 'runningMean').replace('running_var', 'runningVar').replace('num_batches_tracked', 'numBatchesTracked'), v.clone()]));
    expect(Object.keys(old)).toContain('1.runningMean');
    old['1.runningMean'] = tensor([5, 6], { dtype: 'float32' });
    old['1.numBatchesTracked'] = tensor(3, { dtype: 'int32' });
    const fresh = new Sequential(new Linear(2, 2), new BatchNorm1d(2));
    expect(fresh.loadStateDict(old)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const bn = fresh.get(1) as BatchNorm1d;
    expect(Array.from(bn.runningMean!.dataSync())).toEqual([5, 6]);
    expect(bn.numBatchesTracked!.item()).toBe(3);
    // Both spellings of one buffer: the exact (PyTorch) key wins and the other is unexpected.
    expect(() => fresh.loadStateDict({ ...sd, '1.runningMean': tensor([1, 1], { dtype: 'float32' }) })).toThrow(/Unexpected key\(s\) in state_dict: "1.runningMean"/);
  });
});
