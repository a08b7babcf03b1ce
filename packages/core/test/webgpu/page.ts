/**
 * The in-browser half of webgpu.e2e.test.ts, bundled with esbuild: every check runs the same float32
 * inputs through the cpu and the webgpu device and reports the worst error against the cpu result
 * (allclose with rtol 1e-4, atol 1e-5·max|cpu|); an MLP trains a few steps on both devices from one seed,
 * with the device's counters per step; the device-mixing and sync-reader errors are caught.
 */
import { Generator, Tensor, cat, compile, grad, gruCell, lstmCell, stack, manualSeed, noGrad, randn, tensor, webgpu, where, zeros, zerosLike } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { ASGD, Adadelta, Adagrad, Adam, AdamW, Adamax, LBFGS, NAdam, RAdam, RMSprop, Rprop, SGD } from '@tapegrad/optim';
import { ops as oracleOps, modules as oracleModules, runLoss } from '../../../tapegrad/src/oracle/kinds';
import type { OracleCase, OracleFile, OracleTensor } from '../../../tapegrad/src/oracle/format';
import oracleFile from '../../../../fixtures/oracle/public.json';

export interface CheckResult { name: string; worst: number; error?: string }
export interface StepCounters { dispatches: number; submissions: number; bytesReadBack: number; bytesUploaded: number; buffersCreated: number }
/** An oracle case on the device: passed, failed (message), or not on the device yet (the error). */
export interface OracleResult { id: string; status: 'ok' | 'failed' | 'unsupported'; message?: string }
export interface Report {
  adapter: string;
  oracle: OracleResult[];
  initError?: string;
  checks: CheckResult[];
  mlp?: { cpu: number[]; gpu: number[]; steps: StepCounters[]; steady: StepCounters | null; paramErr: number };
  cnn?: { cpu: number[]; gpu: number[] };
  /** A Transformer encoder layer (embedding, attention, layerNorm, a causal mask) trained with Adam and a BatchNorm1d model with RMSprop (issue 17). */
  transformer?: { cpu: number[]; gpu: number[]; compiled: number[]; replays: number; fallbacks: string[] };
  batchNormNet?: { cpu: number[]; gpu: number[]; runningErr: number };
  errors: Record<string, string>;
  deviceErrors: string[];
}

const F = nn.functional;

/** max over elements of |a − b| / (atol + rtol·|b|): at most 1 is a pass. */
function worstError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  const atol = 1e-5 * Math.max(scale, 1e-3), rtol = 1e-4;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= Infinity)) return Infinity; // NaN on one side only
    if (a[i] === b[i]) continue;
    worst = Math.max(worst, d / (atol + rtol * Math.abs(b[i])));
  }
  return worst;
}

const gen = new Generator(7);
const rnd = (...shape: number[]): Tensor => randn(shape, { dtype: 'float32', generator: gen });
const ints = (vals: number[], shape: number[]): Tensor => tensor(Int32Array.from(vals)).reshape(shape);

/** Runs `f` on the cpu inputs and on their webgpu copies and compares (shape and values). */
async function check(name: string, inputs: Tensor[], f: (...xs: Tensor[]) => Tensor): Promise<CheckResult> {
  try {
    const want = f(...inputs);
    const got = f(...inputs.map((x) => x.to('webgpu')));
    if (got.device !== 'webgpu') return { name, worst: Infinity, error: `result on ${got.device}` };
    if (got.shape.join() !== want.shape.join()) return { name, worst: Infinity, error: `shape ${got.shape} vs ${want.shape}` };
    if (got.dtype !== want.dtype) return { name, worst: Infinity, error: `dtype ${got.dtype} vs ${want.dtype}` };
    return { name, worst: worstError(await got.dataAsync(), want.dataSync()) };
  } catch (e) {
    return { name, worst: Infinity, error: String((e as Error).stack ?? e) };
  }
}

/** The gradients of `f(...)` w.r.t. every input, on both devices. */
async function checkGrad(name: string, inputs: Tensor[], f: (...xs: Tensor[]) => Tensor): Promise<CheckResult> {
  try {
    const cpu = inputs.map((x) => x.detach().requiresGrad_());
    f(...cpu).backward();
    const gpu = inputs.map((x) => x.detach().to('webgpu').requiresGrad_());
    f(...gpu).backward();
    let worst = 0;
    for (let i = 0; i < cpu.length; i++) {
      const g = gpu[i].grad;
      if (g === null || g.device !== 'webgpu') return { name, worst: Infinity, error: `grad ${i} missing or not on webgpu` };
      worst = Math.max(worst, worstError(await g.dataAsync(), (cpu[i].grad as Tensor).dataSync()));
    }
    return { name, worst };
  } catch (e) {
    return { name, worst: Infinity, error: String((e as Error).stack ?? e) };
  }
}

