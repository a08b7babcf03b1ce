/** Activation layers (PyTorch's `nn.ReLU` etc.); each forwards to the function of the same name in `functional`. */
import { Tensor } from '@tapegrad/core';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { maybeInPlace, inplaceArg } from './inplace';
import { Module } from './module';
import * as Fa from './functional/activation';
import { checkOptions, isOptionsObject, keywordArg } from './check';

/**
 * max(0, x). `new ReLU(true)` or `new ReLU({ inplace: true })` writes the result into the input, as
 * PyTorch's `nn.ReLU(inplace=True)`.
 * @example new ReLU().call(tensor([-1, 2])) // [0, 2]
 */
export class ReLU extends Module {
  readonly inplace: boolean;
  constructor(inplace: boolean | { inplace?: boolean } = false) {
    super();
    this.inplace = inplaceArg('ReLU', inplace);
  }
  forward(x: Tensor): Tensor {
    return maybeInPlace(x, this.inplace, 'relu_', Fa.relu);
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

interface SlopeOptions { negativeSlope: number; inplace: boolean }

/** x if x > 0 else negativeSlope·x (default 0.01; the course's leaky ReLU uses 0.1). */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  readonly inplace: boolean;
  /** `new LeakyReLU(0.2)`, `new LeakyReLU(0.2, true)` or `new LeakyReLU({ negativeSlope: 0.2, inplace: true })`. */
  constructor(...args: PositionalArgs<[], [negativeSlope: number, inplace: boolean], SlopeOptions>) {
    super();
    const o = positionalOptions<SlopeOptions>('LeakyReLU', args, [pos.number('negativeSlope'), pos.boolean('inplace')], ['negativeSlope', 'inplace'], 0);
    this.negativeSlope = o.negativeSlope ?? 0.01;
    this.inplace = inplaceArg('LeakyReLU', o.inplace);
  }
  forward(x: Tensor): Tensor {
    return maybeInPlace(x, this.inplace, 'leakyRelu_', (t) => Fa.leakyRelu(t, this.negativeSlope));
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}${this.inplace ? ', inplace=True' : ''}`;
  }
}

interface AlphaOptions { alpha: number; inplace: boolean }

/** An activation with PyTorch's `(alpha=1.0, inplace=False)` arguments (ELU, CELU). */
export abstract class AlphaActivation extends Module {
  readonly alpha: number;
  readonly inplace: boolean;
  /** `name`: the layer's (for errors); `op`: its in-place op's. */
  protected constructor(private readonly op: string, name: string, args: PositionalArgs<[], [alpha: number, inplace: boolean], AlphaOptions>) {
    super();
    const o = positionalOptions<AlphaOptions>(name, args, [pos.number('alpha'), pos.boolean('inplace')], ['alpha', 'inplace'], 0);
    this.alpha = o.alpha ?? 1;
    this.inplace = inplaceArg(name, o.inplace);
  }
  protected abstract f(x: Tensor, alpha: number): Tensor;
  forward(x: Tensor): Tensor {
    return maybeInPlace(x, this.inplace, this.op, (t) => this.f(t, this.alpha));
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** x if x > 0 else α(eˣ − 1). */
export class ELU extends AlphaActivation {
  /** `new ELU(0.5)`, `new ELU(0.5, true)` or `new ELU({ alpha: 0.5, inplace: true })`. */
  constructor(...args: PositionalArgs<[], [alpha: number, inplace: boolean], AlphaOptions>) {
    super('elu_', 'ELU', args);
  }
  protected f(x: Tensor, alpha: number): Tensor {
    return Fa.elu(x, alpha);
  }
}

/** x·Φ(x); `approximate: 'tanh'` uses PyTorch's tanh formula. */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  /** `new GELU('tanh')` or `new GELU({ approximate: 'tanh' })`. */
  constructor(approximateOrOptions: 'none' | 'tanh' | { approximate?: 'none' | 'tanh' } = 'none') {
    super();
    const approximate = keywordArg<'none' | 'tanh'>('GELU', approximateOrOptions, 'approximate', 'none');
    this.approximate = approximate;
    if (approximate !== 'none' && approximate !== 'tanh') throw new TypeError(`GELU: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  }
  forward(x: Tensor): Tensor {
    return Fa.gelu(x, this.approximate);
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** σ(x) = 1/(1 + e⁻ˣ), σ' = σ(1 − σ). */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return Fa.sigmoid(x);
  }
}

/** tanh(x), tanh' = 1 − tanh². */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return Fa.tanh(x);
  }
}

/** (1/β)·log(1 + e^(βx)), linear above `threshold`. */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  /** `new Softplus(2, 10)` or `new Softplus({ beta: 2, threshold: 10 })`. */
  constructor(beta: number | { beta?: number; threshold?: number } = 1, threshold = 20) {
    super();
    if (isOptionsObject(beta)) ({ beta = 1, threshold = 20 } = checkOptions('Softplus', beta, ['beta', 'threshold']));
    this.beta = beta;
    this.threshold = threshold;
  }
  forward(x: Tensor): Tensor {
    return Fa.softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** x·σ(x). `new SiLU(true)` or `new SiLU({ inplace: true })` writes the result into the input. */
export class SiLU extends Module {
  readonly inplace: boolean;
  constructor(inplace: boolean | { inplace?: boolean } = false) {
    super();
    this.inplace = inplaceArg('SiLU', inplace);
  }
  forward(x: Tensor): Tensor {
    return maybeInPlace(x, this.inplace, 'silu_', Fa.silu);
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** Binary step: 1 where x > 0 else 0; gradient zero (so layers before it do not learn through it). */
export class Step extends Module {
  forward(x: Tensor): Tensor {
    return Fa.step(x);
  }
}

/** Softmax along `dim` (without `dim`, PyTorch's implicit choice: 0 for 0/1/3-D inputs, else 1). */
export class Softmax extends Module {
  readonly dim?: number;
  /** `new Softmax(1)` or `new Softmax({ dim: 1 })`. */
  constructor(dim?: number | { dim?: number }) {
    super();
    this.dim = keywordArg<number | undefined>('Softmax', dim, 'dim', undefined);
  }
  forward(x: Tensor): Tensor {
    return Fa.softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

/** log(softmax(x)) along `dim`, stable. */
export class LogSoftmax extends Module {
  readonly dim?: number;
  /** `new LogSoftmax(1)` or `new LogSoftmax({ dim: 1 })`. */
  constructor(dim?: number | { dim?: number }) {
    super();
    this.dim = keywordArg<number | undefined>('LogSoftmax', dim, 'dim', undefined);
  }
  forward(x: Tensor): Tensor {
    return Fa.logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

/** softmax(−x) along `dim` (PyTorch's nn.Softmin). */
export class Softmin extends Module {
  readonly dim?: number;
  /** `new Softmin(1)` or `new Softmin({ dim: 1 })`. */
  constructor(dim?: number | { dim?: number }) {
    super();
    this.dim = keywordArg<number | undefined>('Softmin', dim, 'dim', undefined);
    if (this.dim !== undefined && !Number.isInteger(this.dim)) throw new TypeError(`Softmin: dim must be an integer, got ${String(this.dim)}`);
  }
  forward(x: Tensor): Tensor {
    return Fa.softmin(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}
