import { neuronGraph } from '../../../../examples/graph';

describe('examples/graph: σ(w₁x + w₂y + b)', () => {
  const { dot, mermaid, out } = neuronGraph();

  it('computes the neuron', () => {
    const z = 0.8 * 1.5 + -1.2 * -0.5 + 0.1;
    expect(out.item()).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
  });

  it('draws every op of the expression once, in DOT', () => {
    expect(dot.startsWith('digraph tapegrad {')).toBe(true);
    const ops = [...dot.matchAll(/shape=ellipse, label="(\w+)"/g)].map((m) => m[1]).sort();
    expect(ops).toEqual(['add', 'add', 'mul', 'mul', 'sigmoid']);
    for (const name of ['w1', 'w2', 'b']) expect(dot).toContain(`label="${name} []", style=filled`);
    // 5 ops: 2 edges into each add and mul, 1 into sigmoid (x and y do not require grad, so they are not taped)
    expect(dot.match(/ -> n\d+ \[label=/g)?.length).toBe(7);
  });

  it('draws the same graph as a Mermaid flowchart', () => {
    expect(mermaid.split('\n')[0]).toBe('flowchart LR');
    expect(mermaid.match(/\(\("(mul|add|sigmoid)"\)\)/g)?.length).toBe(5);
    expect(mermaid).toContain('w1 [] (requires grad)');
  });
});