async function opChecks(): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const a = rnd(3, 4, 5), b = rnd(4, 5), c = rnd(3, 1, 5), pos = rnd(3, 4, 5).abs().add(0.1);
  const unary: [string, (x: Tensor) => Tensor][] = [
    ['neg', (x) => x.neg()], ['exp', (x) => x.exp()], ['expm1', (x) => x.expm1()], ['tanh', (x) => x.tanh()],
    ['sigmoid', (x) => x.sigmoid()], ['relu', (x) => x.relu()], ['abs', (x) => x.abs()], ['sin', (x) => x.sin()],
    ['cos', (x) => x.cos()], ['erf', (x) => x.erf()], ['sign', (x) => x.sign()], ['floor', (x) => x.floor()],
    ['round', (x) => x.mul(2).round()], ['square', (x) => x.square()], ['gelu', (x) => x.gelu()], ['step', (x) => x.step()],
  ];
  for (const [n, f] of unary) out.push(await check(n, [a], f));
  const positive: [string, (x: Tensor) => Tensor][] = [
    ['log', (x) => x.log()], ['log1p', (x) => x.log1p()], ['sqrt', (x) => x.sqrt()], ['rsqrt', (x) => x.rsqrt()],
    ['reciprocal', (x) => x.reciprocal()], ['pow 2.5', (x) => x.pow(2.5)],
  ];
  for (const [n, f] of positive) out.push(await check(n, [pos], f));
  out.push(await check('pow of negatives by 3', [a], (x) => x.pow(3)));
  out.push(await check('add broadcast [3,4,5]+[4,5]', [a, b], (x, y) => x.add(y)));
  out.push(await check('sub broadcast [3,4,5]-[3,1,5]', [a, c], (x, y) => x.sub(y)));
  out.push(await check('mul of a permuted view', [a, rnd(5, 4, 3)], (x, y) => x.mul(y.permute(2, 1, 0))));
  out.push(await check('div', [a, pos], (x, y) => x.div(y)));
  out.push(await check('maximum / minimum', [a, b], (x, y) => x.maximum(y).sub(x.minimum(y))));
  out.push(await check('scalar ops (x*2.5 + 1) / 3', [a], (x) => x.mul(2.5).add(1).div(3)));
  out.push(await check('comparisons as float', [a, b], (x, y) => x.gt(y).float().add(x.le(y).float().mul(2)).add(x.eq(x).float())));
  out.push(await check('where', [a, b], (x, y) => where(x.gt(0), x, y)));
  out.push(await check('logicalAnd/Not', [a, b], (x, y) => x.gt(0).logicalAnd(y.lt(0).logicalNot()).float()));
  out.push(await check('sum all', [a], (x) => x.sum()));
  out.push(await check('sum dim 0', [a], (x) => x.sum(0)));
  out.push(await check('sum dim 1 keepdim', [a], (x) => x.sum(1, true)));
  out.push(await check('sum dims [0, 2]', [a], (x) => x.sum([0, 2])));
  out.push(await check('sum over 3000 elements', [rnd(3000)], (x) => x.sum()));
  out.push(await check('mean dim -1', [a], (x) => x.mean(-1)));
  out.push(await check('amax dim 1', [a], (x) => x.amax(1)));
  out.push(await check('amax of a transposed view', [a], (x) => x.transpose(0, 2).amax()));
  out.push(await check('sum leading dims [0, 1] (column kernel)', [rnd(40, 3, 6)], (x) => x.sum([0, 1])));
  out.push(await check('amax dim 0 (column kernel)', [rnd(30, 20)], (x) => x.amax(0)));
  out.push(await check('int sum dim 0 (column kernel)', [ints(Array.from({ length: 60 }, (_, i) => i * 37 % 11 - 5), [3, 20])], (x) => x.sum(0)));
  out.push(await check('argmax dim 1 (ties: first)', [a], (x) => x.round().argmax(1).float()));
  out.push(await check('argmin all', [a], (x) => x.argmin().float()));
  out.push(await check('argmax of int rows of 100', [ints(Array.from({ length: 300 }, (_, i) => (i * 7919) % 23), [3, 100])], (x) => x.argmax(-1).float()));
  out.push(await check('max(dim) values and indices', [a], (x) => { const r = x.max(2); return r.values.add(r.indices.float()); }));
  out.push(await check('amin dim 2, min(), max()', [a], (x) => x.amin(2).sum().add(x.min()).add(x.max())));
  out.push(await check('clamp', [a], (x) => x.clamp(-0.5, 0.7)));
  out.push(await check('clamp min only, int32', [ints([1, -5, 9, 3], [4])], (x) => x.clamp(0, null)));
  out.push(await check('softplus', [a], (x) => x.mul(10).softplus(2, 15)));
  out.push(await check('cat dim 1', [a, rnd(3, 2, 5)], (x, y) => cat([x, y], 1)));
  out.push(await check('stack dim -1', [a], (x) => stack([x, x.mul(2)], -1)));
  out.push(await check('softmax -1', [a], (x) => x.softmax(-1)));
  out.push(await check('logSoftmax -1', [a], (x) => x.logSoftmax(-1)));
  out.push(await check('softmax 0 (composed)', [a], (x) => x.softmax(0)));
  out.push(await check('logSoftmax of a transposed view', [a], (x) => x.transpose(1, 2).logSoftmax(-1)));
  out.push(await check('logsumexp 1', [a], (x) => x.logsumexp(1)));
  const m1 = rnd(17, 33), m2 = rnd(33, 9);
  out.push(await check('mm', [m1, m2], (x, y) => x.mm(y)));
  out.push(await check('mm Aᵀ·B', [rnd(33, 17), m2], (x, y) => x.t().mm(y)));
  out.push(await check('mm A·Bᵀ', [m1, rnd(9, 33)], (x, y) => x.mm(y.t())));
  out.push(await check('mm Aᵀ·Bᵀ', [rnd(33, 17), rnd(9, 33)], (x, y) => x.t().mm(y.t())));
  out.push(await check('bmm', [rnd(3, 5, 7), rnd(3, 7, 4)], (x, y) => x.bmm(y)));
  out.push(await check('matmul broadcast batch', [rnd(2, 5, 7), rnd(7, 4)], (x, y) => x.matmul(y)));
  out.push(await check('matmul of a non-contiguous view', [rnd(6, 4, 5)], (x) => x.permute(1, 0, 2).reshape(4, 30).matmul(x.reshape(30, 4))));
  out.push(await check('linear with bias', [rnd(10, 20), rnd(7, 20), rnd(7)], (x, w, bb) => F.linear(x, w, bb)));
  out.push(await check('linear 3-D input, no bias', [rnd(2, 3, 20), rnd(7, 20)], (x, w) => F.linear(x, w)));
  const idx = ints([0, 2, 1, 4, 4, 3, 0, 1, 2, 3, 1, 1], [3, 4, 1]);
  out.push(await check('gather dim 2', [a, idx], (x, i) => x.gather(2, i)));
  out.push(await check('gather dim 0', [b, ints([3, 0, 1, 2, 3], [1, 5])], (x, i) => x.gather(0, i)));
  out.push(await check('scatterAdd dim 2 (repeated indices)', [a, idx, rnd(3, 4, 1)], (x, i, s) => x.scatterAdd(2, i, s)));
  out.push(await check('scatterAdd dim 0', [rnd(4, 5), ints([1, 1, 3, 0, 1, 2, 2, 1, 0, 0], [2, 5]), rnd(2, 5)], (x, i, s) => x.scatterAdd(0, i, s)));
  out.push(await check('cast to int32 and back', [a], (x) => x.mul(3).int().float()));
  out.push(await check('int32 arithmetic', [ints([1, -2, 3, 7, 5, -9], [2, 3])], (x) => x.mul(3).add(x).sum(1)));
  out.push(await check('bool sum', [a], (x) => x.gt(0).sum()));
  out.push(await check('clone of a permuted view', [a], (x) => x.permute(2, 0, 1).contiguous()));
  out.push(await check('reshape of a transposed view', [a], (x) => x.transpose(0, 1).reshape(-1)));
  out.push(await check('narrow / select views', [a], (x) => x.narrow(2, 1, 3).select(0, 2).mul(1)));
  out.push(await check('in-place ops: mul_, add_, zero_ on a view', [a], (x) => noGrad(() => { const y = x.clone(); y.mul_(2).add_(1); y.select(1, 0).zero_(); return y; })));
  out.push(await check('crossEntropy', [rnd(6, 4), ints([0, 3, 1, 1, 2, 0], [6])], (x, t) => F.crossEntropy(x, t)));
  out.push(await checkGrad('grad: MLP-like graph', [rnd(8, 5), rnd(6, 5), rnd(6), rnd(3, 6)], (x, w, bb, w2) => F.linear(x, w, bb).relu().matmul(w2.t()).logSoftmax(-1).sum()));
  out.push(await checkGrad('grad: crossEntropy through linear', [rnd(8, 5), rnd(4, 5), rnd(4)], (x, w, bb) => F.crossEntropy(F.linear(x, w, bb), ints([0, 1, 2, 3, 3, 2, 1, 0], [8]).to(x.device))));
  out.push(await checkGrad('grad: broadcasting, sum, mean, softmax, amax', [rnd(4, 5), rnd(5)], (x, y) => x.mul(y).softmax(-1).sum(0).mean().add(x.amax(1).sum()).add(x.sub(y).tanh().sum())));
  out.push(await checkGrad('grad: narrow, cat, clamp, softplus, min', [rnd(4, 6), rnd(4, 2)], (x, y) => cat([x.narrow(1, 1, 3), y], 1).clamp(-1, 1).softplus().sum().add(x.min())));
  out.push(await checkGrad('second derivative through softmax, logSoftmax and tanh (createGraph)', [rnd(3, 4)], (x) => {
    const [g] = grad(x.softmax(-1).mul(x.tanh()).add(x.logSoftmax(-1)).sum(), [x], { createGraph: true });
    return (g as Tensor).square().sum();
  }));
  out.push(await checkGrad('gradients accumulate over two backward calls', [rnd(3, 4), rnd(4, 2)], (x, w) => {
    x.matmul(w).relu().sum().backward();
    return x.matmul(w).tanh().sum();
  }));
  const conv = (o: Record<string, unknown>) => (x: Tensor, w: Tensor, bb?: Tensor) => F.conv2d(x, w, bb ?? null, o);
  out.push(await check('conv2d 3×3, padding 1', [rnd(2, 3, 7, 6), rnd(4, 3, 3, 3), rnd(4)], conv({ padding: 1 })));
  out.push(await check('conv2d stride 2, dilation 2, groups 2', [rnd(2, 4, 9, 8), rnd(6, 2, 2, 3)], conv({ stride: 2, dilation: 2, groups: 2 })));
  out.push(await check("conv2d padding 'same', even kernel", [rnd(1, 2, 5, 5), rnd(3, 2, 2, 4), rnd(3)], conv({ padding: 'same' })));
  out.push(await check('conv1d', [rnd(2, 3, 11), rnd(5, 3, 3)], (x, w) => F.conv1d(x, w, null, { padding: 2, stride: 2 })));
  const convT = (o: Record<string, unknown>) => (t: Tensor, w: Tensor, bb?: Tensor) => F.convTranspose2d(t, w, bb ?? null, o);
  out.push(await check('convTranspose2d stride 2, padding 1, outputPadding 1', [rnd(2, 3, 4, 5), rnd(3, 2, 3, 3), rnd(2)], convT({ stride: 2, padding: 1, outputPadding: 1 })));
  out.push(await check('convTranspose2d groups 2, dilation 2', [rnd(1, 4, 3, 3), rnd(4, 3, 2, 2)], convT({ groups: 2, dilation: 2 })));
  out.push(await check('convTranspose1d', [rnd(2, 3, 6), rnd(3, 2, 3)], (t, w) => F.convTranspose1d(t, w, null, { stride: 2, padding: 1 })));
  out.push(await checkGrad('grad: convTranspose2d (input, weight, bias)', [rnd(2, 2, 3, 4), rnd(2, 3, 3, 2), rnd(3)], (t, w, bb) => F.convTranspose2d(t, w, bb, { stride: [2, 1], padding: 1 }).tanh().sum()));
  out.push(await check('maxPool2d 2×2', [rnd(2, 3, 6, 7)], (x) => F.maxPool2d(x, 2)));
  out.push(await check('maxPool2d 3×3 stride 2 padding 1 ceilMode', [rnd(1, 2, 7, 6)], (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true })));
  out.push(await check('maxPool2d indices (returnIndices)', [rnd(2, 3, 7, 6)], (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true })[1].float()));
  out.push(await check('maxPool1d dilation 2', [rnd(2, 3, 11)], (x) => F.maxPool1d(x, 2, { dilation: 2, stride: 1 })));
  out.push(await check('avgPool2d padding 1 (count includes padding)', [rnd(2, 3, 6, 5)], (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 })));
  out.push(await check('avgPool2d countIncludePad false, ceilMode', [rnd(1, 2, 7, 7)], (x) => F.avgPool2d(x, 2, { padding: 1, countIncludePad: false, ceilMode: true })));
  out.push(await check('adaptiveAvgPool2d to [3, 2] (uneven, overlapping windows)', [rnd(2, 3, 7, 5)], (t) => F.adaptiveAvgPool2d(t, [3, 2])));
  out.push(await check('adaptiveAvgPool1d to 4', [rnd(2, 3, 10)], (t) => F.adaptiveAvgPool1d(t, 4)));
  out.push(await checkGrad('grad: adaptiveAvgPool2d to 1 and [2, 3]', [rnd(2, 2, 5, 6)], (t) => F.adaptiveAvgPool2d(t, 1).sum().add(F.adaptiveAvgPool2d(t, [2, 3]).square().sum())));
  out.push(await check('adaptiveMaxPool2d to [2, 3] with indices (whole windows)', [rnd(2, 3, 6, 6)], (t) => { const [v, i] = F.adaptiveMaxPool2d(t, [2, 3], { returnIndices: true }); return v.add(i.float()); }));
  out.push(await checkGrad('grad: adaptiveMaxPool1d to 2', [rnd(2, 3, 8)], (t) => F.adaptiveMaxPool1d(t, 2).square().sum()));
  out.push(await checkGrad('grad: maxPool2d and avgPool2d', [rnd(2, 2, 6, 6)], (x) => F.maxPool2d(x, 2).sum().add(F.avgPool2d(x, 3, { stride: 1, padding: 1 }).square().sum())));
  out.push(await checkGrad('grad: conv2d (input, weight, bias)', [rnd(2, 3, 6, 5), rnd(4, 3, 3, 2), rnd(4)], (x, w, bb) => F.conv2d(x, w, bb, { padding: 1, stride: [2, 1] }).tanh().sum()));
  out.push(await checkGrad('grad: grouped dilated conv2d', [rnd(1, 4, 7, 7), rnd(4, 2, 3, 3)], (x, w) => F.conv2d(x, w, null, { dilation: 2, groups: 2 }).square().sum()));
  out.push(await checkGrad('grad: bmm and transposes', [rnd(2, 3, 4), rnd(2, 5, 4)], (x, y) => x.bmm(y.transpose(1, 2)).sigmoid().sum()));
  out.push(...await moreOpChecks());
  return out;
}

