/** F.embedding: row lookup in a weight table by int32 indices. */
import { Tensor, where } from '@tapegrad/core';
import { runKernel } from '@tapegrad/core/internal';

/**
 * Rows of `weight` [num, dim] picked by `input` (int32 indices, any shape) -> [...input.shape, dim].
 * With `paddingIdx`, positions holding that index get no gradient (as PyTorch).
 * @example
 * F.embedding(tensor([[0, 2], [1, 1]]), weight) // weight [10, 3] -> [2, 2, 3]
 */
export function embedding(input: Tensor, weight: Tensor, { paddingIdx = null }: { paddingIdx?: number | null } = {}): Tensor {
  if (!(input instanceof Tensor) || !(weight instanceof Tensor)) throw new TypeError('embedding: expected Tensors for input and weight');
  if (input.dtype !== 'int32') {
    throw new TypeError(`embedding: expected int32 indices, got ${input.dtype}; JS numbers are float by default, so create indices with { dtype: 'int32' } (tensor([0, 2], { dtype: 'int32' })) or convert with .int()`);
  }
  if (weight.ndim !== 2) throw new RangeError(`embedding: weight must be 2-D [numEmbeddings, embeddingDim], got shape [${weight.shape.join(', ')}]`);
  const [num, dim] = weight.shape;
  // Checked inside a kernel, so that compile's replays check every call's indices too. On the webgpu
  // device (issue 17) indexSelect checks them on the indices' host copy, where one exists.
  if (input.device === 'cpu') runKernel(() => {
    const idx = input._contigData();
    for (let i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= num) throw new RangeError(`embedding: index ${idx[i]} is out of range for ${num} embeddings (valid 0..${num - 1})`);
    }
  });
  let pad = paddingIdx;
  if (pad !== null && pad !== undefined) {
    if (pad < -num || pad >= num) throw new RangeError(`embedding: paddingIdx ${pad} must be within the number of embeddings ${num}`);
    if (pad < 0) pad += num;
  }
  const rows = weight.indexSelect(0, input.reshape([-1]));
  let out = rows.reshape([...input.shape, dim]);
  if (pad !== null && pad !== undefined) {
    // Same values, but no gradient flows into the padding row.
    const isPad = input.eq(pad).unsqueeze(-1);
    out = where(isPad, out.detach(), out);
  }
  return out;
}
