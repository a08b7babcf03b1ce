/**
 * The CLI's model: a multilayer perceptron `Sequential(Linear, act, Linear, act, ..., Linear)`, its
 * description in checkpoint metadata, and the checks that a checkpoint's tensors fit that description.
 */
import { Tensor, noGrad } from '@tapegrad/core';
import { Sequential, Linear, ReLU, Sigmoid, Tanh, LeakyReLU, ELU, init, Module } from '@tapegrad/nn';
import { ACTIVATIONS, type ActivationName, type InitName } from './args';

/** What is needed to rebuild the network: stored as JSON in the checkpoint metadata. */
export interface Architecture {
  inputSize: number;
  /** Hidden layer sizes, input side first; [] for softmax regression. */
  hidden: number[];
  /** Number of classes (output logits). */
  outputSize: number;
  activation: ActivationName;
}

/** Metadata key of the architecture JSON in model.safetensors. */
export const META_ARCHITECTURE = 'tapegrad.architecture';

function activationModule(name: ActivationName): Module {
  switch (name) {
    case 'relu': return new ReLU();
    case 'sigmoid': return new Sigmoid();
    case 'tanh': return new Tanh();
    case 'leaky-relu': return new LeakyReLU(0.01);
    case 'elu': return new ELU(1);
  }
}

/** Layer sizes from input to output, e.g. [784, 128, 10]. */
export function layerSizes(arch: Architecture): number[] {
  return [arch.inputSize, ...arch.hidden, arch.outputSize];
}

/**
 * Builds the MLP. Weights come from the global generator (call `manualSeed` first for reproducible runs).
 * `init`: 'default' keeps PyTorch's Linear init (kaiming-uniform with a = √5, i.e. U(±1/√fanIn)); 'xavier'
 * and 'kaiming' redraw the weights (Glorot-uniform with the activation's gain / He-uniform for ReLU) and
 * zero the biases.
 *
 * @example
 * buildMlp({ inputSize: 784, hidden: [128], outputSize: 10, activation: 'relu' });
 * // Sequential(Linear(784, 128), ReLU(), Linear(128, 10)): 101,770 parameters
 */
export function buildMlp(arch: Architecture, initName: InitName = 'default'): Sequential {
  const sizes = layerSizes(arch);
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const fc = new Linear(sizes[i], sizes[i + 1]);
    if (initName !== 'default') {
      noGrad(() => {
        if (initName === 'xavier') {
          const gain = arch.activation === 'tanh' ? 5 / 3 : arch.activation === 'sigmoid' ? 1 : Math.SQRT2;
          init.xavierUniform_(fc.weight, i + 2 < sizes.length ? gain : 1);
        } else {
          const nonlinearity = arch.activation === 'leaky-relu' ? 'leaky_relu' : arch.activation === 'tanh' ? 'tanh' : arch.activation === 'sigmoid' ? 'sigmoid' : 'relu';
          init.kaimingUniform_(fc.weight, { a: arch.activation === 'leaky-relu' ? 0.01 : 0, nonlinearity });
        }
        if (fc.bias) init.zeros_(fc.bias);
      });
    }
    layers.push(fc);
    if (i + 2 < sizes.length) layers.push(activationModule(arch.activation));
  }
  return new Sequential(...layers);
}

/** The state-dict keys and shapes `buildMlp(arch)` has: '0.weight' [h, in], '0.bias' [h], '2.weight', ... */
export function expectedShapes(arch: Architecture): Map<string, number[]> {
  const sizes = layerSizes(arch);
  const out = new Map<string, number[]>();
  for (let i = 0; i + 1 < sizes.length; i++) {
    out.set(`${2 * i}.weight`, [sizes[i + 1], sizes[i]]);
    out.set(`${2 * i}.bias`, [sizes[i + 1]]);
  }
  return out;
}

/** Number of weights and biases: Σ (in + 1) · out over the layers. */
export function parameterCount(arch: Architecture): number {
  const s = layerSizes(arch);
  let n = 0;
  for (let i = 0; i + 1 < s.length; i++) n += (s[i] + 1) * s[i + 1];
  return n;
}

/** 'MLP 784-128-10 (relu)'. */
export function describeArchitecture(arch: Architecture): string {
  return `MLP ${layerSizes(arch).join('-')}${arch.hidden.length > 0 ? ` (${arch.activation})` : ' (softmax regression)'}`;
}

/** Parses and validates the architecture JSON of a checkpoint; `source` names the file in errors. */
export function parseArchitecture(json: string | undefined, source: string): Architecture {
  if (json === undefined) {
    throw new Error(`${source}: not a tapegrad CLI model: the safetensors metadata has no "${META_ARCHITECTURE}" entry (write models with 'tapegrad train')`);
  }
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (err) {
    throw new Error(`${source}: the "${META_ARCHITECTURE}" metadata is not valid JSON (${(err as Error).message})`);
  }
  const bad = (what: string): never => {
    throw new Error(`${source}: bad "${META_ARCHITECTURE}" metadata: ${what} (got ${json})`);
  };
  if (v === null || typeof v !== 'object' || Array.isArray(v)) bad('expected an object');
  const o = v as Record<string, unknown>;
  const isSize = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 1;
  if (!isSize(o.inputSize)) bad('inputSize must be a whole number >= 1');
  if (!isSize(o.outputSize)) bad('outputSize must be a whole number >= 1');
  if (!Array.isArray(o.hidden) || !o.hidden.every(isSize)) bad('hidden must be a list of whole numbers >= 1');
  if (typeof o.activation !== 'string' || !(ACTIVATIONS as readonly string[]).includes(o.activation)) bad(`activation must be one of ${ACTIVATIONS.join(', ')}`);
  return { inputSize: o.inputSize as number, hidden: [...(o.hidden as number[])], outputSize: o.outputSize as number, activation: o.activation as ActivationName };
}

/**
 * Checks that `tensors` are exactly the weights of `arch` (same keys, same shapes, floating point),
 * listing every problem in one error; `source` names the file.
 */
export function checkWeights(arch: Architecture, tensors: Record<string, Tensor>, source: string): void {
  const want = expectedShapes(arch);
  const problems: string[] = [];
  for (const [key, shape] of want) {
    const t = tensors[key];
    if (t === undefined) problems.push(`missing tensor "${key}" (expected shape [${shape.join(', ')}])`);
    else if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
      problems.push(`tensor "${key}" has shape [${t.shape.join(', ')}] but the declared architecture needs [${shape.join(', ')}]`);
    } else if (t.dtype !== 'float32' && t.dtype !== 'float64') problems.push(`tensor "${key}" has dtype ${t.dtype}; expected float32 or float64`);
  }
  for (const key of Object.keys(tensors)) if (!want.has(key)) problems.push(`unexpected tensor "${key}"`);
  if (problems.length > 0) {
    throw new Error(`${source}: the weights do not match the declared architecture ${describeArchitecture(arch)}:\n  - ${problems.join('\n  - ')}`);
  }
}

