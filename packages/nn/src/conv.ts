/** Convolution layers: Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, and the block layers Unfold, Fold. */
import { sizes } from '@tapegrad/core/internal';
import { Tensor, DType, Generator, getDefaultDtype, zeros } from '@tapegrad/core';
import type { SizeArg, UnfoldOptions } from '@tapegrad/core';
import { Module } from './module';
import { Parameter } from './parameter';
import * as init from './init';
import * as F from './functional/conv';
import { checkFloatInput, checkOptions } from './check';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Conv1d / Conv2d keyword arguments (PyTorch's, camelCase). */
export interface ConvModuleOptions {
  stride?: SizeArg;
  /** Zero (or `paddingMode`) padding per side, `'same'` or `'valid'` (default 0). */
  padding?: SizeArg | 'same' | 'valid';
  dilation?: SizeArg;
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** How the padding is filled: `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`. */
  paddingMode?: PaddingMode;
  /** Parameter dtype (default: the default float dtype). */
  dtype?: DType;
  /** Generator for the initial values (default: the global generator). */
  generator?: Generator;
}

/** ConvTranspose1d / ConvTranspose2d keyword arguments. */
export interface ConvTransposeModuleOptions {
  stride?: SizeArg;
  padding?: SizeArg;
  outputPadding?: SizeArg;
  groups?: number;
  bias?: boolean;
  dilation?: SizeArg;
  /** Only `'zeros'`, as PyTorch. */
  paddingMode?: 'zeros';
  dtype?: DType;
  generator?: Generator;
}

const PADDING_MODES: readonly string[] = ['zeros', 'reflect', 'replicate', 'circular'];
const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode', 'dtype', 'generator'];
const CONVT_KEYS = ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'paddingMode', 'dtype', 'generator'];
/** PyTorch's positional parameters after (inChannels, outChannels, kernelSize), in its order. */
const CONV_POSITIONAL = [pos.size('stride'), pos.sizeOrString('padding'), pos.size('dilation'), pos.number('groups'), pos.boolean('bias'), pos.string('paddingMode')];
const CONVT_POSITIONAL = [pos.size('stride'), pos.size('padding'), pos.size('outputPadding'), pos.number('groups'), pos.boolean('bias'), pos.size('dilation'), pos.string('paddingMode')];

const shp = (t: Tensor): string => `[${t.shape.join(', ')}]`;
const tup = (v: readonly number[]): string => `[${v.join(', ')}]`;

