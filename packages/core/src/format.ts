/** PyTorch-like printing: `tensor([[1., 2.], [3., 4.]], requires_grad=True)`. */
import type { Tensor } from './tensor';

function formatter(vals: ArrayLike<number>, dtype: string): (v: number) => string {
  if (dtype === 'bool') return (v) => (v ? 'True' : 'False');
  if (dtype === 'int32') return (v) => String(v);
  let allInt = true, maxAbs = 0, minAbs = Infinity;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    if (!Number.isFinite(v)) continue;
    if (v !== Math.trunc(v)) allInt = false;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a > 0 && a < minAbs) minAbs = a;
  }
  const special = (v: number): string | null => (v !== v ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null);
  if (allInt && maxAbs < 1e8) return (v) => special(v) ?? `${v.toFixed(0)}.`;
  const sci = maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs !== Infinity) || maxAbs / minAbs > 1000;
  if (sci) return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  return (v) => special(v) ?? v.toFixed(4);
}

export function formatTensor(t: Tensor): string {
  const vals = t._contigData();
  const f = formatter(vals, t.dtype);
  const strs = Array.from(vals, f);
  const width = strs.reduce((w, s) => Math.max(w, s.length), 0);
  const sh = t._shape;
  let pos = 0;
  const indent = 'tensor('.length;
  const build = (k: number): string => {
    if (k === sh.length) return strs[pos++].padStart(width);
    const parts: string[] = [];
    for (let i = 0; i < sh[k]; i++) parts.push(build(k + 1));
    const sep = k === sh.length - 1 ? ', ' : ',' + '\n'.repeat(sh.length - 1 - k) + ' '.repeat(indent + k + 1);
    return `[${parts.join(sep)}]`;
  };
  // Zero-size tensors print as `[]`, with their size unless it is plain [0] (as PyTorch).
  const empty = t.numel() === 0;
  const body = sh.length === 0 ? strs[0] : empty ? '[]' : build(0);
  const extras: string[] = [];
  if (empty && !(sh.length === 1 && sh[0] === 0)) extras.push(`size=(${sh.join(', ')}${sh.length === 1 ? ',' : ''})`);
  if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') extras.push(`dtype=${t.dtype}`);
  if (t.gradFn) extras.push(`grad_fn=<${t.gradFn.op}>`);
  else if (t.requiresGrad) extras.push('requires_grad=True');
  return `tensor(${body}${extras.map((e) => ', ' + e).join('')})`;
}