/** Normalization, embedding lookup, attention, cumsum and prod on the device (issue 17). */
async function moreOpChecks(): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const a3 = (): Tensor => rnd(3, 6, 4);
  const pm0 = (): Tensor => rnd(3, 4, 5).mul(0.5).add(1);
  const x = rnd(3, 4, 10), w = rnd(10), bb = rnd(10);
  out.push(await check('layerNorm [10] with weight and bias', [x, w, bb], (t, ww, b) => F.layerNorm(t, 10, { weight: ww, bias: b })));
  out.push(await check('layerNorm [4, 10] without affine, of a transposed view', [rnd(3, 10, 4)], (t) => F.layerNorm(t.transpose(1, 2), [4, 10])));
  out.push(await check('layerNorm rows of 300 (a strided workgroup loop)', [rnd(5, 300)], (t) => F.layerNorm(t, 300, { eps: 1e-3 })));
  out.push(await checkGrad('grad: layerNorm (input, weight, bias)', [x, w, bb], (t, ww, b) => F.layerNorm(t, 10, { weight: ww, bias: b }).tanh().mul(t).sum()));
  out.push(await checkGrad('second derivative through layerNorm (createGraph)', [rnd(4, 6), rnd(6)], (t, ww) => {
    const [g] = grad(F.layerNorm(t, 6, { weight: ww }).sin().sum(), [t], { createGraph: true });
    return (g as Tensor).square().sum();
  }));
  const table = rnd(7, 5), idx = ints([3, 0, 6, 3, 1, 3], [2, 3]);
  out.push(await check('indexSelect dim 0 (repeated indices)', [table, ints([6, 0, 2, 2], [4])], (t, i) => t.indexSelect(0, i)));
  out.push(await check('indexSelect dim 1 of a permuted view', [rnd(3, 4, 5), ints([2, 0, 2], [3])], (t, i) => t.permute(2, 0, 1).indexSelect(1, i)));
  out.push(await check('embedding', [table, idx], (t, i) => F.embedding(i, t)));
  out.push(await checkGrad('grad: embedding (scatter-add of repeated rows)', [table], (t) => F.embedding(idx.to(t.device), t).tanh().sum()));
  out.push(await checkGrad('grad: embedding paddingIdx 3', [table], (t) => F.embedding(idx.to(t.device), t, { paddingIdx: 3 }).square().sum()));
  out.push(await checkGrad('grad: indexSelect dim 1', [rnd(3, 6)], (t) => t.indexSelect(1, ints([5, 0, 5, 2], [4]).to(t.device)).exp().sum()));
  const tokens = ints(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 300), [40, 50]), up = rnd(40, 50, 4);
  out.push(await checkGrad('grad: embedding of 300 rows by 2000 tokens (the bucketed sum)', [rnd(300, 4)], (t) => F.embedding(tokens.to(t.device), t).mul(up.to(t.device)).sum()));
  out.push(await checkGrad('second derivative through indexSelect (createGraph)', [rnd(5, 3)], (t) => {
    const i = ints([4, 4, 0, 2], [4]).to(t.device);
    const [gt] = grad(t.indexSelect(0, i).square().sum(), [t], { createGraph: true });
    return (gt as Tensor).indexSelect(0, i).sin().sum();
  }));
  const bnx = rnd(6, 3, 4, 5);
  const bnTrain = (t: Tensor, ww: Tensor, b: Tensor): Tensor => F.batchNorm(t, null, null, { weight: ww, bias: b, training: true });
  out.push(await check('batchNorm training (batch statistics)', [bnx, rnd(3), rnd(3)], bnTrain));
  out.push(await check('batchNorm eval (running statistics)', [bnx, rnd(3), rnd(3).abs().add(0.5)], (t, m, v) => F.batchNorm(t, m, v, { training: false })));
  out.push(await checkGrad('grad: batchNorm training', [bnx, rnd(3), rnd(3)], (t, ww, b) => bnTrain(t, ww, b).sin().sum()));
  out.push(await check('batchNorm updates the running statistics on the device', [rnd(8, 3), rnd(3), rnd(3).abs()], (t, m, v) => {
    const rm = m.clone(), rv = v.clone();
    F.batchNorm(t, rm, rv, { training: true, momentum: 0.3 });
    return cat([rm, rv]);
  }));
  out.push(await checkGrad('grad: groupNorm and instanceNorm (composed)', [rnd(2, 4, 3, 3), rnd(4), rnd(4)], (t, ww, b) => F.groupNorm(t, 2, { weight: ww, bias: b }).sin().sum().add(F.instanceNorm(t).square().mul(t).sum())));
  const rnnX = rnd(5, 2, 3);
  const rnn = (t: Tensor): Tensor => { manualSeed(4); const m = new nn.RNN(3, 4, { numLayers: 2 }); if (t.device === 'webgpu') m.to('webgpu'); return (m.forward(t) as [Tensor, Tensor])[0]; };
  out.push(await check('nn.RNN (tanh, 2 layers) forward, composed of device ops', [rnnX], rnn));
  out.push(await checkGrad('grad: nn.RNN through time', [rnnX], (t) => rnn(t).square().sum()));
  const recurrent = (make: () => nn.Module) => (t: Tensor): Tensor => { manualSeed(6); const m = make(); if (t.device === 'webgpu') m.to('webgpu'); return (m.forward(t) as [Tensor, unknown])[0]; };
  const lstm = recurrent(() => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }));
  const gru = recurrent(() => new nn.GRU(3, 4, { batchFirst: true }));
  out.push(await check('nn.LSTM (2 layers, bidirectional) forward, cell by cell on the device', [rnnX], lstm));
  out.push(await checkGrad('grad: nn.LSTM through time', [rnnX], (t) => lstm(t).square().sum()));
  out.push(await check('nn.GRU (batchFirst) forward', [rnnX], gru));
  out.push(await checkGrad('grad: nn.GRU through time', [rnnX], (t) => gru(t).sin().sum()));
  out.push(await checkGrad('second derivative through lstmCell and gruCell (createGraph)', [rnd(2, 8), rnd(2, 2), rnd(2, 6)], (a, c, b) => {
    const [ga, gb] = grad(lstmCell(a, a.mul(0.5), c).sum().add(gruCell(b, b.flip([1]), c.narrow(1, 0, 2)).square().sum()), [a, b], { createGraph: true });
    return (ga as Tensor).square().sum().add((gb as Tensor).square().sum());
  }));
  const q = rnd(2, 2, 5, 4), k = rnd(2, 2, 6, 4), v = rnd(2, 2, 6, 3);
  out.push(await check('scaledDotProductAttention', [q, k, v], (a, b2, c2) => F.scaledDotProductAttention(a, b2, c2)));
  out.push(await check('scaledDotProductAttention causal', [q, rnd(2, 2, 5, 4), rnd(2, 2, 5, 3)], (a, b2, c2) => F.scaledDotProductAttention(a, b2, c2, { isCausal: true })));
  out.push(await checkGrad('grad: scaledDotProductAttention with a float mask', [q, k, v, rnd(5, 6)], (a, b2, c2, m) => F.scaledDotProductAttention(a, b2, c2, { attnMask: m }).square().sum()));
  const withTies = tensor([[3, 1, NaN, 1, -2, 3, 0, NaN, -0, 5], [2, 2, 2, -1, 4, 4, -1, 0, 7, 2]], { dtype: 'float32' });
  out.push(await check('sort values and indices (ties: index order; NaN largest)', [withTies], (t) => { const r = t.sort(); return stack([where(r.values.isnan(), 100, r.values), r.indices.float()]); }));
  out.push(await check('argsort descending dim 0 (ties, NaN first)', [withTies], (t) => t.argsort(0, true).float().add(t.argsort(1, true).float().sum(1, true))));
  out.push(await check('sort of 700-element rows of a transposed view', [rnd(700, 3)], (t) => { const r = t.t().sort(1); return r.values.add(r.indices.float()); }));
  out.push(await check('topk 3 and kthvalue 2 along dim 1', [a3()], (t) => { const k = t.topk(3, 1); const v = t.kthvalue(2, 1, true); return cat([k.values.add(k.indices.float()), v.values.add(v.indices.float())], 1); }));
  out.push(await check('sort int32 descending', [ints([5, -3, 9, 9, 0, -3, 2, 1], [2, 4])], (t) => { const r = t.sort(-1, true); return r.values.add(r.indices.mul(100)); }));
  out.push(await checkGrad('grad: sort and topk values (scattered back to their positions)', [rnd(3, 7)], (t) => t.sort(1).values.mul(tensor([1, 2, 3, 4, 5, 6, 7], { dtype: 'float32' }).to(t.device)).sum().add(t.topk(2, 0).values.square().sum())));
  out.push(await check('cumsum dim 1', [x], (t) => t.cumsum(1)));
  out.push(await check('cumsum dim -1 of a transposed view', [x], (t) => t.transpose(0, 2).cumsum(-1)));
  out.push(await checkGrad('grad: cumsum dim 0', [x], (t) => t.cumsum(0).square().sum()));
  out.push(await check('cumprod dim 2', [pm0()], (t) => t.cumprod(2)));
  out.push(await checkGrad('grad: cumprod dim 1', [pm0()], (t) => t.cumprod(1).sum()));
  out.push(await checkGrad('grad: cumprod with zero factors', [tensor([[1.5, 0, 2, -1], [0, 3, 0, 0.5]], { dtype: 'float32' })], (t) => t.cumprod(1).mul(tensor([1, 2, 3, 4], { dtype: 'float32' }).to(t.device)).sum()));
  out.push(await check('flip dims [0, 2]', [x], (t) => t.flip([0, 2])));
  const pm = rnd(3, 4, 5).mul(0.5).add(1);
  out.push(await check('prod all', [pm], (t) => t.prod()));
  out.push(await check('prod dim 1 keepdim', [pm], (t) => t.prod(1, true)));
  out.push(await check('prod dim 0 of int32', [ints([1, -2, 3, 4, 0, 2], [2, 3])], (t) => t.prod(0)));
  out.push(await checkGrad('grad: prod dim 2', [pm], (t) => t.prod(2).sum()));
  out.push(await checkGrad('grad: prod with a zero factor', [tensor([[1.5, 0, 2], [3, -1, 0.5]], { dtype: 'float32' })], (t) => t.prod(1).sum()));
  return out;
}

