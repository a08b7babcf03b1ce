/** Oracle cases of the convolution family (FORMAT-models.md): conv, pooling, pad, unfold, interpolate, norms. */
import type { Tensor, SizeArg, ConvPadding, PadMode } from '@tapegrad/core';
import { F, Sequential, Conv2d, MaxPool2d, AvgPool2d, BatchNorm2d, Linear, ReLU, Flatten, type Module } from '@tapegrad/nn';
import { NotImplemented, type Args, type ModuleCase, type OpFn } from './types';

const size = (v: unknown): SizeArg => v as SizeArg;
const conv = (a: Args) => ({ stride: size(a.stride), padding: a.padding as ConvPadding, dilation: size(a.dilation), groups: a.groups as number });
const convT = (a: Args) => ({
  stride: size(a.stride), padding: size(a.padding), outputPadding: size(a.outputPadding), groups: a.groups as number, dilation: size(a.dilation),
});

export const convOps: Record<string, OpFn> = {
  // convolution (issue 12)
  conv1d: ([x, w, b]: Tensor[], a) => F.conv1d(x, w, b ?? null, conv(a)),
  conv2d: ([x, w, b]: Tensor[], a) => F.conv2d(x, w, b ?? null, conv(a)),
  convTranspose1d: ([x, w, b]: Tensor[], a) => F.convTranspose1d(x, w, b ?? null, convT(a)),
  convTranspose2d: ([x, w, b]: Tensor[], a) => F.convTranspose2d(x, w, b ?? null, convT(a)),
  pad: ([x]: Tensor[], a) => F.pad(x, a.pad as number[], a.mode as PadMode, a.mode === 'constant' ? (a.value as number) : undefined),
  unfold: ([x]: Tensor[], a) => F.unfold(x, size(a.kernelSize), { dilation: size(a.dilation), padding: size(a.padding), stride: size(a.stride) }),
};

/**
 * A layer spec of the `convnet` module case: `name(positional, ..., key=value)`, e.g. 'conv2d(4,6,3,padding=1)'
 * or 'relu'. Values are numbers; keys are PyTorch's keyword names (camelCase already).
 */
function parseLayer(spec: string): Module {
  const m = /^(\w+)(?:\((.*)\))?$/.exec(spec.trim());
  if (!m) throw new Error(`convnet: cannot parse layer '${spec}' (expected name or name(args))`);
  const pos: number[] = [];
  const kw: Record<string, number> = {};
  for (const part of (m[2] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    const value = Number(eq < 0 ? part : part.slice(eq + 1));
    if (!Number.isFinite(value)) throw new Error(`convnet: layer '${spec}': '${part}' is not a number`);
    if (eq < 0) pos.push(value);
    else kw[part.slice(0, eq).trim()] = value;
  }
  switch (m[1]) {
    case 'conv2d': return new Conv2d(pos[0], pos[1], pos[2], kw);
    case 'maxPool2d': return new MaxPool2d(pos[0], kw);
    case 'avgPool2d': return new AvgPool2d(pos[0], kw);
    case 'batchNorm2d': return new BatchNorm2d(pos[0], kw);
    case 'linear': return new Linear(pos[0], pos[1]);
    case 'relu': return new ReLU();
    case 'flatten': return new Flatten();
    default: throw new NotImplemented('module', `convnet layer ${m[1]}`);
  }
}

export const convModules: Record<string, ModuleCase> = {
  // convolution (issue 12)
  convnet: {
    build: (config) => new Sequential(...(config.layers as string[]).map(parseLayer)),
    forward: (m, [x]) => m.call(x) as Tensor,
  },
};

