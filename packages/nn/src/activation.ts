/** Activation layers (PyTorch's `nn.ReLU` etc.); each forwards to the function of the same name in `functional`. */
import { Tensor } from '@tapegrad/core';
import { Module } from './module';
import * as Fa from './functional/activation';

/** max(0, x). @example new ReLU().call(tensor([-1, 2])) // [0, 2] */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return Fa.relu(x);
  }
}

/** x if x > 0 else negativeSlope·x (default 0.01; the course's leaky ReLU uses 0.1). */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return Fa.leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** x if x > 0 else α(eˣ − 1). */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return Fa.elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** x·Φ(x); `approximate: 'tanh'` uses PyTorch's tanh formula. */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
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
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
  }
  forward(x: Tensor): Tensor {
    return Fa.softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** x·σ(x). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return Fa.silu(x);
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
  constructor(readonly dim?: number) {
    super();
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
  constructor(readonly dim?: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return Fa.logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}