/**
 * One oracle case (fixtures/oracle: PyTorch 1.13's float64 values and gradients) run in float32 on the
 * device, as packages/tapegrad/src/oracle/run.ts runs it on the cpu: |got − want| <= 1e-4 · max(1, max|want|).
 */
async function oracleCase(c: OracleCase): Promise<OracleResult> {
  const tol = 1e-4;
  const compare = async (what: string, got: Tensor, want: OracleTensor): Promise<string | null> => {
    if (got.device !== 'webgpu') return `${what}: on ${got.device}`;
    if (got.shape.join() !== want.shape.join()) return `${what}: shape [${got.shape}], want [${want.shape}]`;
    const g = await got.dataAsync();
    const scale = Math.max(1, ...want.data.map(Math.abs));
    for (let i = 0; i < want.data.length; i++) {
      const err = Math.abs(g[i] - want.data[i]);
      if (!(err <= tol * scale)) return `${what}[${i}]: got ${g[i]}, want ${want.data[i]}`;
    }
    return null;
  };
  let stage = 'run';
  try {
    const inputs = c.inputs.map((x) => tensor(x.data, { dtype: x.dtype === 'int64' ? 'int32' : 'float32', device: 'webgpu' }).reshape(x.shape).requiresGrad_(x.requiresGrad));
    const fn = c.kind === 'op' ? oracleOps[c.op] : c.kind === 'module' ? oracleModules[c.op] : null;
    const out = c.kind === 'loss' ? runLoss(c.op, inputs, c.args) : fn ? fn(inputs, c.args) : null;
    if (out === null) return { id: c.id, status: 'unsupported', message: 'no such op in the harness' };
    stage = 'compare';
    const bad = await compare('output', out, c.output);
    if (bad) return { id: c.id, status: 'failed', message: bad };
    if (c.upstream && c.grads.some((g) => g !== null)) {
      stage = 'backward';
      out.backward(tensor(c.upstream.data, { dtype: 'float32', device: 'webgpu' }).reshape(c.upstream.shape));
      stage = 'compare';
      for (let i = 0; i < c.grads.length; i++) {
        const want = c.grads[i];
        if (!want) continue;
        const g = inputs[i].grad;
        if (!g) return { id: c.id, status: 'failed', message: `grad of input ${i}: none` };
        const m = await compare(`grad of input ${i}`, g, want);
        if (m) return { id: c.id, status: 'failed', message: m };
      }
    }
    return { id: c.id, status: 'ok' };
  } catch (e) {
    const msg = String((e as Error).message).split('\n')[0];
    // An op the device lacks names itself: "not implemented on the webgpu device", a host read, or a cpu constant.
    const unsupported = stage !== 'compare' && /not implemented on the webgpu device|not supported .*webgpu|only be read asynchronously|needs them on the host|same device/.test(msg);
    return { id: c.id, status: unsupported ? 'unsupported' : 'failed', message: `${stage}: ${msg}` };
  }
}

