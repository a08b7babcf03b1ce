/**
 * A third conformance audit of the issue-13 ops against PyTorch 1.13 (fixtures/pytorch/audit13c/ops.json,
 * written by ops.py beside it): einsum's sublist form and the implicit order of uppercase subscripts,
 * norm subgradients at ties of the max / min and at zeros for p < 1, dtype options on float inputs,
 * NaN and infinities with ties in sorts, topk and kthvalue, broadcasting along cosineSimilarity's dim,
 * baddbmm with beta 0 over infinities; values, indices, first and second derivatives in float64 and
 * float32; and for each case PyTorch refuses, our error.
 */
import { join } from 'path';
import * as c from '@tapegrad/core';
import { Tensor, ValuesIndices } from '@tapegrad/core';
import { describeOpCases, loadOpCases, type Out } from '../helpers/torch-op-cases';

const cases = loadOpCases(join(__dirname, '../../../../fixtures/pytorch/audit13c/ops.json'));

const int = (v: number[]): Tensor => c.tensor(v, { dtype: 'int32' });
const { linalg } = c;
const CALLS: Record<string, (...xs: Tensor[]) => Out> = {
  'einsum sublist matmul': (a, b) => c.einsum(a, [0, 1], b, [1, 2]),
  'einsum sublist explicit output': (a, b) => c.einsum(a, [0, 1], b, [1, 2], [2, 0]),
  'einsum sublist implicit order across cases': (a, b) => c.einsum(a, [27, 1], b, [1, 0]),
  'einsum sublist ellipsis': (x) => c.einsum(x, ['...', 0, 1], [1, '...']),
  'einsum sublist trace': (x) => c.einsum(x, [0, 0]),
  'einsum sublist vector': (a, b) => c.einsum(a, [0, 1], b, [1]),
  'einsum sublist out of range': (x) => c.einsum(x, [0, 52]),
  'einsum sublist negative': (x) => c.einsum(x, [0, -1]),
  'einsum sublist too few subscripts': (x) => c.einsum(x, [0]),
  'einsum implicit uppercase first': (a, b) => c.einsum('bA,Ca', a, b),
  'einsum implicit Ab Ba': (a, b) => c.einsum('Ab,Ba', a, b),
  'einsum outer sum': (a, b) => c.einsum('i,j->', a, b),
  'einsum same operand twice': (x) => c.einsum('ij,ij->', x, x),
  'einsum ellipsis middle two operands': (a, b) => c.einsum('a...b,b...c->...ac', a, b),
  'einsum leading subscript summed': (x) => c.einsum('i...->...', x),
  'einsum bilinear': (a, w, b) => c.einsum('bi,kij,bj->bk', a, w, b),
  'einsum diagonal times vector': (a, v) => c.einsum('ii,i->i', a, v),
  'einsum batched attention': (q, k) => c.einsum('bhqd,bhkd->bhqk', q, k),
  'einsum subscript letter mismatch': (a, b) => c.einsum('ij,jk->ik', a, b),

  'vectorNorm inf ties': (x) => linalg.vectorNorm(x, Infinity),
  'vectorNorm -inf ties': (x) => linalg.vectorNorm(x, -Infinity),
  'vectorNorm -inf at a zero': (x) => linalg.vectorNorm(x, { ord: -Infinity }),
  'vectorNorm inf ties dim 1 keepdim': (x) => linalg.vectorNorm(x, Infinity, 1, true),
  'vectorNorm 0.5 with a zero': (x) => linalg.vectorNorm(x, 0.5),
  'vectorNorm -1 with a zero': (x) => linalg.vectorNorm(x, -1),
  'vectorNorm 0 dims tuple keepdim': (x) => linalg.vectorNorm(x, 0, [0, 2], true),
  'vectorNorm 0.5 dims -1 -3': (x) => linalg.vectorNorm(x, { ord: 0.5, dim: [-1, -3] }),
  'vectorNorm dtype float64 on float input': (x) => linalg.vectorNorm(x, 3, 1, false, { dtype: 'float64' }),
  'norm p 0.5 dims keepdim': (x) => c.norm(x, 0.5, [0, 2], true),
  'norm p -inf ties': (x) => x.norm(-Infinity, 1),
  'norm fro keepdim all dims': (x) => c.norm(x, 'fro', [0, 1], true),
  'norm nuc refused here': (x) => c.norm(x, 'abc' as never),

  'cumsum float dtype float64': (x) => x.cumsum(-1, { dtype: 'float64' }),
  'cumprod float dtype float64 zeros': (x) => c.cumprod(x, 1, { dtype: 'float64' }),
  'cumprod three zeros dim -2': (x) => x.cumprod(-2),
  'cumsum 1-d dim -1': (x) => c.cumsum(x, -1),
  'cumprod dim -3': (x) => x.cumprod(-3),
  'cumprod dim out of range': (x) => x.cumprod(-3),

  'sort stable nan ties descending': (x) => x.sort({ descending: true, stable: true }),
  'sort stable nan ties ascending': (x) => c.sort(x, { stable: true }),
  'argsort stable nan descending dim 0': (x) => c.argsort(x, { stable: true, dim: 0, descending: true }),
  'topk smallest unsorted k all': (x) => x.topk(4, { largest: false, sorted: false }),
  'topk with infinities': (x) => x.topk(3),
  'topk smallest with infinities': (x) => c.topk(x, 2, { largest: false }),
  'topk nan k all': (x) => x.topk(3),
  'topk dim 0 of 3-d': (x) => x.topk(2, 0),
  'topk k 0 smallest dim 0': (x) => x.topk(0, 0, false),
  'kthvalue with infinities': (x) => x.kthvalue(1),
  'kthvalue last with inf': (x) => c.kthvalue(x, 4),
  'kthvalue dim 0 keepdim': (x) => x.kthvalue(2, { dim: 0, keepdim: true }),
  'kthvalue dim out of range': (x) => x.kthvalue(1, 2),

  'tril batched non-square diagonal -1': (x) => x.tril(-1),
  'triu batched tall diagonal 2': (x) => c.triu(x, { diagonal: 2 }),
  'tril diagonal far beyond': (x) => x.tril(10),
  'triu diagonal far below': (x) => x.triu(-10),
  'tril 0-d': (x) => x.tril(),
  'flip three dims of 4-d': (x) => x.flip([0, 2, -1]),
  'roll two dims negative past size': (x) => x.roll([-7, 9], [0, 1]),
  'roll flattened negative': (x) => c.roll(x, -8),
  'roll dim out of range': (x) => x.roll(1, 2),

  'cosineSimilarity broadcast along dim': (a, b) => c.cosineSimilarity(a, b, 1),
  'cosineSimilarity eps 0.5 dim 0': (a, b) => c.cosineSimilarity(a, b, { dim: 0, eps: 0.5 }),
  'cosineSimilarity negative dim -2 of 3-d': (a, b) => c.cosineSimilarity(a, b, -2),
  'pairwiseDistance keepdim broadcast': (a, b) => c.pairwiseDistance(a, b, 2, 1e-6, true),
  'pairwiseDistance inf': (a, b) => c.pairwiseDistance(a, b, { p: Infinity }),

  'baddbmm beta 0 ignores inf alpha -2': (i, a, b) => c.baddbmm(i, a, b, { beta: 0, alpha: -2 }),
  'baddbmm beta 0.5 alpha 2': (i, a, b) => c.baddbmm(i, a, b, { beta: 0.5, alpha: 2 }),

  'repeatInterleave tensor repeats dim 1 outputSize': (x) => x.repeatInterleave(int([2, 0, 1]), 1, { outputSize: 3 }),
  'repeatInterleave scalar dim -1': (x) => c.repeatInterleave(x, 3, -1),
  'diagonal offset -1 dims 2 0': (x) => x.diagonal(-1, 2, 0),
  'diagEmbed offset -2 dims -1 -3': (x) => c.diagEmbed(x, -2, -1, -3),
  'diagEmbed offset 1 of 3-d': (x) => c.diagEmbed(x, { offset: 1 }),
};

