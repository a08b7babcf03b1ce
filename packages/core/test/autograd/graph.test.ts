/** toDot / toMermaid: the drawn graph has the recorded ops, the leaves that require grad, and shaped edges. */
import { tensor, toDot, toMermaid } from '@tapegrad/core';

describe('graph drawing', () => {
  const w1 = tensor([0.5], { dtype: 'float32', requiresGrad: true });
  const x = tensor([2], { dtype: 'float32' });
  const y = w1.mul(x).add(1).sigmoid();

  test('DOT: one ellipse per op, the named leaf filled, edges labelled with shapes, and the output', () => {
    const dot = toDot(y, { names: { w1, x } });
    expect(dot.startsWith('digraph tapegrad {')).toBe(true);
    expect(dot.match(/shape=ellipse/g)!.length).toBe(3);
    for (const op of ['"sigmoid"', '"add"', '"mul"']) expect(dot).toContain(`label=${op}`);
    expect(dot).toContain('label="w1 [1]", style=filled');
    expect(dot).not.toContain('"x [1]"'); // x does not require grad: not recorded
    expect(dot.match(/->/g)!.length).toBe(4); // w1->mul, mul->add, add->sigmoid, sigmoid->out
    expect(dot).toContain('label="output [1]"');
  });

  test('Mermaid: the same nodes and edges', () => {
    const m = toMermaid(y, { names: { w1 } });
    expect(m.split('\n')[0]).toBe('flowchart LR');
    expect(m).toContain('w1 [1] (requires grad)');
    expect(m).toContain('(("sigmoid"))');
    expect(m.match(/-->/g)!.length).toBe(4);
  });

  test('a value used twice is drawn once, with two edges', () => {
    const a = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const h = a.exp();
    const dot = toDot(h.mul(h).sum(), { names: { a } });
    expect(dot.match(/label="exp"/g)!.length).toBe(1);
    expect(dot.match(/n\d+ -> n\d+ \[label="\[2\]"\]/g)!.length).toBe(4); // a->exp, exp->mul twice, mul->sum
  });

  test('after an in-place op, an earlier consumer is drawn from the value it read', () => {
    const a = tensor([1], { dtype: 'float32', requiresGrad: true });
    const b = a.exp();
    const c = b.mul(2);
    b.add_(1);
    const dot = toDot(c, { names: { a } });
    expect(dot).toContain('label="exp"');
    expect(dot).not.toContain('label="add"');
  });
});
