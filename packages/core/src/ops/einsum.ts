/**
 * einsum, lowered onto the existing ops (no new primitive, so gradients of any order come free):
 * repeated subscripts within an operand become diagonals, subscripts needed nowhere else are summed
 * first, and operands are contracted left to right with one batched matmul each (permute/reshape to
 * [batch, free, contracted] × [batch, contracted, free]).
 */
import { Tensor } from '../tensor';
import { isFloating, promote, DType } from '../dtype';
import { numelOf } from '../shape';
import { bmm } from './matmul';
import { diagonal } from './triangle';

/** A subscript: a letter, or `.k` for the k-th of the broadcast ellipsis dims (counted from the left). */
type Label = string;
interface Term { labels: Label[] }

const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

function parseTerm(term: string, what: string, eq: string): { letters: string[]; ellAt: number } {
  const letters: string[] = [];
  let ellAt = -1;
  for (let i = 0; i < term.length; i++) {
    const c = term[i];
    if (isLetter(c)) { letters.push(c); continue; }
    if (c === '.') {
      if (term.slice(i, i + 3) !== '...') throw new SyntaxError(`einsum: '.' in ${what} of '${eq}' must be part of an ellipsis '...'`);
      if (ellAt >= 0) throw new SyntaxError(`einsum: ${what} of '${eq}' has more than one ellipsis '...'`);
      ellAt = letters.length;
      i += 2;
      continue;
    }
    throw new SyntaxError(`einsum: invalid subscript '${c}' in ${what} of '${eq}'; subscripts are letters a-z and A-Z, ',' '->' and '...'`);
  }
  return { letters, ellAt };
}

interface Operand { t: Tensor; labels: Label[] }

/**
 * One operand's subscripts in torch.einsum's sublist form: integers in [0, 52) (0-25 are 'A'-'Z', 26-51
 * 'a'-'z', as PyTorch maps them) and at most one `'...'` (Python's `Ellipsis`).
 */
export type EinsumSublist = (number | '...')[];

function sublistTerm(list: unknown, what: string): string {
  if (!Array.isArray(list)) throw new TypeError(`einsum: ${what} must be an array of subscripts (integers in [0, 52) and '...'), got ${list instanceof Tensor ? 'a Tensor' : typeof list}`);
  return list.map((v) => {
    if (v === '...') return '...';
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 52) {
      throw new RangeError(`einsum: subscript ${String(v)} in ${what} is not within the valid range [0, 52) (nor '...')`);
    }
    return String.fromCharCode(v < 26 ? 65 + v : 97 + v - 26);
  }).join('');
}

/** torch.einsum(op1, sublist1, op2, sublist2, ..., [sublistOut]) as an equation and its operands. */
function fromSublists(args: unknown[]): [string, Tensor[]] {
  const xs: Tensor[] = [];
  const terms: string[] = [];
  let i = 0;
  for (; i + 1 < args.length; i += 2) {
    if (!(args[i] instanceof Tensor)) throw new TypeError(`einsum: in the sublist form, argument ${i} must be a Tensor (operand, sublist, operand, sublist, ..., [output sublist])`);
    xs.push(args[i] as Tensor);
    terms.push(sublistTerm(args[i + 1], `the sublist of operand ${xs.length - 1}`));
  }
  let out: string | undefined;
  if (i < args.length) {
    if (args[i] instanceof Tensor) throw new RangeError(`einsum: operand ${xs.length} has no sublist (the sublist form is operand, sublist, operand, sublist, ..., [output sublist])`);
    out = sublistTerm(args[i], 'the output sublist');
  }
  return [terms.join(',') + (out === undefined ? '' : `->${out}`), xs];
}

