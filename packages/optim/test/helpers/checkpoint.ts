/**
 * Simulates a checkpoint: tensors are taken out and stored separately (as typed data), everything else
 * goes through JSON text — what the tapegrad checkpoint code does with an optimizer state dict.
 */
import { Tensor, tensor, DType } from '@tapegrad/core';

interface Stored { dtype: DType; shape: number[]; data: number[] }

export function throughCheckpoint<T>(value: T): T {
  const store: Stored[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Tensor) return { $tensor: store.push({ dtype: v.dtype, shape: v.shape, data: Array.from(v.dataSync()) }) - 1 };
    if (typeof v === 'function') throw new Error('a function in a state dict');
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype) {
      throw new Error(`a ${(v as object).constructor.name} in a state dict (only plain objects are JSON)`);
    }
    return v;
  });
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && '$tensor' in (v as object)) {
      const s = store[(v as { $tensor: number }).$tensor];
      return tensor(s.data, { dtype: s.dtype }).reshape(s.shape);
    }
    return v;
  }) as T;
}
