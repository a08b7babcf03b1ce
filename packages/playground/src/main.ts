/**
 * The page: reads the form into a config, runs the Trainer in short time slices between frames so the
 * page stays responsive, redraws the canvases and numbers, and exposes `window.playground` for tests.
 */
import { kernelBackend, webgpu, type Device } from '@tapegrad/core';
import {
  ConfigError, DEFAULT_CONFIG, DEFAULT_LR, DEFAULT_NOISE, formatHidden, resolveConfig,
  type DatasetName, type OptimizerName, type PlaygroundConfig,
} from './config';
import { drawLoss, drawRegions } from './render';
import { Trainer } from './trainer';
import type { PlaygroundApi, PlaygroundState, ConfigChanges } from './api';

/** Milliseconds of training per frame: leaves room for drawing within a 60 Hz frame. */
const TRAIN_BUDGET_MS = 12;
/** Resolution of the decision-region grid (cells per side). */
const GRID_CELLS = 64;

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: element #${id} is missing from the page`);
  return el as T;
}

const form = {
  dataset: byId<HTMLSelectElement>('dataset'),
  noise: byId<HTMLInputElement>('noise'),
  hidden: byId<HTMLInputElement>('hidden'),
  activation: byId<HTMLSelectElement>('activation'),
  optimizer: byId<HTMLSelectElement>('optimizer'),
  lr: byId<HTMLInputElement>('lr'),
  batchSize: byId<HTMLInputElement>('batch-size'),
  seed: byId<HTMLInputElement>('seed'),
};
const ui = {
  train: byId<HTMLButtonElement>('train'),
  step: byId<HTMLButtonElement>('step'),
  reset: byId<HTMLButtonElement>('reset'),
  error: byId<HTMLParagraphElement>('config-error'),
  status: byId<HTMLElement>('status'),
  epoch: byId<HTMLElement>('epoch'),
  steps: byId<HTMLElement>('steps'),
  loss: byId<HTMLElement>('loss'),
  testLoss: byId<HTMLElement>('test-loss'),
  trainAcc: byId<HTMLElement>('train-acc'),
  testAcc: byId<HTMLElement>('test-acc'),
  speed: byId<HTMLElement>('speed'),
  regions: byId<HTMLCanvasElement>('regions'),
  lossChart: byId<HTMLCanvasElement>('loss-chart'),
  noiseHint: byId<HTMLElement>('noise-hint'),
  summary: byId<HTMLElement>('model-summary'),
  backend: byId<HTMLElement>('backend'),
  device: byId<HTMLElement>('device'),
};

let config: PlaygroundConfig = { ...DEFAULT_CONFIG, hidden: [...DEFAULT_CONFIG.hidden] };
/** The GPU when the browser has WebGPU (see start below), else the cpu. */
let device: Device = 'cpu';
let trainer = new Trainer(config);
/** Readbacks of a GPU trainer, one after another (frames and renders wait for them). */
let settling: Promise<void> = Promise.resolve();
let running = false;
let frameId = 0;
/** Steps and time since the speed readout last changed, for steps per second (live training only). */
let speedWindow = { steps: 0, since: performance.now() };
let lastError = '';

// ---- form <-> config ---------------------------------------------------------------------------------

function writeForm(c: PlaygroundConfig): void {
  form.dataset.value = c.dataset;
  form.noise.value = String(c.noise);
  form.hidden.value = formatHidden(c.hidden);
  form.activation.value = c.activation;
  form.optimizer.value = c.optimizer;
  form.lr.value = String(c.lr);
  form.batchSize.value = String(c.batchSize);
  form.seed.value = String(c.seed);
}

/** Number fields by config key, with the label the error message uses. */
const NUMBER_FIELDS = [['noise', 'Noise'], ['lr', 'Learning rate'], ['batchSize', 'Batch size'], ['seed', 'Seed']] as const;

/** The value of a number field; a browser leaves `value` empty when the text is not a number. */
function num(key: (typeof NUMBER_FIELDS)[number][0]): number {
  const input = form[key];
  if (input.value.trim() === '') {
    const label = NUMBER_FIELDS.find(([k]) => k === key)?.[1] ?? key;
    throw new ConfigError(key, `${label}: enter a number`);
  }
  return Number(input.value);
}

function readForm(): PlaygroundConfig {
  return resolveConfig({
    dataset: form.dataset.value as DatasetName,
    noise: num('noise'),
    hidden: form.hidden.value,
    activation: form.activation.value as PlaygroundConfig['activation'],
    optimizer: form.optimizer.value as OptimizerName,
    lr: num('lr'),
    batchSize: num('batchSize'),
    seed: num('seed'),
  }, config);
}

