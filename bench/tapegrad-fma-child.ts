/**
 * The tapegrad-fma column in a child process: bench/run.ts starts it as
 * `node --experimental-wasm-relaxed-simd scripts/run-ts.cjs bench/tapegrad-fma-child.ts '<json>'` when its
 * own engine does not ship relaxed SIMD (Node 20). Reads the bench config and the digits (the raw files
 * bench/torch.py also reads), runs every row on the relaxed-SIMD kernels, and prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import type { BenchConfig } from './config';
import type { DigitsArrays } from './digits-data';
import { runTapegrad } from './tapegrad';
import { setClock } from './timing';

interface ChildArgs {
  cfg: BenchConfig;
  digits: { images: string; labels: string; trainSize: number; pixels: number } | null;
}

const args = JSON.parse(process.argv[2] ?? '') as ChildArgs;
setClock(args.cfg.clock);
let data: DigitsArrays | null = null;
if (args.digits) {
  const img = readFileSync(args.digits.images), lab = readFileSync(args.digits.labels);
  const images = new Float32Array(img.buffer.slice(img.byteOffset, img.byteOffset + img.byteLength));
  const labels = new Int32Array(lab.buffer.slice(lab.byteOffset, lab.byteOffset + lab.byteLength));
  data = { images, labels, trainSize: args.digits.trainSize, testSize: labels.length - args.digits.trainSize, pixels: args.digits.pixels };
}
const r = runTapegrad(args.cfg, data, (m) => process.stderr.write(m + '\n'), true);
process.stdout.write(JSON.stringify(r) + '\n');
