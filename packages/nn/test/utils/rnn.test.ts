import { Tensor, tensor, randn, gradcheck, manualSeed } from '@tapegrad/core';
import { padSequence, packPaddedSequence, padPackedSequence, packSequence, PackedSequence, unpadSequence, unpackSequence } from '../../src/utils/rnn';
import { utils } from '../../src';

const f32 = (v: number[] | number[][]) => tensor(v, { dtype: 'float32' });
const vals = (t: Tensor): number[] => Array.from(t.dataSync());

describe('padSequence', () => {
  it('pads to the longest sequence, time-major or batch-first', () => {
    const seqs = [f32([1, 2, 3]), f32([4]), f32([5, 6])];
    expect(padSequence(seqs).toArray()).toEqual([[1, 4, 5], [2, 0, 6], [3, 0, 0]]);
    expect(padSequence(seqs, { batchFirst: true, paddingValue: -1 }).toArray()).toEqual([[1, 2, 3], [4, -1, -1], [5, 6, -1]]);
    expect(padSequence([randn([2, 4]), randn([3, 4])]).shape).toEqual([3, 2, 4]);
  });
  it('is differentiable', () => {
    const a = randn([2, 2], { dtype: 'float64' }).requiresGrad_(), b = randn([1, 2], { dtype: 'float64' }).requiresGrad_();
    expect(gradcheck((x: Tensor, y: Tensor) => padSequence([x, y]).mul(padSequence([x, y])), [a, b]).ok).toBe(true);
  });
  it('rejects mismatched trailing shapes', () => {
    expect(() => padSequence([randn([2, 3]), randn([2, 4])])).toThrow('padSequence: every sequence must be [L, 3] like the first; got shapes [2, 3], [2, 4]');
  });
});

