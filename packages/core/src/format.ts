/**
 * PyTorch-like printing: `tensor([[1., 2.], [3., 4.]], requires_grad=True)`. A port of torch/_tensor_str.py
 * with its default print options (precision 4, linewidth 80, summarising past 1000 elements with 3 edge
 * items), so widths, line breaks, scientific notation and `...` fall where PyTorch puts them.
 */
import type { Tensor } from './tensor';
import type { Node } from './autograd/tape';
import { getDefaultDtype } from './dtype';

const PRECISION = 4, LINEWIDTH = 80, THRESHOLD = 1000, EDGEITEMS = 3;

/** A nested view of the values: a number for a 0-d tensor, else arrays down to numbers. */
type Nested = number | Nested[];

/**
 * `toFixed` / `toExponential`, but with exact ties rounded half to even, as Python's format (which
 * PyTorch uses) does: 0.03125 prints as 0.0312, where JavaScript would give 0.0313.
 */
function fixedHalfEven(v: number, digits: number): string {
  const s = v.toFixed(digits);
  const exact = Math.abs(v).toFixed(100);
  const tail = exact.slice(exact.indexOf('.') + 1 + digits);
  if (!/^50*$/.test(tail)) return s;
  const lastDigit = Number(s[s.length - 1]);
  if (lastDigit % 2 === 0) return s;
  // JavaScript rounded the tie away from zero onto an odd digit: step one unit back toward zero.
  const down = (Math.abs(v) - 10 ** -digits * 0.5).toFixed(digits);
  return (v < 0 ? '-' : '') + down;
}
function expHalfEven(v: number, digits: number): string {
  const s = v.toExponential(digits);
  const exact = Math.abs(v).toExponential(100);
  const mant = exact.slice(0, exact.indexOf('e'));
  const tail = mant.slice(2 + digits);
  if (!/^50*$/.test(tail) || Number(s[s.indexOf('e') - 1]) % 2 === 0) return s;
  const e = Number(exact.slice(exact.indexOf('e') + 1));
  const down = (Math.abs(v) - 0.5 * 10 ** (e - digits)).toExponential(digits);
  return (v < 0 ? '-' : '') + down;
}

/** Python's exponent style: at least two digits (1.0000e-05, not 1.0000e-5). */
const pyExp = (s: string): string => s.replace(/e([+-])(\d)$/, 'e$10$2');
/** Keeps the sign of -0, as Python's format does (`-0.`, `-0.0000`). */
const signed = (v: number, s: string): string => (Object.is(v, -0) && s[0] !== '-' ? '-' + s : s);

/** torch._tensor_str._Formatter: decides int/fixed/scientific mode and the common width from the values shown. */
class Formatter {
  private intMode = true;
  private sciMode = false;
  width = 1;

  constructor(vals: readonly number[], private readonly dtype: string) {
    if (dtype === 'bool') { this.width = vals.reduce((w, v) => Math.max(w, v ? 4 : 5), 1); return; }
    if (dtype === 'int32') { this.width = vals.reduce((w, v) => Math.max(w, String(v).length), 1); return; }
    const nz = vals.filter((v) => Number.isFinite(v) && v !== 0);
    if (nz.length === 0) return;
    let lo = Infinity, hi = 0;
    for (const v of nz) { const a = Math.abs(v); if (a < lo) lo = a; if (a > hi) hi = a; }
    this.intMode = nz.every((v) => v === Math.ceil(v));
    this.sciMode = this.intMode ? hi / lo > 1000 || hi > 1e8 : hi / lo > 1000 || hi > 1e8 || lo < 1e-4;
    for (const v of nz) {
      const s = this.sciMode ? pyExp(expHalfEven(v, PRECISION)) : this.intMode ? `${v.toFixed(0)}.` : fixedHalfEven(v, PRECISION);
      this.width = Math.max(this.width, s.length);
    }
  }

  format(v: number): string {
    let s: string;
    if (this.dtype === 'bool') s = v ? 'True' : 'False';
    else if (this.dtype === 'int32') s = String(v);
    else if (v !== v) s = 'nan';
    else if (v === Infinity || v === -Infinity) s = v > 0 ? 'inf' : '-inf';
    else if (this.sciMode) s = signed(v, pyExp(expHalfEven(v, PRECISION)));
    else if (this.intMode) s = signed(v, `${v.toFixed(0)}.`);
    else s = signed(v, fixedHalfEven(v, PRECISION));
    return s.padStart(this.width);
  }
}

function nest(vals: ArrayLike<number>, shape: readonly number[]): Nested {
  let pos = 0;
  const build = (k: number): Nested => {
    if (k === shape.length) return vals[pos++];
    const out: Nested[] = [];
    for (let i = 0; i < shape[k]; i++) out.push(build(k + 1));
    return out;
  };
  return build(0);
}

/** The edge items PyTorch shows when summarising (get_summarized_data), flattened. */
function summarized(x: Nested, out: number[], summarize: boolean): void {
  if (!Array.isArray(x)) { out.push(x); return; }
  const parts = summarize && x.length > 2 * EDGEITEMS ? [...x.slice(0, EDGEITEMS), ...x.slice(-EDGEITEMS)] : x;
  for (const p of parts) summarized(p, out, summarize);
}

