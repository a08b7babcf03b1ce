/**
 * Reads fixtures/pytorch/pooling-resample.json (written by fixtures/pytorch/pooling_norm.py with
 * PyTorch 1.13): each case's input, output, indices, and the gradient of sum(output · upstream) where
 * upstream[i] = cos(i).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Tensor, tensor, cos, arange } from '@tapegrad/core';

export interface Flat { shape: number[]; data: number[] }
export interface TorchCase { name: string; op: string; args: Record<string, unknown>; x: Flat; out: Flat; grad: Flat; indices?: Flat }

export const torchCases: TorchCase[] = JSON.parse(
  readFileSync(join(__dirname, '../../../../fixtures/pytorch/pooling-resample.json'), 'utf8'),
).cases;

export const fromFlat = (f: Flat, dtype: 'float32' | 'float64' | 'int32' = 'float64'): Tensor =>
  tensor(f.data, { dtype }).reshape(f.shape);

/** The upstream gradient of the fixtures: cos of the flat index, in `dtype`. */
export const upstream = (shape: number[], dtype: 'float32' | 'float64'): Tensor =>
  cos(arange(0, shape.reduce((a, b) => a * b, 1), 1, { dtype: 'float64' })).reshape(shape).to(dtype);