/** SGD (momentum, nesterov, weight decay) and Adam/AdamW updates: a few steps with fixed gradients on both devices. */
async function optimizerChecks(): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  // Seven steps (RAdam's rectified branch starts at step 6 with β2 = 0.9); Rprop's gradient signs flip and hold.
  const p0 = rnd(5, 3), grads = [rnd(5, 3), rnd(5, 3), rnd(5, 3), rnd(5, 3), rnd(5, 3), rnd(5, 3), rnd(5, 3)];
  const cases: [string, (ps: Tensor[]) => { step(): void; zeroGrad(): void }][] = [
    ['SGD momentum', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9 })],
    ['SGD nesterov + weight decay', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01 })],
    ['SGD plain, dampening', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.5, dampening: 0.3 })],
    ['Adam', (ps) => new Adam(ps, { lr: 0.01 })],
    ['Adam weightDecay', (ps) => new Adam(ps, { lr: 0.01, weightDecay: 0.1 })],
    ['RMSprop', (ps) => new RMSprop(ps, { lr: 0.01 })],
    ['RMSprop centered, momentum, weight decay', (ps) => new RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.9, weightDecay: 0.05 })],
    ['Adagrad lrDecay, initial accumulator', (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 })],
    ['Adagrad maximize, weight decay', (ps) => new Adagrad(ps, { lr: 0.05, weightDecay: 0.1, maximize: true })],
    ['Adam amsgrad', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true })],
    ['AdamW amsgrad', (ps) => new AdamW(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.1 })],
    ['Adadelta weight decay, maximize', (ps) => new Adadelta(ps, { lr: 0.5, weightDecay: 0.1, maximize: true })],
    ['Adamax', (ps) => new Adamax(ps, { lr: 0.02, weightDecay: 0.05 })],
    ['NAdam', (ps) => new NAdam(ps, { lr: 0.01, weightDecay: 0.01 })],
    ['RAdam (rectified from step 6)', (ps) => new RAdam(ps, { lr: 0.01, betas: [0.5, 0.9] })],
    ['ASGD', (ps) => new ASGD(ps, { lr: 0.05, t0: 1, weightDecay: 0.1 })],
    ['Rprop', (ps) => new Rprop(ps, { lr: 0.05 })],
  ];
  for (const [name, make] of cases) {
    try {
      const cpu = p0.clone().requiresGrad_(), gpu = p0.to('webgpu').requiresGrad_();
      const oc = make([cpu]), og = make([gpu]);
      for (const g of grads) {
        cpu.grad = g.clone();
        gpu.grad = g.to('webgpu');
        oc.step();
        og.step();
      }
      out.push({ name, worst: worstError(await gpu.dataAsync(), cpu.dataSync()) });
    } catch (e) {
      out.push({ name, worst: Infinity, error: String((e as Error).stack ?? e) });
    }
  }
  return out;
}