function showError(err: unknown): void {
  for (const input of Object.values(form)) input.removeAttribute('aria-invalid');
  if (err === null) {
    ui.error.hidden = true;
    ui.error.textContent = '';
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  ui.error.textContent = message;
  ui.error.hidden = false;
  if (err instanceof ConfigError && err.field in form) form[err.field as keyof typeof form].setAttribute('aria-invalid', 'true');
}

/** Applies the form: a valid change starts a new model (still running if it was); an invalid one is shown. */
function applyForm(): void {
  try {
    const next = readForm();
    showError(null);
    config = next;
    newTrainer();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    showError(err);
  }
}

// ---- training loop -----------------------------------------------------------------------------------

function newTrainer(): void {
  trainer = new Trainer(config, device);
  ui.noiseHint.textContent = config.dataset === 'blobs' ? '(std of each cloud)' : '(Gaussian std)';
  speedWindow = { steps: 0, since: performance.now() };
  ui.speed.textContent = '–';
  ui.speed.dataset.value = '0';
  void settle().then(render);
}

function setRunning(on: boolean): void {
  running = on && !trainer.diverged;
  ui.train.textContent = running ? 'Pause' : 'Train';
  ui.train.dataset.action = running ? 'pause' : 'train';
  cancelAnimationFrame(frameId);
  if (running) {
    speedWindow = { steps: 0, since: performance.now() };
    frameId = requestAnimationFrame(() => void frame());
  }
  updateStatus();
}

async function frame(): Promise<void> {
  if (!running) return;
  const t0 = performance.now();
  let steps = 0;
  const t = trainer;
  try {
    // Whole steps until the time slice is used up; at least one so that slow networks still move. On the
    // GPU a step only enqueues work: at most an epoch per frame, then the frame waits for its results.
    const cap = device === 'webgpu' ? Math.ceil(t.data.xTrain.shape[0] / t.batchSize) : Infinity;
    do steps += t.trainSteps(1);
    while (performance.now() - t0 < TRAIN_BUDGET_MS && !t.diverged && steps < cap);
    if (device === 'webgpu') await settle();
  } catch (err) {
    fail(err);
    return;
  }
  if (t !== trainer || !running) return; // reset or paused while the GPU worked
  speedWindow.steps += steps;
  const now = performance.now();
  if (now - speedWindow.since >= 500) {
    const rate = (1000 * speedWindow.steps) / (now - speedWindow.since);
    setStat(ui.speed, rate, `${rate.toFixed(0)} steps/s`);
    speedWindow = { steps: 0, since: now };
  }
  await render();
  if (trainer.diverged) setRunning(false);
  else if (running) frameId = requestAnimationFrame(() => void frame());
}

/** Reads a GPU trainer's results back (nothing to wait for on the cpu). */
function settle(): Promise<void> {
  const t = trainer;
  settling = settling.then(() => t.settle());
  return settling;
}

/** An unexpected error (a bug, not a bad setting): stop, show it, and let it reach the console. */
function fail(err: unknown): void {
  lastError = err instanceof Error ? err.message : String(err);
  running = false;
  ui.train.textContent = 'Train';
  ui.train.dataset.action = 'train';
  showError(err);
  updateStatus();
  throw err;
}

// ---- drawing -----------------------------------------------------------------------------------------

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

function setStat(el: HTMLElement, value: number, text: string): void {
  el.dataset.value = String(value);
  el.textContent = text;
}

function updateStatus(): void {
  const state = lastError ? 'error' : trainer.diverged ? 'diverged' : running ? 'running' : trainer.steps > 0 ? 'paused' : 'idle';
  ui.status.dataset.state = state;
  ui.status.textContent = {
    idle: 'Ready: press Train',
    running: 'Training…',
    paused: 'Paused',
    diverged: 'Diverged: the loss is not finite. Lower the learning rate and press Reset.',
    error: `Error: ${lastError}`,
  }[state];
  ui.step.disabled = running || trainer.diverged;
}

async function render(): Promise<void> {
  const t = trainer;
  const grid = device === 'webgpu' ? await t.predictGridAsync(GRID_CELLS, GRID_CELLS) : t.predictGrid(GRID_CELLS, GRID_CELLS);
  if (t !== trainer) return;
  const m = trainer.metrics;
  setStat(ui.epoch, m.epoch, String(m.epoch));
  setStat(ui.steps, trainer.steps, String(trainer.steps));
  setStat(ui.loss, m.trainLoss, m.trainLoss.toFixed(4));
  setStat(ui.testLoss, m.testLoss, m.testLoss.toFixed(4));
  setStat(ui.trainAcc, m.trainAccuracy, pct(m.trainAccuracy));
  setStat(ui.testAcc, m.testAccuracy, pct(m.testAccuracy));
  drawRegions(ui.regions, grid, trainer.data);
  drawLoss(ui.lossChart, trainer.history);
  const nTrain = trainer.data.xTrain.shape[0], nTest = trainer.data.xTest.shape[0];
  ui.summary.textContent = `${trainer.model.numParameters()} parameters · ${nTrain} training / ${nTest} test points · `
    + `batch ${trainer.batchSize} (${Math.ceil(nTrain / trainer.batchSize)} steps per epoch)`;
  // The WebAssembly kernel may finish compiling after the first frames.
  ui.backend.textContent = `Matrix products: ${kernelBackend() === 'wasm' ? 'WebAssembly SIMD' : 'JavaScript'} kernel.`;
  updateStatus();
}

// ---- events ------------------------------------------------------------------------------------------

form.dataset.addEventListener('change', () => {
  form.noise.value = String(DEFAULT_NOISE[form.dataset.value as DatasetName]);
  applyForm();
});
form.optimizer.addEventListener('change', () => {
  form.lr.value = String(DEFAULT_LR[form.optimizer.value as OptimizerName]);
  applyForm();
});
for (const input of [form.noise, form.hidden, form.activation, form.lr, form.batchSize, form.seed]) {
  input.addEventListener('change', applyForm);
}
byId<HTMLFormElement>('controls').addEventListener('submit', (e) => {
  e.preventDefault();
  applyForm();
});
ui.train.addEventListener('click', () => setRunning(!running));
ui.step.addEventListener('click', () => {
  trainer.trainSteps(Math.ceil(trainer.data.xTrain.shape[0] / trainer.batchSize));
  void settle().then(render);
});
ui.reset.addEventListener('click', () => {
  setRunning(false);
  newTrainer();
});

// ---- test API ----------------------------------------------------------------------------------------

function state(): PlaygroundState {
  const m = trainer.metrics;
  return {
    running,
    diverged: trainer.diverged,
    error: lastError || null,
    epoch: m.epoch,
    steps: trainer.steps,
    trainLoss: m.trainLoss,
    testLoss: m.testLoss,
    trainAccuracy: m.trainAccuracy,
    testAccuracy: m.testAccuracy,
    config: { ...config, hidden: [...config.hidden] },
    backend: kernelBackend(),
    device,
  };
}

const api: PlaygroundApi = {
  setConfig(changes: ConfigChanges): PlaygroundConfig {
    const next = resolveConfig(changes, config);
    writeForm(next);
    showError(null);
    config = next;
    newTrainer();
    return state().config;
  },
  getConfig: () => state().config,
  async train(steps: number): Promise<PlaygroundState> {
    trainer.trainSteps(steps);
    await settle();
    await render();
    return state();
  },
  start: () => setRunning(true),
  pause: () => setRunning(false),
  reset(): void {
    setRunning(false);
    newTrainer();
  },
  accuracy: () => ({ train: trainer.metrics.trainAccuracy, test: trainer.metrics.testAccuracy }),
  state,
};
window.playground = api;

/**
 * Trains on the GPU when the browser has WebGPU and an adapter opens, else on the cpu; the readout says
 * which (and its tooltip why not the GPU).
 */
async function start(): Promise<void> {
  let why = 'this browser has no WebGPU (navigator.gpu)';
  if ((navigator as { gpu?: unknown }).gpu !== undefined) {
    try {
      await webgpu.init();
      device = 'webgpu';
    } catch (e) {
      why = (e instanceof Error ? e.message : String(e)).replace(/^webgpu\.init: /, '');
    }
  }
  ui.device.dataset.value = device;
  ui.device.textContent = device === 'webgpu' ? `webgpu (${webgpu.info().adapter || 'GPU'})` : 'cpu';
  ui.device.title = device === 'webgpu' ? 'Training on the GPU through WebGPU: a compiled step, one command buffer per step' : `cpu: ${why}`;
  writeForm(config);
  newTrainer();
  await settle();
  await render();
  document.documentElement.dataset.ready = 'true';
}
void start();
