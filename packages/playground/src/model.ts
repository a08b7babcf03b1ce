/** The network and optimizer of a run, built with @tapegrad/nn and @tapegrad/optim as one would in PyTorch. */
import { Generator } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import * as optim from '@tapegrad/optim';
import type { ActivationName, PlaygroundConfig } from './config';

function activation(name: ActivationName): nn.Module {
  switch (name) {
    case 'relu': return new nn.ReLU();
    case 'tanh': return new nn.Tanh();
    case 'sigmoid': return new nn.Sigmoid();
    case 'leaky-relu': return new nn.LeakyReLU(0.01);
  }
}

/**
 * A multilayer perceptron 2 -> hidden[0] -> ... -> numClasses with the chosen activation after every
 * hidden Linear and raw logits out (the loss applies log-softmax). Weights use PyTorch's default
 * Linear init, drawn from a generator seeded with `seed` (the global generator is left alone).
 * @example
 * buildMlp([8, 8], 'tanh', 2, 0); // Sequential(Linear(2, 8), Tanh(), Linear(8, 8), Tanh(), Linear(8, 2))
 */
export function buildMlp(hidden: readonly number[], act: ActivationName, numClasses: number, seed: number): nn.Sequential {
  const generator = new Generator(seed);
  const layers: nn.Module[] = [];
  let width = 2;
  for (const h of hidden) {
    layers.push(new nn.Linear(width, h, { generator }), activation(act));
    width = h;
  }
  layers.push(new nn.Linear(width, numClasses, { generator }));
  return new nn.Sequential(...layers);
}

/**
 * The optimizer of a run: plain SGD, SGD with momentum 0.9, or Adam (PyTorch's betas and eps).
 * @example
 * const opt = buildOptimizer(model, 'momentum', 0.1); // optim.SGD(params, { lr: 0.1, momentum: 0.9 })
 */
export function buildOptimizer(model: nn.Module, name: PlaygroundConfig['optimizer'], lr: number): optim.Optimizer {
  const params = [...model.parameters()];
  switch (name) {
    case 'sgd': return new optim.SGD(params, { lr });
    case 'momentum': return new optim.SGD(params, { lr, momentum: 0.9 });
    case 'adam': return new optim.Adam(params, { lr });
  }
}