function mlp(): nn.Module {
  manualSeed(3);
  return new nn.Sequential(new nn.Linear(8, 32), new nn.ReLU(), new nn.Linear(32, 16), new nn.ReLU(), new nn.Linear(16, 3));
}

/** A small MLP, 8 steps of SGD with momentum on each device from the same seed; counters per webgpu step. */
async function trainMlp(): Promise<NonNullable<Report['mlp']>> {
  const x = rnd(64, 8);
  const y = ints(Array.from({ length: 64 }, (_, i) => (i * 7) % 3), [64]);
  const steps = 8;
  const counts: StepCounters[] = [];
  const collect = (globalThis as { gc?: () => void }).gc;
  // `between` runs before each step (the counted part is the step alone, which never awaits).
  const run = async (model: nn.Module, xs: Tensor, ys: Tensor, n: number, between?: () => Promise<void>): Promise<Tensor[]> => {
    const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const losses: Tensor[] = [];
    for (let s = 0; s < n; s++) {
      await between?.();
      const before = webgpu.counters();
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(xs) as Tensor, ys);
      loss.backward();
      opt.step();
      losses.push(loss.detach());
      if (xs.device === 'webgpu') {
        const now = webgpu.counters();
        counts.push({
          dispatches: now.dispatches - before.dispatches, submissions: now.submissions - before.submissions,
          bytesReadBack: now.bytesReadBack - before.bytesReadBack, bytesUploaded: now.bytesUploaded - before.bytesUploaded,
          buffersCreated: now.buffersCreated - before.buffersCreated,
        });
      }
    }
    return losses;
  };
  const cpuModel = mlp();
  const cpu = (await run(cpuModel, x, y, steps)).map((l) => l.item());
  const model = mlp().to('webgpu');
  const gpuLosses = await run(model, x.to('webgpu'), y.to('webgpu'), steps);
  const gpu: number[] = [];
  for (const l of gpuLosses) gpu.push(await l.itemAsync());
  let paramErr = 0;
  const gp = [...model.parameters()], cp = [...cpuModel.parameters()];
  for (let i = 0; i < gp.length; i++) paramErr = Math.max(paramErr, worstError(await gp[i].dataAsync(), cp[i].dataSync()));
  // With the collector run between steps (Chromium's --expose-gc), freed tensors' buffers are back in
  // the pool before the next step: a warm step creates none.
  let steady: StepCounters | null = null;
  if (collect) {
    counts.length = 0;
    const settle = async (): Promise<void> => { collect(); for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0)); };
    await run(model, x.to('webgpu'), y.to('webgpu'), 4, settle);
    steady = counts[counts.length - 1];
    counts.length = 0;
    await run(mlp().to('webgpu'), x.to('webgpu'), y.to('webgpu'), steps);
  }
  return { cpu, gpu, steps: counts.slice(), steady, paramErr };
}

