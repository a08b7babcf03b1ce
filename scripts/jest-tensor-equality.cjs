/**
 * Tensors are iterable (rows along dim 0, as torch's), and jest's `toEqual` walks any iterable through its
 * items: that would compare a tensor row by row — fresh row views with fresh UnbindBackward0 nodes on each
 * walk, so a tensor that requires grad would not even equal itself, and the walk over every element's view is
 * quadratic in a tensor's size. This tester keeps the comparison jest made before tensors were iterable: their
 * own fields (shape, strides, storage, dtype, grad state), as for any other object.
 */
const isTensor = (v) => v !== null && typeof v === 'object' && '_storage' in v && 'nd' in v && typeof v.dataSync === 'function';

expect.addEqualityTesters([
  function tensorFields(a, b, customTesters) {
    if (!isTensor(a) || !isTensor(b)) return undefined;
    return this.equals({ ...a }, { ...b }, customTesters);
  },
]);