function vectorStr(x: number[], indent: number, summarize: boolean, f: Formatter): string {
  const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (f.width + 2)));
  const data = summarize && x.length > 2 * EDGEITEMS
    ? [...x.slice(0, EDGEITEMS).map((v) => f.format(v)), ' ...', ...x.slice(-EDGEITEMS).map((v) => f.format(v))]
    : x.map((v) => f.format(v));
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function tensorStr(x: Nested, depth: number, indent: number, summarize: boolean, f: Formatter): string {
  if (!Array.isArray(x)) return f.format(x);
  if (depth === 1) return vectorStr(x as number[], indent, summarize, f);
  const sub = (i: number): string => tensorStr(x[i], depth - 1, indent + 1, summarize, f);
  const slices = summarize && x.length > 2 * EDGEITEMS
    ? [...[0, 1, 2].map(sub), '...', ...[x.length - 3, x.length - 2, x.length - 1].map(sub)]
    : x.map((_, i) => sub(i));
  return '[' + slices.join(',' + '\n'.repeat(depth - 1) + ' '.repeat(indent + 1)) + ']';
}

export function formatTensor(t: Tensor): string {
  const sh = t._shape;
  const vals = t._contigData();
  const extras: string[] = [];
  // tapegrad names dtypes without `torch.` and treats int32 as PyTorch treats int64 (its default integer type).
  const defaultDtype = getDefaultDtype();
  let body: string;
  if (t.numel() === 0) {
    body = '[]';
    // As PyTorch: the size unless it is plain (0,), and the dtype unless it is the default float (no element shows it).
    if (sh.length !== 1) extras.push(`size=(${sh.join(', ')}${sh.length === 1 ? ',' : ''})`);
    if (t.dtype !== defaultDtype) extras.push(`dtype=${t.dtype}`);
  } else {
    const summarize = t.numel() > THRESHOLD;
    const nested = nest(vals, sh);
    const shown: number[] = [];
    summarized(nested, shown, summarize);
    const f = new Formatter(shown, t.dtype);
    body = tensorStr(nested, sh.length, 'tensor('.length, summarize, f);
    if (t.dtype !== defaultDtype && t.dtype !== 'int32' && t.dtype !== 'bool') extras.push(`dtype=${t.dtype}`);
  }
  if (t.gradFn) extras.push(`grad_fn=<${backwardName(t)}>`);
  else if (t.requiresGrad) extras.push('requires_grad=True');
  return addSuffixes(`tensor(${body}`, extras, 'tensor('.length);
}

/** torch._tensor_str._add_suffixes: a suffix that would pass the line width goes on a new line. */
function addSuffixes(str: string, suffixes: string[], indent: number): string {
  const parts = [str];
  let lastLineLen = str.length - str.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > LINEWIDTH) {
      parts.push(',\n' + ' '.repeat(indent) + s);
      lastLineLen = indent + s.length;
    } else {
      parts.push(', ' + s);
      lastLineLen += s.length + 2;
    }
  }
  return parts.join('') + ')';
}

/** Our op names whose PyTorch 1.13 backward node is not `${CamelCase(op)}Backward0`. */
const BACKWARD_NAMES: Record<string, string> = {
  reshape: 'ReshapeAliasBackward0',
  to: 'ToCopyBackward0',
  narrow: 'SliceBackward0',
  clamp: 'ClampBackward1',
  vectorNorm: 'LinalgVectorNormBackward0',
  conv2d: 'ConvolutionBackward0',
  convTranspose2d: 'ConvolutionBackward0',
  layerNorm: 'NativeLayerNormBackward0',
  batchNorm: 'NativeBatchNormBackward0',
};

/**
 * The name PyTorch prints for `grad_fn` (`MulBackward0`); only the printed name, our nodes keep their
 * op names (toDot/toMermaid show those). Where PyTorch's node depends on the call (sum over all
 * elements or over dims, a tensor or a number exponent) the output and inputs tell which.
 */
function backwardName(t: Tensor): string {
  return nodeName(t.gradFn!);
}

/** @internal The PyTorch name of a node (Node.name()); `outRank` is the rank of the tensor it produced. */
export function nodeName(node: Node): string {
  if (node.printedName !== null) return node.printedName;
  const op = node.op;
  const rank = node.outRank;
  switch (op) {
    case 'sum': case 'mean': // SumBackward0 for the full reduction, SumBackward1 with dims (taken as a non-0-d result)
      return `${op === 'sum' ? 'Sum' : 'Mean'}Backward${rank === 0 ? 0 : 1}`;
    case 'max': case 'min': // the other way round: MaxBackward1 for the full reduction
      return `${op === 'max' ? 'Max' : 'Min'}Backward${rank === 0 ? 1 : 0}`;
    case 'pow':
      return node.inputs.length > 1 ? 'PowBackward1' : 'PowBackward0';
    case 'linear':
      return node.inputs.length > 2 ? 'AddmmBackward0' : 'MmBackward0';
    case 'reshape': // matmul of two matrices ends in a reshape of the batched product
      if (node.inputs[0]?.gradFn?.op === 'matmul') return rank === 2 ? 'MmBackward0' : 'UnsafeViewBackward0';
      break;
  }
  return BACKWARD_NAMES[op] ?? `${op.charAt(0).toUpperCase()}${op.slice(1)}Backward0`;
}
