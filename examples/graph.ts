/**
 * The slides' computational graph σ(w₁x + w₂y + b), drawn from the tape.
 * Run: node scripts/run-ts.cjs examples/graph.ts   (prints Graphviz DOT and a Mermaid flowchart)
 */
import { tensor, toDot, toMermaid, Tensor } from 'tapegrad';

export function neuronGraph(): { dot: string; mermaid: string; out: Tensor } {
  const x = tensor(1.5), y = tensor(-0.5);
  const w1 = tensor(0.8, { requiresGrad: true });
  const w2 = tensor(-1.2, { requiresGrad: true });
  const b = tensor(0.1, { requiresGrad: true });
  const out = w1.mul(x).add(w2.mul(y)).add(b).sigmoid();
  const names = { w1, w2, b };
  return { dot: toDot(out, { names }), mermaid: toMermaid(out, { names }), out };
}

if (require.main === module) {
  const { dot, mermaid } = neuronGraph();
  console.log(dot);
  console.log(mermaid);
}