/**
 * Einstein summation (torch.einsum): `einsum('ij,jk->ik', a, b)` is a matmul. Implicit output (no
 * `->`) lists the ellipsis dims, then the subscripts used once, in alphabetical order; `...` broadcasts;
 * a subscript repeated in one operand takes its diagonal (`'ii->i'`, `'ii'` the trace). Operands may
 * also be given as one array, or in PyTorch's sublist form (operand, sublist, ..., [output sublist]).
 * @example
 * einsum('bhqd,bhkd->bhqk', q, k); // attention scores
 * einsum('ii', eye(3)); // tensor(3.)
 * einsum(a, [0, 1], b, [1, 2], [0, 2]); // einsum('AB,BC->AC', a, b)
 */
export function einsum(equation: string, ...operands: (Tensor | Tensor[])[]): Tensor;
export function einsum(operand: Tensor, sublist: EinsumSublist, ...rest: (Tensor | EinsumSublist)[]): Tensor;
export function einsum(first: string | Tensor, ...rest: (Tensor | Tensor[] | EinsumSublist)[]): Tensor {
  if (first instanceof Tensor) {
    const [eq, xs] = fromSublists([first, ...rest]);
    return einsum(eq, ...xs);
  }
  const equation = first;
  const operands = rest as (Tensor | Tensor[])[];
  if (typeof equation !== 'string') throw new TypeError('einsum: the first argument must be the equation string (or, in the sublist form, a Tensor)');
  const xs: Tensor[] = operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : (operands as Tensor[]);
  if (xs.length === 0) throw new RangeError('einsum: expected at least one operand');
  xs.forEach((x, i) => { if (!(x instanceof Tensor)) throw new TypeError(`einsum: operand ${i} is not a Tensor`); });
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  if (arrow >= 0 && eq.indexOf('->', arrow + 1) >= 0) throw new SyntaxError(`einsum: equation '${equation}' has more than one '->'`);
  const lhs = arrow >= 0 ? eq.slice(0, arrow) : eq;
  const rhs = arrow >= 0 ? eq.slice(arrow + 2) : undefined;
  if (lhs.includes('-') || lhs.includes('>') || rhs?.includes(',') || rhs?.includes('-') || rhs?.includes('>')) {
    throw new SyntaxError(`einsum: malformed equation '${equation}' (expected 'terms,separated,by,commas->output')`);
  }
  const terms = lhs.split(',');
  if (terms.length !== xs.length) {
    throw new RangeError(`einsum: the equation '${equation}' has ${terms.length} input term${terms.length === 1 ? '' : 's'} but ${xs.length} operand${xs.length === 1 ? ' was' : 's were'} given`);
  }

  // Subscripts of each operand, with its ellipsis expanded into right-aligned broadcast labels.
  const parsed = terms.map((t, i) => parseTerm(t, `operand ${i}'s subscripts '${t}'`, equation));
  const ellDims = parsed.map((p, i) => {
    const x = xs[i];
    if (p.ellAt < 0) {
      if (x.ndim !== p.letters.length) {
        throw new RangeError(`einsum: operand ${i} has ${x.ndim} dim${x.ndim === 1 ? '' : 's'} (shape [${x._shape.join(', ')}]) but its subscripts '${terms[i]}' name ${p.letters.length}`);
      }
      return 0;
    }
    if (x.ndim < p.letters.length) {
      throw new RangeError(`einsum: operand ${i} has ${x.ndim} dims (shape [${x._shape.join(', ')}]), fewer than the ${p.letters.length} subscripts of '${terms[i]}' besides '...'`);
    }
    return x.ndim - p.letters.length;
  });
  const E = Math.max(0, ...ellDims);
  const ellLabels = Array.from({ length: E }, (_, k) => `.${k}`);
  const terms2: Term[] = parsed.map((p, i) => {
    const ell = ellLabels.slice(E - ellDims[i]);
    return { labels: p.ellAt < 0 ? p.letters : [...p.letters.slice(0, p.ellAt), ...ell, ...p.letters.slice(p.ellAt)] };
  });

  // Sizes per subscript: equal, or 1 (broadcast) across operands; equal within one operand (a diagonal).
  const size = new Map<Label, { n: number; from: number }>();
  const nameOf = (l: Label): string => (l[0] === '.' ? `'...' dim ${l.slice(1)}` : `subscript '${l}'`);
  terms2.forEach((term, i) => {
    const seen = new Map<Label, number>();
    term.labels.forEach((l, d) => {
      const n = xs[i]._shape[d];
      const own = seen.get(l);
      if (own !== undefined && own !== n) {
        throw new RangeError(`einsum: ${nameOf(l)} is repeated in operand ${i} ('${terms[i]}', shape [${xs[i]._shape.join(', ')}]) for a diagonal, but its sizes ${own} and ${n} differ`);
      }
      seen.set(l, n);
      const prev = size.get(l);
      if (prev === undefined || prev.n === 1) size.set(l, { n, from: i });
      else if (n !== prev.n && n !== 1) {
        throw new RangeError(`einsum: ${nameOf(l)} has size ${n} in operand ${i} (shape [${xs[i]._shape.join(', ')}]) but size ${prev.n} in operand ${prev.from} (shape [${xs[prev.from]._shape.join(', ')}]); sizes must match or be 1`);
      }
    });
  });

  // The output's subscripts.
  let out: Label[];
  if (rhs === undefined) {
    const count = new Map<string, number>();
    for (const p of parsed) for (const c of p.letters) count.set(c, (count.get(c) ?? 0) + 1);
    const once = [...count.keys()].filter((c) => count.get(c) === 1).sort();
    out = [...ellLabels, ...once];
  } else {
    const p = parseTerm(rhs, `the output '${rhs}'`, equation);
    const seen = new Set<string>();
    for (const c of p.letters) {
      if (seen.has(c)) throw new SyntaxError(`einsum: output subscript '${c}' appears more than once in '${equation}'`);
      seen.add(c);
      if (!size.has(c)) throw new RangeError(`einsum: output subscript '${c}' of '${equation}' does not appear in any operand`);
    }
    // An output '...' with no operand's '...' covers no dims (PyTorch: einsum('i->...', x) is x.sum()).
    out = p.ellAt < 0 ? p.letters : [...p.letters.slice(0, p.ellAt), ...ellLabels, ...p.letters.slice(p.ellAt)];
  }

  // A common dtype: float operands go through bmm; integer ones multiply and sum. Float operands keep
  // their own dtypes: as PyTorch, a contraction of two different float dtypes is refused and a product
  // without a summed subscript (which PyTorch computes with mul) promotes (see contract).
  let dtype: DType = xs[0].dtype;
  for (const x of xs.slice(1)) dtype = promote(dtype, false, x.dtype, false);
  const allFloat = xs.every((x) => isFloating(x.dtype));
  let ops: Operand[] = xs.map((x, i) => takeDiagonals({ t: x.dtype === dtype || allFloat ? x : x.to(dtype), labels: terms2[i].labels }));

  const sizeOf = (l: Label): number => size.get(l)!.n;
  for (let k = 0; k < ops.length; k++) {
    const later = new Set<Label>(out);
    ops.forEach((o, j) => { if (j !== k) o.labels.forEach((l) => later.add(l)); });
    ops[k] = sumOut(ops[k], (l) => !later.has(l));
  }
  let cur = ops[0];
  for (let k = 1; k < ops.length; k++) {
    const needed = new Set<Label>(out);
    for (const o of ops.slice(k + 1)) o.labels.forEach((l) => needed.add(l));
    cur = contract(cur, ops[k], needed, sizeOf, isFloating(dtype));
  }
  cur = sumOut(cur, (l) => !out.includes(l));
  // Broadcast labels that stayed size 1 in this operand but are larger elsewhere (only possible in the output).
  const perm = out.map((l) => cur.labels.indexOf(l));
  let res = cur.t.permute(perm);
  const want = out.map(sizeOf);
  if (want.some((n, i) => n !== res._shape[i])) res = res.expand(want);
  return res;
}

