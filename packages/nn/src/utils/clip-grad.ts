/** Gradient clipping (PyTorch's `torch.nn.utils.clip_grad_norm_` / `clip_grad_value_`). */
import { Tensor, tensor, noGrad } from '@tapegrad/core';
import { runKernel } from '@tapegrad/core/internal';
import { checkOptions, isOptionsObject } from '../check';

export interface ClipGradNormOptions {
  /** Norm order when given as an option (`{ normType: 1 }`): any p > 0, or `Infinity` / `'inf'`. Default 2. */
  normType?: number | 'inf';
  /** Throw if the total norm is NaN or ±Infinity (default false: scale by it anyway, as PyTorch). */
  errorIfNonfinite?: boolean;
}

function paramsOf(fn: string, parameters: Tensor | Iterable<Tensor>): Tensor[] {
  if (parameters instanceof Tensor) return [parameters];
  if (parameters === null || typeof (parameters as Iterable<Tensor>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${fn}: parameters must be a Tensor or an iterable of Tensors (e.g. model.parameters())`);
  }
  const out: Tensor[] = [];
  for (const p of parameters) {
    if (!(p instanceof Tensor)) throw new TypeError(`${fn}: every parameter must be a Tensor`);
    out.push(p);
  }
  return out;
}

/** The grads the parameters have now, read as an optimizer reads them (no reference is kept past the call). */
function gradsNow(params: readonly Tensor[]): Tensor[] {
  const out: Tensor[] = [];
  for (const p of params) {
    const g = p._peekGrad();
    if (g !== null) out.push(g);
  }
  return out;
}

function gradsOf(fn: string, parameters: Tensor | Iterable<Tensor>): Tensor[] {
  return paramsOf(fn, parameters).map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/** Options with `maxNorm` too: PyTorch's `clip_grad_norm_(params, max_norm=1.0)` is `clipGradNorm_(params, { maxNorm: 1.0 })`. */
export interface ClipGradNormKeywords extends ClipGradNormOptions {
  maxNorm: number;
}

/**
 * Scales all gradients together so that their total norm (the norm of the vector of every gradient
 * entry) is at most `maxNorm`: each grad is multiplied by min(1, maxNorm / (total + 1e-6)).
 * `normType` may be any p > 0 or `Infinity` / `'inf'` (largest |g|). Returns the total norm before
 * clipping, as a 0-d tensor. Parameters without a gradient are skipped. PyTorch's keyword arguments
 * may be given as options: `clipGradNorm_(params, 1.0, { normType: 'inf' })` or
 * `clipGradNorm_(params, { maxNorm: 1.0, normType: 2 })`.
 * @example
 * loss.backward();
 * const norm = utils.clipGradNorm_(model.parameters(), 1.0);
 * optimizer.step();
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number | ClipGradNormKeywords,
  normType: number | 'inf' | ClipGradNormOptions = 2,
  options: ClipGradNormOptions = {},
): Tensor {
  let errorIfNonfinite = options.errorIfNonfinite ?? false;
  if (isOptionsObject(maxNorm)) {
    ({ maxNorm, normType = 2, errorIfNonfinite = false } = checkOptions<ClipGradNormKeywords>('clipGradNorm_', maxNorm as ClipGradNormKeywords, ['maxNorm', 'normType', 'errorIfNonfinite']));
  } else if (isOptionsObject(normType)) {
    ({ normType = 2, errorIfNonfinite = false } = checkOptions<ClipGradNormOptions>('clipGradNorm_', normType as ClipGradNormOptions, ['normType', 'errorIfNonfinite']));
  }
  const params = paramsOf('clipGradNorm_', parameters);
  const p = normType === 'inf' ? Infinity : normType;
  if (typeof p !== 'number' || !(p > 0)) throw new RangeError(`clipGradNorm_: normType must be a positive number or Infinity, got ${String(normType)}`);
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw new TypeError(`clipGradNorm_: maxNorm must be a number, got ${String(maxNorm)}`);
  const grads = gradsNow(params);
  if (grads.length === 0) return tensor(0, { dtype: 'float32' });
  const out = tensor(0, { dtype: grads[0].dtype });
  const max = maxNorm;
  // One kernel (compile, issue 15): a compiled step's replay runs it again on the grads then present,
  // reading their values when it runs, so the norm is not a value read that keeps the step eager.
  runKernel(() => {
    const gs = gradsNow(params);
    const total = totalNorm(gs, p);
    if (errorIfNonfinite && !Number.isFinite(total)) {
      throw new RangeError(
        `clipGradNorm_: the total norm of order ${p} for gradients from parameters is non-finite (${total}), so it cannot be clipped. ` +
          'To scale the gradients by the non-finite norm anyway, pass { errorIfNonfinite: false }',
      );
    }
    const coef = Math.min(max / (total + 1e-6), 1);
    if (coef < 1 || Number.isNaN(coef)) noGrad(() => gs.forEach((g) => g.mul_(coef)));
    out._storage.data[0] = total;
  }, out._storage.data);
  return out;
}

/** The total norm of order `p` of all the grads' entries, accumulated in float64 JS numbers (PyTorch takes the norm of the per-tensor norms: the same). */
function totalNorm(grads: readonly Tensor[], p: number): number {
  let total = 0;
  if (p === Infinity) {
    for (const g of grads) {
      const d = g._contigData();
      for (let i = 0; i < d.length; i++) {
        const a = Math.abs(d[i]);
        if (a > total || Number.isNaN(a)) total = a;
      }
    }
    return total;
  }
  for (const g of grads) {
    const d = g._contigData();
    for (let i = 0; i < d.length; i++) total += p === 2 ? d[i] * d[i] : Math.pow(Math.abs(d[i]), p);
  }
  return p === 2 ? Math.sqrt(total) : Math.pow(total, 1 / p);
}

/**
 * Clamps every gradient entry into [−clipValue, clipValue] in place.
 * @example utils.clipGradValue_(model.parameters(), 0.5) // or (model.parameters(), { clipValue: 0.5 })
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number | { clipValue: number }): void {
  if (isOptionsObject(clipValue)) clipValue = checkOptions<{ clipValue: number }>('clipGradValue_', clipValue as { clipValue: number }, ['clipValue']).clipValue;
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue)) throw new TypeError(`clipGradValue_: clipValue must be a number, got ${String(clipValue)}`);
  const c = Math.abs(clipValue);
  const grads = gradsOf('clipGradValue_', parameters);
  noGrad(() => grads.forEach((g) => g.clamp_(-c, c)));
}

/** All parameters flattened into one 1-D tensor (`parameters_to_vector`). */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const parts: number[] = [];
  let dtype: Tensor['dtype'] = 'float32';
  for (const p of parameters) {
    dtype = p.dtype;
    const d = p.dataSync();
    for (let i = 0; i < d.length; i++) parts.push(d[i]);
  }
  return tensor(parts, { dtype });
}

/** Copies consecutive slices of `vec` into the parameters, in place (`vector_to_parameters`). */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  const params = [...parameters];
  const n = params.reduce((a, p) => a + p.numel(), 0);
  if (vec.ndim !== 1 || vec.numel() !== n) throw new RangeError(`vectorToParameters: expected a 1-D vector of ${n} elements, got shape [${vec.shape.join(', ')}]`);
  let off = 0;
  noGrad(() => {
    for (const p of params) {
      p.copy_(vec.narrow(0, off, p.numel()).reshape(p.shape));
      off += p.numel();
    }
  });
}
