/**
 * Drawing the computational graph behind a tensor, as the slides draw σ(w₁x + w₂y + b): op nodes, the
 * tensors flowing between them with their shapes, and leaves marked when they require grad.
 */
import type { Tensor } from '../tensor';
import type { Node } from './tape';

export interface GraphOptions {
  /** Names for leaf tensors (e.g. { w1, x }); unnamed leaves are shown by shape. */
  names?: Record<string, Tensor>;
}

interface Drawn {
  ops: { id: string; label: string }[];
  leaves: { id: string; label: string; requiresGrad: boolean }[];
  edges: { from: string; to: string; label: string }[];
  output: string;
}

const shapeOf = (t: Tensor): string => `[${t.shape.join(', ')}]`;

function walk(root: Tensor, opts: GraphOptions): Drawn {
  const nameOf = new Map<Tensor, string>();
  for (const [k, v] of Object.entries(opts.names ?? {})) nameOf.set(v, k);
  const ids = new Map<Node | Tensor, string>();
  const d: Drawn = { ops: [], leaves: [], edges: [], output: '' };
  const idFor = (k: Node | Tensor, make: () => void): string => {
    let id = ids.get(k);
    if (!id) { id = `n${ids.size}`; ids.set(k, id); make(); }
    return id;
  };
  // `via` is the node that produced t when its consumer was recorded (t may have been modified in place since).
  const visit = (t: Tensor, via: Node | null = t.gradFn): string => {
    const node = via;
    if (!node) {
      return idFor(t, () => {
        const name = nameOf.get(t);
        d.leaves.push({ id: ids.get(t) as string, label: `${name ? name + ' ' : ''}${shapeOf(t)}`, requiresGrad: t.requiresGrad });
      });
    }
    const known = ids.has(node);
    const id = idFor(node, () => d.ops.push({ id: ids.get(node) as string, label: node.op }));
    if (!known) {
      // Iterative would be needed only for graphs deeper than the drawings anyone reads.
      node.inputs.forEach((x, i) => { if (x) d.edges.push({ from: visit(x, node.next[i]), to: id, label: shapeOf(x) }); });
    }
    return id;
  };
  d.output = visit(root);
  return d;
}

/**
 * Graphviz DOT source of the graph that produced `t` (inputs that do not require grad are not recorded on the
 * tape, so they do not appear).
 * @example
 * const s = w1.mul(x).add(w2.mul(y)).add(b).sigmoid();
 * writeFileSync('graph.dot', toDot(s, { names: { w1, w2, b } }));   // dot -Tpng graph.dot > graph.png
 */
export function toDot(t: Tensor, opts: GraphOptions = {}): string {
  const d = walk(t, opts);
  const q = (s: string): string => JSON.stringify(s);
  const lines = ['digraph tapegrad {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const l of d.leaves) lines.push(`  ${l.id} [shape=box, label=${q(l.label)}${l.requiresGrad ? ', style=filled, fillcolor="#dbeafe"' : ''}];`);
  for (const o of d.ops) lines.push(`  ${o.id} [shape=ellipse, label=${q(o.label)}];`);
  for (const e of d.edges) lines.push(`  ${e.from} -> ${e.to} [label=${q(e.label)}];`);
  lines.push(`  out [shape=box, label=${q('output ' + shapeOf(t))}];`, `  ${d.output} -> out;`, '}');
  return lines.join('\n') + '\n';
}

/** The same graph as a Mermaid flowchart (renders in GitHub Markdown). */
export function toMermaid(t: Tensor, opts: GraphOptions = {}): string {
  const d = walk(t, opts);
  const esc = (s: string): string => s.replace(/"/g, "'");
  const lines = ['flowchart LR'];
  for (const l of d.leaves) lines.push(`  ${l.id}["${esc(l.label)}${l.requiresGrad ? ' (requires grad)' : ''}"]`);
  for (const o of d.ops) lines.push(`  ${o.id}(("${esc(o.label)}"))`);
  for (const e of d.edges) lines.push(`  ${e.from} -- "${esc(e.label)}" --> ${e.to}`);
  lines.push(`  out["output ${esc(shapeOf(t))}"]`, `  ${d.output} --> out`);
  return lines.join('\n') + '\n';
}
