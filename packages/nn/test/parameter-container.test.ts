// ParameterList / ParameterDict: names, state-dict keys (PyTorch's: 'ws.0', 'pd.scale'), wrapping of
// plain tensors, loading, training through them (names checked against torch 1.13's named_parameters).
import { tensor, Tensor } from '@tapegrad/core';
import { Module, Parameter, ParameterList, ParameterDict, Linear } from '@tapegrad/nn';

class Net extends Module {
  fc = new Linear(2, 1);
  ws = new ParameterList([new Parameter(tensor([1, 2])), tensor([3])]);
  pd = new ParameterDict({ scale: tensor([2]), shift: new Parameter(tensor([0.5])) });
  forward(x: Tensor): Tensor { return x.mul(this.ws.get(0)).mul(this.pd.get('scale')).add(this.pd.get('shift')); }
}

test('names and state-dict keys as PyTorch', () => {
  const n = new Net();
  // torch: ['fc.weight', 'fc.bias', 'ws.0', 'ws.1', 'pd.scale', 'pd.shift']
  expect([...n.namedParameters()].map(([k]) => k)).toEqual(['fc.weight', 'fc.bias', 'ws.0', 'ws.1', 'pd.scale', 'pd.shift']);
  expect(Object.keys(n.stateDict())).toEqual(['fc.weight', 'fc.bias', 'ws.0', 'ws.1', 'pd.scale', 'pd.shift']);
  expect(n.ws.get(1)).toBeInstanceOf(Parameter);
  expect(n.ws.get(-1).requiresGrad).toBe(true);
  expect(n.pd.get('scale')).toBeInstanceOf(Parameter);
  expect([n.ws.length, n.pd.length, [...n.pd]]).toEqual([2, 2, ['scale', 'shift']]);
});

test('gradients reach the held parameters; loadStateDict writes them', () => {
  const n = new Net();
  n.call(tensor([1, 1])).sum().backward();
  expect(n.ws.get(0).grad!.toArray()).toEqual([2, 2]);
  expect(n.pd.get('scale').grad!.toArray()).toEqual([3]);
  const sd = n.stateDict();
  const m = new Net();
  m.ws.get(0).data.fill_(0);
  m.loadStateDict({ ...sd, 'ws.0': tensor([7, 8]) });
  expect(m.ws.get(0).toArray()).toEqual([7, 8]);
});

test('append/extend/set/pop and errors', () => {
  const l = new ParameterList();
  l.append(tensor([1])).extend([tensor([2]), tensor([3])]);
  l.set(-1, tensor([9]));
  expect([...l].map((p) => p.item())).toEqual([1, 2, 9]);
  expect(() => l.get(3)).toThrow(/out of range/);
  expect(() => l.append(3 as never)).toThrow(/Parameter or a Tensor/);
  const d = new ParameterDict();
  expect(() => d.set('a.b', tensor([1]))).toThrow(/without '\.'/);
  d.set('a', tensor([1]));
  expect(d.pop('a').item()).toBe(1);
  expect(() => d.get('a')).toThrow(/no parameter under key 'a'/);
  expect(() => (l as unknown as { call(): void }).call()).toThrow(/no forward/);
});