/** What Conv and ConvTranspose share: channel checks, the weight and bias, PyTorch's reset_parameters. */
abstract class ConvBase extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  weight: Parameter;
  bias: Parameter | null;

  protected constructor(
    protected readonly layer: string, nd: number, transposed: boolean, inChannels: number, outChannels: number,
    kernelSize: SizeArg, o: { stride?: SizeArg; dilation?: SizeArg; groups?: number; bias?: boolean; paddingMode?: string; dtype?: DType; generator?: Generator },
  ) {
    super();
    for (const [n, v] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${layer}: ${n} must be a positive integer, got ${v}`);
    }
    const { stride = 1, dilation = 1, groups = 1, bias = true, paddingMode = 'zeros', dtype = getDefaultDtype(), generator } = o;
    if (!Number.isInteger(groups) || groups <= 0) throw new RangeError(`${layer}: groups must be a positive integer, got ${groups}`);
    if (inChannels % groups !== 0) throw new RangeError(`${layer}: inChannels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0) throw new RangeError(`${layer}: outChannels (${outChannels}) must be divisible by groups (${groups})`);
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new RangeError(`${layer}: paddingMode must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}, got '${String(paddingMode)}'`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = sizes(layer, 'kernelSize', kernelSize, nd, 1);
    this.stride = sizes(layer, 'stride', stride, nd, 1);
    this.dilation = sizes(layer, 'dilation', dilation, nd, 1);
    this.groups = groups;
    this.paddingMode = paddingMode as PaddingMode;
    const shape = transposed ? [inChannels, outChannels / groups, ...this.kernelSize] : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(zeros(shape, { dtype }));
    this.bias = bias ? new Parameter(zeros([outChannels], { dtype })) : null;
    this.resetParameters(generator);
  }

  /**
   * PyTorch's reset_parameters: weight kaiming-uniform with a = √5, i.e. U(−1/√fanIn, 1/√fanIn) with
   * fanIn = weight.size(1)·Π kernelSize (for a transposed conv that is outChannels/groups), and the
   * bias U(−1/√fanIn, 1/√fanIn).
   */
  resetParameters(generator?: Generator): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5), generator });
    if (this.bias) {
      const [fanIn] = init._calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound, { generator });
    }
  }

  protected commonRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${tup(this.kernelSize)}, stride=${tup(this.stride)}`;
  }
  protected tailRepr(): string {
    let s = '';
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${tup(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=false';
    if (this.paddingMode !== 'zeros') s += `, paddingMode='${this.paddingMode}'`;
    return s;
  }
}

/** Conv1d and Conv2d: the padding (and paddingMode) handling. */
abstract class ConvNd extends ConvBase {
  readonly padding: number[] | 'same' | 'valid';
  /** The F.pad amounts (last dim first) when paddingMode is not 'zeros'. */
  private readonly padAmounts: number[];

  protected constructor(layer: string, private readonly nd: number, inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvModuleOptions) {
    const o = checkOptions(layer, opts, CONV_KEYS);
    super(layer, nd, false, inChannels, outChannels, kernelSize, o);
    const { padding = 0 } = o;
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') throw new RangeError(`${layer}: padding must be a size, 'same' or 'valid', got '${padding}'`);
      if (padding === 'same' && this.stride.some((s) => s !== 1)) {
        throw new RangeError(`${layer}: padding='same' is not supported for strided convolutions (stride ${tup(this.stride)})`);
      }
      this.padding = padding;
    } else this.padding = sizes(layer, 'padding', padding, nd, 0);
    const amounts: number[] = [];
    for (let i = nd - 1; i >= 0; i--) {
      if (this.padding === 'valid') amounts.push(0, 0);
      else if (this.padding === 'same') {
        const total = this.dilation[i] * (this.kernelSize[i] - 1), left = Math.floor(total / 2);
        amounts.push(left, total - left);
      } else amounts.push(this.padding[i], this.padding[i]);
    }
    this.padAmounts = amounts;
  }

  forward(x: Tensor): Tensor {
    checkFloatInput(this.toShortString(), x);
    const conv = this.nd === 1 ? F.conv1d : F.conv2d;
    const base = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'zeros') return conv(x, this.weight, this.bias, { ...base, padding: this.padding });
    if (x.ndim !== this.nd + 1 && x.ndim !== this.nd + 2) {
      throw new RangeError(`${this.toShortString()}: expected a ${this.nd + 1}-D (unbatched) or ${this.nd + 2}-D (batched) input, got shape ${shp(x)}`);
    }
    return conv(F.pad(x, this.padAmounts, this.paddingMode), this.weight, this.bias, { ...base, padding: 0 });
  }

  private toShortString(): string {
    return `${this.layer}(${this.inChannels}, ${this.outChannels})`;
  }

  override extraRepr(): string {
    const p = typeof this.padding === 'string' ? `'${this.padding}'` : tup(this.padding);
    const pad = typeof this.padding === 'string' || this.padding.some((v) => v !== 0) ? `, padding=${p}` : '';
    return this.commonRepr() + pad + this.tailRepr();
  }
}

/**
 * 1-D convolution over [N, C, L] (or [C, L]) inputs, PyTorch's `nn.Conv1d`: weight [out, in/groups, k],
 * bias [out]; PyTorch's init (see `resetParameters`).
 * @example
 * const conv = new Conv1d(3, 8, 5, { padding: 2 }); // or PyTorch's positional new Conv1d(3, 8, 5, 1, 2)
 * conv.call(randn([4, 3, 100])).shape; // [4, 8, 100]
 */
export class Conv1d extends ConvNd {
  /** PyTorch's `Conv1d(in, out, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros')`, then the other options. */
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, ...args: PositionalArgs<[], [stride: SizeArg, padding: SizeArg | 'same' | 'valid', dilation: SizeArg, groups: number, bias: boolean, paddingMode: PaddingMode], ConvModuleOptions>) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, positionalOptions<ConvModuleOptions>('Conv1d', args, CONV_POSITIONAL, CONV_KEYS, 3));
  }
}

