/**
 * How each oracle case is run with tapegrad: one small entry per op, loss, module, optimizer and
 * scheduler, each written as a user would write the PyTorch call in FORMAT.md.
 */
import { Tensor, cat, stack, where, linear, tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import * as optim from '@tapegrad/optim';
import { Args, OpFn, ModuleCase, NotImplemented, num } from './types';
import { convOps, convModules } from './conv';
import { sequenceOps, sequenceModules } from './sequence';
import { poolingOps } from './pooling';
import { attentionModules } from './attention';

export { NotImplemented };
const dim = (a: Args): number | undefined => (a.dim === undefined ? undefined : num(a.dim));

const unaryNames = ['neg', 'exp', 'square', 'sigmoid', 'tanh', 'log', 'sqrt', 'abs', 'relu', 'reciprocal'] as const;
const binaryNames = ['add', 'sub', 'mul', 'div', 'maximum'] as const;

export const ops: Record<string, OpFn> = {
  ...Object.fromEntries(unaryNames.map((n) => [n, ([x]: Tensor[]) => (x[n] as () => Tensor).call(x)])),
  ...Object.fromEntries(binaryNames.map((n) => [n, ([a, b]: Tensor[]) => (a[n] as (o: Tensor) => Tensor).call(a, b)])),
  pow: ([a, b], x) => (b ? a.pow(b) : a.pow(num(x.exponent))),
  leakyRelu: ([x], a) => x.leakyRelu(num(a.negativeSlope)),
  elu: ([x], a) => x.elu(num(a.alpha)),
  gelu: ([x], a) => x.gelu(a.approximate as 'none' | 'tanh'),
  softplus: ([x]) => x.softplus(),
  matmul: ([a, b]) => a.matmul(b),
  linear: ([x, w, b]) => linear(x, w, b),
  sum: ([x], a) => (dim(a) === undefined ? x.sum() : x.sum(dim(a), a.keepdim as boolean)),
  mean: ([x], a) => (dim(a) === undefined ? x.mean() : x.mean(dim(a), a.keepdim as boolean)),
  max: ([x], a) => (dim(a) === undefined ? x.max() : x.max(dim(a) as number, a.keepdim as boolean).values),
  min: ([x], a) => (dim(a) === undefined ? x.min() : x.min(dim(a) as number, a.keepdim as boolean).values),
  var: ([x], a) => x.var(dim(a) ?? null, { unbiased: a.unbiased as boolean, keepdim: (a.keepdim as boolean) ?? false }),
  softmax: ([x], a) => x.softmax(num(a.dim)),
  logSoftmax: ([x], a) => x.logSoftmax(num(a.dim)),
  reshape: ([x], a) => x.reshape(a.shape as number[]),
  transpose: ([x], a) => x.transpose(num(a.dim0), num(a.dim1)),
  permute: ([x], a) => x.permute(a.dims as number[]),
  unsqueeze: ([x], a) => x.unsqueeze(num(a.dim)),
  squeeze: ([x], a) => x.squeeze(num(a.dim)),
  expand: ([x], a) => x.expand(a.shape as number[]),
  cat: (xs, a) => cat(xs, num(a.dim)),
  stack: (xs, a) => stack(xs, num(a.dim)),
  narrow: ([x], a) => x.narrow(num(a.dim), num(a.start), num(a.length)),
  gather: ([x, index], a) => x.gather(num(a.dim), index),
  clamp: ([x], a) => x.clamp(a.min as number | null, a.max as number | null),
  where: ([c, a, b]) => where(c.ne(0), a, b),
  ...convOps,
  ...poolingOps,
  ...sequenceOps,
};

type LossFn = (input: Tensor, target: Tensor, opts: Args) => Tensor;
/**
 * kind "loss": `nn.functional[op](input, target, { reduction, ...args })`; a third input is the class
 * weights (`weight`), as in FORMAT-models.md's crossEntropy.
 */
export function runLoss(op: string, [input, target, weight]: Tensor[], a: Args): Tensor {
  const fn = (nn.functional as unknown as Record<string, LossFn>)[op];
  if (typeof fn !== 'function') throw new NotImplemented('loss', op);
  return fn(input, target, weight ? { ...a, weight } : a);
}

/** kind "module" with `args.params` (FORMAT-models.md): tapegrad modules loaded with PyTorch's parameter names. */
export const moduleCases: Record<string, ModuleCase> = { ...convModules, ...sequenceModules, ...attentionModules };

/** kind "module": the MLP of FORMAT.md, written with nn.functional. */
export const modules: Record<string, OpFn> = {
  mlp: (xs, a) => {
    const acts = a.activations as string[];
    const F = nn.functional as unknown as Record<string, (x: Tensor) => Tensor>;
    const y = xs[xs.length - 1];
    let h = xs[0];
    const layers = (xs.length - 2) / 2;
    for (let l = 0; l < layers; l++) {
      h = linear(h, xs[1 + 2 * l], xs[2 + 2 * l]);
      if (l < layers - 1) h = F[acts[l]](h);
    }
    return nn.functional.crossEntropy(h, y, { reduction: a.reduction as 'mean' | 'sum' | 'none' });
  },
};

type OptCtor = new (params: Tensor[], opts: Args) => { step(): unknown; zeroGrad(o?: { setToNone?: boolean }): void };
/** kind "optim": 5 steps with the given gradients, as FORMAT.md's procedure. */
export function runOptim(op: string, p: Tensor, a: Args): Tensor {
  const { optimizer: _o, gradients, ...hyper } = a;
  const Ctor = (optim as unknown as Record<string, OptCtor>)[op];
  if (typeof Ctor !== 'function') throw new NotImplemented('optim', op);
  const opt = new Ctor([p], hyper);
  for (const g of gradients as number[][]) {
    opt.zeroGrad();
    p.grad = tensor(g, { dtype: p.dtype }).reshape(p.shape);
    opt.step();
  }
  return p.detach();
}

type SchedCtor = new (opt: unknown, opts: Args) => { step(): void };
/**
 * kind "sched": the lr after each of `steps` epochs. FORMAT.md gives the optimizer's lr as `baseLr`;
 * FORMAT-models.md as `optimizerLr`, and there every other key (CyclicLR's own `baseLr` too) is the scheduler's.
 */
export function runSched(op: string, a: Args, dtype: 'float32' | 'float64'): Tensor {
  const { scheduler: _s, steps, ...rest } = a;
  let lr: number;
  let params: Args;
  if ('optimizerLr' in rest) {
    const { optimizerLr, ...own } = rest;
    lr = optimizerLr as number;
    params = own;
  } else {
    const { baseLr, ...own } = rest;
    lr = baseLr as number;
    params = own;
  }
  const p = tensor([0], { dtype, requiresGrad: true });
  const opt = new optim.SGD([p], { lr });
  const Ctor = (optim.lrScheduler as unknown as Record<string, SchedCtor>)[op];
  if (typeof Ctor !== 'function') throw new NotImplemented('sched', op);
  const s = new Ctor(opt, params);
  const lrs: number[] = [];
  for (let t = 0; t < (steps as number); t++) {
    opt.step();
    s.step();
    lrs.push(opt.paramGroups[0].lr as number);
  }
  return tensor(lrs, { dtype: 'float64' });
}