/** Our message for each case PyTorch refuses: it names the op and what was wrong. */
const ERRORS: Record<string, RegExp> = {
  'einsum sublist out of range': /einsum: subscript 52 in the sublist of operand 0 is not within the valid range \[0, 52\)/,
  'einsum sublist negative': /einsum: subscript -1 in the sublist of operand 0 is not within the valid range \[0, 52\)/,
  'einsum sublist too few subscripts': /einsum: operand 0 has 2 dims \(shape \[2, 3\]\) but its subscripts 'A' name 1/,
  'einsum subscript letter mismatch': /einsum: subscript 'j' has size 4 in operand 1 \(shape \[4, 5\]\) but size 3 in operand 0/,
  'norm nuc refused here': /norm: p must be a number or 'fro', got abc/,
  'cumprod dim out of range': /cumprod: dim -3 is out of range for a tensor of rank 2/,
  'kthvalue dim out of range': /kthvalue: dim 2 is out of range for a tensor of rank 2/,
  'tril 0-d': /tril: .*(at least 2|0-D|2-D)/,
  'roll dim out of range': /roll: dim 2 is out of range for a tensor of rank 2/,
};

describeOpCases(cases, CALLS, ERRORS, { tolOfRunDtype: true, checkGradDtype: true });

describe('the sublist form beside the equation form', () => {
  test('a sublist and an operand out of place are refused by name', () => {
    const a = c.ones([2, 3]), b = c.ones([3, 4]);
    expect(() => c.einsum(a, [0, 1], b)).toThrow(/einsum: operand 1 has no sublist/);
    expect(() => c.einsum(a, [0, 1], [1, 2] as never, b as never)).toThrow(/einsum: in the sublist form, argument 2 must be a Tensor/);
    expect(() => c.einsum(a, [0, 'x' as never])).toThrow(/einsum: subscript x in the sublist of operand 0 is not within the valid range/);
  });
});

