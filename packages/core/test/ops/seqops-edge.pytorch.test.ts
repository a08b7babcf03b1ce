/**
 * The corners of the issue-13 ops against PyTorch 1.13 (fixtures/pytorch/seqops-edge.json, written by
 * seqops_edge.py beside it): ties where PyTorch's CPU algorithm picks the indices, NaN, int and bool
 * inputs, 0-d and empty tensors, einsum forms, norms with dtype and at zero vectors, baddbmm with beta 0
 * over NaN, repeatInterleave's forms; values, indices, first and second derivatives in float64 and
 * float32; and for each case PyTorch refuses, our error.
 */
import { join } from 'path';
import * as c from '@tapegrad/core';
import { Tensor, ValuesIndices } from '@tapegrad/core';
import { expectClose } from '../helpers/approx';
import { describeOpCases, loadOpCases, outputsOf, type Out } from '../helpers/torch-op-cases';

const cases = loadOpCases(join(__dirname, '../../../../fixtures/pytorch/seqops-edge.json'));

const int = (v: number[]): Tensor => c.tensor(v, { dtype: 'int32' });
const { linalg } = c;
const CALLS: Record<string, (...xs: Tensor[]) => Out> = {
  // scans
  'cumsum 0-d': (x) => x.cumsum(0),
  'cumsum empty dim 0': (x) => c.cumsum(x, 0),
  'cumsum int': (x) => x.cumsum(1),
  'cumsum bool': (x) => c.cumsum(x, 0),
  'cumsum int dtype float64': (x) => x.cumsum(0, { dtype: 'float64' }),
  'cumsum dim -2 of 3-d': (x) => x.cumsum(-2),
  'cumprod 0-d': (x) => x.cumprod(-1),
  'cumprod two zeros in a row': (x) => c.cumprod(x, 0),
  'cumprod zero first': (x) => x.cumprod(0),
  'cumprod zero last': (x) => x.cumprod(0),
  'cumprod all zeros': (x) => x.cumprod(0),
  'cumprod zeros dim 0 of 2-d': (x) => x.cumprod(0),
  'cumprod zeros dim -1 of 3-d': (x) => x.cumprod(-1),
  'cumprod int': (x) => x.cumprod(1),
  'cumprod empty': (x) => x.cumprod(1),
  'cumsum dim out of range': (x) => x.cumsum(2),
  // sort / argsort
  'sort ties 20 default': (x) => x.sort(),
  'sort ties 40 descending default': (x) => c.sort(x, -1, true),
  'sort ties 40 stable': (x) => x.sort(-1, false, { stable: true }),
  'sort ties 40 stable descending': (x) => x.sort(0, true, { stable: true }),
  'sort ties dim 0 of [33, 2]': (x) => x.sort(0),
  'sort nan ascending': (x) => x.sort(),
  'sort nan descending': (x) => x.sort(-1, true),
  'sort nan ties 30 default': (x) => x.sort(),
  'sort nan ties 30 descending': (x) => x.sort(0, true),
  'sort signed zeros stable': (x) => x.sort(0, false, { stable: true }),
  'sort int': (x) => x.sort(1, true),
  'sort bool': (x) => x.sort(-1, false, { stable: true }),
  'sort 0-d': (x) => x.sort(),
  'sort empty': (x) => x.sort(),
  'sort empty dim 1': (x) => x.sort(1),
  'argsort ties 25 default': (x) => x.argsort(),
  'argsort ties 25 stable': (x) => c.argsort(x, -1, false, { stable: true }),
  'argsort descending dim 0': (x) => x.argsort(0, true),
  'argsort int': (x) => x.argsort(-1, false, { stable: true }),
  'sort dim out of range': (x) => x.sort(-3),
  // topk
  'topk ties largest': (x) => x.topk(2),
  'topk ties smallest': (x) => x.topk(3, -1, false),
  'topk ties 40 k 7': (x) => c.topk(x, 7),
  'topk ties 200 k 2 (partial sort)': (x) => x.topk(2),
  'topk ties 200 k 3 smallest (partial sort)': (x) => x.topk(3, 0, false),
  'topk unsorted': (x) => x.topk(5, -1, true, false),
  'topk unsorted smallest dim 0': (x) => c.topk(x, 4, 0, false, false),
  'topk nan largest': (x) => x.topk(3),
  'topk nan smallest': (x) => x.topk(4, -1, false),
  'topk k 0': (x) => x.topk(0),
  'topk k all dim 0': (x) => x.topk(3, 0),
  'topk 0-d': (x) => x.topk(1),
  'topk int': (x) => x.topk(2),
  'topk k too large': (x) => x.topk(4),
  'topk k negative': (x) => x.topk(-1),
  // kthvalue
  'kthvalue ties': (x) => x.kthvalue(2),
  'kthvalue ties all equal': (x) => x.kthvalue(2),
  'kthvalue ties 30 k 11': (x) => c.kthvalue(x, 11),
  'kthvalue rows with ties': (x) => x.kthvalue(4, 1),
  'kthvalue nan': (x) => x.kthvalue(4),
  'kthvalue below nan': (x) => x.kthvalue(3),
  'kthvalue keepdim dim 1 of 3-d': (x) => x.kthvalue(2, 1, true),
  'kthvalue dim -3': (x) => c.kthvalue(x, 4, -3),
  'kthvalue 0-d': (x) => x.kthvalue(1),
  'kthvalue 0-d keepdim': (x) => x.kthvalue(1, 0, true),
  'kthvalue int': (x) => x.kthvalue(2),
  'kthvalue k too large': (x) => x.kthvalue(4),
  'kthvalue k 0': (x) => x.kthvalue(0),
  // tril / triu
  'tril offset past the matrix': (x) => x.tril(5),
  'tril offset far below': (x) => c.tril(x, -3),
  'triu offset far above': (x) => x.triu(4),
  'triu offset -2 tall': (x) => c.triu(x, -2),
  'tril 2 wide batched': (x) => x.tril(2),
  'triu -1 batched': (x) => x.triu(-1),
  'tril int': (x) => x.tril(),
  'triu bool': (x) => x.triu(),
  'tril empty': (x) => x.tril(),
  'tril 1-d': (x) => x.tril(),
  // flip / roll
  'flip no dims': (x) => c.flip(x, []),
  'flip all dims negative': (x) => x.flip(-1, -3, -2),
  'flip int': (x) => x.flip(1),
  'flip empty': (x) => x.flip([0, 1]),
  'flip 0-d': (x) => c.flip(x, [0]),
  'flip repeated dim': (x) => x.flip(0, 0),
  'flip dim out of range': (x) => x.flip(2),
  'roll shift past size': (x) => x.roll(7),
  'roll negative past size dim 1': (x) => x.roll(-4, 1),
  'roll tuple shifts': (x) => c.roll(x, [2, -1, 5], [0, 1, 2]),
  'roll same dim twice': (x) => x.roll([1, 2], [0, 0]),
  'roll negative dim': (x) => x.roll(1, -1),
  'roll flattened 3-d': (x) => x.roll(5),
  'roll 0-d': (x) => x.roll(3),
  'roll 0-d with dims': (x) => x.roll(3, -1),
  'roll empty': (x) => x.roll(1, 0),
  'roll int': (x) => x.roll(-1),
  'roll tuple shifts without dims': (x) => x.roll([1, 2]),
  'roll shifts and dims differ in length': (x) => x.roll([1, 2], [0]),
  // einsum
  'einsum spaces': (a, b) => c.einsum(' i j , j k -> i k ', a, b),
  'einsum sum all': (x) => c.einsum('ij->', x),
  'einsum transpose implicit': (x) => c.einsum('ji', x),
  'einsum dot': (a, b) => c.einsum('i,i', a, b),
  'einsum hadamard': (a, b) => c.einsum('ij,ij->ij', a, b),
  'einsum row dot': (a, b) => c.einsum('ij,ij->i', a, b),
  'einsum implicit outer': (a, b) => c.einsum('i,j', a, b),
  'einsum triple diagonal': (x) => c.einsum('iii->i', x),
  'einsum trace explicit': (x) => c.einsum('ii->', x),
  'einsum batched trace': (x) => c.einsum('bii->b', x),
  'einsum ellipsis diagonal': (x) => c.einsum('...ii->...i', x),
  'einsum ellipsis covers no dims': (a, b) => c.einsum('...ij,...jk', a, b),
  'einsum ellipsis in the middle': (x) => c.einsum('i...j->j...i', x),
  'einsum ellipsis output only': (x) => c.einsum('i->...', x),
  'einsum ellipsis broadcast sizes 1': (a, b) => c.einsum('...i,...i->...', a, b),
  'einsum batch broadcast 1': (a, b) => c.einsum('bij,bjk->bik', a, b),
  'einsum letter broadcast both sides': (a, b) => c.einsum('ij,ij->ij', a, b),
  'einsum 0-d operands': (s, v) => c.einsum(',i->i', s, v),
  'einsum 0-d alone': (s) => c.einsum('', s),
  'einsum empty contraction': (a, b) => c.einsum('ij,jk->ik', a, b),
  'einsum letter in three operands': (a, b, d) => c.einsum('i,i,i->', a, b, d),
  'einsum four operands': (a, b, d, e) => c.einsum('ij,j,jk,k->i', [a, b, d, e]),
  'einsum uppercase and lowercase': (a, b) => c.einsum('aB,Bc->ca', a, b),
  'einsum int': (a, b) => c.einsum('ij,jk->ik', a, b),
  'einsum repeated sizes differ': (x) => c.einsum('ii', x),
  'einsum sizes do not broadcast': (a, b) => c.einsum('ij,jk', a, b),
  'einsum too few subscripts': (x) => c.einsum('ij', x),
  'einsum too many subscripts for 0-d': (x) => c.einsum('i', x),
  'einsum output repeated': (x) => c.einsum('ij->ii', x),
  'einsum output letter unknown': (x) => c.einsum('ij->k', x),
  'einsum fewer operands': (x) => c.einsum('ij,jk->ik', x),
  'einsum more operands': (a, b) => c.einsum('ij->ij', a, b),
  'einsum digit subscript': (x) => c.einsum('i1', x),
  'einsum lone dot': (x) => c.einsum('i.j', x),
  'einsum two arrows': (x) => c.einsum('i->i->i', x),
  'einsum ellipsis dims do not broadcast': (a, b) => c.einsum('...ij,...jk->...ik', a, b),
  // norms
  'vectorNorm dtype float64': (x) => linalg.vectorNorm(x, 2, null, false, { dtype: 'float64' }),
  'vectorNorm dims list negative keepdim': (x) => linalg.vectorNorm(x, 2, [-1, 0], true),
  'vectorNorm empty dims list': (x) => linalg.vectorNorm(x, 1, []),
  'vectorNorm 0-d': (x) => linalg.vectorNorm(x, 0.5),
  'vectorNorm 0-d dim 0 keepdim': (x) => linalg.vectorNorm(x, 3, 0, true),
  'vectorNorm empty 2': (x) => linalg.vectorNorm(x),
  'vectorNorm empty 0 dim 0': (x) => linalg.vectorNorm(x, 0, 0),
  'vectorNorm inf over non-empty dim of empty': (x) => linalg.vectorNorm(x, Infinity, 1),
  'vectorNorm zero vector 2': (x) => linalg.vectorNorm(x, 2, 1),
  'vectorNorm zero vector 1': (x) => linalg.vectorNorm(x, 1, 1),
  'vectorNorm zero vector 3': (x) => linalg.vectorNorm(x, 3, 1),
  'vectorNorm zero vector 1.5': (x) => linalg.vectorNorm(x, 1.5, 1),
  'vectorNorm zero vector 0.5': (x) => linalg.vectorNorm(x, 0.5, 1),
  'vectorNorm zero vector inf': (x) => linalg.vectorNorm(x, Infinity, 1),
  'vectorNorm zero vector -inf': (x) => linalg.vectorNorm(x, -Infinity, 1),
  'vectorNorm zero vector -1': (x) => linalg.vectorNorm(x, -1, 1),
  'vectorNorm zero vector 0': (x) => linalg.vectorNorm(x, 0, 1),
  'vectorNorm 2 second order': (x) => linalg.vectorNorm(x, 2, 1),
  'vectorNorm 3 second order': (x) => linalg.vectorNorm(x, 3, 0),
  'vectorNorm 2.5 all': (x) => linalg.vectorNorm(x, 2.5),
  'vectorNorm 0.3 dim 1': (x) => linalg.vectorNorm(x, 0.3, 1),
  'vectorNorm -2 dim 1': (x) => linalg.vectorNorm(x, -2, 1),
  'vectorNorm int input': (x) => linalg.vectorNorm(x),
  'vectorNorm narrowing dtype': (x) => linalg.vectorNorm(x, 2, null, false, { dtype: 'float32' }),
  'vectorNorm repeated dim': (x) => linalg.vectorNorm(x, 2, [0, 0]),
  'vectorNorm inf of empty': (x) => linalg.vectorNorm(x, Infinity),
  'vectorNorm -1 of empty dim 0': (x) => linalg.vectorNorm(x, -1, 0),
  'norm p inf': (x) => x.norm(Infinity),
  'norm p -inf dim 1': (x) => c.norm(x, -Infinity, 1),
  'norm p 0': (x) => x.norm(0),
  'norm fro dims 0 1': (x) => x.norm('fro', [0, 1]),
  'norm fro dim 1 keepdim': (x) => c.norm(x, 'fro', 1, true),
  'norm p 1 dim 1 dtype float64': (x) => c.norm(x, 1, 1, false, { dtype: 'float64' }),
  'norm p 3 dims -1 -2': (x) => x.norm(3, [-1, -2]),
  'norm method p 2 dtype': (x) => x.norm(2, null, false, { dtype: 'float64' }),
  'norm p inf of empty': (x) => x.norm(Infinity),
  'norm int input': (x) => x.norm(),
  'cosineSimilarity dim 0': (a, b) => c.cosineSimilarity(a, b, 0),
  'cosineSimilarity 1-d dim 0': (a, b) => c.cosineSimilarity(a, b, 0),
  'cosineSimilarity 1-d dim -1': (a, b) => c.cosineSimilarity(a, b, -1),
  'cosineSimilarity broadcast both': (a, b) => c.cosineSimilarity(a, b, -1),
  'cosineSimilarity broadcast rank': (a, b) => c.cosineSimilarity(a, b, 2),
  'cosineSimilarity zero vector': (a, b) => c.cosineSimilarity(a, b),
  'cosineSimilarity large eps': (a, b) => c.cosineSimilarity(a, b, 1, 10),
  'cosineSimilarity 0-d': (a, b) => c.cosineSimilarity(a, b, 0),
  'cosineSimilarity dim out of range': (a, b) => c.cosineSimilarity(a, b),
  'cosineSimilarity shapes do not broadcast': (a, b) => c.cosineSimilarity(a, b),
  'cosineSimilarity int': (a, b) => c.cosineSimilarity(a, b, 0),
  'cosineSimilarity int with float': (a, b) => c.cosineSimilarity(a, b, -1),
  'pairwiseDistance p 3': (a, b) => c.pairwiseDistance(a, b, 3),
  'pairwiseDistance p 0': (a, b) => c.pairwiseDistance(a, b, 0),
  'pairwiseDistance p 0.5 eps 0': (a, b) => c.pairwiseDistance(a, b, 0.5, 0),
  'pairwiseDistance eps 0.1 keepdim': (a, b) => c.pairwiseDistance(a, b, 2, 0.1, true),
  'pairwiseDistance same points': (a, b) => c.pairwiseDistance(a, b),
  'pairwiseDistance 1-d': (a, b) => c.pairwiseDistance(a, b),
  'pairwiseDistance 1-d keepdim': (a, b) => c.pairwiseDistance(a, b, 2, 1e-6, true),
  'pairwiseDistance 0-d': (a, b) => c.pairwiseDistance(a, b),
  'pairwiseDistance broadcast [1, 3] [4, 3]': (a, b) => c.pairwiseDistance(a, b),
  'pairwiseDistance broadcast 3-d with 1-d': (a, b) => c.pairwiseDistance(a, b, 1.5),
  'pairwiseDistance p -inf': (a, b) => c.pairwiseDistance(a, b, -Infinity),
  'pairwiseDistance int': (a, b) => c.pairwiseDistance(a, b),
  'pairwiseDistance int eps 0': (a, b) => c.pairwiseDistance(a, b, 1, 0),
  'pairwiseDistance int with float': (a, b) => c.pairwiseDistance(a, b, 3),
  // baddbmm
  'baddbmm beta 0 ignores nan': (i, a, b) => c.baddbmm(i, a, b, { beta: 0 }),
  'baddbmm beta 0 alpha 0.5 broadcast': (i, a, b) => i.baddbmm(a, b, { beta: 0, alpha: 0.5 }),
  'baddbmm alpha 0': (i, a, b) => c.baddbmm(i, a, b, { alpha: 0 }),
  'baddbmm 0-d input': (i, a, b) => c.baddbmm(i, a, b, { beta: 2 }),
  'baddbmm input [1, 3, 1]': (i, a, b) => i.baddbmm(a, b, { beta: -1, alpha: 3 }),
  'baddbmm empty inner': (i, a, b) => c.baddbmm(i, a, b),
  'baddbmm batch mismatch': (i, a, b) => c.baddbmm(i, a, b),
  'baddbmm inner mismatch': (i, a, b) => c.baddbmm(i, a, b),
  'baddbmm 2-d batches': (i, a, b) => c.baddbmm(i, a, b),
  'baddbmm input does not broadcast': (i, a, b) => c.baddbmm(i, a, b),
  // repeatInterleave
  'repeatInterleave scalar flattens': (x) => x.repeatInterleave(2),
  'repeatInterleave tensor flattens': (x) => c.repeatInterleave(x, int([1, 0, 2, 1])),
  'repeatInterleave 0-d repeats tensor dim 1': (x) => x.repeatInterleave(c.tensor(2, { dtype: 'int32' }), 1),
  'repeatInterleave length-1 repeats dim 0': (x) => x.repeatInterleave(int([3]), 0),
  'repeatInterleave negative dim': (x) => x.repeatInterleave(int([1, 2, 0]), -1),
  'repeatInterleave outputSize': (x) => x.repeatInterleave(2, 0, { outputSize: 4 }),
  'repeatInterleave 0-d input': (x) => x.repeatInterleave(3),
  'repeatInterleave zero repeats': (x) => x.repeatInterleave(0, 1),
  'repeatInterleave empty': (x) => x.repeatInterleave(2, 0),
  'repeatInterleave int': (x) => x.repeatInterleave(int([2, 1]), 1),
  'repeatInterleave repeats only': (x) => c.repeatInterleave(x),
  'repeatInterleave repeats only outputSize': (x) => x.repeatInterleave({ outputSize: 3 }),
  'repeatInterleave wrong length': (x) => x.repeatInterleave(int([1, 2])),
  'repeatInterleave negative': (x) => x.repeatInterleave(-1),
  'repeatInterleave 2-d repeats': (x) => x.repeatInterleave(c.tensor([[1, 2]], { dtype: 'int32' }), 0),
  'repeatInterleave outputSize wrong': (x) => x.repeatInterleave(2, 0, { outputSize: 5 }),
  'repeatInterleave 0-d input dim 0': (x) => x.repeatInterleave(3, 0),
  // diagonal / diagEmbed
  'diagonal offset past the matrix': (x) => x.diagonal(4),
  'diagonal offset far below': (x) => c.diagonal(x, -5),
  'diagonal dims -1 -2': (x) => x.diagonal(1, -1, -2),
  'diagonal dims 1 0 of tall': (x) => x.diagonal(-1, 1, 0),
  'diagonal 3-d dims 0 2 offset 1': (x) => c.diagonal(x, 1, 0, 2),
  'diagonal 4-d dims -1 1': (x) => x.diagonal(0, -1, 1),
  'diagonal empty': (x) => x.diagonal(),
  'diagonal int': (x) => x.diagonal(1),
  'diagonal same dims': (x) => x.diagonal(0, 1, -1),
  'diagonal 1-d': (x) => x.diagonal(),
  'diagonal dim out of range': (x) => x.diagonal(0, 0, 2),
  'diagEmbed offset 2': (x) => x.diagEmbed(2),
  'diagEmbed offset -1 batched': (x) => c.diagEmbed(x, -1),
  'diagEmbed dims 0 1': (x) => x.diagEmbed(0, 0, 1),
  'diagEmbed dims -1 0 offset 1': (x) => c.diagEmbed(x, 1, -1, 0),
  'diagEmbed dims 2 0 of 3-d': (x) => x.diagEmbed(-2, 2, 0),
  'diagEmbed int': (x) => x.diagEmbed(),
  'diagEmbed empty': (x) => x.diagEmbed(),
  'diagEmbed same dims': (x) => x.diagEmbed(0, 0, -2),
};