/**
 * 2-D convolution over [N, C, H, W] (or [C, H, W]) inputs, PyTorch's `nn.Conv2d`: weight
 * [out, in/groups, kH, kW], bias [out]; `paddingMode` 'reflect' | 'replicate' | 'circular' pads with F.pad first.
 * @example
 * const conv = new Conv2d(1, 8, 3, { padding: 1 }); // or PyTorch's positional new Conv2d(1, 8, 3, 1, 1)
 * conv.call(randn([32, 1, 28, 28])).shape; // [32, 8, 28, 28]
 * new Conv2d(16, 16, 3, { groups: 16, paddingMode: 'reflect', padding: 1 }); // depthwise, reflected borders
 */
export class Conv2d extends ConvNd {
  /** PyTorch's `Conv2d(in, out, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros')`, then the other options. */
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, ...args: PositionalArgs<[], [stride: SizeArg, padding: SizeArg | 'same' | 'valid', dilation: SizeArg, groups: number, bias: boolean, paddingMode: PaddingMode], ConvModuleOptions>) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, positionalOptions<ConvModuleOptions>('Conv2d', args, CONV_POSITIONAL, CONV_KEYS, 3));
  }
}

/** ConvTranspose1d and ConvTranspose2d. */
abstract class ConvTransposeNd extends ConvBase {
  readonly padding: number[];
  readonly outputPadding: number[];

  protected constructor(layer: string, private readonly nd: number, inChannels: number, outChannels: number, kernelSize: SizeArg, opts: ConvTransposeModuleOptions) {
    const o = checkOptions(layer, opts, CONVT_KEYS);
    if (o.paddingMode !== undefined && o.paddingMode !== 'zeros') {
      throw new RangeError(`${layer}: only paddingMode 'zeros' is supported for transposed convolutions (PyTorch's rule), got '${String(o.paddingMode)}'`);
    }
    super(layer, nd, true, inChannels, outChannels, kernelSize, o);
    this.padding = sizes(layer, 'padding', o.padding ?? 0, nd, 0);
    this.outputPadding = sizes(layer, 'outputPadding', o.outputPadding ?? 0, nd, 0);
  }

  /**
   * `outputSize` (the spatial size, optionally with the leading dims) picks the outputPadding that
   * gives it, as PyTorch's `forward(input, output_size)`.
   */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    checkFloatInput(`${this.layer}(${this.inChannels}, ${this.outChannels})`, x);
    let outputPadding = this.outputPadding;
    if (outputSize !== undefined) {
      // PyTorch's _output_padding: the spatial sizes, or the whole output shape (with N and/or C as the input has them).
      const lead = x.ndim - this.nd;
      if (lead < 1 || (outputSize.length !== this.nd && outputSize.length !== this.nd + lead)) {
        throw new RangeError(`${this.layer}: for ${x.ndim}-D input ${shp(x)}, outputSize must have ${this.nd} or ${this.nd + lead} elements (the spatial sizes or the whole output shape), got ${tup(outputSize)}`);
      }
      const want = outputSize.slice(-this.nd);
      const spatial = x.shape.slice(-this.nd);
      outputPadding = want.map((w, i) => {
        const min = (spatial[i] - 1) * this.stride[i] - 2 * this.padding[i] + this.dilation[i] * (this.kernelSize[i] - 1) + 1;
        // PyTorch's _output_padding: at most stride − 1 beyond the smallest size.
        const extra = w - min, maxExtra = this.stride[i] - 1;
        if (extra < 0 || extra > maxExtra) {
          throw new RangeError(`${this.layer}: requested outputSize ${tup(outputSize)} is not reachable for input ${shp(x)}: dim ${i} can be ${min} to ${min + maxExtra}`);
        }
        return extra;
      });
    }
    const convT = this.nd === 1 ? F.convTranspose1d : F.convTranspose2d;
    return convT(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding, groups: this.groups, dilation: this.dilation });
  }

  override extraRepr(): string {
    let s = this.commonRepr();
    if (this.padding.some((v) => v !== 0)) s += `, padding=${tup(this.padding)}`;
    if (this.outputPadding.some((v) => v !== 0)) s += `, outputPadding=${tup(this.outputPadding)}`;
    return s + this.tailRepr();
  }
}

/**
 * 1-D transposed convolution, PyTorch's `nn.ConvTranspose1d`: weight [in, out/groups, k], bias [out].
 * @example
 * new ConvTranspose1d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }).call(randn([2, 3, 6])).shape; // [2, 2, 12]
 */
