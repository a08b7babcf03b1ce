/**
 * Node.nextFunctions, torch's grad_fn.next_functions: the graph below a grad_fn as torch 1.13 shows it for
 * expressions recorded with torch's nodes (fixtures/pytorch/conform8/next_functions.py).
 */
import * as fs from 'fs';
import * as path from 'path';
import { tensor, where, cat, linear, AccumulateGrad, Node, type Tensor, type NextFunction } from '../../src';

type Graph = [name: string | null, inputNr: number, children: Graph[]];
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../fixtures/pytorch/conform8/next-functions.json'), 'utf8')) as { graphs: Record<string, Graph> };

const a = tensor([1, 2], { requiresGrad: true });
const b = tensor([3, 4], { requiresGrad: true });
const c = tensor([5, 6]);
const W = tensor([[1, 1], [1, 1], [1, 1]], { requiresGrad: true });
const bias = tensor([1, 1, 1], { requiresGrad: true });
const leafName = (t: Tensor): string => (t === a ? 'a' : t === b ? 'b' : t === W ? 'W' : t === bias ? 'bias' : '?');

function walk([fn, nr]: NextFunction): Graph {
  if (fn === null) return [null, nr, []];
  if (fn instanceof AccumulateGrad) return [`AccumulateGrad:${leafName(fn.variable)}`, nr, []];
  return [fn.name(), nr, fn.nextFunctions.map(walk)];
}

const exprs: Record<string, () => Tensor> = {
  'a * b': () => a.mul(b),
  'a * c': () => a.mul(c),
  'c * a': () => c.mul(a),
  '(a * b).sum()': () => a.mul(b).sum(),
  'a.exp().log()': () => a.exp().log(),
  '(a + b).mul(a)': () => a.add(b).mul(a),
  'a.sin() / b': () => a.sin().div(b),
  'torch.where(c > 5, a, b)': () => where(c.gt(5), a, b),
  'a.unsqueeze(0).expand(2, 2).sum(0)': () => a.unsqueeze(0).expand([2, 2]).sum(0),
  'a.tanh().relu()': () => a.tanh().relu(),
  '(a * b).mean()': () => a.mul(b).mean(),
  'a * 2': () => a.mul(2),
  'a + 1': () => a.add(1),
  'a.pow(2)': () => a.pow(2),
  'torch.cat([a, b])': () => cat([a, b]),
  'a.softmax(0)': () => a.softmax(0),
  'a.clamp(0, 1)': () => a.clamp(0, 1),
  'a.view(2, 1)': () => a.view([2, 1]),
  'list(a)[1] * 2': () => [...a][1].mul(2),
  'list(a)[1]': () => [...a][1],
};
// torch's weight edge goes through TBackward0 (addmm reads weight.t()); the fused linear reads the weight itself
const different: Record<string, [() => Tensor, Graph]> = {
  'F.linear(a[None], W, bias)': [() => linear(a.unsqueeze(0), W, bias),
    ['AddmmBackward0', 0, [['AccumulateGrad:bias', 0, []], ['UnsqueezeBackward0', 0, [['AccumulateGrad:a', 0, []]]], ['AccumulateGrad:W', 0, []]]]],
};

describe('Node.nextFunctions', () => {
  test.each(Object.keys(ref.graphs).filter((k) => !(k in different)))('%s: the graph torch shows', (name) => {
    expect(exprs[name]).toBeDefined();
    expect(walk([exprs[name]().gradFn, 0])).toEqual(ref.graphs[name]);
  });

  test.each(Object.keys(different))('%s: torch\'s edges in torch\'s order, without the nodes only torch has', (name) => {
    const [f, ours] = different[name];
    const theirs = ref.graphs[name];
    expect(walk([f().gradFn, 0])).toEqual(ours);
    expect(theirs[2].map((e) => e[0])).toEqual(['AccumulateGrad:bias', 'UnsqueezeBackward0', 'TBackward0']);
  });

  it('a row of an iterated tensor is one output of torch\'s single UnbindBackward0 node', () => {
    const rows = [...a];
    const edge = rows[1].mul(2).gradFn!.nextFunctions[0];
    expect(edge[1]).toBe(1);
    expect((edge[0] as Node).name()).toBe('UnbindBackward0');
    expect(rows[0].gradFn!.nextFunctions).toEqual([[expect.any(AccumulateGrad), 0]]);
  });

  it('AccumulateGrad: one per leaf, its variable the leaf, no edges, printed as torch', () => {
    const accA = a.mul(2).gradFn!.nextFunctions[0][0];
    const accA2 = a.exp().gradFn!.nextFunctions[0][0];
    expect(accA).toBeInstanceOf(AccumulateGrad);
    expect(accA).toBe(accA2);
    const acc = accA as AccumulateGrad;
    expect(acc.variable).toBe(a);
    expect(acc.name()).toBe('AccumulateGrad');
    expect(acc.nextFunctions).toEqual([]);
    expect(String(acc)).toBe('<AccumulateGrad object>');
    const y = a.mul(b);
    expect(y.gradFn!.nextFunctions[1][0]).toBe(b.add(1).gradFn!.nextFunctions[0][0]);
  });

  it('edges are fixed when recorded: an input changed in place later still leads to the node that produced the value read', () => {
    const h = a.mul(2);
    const first = h.gradFn!;
    const y = h.exp();
    h.add_(1);
    expect(h.gradFn).not.toBe(first);
    expect(y.gradFn!.nextFunctions[0][0]).toBe(first);
    expect((h.gradFn!.nextFunctions[0][0] as Node).name()).toBe('MulBackward0');
    y.sum().backward(); // nextFunctions stays readable after backward released the nodes
    expect(y.gradFn!.nextFunctions.map(([n]) => n && n.name())).toEqual(['MulBackward0']);
  });
});
