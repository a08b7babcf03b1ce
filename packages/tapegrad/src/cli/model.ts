/**
 * The CLI's models: a multilayer perceptron `Sequential(Linear, act, Linear, act, ..., Linear)` or a
 * LeNet-style CNN `Sequential(Conv2d, act, MaxPool2d(2), ..., Flatten, Linear)`, their description in
 * checkpoint metadata, and the checks that a checkpoint's tensors fit that description.
 */
import { Tensor, noGrad } from '@tapegrad/core';
import { Sequential, Linear, ReLU, Sigmoid, Tanh, LeakyReLU, ELU, init, Module, Conv2d, MaxPool2d, Flatten } from '@tapegrad/nn';
import { ACTIVATIONS, type ActivationName, type InitName } from './args';

/** What is needed to rebuild an MLP: stored as JSON in the checkpoint metadata. */
export interface MlpArchitecture {
  /** Absent in checkpoints written before the CNN existed. */
  kind?: 'mlp';
  inputSize: number;
  /** Hidden layer sizes, input side first; [] for softmax regression. */
  hidden: number[];
  /** Number of classes (output logits). */
  outputSize: number;
  activation: ActivationName;
}

/**
 * A LeNet-style CNN: per entry of `channels`, Conv2d(prev, c, 3, padding 1), the activation and
 * MaxPool2d(2); then Flatten and Linear to `outputSize`. Inputs arrive flat (`inputSize` features) and are
 * viewed as `imageShape` [C, H, W] before the first layer.
 */
export interface CnnArchitecture {
  kind: 'cnn';
  inputSize: number;
  imageShape: [number, number, number];
  channels: number[];
  outputSize: number;
  activation: ActivationName;
}

/** Either model of the CLI. */
export type Architecture = MlpArchitecture | CnnArchitecture;

/** The CLI's CNN: two conv blocks of 8 and 16 channels (LeNet-style, PyTorch's reference run). */
export const CNN_CHANNELS = [8, 16];

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
export function layerSizes(arch: MlpArchitecture): number[] {
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
export function buildMlp(arch: MlpArchitecture, initName: InitName = 'default'): Sequential {
  const sizes = layerSizes(arch);
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const fc = new Linear(sizes[i], sizes[i + 1]);
    reinit(fc, arch.activation, initName, i + 2 < sizes.length);
    layers.push(fc);
    if (i + 2 < sizes.length) layers.push(activationModule(arch.activation));
  }
  return new Sequential(...layers);
}

/** Redraws a layer's weight as `initName` says (see buildMlp); `hidden`: an activation follows it. */
function reinit(layer: Linear | Conv2d, activation: ActivationName, initName: InitName, hidden: boolean): void {
  if (initName === 'default') return;
  noGrad(() => {
    if (initName === 'xavier') {
      const gain = activation === 'tanh' ? 5 / 3 : activation === 'sigmoid' ? 1 : Math.SQRT2;
      init.xavierUniform_(layer.weight, hidden ? gain : 1);
    } else {
      const nonlinearity = activation === 'leaky-relu' ? 'leaky_relu' : activation === 'tanh' ? 'tanh' : activation === 'sigmoid' ? 'sigmoid' : 'relu';
      init.kaimingUniform_(layer.weight, { a: activation === 'leaky-relu' ? 0.01 : 0, nonlinearity });
    }
    if (layer.bias) init.zeros_(layer.bias);
  });
}

/** Height and width after the CNN's conv blocks (padding 1 keeps the size, each pool floors it by 2). */
function cnnFeatureSize(arch: CnnArchitecture): number {
  let [, h, w] = arch.imageShape;
  for (let i = 0; i < arch.channels.length; i++) {
    h = Math.floor(h / 2);
    w = Math.floor(w / 2);
  }
  return h * w * (arch.channels.length > 0 ? arch.channels[arch.channels.length - 1] : arch.imageShape[0]);
}

/**
 * Builds the CNN; init as for {@link buildMlp} (xavier/kaiming redraw conv and linear weights).
 *
 * @example
 * buildCnn({ kind: 'cnn', inputSize: 784, imageShape: [1, 28, 28], channels: [8, 16], outputSize: 10, activation: 'relu' });
 * // Sequential(Conv2d(1, 8, 3, padding 1), ReLU, MaxPool2d(2), Conv2d(8, 16, 3, padding 1), ReLU, MaxPool2d(2), Flatten, Linear(784, 10))
 */
export function buildCnn(arch: CnnArchitecture, initName: InitName = 'default'): Sequential {
  const layers: Module[] = [];
  let prev = arch.imageShape[0];
  for (const c of arch.channels) {
    const conv = new Conv2d(prev, c, 3, { padding: 1 });
    reinit(conv, arch.activation, initName, true);
    layers.push(conv, activationModule(arch.activation), new MaxPool2d(2));
    prev = c;
  }
  const fc = new Linear(cnnFeatureSize(arch), arch.outputSize);
  reinit(fc, arch.activation, initName, false);
  layers.push(new Flatten(), fc);
  return new Sequential(...layers);
}