export class ConvTranspose1d extends ConvTransposeNd {
  /** PyTorch's `ConvTranspose1d(in, out, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros')`, then the other options. */
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, ...args: PositionalArgs<[], [stride: SizeArg, padding: SizeArg, outputPadding: SizeArg, groups: number, bias: boolean, dilation: SizeArg, paddingMode: 'zeros'], ConvTransposeModuleOptions>) {
    super('ConvTranspose1d', 1, inChannels, outChannels, kernelSize, positionalOptions<ConvTransposeModuleOptions>('ConvTranspose1d', args, CONVT_POSITIONAL, CONVT_KEYS, 3));
  }
}

/**
 * 2-D transposed convolution, PyTorch's `nn.ConvTranspose2d`: weight [in, out/groups, kH, kW], bias [out].
 * @example
 * const up = new ConvTranspose2d(16, 8, 2, { stride: 2 });
 * up.call(randn([1, 16, 7, 7])).shape; // [1, 8, 14, 14]
 */
export class ConvTranspose2d extends ConvTransposeNd {
  /** PyTorch's `ConvTranspose2d(in, out, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros')`, then the other options. */
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, ...args: PositionalArgs<[], [stride: SizeArg, padding: SizeArg, outputPadding: SizeArg, groups: number, bias: boolean, dilation: SizeArg, paddingMode: 'zeros'], ConvTransposeModuleOptions>) {
    super('ConvTranspose2d', 2, inChannels, outChannels, kernelSize, positionalOptions<ConvTransposeModuleOptions>('ConvTranspose2d', args, CONVT_POSITIONAL, CONVT_KEYS, 3));
  }
}

const UNFOLD_KEYS = ['dilation', 'padding', 'stride'];
const UNFOLD_POSITIONAL = [pos.size('dilation'), pos.size('padding'), pos.size('stride')];

/**
 * Sliding blocks as columns, PyTorch's `nn.Unfold`: [N, C, H, W] -> [N, C·kH·kW, L].
 * @example
 * new Unfold(2, { stride: 2 }).call(randn([1, 3, 4, 4])).shape; // [1, 12, 4]
 */
export class Unfold extends Module {
  readonly kernelSize: SizeArg;
  readonly opts: UnfoldOptions;
  /** PyTorch's `Unfold(kernel_size, dilation=1, padding=0, stride=1)`: positional values, then the other options. */
  constructor(kernelSize: SizeArg, ...args: PositionalArgs<[], [dilation: SizeArg, padding: SizeArg, stride: SizeArg], UnfoldOptions>) {
    super();
    this.kernelSize = kernelSize;
    this.opts = { ...positionalOptions<UnfoldOptions>('Unfold', args, UNFOLD_POSITIONAL, UNFOLD_KEYS, 1) };
  }
  forward(x: Tensor): Tensor {
    return F.unfold(x, this.kernelSize, this.opts);
  }
  override extraRepr(): string {
    const { dilation = 1, padding = 0, stride = 1 } = this.opts;
    return `kernelSize=${String(this.kernelSize)}, dilation=${String(dilation)}, padding=${String(padding)}, stride=${String(stride)}`;
  }
}

/**
 * Columns summed back into an image, PyTorch's `nn.Fold`: [N, C·kH·kW, L] -> [N, C, ...outputSize].
 * @example
 * new Fold([4, 4], 2, { stride: 2 }).call(randn([1, 12, 4])).shape; // [1, 3, 4, 4]
 */
export class Fold extends Module {
  readonly outputSize: SizeArg;
  readonly kernelSize: SizeArg;
  readonly opts: UnfoldOptions;
  /** PyTorch's `Fold(output_size, kernel_size, dilation=1, padding=0, stride=1)`: positional values, then the other options. */
  constructor(outputSize: SizeArg, kernelSize: SizeArg, ...args: PositionalArgs<[], [dilation: SizeArg, padding: SizeArg, stride: SizeArg], UnfoldOptions>) {
    super();
    this.outputSize = outputSize;
    this.kernelSize = kernelSize;
    this.opts = { ...positionalOptions<UnfoldOptions>('Fold', args, UNFOLD_POSITIONAL, UNFOLD_KEYS, 2) };
  }
  forward(x: Tensor): Tensor {
    return F.fold(x, this.outputSize, this.kernelSize, this.opts);
  }
  override extraRepr(): string {
    const { dilation = 1, padding = 0, stride = 1 } = this.opts;
    return `outputSize=${String(this.outputSize)}, kernelSize=${String(this.kernelSize)}, dilation=${String(dilation)}, padding=${String(padding)}, stride=${String(stride)}`;
  }
}