/** Repeated subscripts in one operand: take their diagonal (moved last), until each appears once. */
function takeDiagonals(o: Operand): Operand {
  let { t, labels } = o;
  for (;;) {
    const i = labels.findIndex((l, k) => labels.indexOf(l) !== k);
    if (i < 0) return { t, labels };
    const first = labels.indexOf(labels[i]);
    t = diagonal(t, 0, first, i);
    labels = [...labels.filter((_, k) => k !== first && k !== i), labels[i]];
  }
}

function sumOut(o: Operand, drop: (l: Label) => boolean): Operand {
  const dims = o.labels.map((l, d) => (drop(l) ? d : -1)).filter((d) => d >= 0);
  if (dims.length === 0) return o;
  return { t: o.t.sum(dims), labels: o.labels.filter((l) => !drop(l)) };
}

function arrange(o: Operand, order: Label[], sizeOf: (l: Label) => number, stretch: Set<Label>): Tensor {
  const t = o.t.permute(order.map((l) => o.labels.indexOf(l)));
  const target = order.map((l, i) => (stretch.has(l) ? sizeOf(l) : t._shape[i]));
  return target.some((n, i) => n !== t._shape[i]) ? t.expand(target) : t;
}

/** Contracts two operands over their shared subscripts that are not needed later, with one bmm. */
function contract(a0: Operand, b0: Operand, needed: Set<Label>, sizeOf: (l: Label) => number, float: boolean): Operand {
  const a = sumOut(a0, (l) => !b0.labels.includes(l) && !needed.has(l));
  const b = sumOut(b0, (l) => !a.labels.includes(l) && !needed.has(l));
  const inB = new Set(b.labels), inA = new Set(a.labels);
  const batch = a.labels.filter((l) => inB.has(l) && needed.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !needed.has(l));
  const aOnly = a.labels.filter((l) => !inB.has(l));
  const bOnly = b.labels.filter((l) => !inA.has(l));
  const shared = new Set([...batch, ...summed]);
  const A = arrange(a, [...batch, ...aOnly, ...summed], sizeOf, shared);
  const B = arrange(b, [...batch, ...summed, ...bOnly], sizeOf, shared);
  const bs = batch.map(sizeOf), as = A._shape.slice(batch.length, batch.length + aOnly.length);
  const ks = summed.map(sizeOf), cs = B._shape.slice(batch.length + summed.length);
  const labels = [...batch, ...aOnly, ...bOnly];
  if (!float) {
    // Integers: broadcast multiply over [batch, aOnly, bOnly, summed] and sum (bmm is float only).
    const ax = A.reshape([...bs, ...as, ...cs.map(() => 1), ...ks]);
    const bx = B.permute([...batch.map((_, i) => i), ...bOnly.map((_, i) => batch.length + summed.length + i), ...summed.map((_, i) => batch.length + i)])
      .reshape([...bs, ...as.map(() => 1), ...cs, ...ks]);
    const p = ax.mul(bx);
    return { t: ks.length ? p.sum(ks.map((_, i) => labels.length + i)) : p, labels };
  }
  let Am = A, Bm = B;
  if (A.dtype !== B.dtype) {
    if (summed.length > 0) {
      throw new TypeError(`einsum: operands of dtypes ${A.dtype} and ${B.dtype} are contracted over '${summed.join('')}'; expected the same dtype (PyTorch's bmm does not promote), so convert one of them with .to(...)`);
    }
    const common = promote(A.dtype, false, B.dtype, false);
    Am = A.to(common);
    Bm = B.to(common);
  }
  const nb = numelOf(bs), ni = numelOf(as), nk = numelOf(ks), nj = numelOf(cs);
  const prod = bmm(Am.reshape([nb, ni, nk]), Bm.reshape([nb, nk, nj]));
  return { t: prod.reshape([...bs, ...as, ...cs]), labels };
}
