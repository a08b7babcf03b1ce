/**
 * The rest of PyTorch's activation layers (`nn.Hardtanh`, `nn.PReLU`, `nn.SELU`, …), each forwarding to
 * the function of the same name in `functional/activation-extra`, with PyTorch's positional arguments,
 * defaults and an options object of its keyword arguments.
 */
import { Tensor, full, getDefaultDtype, DType, Generator } from '@tapegrad/core';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { maybeInPlace, inplaceArg } from './inplace';
import { Module } from './module';
import { AlphaActivation } from './activation';
import { Parameter } from './parameter';
import * as Fx from './functional/activation-extra';
import { keywordArg } from './check';

/** PyTorch's argument-free layers raise a TypeError when given any; a plain-JS caller's arguments are not dropped. */
function noArguments(layer: string, args: readonly unknown[]): void {
  if (args.length > 0) throw new TypeError(`${layer}: takes no arguments (as in PyTorch), got ${args.length}; use new ${layer}()`);
}

/** A layer whose only argument is PyTorch's `inplace` flag. */
abstract class InPlaceActivation extends Module {
  readonly inplace: boolean;
  /** `layerName`: the layer's, as PyTorch spells it (class names do not survive minifiers). */
  protected constructor(private readonly layerName: string, inplace: boolean | { inplace?: boolean }) {
    super();
    this.inplace = inplaceArg(layerName, inplace);
  }
  protected abstract f(x: Tensor): Tensor;
  forward(x: Tensor): Tensor {
    return maybeInPlace(x, this.inplace, `${this.layerName.toLowerCase()}_`, (t) => this.f(t));
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

interface HardtanhOptions { minVal: number; maxVal: number; inplace: boolean }
/** max(minVal, min(maxVal, x)), defaults −1 and 1. @example new Hardtanh().call(tensor([-2, 2])) // [-1, 1] */
export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  readonly inplace: boolean;
  /** `new Hardtanh(-2, 2)`, `new Hardtanh(-2, 2, true)` or `new Hardtanh({ minVal: -2, maxVal: 2 })`. */
  constructor(...args: PositionalArgs<[], [minVal: number, maxVal: number, inplace: boolean], HardtanhOptions>) {
    super();
    const o = positionalOptions<HardtanhOptions>('Hardtanh', args, [pos.number('minVal'), pos.number('maxVal'), pos.boolean('inplace')], ['minVal', 'maxVal', 'inplace'], 0);
    this.minVal = o.minVal ?? -1;
    this.maxVal = o.maxVal ?? 1;
    this.inplace = inplaceArg('Hardtanh', o.inplace);
    if (this.maxVal <= this.minVal) throw new RangeError(`Hardtanh: maxVal (${this.maxVal}) must be greater than minVal (${this.minVal})`);
  }
  forward(x: Tensor): Tensor {
    return maybeInPlace(x, this.inplace, 'hardtanh_', (t) => Fx.hardtanh(t, this.minVal, this.maxVal));
  }
  override extraRepr(): string {
    return `minVal=${this.minVal}, maxVal=${this.maxVal}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** min(max(0, x), 6). @example new ReLU6().call(tensor([-1, 3, 8])) // [0, 3, 6] */
export class ReLU6 extends InPlaceActivation {
  constructor(inplace: boolean | { inplace?: boolean } = false) { super('ReLU6', inplace); }
  protected f(x: Tensor): Tensor { return Fx.relu6(x); }
}

interface ThresholdOptions { threshold: number; value: number; inplace: boolean }
/** x where x > threshold, else value (both required, as PyTorch). @example new Threshold(0.1, 20).call(tensor([0, 1])) // [20, 1] */
export class Threshold extends Module {
  readonly threshold: number;
  readonly value: number;
  readonly inplace: boolean;
  constructor(...args: PositionalArgs<[threshold: number, value: number], [inplace: boolean], ThresholdOptions>) {
    super();
    const o = positionalOptions<ThresholdOptions>('Threshold', args, [pos.number('threshold'), pos.number('value'), pos.boolean('inplace')], ['threshold', 'value', 'inplace'], 2);
    if (o.threshold === undefined || o.value === undefined) throw new TypeError('Threshold: threshold and value are required: new Threshold(threshold, value)');
    this.threshold = o.threshold;
    this.value = o.value;
    this.inplace = inplaceArg('Threshold', o.inplace);
  }
  forward(x: Tensor): Tensor {
    return maybeInPlace(x, this.inplace, 'threshold_', (t) => Fx.threshold(t, this.threshold, this.value));
  }
  override extraRepr(): string {
    return `threshold=${this.threshold}, value=${this.value}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** max(0, x) + min(0, α(e^(x/α) − 1)), α = 1. @example new CELU(1).call(tensor([-1, 1])) // [-0.6321, 1] */
export class CELU extends AlphaActivation {
  /** `new CELU(0.5)`, `new CELU(0.5, true)` or `new CELU({ alpha: 0.5, inplace: true })`. */
  constructor(...args: PositionalArgs<[], [alpha: number, inplace: boolean], { alpha: number; inplace: boolean }>) {
    super('celu_', 'CELU', args);
  }
  protected f(x: Tensor, alpha: number): Tensor {
    return Fx.celu(x, alpha);
  }
}

/** Self-normalising ELU with PyTorch's α ≈ 1.6733 and scale ≈ 1.0507. @example new SELU().call(tensor([0, 1])) // [0, 1.0507] */
export class SELU extends InPlaceActivation {
  constructor(inplace: boolean | { inplace?: boolean } = false) { super('SELU', inplace); }
  protected f(x: Tensor): Tensor { return Fx.selu(x); }
}
/** x·tanh(softplus(x)). @example new Mish().call(tensor([0, 1])) // [0, 0.8651] */
export class Mish extends InPlaceActivation {
  constructor(inplace: boolean | { inplace?: boolean } = false) { super('Mish', inplace); }
  protected f(x: Tensor): Tensor { return Fx.mish(x); }
}
/** x·relu6(x + 3)/6. @example new Hardswish().call(tensor([-3, 0, 3])) // [0, 0, 3] */
export class Hardswish extends InPlaceActivation {
  constructor(inplace: boolean | { inplace?: boolean } = false) { super('Hardswish', inplace); }
  protected f(x: Tensor): Tensor { return Fx.hardswish(x); }
}
/** relu6(x + 3)/6. @example new Hardsigmoid().call(tensor([-3, 0, 3])) // [0, 0.5, 1] */
export class Hardsigmoid extends InPlaceActivation {
  constructor(inplace: boolean | { inplace?: boolean } = false) { super('Hardsigmoid', inplace); }
  protected f(x: Tensor): Tensor { return Fx.hardsigmoid(x); }
}

/** x − tanh(x). @example new Tanhshrink().call(tensor([0, 1])) // [0, 0.2384] */
export class Tanhshrink extends Module {
  constructor(...args: never[]) { super(); noArguments('Tanhshrink', args); }
  forward(x: Tensor): Tensor { return Fx.tanhshrink(x); }
}
/** x / (1 + |x|). @example new Softsign().call(tensor([1, -3])) // [0.5, -0.75] */
export class Softsign extends Module {
  constructor(...args: never[]) { super(); noArguments('Softsign', args); }
  forward(x: Tensor): Tensor { return Fx.softsign(x); }
}
/** log σ(x). @example new LogSigmoid().call(tensor([0])) // [-0.6931] */
export class LogSigmoid extends Module {
  constructor(...args: never[]) { super(); noArguments('LogSigmoid', args); }
  forward(x: Tensor): Tensor { return Fx.logsigmoid(x); }
}

/** Soft shrinkage with threshold λ (default 0.5). `new Softshrink(1)` or `new Softshrink({ lambd: 1 })`.
 * @example new Softshrink(0.5).call(tensor([-1, 0.2, 2])) // [-0.5, 0, 1.5]
 */
export class Softshrink extends Module {
  readonly lambd: number;
  constructor(lambd: number | { lambd?: number } = 0.5) {
    super();
    this.lambd = keywordArg<number>('Softshrink', lambd, 'lambd', 0.5);
  }
  forward(x: Tensor): Tensor { return Fx.softshrink(x, this.lambd); }
  override extraRepr(): string { return `${this.lambd}`; }
}
/** Hard shrinkage with threshold λ (default 0.5). @example new Hardshrink().call(tensor([-1, 0.2, 2])) // [-1, 0, 2] */
export class Hardshrink extends Module {
  readonly lambd: number;
  constructor(lambd: number | { lambd?: number } = 0.5) {
    super();
    this.lambd = keywordArg<number>('Hardshrink', lambd, 'lambd', 0.5);
  }
  forward(x: Tensor): Tensor { return Fx.hardshrink(x, this.lambd); }
  override extraRepr(): string { return `${this.lambd}`; }
}

/** Gated linear unit along `dim` (default −1). `new GLU(1)` or `new GLU({ dim: 1 })`.
 * @example new GLU().call(tensor([1, 0])) // [0.5] (1·σ(0))
 */
export class GLU extends Module {
  readonly dim: number;
  constructor(dim: number | { dim?: number } = -1) {
    super();
    this.dim = keywordArg<number>('GLU', dim, 'dim', -1);
  }
  forward(x: Tensor): Tensor { return Fx.glu(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

interface PReLUOptions { numParameters: number; init: number; dtype: DType }
/**
 * x where x > 0, else a·x with a learnt slope `weight` of `numParameters` entries (1, or the channels),
 * initialised to `init` (0.25), as PyTorch. @example new PReLU(3).weight.shape // [3]
 */
export class PReLU extends Module {
  // PyTorch's num_parameters attribute is weight.numel() here: Module.numParameters() is the parameter count.
  readonly init: number;
  weight: Parameter;
  constructor(...args: PositionalArgs<[], [numParameters: number, init: number], PReLUOptions>) {
    super();
    const o = positionalOptions<PReLUOptions>('PReLU', args, [pos.number('numParameters'), pos.number('init')], ['numParameters', 'init', 'dtype'], 0);
    const n = o.numParameters ?? 1;
    this.init = o.init ?? 0.25;
    // 0 is allowed, as PyTorch (a layer for inputs with an empty channel dim).
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`PReLU: numParameters must be a non-negative integer, got ${n}`);
    this.weight = new Parameter(full([n], this.init, { dtype: o.dtype ?? getDefaultDtype() }));
  }
  forward(x: Tensor): Tensor { return Fx.prelu(x, this.weight); }
  override extraRepr(): string { return `numParameters=${this.weight.numel()}`; }
}

// more torch.nn modules (nnmore7)
// nn.Softmin lives in activation.ts with Softmax

/** Softmax over the channels (dim −3) of [N, C, H, W] or [C, H, W] inputs, PyTorch's `nn.Softmax2d`.
 * @example new Softmax2d().call(randn([2, 3, 4, 4])).sum(1) // all ones
 */
export class Softmax2d extends Module {
  constructor(...args: never[]) { super(); noArguments('Softmax2d', args); }
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || (x.ndim !== 3 && x.ndim !== 4)) {
      throw new RangeError(`Softmax2d: requires a 3-D [C, H, W] or 4-D [N, C, H, W] input, got ${x instanceof Tensor ? `shape [${x.shape.join(', ')}]` : typeof x}`);
    }
    return x.softmax(-3);
  }
}

interface RReLUModuleOptions { lower: number; upper: number; inplace: boolean; generator: Generator }
/**
 * Randomised leaky ReLU (PyTorch's `nn.RReLU(lower=1/8, upper=1/3, inplace=False)`): in training the
 * negative slope of each element is drawn from U(lower, upper) (from `generator`, an extension, as
 * Dropout's), in eval mode it is (lower + upper)/2.
 * @example new RReLU().eval().call(tensor([-1, 2])) // [-0.2292, 2]
 */
export class RReLU extends Module {
  readonly lower: number;
  readonly upper: number;
  readonly inplace: boolean;
  protected readonly generator?: Generator;
  /** `new RReLU(0.1, 0.3)`, `new RReLU(0.1, 0.3, true)` or `new RReLU({ lower: 0.1, upper: 0.3, generator })`. */
  constructor(...args: PositionalArgs<[], [lower: number, upper: number, inplace: boolean], RReLUModuleOptions>) {
    super();
    const o = positionalOptions<RReLUModuleOptions>('RReLU', args, [pos.number('lower'), pos.number('upper'), pos.boolean('inplace')], ['lower', 'upper', 'inplace', 'generator'], 0);
    this.lower = o.lower ?? 1 / 8;
    this.upper = o.upper ?? 1 / 3;
    this.inplace = inplaceArg('RReLU', o.inplace);
    this.generator = o.generator;
  }
  forward(x: Tensor): Tensor {
    return maybeInPlace(x, this.inplace, 'rrelu_', (t) => Fx.rrelu(t, this.lower, this.upper, this.training, { generator: this.generator }));
  }
  override extraRepr(): string {
    return `lower=${this.lower}, upper=${this.upper}${this.inplace ? ', inplace=True' : ''}`;
  }
}