describe('shape errors name the op', () => {
  test('pairwiseDistance and cosineSimilarity of shapes that do not broadcast', () => {
    expect(() => c.pairwiseDistance(c.ones([2, 3]), c.ones([2, 4]))).toThrow(/^pairwiseDistance: shapes \[2, 3\] and \[2, 4\] cannot be broadcast together: size 3 vs 4 at dim -1/);
    expect(() => c.cosineSimilarity(c.ones([2, 3]), c.ones([4, 3]), 1)).toThrow(/^cosineSimilarity: shapes \[2, 3\] and \[4, 3\] cannot be broadcast together/);
  });
});

describe('values and indices: PyTorch\'s named tuple', () => {
  const x = c.tensor([[3, 1, 2], [0, 5, 4]], { dtype: 'float64' });
  test('unpacked in order (values, indices) as well as read by name, for every op that returns both', () => {
    const results: [string, ValuesIndices][] = [
      ['sort', x.sort()], ['topk', c.topk(x, 2)], ['kthvalue', x.kthvalue(2)], ['max', x.max(1)], ['min', c.min(x, 0)], ['median', x.median(1)],
      ['sort 0-d', c.tensor(2).sort()], ['topk 0-d k 0', c.topk(c.tensor(2), 0)], ['kthvalue 0-d', c.tensor(2).kthvalue(1)], ['max 0-d', c.tensor(2).max(0)],
    ];
    for (const [name, r] of results) {
      const [values, indices] = r;
      expect([name, values]).toEqual([name, r.values]);
      expect([name, indices]).toEqual([name, r.indices]);
      expect([...r]).toHaveLength(2);
      // the iterator is not a field: keys, spreading and JSON see values and indices only
      expect(Object.keys(r)).toEqual(['values', 'indices']);
      expect(Object.keys({ ...r })).toEqual(['values', 'indices']);
    }
    const [v, i] = x.topk(1, 0, false);
    expect(Array.from(v.dataSync())).toEqual([0, 1, 2]);
    expect(Array.from(i.dataSync())).toEqual([1, 0, 0]);
  });
});