describe('packPaddedSequence / padPackedSequence', () => {
  it('packs time-major with the batch sizes per step (hand-worked example)', () => {
    // sequences [1, 2, 3], [4, 5], [6] padded time-major
    const x = f32([[1, 4, 6], [2, 5, 0], [3, 0, 0]]);
    const p = packPaddedSequence(x, [3, 2, 1]);
    expect(p).toBeInstanceOf(PackedSequence);
    expect(p.data.toArray()).toEqual([1, 4, 6, 2, 5, 3]);
    expect(p.batchSizes.toArray()).toEqual([3, 2, 1]);
    expect(p.batchSizes.dtype).toBe('int32');
    expect(p.sortedIndices).toBeNull();
    const [padded, lengths] = padPackedSequence(p, { totalLength: 4 });
    expect(padded.toArray()).toEqual([[1, 4, 6], [2, 5, 0], [3, 0, 0], [0, 0, 0]]);
    expect(lengths.toArray()).toEqual([3, 2, 1]);
  });

  it('sorts an unsorted batch with enforceSorted false and restores its order', () => {
    const x = f32([[4, 2, 3, 5], [0, 1, 1, 6]]); // [T=2, B=4]: sequences [4], [2, 1], [3, 1], [5, 6]
    const p = packPaddedSequence(x, [1, 2, 2, 2], { enforceSorted: false });
    expect(p.sortedIndices?.toArray()).toEqual([1, 2, 3, 0]);
    expect(p.unsortedIndices?.toArray()).toEqual([3, 0, 1, 2]);
    expect(p.data.toArray()).toEqual([2, 3, 5, 4, 1, 1, 6]);
    const [padded, lengths] = padPackedSequence(p, { batchFirst: true, paddingValue: 9 });
    expect(padded.toArray()).toEqual([[4, 9], [2, 1], [3, 1], [5, 6]]);
    expect(lengths.toArray()).toEqual([1, 2, 2, 2]);
    expect(packSequence([f32([7]), f32([8, 9])], { enforceSorted: false }).data.toArray()).toEqual([8, 7, 9]);
  });

  it('round-trips batch-first input and carries gradients to the padded input', () => {
    manualSeed(1);
    const x = randn([3, 4, 2], { dtype: 'float64' }).requiresGrad_();
    const f = (xx: Tensor) => padPackedSequence(packPaddedSequence(xx, [2, 4, 1], { batchFirst: true, enforceSorted: false }), { batchFirst: true })[0];
    const y = f(x);
    expect(vals(y.select(0, 1))).toEqual(vals(x.select(0, 1)));
    expect(vals(y.select(0, 0).narrow(0, 0, 2))).toEqual(vals(x.select(0, 0).narrow(0, 0, 2)));
    expect(vals(y.select(0, 2).narrow(0, 1, 1))).toEqual([0, 0]);
    expect(gradcheck(f, [x]).ok).toBe(true);
  });

  it('unpadSequence and unpackSequence give the sequences back in the original order (PyTorch 1.13 has both)', () => {
    const seqs = [f32([[1, 2], [3, 4]]), f32([[5, 6], [7, 8], [9, 10]]), f32([[11, 12]])];
    const back = unpackSequence(packSequence(seqs, { enforceSorted: false }));
    expect(back.map((t) => t.toArray())).toEqual(seqs.map((t) => t.toArray()));
    const bf = unpadSequence(padSequence(seqs, { batchFirst: true, paddingValue: 9 }), tensor([2, 3, 1], { dtype: 'int32' }), { batchFirst: true });
    expect(bf.map((t) => t.shape)).toEqual([[2, 2], [3, 2], [1, 2]]);
    expect(bf.map((t) => t.toArray())).toEqual(seqs.map((t) => t.toArray()));
    // differentiable: each sequence gets its own gradient back, the padding none
    const x = randn([3, 2], { dtype: 'float64' }).requiresGrad_();
    expect(gradcheck((xx: Tensor) => unpadSequence(xx, [3, 1])[1].mul(2), [x]).ok).toBe(true);
    expect(() => unpadSequence(randn([3, 2]), [3])).toThrow('unpadSequence: expected one length per sequence (batch size 2 of [3, 2]), got 1');
    expect(() => unpadSequence(randn([3, 2]), [4, 1])).toThrow('unpadSequence: length 4 of sequence 0 is not an integer in [0, 3]');
    expect(utils.rnn.unpackSequence).toBe(unpackSequence);
  });

  it('PackedSequence built from sortedIndices alone gets their inverse as unsortedIndices (PyTorch)', () => {
    // torch: pad_packed_sequence(PackedSequence(arange(4.), tensor([2, 1, 1]), tensor([1, 0])))
    //   -> (tensor([[1., 0.], [0., 2.], [0., 3.]]), tensor([1, 3]))
    const p = new PackedSequence(f32([0, 1, 2, 3]), tensor([2, 1, 1], { dtype: 'int32' }), tensor([1, 0], { dtype: 'int32' }));
    expect(p.unsortedIndices?.toArray()).toEqual([1, 0]);
    const [padded, lengths] = padPackedSequence(p);
    expect(padded.toArray()).toEqual([[1, 0], [0, 2], [0, 3]]);
    expect(lengths.toArray()).toEqual([1, 3]);
    const q = new PackedSequence(f32([0, 1, 2, 3, 4]), tensor([3, 2], { dtype: 'int32' }), tensor([2, 0, 1], { dtype: 'int32' }));
    expect(q.unsortedIndices?.toArray()).toEqual([1, 2, 0]);
    expect(() => new PackedSequence(f32([0, 1, 2]), tensor([2, 1], { dtype: 'int32' }), tensor([0, 0], { dtype: 'int32' })))
      .toThrow('PackedSequence: sortedIndices must be a permutation of 0..1 (a 1-D integer Tensor of the batch size 2), got [0, 0]');
  });

  it('to / float / double convert the data and keep the indices (PyTorch\'s PackedSequence.to)', () => {
    const p = packSequence([f32([1, 2]), f32([3, 4, 5])], { enforceSorted: false });
    const d = p.double();
    expect(d.data.dtype).toBe('float64');
    expect(d.data.toArray()).toEqual([3, 1, 4, 2, 5]);
    expect(d.batchSizes).toBe(p.batchSizes);
    expect(d.sortedIndices).toBe(p.sortedIndices);
    expect(d.unsortedIndices).toBe(p.unsortedIndices);
    expect(d.float().data.dtype).toBe('float32');
    expect(p.to('float32')).toBe(p);
  });

  it('is reachable as nn.utils.rnn', () => {
    expect(utils.rnn.packPaddedSequence).toBe(packPaddedSequence);
  });

  it('rejects bad lengths and options', () => {
    const x = randn([3, 2, 1]);
    expect(() => packPaddedSequence(x, [1, 3])).toThrow('packPaddedSequence: lengths [1, 3] must be sorted in decreasing order when enforceSorted is true');
    expect(() => packPaddedSequence(x, [3])).toThrow('packPaddedSequence: expected len(lengths) to be equal to batch_size, but got 1 (batch_size=2)');
    expect(() => packPaddedSequence(x, [4, 1])).toThrow('packPaddedSequence: a length 4 exceeds the padded length 3');
    expect(() => packPaddedSequence(x, [3, 0])).toThrow('packPaddedSequence: length of all samples has to be a positive integer');
    expect(() => packPaddedSequence(x, tensor([[3, 1]], { dtype: 'int32' }))).toThrow("packPaddedSequence: 'lengths' should be a 1-D tensor or an array, got a 2-D tensor of shape [1, 2]");
    expect(() => padSequence([tensor(1), tensor(2)])).toThrow('padSequence: every sequence must have at least 1 dim ([L, *]), got a 0-D tensor');
    expect(() => packPaddedSequence(x, [3, 1], { enforce_sorted: false } as never)).toThrow("packPaddedSequence: unknown option 'enforce_sorted'");
    expect(() => padPackedSequence(packPaddedSequence(x, [3, 1]), { totalLength: 2 })).toThrow('padPackedSequence: expected totalLength to be at least the length of the longest sequence in the input, but got totalLength=2 and max sequence length being 3');
  });
});
