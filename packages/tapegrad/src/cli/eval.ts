/**
 * `tapegrad eval`: rebuilds a model saved by `tapegrad train` from its safetensors metadata and reports its
 * test loss, accuracy and confusion matrix.
 */
import * as fs from 'fs';
import type { Tensor } from '@tapegrad/core';
import { loadWithMetadata } from '../io/checkpoint';
import { parseDataset, datasetLabel, type EvalArgs, type DatasetSpec } from './args';
import { loadData } from './datasets';
import { evaluate } from './evaluate';
import { buildModel, checkWeights, describeArchitecture, META_ARCHITECTURE, modelInput, parseArchitecture, type Architecture } from './model';
import { confusionMatrix, formatConfusionMatrix, pct } from './report';
import { META_DATA, META_TEST_ACCURACY, type CliIO, type DataRecipe } from './train';

/** What `eval` reports (and prints with --json). */
export interface EvalReport {
  model: string;
  architecture: Architecture;
  dataset: string;
  testExamples: number;
  testLoss: number;
  testAccuracy: number;
  /** The accuracy written into the checkpoint at save time (null if absent). */
  recordedTestAccuracy: number | null;
  /** Whether the test split is the one the recorded figure was measured on. */
  sameSplitAsRecorded: boolean;
  confusionMatrix: number[][];
}

function parseRecipe(json: string | undefined, source: string): DataRecipe | null {
  if (json === undefined) return null;
  try {
    const r = JSON.parse(json) as DataRecipe;
    if (typeof r.dataset !== 'string' || typeof r.seed !== 'number') throw new Error('missing dataset or seed');
    return r;
  } catch (err) {
    throw new Error(`${source}: bad "${META_DATA}" metadata (${(err as Error).message})`);
  }
}

/**
 * Loads the checkpoint and checks it fully before building anything: readable safetensors, architecture
 * metadata present and valid, and weights of exactly the declared shapes.
 */
export function loadModelFile(path: string): { model: ReturnType<typeof buildModel>; architecture: Architecture; metadata: Record<string, string> } {
  if (!fs.existsSync(path)) throw new Error(`cannot read model "${path}": no such file`);
  if (fs.statSync(path).isDirectory()) throw new Error(`cannot read model "${path}": it is a folder; pass the model.safetensors file inside it`);
  let tensors: Record<string, Tensor>, metadata: Record<string, string>;
  try {
    ({ tensors, metadata } = loadWithMetadata(path));
  } catch (err) {
    throw new Error(`cannot read model: ${(err as Error).message.replace(/^load: /, '')} (corrupted or not a safetensors file?)`);
  }
  const architecture = parseArchitecture(metadata[META_ARCHITECTURE], path);
  checkWeights(architecture, tensors, path);
  const model = buildModel(architecture);
  model.loadStateDict(tensors);
  return { model, architecture, metadata };
}

/** Runs `tapegrad eval` and returns the report (printed as text, or as JSON with --json). */
export function runEval(args: EvalArgs, io: CliIO): EvalReport {
  const { model, architecture, metadata } = loadModelFile(args.model);
  const recipe = parseRecipe(metadata[META_DATA], args.model);
  let spec: DatasetSpec;
  if (args.dataset !== null) spec = args.dataset;
  else if (recipe !== null) spec = parseDataset(recipe.dataset);
  else throw new Error(`${args.model} does not record its data set; pass --dataset`);
  const limit = args.limit ?? recipe?.limit ?? null;
  const testLimit = args.testLimit ?? recipe?.testLimit ?? null;
  const data = loadData(spec, {
    seed: recipe?.seed ?? 0,
    samples: recipe?.samples ?? 1000,
    noise: recipe?.noise ?? null,
    limit,
    testLimit,
  });
  if (data.inputSize !== architecture.inputSize) {
    throw new Error(`${args.model}: the model takes ${architecture.inputSize} inputs but ${data.label} has ${data.inputSize} features per example`);
  }
  if (data.numClasses !== architecture.outputSize) {
    throw new Error(`${args.model}: the model has ${architecture.outputSize} outputs but ${data.label} has ${data.numClasses} classes`);
  }
  const ev = evaluate(model, { x: modelInput(architecture, data.test.x), y: data.test.y }, args.batchSize);
  const cm = confusionMatrix(data.test.y.dataSync(), ev.predictions, data.numClasses);
  const recordedRaw = metadata[META_TEST_ACCURACY];
  const recorded = recordedRaw === undefined ? null : Number(recordedRaw);
  const sameSplit = recipe !== null && datasetLabel(spec) === recipe.dataset && testLimit === recipe.testLimit;
  const report: EvalReport = {
    model: args.model,
    architecture,
    dataset: data.label,
    testExamples: ev.total,
    testLoss: ev.loss,
    testAccuracy: ev.accuracy,
    recordedTestAccuracy: recorded,
    sameSplitAsRecorded: sameSplit,
    confusionMatrix: cm,
  };
  if (args.json) {
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return report;
  }
  const out = (s = '') => io.stdout.write(s + '\n');
  out(`tapegrad eval: ${args.model}`);
  out(`model: ${describeArchitecture(architecture)}`);
  out(`data: ${data.label}, ${ev.total} test examples`);
  out(`test accuracy ${pct(ev.accuracy)} (${ev.correct}/${ev.total}), loss ${ev.loss.toFixed(4)}`);
  if (recorded !== null && sameSplit) {
    out(recorded === ev.accuracy
      ? `matches the accuracy recorded at save time (${pct(recorded)})`
      : `WARNING: differs from the accuracy recorded at save time (${pct(recorded)})`);
  }
  out();
  out('Confusion matrix (rows: true class, columns: predicted)');
  out(formatConfusionMatrix(cm, data.classes));
  return report;
}