/** compile(fn) with webgpu tensors: the third call replays the recorded dispatches and gives the eager values. */
async function compiledFallback(): Promise<string> {
  const w = tensor([[1, 2], [3, 4]], { device: 'webgpu' });
  const f = compile((x: Tensor) => x.matmul(w).relu().sum(1));
  const vals: string[] = [];
  for (let i = 0; i < 3; i++) vals.push(JSON.stringify(await f(tensor([[1, -1], [2, 0.5]], { device: 'webgpu' })).toArrayAsync()));
  const st = f.stats();
  return `${vals.join(' ')} replays ${st.replays} fallbacks ${st.fallbacks.map((b) => b.reason).join('; ')}`;
}

/** A cpu model's state dict loaded into a webgpu model gives the cpu model's outputs. */
async function loadIntoDeviceModel(): Promise<string> {
  const cpuModel = mlp();
  manualSeed(11);
  const gpuModel = new nn.Sequential(new nn.Linear(8, 32), new nn.ReLU(), new nn.Linear(32, 16), new nn.ReLU(), new nn.Linear(16, 3)).to('webgpu');
  gpuModel.loadStateDict(cpuModel.stateDict());
  const x = rnd(5, 8);
  const err = worstError(await (gpuModel.forward(x.to('webgpu')) as Tensor).dataAsync(), (cpuModel.forward(x) as Tensor).dataSync());
  return `${[...gpuModel.parameters()].every((p) => p.device === 'webgpu')} ${err <= 1}`;
}

/** A small CNN (conv, ReLU, max pooling, conv with stride 2, flatten, linear), 5 steps of Adam on each device from one seed. */
async function trainCnn(): Promise<{ cpu: number[]; gpu: number[] }> {
  const x = rnd(8, 1, 8, 8);
  const y = ints([0, 1, 2, 3, 0, 1, 2, 3], [8]);
  const make = (): nn.Module => {
    manualSeed(5);
    return new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(4, 6, 3, { stride: 1 }), new nn.ReLU(), new nn.Flatten(), new nn.Linear(6 * 2 * 2, 4));
  };
  const run = (model: nn.Module, xs: Tensor, ys: Tensor): Tensor[] => {
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    const losses: Tensor[] = [];
    for (let s = 0; s < 5; s++) {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(xs) as Tensor, ys);
      loss.backward();
      opt.step();
      losses.push(loss.detach());
    }
    return losses;
  };
  const cpu = run(make(), x, y).map((l) => l.item());
  const gpu: number[] = [];
  for (const l of run(make().to('webgpu'), x.to('webgpu'), y.to('webgpu'))) gpu.push(await l.itemAsync());
  return { cpu, gpu };
}

/**
 * A one-layer Transformer encoder (embedding, self-attention with a causal mask, layerNorm, feed-forward,
 * a linear head), 5 steps of Adam on each device from one seed (issue 17).
 */
async function trainTransformer(): Promise<NonNullable<Report['transformer']>> {
  const tokens = ints(Array.from({ length: 24 }, (_, i) => (i * 5 + 3) % 11), [4, 6]);
  const y = ints(Array.from({ length: 24 }, (_, i) => (i * 7) % 11), [24]);
  class Net extends nn.Module {
    emb = new nn.Embedding(11, 16);
    layer = new nn.TransformerEncoderLayer(16, 2, { dimFeedforward: 32, dropout: 0, batchFirst: true });
    head = new nn.Linear(16, 11);
    forward(t: Tensor, mask: Tensor): Tensor {
      return this.head.forward(this.layer.forward(this.emb.forward(t), { srcMask: mask })).reshape(24, 11);
    }
  }
  const make = (): Net => { manualSeed(9); return new Net(); };
  const mask = nn.Transformer.generateSquareSubsequentMask(6);
  const stepOf = (model: Net): ((t: Tensor, ys: Tensor, m: Tensor) => Tensor) => {
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    return (t, ys, m) => {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(t, m), ys);
      loss.backward();
      opt.step();
      return loss.detach();
    };
  };
  const cpuStep = stepOf(make());
  const cpu = Array.from({ length: 5 }, () => cpuStep(tokens, y, mask).item());
  const [tg, yg, mg] = [tokens.to('webgpu'), y.to('webgpu'), mask.to('webgpu')];
  const gpuStep = stepOf(make().to('webgpu') as Net);
  const gpuLosses = Array.from({ length: 5 }, () => gpuStep(tg, yg, mg));
  const gpu: number[] = [];
  for (const l of gpuLosses) gpu.push(await l.itemAsync());
  // The same steps through compile(): the third call on replays the recorded dispatches.
  const compiled = compile(stepOf(make().to('webgpu') as Net));
  const compiledLosses: number[] = [];
  for (let s = 0; s < 5; s++) compiledLosses.push(await compiled(tg, yg, mg).itemAsync());
  const st = compiled.stats();
  return { cpu, gpu, compiled: compiledLosses, replays: st.replays, fallbacks: st.fallbacks.map((f) => f.reason) };
}

/**
 * Linear, BatchNorm1d (training: running statistics updated on the device), ReLU, Linear; 5 steps of RMSprop;
 * then an eval forward. The first Linear has no bias: before a batchNorm its gradient is 0 up to rounding,
 * which RMSprop's g/√E[g²] would blow up to ±lr steps differing between devices.
 */