/** Builds the model `arch` describes. */
export function buildModel(arch: Architecture, initName: InitName = 'default'): Sequential {
  return arch.kind === 'cnn' ? buildCnn(arch, initName) : buildMlp(arch, initName);
}

/** `x` [N, inputSize] as the model takes it: unchanged for the MLP, viewed as [N, C, H, W] for the CNN. */
export function modelInput(arch: Architecture, x: Tensor): Tensor {
  return arch.kind === 'cnn' ? x.reshape([x.shape[0], ...arch.imageShape]) : x;
}

/**
 * The CNN for flat inputs of `inputSize` features: square single-channel images (784 -> [1, 28, 28]).
 * @throws Error when `inputSize` is not a square (e.g. the 2-D toy sets).
 */
export function cnnArchitecture(inputSize: number, outputSize: number, activation: ActivationName, source: string): CnnArchitecture {
  const side = Math.round(Math.sqrt(inputSize));
  if (side * side !== inputSize || side < 4) {
    throw new Error(`--model cnn needs square images of at least 4x4 pixels, but ${source} has ${inputSize} features per example (use --model mlp)`);
  }
  return { kind: 'cnn', inputSize, imageShape: [1, side, side], channels: [...CNN_CHANNELS], outputSize, activation };
}

/** The state-dict keys and shapes `buildModel(arch)` has: '0.weight' [h, in], '0.bias' [h], '2.weight', ... */
export function expectedShapes(arch: Architecture): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (arch.kind === 'cnn') {
    let prev = arch.imageShape[0];
    arch.channels.forEach((c, i) => {
      out.set(`${3 * i}.weight`, [c, prev, 3, 3]);
      out.set(`${3 * i}.bias`, [c]);
      prev = c;
    });
    const fc = 3 * arch.channels.length + 1;
    out.set(`${fc}.weight`, [arch.outputSize, cnnFeatureSize(arch)]);
    out.set(`${fc}.bias`, [arch.outputSize]);
    return out;
  }
  const sizes = layerSizes(arch);
  for (let i = 0; i + 1 < sizes.length; i++) {
    out.set(`${2 * i}.weight`, [sizes[i + 1], sizes[i]]);
    out.set(`${2 * i}.bias`, [sizes[i + 1]]);
  }
  return out;
}

/** Number of weights and biases: Σ (in + 1) · out over the layers (conv: in · 9 + 1 per output channel). */
export function parameterCount(arch: Architecture): number {
  let n = 0;
  for (const shape of expectedShapes(arch).values()) n += shape.reduce((a, b) => a * b, 1);
  return n;
}

/** 'MLP 784-128-10 (relu)', 'CNN 1x28x28 conv8-conv16-10 (relu)'. */
export function describeArchitecture(arch: Architecture): string {
  if (arch.kind === 'cnn') return `CNN ${arch.imageShape.join('x')} ${arch.channels.map((c) => `conv${c}`).join('-')}-${arch.outputSize} (${arch.activation})`;
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
  if (typeof o.activation !== 'string' || !(ACTIVATIONS as readonly string[]).includes(o.activation)) bad(`activation must be one of ${ACTIVATIONS.join(', ')}`);
  if (o.kind !== undefined && o.kind !== 'mlp' && o.kind !== 'cnn') bad("kind must be 'mlp' or 'cnn'");
  if (o.kind === 'cnn') {
    const img = o.imageShape;
    if (!Array.isArray(img) || img.length !== 3 || !img.every(isSize)) bad('imageShape must be [channels, height, width] of whole numbers >= 1');
    const [c, h, w] = img as number[];
    if (c * h * w !== o.inputSize) bad(`imageShape [${c}, ${h}, ${w}] does not hold inputSize ${String(o.inputSize)} features`);
    if (!Array.isArray(o.channels) || o.channels.length === 0 || !o.channels.every(isSize)) bad('channels must be a non-empty list of whole numbers >= 1');
    if (h >> (o.channels as number[]).length === 0 || w >> (o.channels as number[]).length === 0) bad(`${(o.channels as number[]).length} pooling steps leave no pixels of a ${h}x${w} image`);
    return {
      kind: 'cnn', inputSize: o.inputSize as number, imageShape: [c, h, w], channels: [...(o.channels as number[])],
      outputSize: o.outputSize as number, activation: o.activation as ActivationName,
    };
  }
  if (!Array.isArray(o.hidden) || !o.hidden.every(isSize)) bad('hidden must be a list of whole numbers >= 1');
  return { ...(o.kind === 'mlp' ? { kind: 'mlp' as const } : {}), inputSize: o.inputSize as number, hidden: [...(o.hidden as number[])], outputSize: o.outputSize as number, activation: o.activation as ActivationName };
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