/** Our message for each case PyTorch refuses: it names the op and what was wrong. */
const ERRORS: Record<string, RegExp> = {
  'cumsum dim out of range': /cumsum: dim 2 is out of range for a tensor of rank 2/,
  'sort dim out of range': /^sort: dim -3 is out of range for a tensor of rank 2/,
  'topk k too large': /topk: k \(4\) is out of range for dim 1 of size 3 \(shape \[2, 3\]\)/,
  'topk k negative': /topk: k \(-1\) is out of range for dim 0 of size 3/,
  'kthvalue k too large': /kthvalue: k \(4\) is out of range for dim 1 of size 3/,
  'kthvalue k 0': /kthvalue: k \(0\) is out of range .*expected 1 <= k <= 3/,
  'tril 1-d': /tril: input tensor must have at least 2 dimensions, got shape \[3\]/,
  'flip repeated dim': /flip: dim \[0, 0\] appears more than once/,
  'flip dim out of range': /flip: dim 2 is out of range for a tensor of rank 2/,
  'roll 0-d with dims': /roll: dim -1 is out of range for a tensor of rank 0/,
  'roll tuple shifts without dims': /roll: without dims, shifts must be a single number, got \[1, 2\]/,
  'roll shifts and dims differ in length': /roll: shifts \[1, 2\] and dims \[0\] must have the same length/,
  'einsum repeated sizes differ': /einsum: subscript 'i' is repeated in operand 0 .*sizes 2 and 3 differ/,
  'einsum sizes do not broadcast': /einsum: subscript 'j' has size 4 in operand 1 \(shape \[4, 5\]\) but size 3 in operand 0/,
  'einsum too few subscripts': /einsum: operand 0 has 3 dims \(shape \[2, 3, 4\]\) but its subscripts 'ij' name 2/,
  'einsum too many subscripts for 0-d': /einsum: operand 0 has 0 dims \(shape \[\]\) but its subscripts 'i' name 1/,
  'einsum output repeated': /einsum: output subscript 'i' appears more than once/,
  'einsum output letter unknown': /einsum: output subscript 'k' of 'ij->k' does not appear in any operand/,
  'einsum fewer operands': /einsum: the equation 'ij,jk->ik' has 2 input terms but 1 operand was given/,
  'einsum more operands': /einsum: the equation 'ij->ij' has 1 input term but 2 operands were given/,
  'einsum digit subscript': /einsum: invalid subscript '1'/,
  'einsum lone dot': /einsum: '\.' in operand 0's subscripts 'i\.j' .*must be part of an ellipsis/,
  'einsum two arrows': /einsum: equation 'i->i->i' has more than one '->'/,
  'einsum ellipsis dims do not broadcast': /einsum: '\.\.\.' dim 0 has size 5 in operand 1 .*but size 2 in operand 0/,
  'vectorNorm int input': /linalg\.vectorNorm: expected a floating point tensor, got int32/,
  'vectorNorm narrowing dtype': /linalg\.vectorNorm: the dtype of the input \(float64\) should be convertible without narrowing to the specified dtype \(float32\)/,
  'vectorNorm repeated dim': /linalg\.vectorNorm: dim \[0, 0\] appears more than once/,
  'vectorNorm inf of empty': /linalg\.vectorNorm: cannot compute the Infinity norm over dim 0 of size 0/,
  'vectorNorm -1 of empty dim 0': /linalg\.vectorNorm: cannot compute the -1 norm over dim 0 of size 0/,
  'norm int input': /norm: expected a floating point tensor, got int32/,
  'cosineSimilarity dim out of range': /cosineSimilarity: dim 1 is out of range for a tensor of rank 1/,
  'cosineSimilarity shapes do not broadcast': /cosineSimilarity: shapes \[2, 3\] and \[4, 3\] cannot be broadcast/,
  'cosineSimilarity int': /cosineSimilarity: expected the common dtype to be floating point, got int32 \(from int32 and int32\)/,
  'baddbmm batch mismatch': /baddbmm: batch1 \[2, 3, 5\] and batch2 \[3, 5, 4\] .*batch sizes 2 and 3/,
  'baddbmm inner mismatch': /baddbmm: batch1 \[2, 3, 5\] and batch2 \[2, 6, 4\] .*inner sizes 5 and 6/,
  'baddbmm 2-d batches': /baddbmm: batch1 and batch2 must be 3-D, got shapes \[3, 5\] and \[5, 4\]/,
  'baddbmm input does not broadcast': /baddbmm: shapes \[4, 3, 4\] and \[2, 3, 4\] cannot be broadcast together/,
  'repeatInterleave wrong length': /repeatInterleave: repeats has 2 entries but dim 0 of the input has size 4/,
  'repeatInterleave negative': /repeatInterleave: repeats must be non-negative integers, got \[-1\]/,
  'repeatInterleave 2-d repeats': /repeatInterleave: repeats must be 0-d or 1-D, got shape \[1, 2\]/,
  'repeatInterleave outputSize wrong': /repeatInterleave: outputSize 5 does not match the sum of repeats 4/,
  'repeatInterleave 0-d input dim 0': /repeatInterleave: dim 0 is out of range for a tensor of rank 0 \(a 0-d input has no dim/,
  'diagonal same dims': /diagonal: dim1 and dim2 cannot be the same dim \(1 and -1/,
  'diagonal 1-d': /diagonal: expected a tensor with at least 2 dims, got shape \[3\]/,
  'diagonal dim out of range': /diagonal: dim 2 is out of range for a tensor of rank 2/,
  'diagEmbed same dims': /diagEmbed: dim1 and dim2 cannot be the same dim \(0 and -2/,
};

describeOpCases(cases, CALLS, ERRORS);

describe('what the fixture cannot show', () => {
  test('baddbmm with beta 0 gives input a zero gradient (PyTorch: grad * 0, not None), NaN and all', () => {
    const input = c.full([2, 3, 4], NaN, { dtype: 'float64' }).requiresGrad_();
    const a = c.randn([2, 3, 5], { dtype: 'float64' }), b = c.randn([2, 5, 4], { dtype: 'float64' });
    const out = c.baddbmm(input, a, b, { beta: 0 });
    expect(Array.from(out.isnan().dataSync())).not.toContain(1);
    out.sum().backward();
    expect(input.grad).not.toBeNull();
    expect(Array.from(input.grad!.dataSync())).toEqual(new Array(24).fill(0));
  });
  test('the dtype option of vectorNorm and norm: the result has it, the gradient the input\'s dtype', () => {
    const x = c.tensor([[3, 4], [0, 1]], { dtype: 'float32' }).requiresGrad_();
    const y = linalg.vectorNorm(x, 2, null, false, { dtype: 'float64' });
    expect(y.dtype).toBe('float64');
    y.backward();
    expect(x.grad!.dtype).toBe('float32');
    expectClose(x.grad!, [3 / Math.sqrt(26), 4 / Math.sqrt(26), 0, 1 / Math.sqrt(26)], 1e-7, 1e-6);
    // torch.norm narrows where linalg.vector_norm refuses to.
    expect(c.norm(c.tensor([3, 4], { dtype: 'float64' }), 2, null, false, { dtype: 'float32' }).dtype).toBe('float32');
    expect(() => linalg.vectorNorm(x, 2, null, false, { dtype: 'int32' })).toThrow(/linalg\.vectorNorm: dtype should be a floating point dtype, got int32/);
    expect(() => x.norm('fro', null, false, { dtype: 'float64' })).toThrow(/norm: the dtype option is not supported with the 'fro' norm/);
    expect(() => linalg.vectorNorm(x, 2, null, false, { dtyp: 'float64' } as object)).toThrow(/linalg\.vectorNorm: unknown option 'dtyp' \(did you mean 'dtype'\?\)/);
  });
  test('vectorNorm at ±∞ as PyTorch: ord 0 gives no gradient (zeros here, never NaN), ord 1 sgn, ord ∞ the max', () => {
    const grads = (ord: number): number[] => {
      const x = c.tensor([Infinity, 1, 0], { dtype: 'float64' }).requiresGrad_();
      linalg.vectorNorm(x, ord).backward();
      return Array.from(x.grad!.dataSync());
    };
    expect(grads(0)).toEqual([0, 0, 0]);
    expect(grads(1)).toEqual([1, 1, 0]);
    expect(grads(Infinity)).toEqual([1, 0, 0]);
    expect(grads(2)).toEqual([NaN, 0, 0]);
  });
  test('norm with p null is the Frobenius norm', () => {
    const x = c.tensor([[1, 2], [2, 4]], { dtype: 'float64' });
    expect(c.norm(x, null).item()).toBe(5);
    expect(x.norm(null, 1).shape).toEqual([2]);
  });
});

describe("PyTorch's keyword arguments as an options object, alone or after the positional ones", () => {
  const x = c.tensor([[3, 1, 2, 1], [0, 5, 5, -1], [2, 2, 0, 4]], { dtype: 'float64' });
  const same = (a: Out, b: Out): void => {
    const [p, q] = [outputsOf(a), outputsOf(b)];
    expect(p.length).toBe(q.length);
    p.forEach((t, i) => { expect(t.shape).toEqual(q[i].shape); expect(Array.from(t.dataSync())).toEqual(Array.from(q[i].dataSync())); });
  };
  test('cumsum and cumprod: dim and dtype', () => {
    same(x.cumsum({ dim: 1 }), x.cumsum(1));
    same(c.cumprod(x, { dim: 0, dtype: 'float32' }), c.cumprod(x.float(), 0));
    expect(() => c.cumsum(x, {})).toThrow(/cumsum: dim is required \(PyTorch's cumsum has no default dim\)/);
    expect(() => x.cumprod(0, { dim: 1 })).toThrow(/cumprod: got multiple values for argument 'dim'/);
  });
  test('sort, argsort, topk, kthvalue', () => {
    same(x.sort({ dim: 0, descending: true, stable: true }), x.sort(0, true, { stable: true }));
    same(c.sort(x, 0, { descending: true }), c.sort(x, 0, true));
    same(x.argsort({ descending: true }), x.argsort(-1, true));
    same(x.topk(2, { largest: false }), x.topk(2, -1, false));
    same(c.topk(x, 2, 0, { sorted: false }), c.topk(x, 2, 0, true, false));
    same(x.kthvalue(2, { dim: 0, keepdim: true }), x.kthvalue(2, 0, true));
  });
  test('triangles, diagonals, roll, repeatInterleave', () => {
    same(x.tril({ diagonal: -1 }), x.tril(-1));
    same(c.triu(x, { diagonal: 2 }), c.triu(x, 2));
    same(x.diagonal({ offset: 1, dim1: 1, dim2: 0 }), x.diagonal(1, 1, 0));
    same(c.diagEmbed(x, 1, { dim2: 0 }), c.diagEmbed(x, 1, -2, 0));
    same(x.roll([1, -1], { dims: [0, 1] }), x.roll([1, -1], [0, 1]));
    same(x.repeatInterleave(2, { dim: 1, outputSize: 8 }), x.repeatInterleave(2, 1, { outputSize: 8 }));
  });
  test('norms, cosineSimilarity, pairwiseDistance', () => {
    same(linalg.vectorNorm(x, { ord: 1, dim: 0, keepdim: true }), linalg.vectorNorm(x, 1, 0, true));
    same(linalg.vectorNorm(x.float(), 3, { dtype: 'float64' }), linalg.vectorNorm(x.float().double(), 3));
    same(x.norm({ p: Infinity, dim: 1 }), x.norm(Infinity, 1));
    same(c.norm(x, 1, { dim: -1, dtype: 'float32' }), c.norm(x.float(), 1, -1));
    const y = x.flip(0);
    same(c.cosineSimilarity(x, y, { dim: 0, eps: 1e-3 }), c.cosineSimilarity(x, y, 0, 1e-3));
    same(c.pairwiseDistance(x, y, { p: 1, keepdim: true }), c.pairwiseDistance(x, y, 1, 1e-6, true));
  });
  test('a value given twice, a misplaced options object or a wrong type is a TypeError naming the op', () => {
    expect(() => x.sort(0, { dim: 1 })).toThrow(/sort: got multiple values for argument 'dim'/);
    expect(() => x.topk(2, 0, { dim: 1 })).toThrow(/topk: got multiple values for argument 'dim'/);
    expect(() => x.topk(2, { largets: false } as object)).toThrow(/topk: unknown option 'largets' \(did you mean 'largest'\?\)/);
    expect(() => linalg.vectorNorm(x, '2' as unknown as number)).toThrow(/linalg\.vectorNorm: argument 2 \(ord\) must be a number, got the string '2' \(write 2 without quotes\)/);
    expect(() => c.cosineSimilarity(x, x, 0, 1e-8, 3 as unknown as object)).toThrow(/cosineSimilarity: takes at most 2 positional arguments \(dim, eps\)/);
  });
});