async function trainBatchNorm(): Promise<{ cpu: number[]; gpu: number[]; runningErr: number }> {
  const x = rnd(16, 6);
  const y = ints(Array.from({ length: 16 }, (_, i) => i % 3), [16]);
  const make = (): nn.Module => { manualSeed(13); return new nn.Sequential(new nn.Linear(6, 8, { bias: false }), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 3)); };
  const run = (model: nn.Module, xs: Tensor, ys: Tensor): Tensor[] => {
    const opt = new RMSprop(model.parameters(), { lr: 0.01 });
    const losses: Tensor[] = [];
    for (let s = 0; s < 5; s++) {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(xs) as Tensor, ys);
      loss.backward();
      opt.step();
      losses.push(loss.detach());
    }
    model.eval();
    losses.push(F.crossEntropy(model.forward(xs) as Tensor, ys));
    return losses;
  };
  const cm = make(), gm = make().to('webgpu');
  const cpu = run(cm, x, y).map((l) => l.item());
  const gpu: number[] = [];
  for (const l of run(gm, x.to('webgpu'), y.to('webgpu'))) gpu.push(await l.itemAsync());
  let runningErr = 0;
  const cb = cm.stateDict(), gb = gm.stateDict();
  for (const key of ['1.running_mean', '1.running_var', '1.num_batches_tracked']) {
    const g = gb[key] as Tensor;
    runningErr = Math.max(runningErr, g.device !== 'webgpu' ? Infinity : worstError(await g.dataAsync(), (cb[key] as Tensor).dataSync()));
  }
  return { cpu, gpu, runningErr };
}

/** The error message of `f`, or 'no error'. */
function messageOf(f: () => unknown): string {
  try { f(); return 'no error'; } catch (e) { return String((e as Error).message); }
}
async function asyncMessage(f: () => Promise<unknown>): Promise<string> {
  try { await f(); return 'no error'; } catch (e) { return String((e as Error).message); }
}

async function errorChecks(): Promise<Record<string, string>> {
  const g = tensor([1, 2, 3], { device: 'webgpu' });
  const c = tensor([1, 2, 3]);
  return {
    mixAdd: messageOf(() => g.add(c)),
    mixMatmul: messageOf(() => g.reshape(1, 3).matmul(c.reshape(3, 1))),
    mixLinear: messageOf(() => F.linear(g.reshape(1, 3), c.reshape(1, 3))),
    scalarOk: messageOf(() => g.mul(tensor(2))),
    item: messageOf(() => g.sum().item()),
    dataSync: messageOf(() => g.dataSync()),
    toArray: messageOf(() => g.toArray()),
    toString: messageOf(() => g.toString()),
    printed: g.toString(),
    float64: messageOf(() => tensor([1, 2], { dtype: 'float64' }).to('webgpu')),
    toCpu: messageOf(() => g.to('cpu')),
    itemAsync: String(await g.sum().itemAsync()),
    toArrayAsync: JSON.stringify(await g.reshape(3, 1).toArrayAsync()),
    cpuAsync: (await g.mul(2).cpuAsync()).toString(),
    boolData: JSON.stringify(Array.from(await g.gt(1.5).dataAsync())),
    intData: JSON.stringify(Array.from(await tensor([1, 2], { dtype: 'int32', device: 'webgpu' }).add(5).dataAsync())),
    devices: [g.device, c.device, zerosLike(g).device, zeros(2, { device: 'webgpu' }).device].join(','),
    initTwice: await asyncMessage(() => webgpu.init()),
    gradToHost: messageOf(() => tensor([1, 2], { requiresGrad: true }).to('webgpu').mul(2).sum().backward()),
    compiled: await compiledFallback(),
    loadStateDict: await loadIntoDeviceModel(),
    // issue 17: an optimizer without a device update, and a cumsum that could leave int32 unchecked
    lbfgsOnDevice: messageOf(() => {
      const p = tensor([1, 2], { device: 'webgpu', requiresGrad: true });
      new LBFGS([p]).step(() => { const l = p.square().sum(); l.backward(); return l; });
    }),
    intCumsum: messageOf(() => tensor([1, 2], { dtype: 'int32', device: 'webgpu' }).cumsum(0)),
    intCumprod: messageOf(() => tensor([1, 2], { dtype: 'int32', device: 'webgpu' }).cumprod(0)),
    mixLayerNorm: messageOf(() => F.layerNorm(g, 3, { weight: c })),
    mixIndexSelect: messageOf(() => g.indexSelect(0, tensor([0], { dtype: 'int32' }))),
    longSort: messageOf(() => zeros(1025, { device: 'webgpu' }).topk(2)),
    adaptivePool: messageOf(() => F.adaptiveMaxPool2d(g.reshape(1, 1, 3), 2)),
    indexRange: messageOf(() => F.embedding(tensor([0, 9], { dtype: 'int32', device: 'webgpu' }), g.reshape(3, 1))),
  };
}

async function run(): Promise<Report> {
  try {
    await webgpu.init();
  } catch (e) {
    return { adapter: '', initError: String((e as Error).message), checks: [], oracle: [], errors: {}, deviceErrors: [] };
  }
  const checks = [...await opChecks(), ...await optimizerChecks()];
  const oracle: OracleResult[] = [];
  for (const c of (oracleFile as unknown as OracleFile).cases) if (c.kind === 'op' || c.kind === 'loss' || (c.kind === 'module' && !c.args.params)) oracle.push(await oracleCase(c));
  const errors = await errorChecks();
  const mlpReport = await trainMlp();
  let cnn: Report['cnn'];
  try { cnn = await trainCnn(); } catch (e) { errors.cnn = String((e as Error).stack ?? e); }
  let transformer: Report['transformer'], batchNormNet: Report['batchNormNet'];
  try { transformer = await trainTransformer(); } catch (e) { errors.transformer = String((e as Error).stack ?? e); }
  try { batchNormNet = await trainBatchNorm(); } catch (e) { errors.batchNormNet = String((e as Error).stack ?? e); }
  await webgpu.sync();
  const info = webgpu.info();
  return { adapter: info.adapter, checks, oracle, mlp: mlpReport, cnn, transformer, batchNormNet, errors, deviceErrors: info.errors };
}

declare global {
  interface Window { webgpuChecks: () => Promise<Report> }
}
window.webgpuChecks = run;
